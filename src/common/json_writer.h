// JsonWriter: builds compact JSON text (RFC 8259) into a string, for REST responses and
// JSON log lines. Commas are placed by the writer; the caller states structure.
//
//   JsonWriter w;
//   w.BeginObject().Key("name").String("s3-sink").Key("tasks").BeginArray().EndArray();
//   w.EndObject();
//   w.str();  // {"name":"s3-sink","tasks":[]}
//
// Strings are escaped (quotes, backslash, control characters as \uXXXX); bytes that are
// not valid UTF-8 are replaced by U+FFFD so the output always parses. Non-finite
// doubles are written as null (JSON has no NaN or Infinity).
//
// Thread safety: a value; one writer per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view v);
  JsonWriter& Int(int64_t v);
  JsonWriter& Uint(uint64_t v);
  JsonWriter& Double(double v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Separate();

  std::string out_;
  // Per open container: has it had an element yet? A Key suppresses the comma of the
  // value that follows it.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

// Appends `s` as a quoted, escaped JSON string.
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace tributary
