// TopicPartitionWriter: turns the records of one Kafka topic-partition into objects.
//
// It keeps one open file per encoded partition (one, with the DefaultPartitioner),
// appends each record through the Format's writer into an ObjectUpload (which streams
// full parts to the store as it goes), and when the file holds flush.size records it
// finishes the object and reports the offset that may now be committed: the offset
// after the last record of the file. Records the writer has not yet uploaded are
// not durable; if the partition is revoked or the process stops they are dropped and
// re-read from the committed offset (at-least-once; the journal makes it exactly-once
// in a later change).
//
// Each object carries user metadata tributary-first-offset and, when it was written in
// one PUT, tributary-last-offset and tributary-record-count (docs/object-layout.md).
//
// Thread safety: owned by one thread (today the poll thread).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "common/types.h"
#include "format/record_writer.h"
#include "objstore/object_store.h"
#include "sink/object_naming.h"
#include "sink/object_upload.h"
#include "sink/partitioner.h"
#include "sink/sink_config.h"

namespace tributary {

struct WrittenObject {
  std::string key;
  Offset first;
  Offset last;
  uint64_t records = 0;
  uint64_t bytes = 0;
};

class TopicPartitionWriter {
 public:
  // Borrows every pointer; they must outlive the writer.
  TopicPartitionWriter(TopicPartition tp, const SinkConfig* config, const Format* format,
                       const Partitioner* partitioner, ObjectStore* store, UploadPool* pool);

  // Appends `record`. When that completes a file, uploads it and returns what was
  // written. Errors name the record; an upload error leaves the file open so the caller
  // may stop without losing anything (the records are not committed).
  Result<std::optional<WrittenObject>> Write(const Record& record);

  // Drops the open file without writing it.
  void Discard();

  const TopicPartition& topic_partition() const { return tp_; }
  uint64_t buffered_records() const { return records_; }
  uint64_t buffered_bytes() const { return upload_ ? upload_->buffered_bytes() : 0; }

 private:
  Result<WrittenObject> Upload();

  const TopicPartition tp_;
  const SinkConfig* config_;
  const Format* format_;
  const Partitioner* partitioner_;
  ObjectStore* store_;
  UploadPool* pool_;
  const NamingOptions naming_;

  // The open file, if any.
  std::string encoded_partition_;
  std::unique_ptr<ObjectUpload> upload_;
  std::unique_ptr<OutputStream> compressor_;  // between writer_ and upload_, if a codec
  std::unique_ptr<RecordWriter> writer_;
  Offset first_;
  Offset last_;
  uint64_t records_ = 0;
};

}  // namespace tributary
