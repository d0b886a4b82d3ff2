// JSON Schema (JsonSchemaConverter) → the schema model (schema.h), after Confluent's
// JsonSchemaData.toConnectSchema, so that JSON payloads read with JsonValueReader
// (json_value.h) can be written as Parquet and Avro columns.
//
//   {"type": "object", "properties": {...}}   record; fields in `connect.index` order, else
//                                             as written; a field is optional when its
//                                             schema admits null or it is not listed in
//                                             "required" (Confluent: only when it admits
//                                             null; a missing member then fails there)
//   "title"                                   the record's name (invalid characters → _);
//                                             nested records are namespaced by their path
//   object with "connect.type": "map", or     map of the additionalProperties schema
//     only "additionalProperties": {schema}
//   {"type": "array", "items": {...}}         array (items optional when they admit null)
//   "boolean"                                 boolean
//   "integer"                                 long; connect.type int8/int16/int32 → int;
//                                             title org.apache.kafka.connect.data.Date →
//                                             date, ...Time → time-millis, ...Timestamp →
//                                             timestamp-millis
//   "number"                                  double; connect.type float32 → float, int* as
//                                             for integer; title ...Decimal (or connect.type
//                                             bytes) → decimal(connect.decimal.precision
//                                             parameter or 38, scale parameter)
//   "string"                                  string; format date → date, date-time →
//                                             timestamp-micros, uuid → uuid; connect.type
//                                             bytes → bytes (base64 text); title ...Decimal
//                                             → decimal (base64 or decimal text)
//   "enum": [...], "const"                    string
//   ["null", T], oneOf/anyOf [{"type":"null"}, T]   optional T
//   "$ref": "#/definitions/X", "#/$defs/X", "#/..."  the referenced schema (not recursive)
//   anything else (other unions, allOf, {} or true)  string holding the value's JSON text
//
// Errors are kInvalidArgument naming the path in the schema ("properties.items.items:
// ...").
//
// Thread safety: a free function.
#pragma once

#include <string_view>

#include "common/status.h"
#include "schema/schema.h"

namespace tributary {

// `root_name`: the top-level record's name when the schema has no title.
Result<Schema> ParseJsonSchema(std::string_view text, std::string_view root_name = "Value");

}  // namespace tributary
