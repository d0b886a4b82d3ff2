// Replayer: `tributary source` — replays the objects a sink wrote back into Kafka
// (docs/source.md).
//
// Per source topic-partition, objects in the order of object_index.h and records in
// file order. Partitions take turns ("rounds"): each gives up to `batch` records
// (source.max.poll.records) before the next one's turn, in TopicPartition order, so the
// sequence of records sent to each target partition after a checkpoint is a function of
// the checkpoint alone. That is what makes resume exact:
//
//   1. Start: open the checkpoint. None: record every target partition's end offset and
//      save that as the first checkpoint before producing anything.
//   2. With transactions, init_transactions fences an older producer with the same
//      transactional.id and settles its open transaction.
//   3. Settle: read each target partition from the checkpoint's end offset with a
//      read_committed consumer. Those records were produced after the checkpoint; the
//      replay repeats the schedule from the checkpoint and skips that many records for
//      the partition (checking each skipped record's key and value fingerprint).
//   4. Replay rounds; after source.checkpoint.records records or
//      source.checkpoint.interval.ms, at the end of a round: commit the transaction (or
//      flush), read the target end offsets, save the checkpoint (conditional write).
//
// A kill at any point leaves the target holding a prefix of the schedule per partition
// (the idempotent producer never reorders or duplicates within a session), and the next
// run skips exactly that prefix. Assumes the source is the only writer of its target
// partitions while it runs.
//
// Thread safety: Run is called once, from one thread; `stop` may be set from another.
#pragma once

#include <atomic>
#include <cstdio>

#include "common/status.h"
#include "objstore/object_store.h"
#include "source/object_index.h"
#include "source/replay_settings.h"

namespace tributary {

struct ReplayOptions {
  bool dry_run = false;     // list objects, ranges and counts per partition; produce nothing
  FILE* out = stdout;       // dry-run listing and the final summary
  FILE* progress = stderr;  // progress line (records/s, ETA) while replaying; nullptr: none
  const std::atomic<bool>* stop = nullptr;  // set to stop at the next checkpoint
};

struct ReplaySummary {
  int64_t produced = 0;         // records sent by this run
  int64_t skipped_settled = 0;  // already in the target when the run started
  int64_t filtered = 0;         // outside the offset/time filters
  int64_t duplicates = 0;       // offsets at or below one already taken (overlapping objects)
  int64_t objects = 0;
};

// Replays `index` (DiscoverObjects) from `store`.
Result<ReplaySummary> RunReplay(const ReplaySettings& settings, ObjectStore& store,
                                const ObjectIndex& index, const ReplayOptions& options);

}  // namespace tributary
