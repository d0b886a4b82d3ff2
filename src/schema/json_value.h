// Schemaless JSON → Value (value.h) of a Schema: a declared schema (`value.schema`) or
// one inferred from the records themselves (`schema.inference=true`).
//
// Conversion (JsonValueReader::Read), by schema node:
//   boolean            true / false
//   int, long          an integer (int: within 32 bits); a float with an integral value
//   float, double      any number
//   string             a string; any other JSON value is kept as its compact JSON text
//                      (so a field inferred as string after a type conflict keeps all data)
//   bytes, fixed       a base64 string (Connect's JsonConverter writes bytes so); fixed
//                      must decode to exactly its size
//   enum               one of the symbols
//   uuid               "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
//   date               days since 1970-01-01, or "YYYY-MM-DD"
//   time-*             the count in the unit, or "HH:MM:SS[.fraction]"
//   timestamp-*        the count in the unit since the epoch, or ISO 8601
//                      "YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH:MM]" (no zone: UTC)
//   decimal            a number (read from its digits as written, never through a double,
//                      also integers beyond 64 bits) or a decimal string ("12.30");
//                      non-zero digits beyond the scale or beyond the precision are an
//                      error, never rounded; or a base64 string of the big-endian unscaled
//                      bytes (Connect's decimal.format=BASE64). Precision above 38 is not
//                      supported.
//   record             an object; members not in the schema are ignored (a declared
//                      schema projects), unless `reject_unknown_fields`; a missing member is
//                      null when the field is optional, its default when it has one, else an
//                      error
//   array / map        an array / an object
//   optional           null (or absent) is null
// Errors are kInvalidArgument naming the field path ("items[2].price: expected a number,
// got \"abc\""); the caller prefixes the record (topic-partition@offset).
//
// Inference (SchemaInferrer): the top-level value must be an object. Every field is
// optional and keeps its first-seen position; nested objects become records, arrays
// arrays of their merged element type. Types widen as records require: long → double;
// any other conflict (string vs number, object vs array, ...) → string (the JSON text).
// A field only ever seen as null becomes an optional string. Maps are never inferred.
//
// Thread safety: a reader or inferrer is used by one thread.
#pragma once

#include "common/civil_time.h"  // DaysFromCivil

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "schema/schema.h"
#include "schema/value.h"

namespace tributary {

class JsonValueReader {
 public:
  explicit JsonValueReader(bool reject_unknown_fields = false);
  ~JsonValueReader();
  // Parses `json` and converts it to `schema`.
  Status Read(std::string_view json, const Schema& schema, Value* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class SchemaInferrer {
 public:
  SchemaInferrer();
  ~SchemaInferrer();
  // Widens the schema so that `json` (an object) fits. Errors: not JSON, not an object.
  Status Add(std::string_view json);
  // The schema of everything added so far: an optional-field record named `record_name`.
  Schema Current(const std::string& record_name = "Value") const;
  bool empty() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The 16 bytes of a "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" UUID; nullopt when malformed.
std::optional<std::string> UuidBytes(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date (used by tests and conversions).

}  // namespace tributary
