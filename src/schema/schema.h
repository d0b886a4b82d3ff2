// Schema: Tributary's one internal schema model, shared by the Avro and Parquet writers
// (DESIGN.md §6). It is the Avro type system without general unions:
//
//   primitives  null boolean int long float double bytes string
//   named       record (fields), enum (symbols), fixed (size)
//   containers  array (items), map (string keys, values)
//   optional    any node may be `optional`: Avro's ["null", T] (or [T, "null"]), Parquet's
//               OPTIONAL repetition
//   logical     date, time-millis/micros, timestamp-millis/micros, local-timestamp-*,
//               decimal(precision, scale) on bytes/fixed, uuid on string/fixed(16)
//
// Children live in `fields`: a record's fields; an array's single child "element" (the
// items); a map's single child "value" (the values; keys are always strings). So a
// Schema is a plain value: copyable, comparable, no shared pointers.
//
// Avro attributes Tributary does not interpret (doc, aliases, "connect.*", "field-id",
// a field's default) are kept as raw JSON text in `props` and printed back unchanged,
// so a schema read from the registry or the config round-trips with its logical types
// and properties (avro_schema.h).
//
// Thread safety: a value; distinct objects may be used from different threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary {

enum class SchemaType {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kRecord,
  kEnum,
  kFixed,
  kArray,
  kMap,
};

enum class LogicalType {
  kNone,
  kDate,                  // int: days since 1970-01-01
  kTimeMillis,            // int: milliseconds after midnight
  kTimeMicros,            // long: microseconds after midnight
  kTimestampMillis,       // long: ms since the epoch, an instant (UTC)
  kTimestampMicros,       // long: µs since the epoch, an instant (UTC)
  kLocalTimestampMillis,  // long: ms, local date-time (no zone)
  kLocalTimestampMicros,  // long: µs, local date-time (no zone)
  kDecimal,               // bytes or fixed: big-endian two's complement unscaled value
  kUuid,                  // string (36 characters) or fixed(16)
};

struct Field;

struct Schema {
  SchemaType type = SchemaType::kNull;
  LogicalType logical = LogicalType::kNone;
  // ["null", T]: the value may be null. `null_first` keeps the branch order for printing
  // (Avro defaults must match the first branch).
  bool optional = false;
  bool null_first = true;
  int precision = 0;                 // kDecimal
  int scale = 0;                     // kDecimal
  int fixed_size = 0;                // kFixed
  std::string name;                  // kRecord, kEnum, kFixed: the simple name
  std::string namespace_;            // of a named type; may be empty
  std::vector<std::string> symbols;  // kEnum
  std::vector<Field> fields;         // see the header comment
  // Attributes kept verbatim: (name, JSON text). For the type, e.g. {"connect.name", "\"x\""}.
  std::vector<std::pair<std::string, std::string>> props;

  // "ns.Name" or "Name".
  std::string FullName() const;
  const Schema& items() const;   // kArray
  const Schema& values() const;  // kMap
  bool IsNamed() const {
    return type == SchemaType::kRecord || type == SchemaType::kEnum || type == SchemaType::kFixed;
  }

  friend bool operator==(const Schema&, const Schema&);
};

struct Field {
  std::string name;
  Schema schema;
  // Field attributes kept verbatim, including "default" and "doc": (name, JSON text).
  std::vector<std::pair<std::string, std::string>> props;

  friend bool operator==(const Field&, const Field&) = default;
};

// Builders for code and tests.
Schema Primitive(SchemaType type, LogicalType logical = LogicalType::kNone);
Schema Optional(Schema s);
Schema ArrayOf(Schema items);
Schema MapOf(Schema values);
Schema RecordOf(std::string name, std::vector<Field> fields);
Schema DecimalOf(int precision, int scale);  // bytes + decimal

// The Avro logicalType attribute: "date", "timestamp-micros", ...; "" for kNone.
std::string_view LogicalTypeName(LogicalType t);

// "int", "date", "decimal(10,2)", "record Order", "array<...>" etc. for error messages.
std::string Describe(const Schema& s);

}  // namespace tributary
