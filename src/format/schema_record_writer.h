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
// datums' bytes as they are). A later record with another schema whose schema differs is
// an InvalidArgument: rotating the file on a schema change is the sink's job and is not
// implemented yet.
//
// Thread safety: a writer is used by one thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "format/record_writer.h"
#include "schema/json_value.h"
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
  struct Pending {
    std::string json;
    std::string where;
  };
  Status Start();
  Status Convert(std::string_view json, const std::string& where);
  Status WriteRegistryValue(const Record& record);

  const std::string format_name_;
  std::optional<Schema> schema_;
  const uint64_t inference_bytes_;
  std::shared_ptr<SchemaRegistryClient> registry_;
  std::unique_ptr<RegistryConverter> converter_;  // with registry_
  std::string schema_key_;  // registry mode: names the file's schema ("schema id 7")
  JsonValueReader reader_;
  SchemaInferrer inferrer_;
  std::vector<Pending> pending_;
  uint64_t pending_bytes_ = 0;
  bool started_ = false;
  bool closed_ = false;
  FileOrigin origin_;
  Value value_;  // reused
};

}  // namespace tributary
