// Storage: the broker's durable log (docs/broker-storage.md, DESIGN.md §8).
//
// Owns the topics and their partition logs, the WAL, the metadata log, the background
// packer that moves WAL data into objects through ObjectStore, the block cache for
// reads of packed data, idempotent-producer state and committed group offsets.
//
//   Produce: Append (verify, dedupe, assign offsets, WAL write) then AwaitDurable (fsync
//            covered) — only then does the high watermark move and the client get an ack.
//   Fetch:   Read returns whole batches below the high watermark, from the log cache or
//            through the object index; WaitForData blocks a long-poll fetch.
//
// Thread safety: every public method may be called from any thread. One mutex guards the
// in-memory state; WAL fsyncs, object uploads and object reads happen outside it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "broker/block_cache.h"
#include "broker/metadata_log.h"
#include "broker/wal.h"
#include "common/status.h"
#include "objstore/object_store.h"

namespace tributary::broker {

struct StorageOptions {
  std::string data_dir;
  ObjectStore* store = nullptr;  // borrowed; outlives the Storage
  int default_partitions = 1;
  int64_t pack_interval_ms = 5000;      // pack at least this often when there is data
  uint64_t pack_bytes = 8ull << 20;     // ... or as soon as the WAL holds this much
  uint64_t cache_bytes = 256ull << 20;  // packed batches kept in memory for tail reads
  uint64_t block_cache_bytes = 64ull << 20;
  uint64_t snapshot_after_bytes = 4ull << 20;  // metadata log size that triggers a snapshot
};

struct TopicView {
  std::string name;
  std::string id;  // 16 bytes
  int partitions = 0;
};

// One appended batch waiting for its WAL record to become durable.
struct PendingAppend {
  int16_t error = 0;
  std::string message;
  int64_t base_offset = -1;
  int64_t log_start = 0;
  uint64_t wal_sequence = 0;  // 0: nothing to wait for
  std::string topic_id;
  int32_t partition = 0;
  int64_t end_offset = 0;  // last offset + 1
};

struct ReadResult {
  int16_t error = 0;
  int64_t high_watermark = -1;
  int64_t log_start = -1;
  std::string records;
};

struct CommittedOffset {
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::string metadata;
};

class Storage {
 public:
  // Recovers from the metadata log, the objects and the WAL, then starts the WAL sync
  // thread and the packer.
  static Result<std::unique_ptr<Storage>> Open(StorageOptions options);
  ~Storage();

  // --- Topics ---
  // Kafka error code; `message` explains a non-zero one.
  int16_t CreateTopic(const std::string& name, int partitions, bool validate_only,
                      std::string* message);
  int16_t DeleteTopic(const std::string& name);
  std::vector<TopicView> ListTopics() const;
  std::optional<TopicView> FindTopic(const std::string& name) const;
  int default_partitions() const { return options_.default_partitions; }

  // --- Data ---
  // Verifies `records` (CRC-32C, magic 2), checks producer sequences, assigns offsets and
  // writes the WAL record. Nothing is visible to readers until AwaitDurable.
  PendingAppend Append(const std::string& topic, int32_t partition, std::string records);
  // Waits until every appended record is durable and moves the high watermarks; sets
  // the error of appends whose WAL write failed.
  void AwaitDurable(std::vector<PendingAppend*>& appends);

  // Whole batches from the first one holding `offset`, up to about `max_bytes` (at least
  // one batch when `at_least_one`). Never blocks on other requests.
  ReadResult Read(const std::string& topic, int32_t partition, int64_t offset, int32_t max_bytes,
                  bool at_least_one);
  // Blocks until some high watermark moves or `deadline` passes.
  void WaitForData(std::chrono::steady_clock::time_point deadline);

  struct ListOffsetResult {
    int16_t error = 0;
    int64_t offset = -1;
    int64_t timestamp = -1;
  };
  // timestamp -1 latest, -2 earliest, -3 max timestamp, else the first batch whose max
  // timestamp is >= it.
  ListOffsetResult ListOffset(const std::string& topic, int32_t partition, int64_t timestamp);
  // Moves the log start offset (DeleteRecords); -1 means the high watermark.
  ListOffsetResult DeleteRecords(const std::string& topic, int32_t partition, int64_t offset);

