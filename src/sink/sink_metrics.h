// SinkMetrics: every metric the sink exports, as handles the sink code increments.
//
// The definitions (names, help, labels, buckets) live here; the registry and the
// /metrics endpoint live in common/metrics.h and server/. Names follow Prometheus
// conventions: `tributary_sink_` prefix, base units in the name (`_bytes`, `_seconds`),
// `_total` on counters. docs/operations.md maps them to the Kafka Connect and S3
// connector metrics users chart today.
//
// Hot-path use: unlabelled metrics are ready-made handles (`records_consumed->Inc()`);
// labelled ones are resolved once and kept (`auto lag = m.ForPartition(tp)` when a
// partition is assigned, `m.DropPartition(tp)` when it is revoked). Every increment is
// one relaxed atomic add.
//
// Thread safety: construct once; handles may be used from any thread.
#pragma once

#include <memory>
#include <string_view>

#include "common/metrics.h"
#include "common/types.h"

namespace tributary {

// The gauges of one assigned topic-partition.
struct PartitionMetrics {
  std::shared_ptr<Gauge> consumer_lag;      // records: high watermark - committed offset
  std::shared_ptr<Gauge> committed_offset;  // next offset to consume, durable in the store
  std::shared_ptr<Gauge> open_files;        // files open for this partition
  std::shared_ptr<Gauge> buffered_bytes;    // bytes written to open files, not yet durable
  std::shared_ptr<Gauge> buffered_records;  // records in open files
  std::shared_ptr<Gauge> last_object_time;  // unix seconds of the newest object completed
};

class SinkMetrics {
 public:
  // Registers every family in `registry`, which must outlive this object. Call once per
  // registry (a second call would find the names taken: the handles would be null).
  explicit SinkMetrics(MetricsRegistry* registry);

  // --- Throughput (Connect: sink-record-read/send-total; S3: records-written) ---
  std::shared_ptr<Counter> records_consumed;  // polled from Kafka and handed to a writer
  std::shared_ptr<Counter> records_written;   // in objects that are now visible
  std::shared_ptr<Counter> bytes_consumed;    // key + value bytes of consumed records
  std::shared_ptr<Counter> bytes_written;     // object bytes (after compression)
  std::shared_ptr<Counter> objects_written;   // objects made visible
  std::shared_ptr<Counter> records_skipped;   // tolerated errors, ignored null values
  std::shared_ptr<Counter> records_filtered;  // dropped by a transform (Filter, SQL WHERE)

  // --- Uploads (S3: s3-part-upload-count, s3-part-upload-time-ms) ---
  std::shared_ptr<Counter> parts_uploaded;      // multipart parts (not whole-object PUTs)
  std::shared_ptr<Histogram> part_upload_time;  // seconds per part, including retries
  std::shared_ptr<Histogram> object_put_time;   // seconds per single-request object PUT

  // Store retries by reason: "throttled" (503 SlowDown), "server_error" (5xx),
  // "timeout", "connection", "other".
  std::shared_ptr<Counter> StoreRetries(std::string_view reason) {
    return store_retries_->WithLabels({std::string(reason)});
  }
  // Errors by stage: "transform" (the chain rejected a record), "record" (a record could
  // not be converted, partitioned or encoded), "commit" (a Kafka offset commit failed),
  // "dlq" (the dead-letter topic refused a record), "task" (the error that stopped the
  // task: a store that stayed down, a fatal consumer error).
  std::shared_ptr<Counter> Errors(std::string_view stage) {
    return errors_->WithLabels({std::string(stage)});
  }
  std::shared_ptr<Counter> dlq_records;  // records sent to the dead-letter queue

  // --- Files and rotation ("why did this file not rotate?") ---
  // Files closed, by reason: "flush_size", "flush_bytes", "rotate_interval",
  // "rotate_schedule", "partition_change" (rotate.file.on.partition.change),
  // "max_open_files" (partitioner.max.open.files).
  std::shared_ptr<Counter> Rotations(std::string_view reason) {
    return rotations_->WithLabels({std::string(reason)});
  }
  // Flushes closed before their rotation condition, by reason: "memory" (the buffer
  // budget).
  std::shared_ptr<Counter> EarlyRotations(std::string_view reason) {
    return early_rotations_->WithLabels({std::string(reason)});
  }

  // --- Exactly-once and Kafka ---
  std::shared_ptr<Counter> journal_commits;  // journal writes that committed a flush
  std::shared_ptr<Counter> fencing_events;   // conditional journal writes lost (fenced)
  std::shared_ptr<Counter> OffsetCommits(bool success) {  // Connect: offset-commit-*
    return offset_commits_->WithLabels({success ? "success" : "failure"});
  }
  // Rebalance callbacks by event: "assigned", "revoked", "lost" (the group evicted this
  // member; Connect's rebalance-completed-total counts the assignments).
  std::shared_ptr<Counter> Rebalances(std::string_view event) {
    return rebalances_->WithLabels({std::string(event)});
  }
  std::shared_ptr<Gauge> partitions_assigned;
  // buffer.memory.bytes in use: unsent bytes of open files plus their encoder state.
  std::shared_ptr<Gauge> buffered_bytes;
  std::shared_ptr<Gauge> spilled_bytes;             // bytes in buffer.spill.dir files
  std::shared_ptr<Gauge> memory_paused_partitions;  // paused while memory drains
  std::shared_ptr<Counter> memory_pauses;           // times partitions were paused for memory

  // --- Per partition ---
  PartitionMetrics ForPartition(const TopicPartition& tp);
  // One gauge of a partition, for a source that knows only some figures (the CLI's
  // bridge from SinkTask::Progress()): gauges never created are not exported, rather
  // than exported as a misleading 0.
  std::shared_ptr<Gauge> ConsumerLag(const TopicPartition& tp);
  std::shared_ptr<Gauge> CommittedOffset(const TopicPartition& tp);
  std::shared_ptr<Gauge> OpenFiles(const TopicPartition& tp);
  std::shared_ptr<Gauge> BufferedBytes(const TopicPartition& tp);
  std::shared_ptr<Gauge> BufferedRecords(const TopicPartition& tp);
  std::shared_ptr<Gauge> LastObjectTime(const TopicPartition& tp);
  // Stops exporting the partition's gauges (`files_only`: the open files, buffered
  // bytes and records and last object time, keeping lag and committed offset).
  void DropPartition(const TopicPartition& tp, bool files_only = false);

  // --- Process ---
  std::shared_ptr<Gauge> task_running;     // 1 while the task runs, 0 paused/failed/stopped
  std::shared_ptr<Counter> task_restarts;  // restarts (REST restart, resume after pause)

 private:
  CounterFamily* store_retries_;
  CounterFamily* errors_;
  CounterFamily* rotations_;
  CounterFamily* early_rotations_;
  CounterFamily* offset_commits_;
  CounterFamily* rebalances_;
  GaugeFamily* lag_;
  GaugeFamily* committed_;
  GaugeFamily* open_files_;
  GaugeFamily* buffered_bytes_;
  GaugeFamily* buffered_records_;
  GaugeFamily* last_object_time_;
};

}  // namespace tributary
