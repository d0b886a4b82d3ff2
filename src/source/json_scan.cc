#include "source/json_scan.h"

#include <charconv>

#include <simdjson.h>

namespace tributary {
namespace {

bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void SkipWs(std::string_view t, size_t* pos) {
  while (*pos < t.size() && IsWs(t[*pos])) ++*pos;
}

Status Bad(std::string_view /*text*/, size_t pos, std::string_view what) {
  return InvalidArgument("malformed JSON at byte {}: {}", pos, what);
}

// Advances past the string literal starting at `*pos` (the opening quote).
Status SkipString(std::string_view t, size_t* pos) {
  size_t i = *pos + 1;
  while (i < t.size()) {
    char c = t[i];
    if (c == '"') {
      *pos = i + 1;
      return Status::OK();
    }
    if (c == '\\') {
      if (i + 1 >= t.size()) break;
      i += 2;
      continue;
    }
    ++i;
  }
  return Bad(t, *pos, "unterminated string");
}

}  // namespace

Result<std::string_view> ScanJsonValue(std::string_view t, size_t* pos) {
  SkipWs(t, pos);
  if (*pos >= t.size()) return Bad(t, *pos, "expected a value");
  const size_t start = *pos;
  char c = t[start];
  if (c == '"') {
    RETURN_IF_ERROR(SkipString(t, pos));
    return t.substr(start, *pos - start);
  }
  if (c == '{' || c == '[') {
    // Count brackets, skipping strings.
    std::vector<char> stack;
    size_t i = start;
    while (i < t.size()) {
      char d = t[i];
      if (d == '"') {
        RETURN_IF_ERROR(SkipString(t, &i));
        continue;
      }
      if (d == '{' || d == '[') {
        stack.push_back(d == '{' ? '}' : ']');
      } else if (d == '}' || d == ']') {
        if (stack.empty() || stack.back() != d) return Bad(t, i, "unbalanced brackets");
        stack.pop_back();
        if (stack.empty()) {
          *pos = i + 1;
          return t.substr(start, *pos - start);
        }
      }
      ++i;
    }
    return Bad(t, start, "unterminated object or array");
  }
  // A literal or a number: up to the next delimiter.
  size_t i = start;
  while (i < t.size() && !IsWs(t[i]) && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != ':') {
    ++i;
  }
  if (i == start) return Bad(t, start, "expected a value");
  *pos = i;
  return t.substr(start, i - start);
}

Result<std::vector<std::pair<std::string, std::string_view>>> JsonObjectMembers(
    std::string_view t) {
  std::vector<std::pair<std::string, std::string_view>> out;
  size_t pos = 0;
  SkipWs(t, &pos);
  if (pos >= t.size() || t[pos] != '{') return Bad(t, pos, "expected an object");
  ++pos;
  SkipWs(t, &pos);
  if (pos < t.size() && t[pos] == '}') return out;
  while (true) {
    SkipWs(t, &pos);
    if (pos >= t.size() || t[pos] != '"') return Bad(t, pos, "expected a member name");
    ASSIGN_OR_RETURN(std::string_view name_lit, ScanJsonValue(t, &pos));
    ASSIGN_OR_RETURN(std::string name, DecodeJsonString(name_lit));
    SkipWs(t, &pos);
    if (pos >= t.size() || t[pos] != ':') return Bad(t, pos, "expected ':'");
    ++pos;
    ASSIGN_OR_RETURN(std::string_view value, ScanJsonValue(t, &pos));
    out.emplace_back(std::move(name), value);
    SkipWs(t, &pos);
    if (pos < t.size() && t[pos] == ',') {
      ++pos;
      continue;
    }
    if (pos < t.size() && t[pos] == '}') return out;
    return Bad(t, pos, "expected ',' or '}'");
  }
}

Result<std::vector<std::string_view>> JsonArrayElements(std::string_view t) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  SkipWs(t, &pos);
  if (pos >= t.size() || t[pos] != '[') return Bad(t, pos, "expected an array");
  ++pos;
  SkipWs(t, &pos);
  if (pos < t.size() && t[pos] == ']') return out;
  while (true) {
    ASSIGN_OR_RETURN(std::string_view v, ScanJsonValue(t, &pos));
    out.push_back(v);
    SkipWs(t, &pos);
    if (pos < t.size() && t[pos] == ',') {
      ++pos;
      continue;
    }
    if (pos < t.size() && t[pos] == ']') return out;
    return Bad(t, pos, "expected ',' or ']'");
  }
}

Result<std::string> DecodeJsonString(std::string_view lit) {
  if (lit.size() < 2 || lit.front() != '"' || lit.back() != '"') {
    return InvalidArgument("expected a JSON string, got {}", lit.substr(0, 40));
  }
  if (lit.find('\\') == std::string_view::npos) return std::string(lit.substr(1, lit.size() - 2));
  // Escapes: simdjson decodes them (surrogate pairs included). One parser per thread.
  thread_local simdjson::dom::parser parser;
  std::string_view decoded;
  if (parser.parse(lit.data(), lit.size()).get_string().get(decoded)) {
    return InvalidArgument("bad escape in JSON string {}", lit.substr(0, 40));
  }
  return std::string(decoded);
}

Result<int64_t> DecodeJsonInt(std::string_view lit) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(lit.data(), lit.data() + lit.size(), v);
  if (ec != std::errc() || p != lit.data() + lit.size()) {
    return InvalidArgument("expected an integer, got {}", lit.substr(0, 40));
  }
  return v;
}

}  // namespace tributary
