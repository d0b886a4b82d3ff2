// SchemaRecordWriter: the part the Avro and Parquet writers share — turning schemaless
// JSON record values into Values (schema/value.h) of one schema per file.
//
// The schema is either declared (`value.schema`, an Avro schema) or inferred
// (`schema.inference=true`). With inference, records are held as JSON text until
// `inference_bytes` of them are buffered (or the file closes); the schema inferred from
// them, widened as each requires (schema/json_value.h), becomes the file's schema, and
// is fixed from then on: a later record with a field the schema lacks, or a value that
// no longer fits (an object where a number was), is an InvalidArgument naming the
// record, which the sink handles like any bad record (errors.tolerance / DLQ); the next
// file infers afresh.
//
// Values are read with JsonConverter or StringConverter (the value must be JSON text
// either way); ByteArrayConverter values are rejected when the format is made.
//
// With a Schema Registry client (AvroConverter, ProtobufConverter, JsonSchemaConverter),
// each value is the registry's wire format, decoded by schema/registry_converter.h (schema
// id or GUID, prefix or `__value_schema_id` header): the first record's schema becomes the
// file's, and the value is decoded with it (a writer that can, AvroFormat, appends Avro
// datums' bytes as they are).
//
// Schema evolution (docs/schema-evolution.md): Place() tells the sink whether a record
// belongs in this file. With the registry, a record of another schema goes by
// schema.compatibility (schema/compatibility.h): NONE wants another file; BACKWARD, FULL
// and FORWARD project it to the file's schema (schema/projection.h) when its version
// allows, else want a new file. With inference, a record that does not fit the file's
// fixed schema wants a new file with the schema widened for it (schema/widening.h); one
// that cannot be widened is an InvalidArgument naming the record and the field.
//
// With EnableEnvelope() (store.envelope=true, issue #11), every row is the columnar
// envelope around the value (format/envelope/columnar_envelope.h): key, headers, topic,
// partition, offset and timestamp are kept; registry datums are then re-encoded inside it.
//
// A record whose value a transform chain decoded and changed carries it as a SchemaDatum
// (Record::value_datum): its schema and Value are written as they are, under the same
// one-schema-per-file rule (the first record's schema is the file's); Place() sends a
// record whose transformed schema differs to another file (NONE) or rotates.
//
// Thread safety: a writer is used by one thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "format/record_writer.h"
#include "schema/json_value.h"
#include "schema/projection.h"
#include "schema/registry_client.h"
#include "schema/registry_converter.h"
#include "schema/schema.h"

namespace tributary {

// What a columnar file records about its Kafka origin (Avro header / Parquet footer).
struct FileOrigin {
  std::string topic;
  int32_t partition = -1;
  int64_t first_offset = -1;
  int64_t last_offset = -1;
  uint64_t records = 0;
};

// The value of the record's last `__value_schema_id` header (the GUID wire form), if any.
std::optional<std::string_view> ValueSchemaIdHeader(const Record& record);

// "tributary version 0.1.0 (build abc1234)", Parquet's created_by shape.
std::string TributaryCreatedBy();

class SchemaRecordWriter : public RecordWriter {
 public:
  // `declared`: the file's schema, or nullopt to infer one.
  SchemaRecordWriter(std::string format_name, std::optional<Schema> declared,
                     uint64_t inference_bytes,
                     std::shared_ptr<SchemaRegistryClient> registry = nullptr);

  Status Write(const Record& record) final;
  Status Close() final;
  uint64_t BufferedBytes() const final { return pending_bytes_ + EncoderBufferedBytes(); }
  // Rows become envelopes (see above). Call before the first Write.
  void EnableEnvelope() { envelope_ = true; }
  SchemaPlacement Place(const Record& record, SchemaCompatibility mode) final;
  void StartWith(std::shared_ptr<const Schema> schema) final;

 protected:
  // The file's schema is known; called once, before the first Append.
  virtual Status Begin(const Schema& schema, const FileOrigin& origin) = 0;
  virtual Status Append(const Value& value) = 0;
  // After the last Append (Begin has been called, also for a file without records).
  virtual Status Finish(const FileOrigin& origin) = 0;
  virtual uint64_t EncoderBufferedBytes() const = 0;
  // An Avro datum of the file's schema, already validated by decoding it into `value`.
  // The default appends `value`.
  virtual Status AppendEncoded(std::string_view /*datum*/, const Value& value) {
    return Append(value);
  }

 private:
  // An owned copy of a record's parts for the envelope of a record held for inference.
  struct HeldRecord {
    std::string topic;
    int32_t partition = 0;
    int64_t offset = 0;
    int64_t timestamp_ms = -1;
    std::optional<std::string> key;
    std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  };
  struct Pending {
    std::string json;
    std::string where;
    std::optional<HeldRecord> held;  // envelope mode only
  };
  Status Start();
  Status Convert(std::string_view json, const std::string& where, const Record* record);
  // Appends value_ (or its envelope with `record`'s parts).
  Status AppendRow(const Record* record);
  Status WriteRegistryValue(const Record& record);
  Status WriteDatum(const Record& record);
  SchemaPlacement PlaceRegistryValue(const Record& record, SchemaCompatibility mode);
  SchemaPlacement PlaceDatum(const Record& record, SchemaCompatibility mode);
  SchemaPlacement PlaceInferred(const Record& record);
  // The projection of registry schema `id` (`schema`) to the file's; an error when none.
  Result<const Projection*> ProjectionFrom(const std::string& key, const Schema& schema);

  const std::string format_name_;
  std::optional<Schema> schema_;
  const uint64_t inference_bytes_;
  std::shared_ptr<SchemaRegistryClient> registry_;
  std::unique_ptr<RegistryConverter> converter_;  // with registry_
  std::string schema_key_;  // registry mode: names the file's schema ("schema id 7")
  int64_t schema_id_ = -1;  // registry mode: the file's schema id (-1: named by a GUID)
  std::shared_ptr<const Schema> datum_schema_;  // the last Record::value_datum schema seen equal
  JsonValueReader reader_;
  SchemaInferrer inferrer_;
  std::vector<Pending> pending_;
  uint64_t pending_bytes_ = 0;
  bool started_ = false;
  bool closed_ = false;
  FileOrigin origin_;
  Value value_;  // reused
  bool envelope_ = false;
  Value envelope_value_;  // reused
  // Schema evolution.
  const bool inferring_;                                   // neither declared nor from the registry
  SchemaCompatibility mode_ = SchemaCompatibility::kNone;  // the last Place's
  std::map<std::string, Result<Projection>> projections_;  // by schema key, to the file's schema
  Value projected_;                                        // reused
  Value placed_;                                           // reused by PlaceRegistryValue
  // Inference: Place read the record at this offset into value_ (or found `placed_error_`).
  int64_t placed_offset_ = -1;
  Status placed_error_;
};

}  // namespace tributary
