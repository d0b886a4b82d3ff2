#include "sink/field_path.h"

#include <simdjson.h>

#include "common/strings.h"

namespace tributary {

std::string_view JsonKindName(JsonScalar::Kind kind) {
  switch (kind) {
    case JsonScalar::Kind::kNull:
      return "null";
    case JsonScalar::Kind::kInt:
      return "an integer";
    case JsonScalar::Kind::kFloat:
      return "a floating-point number";
    case JsonScalar::Kind::kString:
      return "a string";
    case JsonScalar::Kind::kBool:
      return "a boolean";
    case JsonScalar::Kind::kObject:
      return "an object";
    case JsonScalar::Kind::kArray:
      return "an array";
  }
  return "?";
}

Result<FieldPath> FieldPath::Parse(std::string_view name, std::string_view key) {
  FieldPath p;
  p.name = std::string(Trim(name));
  if (p.name.empty()) return InvalidArgument("{}: expected a field name, got an empty one", key);
  size_t start = 0;
  while (true) {
    size_t dot = p.name.find('.', start);
    std::string seg = p.name.substr(start, dot == std::string::npos ? dot : dot - start);
    if (seg.empty()) {
      return InvalidArgument("{}: '{}' has an empty segment; expected names joined by '.'", key,
                             p.name);
    }
    p.segments.push_back(std::move(seg));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return p;
}

namespace {

using simdjson::ondemand::json_type;

Status JsonError(simdjson::error_code e) {
  return InvalidArgument("the value is not valid JSON ({})", simdjson::error_message(e));
}

Result<JsonScalar> Classify(simdjson::ondemand::value v) {
  JsonScalar s;
  json_type type;
  if (auto e = v.type().get(type)) return JsonError(e);
  switch (type) {
    case json_type::null:
      s.kind = JsonScalar::Kind::kNull;
      break;
    case json_type::boolean:
      s.kind = JsonScalar::Kind::kBool;
      if (auto e = v.get_bool().get(s.bool_value)) return JsonError(e);
      break;
    case json_type::string: {
      s.kind = JsonScalar::Kind::kString;
      std::string_view sv;
      if (auto e = v.get_string().get(sv)) return JsonError(e);
      s.string_value = std::string(sv);
      break;
    }
    case json_type::number: {
      s.number_text = std::string(Trim(v.raw_json_token()));
      simdjson::ondemand::number_type nt;
      if (auto e = v.get_number_type().get(nt)) return JsonError(e);
      if (nt == simdjson::ondemand::number_type::signed_integer) {
        s.kind = JsonScalar::Kind::kInt;
        if (auto e = v.get_int64().get(s.int_value)) return JsonError(e);
      } else {
        // Unsigned integers beyond int64 and fractions: Connect reads both as numbers it
        // cannot use as an INT partition value.
        s.kind = JsonScalar::Kind::kFloat;
        if (auto e = v.get_double().get(s.float_value)) return JsonError(e);
      }
      break;
    }
    case json_type::object:
      s.kind = JsonScalar::Kind::kObject;
      break;
    case json_type::array:
      s.kind = JsonScalar::Kind::kArray;
      break;
  }
  return s;
}

// Reads one path starting at `obj`.
Result<JsonScalar> Lookup(simdjson::ondemand::object obj, const FieldPath& path) {
  for (size_t i = 0; i < path.segments.size(); ++i) {
    simdjson::ondemand::value v;
    auto e = obj.find_field_unordered(path.segments[i]).get(v);
    if (e == simdjson::NO_SUCH_FIELD) {
      std::string at = i == 0 ? "the value" : "'" + path.segments[i - 1] + "'";
      return InvalidArgument("field '{}' is missing ({} has no member '{}')", path.name, at,
                             path.segments[i]);
    }
    if (e) return JsonError(e);
    if (i + 1 == path.segments.size()) return Classify(v);
    json_type type;
    if (auto te = v.type().get(type)) return JsonError(te);
    if (type == json_type::null) return JsonScalar{};  // null along the path: null
    if (type != json_type::object) {
      ASSIGN_OR_RETURN(JsonScalar s, Classify(v));
      return InvalidArgument("field '{}': '{}' is {}, not an object", path.name, path.segments[i],
                             JsonKindName(s.kind));
    }
    if (auto oe = v.get_object().get(obj)) return JsonError(oe);
  }
  return InvalidArgument("field path is empty");
}

}  // namespace

Result<std::vector<JsonScalar>> ReadJsonFields(std::string_view value,
                                               const std::vector<FieldPath>& paths,
                                               SchemaEnvelope envelope) {
  thread_local simdjson::ondemand::parser parser;
  thread_local std::string buffer;
  // On Demand reads up to SIMDJSON_PADDING bytes past the end; records are not padded.
  buffer.assign(value);
  buffer.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::padded_string_view input(buffer.data(), value.size(), buffer.size());
  simdjson::ondemand::document doc;
  if (auto e = parser.iterate(input).get(doc)) return JsonError(e);

  bool from_payload = envelope == SchemaEnvelope::kAlways;
  if (envelope == SchemaEnvelope::kDetect) {
    simdjson::ondemand::object top;
    if (doc.get_object().get(top) == simdjson::SUCCESS) {
      size_t members = 0;
      bool schema = false, payload = false;
      for (auto field : top) {
        std::string_view k;
        if (auto e = field.unescaped_key().get(k)) return JsonError(e);
        ++members;
        schema |= k == "schema";
        payload |= k == "payload";
      }
      from_payload = members == 2 && schema && payload;
    }
    doc.rewind();
  }

  std::vector<JsonScalar> out;
  out.reserve(paths.size());
  for (const FieldPath& path : paths) {
    doc.rewind();
    simdjson::ondemand::object root;
    json_type type;
    if (auto e = doc.type().get(type)) return JsonError(e);
    if (from_payload) {
      if (type != json_type::object) {
        return InvalidArgument(
            "value.converter.schemas.enable=true but the value is not a {{\"schema\", "
            "\"payload\"}} object");
      }
      simdjson::ondemand::object env;
      if (auto e = doc.get_object().get(env)) return JsonError(e);
      simdjson::ondemand::value payload;
      auto e = env.find_field_unordered("payload").get(payload);
      if (e == simdjson::NO_SUCH_FIELD) {
        return InvalidArgument(
            "value.converter.schemas.enable=true but the value has no \"payload\" member");
      }
      if (e) return JsonError(e);
      if (auto te = payload.type().get(type)) return JsonError(te);
      if (type == json_type::null) {
        out.emplace_back();
        continue;
      }
      if (type != json_type::object) {
        return InvalidArgument("the payload is not a JSON object, so it has no field '{}'",
                               path.name);
      }
      if (auto oe = payload.get_object().get(root)) return JsonError(oe);
    } else {
      if (type != json_type::object) {
        return InvalidArgument("the value is not a JSON object, so it has no field '{}'",
                               path.name);
      }
      if (auto e = doc.get_object().get(root)) return JsonError(e);
    }
    ASSIGN_OR_RETURN(JsonScalar s, Lookup(root, path));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace tributary