  Result<int64_t> AllocateProducerId();

  // --- Group offsets (durable when the call returns OK) ---
  struct OffsetCommit {
    std::string topic;
    int32_t partition = 0;
    CommittedOffset value;
  };
  Status CommitOffsets(const std::string& group, const std::vector<OffsetCommit>& commits);
  std::optional<CommittedOffset> FetchOffset(const std::string& group, const std::string& topic,
                                             int32_t partition) const;
  // topic -> partition -> offset, for OffsetFetch with all topics.
  std::map<std::string, std::map<int32_t, CommittedOffset>> GroupOffsets(
      const std::string& group) const;
  std::vector<std::string> GroupsWithOffsets() const;

  // Packs everything in the WAL into one object now (tests and shutdown).
  Status PackNow();
  uint64_t object_count() const;

 private:
  struct BatchRef {
    int64_t base_offset = 0;
    int64_t last_offset = 0;
    int64_t max_timestamp = -1;
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
    int32_t base_sequence = -1;
    int32_t record_count = 0;
    std::shared_ptr<const std::string> bytes;  // cached; null when only in an object
    uint64_t wal_sequence = 0;                 // 0 once packed (or loaded from an object)
    uint64_t object_id = 0;                    // 0 while only in the WAL
    uint64_t position = 0;
    uint32_t size = 0;
  };
  struct RecentBatch {
    int32_t first_sequence = 0;
    int32_t last_sequence = 0;
    int64_t base_offset = 0;
    uint64_t wal_sequence = 0;
  };
  struct ProducerState {
    int16_t epoch = -1;
    int32_t last_sequence = -1;
    std::deque<RecentBatch> recent;  // the last five batches, as Kafka keeps
  };
  struct PartitionLog {
    std::vector<BatchRef> batches;  // ascending offsets
    int64_t log_start = 0;
    int64_t next_offset = 0;     // log end offset (assigned)
    int64_t high_watermark = 0;  // durable and visible
    std::unordered_map<int64_t, ProducerState> producers;
  };
  struct Topic {
    std::string name;
    std::string id;
    std::vector<PartitionLog> partitions;
  };
  struct ObjectInfo {
    std::string key;
    uint64_t size = 0;
  };

  explicit Storage(StorageOptions options);
  Status Recover();
  Status ApplyMeta(uint8_t type, std::string_view payload);
  Status LoadObject(uint64_t id);
  void AddBatchLocked(Topic& topic, int32_t partition, BatchRef ref);
  static void TrackProducer(PartitionLog& log, const BatchRef& ref);
  Topic* TopicById(const std::string& id);
  // Whether `it` (from topics_.find) names a topic that has `partition`.
  bool HasPartition(std::map<std::string, Topic>::iterator it, int32_t partition) const;
  std::vector<MetaRecord> SnapshotLocked() const;
  void PackLoop();
  Status PackOnce();
  void EvictLocked();

  StorageOptions options_;
  std::unique_ptr<Wal> wal_;
  std::unique_ptr<MetadataLog> meta_;
  std::unique_ptr<BlockCache> block_cache_;

  mutable std::mutex mu_;
  std::condition_variable data_cv_;                     // a high watermark moved
  std::map<std::string, Topic> topics_;                 // by name
  std::unordered_map<std::string, std::string> names_;  // id -> name
  std::map<uint64_t, ObjectInfo> objects_;
  uint64_t next_object_id_ = 1;
  uint64_t wal_trim_before_ = 0;
  int64_t next_producer_id_ = 1000;
  int64_t producer_id_limit_ = 1000;
  // group -> topic -> partition -> offset
  std::map<std::string, std::map<std::string, std::map<int32_t, CommittedOffset>>> offsets_;
  std::deque<std::tuple<std::string, int32_t, int64_t>> packed_cached_;  // FIFO for eviction
  uint64_t packed_cached_bytes_ = 0;

  std::mutex pack_mu_;  // one pack at a time
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread packer_;
};

}  // namespace tributary::broker
