#include "schema/widening.h"

#include <simdjson.h>

#include <algorithm>

#include "schema/json_value.h"

namespace tributary {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string_view KindName(element e) {
  switch (e.type()) {
    case element_type::BOOL:
      return "a boolean";
    case element_type::INT64:
    case element_type::UINT64:
      return "an integer";
    case element_type::DOUBLE:
      return "a number";
    case element_type::STRING:
      return "a string";
    case element_type::OBJECT:
      return "an object";
    case element_type::ARRAY:
      return "an array";
    default:
      return "null";
  }
}

// Record names of an inferred schema start with `from`; they become `to`'s.
void Rename(Schema* s, const std::string& from, const std::string& to) {
  if (s->type == SchemaType::kRecord && s->name.starts_with(from)) {
    s->name = to + s->name.substr(from.size());
  }
  for (Field& f : s->fields) Rename(&f.schema, from, to);
}

// The schema SchemaInferrer gives `member` as field `name` of record `record_name`.
Result<Schema> InferMember(element member, const std::string& record_name,
                           const std::string& name) {
  SchemaInferrer inferrer;
  RETURN_IF_ERROR(inferrer.Add("{\"m\":" + simdjson::minify(member) + "}"));
  Schema s = inferrer.Current(record_name).fields.at(0).schema;
  Rename(&s, record_name + "_m", record_name + "_" + name);
  return s;
}

Status Conflict(element e, const Schema& s, const std::string& path) {
  return InvalidArgument("{}: {} does not fit {} and the schema cannot be widened to take it",
                         path.empty() ? "the value" : path, KindName(e), Describe(s));
}

Status Widen(element e, const std::string& path, Schema* s) {
  const element_type t = e.type();
  if (t == element_type::NULL_VALUE) {
    s->optional = true;
    return Status::OK();
  }
  if (s->type == SchemaType::kString && s->logical == LogicalType::kNone) return Status::OK();
  switch (t) {
    case element_type::BOOL:
      if (s->type != SchemaType::kBoolean) return Conflict(e, *s, path);
      return Status::OK();
    case element_type::INT64:
    case element_type::UINT64:
      if (s->logical != LogicalType::kNone) return Status::OK();  // the reader decides
      if (s->type == SchemaType::kInt) {
        s->type = SchemaType::kLong;
      } else if (s->type != SchemaType::kLong && s->type != SchemaType::kFloat &&
                 s->type != SchemaType::kDouble) {
        return Conflict(e, *s, path);
      }
      return Status::OK();
    case element_type::DOUBLE:
      if (s->logical != LogicalType::kNone) return Status::OK();
      if (s->type == SchemaType::kInt || s->type == SchemaType::kLong) {
        s->type = SchemaType::kDouble;
      } else if (s->type != SchemaType::kFloat && s->type != SchemaType::kDouble) {
        return Conflict(e, *s, path);
      }
      return Status::OK();
    case element_type::STRING:
      if (s->logical == LogicalType::kNone &&
          (s->type == SchemaType::kBytes || s->type == SchemaType::kEnum)) {
        return Status::OK();  // the reader decides
      }
      if (s->logical == LogicalType::kNone) return Conflict(e, *s, path);
      return Status::OK();
    case element_type::ARRAY:
      if (s->type != SchemaType::kArray) return Conflict(e, *s, path);
      for (element item : simdjson::dom::array(e)) {
        RETURN_IF_ERROR(Widen(item, path + "[]", &s->fields[0].schema));
      }
      return Status::OK();
    case element_type::OBJECT:
      if (s->type != SchemaType::kRecord) return Conflict(e, *s, path);
      for (auto [k, v] : simdjson::dom::object(e)) {
        const std::string key(k);
        const std::string fpath = path.empty() ? key : path + "." + key;
        auto it = std::find_if(s->fields.begin(), s->fields.end(),
                               [&](const Field& f) { return f.name == key; });
        if (it != s->fields.end()) {
          RETURN_IF_ERROR(Widen(v, fpath, &it->schema));
          continue;
        }
        ASSIGN_OR_RETURN(Schema added, InferMember(v, s->name, key));
        s->fields.push_back(Field{key, std::move(added), {}});
      }
      return Status::OK();
    default:
      return Conflict(e, *s, path);
  }
}

}  // namespace

Result<Schema> WidenInferredSchema(const Schema& file, std::string_view json) {
  simdjson::dom::parser parser;
  element doc;
  if (auto err = parser.parse(json.data(), json.size()).get(doc); err) {
    return InvalidArgument("value is not valid JSON ({})", simdjson::error_message(err));
  }
  if (doc.type() != element_type::OBJECT) {
    return InvalidArgument("schema.inference needs JSON objects as values, got {}", KindName(doc));
  }
  Schema widened = file;
  RETURN_IF_ERROR(Widen(doc, "", &widened));
  return widened;
}

}  // namespace tributary
