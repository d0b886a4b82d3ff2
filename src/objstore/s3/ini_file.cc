#include "objstore/s3/ini_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/strings.h"

namespace tributary::s3 {

Result<IniFile> IniFile::Parse(std::string_view text, std::string_view source) {
  IniFile file;
  IniSection* section = nullptr;
  std::string parent_key;  // a key with an empty value: indented lines below belong to it
  size_t line_number = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view raw = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line_number;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    const bool indented = !raw.empty() && (raw.front() == ' ' || raw.front() == '\t');
    const std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;

    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) {
        return InvalidArgument("{}:{}: malformed section header", source, line_number);
      }
      const std::string name(Trim(line.substr(1, line.size() - 2)));
      if (name.empty()) {
        return InvalidArgument("{}:{}: empty section name", source, line_number);
      }
      section = &file.sections_[name];
      parent_key.clear();
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return InvalidArgument("{}:{}: expected '[section]' or 'key = value'", source, line_number);
    }
    if (section == nullptr) {
      return InvalidArgument("{}:{}: 'key = value' before any [section]", source, line_number);
    }
    const std::string key(Trim(line.substr(0, eq)));
    const std::string value(Trim(line.substr(eq + 1)));
    if (indented && !parent_key.empty()) {
      (*section)[parent_key + "." + key] = value;
      continue;
    }
    (*section)[key] = value;
    parent_key = value.empty() ? key : std::string();
  }
  return file;
}

Result<IniFile> IniFile::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    if (err == ENOENT) return NotFound("{} does not exist", path);
    return IOError("cannot open {}: {}", path, std::strerror(err));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return IOError("cannot read {}", path);
  return Parse(text.str(), path);
}

const IniSection* IniFile::Find(std::string_view name) const {
  auto it = sections_.find(name);
  return it == sections_.end() ? nullptr : &it->second;
}

}  // namespace tributary::s3
