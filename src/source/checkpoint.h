// The source's checkpoint: how far a replay has got, kept in the object store at
// `<source.checkpoint.prefix>/<name>/checkpoint.json` (docs/source.md, "Resume").
//
//   {"version":1,"source":"replay-orders","batch":500,"updated_ms":1763800012345,
//    "positions":[{"topic":"orders","partition":0,"object":"topics/orders/partition=0/
//                  orders+0+0000000100.json","index":17,"last_offset":116,"read":117}],
//    "targets":[{"topic":"orders-copy","partition":0,"end":117}]}
//
// positions: per source partition, the object being read, the index of the next record
// in it, the last source offset taken (-1 before any) and the records read so far.
// targets: per target partition, its end offset when the checkpoint was written; what a
// read_committed consumer sees after it was produced since (and is skipped on resume).
// batch: the records per partition per round in force (the schedule a resume repeats).
//
// Writes are conditional (If-None-Match to create, If-Match on the ETag last read or
// written), so a second instance of the same source fails its next checkpoint.
//
// Thread safety: plain values; CheckpointStore is used by one thread.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/status.h"
#include "common/types.h"
#include "objstore/object_store.h"

namespace tributary {

struct PartitionPosition {
  std::string object;  // key of the object being read; "" before the first
  int64_t index = 0;   // next record's index in `object`
  int64_t last_offset = -1;
  int64_t read = 0;  // records read from this partition's objects so far
  bool operator==(const PartitionPosition&) const = default;
};

struct Checkpoint {
  std::string source;
  int batch = 0;
  std::map<TopicPartition, PartitionPosition> positions;
  std::map<TopicPartition, int64_t> targets;

  std::string ToJson() const;
  // InvalidArgument naming `what` for malformed text or an unknown version.
  static Result<Checkpoint> FromJson(std::string_view text, std::string_view what);
};

class CheckpointStore {
 public:
  CheckpointStore(ObjectStore* store, std::string key) : store_(store), key_(std::move(key)) {}
  // nullopt when none was written yet.
  Result<std::optional<Checkpoint>> Load();
  // kPreconditionFailed when another writer wrote it since this one read or wrote it.
  Status Save(const Checkpoint& checkpoint);
  const std::string& key() const { return key_; }

 private:
  ObjectStore* store_;
  std::string key_;
  std::optional<std::string> etag_;  // nullopt: not read, create with If-None-Match
};

}  // namespace tributary
