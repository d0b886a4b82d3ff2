// SchemaCodec: how the transform chain reads keys and values whose bytes carry a schema
// (Schema Registry converters: AvroConverter, ProtobufConverter, JsonSchemaConverter), and the
// bridge between the schema model (schema/schema.h, value.h) and Connect data in JsonConverter's
// JSON form, which the schema-bearing transforms edit.
//
// A codec decodes bytes into a SchemaDatum (schema + Value). Another registry converter
// (Protobuf, JSON Schema) plugs in by implementing Decode for its wire format: the
// conversion to and from Connect data, and what the writers receive (a SchemaDatum), are
// shared.
//
// Mapping (as Confluent's AvroConverter maps Avro to Connect and back, AvroData):
//   Avro                           Connect
//   record ns.Name                 struct named "ns.Name" (connect.version → version,
//                                  doc → doc); a struct without a name becomes
//                                  io.confluent.connect.avro.ConnectDefault[N]
//   ["null", T]                    T optional (fields: default null)
//   boolean int long float double  boolean int32 int64 float32 float64
//   string bytes                   string bytes (JSON: base64)
//   date time-millis               int32 Date / Time
//   timestamp-millis               int64 Timestamp
//   decimal(p, s) on bytes         bytes Decimal {scale, connect.decimal.precision}
//   array map                      array map (string keys)
//   enum fixed uuid time-micros    their base Connect type, with the Avro node kept in the
//   timestamp-micros local-*       parameter "tributary.avro.type", so a field no transform
//                                  changes comes back as it was
// A schema no transform changed comes back as the very Schema object decoded (every
// attribute kept).
//
// Thread safety: codecs are shared by every thread (their caches have a mutex).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.h"
#include "schema/schema_datum.h"
#include "transform/json_value.h"

namespace tributary {

class SchemaRegistryClient;

class SchemaCodec {
 public:
  virtual ~SchemaCodec() = default;
  // The converter, for errors: "AvroConverter".
  virtual std::string_view name() const = 0;
  // Decodes a non-null key or value. kInvalidArgument when the bytes are not readable
  // (the record's fault: errors.tolerance applies); other codes (an unreachable
  // registry) are not the record's fault.
  virtual Status Decode(std::string_view bytes, SchemaDatum* out) const = 0;

  // The Connect schema of a decoded schema (cached by object).
  const JsonValue& ConnectSchema(const std::shared_ptr<const Schema>& schema) const;
  // The schema-model schema of a Connect schema (cached by its JSON text); the decoded
  // object itself when the Connect schema is one ConnectSchema returned.
  Result<std::shared_ptr<const Schema>> ModelSchema(const JsonValue& connect_schema) const;

 private:
  mutable std::mutex mu_;
  mutable std::map<const Schema*, std::pair<std::shared_ptr<const Schema>, JsonValue>> to_connect_;
  mutable std::map<std::string, std::shared_ptr<const Schema>, std::less<>> from_connect_;
};

// The writer schema registered under an id. kNotFound: no such id (the record's fault).
using SchemaLookup = std::function<Result<std::shared_ptr<const Schema>>(int32_t id)>;

// AvroConverter: Confluent's wire format (0x00, schema id, Avro binary datum), writer
// schemas from `registry` (cached by the client).
std::shared_ptr<const SchemaCodec> MakeAvroRegistryCodec(
    std::shared_ptr<SchemaRegistryClient> registry);
// The same with schemas from `lookup` (tests, benchmarks).
std::shared_ptr<const SchemaCodec> MakeAvroCodec(SchemaLookup lookup);
// ProtobufConverter and JsonSchemaConverter (`name`): values decoded by
// schema/registry_converter.h with `registry` (made for that schema type). Only the
// prefix forms (schema id or GUID before the payload): a value whose schema is named by a
// `__value_schema_id` header is not readable here.
std::shared_ptr<const SchemaCodec> MakeRegistryConverterCodec(
    std::shared_ptr<SchemaRegistryClient> registry, std::string name);

// A decoded value as Connect data (JsonConverter's JSON form: bytes and decimals as
// base64, enums as their symbol, dates and timestamps as numbers).
JsonValue ConnectValue(const Schema& schema, const Value& value);
// The way back: Connect data of `schema`'s Connect form into a Value. InvalidArgument
// naming the field path when it does not fit (a null in a required field, a string
// where a number belongs, an unknown enum symbol).
Status ModelValue(const Schema& schema, const JsonValue& data, Value* out);

}  // namespace tributary
