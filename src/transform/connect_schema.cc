#include "transform/connect_schema.h"

namespace tributary::connect_schema {

std::string_view Type(const JsonValue& schema) {
  const JsonValue* t = schema.Find("type");
  return t && t->is_string() ? std::string_view(t->str()) : std::string_view();
}

std::string_view Name(const JsonValue& schema) {
  const JsonValue* t = schema.Find("name");
  return t && t->is_string() ? std::string_view(t->str()) : std::string_view();
}

bool IsOptional(const JsonValue& schema) {
  const JsonValue* o = schema.Find("optional");
  return o && o->is_bool() && o->bool_value();
}

const JsonValue::Array* Fields(const JsonValue& schema) {
  const JsonValue* f = schema.Find("fields");
  return f && f->is_array() ? &f->array() : nullptr;
}

std::string_view FieldName(const JsonValue& field_schema) {
  const JsonValue* n = field_schema.Find("field");
  return n && n->is_string() ? std::string_view(n->str()) : std::string_view();
}

const JsonValue* Field(const JsonValue& schema, std::string_view name) {
  const JsonValue::Array* fields = Fields(schema);
  if (!fields) return nullptr;
  for (const auto& f : *fields) {
    if (FieldName(f) == name) return &f;
  }
  return nullptr;
}

JsonValue Primitive(std::string_view type, bool optional, std::string_view name, int version) {
  JsonValue s = JsonValue::MakeObject();
  s.Set("type", JsonValue::String(std::string(type)));
  s.Set("optional", JsonValue::Bool(optional));
  if (!name.empty()) {
    s.Set("name", JsonValue::String(std::string(name)));
    if (version > 0) s.Set("version", JsonValue::Int(version));
  }
  return s;
}

JsonValue AsField(JsonValue schema, std::string_view name) {
  schema.Erase("field");
  schema.Set("field", JsonValue::String(std::string(name)));
  return schema;
}

JsonValue WithoutFieldName(JsonValue schema) {
  schema.Erase("field");
  return schema;
}

JsonValue Canonical(const JsonValue& schema) {
  static constexpr std::string_view kOrder[] = {"type",   "fields",     "items",   "keys",
                                                "values", "optional",   "name",    "version",
                                                "doc",    "parameters", "default", "field"};
  JsonValue out = JsonValue::MakeObject();
  for (auto key : kOrder) {
    if (const JsonValue* v = schema.Find(key)) {
      out.Set(key, *v);
    } else if (key == "optional") {
      out.Set(key, JsonValue::Bool(false));  // JsonConverter always writes it
    }
  }
  for (const auto& [k, v] : schema.object()) {
    if (!out.Find(k)) out.Set(k, v);  // members JsonConverter does not know, kept last
  }
  return out;
}

JsonValue WithOptional(JsonValue schema, bool optional) {
  schema.Set("optional", JsonValue::Bool(optional));
  return schema;
}

JsonValue Struct(JsonValue::Array fields, const JsonValue* basics) {
  JsonValue s = JsonValue::MakeObject();
  s.Set("type", JsonValue::String("struct"));
  s.Set("fields", JsonValue::MakeArray(std::move(fields)));
  s.Set("optional", JsonValue::Bool(basics ? IsOptional(*basics) : false));
  if (basics) {
    for (auto key : {"name", "version", "doc", "parameters"}) {
      if (const JsonValue* v = basics->Find(key)) s.Set(key, *v);
    }
  }
  return s;
}

}  // namespace tributary::connect_schema
