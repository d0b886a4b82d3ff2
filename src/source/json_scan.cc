#include "source/json_scan.h"

#include <charconv>

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

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

bool Hex4(std::string_view s, uint32_t* v) {
  if (s.size() < 4) return false;
  *v = 0;
  for (int i = 0; i < 4; ++i) {
    char c = s[i];
    uint32_t d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    *v = *v * 16 + d;
  }
  return true;
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
  std::string out;
  out.reserve(lit.size());
  for (size_t i = 1; i + 1 < lit.size(); ++i) {
    char c = lit[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (i + 2 >= lit.size()) return InvalidArgument("JSON string ends in a backslash");
    char e = lit[++i];
    switch (e) {
      case '"':
        out.push_back('"');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '/':
        out.push_back('/');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        uint32_t cp;
        if (!Hex4(lit.substr(i + 1), &cp)) return InvalidArgument("bad \\u escape in JSON string");
        i += 4;
        if (cp >= 0xd800 && cp < 0xdc00 && i + 6 < lit.size() && lit[i + 1] == '\\' &&
            lit[i + 2] == 'u') {
          uint32_t lo;
          if (Hex4(lit.substr(i + 3), &lo) && lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i += 6;
          }
        }
        AppendUtf8(cp, &out);
        break;
      }
      default:
        return InvalidArgument("bad escape \\{} in JSON string", e);
    }
  }
  return out;
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
