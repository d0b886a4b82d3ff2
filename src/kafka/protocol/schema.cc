#include "kafka/protocol/schema.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "common/strings.h"

namespace tributary::kafka {

extern const char kMessagesDef[];  // messages_def.cc, generated from messages.def

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kBool:
      return "bool";
    case FieldType::kInt8:
      return "int8";
    case FieldType::kInt16:
      return "int16";
    case FieldType::kInt32:
      return "int32";
    case FieldType::kInt64:
      return "int64";
    case FieldType::kUint16:
      return "uint16";
    case FieldType::kFloat64:
      return "float64";
    case FieldType::kUuid:
      return "uuid";
    case FieldType::kString:
      return "string";
    case FieldType::kBytes:
      return "bytes";
    case FieldType::kRecords:
      return "records";
    case FieldType::kArray:
      return "[]";
    case FieldType::kStructArray:
      return "[]struct";
  }
  return "?";
}

int StructDef::FieldIndex(std::string_view field) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field) return static_cast<int>(i);
  }
  return -1;
}

namespace {

bool ParsePrimitive(std::string_view s, FieldType* out) {
  static const std::map<std::string_view, FieldType> kTypes = {
      {"bool", FieldType::kBool},       {"int8", FieldType::kInt8},
      {"int16", FieldType::kInt16},     {"int32", FieldType::kInt32},
      {"int64", FieldType::kInt64},     {"uint16", FieldType::kUint16},
      {"float64", FieldType::kFloat64}, {"uuid", FieldType::kUuid},
      {"string", FieldType::kString},   {"bytes", FieldType::kBytes},
      {"records", FieldType::kRecords}};
  auto it = kTypes.find(s);
  if (it == kTypes.end()) return false;
  *out = it->second;
  return true;
}

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  std::string tmp(s);
  char* end = nullptr;
  *out = std::strtoll(tmp.c_str(), &end, 10);
  return end && *end == '\0';
}

// "3+", "0-2", "5".
bool ParseRange(std::string_view s, VersionRange* out) {
  int64_t a = 0, b = 0;
  if (!s.empty() && s.back() == '+') {
    if (!ParseInt(s.substr(0, s.size() - 1), &a)) return false;
    *out = {static_cast<int>(a), 0x7fff};
    return true;
  }
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) {
    if (!ParseInt(s, &a)) return false;
    *out = {static_cast<int>(a), static_cast<int>(a)};
    return true;
  }
  if (!ParseInt(s.substr(0, dash), &a) || !ParseInt(s.substr(dash + 1), &b)) return false;
  *out = {static_cast<int>(a), static_cast<int>(b)};
  return true;
}

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ') ++j;
    if (j > i) words.push_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

}  // namespace

Result<MessageTable> MessageTable::Parse(std::string_view text) {
  MessageTable table;
  ApiDef* api = nullptr;
  // The struct being filled at each nesting depth (0 = request/response body).
  std::vector<std::shared_ptr<StructDef>> stack;
  std::shared_ptr<StructDef> request, response;
  auto finish_api = [&]() {
    if (api) {
      api->request = request;
      api->response = response;
    }
  };
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) continue;
    size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    auto words = Words(line);
    auto error = [&](std::string_view what) {
      return InvalidArgument("messages.def line {}: {}: '{}'", line_no, what, line);
    };
    if (indent == 0) {
      if (words[0] == "api") {
        finish_api();
        if (words.size() != 5) return error("expected: api Name key=N versions=A-B flexible=V+");
        table.apis_.emplace_back();
        api = &table.apis_.back();
        api->name = std::string(words[1]);
        int64_t key = 0;
        VersionRange flex;
        if (words[2].substr(0, 4) != "key=" || !ParseInt(words[2].substr(4), &key) ||
            words[3].substr(0, 9) != "versions=" ||
            !ParseRange(words[3].substr(9), &api->versions) ||
            words[4].substr(0, 9) != "flexible=" || !ParseRange(words[4].substr(9), &flex)) {
          return error("bad api line");
        }
        api->key = static_cast<int16_t>(key);
        api->flexible_min = flex.min;
        request = response = nullptr;
        stack.clear();
      } else if (words[0] == "request" || words[0] == "response") {
        if (!api) return error("request/response outside an api block");
        auto body = std::make_shared<StructDef>();
        body->name = api->name + " " + std::string(words[0]);
        (words[0] == "request" ? request : response) = body;
        stack = {body};
      } else {
        return error("expected 'api', 'request' or 'response'");
      }
      continue;
    }
    if (indent % 2 != 0) return error("indent by two spaces per level");
    size_t depth = indent / 2;
    if (stack.empty() || depth > stack.size()) return error("field outside a struct");
    stack.resize(depth);
    if (words.size() < 2) return error("expected: Name Type [Versions] [null=V] [tag=N]");
    FieldDef field;
    field.name = std::string(words[0]);
    std::string_view type = words[1];
    if (type == "[]") {
      field.type = FieldType::kStructArray;
    } else if (type.substr(0, 2) == "[]") {
      field.type = FieldType::kArray;
      if (!ParsePrimitive(type.substr(2), &field.element)) return error("unknown element type");
    } else if (!ParsePrimitive(type, &field.type)) {
      return error("unknown type");
    }
    for (size_t w = 2; w < words.size(); ++w) {
      std::string_view word = words[w];
      if (word.substr(0, 5) == "null=") {
        if (!ParseRange(word.substr(5), &field.nullable)) return error("bad null= range");
      } else if (word.substr(0, 4) == "tag=") {
        int64_t tag = 0;
        if (!ParseInt(word.substr(4), &tag) || tag < 0) return error("bad tag");
        field.tag = static_cast<int>(tag);
      } else if (word.substr(0, 8) == "default=") {
        std::string_view v = word.substr(8);
        int64_t n = 0;
        if (v == "null") {
          field.default_null = true;
        } else if (v == "true" || v == "false") {
          field.default_int = v == "true";
        } else if (ParseInt(v, &n)) {
          field.default_int = n;
        } else {
          field.default_str = std::string(v);
        }
      } else if (!ParseRange(word, &field.versions)) {
        return error("bad version range");
      }
    }
    std::shared_ptr<StructDef> child;
    if (field.type == FieldType::kStructArray) {
      child = std::make_shared<StructDef>();
      child->name = stack.back()->name + " " + field.name;
      field.fields = child;
    }
    stack.back()->fields.push_back(std::move(field));
    if (child) stack.push_back(child);
  }
  finish_api();
  for (const ApiDef& a : table.apis_) {
    if (!a.request || !a.response) {
      return InvalidArgument("messages.def: api {} lacks a request or response", a.name);
    }
  }
  std::sort(table.apis_.begin(), table.apis_.end(),
            [](const ApiDef& a, const ApiDef& b) { return a.key < b.key; });
  return table;
}

const MessageTable& MessageTable::Builtin() {
  static const MessageTable* table = [] {
    auto parsed = Parse(kMessagesDef);
    if (!parsed.ok()) {
      std::fprintf(stderr, "tributary: %s\n", parsed.status().ToString().c_str());
      std::abort();
    }
    return new MessageTable(std::move(parsed).value());
  }();
  return *table;
}

const ApiDef* MessageTable::Find(int key) const {
  for (const ApiDef& a : apis_) {
    if (a.key == key) return &a;
  }
  return nullptr;
}

}  // namespace tributary::kafka
