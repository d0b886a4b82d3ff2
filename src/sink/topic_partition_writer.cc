#include "sink/topic_partition_writer.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace tributary {
namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TopicPartitionWriter::TopicPartitionWriter(TopicPartition tp, const SinkConfig* config,
                                           const Format* format, const Partitioner* partitioner,
                                           ObjectStore* store, UploadPool* pool)
    : tp_(std::move(tp)),
      config_(config),
      format_(format),
      partitioner_(partitioner),
      store_(store),
      pool_(pool),
      naming_{config->topics_dir, config->offset_pad_width, config->directory_delim,
              config->file_delim, config->partitioner.file_name_template} {}

Result<std::optional<WrittenObject>> TopicPartitionWriter::Write(const Record& record) {
  if (!record.value) {
    if (config_->on_null == NullValueBehavior::kIgnore) return std::optional<WrittenObject>();
    return InvalidArgument(
        "{}: the value is null (a tombstone) and behavior.on.null.values=fail; set "
        "behavior.on.null.values=ignore to skip tombstones",
        record.Where());
  }
  if (!writer_) {
    ASSIGN_OR_RETURN(encoded_partition_, partitioner_->Encode(record, NowMillis()));
    first_ = record.offset;
    records_ = 0;
    PutOptions options;
    options.content_type =
        config_->format.kind == FormatKind::kJson ? "application/json" : "application/octet-stream";
    options.metadata = {{"tributary-first-offset", std::to_string(first_.value())}};
    if (config_->object_tagging) {
      // Confluent's tag names (s3.object.tagging).
      options.tags = config_->extra_tags;
      options.tags["startOffset"] = std::to_string(first_.value());
    }
    upload_ = std::make_unique<ObjectUpload>(
        store_, pool_,
        DataObjectKey(naming_, tp_, encoded_partition_, first_,
                      format_->Extension() + CodecExtension(config_->codec)),
        std::move(options), config_->part_size);
    OutputStream* out = upload_.get();
    if (config_->codec != Codec::kNone) {
      ASSIGN_OR_RETURN(compressor_,
                       MakeCompressingStream(config_->codec, config_->compression_level, out));
      out = compressor_.get();
    }
    writer_ = format_->NewWriter(out);
  }
  RETURN_IF_ERROR(writer_->Write(record));
  last_ = record.offset;
  ++records_;
  if (records_ < static_cast<uint64_t>(config_->flush_size)) return std::optional<WrittenObject>();
  ASSIGN_OR_RETURN(WrittenObject written, Upload());
  return std::optional<WrittenObject>(std::move(written));
}

Result<WrittenObject> TopicPartitionWriter::Upload() {
  RETURN_IF_ERROR(writer_->Close());
  if (compressor_) RETURN_IF_ERROR(compressor_->Close());
  WrittenObject w;
  w.key = upload_->key();
  w.first = first_;
  w.last = last_;
  w.records = records_;
  w.bytes = upload_->Size();
  std::map<std::string, std::string> final_tags;
  if (config_->object_tagging) {
    final_tags = {{"endOffset", std::to_string(last_.value())},
                  {"recordCount", std::to_string(records_)}};
  }
  auto put = upload_->Finish({{"tributary-last-offset", std::to_string(last_.value())},
                              {"tributary-record-count", std::to_string(records_)}},
                             final_tags);
  if (!put.ok()) {
    return put.status().WithContext(fmt::format("{}: writing offsets {}..{} to {}", tp_.ToString(),
                                                first_.value(), last_.value(), w.key));
  }
  spdlog::debug("wrote {} ({} records, {} bytes, {} part(s))", w.key, w.records, w.bytes,
                upload_->multipart() ? upload_->parts() : 1);
  Discard();
  return w;
}

void TopicPartitionWriter::Discard() {
  writer_.reset();
  compressor_.reset();
  upload_.reset();  // aborts a multipart upload that was not finished
  records_ = 0;
}

}  // namespace tributary
