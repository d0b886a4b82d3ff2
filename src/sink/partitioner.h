// Partitioner: maps a record to its encoded partition, the directory part of its
// object key (Confluent's partitioner.class), and TimestampExtractor: the time a record
// is partitioned and rotated by (timestamp.extractor).
//
// Thread safety: both are immutable after construction; callable from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "config/config.h"
#include "format/record.h"

namespace tributary {

class TimestampExtractor {
 public:
  virtual ~TimestampExtractor() = default;
  // Milliseconds since the Unix epoch. `now_ms` is the wall clock when the record is
  // processed (what the Wallclock extractor returns). An error names the record
  // (Record::Where) and says why, e.g. a missing or unparsable timestamp field.
  virtual Result<int64_t> Extract(const Record& record, int64_t now_ms) const = 0;
  // True when Extract depends only on the record (Record, RecordField), so that file
  // boundaries derived from it are the same on every replay.
  virtual bool deterministic() const = 0;
};

class Partitioner {
 public:
  virtual ~Partitioner() = default;
  // The encoded partition, e.g. "partition=3", "country=US/city=NYC" or
  // "year=2024/month=01/day=15/hour=10" (with the configured directory.delim). An error
  // names the record and says why (invalid or missing partition field, timestamp).
  virtual Result<std::string> Encode(const Record& record, int64_t now_ms) const = 0;
  // The extractor rotate.interval.ms measures time with, or nullptr when the
  // partitioner is not time-based (then rotate.interval.ms does nothing, as in the
  // Confluent connector).
  virtual const TimestampExtractor* timestamp_extractor() const { return nullptr; }
  // True when Encode depends only on the record (not the wall clock).
  virtual bool deterministic() const { return true; }
};

// The partitioner keys (config/partitioner_keys.cc), parsed and checked.
struct PartitionerOptions {
  std::string partitioner_class;  // canonical class name
  std::string directory_delim = "/";
};

// Reads the partitioner keys from a parsed config. Errors name the keys involved.
Result<PartitionerOptions> ParsePartitionerOptions(const Config& config);

Result<std::unique_ptr<Partitioner>> MakePartitioner(const PartitionerOptions& options);

}  // namespace tributary
