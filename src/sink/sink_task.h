// SinkTask: the sink runtime of one process (DESIGN.md §3).
//
// It consumes the configured topics in the group connect-<name> and hands each record to
// the TopicPartitionWriter of its topic-partition, which decides when files close and
// makes each flush visible exactly once (docs/exactly-once.md):
// - journal mode (the default on stores that honour conditional writes): on assignment
//   each partition's journal is recovered and owned before its first record is read,
//   and consumption starts at the journal's committed offset; a partition whose journal
//   another instance has taken over is paused and dropped ("fenced").
// - deterministic mode: offsets are committed to Kafka after the objects holding the
//   records exist, and a replay rewrites identical objects (the Confluent method).
// In both modes the Kafka group offset follows every flush (asynchronously), for lag
// tools. On stop, files not yet flushed are dropped (their uploads aborted); their
// records are re-read on restart.
//
// Records are encoded on the poll thread; full parts of large files upload on the
// UploadPool's threads while encoding goes on. Store operations are retried by the
// RetryingStore for up to kStoreRetryWindow before the sink stops.
//
// Thread safety: Run() owns the consumer and the writers on the calling thread.
// Progress() may be called from any thread.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>

#include "common/status.h"
#include "kafka/client/consumer.h"
#include "kafka/client/producer.h"
#include "objstore/object_store.h"
#include "sink/journal.h"
#include "sink/partitioner.h"
#include "sink/retrying_store.h"
#include "sink/sink_config.h"
#include "sink/sink_metrics.h"
#include "sink/topic_partition_writer.h"
#include "sink/upload_pool.h"
#include "transform/transform_chain.h"

namespace tributary {

// What the writer of one assigned topic-partition holds, as of its last report (at most
// kReportInterval old).
struct PartitionProgress {
  uint64_t open_files = 0;
  uint64_t buffered_records = 0;
  uint64_t buffered_bytes = 0;
  std::string last_object;                     // key of the newest object written
  std::optional<int64_t> last_object_unix_ms;  // when it became visible
  std::optional<int64_t> open_since_unix_ms;   // when the oldest open file was opened
  std::string waiting_for;                     // TopicPartitionWriter::WaitingFor()
};

struct SinkProgress {
  uint64_t records_consumed = 0;
  uint64_t records_written = 0;
  uint64_t objects_written = 0;
  uint64_t bytes_written = 0;
  uint64_t store_retries = 0;
  uint64_t flushes = 0;
  uint64_t fenced = 0;             // partitions given up because another instance took them
  uint64_t buffered_bytes = 0;     // buffer.memory.bytes in use
  uint64_t early_rotations = 0;    // files closed early to stay within buffer.memory.bytes
  uint64_t spilled_bytes = 0;      // bytes in buffer.spill.dir now
  uint64_t memory_pauses = 0;      // times partitions were paused for buffer.memory.bytes
  uint64_t paused_partitions = 0;  // paused for buffer.memory.bytes now
  uint64_t records_skipped = 0;    // tolerated record errors and ignored tombstones
  uint64_t records_to_dlq = 0;     // of those, sent to the dead-letter topic
  std::string exactly_once;        // "journal" or "deterministic"
  // Next offset to consume per partition, as committed after durable writes.
  std::map<TopicPartition, Offset> committed;
  // Every partition assigned to this task (fenced ones excepted).
  std::map<TopicPartition, PartitionProgress> partitions;
  bool paused = false;  // consumption paused (Pause(true) applied)
};

class SinkTask final : public RebalanceListener {
 public:
  // Opens the store (checking the bucket and credentials) and creates the consumer.
  // Fails before any record is consumed when either is wrong.
  // `metrics` (may be null) must outlive the task: store retries by reason, part
  // uploads and their times, offset commits, rebalances, rotations by reason and errors
  // by stage are counted into it as they happen.
  static Result<std::unique_ptr<SinkTask>> Create(SinkConfig config,
                                                  SinkMetrics* metrics = nullptr);
  ~SinkTask() override;

  // Consumes until `stop` becomes true (returns OK) or a record cannot be written
  // (returns the error, naming the record; nothing after the last committed offset is
  // lost, it is re-read on restart).
  Status Run(const std::atomic<bool>& stop);

  SinkProgress Progress() const;

  // Pauses (or resumes) consumption of every assigned partition, as Connect's pause
  // does: the task keeps polling, so it stays in the group and answers rebalances
  // (partitions assigned while paused are paused too), and time-based rotation goes on;
  // resume continues from the next record, so nothing is lost or read twice. Any thread;
  // applied by Run's thread within a poll.
  void Pause(bool paused) { pause_requested_.store(paused); }

