// SinkTask: the sink runtime of one process (DESIGN.md §3).
//
// It consumes the configured topics in the group connect-<name>, hands each record to
// the TopicPartitionWriter of its topic-partition, and commits a partition's offset to
// Kafka only after the object holding the records before that offset exists
// (at-least-once). On stop it drops files not yet written — they are re-read from the
// committed offsets on restart, as the Confluent connector does — commits
// synchronously and leaves the group.
//
// Records are encoded on the poll thread; full parts of large files upload on the
// UploadPool's threads while encoding goes on. Store operations are retried by the
// RetryingStore for up to kStoreRetryWindow before the sink stops. (The worker pool of
// DESIGN.md §3 comes with the memory budget.)
//
// Thread safety: Run() owns the consumer and the writers on the calling thread.
// Progress() may be called from any thread.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "common/status.h"
#include "kafka/client/consumer.h"
#include "objstore/object_store.h"
#include "sink/partitioner.h"
#include "sink/retrying_store.h"
#include "sink/sink_config.h"
#include "sink/topic_partition_writer.h"
#include "sink/upload_pool.h"

namespace tributary {

struct SinkProgress {
  uint64_t records_consumed = 0;
  uint64_t records_written = 0;
  uint64_t objects_written = 0;
  uint64_t bytes_written = 0;
  uint64_t store_retries = 0;
  // Next offset to consume per partition, as committed after durable writes.
  std::map<TopicPartition, Offset> committed;
};

class SinkTask final : public RebalanceListener {
 public:
  // Opens the store (checking the bucket and credentials) and creates the consumer.
  // Fails before any record is consumed when either is wrong.
  static Result<std::unique_ptr<SinkTask>> Create(SinkConfig config);
  ~SinkTask() override;

  // Consumes until `stop` becomes true (returns OK) or a record cannot be written
  // (returns the error, naming the record; nothing after the last committed offset is
  // lost, it is re-read on restart).
  Status Run(const std::atomic<bool>& stop);

  SinkProgress Progress() const;

  // RebalanceListener, called from the consumer's Poll on Run's thread.
  void OnAssigned(const std::vector<TopicPartition>& partitions) override;
  void OnRevoked(const std::vector<TopicPartition>& partitions) override;

 private:
  SinkTask() = default;
  TopicPartitionWriter& WriterFor(const TopicPartition& tp);
  void Shutdown();
  void LogProgress(bool force);

  SinkConfig config_;
  std::unique_ptr<RetryingStore> store_;
  std::unique_ptr<UploadPool> pool_;
  std::unique_ptr<Format> format_;
  std::unique_ptr<Partitioner> partitioner_;
  std::unique_ptr<Consumer> consumer_;
  std::unordered_map<TopicPartition, std::unique_ptr<TopicPartitionWriter>> writers_;
  // Offsets to commit, for assigned partitions only: a revoked partition's offset must
  // never be committed again, or it could move the new owner's progress backwards.
  TopicPartitionWriter* last_writer_ = nullptr;  // the previous record's, into writers_
  std::map<TopicPartition, Offset> to_commit_;   // durable, not yet sent to Kafka
  std::map<TopicPartition, Offset> durable_;     // durable, for the final commit on stop

  mutable std::mutex progress_mu_;
  SinkProgress progress_;  // guarded by progress_mu_
  std::chrono::steady_clock::time_point last_log_;
  std::chrono::steady_clock::time_point last_commit_;
  uint64_t last_logged_records_ = 0;
};

}  // namespace tributary
