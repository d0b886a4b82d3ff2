#include "format/avro/avro_format.h"

#include <algorithm>

#include "format/avro/avro_container.h"
#include "format/schema_record_writer.h"

namespace tributary {
namespace {

// Schemaless records are held for inference until this many bytes (or a block, if
// larger) are buffered: enough records to see most fields.
constexpr uint64_t kAvroInferenceBytes = 1 << 20;

class AvroRecordWriter final : public SchemaRecordWriter {
 public:
  AvroRecordWriter(OutputStream* out, std::optional<Schema> schema, AvroContainerOptions options,
                   std::shared_ptr<SchemaRegistryClient> registry)
      : SchemaRecordWriter("AvroFormat", std::move(schema),
                           std::max<uint64_t>(kAvroInferenceBytes, options.block_bytes),
                           std::move(registry)),
        out_(out),
        options_(std::move(options)) {}

 private:
  Status Begin(const Schema& schema, const FileOrigin& origin) override {
    if (!origin.topic.empty()) {
      options_.metadata.emplace_back("tributary.topic", origin.topic);
      options_.metadata.emplace_back("tributary.partition", std::to_string(origin.partition));
      options_.metadata.emplace_back("tributary.offset.first", std::to_string(origin.first_offset));
    }
    options_.metadata.emplace_back("tributary.created.by", TributaryCreatedBy());
    writer_ = std::make_unique<AvroContainerWriter>(out_, schema, options_);
    return Status::OK();
  }
  Status Append(const Value& value) override { return writer_->Append(value); }
  // Registry payloads of the file's schema go in as they are: no re-encoding.
  Status AppendEncoded(std::string_view datum, const Value&) override {
    return writer_->AppendEncoded(datum);
  }
  Status Finish(const FileOrigin&) override { return writer_->Close(); }
  uint64_t EncoderBufferedBytes() const override { return writer_ ? writer_->BufferedBytes() : 0; }

  OutputStream* out_;
  AvroContainerOptions options_;
  std::unique_ptr<AvroContainerWriter> writer_;
};

class AvroFormat final : public Format {
 public:
  AvroFormat(std::optional<Schema> schema, AvroContainerOptions options,
             std::shared_ptr<SchemaRegistryClient> registry, bool envelope)
      : schema_(std::move(schema)),
        options_(std::move(options)),
        registry_(std::move(registry)),
        envelope_(envelope) {}
  std::string Extension() const override { return ".avro"; }
  std::unique_ptr<RecordWriter> NewWriter(OutputStream* out) const override {
    auto writer = std::make_unique<AvroRecordWriter>(out, schema_, options_, registry_);
    if (envelope_) writer->EnableEnvelope();  // store.envelope (columnar_envelope.h)
    return writer;
  }

 private:
  std::optional<Schema> schema_;
  AvroContainerOptions options_;
  std::shared_ptr<SchemaRegistryClient> registry_;
  bool envelope_;
};

}  // namespace

Result<std::unique_ptr<Format>> MakeAvroFormat(const FormatOptions& options) {
  ASSIGN_OR_RETURN(std::optional<Schema> schema, ValueSchema(options, "AvroFormat"));
  AvroContainerOptions o;
  ASSIGN_OR_RETURN(o.codec, ParseAvroCodec(options.avro_codec));
  o.level = options.avro_level;
  if (o.codec == AvroCodec::kDeflate && o.level > 9) {
    return InvalidArgument("avro.codec.level: deflate takes -1..9, got {}", o.level);
  }
  o.block_bytes = options.avro_block_bytes;
  return std::unique_ptr<Format>(std::make_unique<AvroFormat>(std::move(schema), std::move(o),
                                                              options.registry, options.envelope));
}

}  // namespace tributary