  // RebalanceListener, called from the consumer's Poll on Run's thread.
  std::map<TopicPartition, Offset> OnAssigned(
      const std::vector<TopicPartition>& partitions) override;
  void AfterAssigned(const std::vector<TopicPartition>& partitions) override;
  void OnRevoked(const std::vector<TopicPartition>& partitions) override;

 private:
  SinkTask() = default;
  TopicPartitionWriter& WriterFor(const TopicPartition& tp);
  // Takes a writer's finished flushes into the offsets to commit and the progress.
  void CollectFlushes(TopicPartitionWriter& writer);
  // Another instance owns `tp` now: drop it and stop consuming it.
  void Fence(TopicPartition tp, const Status& why);  // by value: it destroys the writer
  // A record that will not be written (a tolerated error, an ignored tombstone):
  // logged, sent to the dead-letter topic as configured, and skipped by its writer.
  Status SkipRecord(const Record& record, const Status* error);
  // Keeps the open files within buffer.memory.bytes: the writers holding the most
  // send parts or flush early until the total is under the budget.
  Status EnforceMemoryBudget();
  // Keeps spill files within buffer.spill.max.bytes the same way.
  Status EnforceSpillLimit();
  // One relief step of either: `release` on `writer`, with the accounting, fencing and
  // flush collection that follow.
  Status Relieve(TopicPartitionWriter& writer, Status (TopicPartitionWriter::*release)());
  // Backpressure when parts in flight hold the memory the budget leaves: pauses the
  // partitions that brought the most bytes since the last decision, and resumes them
  // once memory is back under 90% of the budget (or nothing is in flight any more).
  void BalanceConsumption();
  // Writes due to time alone (scheduled rotation, idle partitions).
  Status TickWriters();
  void Shutdown();
  void LogProgress(bool force);
  // Brings the consumer's paused partitions in line with Pause().
  void ApplyPause();
  // Per-partition figures into progress_ and, every diagnostic.log.interval.ms, the
  // "why did this file not rotate?" lines.
  void ReportPartitions();

  SinkConfig config_;
  SinkMetrics* metrics_ = nullptr;  // may be null
  std::unique_ptr<RetryingStore> store_;
  std::unique_ptr<UploadPool> pool_;
  std::unique_ptr<SpillArea> spill_;  // buffer.spill.dir; outlives writers_ (declared first)
  std::unique_ptr<Format> format_;
  std::unique_ptr<Partitioner> partitioner_;
  std::unique_ptr<Consumer> consumer_;
  std::unique_ptr<Producer> dlq_;                     // errors.deadletterqueue.topic.name
  ExactlyOnceMode mode_ = ExactlyOnceMode::kJournal;  // resolved at Create
  std::unique_ptr<Journal> journal_;                  // journal mode only
  JournalIdentity identity_;
  std::set<TopicPartition> fenced_;         // paused: another instance owns them
  std::set<TopicPartition> memory_paused_;  // paused by BalanceConsumption
  // Bytes of record values each partition brought since the last pause decision.
  std::unordered_map<TopicPartitionWriter*, uint64_t> intake_;
  Status assign_error_;  // a recovery that failed inside OnAssigned
  std::chrono::steady_clock::time_point last_tick_;
  TransformScratch transform_scratch_;  // the chain's working memory, Run's thread
  uint64_t buffered_ = 0;               // sum of the writers' buffered_bytes()
  // buffer.memory.bytes less the share of parts in flight: what open files may hold.
  uint64_t open_files_budget_ = 0;
  std::atomic<uint64_t> buffered_reported_{0};  // buffered_, for Progress() on other threads
  std::unordered_map<TopicPartition, std::unique_ptr<TopicPartitionWriter>> writers_;
  // Offsets to commit, for assigned partitions only: a revoked partition's offset must
  // never be committed again, or it could move the new owner's progress backwards.
  TopicPartitionWriter* last_writer_ = nullptr;  // the previous record's, into writers_
  std::map<TopicPartition, Offset> to_commit_;   // durable, not yet sent to Kafka
  std::map<TopicPartition, Offset> durable_;     // durable, for the final commit on stop

  std::atomic<bool> pause_requested_{false};
  bool pause_applied_ = false;
  std::set<TopicPartition> paused_;  // paused by ApplyPause (fenced ones are not)
  std::chrono::steady_clock::time_point last_report_;
  std::chrono::steady_clock::time_point last_diagnostic_;

  mutable std::mutex progress_mu_;
  SinkProgress progress_;  // guarded by progress_mu_
  std::chrono::steady_clock::time_point last_log_;
  std::chrono::steady_clock::time_point last_commit_;
  uint64_t last_logged_records_ = 0;
};

}  // namespace tributary
