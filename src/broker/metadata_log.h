// The metadata log: topics, committed objects, group offsets, log start offsets and
// producer id blocks as an append-only log of checksummed records, with snapshots
// (docs/broker-storage.md, "Metadata log").
//
// Thread safety: every method may be called from any thread (one internal mutex).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"

namespace tributary::broker {

enum MetaRecordType : uint8_t {
  kTopicCreated = 1,
  kTopicDeleted = 2,
  kObjectCommitted = 3,
  kOffsetCommitted = 4,
  kLogStartAdvanced = 5,
  kProducerIdsAllocated = 6,
};

struct MetaRecord {
  uint8_t type = 0;
  std::string payload;
};

class MetadataLog {
 public:
  explicit MetadataLog(std::string dir);
  ~MetadataLog();

  // Replays the snapshot, then the log, through `fn`, and opens the log for appends.
  Status Open(const std::function<Status(uint8_t, std::string_view)>& fn);
  // Appends records and fsyncs them: durable when this returns OK.
  Status Append(const std::vector<MetaRecord>& records);
  Status Append(uint8_t type, std::string payload) { return Append({{type, std::move(payload)}}); }
  // Bytes in the log since the last snapshot.
  uint64_t log_bytes() const;
  // Replaces the snapshot with `state` (the whole current state as records) and empties
  // the log. The caller must hold off other appends while it builds `state` and calls this.
  Status WriteSnapshot(const std::vector<MetaRecord>& state);
  // The snapshot file followed by the log, as bytes (for the copy in the object store).
  Result<std::string> ReadAll() const;

 private:
  const std::string dir_;
  mutable std::mutex mu_;
  int fd_ = -1;
  uint64_t log_bytes_ = 0;
};

}  // namespace tributary::broker
