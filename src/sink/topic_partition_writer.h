// TopicPartitionWriter: turns the records of one Kafka topic-partition into objects.
//
// It keeps one open file per encoded partition (the partitioner decides; one with the
// DefaultPartitioner), appends each record through the Format's writer into an
// ObjectUpload (which streams full parts to the store as it goes), and decides when the
// open files close, following the Confluent connector's rules
// (shared/reference/sink-anchors.md §1.5): before a record is appended, rotate.interval.ms
// (in the timestamp extractor's time, or a change of encoded partition with
// rotate.file.on.partition.change), rotate.schedule.interval.ms and
// partitioner.max.open.files; after it, flush.size and flush.bytes. A rotation closes
// every open file of the topic-partition at once: that set of objects is a *flush*.
//
// How a flush becomes visible depends on exactly.once.mode (docs/exactly-once.md):
// - journal: every object is a multipart upload; the flush is recorded as pending in the
//   partition's journal, the uploads are completed, and the journal's `committed`
//   advances (docs/journal-format.md). Recover() runs that protocol's assignment side.
// - deterministic: each object is written (one PUT when it fits in a part) and the
//   caller commits the Kafka offset afterwards, as the Confluent connector does.
//
// When another instance has taken the partition over (its journal write won), the
// writer's journal writes fail: it aborts its uploads and reports kPreconditionFailed,
// and the caller stops consuming the partition ("fenced").
//
// Thread safety: owned by one thread (the sink's poll thread).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "format/record_writer.h"
#include "objstore/object_store.h"
#include "sink/journal.h"
#include "sink/object_naming.h"
#include "sink/object_upload.h"
#include "sink/partitioner.h"
#include "sink/sink_config.h"
#include "sink/time_zone.h"

namespace tributary {

struct WrittenObject {
  std::string key;
  Offset first;
  Offset last;
  uint64_t records = 0;
  uint64_t bytes = 0;
  // False for a key/header side file beside a data file: its records are the data
  // file's, so counting both would count them twice (a tombstone key file counts).
  bool counts_records = true;
};

// What one flush made visible.
struct Flush {
  std::vector<WrittenObject> objects;
  Offset next;  // every record before it is in a visible object
  std::string reason;
};

// Who this process is, as written into journals it owns.
struct JournalIdentity {
  std::string instance;
  std::string host;
};

class TopicPartitionWriter {
 public:
  // Borrows every pointer; they must outlive the writer. `journal` is null in
  // deterministic mode.
  TopicPartitionWriter(TopicPartition tp, const SinkConfig* config, const Format* format,
                       const Partitioner* partitioner, ObjectStore* store, UploadPool* pool,
                       Journal* journal, JournalIdentity identity);
  ~TopicPartitionWriter();

  // Journal mode, on assignment and before any record: reads the journal (creating it
  // when there is none), rolls a pending flush forward, takes ownership and aborts the
  // partition's stray uploads among `uploads` (the topic's unfinished multipart
  // uploads). Returns the offset to consume from; nullopt when neither the journal nor
  // `group_committed` knows one (auto.offset.reset applies).
  Result<std::optional<Offset>> Recover(std::optional<Offset> group_committed,
                                        const std::vector<MultipartUploadInfo>& uploads);

  // Appends `record` (its processing time is `now_ms`), flushing before or after it as
  // the rotation rules say. Errors name the record; kPreconditionFailed means fenced.
  // A failed upload leaves nothing half-visible; the caller may stop without losing
  // anything (the records are not committed).
  Status Write(const Record& record, int64_t now_ms);

  // Records a consumed record that is not written (a tolerated error, an ignored
  // tombstone): its offset belongs to the current flush's range, so the objects still
  // account for every offset (tributary verify) and the committed offset moves past it.
  void Skip(const Record& record);

  // Called before a flush whose range holds skipped records is made visible: the
  // dead-letter producer's flush, so a skipped record is durable before its offset is
  // committed. An error stops the flush.
  void set_skip_barrier(std::function<Status()> barrier) { skip_barrier_ = std::move(barrier); }
  // buffer.spill.dir: files opened from now on stage their unsent bytes in `spill`
  // (borrowed; must outlive the writer) instead of memory.
  void set_spill(SpillArea* spill) { spill_ = spill; }

  // Flushes when a time-based rule is due on a partition that receives no records
  // (rotate.schedule.interval.ms; rotate.interval.ms with the wall clock).
  Status Tick(int64_t now_ms);

  // Flushes made visible since the last call.
  std::vector<Flush> TakeFlushes() { return std::exchange(flushes_, {}); }
  bool has_flushes() const { return !flushes_.empty(); }

  // Drops the open files without writing them (their uploads are aborted).
  void Discard();

