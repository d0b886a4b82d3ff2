// Reading named fields of JSON record values, for partition.field.name and
// timestamp.field (docs/partitioning.md).
//
// A field path is a dotted name, "country" or "address.city" (Confluent's nested field
// syntax). The value is JSON text: what JsonConverter, or StringConverter carrying JSON,
// delivers. With JsonConverter's `schemas.enable=true` every value is an envelope
// {"schema": ..., "payload": ...} and fields are read from the payload.
//
// Only the fields asked for are parsed (simdjson On Demand): the rest of the value is
// skipped, not decoded.
//
// Thread safety: functions may be called from any thread (each thread has its own
// parser).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tributary {

// How to find the fields in a value (value.converter.schemas.enable).
enum class SchemaEnvelope {
  kNever,   // schemas.enable=false: the value itself holds the fields
  kAlways,  // schemas.enable=true: the value is {"schema":..., "payload":...}; no payload is
            // an error
  kDetect,  // not set: read from "payload" when the top-level object has exactly the two
            // members "schema" and "payload", else from the value itself
};

// One field's value, as far as partitioning needs it.
struct JsonScalar {
  enum class Kind { kNull, kInt, kFloat, kString, kBool, kObject, kArray };
  Kind kind = Kind::kNull;
  int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;
  std::string string_value;  // kString: the decoded string
  // kInt: the number's text ("42"); kFloat: as written; others empty.
  std::string number_text;
};

std::string_view JsonKindName(JsonScalar::Kind kind);

// A parsed dotted path. Segments are the names between dots.
struct FieldPath {
  std::string name;  // as configured, for messages
  std::vector<std::string> segments;
  // "a.b" -> {a, b}. InvalidArgument naming `key` for an empty name or empty segments.
  static Result<FieldPath> Parse(std::string_view name, std::string_view key);
};

// The values of `paths` in the JSON text `value`, in order. A null anywhere along a path
// gives kNull (the connector writes such a field as null). Errors (kInvalidArgument, not
// naming the record; callers prefix it): the value is not valid JSON or not an object, a
// field is missing, a field along the path is not an object.
Result<std::vector<JsonScalar>> ReadJsonFields(std::string_view value,
                                               const std::vector<FieldPath>& paths,
                                               SchemaEnvelope envelope);

}  // namespace tributary
