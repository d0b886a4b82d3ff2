// Journal: the exactly-once journal of one sink (docs/journal-format.md, DESIGN.md §4).
//
// One small JSON object per topic-partition records who owns the partition, the offset
// every record before which is durable (`committed`), and at most one flush being made
// visible (`pending`). Every write is conditional on the ETag last read or written, so an
// instance that has been replaced can complete nothing new: its writes fail with
// kPreconditionFailed ("fenced").
//
// Thread safety: a Journal is stateless apart from its borrowed store; callable from
// any thread for different topic-partitions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "objstore/object_store.h"

namespace tributary {

inline constexpr int kJournalVersion = 1;

struct JournalFile {
  std::string key;
  std::string upload_id;
  int64_t first = 0;
  int64_t last = 0;
  uint64_t records = 0;
  uint64_t bytes = 0;
  std::vector<PartInfo> parts;  // ascending part numbers, as CompleteMultipartUpload needs
  // The upload started before the file closed, so the object's metadata lacks its last
  // offset and count: the flush gets a manifest (Journal::WriteManifest).
  bool partial_metadata = false;

  bool operator==(const JournalFile&) const;
};

struct PendingFlush {
  int64_t first = 0;  // first offset of the flush
  int64_t next = 0;   // `committed` once the flush is visible
  std::vector<JournalFile> files;

  bool operator==(const PendingFlush&) const = default;
};

struct JournalOwner {
  std::string instance;
  int64_t epoch = 0;
  std::string host;
  int64_t since_ms = 0;

  bool operator==(const JournalOwner&) const = default;
};

struct JournalRecord {
  int version = kJournalVersion;
  std::string sink;
  std::string topic;
  int32_t partition = 0;
  JournalOwner owner;
  std::optional<int64_t> committed;
  uint64_t flushes = 0;
  std::optional<PendingFlush> pending;
  int64_t updated_ms = 0;

  bool operator==(const JournalRecord&) const = default;
};

std::string SerializeJournal(const JournalRecord& record);
// `where` names the object in errors. Unknown versions and missing fields are
// kCorruption errors.
Result<JournalRecord> ParseJournal(std::string_view json, std::string_view where);

// A journal record with the ETag of the object it was read from or written to.
struct VersionedJournal {
  JournalRecord record;
  std::string etag;
};

class Journal {
 public:
  // Borrows `store`. `prefix` is journal.prefix, `sink` the connector name.
  Journal(ObjectStore* store, std::string prefix, std::string sink);

  std::string Key(const TopicPartition& tp) const;
  const std::string& prefix() const { return prefix_; }
  const std::string& sink() const { return sink_; }

  // nullopt when the partition has no journal yet.
  Result<std::optional<VersionedJournal>> Read(const TopicPartition& tp);

  // Flush manifests: for a flush with an object whose metadata is partial, an immutable
  // `<prefix>/<sink>/<topic>/<partition>.flushes/<first offset, 20 digits>.json` holding
  // the flush's range and every object's offsets and count, so `tributary verify` needs
  // to infer nothing. Idempotent (same flush, same bytes).
  std::string ManifestPrefix(const TopicPartition& tp) const;
  Status WriteManifest(const TopicPartition& tp, const PendingFlush& flush);
  Result<std::vector<PendingFlush>> ReadManifests(const TopicPartition& tp);

  // Writes `record` if the journal's ETag is still `etag` (empty: only if it does not
  // exist). Returns the new ETag; kPreconditionFailed when another writer got there
  // first. A write whose outcome is unknown is settled by reading the journal back.
  Result<std::string> Write(const TopicPartition& tp, const JournalRecord& record,
                            const std::string& etag);

 private:
  ObjectStore* store_;
  const std::string prefix_;
  const std::string sink_;
};

}  // namespace tributary
