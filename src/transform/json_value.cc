#include "transform/json_value.h"

#include <charconv>
#include <cmath>

#include <simdjson.h>

#include "format/jsonl/json_format.h"  // AppendJsonString

namespace tributary {
namespace {

JsonValue FromDom(simdjson::dom::element e, int depth);

}  // namespace

// Converts one DOM element; containers below the top level are kept as their minified
// text (JsonValue::RawJson) and parsed only if a transform looks inside.
JsonValue FromDomElement(const void* element, int depth) {
  const auto& e = *static_cast<const simdjson::dom::element*>(element);
  const auto t = e.type();
  if (depth > 0 &&
      (t == simdjson::dom::element_type::ARRAY || t == simdjson::dom::element_type::OBJECT)) {
    return JsonValue(std::in_place_index<JsonValue::kRawIndex>,
                     JsonValue::RawJson{simdjson::minify(e)});
  }
  return FromDom(e, depth);
}

namespace {

JsonValue FromDom(simdjson::dom::element e, int depth) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY: {
      JsonValue::Array a;
      simdjson::dom::array arr;
      if (e.get_array().get(arr) == simdjson::SUCCESS) {
        a.reserve(arr.size());
        for (simdjson::dom::element child : arr) a.push_back(FromDomElement(&child, depth + 1));
      }
      return JsonValue::MakeArray(std::move(a));
    }
    case simdjson::dom::element_type::OBJECT: {
      JsonValue::Object o;
      simdjson::dom::object obj;
      if (e.get_object().get(obj) == simdjson::SUCCESS) {
        o.reserve(obj.size());
        for (simdjson::dom::key_value_pair field : obj) {
          o.emplace_back(std::string(field.key), FromDomElement(&field.value, depth + 1));
        }
      }
      return JsonValue::MakeObject(std::move(o));
    }
    case simdjson::dom::element_type::INT64:
      return JsonValue::Int(e.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return JsonValue::Uint(e.get_uint64().value_unsafe());
    case simdjson::dom::element_type::DOUBLE:
      return JsonValue::Double(e.get_double().value_unsafe());
    case simdjson::dom::element_type::STRING:
      return JsonValue::String(std::string(e.get_string().value_unsafe()));
    case simdjson::dom::element_type::BOOL:
      return JsonValue::Bool(e.get_bool().value_unsafe());
    case simdjson::dom::element_type::NULL_VALUE:
      break;
  }
  return JsonValue();
}

}  // namespace

Result<JsonValue> JsonValue::Parse(std::string_view text) {
  // One parser per thread: its buffers are reused across records.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  auto err = parser.parse(text.data(), text.size()).get(root);
  if (err) return InvalidArgument("not valid JSON ({})", simdjson::error_message(err));
  return FromDom(root, 0);
}

JsonValue::Storage& JsonValue::Materialized() const {
  if (v_.index() == kRawIndex) {
    // The text came from simdjson's minifier: it parses.
    auto parsed = Parse(std::get<kRawIndex>(v_).text);
    v_ = std::move(parsed.value().v_);
  }
  return v_;
}

double JsonValue::number_value() const {
  switch (type()) {
    case Type::kInt:
      return static_cast<double>(std::get<2>(v_));
    case Type::kUint:
      return static_cast<double>(std::get<3>(v_));
    case Type::kDouble:
      return std::get<4>(v_);
    default:
      return 0;
  }
}

const JsonValue* JsonValue::Find(std::string_view name) const {
  if (!is_object()) return nullptr;
  for (const auto& [k, v] : object()) {
    if (k == name) return &v;
  }
  return nullptr;
}

JsonValue* JsonValue::Find(std::string_view name) {
  return const_cast<JsonValue*>(static_cast<const JsonValue*>(this)->Find(name));
}

JsonValue& JsonValue::Set(std::string_view name, JsonValue value) {
  if (JsonValue* existing = Find(name)) {
    *existing = std::move(value);
    return *existing;
  }
  return object().emplace_back(std::string(name), std::move(value)).second;
}

bool JsonValue::Erase(std::string_view name) {
  if (!is_object()) return false;
  auto& o = object();
  for (auto it = o.begin(); it != o.end(); ++it) {
    if (it->first == name) {
      o.erase(it);
      return true;
    }
  }
  return false;
}

void AppendJavaDouble(double d, std::string* out) {
  if (!std::isfinite(d)) {
    out->append("null");  // JSON has no NaN or infinity
    return;
  }
  if (d == 0) {
    out->append(std::signbit(d) ? "-0.0" : "0.0");
    return;
  }
  // Shortest round-trip digits, then laid out as Java's Double.toString does.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));  // "-1.2345e+03"
  bool negative = sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (negative) out->push_back('-');
  const double a = std::fabs(d);
  if (a >= 1e-3 && a < 1e7) {
    if (exp >= 0) {
      size_t int_len = static_cast<size_t>(exp) + 1;
      if (digits.size() <= int_len) {
        out->append(digits);
        out->append(int_len - digits.size(), '0');
        out->append(".0");
      } else {
        out->append(digits, 0, int_len);
        out->push_back('.');
        out->append(digits, int_len, std::string::npos);
      }
    } else {
      out->append("0.");
      out->append(static_cast<size_t>(-exp - 1), '0');
      out->append(digits);
    }
    return;
  }
  out->push_back(digits[0]);
  out->push_back('.');
  out->append(digits.size() > 1 ? digits.substr(1) : "0");
  out->push_back('E');
  out->append(std::to_string(exp));
}

void JsonValue::AppendTo(std::string* out) const {
  switch (type()) {
    case Type::kNull:
      out->append("null");
      break;
    case Type::kBool:
      out->append(bool_value() ? "true" : "false");
      break;
    case Type::kInt: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof(buf), std::get<2>(v_));
      out->append(buf, r.ptr);
      break;
    }
    case Type::kUint: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof(buf), std::get<3>(v_));
      out->append(buf, r.ptr);
      break;
    }
    case Type::kDouble:
      AppendJavaDouble(std::get<4>(v_), out);
      break;
    case Type::kString:
      AppendJsonString(str(), out);
      break;
    case Type::kArray:
    case Type::kObject:
      if (v_.index() == kRawIndex) {
        out->append(std::get<kRawIndex>(v_).text);
        break;
      }
      if (type() == Type::kObject) {
        AppendObject(out);
        break;
      }
      {
        out->push_back('[');
        bool first = true;
        for (const auto& v : array()) {
          if (!first) out->push_back(',');
          first = false;
          v.AppendTo(out);
        }
        out->push_back(']');
      }
      break;
  }
}

void JsonValue::AppendObject(std::string* out) const {
  out->push_back('{');
  bool first = true;
  for (const auto& [k, v] : object()) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(k, out);
    out->push_back(':');
    v.AppendTo(out);
  }
  out->push_back('}');
}

}  // namespace tributary
