// Connect schemas in JsonConverter's JSON form (the "schema" of a schemas.enable=true
// envelope), and builders that write them in JsonConverter's member order:
//   type, fields | items | keys, values, optional, name, version, doc, parameters,
//   default, field
// so a schema a transform rebuilt looks like one JsonConverter wrote.
//
// Thread safety: functions on values.
#pragma once

#include <string_view>

#include "transform/json_value.h"

namespace tributary::connect_schema {

inline constexpr std::string_view kTimestampName = "org.apache.kafka.connect.data.Timestamp";
inline constexpr std::string_view kDateName = "org.apache.kafka.connect.data.Date";
inline constexpr std::string_view kTimeName = "org.apache.kafka.connect.data.Time";
inline constexpr std::string_view kDecimalName = "org.apache.kafka.connect.data.Decimal";

std::string_view Type(const JsonValue& schema);
std::string_view Name(const JsonValue& schema);
bool IsOptional(const JsonValue& schema);
// The "fields" array of a struct schema; nullptr for other schemas.
const JsonValue::Array* Fields(const JsonValue& schema);
// The schema of a struct's field (an element of "fields"); nullptr when absent.
const JsonValue* Field(const JsonValue& schema, std::string_view name);
// The field name an element of "fields" carries.
std::string_view FieldName(const JsonValue& field_schema);

// {"type":type,"optional":optional[,"name":name,"version":version]}
JsonValue Primitive(std::string_view type, bool optional, std::string_view name = {},
                    int version = 0);
// `schema` as a member of "fields" named `name` ("field" last, replacing any previous).
JsonValue AsField(JsonValue schema, std::string_view name);
// `schema` without its "field" member (a field's schema used as a whole value's).
JsonValue WithoutFieldName(JsonValue schema);
// A struct schema with `fields`, taking optional/name/version/doc/parameters from
// `basics` when given (Connect's SchemaUtil.copySchemaBasics, plus optionality).
JsonValue Struct(JsonValue::Array fields, const JsonValue* basics);
// `schema` with members put back in JsonConverter's order, `optional` forced when asked.
JsonValue Canonical(const JsonValue& schema);
JsonValue WithOptional(JsonValue schema, bool optional);

}  // namespace tributary::connect_schema
