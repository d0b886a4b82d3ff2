#include "format/parquet/parquet_format.h"

#include "format/envelope/columnar_envelope.h"
#include "format/parquet/file_writer.h"
#include "format/schema_record_writer.h"
#include "schema/avro_schema.h"

namespace tributary {
namespace {

class ParquetRecordWriter final : public SchemaRecordWriter {
 public:
  ParquetRecordWriter(OutputStream* out, std::optional<Schema> schema,
                      std::shared_ptr<const parquet::ParquetSchema> parquet_schema,
                      parquet::WriterOptions options,
                      std::shared_ptr<SchemaRegistryClient> registry)
      : SchemaRecordWriter("ParquetFormat", std::move(schema), options.row_group_bytes,
                           std::move(registry)),
        out_(out),
        parquet_schema_(std::move(parquet_schema)),
        options_(options) {}

 private:
  Status Begin(const Schema& schema, const FileOrigin&) override {
    if (!parquet_schema_) {  // inferred: convert now
      ASSIGN_OR_RETURN(parquet_schema_, parquet::ParquetSchema::Make(schema));
    }
    writer_ = std::make_unique<parquet::ParquetFileWriter>(out_, parquet_schema_, options_);
    return Status::OK();
  }
  Status Append(const Value& value) override { return writer_->WriteRow(value); }
  Status Finish(const FileOrigin& origin) override {
    std::vector<std::pair<std::string, std::string>> meta;
    if (origin.records > 0) {
      meta = {{"tributary.topic", origin.topic},
              {"tributary.partition", std::to_string(origin.partition)},
              {"tributary.offset.first", std::to_string(origin.first_offset)},
              {"tributary.offset.last", std::to_string(origin.last_offset)},
              {"tributary.record.count", std::to_string(writer_->rows())}};
    }
    meta.emplace_back("tributary.avro.schema", AvroSchemaJson(parquet_schema_->schema()));
    return writer_->Close(meta, TributaryCreatedBy());
  }
  uint64_t EncoderBufferedBytes() const override { return writer_ ? writer_->BufferedBytes() : 0; }

  OutputStream* out_;
  std::shared_ptr<const parquet::ParquetSchema> parquet_schema_;
  parquet::WriterOptions options_;
  std::unique_ptr<parquet::ParquetFileWriter> writer_;
};

class ParquetFormat final : public Format {
 public:
  ParquetFormat(std::optional<Schema> schema,
                std::shared_ptr<const parquet::ParquetSchema> parquet_schema,
                parquet::WriterOptions options, std::shared_ptr<SchemaRegistryClient> registry,
                bool envelope)
      : schema_(std::move(schema)),
        parquet_schema_(std::move(parquet_schema)),
        options_(options),
        registry_(std::move(registry)),
        envelope_(envelope) {}
  std::string Extension() const override {
    return parquet::CompressionExtension(options_.compression) + ".parquet";
  }
  std::unique_ptr<RecordWriter> NewWriter(OutputStream* out) const override {
    auto writer =
        std::make_unique<ParquetRecordWriter>(out, schema_, parquet_schema_, options_, registry_);
    if (envelope_) writer->EnableEnvelope();
    return writer;
  }

 private:
  std::optional<Schema> schema_;
  std::shared_ptr<const parquet::ParquetSchema> parquet_schema_;  // null when inferred
  parquet::WriterOptions options_;
  std::shared_ptr<SchemaRegistryClient> registry_;
  bool envelope_;
};

}  // namespace

Result<std::unique_ptr<Format>> MakeParquetFormat(const FormatOptions& options) {
  ASSIGN_OR_RETURN(std::optional<Schema> schema, ValueSchema(options, "ParquetFormat"));
  std::shared_ptr<const parquet::ParquetSchema> parquet_schema;
  if (schema) {
    // store.envelope: the file's schema is the envelope around the value's.
    auto made =
        parquet::ParquetSchema::Make(options.envelope ? ColumnarEnvelopeSchema(*schema) : *schema);
    if (!made.ok()) return InvalidArgument("value.schema: {}", made.status().message());
    parquet_schema = *made;
  }
  parquet::WriterOptions o;
  ASSIGN_OR_RETURN(o.compression, parquet::ParseCompression(options.parquet_codec));
  o.row_group_bytes = options.parquet_block_bytes;
  o.page_bytes = options.parquet_page_bytes;
  o.dictionary_bytes = options.parquet_dictionary_bytes;
  if (o.row_group_bytes == 0 || o.page_bytes == 0) {
    return InvalidArgument("parquet.block.size and parquet.page.size: expected > 0 bytes");
  }
  return std::unique_ptr<Format>(std::make_unique<ParquetFormat>(
      std::move(schema), std::move(parquet_schema), o, options.registry, options.envelope));
}

}  // namespace tributary