  const TopicPartition& topic_partition() const { return tp_; }
  uint64_t buffered_records() const { return records_; }
  // Memory the open files hold (buffer.memory.bytes accounting): unsent bytes plus an
  // estimate of each file's encoder and codec state. Kept up to date on every write.
  uint64_t buffered_bytes() const { return buffered_; }
  // Frees memory for the global budget: sends a part of the file holding the most
  // bytes if it has at least 5 MiB, otherwise flushes every open file early (reason
  // "buffer.memory.bytes"). Returns an error as Write does.
  // With spilling on, it first moves the largest file's staging bytes to disk.
  Status ReleaseMemory();
  // Bytes the open files hold in spill files (buffer.spill.max.bytes accounting).
  uint64_t spilled_bytes() const;
  // Frees spill space: sends a part of the file with the most spilled bytes if it has at
  // least 5 MiB, otherwise flushes every open file early (reason "buffer.spill.max.bytes").
  Status ReleaseSpill();
  uint64_t early_rotations() const { return early_rotations_; }
  // Flushes a schema change caused (schema.compatibility, schema.max.open.versions,
  // schema.inference widening).
  uint64_t schema_rotations() const { return schema_rotations_; }
  size_t open_files() const { return files_.size(); }
  // Wall-clock time (unix ms) at which the current flush's first file was opened;
  // nullopt when no file is open.
  std::optional<int64_t> open_since_ms() const {
    return records_ > 0 ? std::optional<int64_t>(opened_ms_) : std::nullopt;
  }
  // "Why did this file not rotate?": every rotation condition the open files wait for,
  // in words ("flush.size: 340 of 1000 records; rotate.schedule.interval.ms: next at
  // 2026-01-02T03:00:00Z"). Empty when no file is open.
  std::string WaitingFor() const;
  // The journal's `committed` (journal mode), for status.
  std::optional<int64_t> journal_committed() const {
    return journal_state_ ? journal_state_->record.committed : std::nullopt;
  }

 private:
  // One object of an open file: the data file or a key/header side file (side_files.h).
  struct Stream {
    std::unique_ptr<ObjectUpload> upload;
    std::unique_ptr<OutputStream> compressor;  // between writer and upload, if a codec
    std::unique_ptr<RecordWriter> writer;
  };
  struct OpenFile {
    // The data file, then the side files; no data file under the tombstone path
    // (behavior.on.null.values=write). Every stream holds the same records.
    std::vector<Stream> streams;
    bool tombstones = false;  // the file of null values (no data file)
    TopicPartition named;     // the topic the key names (a routed record's), and ...
    std::string path;         // ... its encoded partition, for FinalObjectKey
    uint64_t Buffered() const;
    uint64_t Size() const;
    Offset first;
    Offset last;
    uint64_t records = 0;
    int64_t min_ts = INT64_MAX;
    int64_t max_ts = INT64_MIN;
  };

  // The open file under `key` (files_) for encoded partition `encoded`, opened if needed.
  Result<OpenFile*> FileFor(const std::string& key, const std::string& encoded,
                            const Record& record);
  // Schema evolution (docs/schema-evolution.md): the files_ key of the file of `encoded`
  // that takes `record` — one of up to schema.max.open.versions files, one per schema
  // version — or, when the open files must close first, `encoded` with `reason` set (and
  // `seed`, the new file's schema, when inference widened it).
  std::string PlaceBySchema(const std::string& encoded, const Record& record, std::string* reason,
                            std::shared_ptr<const Schema>* seed);
  Status DoFlush(std::string reason);
  Status FlushJournaled(Flush* flush);
  Status FlushDirect(Flush* flush);
  Status RollForward(const PendingFlush& pending);
  // A flush with an object whose metadata lacks its end gets a manifest (journal.h).
  Status WriteManifestIfNeeded(const PendingFlush& pending);
  // After a store error in journal mode: if another instance owns the journal now, the
  // error becomes kPreconditionFailed (fenced); otherwise it is returned as is.
  Status CheckFenced(Status error);
  std::map<std::string, std::string> FinalMetadata(const OpenFile& f) const;
  // A stream of `f`: `side` -1 for the data file, else a SideKind.
  Status AddStream(OpenFile* f, const std::string& key, const PutOptions& options, bool compressed,
                   int side);
  // {{end_offset}}: files are held in memory and named when they close.
  bool end_offset_naming() const { return end_offset_naming_; }
  // s3.object.tagging's tags added at close.
  std::map<std::string, std::string> FinalTags(const OpenFile& f) const;
  // Runs `fn` on every stream of every open file, up to kFlushParallelism at a time,
  // and returns the first error in file order (after all have run).
  Status ForEachStream(const std::function<Status(OpenFile&, Stream&)>& fn);
  static constexpr size_t kFlushParallelism = 16;
  const TimestampExtractor* rotation_clock() const;

  const TopicPartition tp_;
  const SinkConfig* config_;
  const Format* format_;
  const Partitioner* partitioner_;
  ObjectStore* store_;
  UploadPool* pool_;
  Journal* journal_;  // null in deterministic mode
  const JournalIdentity identity_;
  const NamingOptions naming_;
  std::unique_ptr<TimestampExtractor> wallclock_;  // rotate.interval.ms without a time partitioner

  std::optional<VersionedJournal> journal_state_;  // journal mode, after Recover

  // The open files of the current flush, by encoded partition.
  std::map<std::string, OpenFile> files_;
  std::string current_encoded_;  // the previous record's
  Offset flush_first_;
  Offset last_;
  bool flush_started_ = false;  // flush_first_ is set: a record was written or skipped
  uint64_t skipped_ = 0;        // records skipped since the last flush
  std::function<Status()> skip_barrier_;
  SpillArea* spill_ = nullptr;
  uint64_t records_ = 0;           // in the current flush
  int64_t base_ts_ = 0;            // rotate.interval.ms: extractor time of the first record
  int64_t last_ts_ = 0;            // ... and of the latest
  int64_t next_scheduled_ms_ = 0;  // rotate.schedule.interval.ms: when the files close
  int64_t opened_ms_ = 0;          // wall clock when the flush's first file was opened

  std::vector<Flush> flushes_;
  uint64_t buffered_ = 0;  // see buffered_bytes()
  uint64_t early_rotations_ = 0;
  uint64_t schema_rotations_ = 0;
  const bool end_offset_naming_;  // file.name.template uses {{end_offset}}
  const uint64_t file_overhead_;  // estimated encoder + codec state of one open file
  const TimeZone zone_;           // timezone: rotate.schedule.interval.ms aligns to its days
};

}  // namespace tributary
