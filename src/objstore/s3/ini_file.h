// IniFile: the INI dialect of the AWS shared config and credentials files
// (~/.aws/config, ~/.aws/credentials), as the AWS CLI and SDKs read them.
//
//   # comment            ; comment          (whole lines only)
//   [default]                              section header; surrounding spaces ignored
//   aws_access_key_id = AKIA...            key = value; spaces around both trimmed
//   s3 =                                   a key with an empty value may be followed by
//     max_concurrent_requests = 20         indented "sub = value" lines, stored as
//                                          "s3.max_concurrent_requests"
//
// A section that appears twice is merged; a key that appears twice keeps its last value.
// Section names are kept as written ("profile prod" in the config file, "prod" in the
// credentials file): which spelling applies is the caller's business. Keys are
// case-sensitive, as in the SDKs.
//
// Errors: a line that is none of the above is InvalidArgument naming the file and line
// number, never the line's text (it may hold a secret key).
//
// Thread safety: an IniFile is an immutable value once built.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tributary::s3 {

// Key -> value of one section.
using IniSection = std::map<std::string, std::string, std::less<>>;

class IniFile {
 public:
  IniFile() = default;

  // Parses `text`; `source` (a path) only names the file in errors.
  static Result<IniFile> Parse(std::string_view text, std::string_view source);

  // Reads and parses the file at `path`: NotFound when it does not exist, IOError when it
  // cannot be read.
  static Result<IniFile> Load(const std::string& path);

  // The section called `name`, or nullptr. Valid as long as this IniFile.
  const IniSection* Find(std::string_view name) const;

  const std::map<std::string, IniSection, std::less<>>& sections() const { return sections_; }

 private:
  std::map<std::string, IniSection, std::less<>> sections_;
};

}  // namespace tributary::s3
