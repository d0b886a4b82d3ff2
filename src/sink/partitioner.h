// Partitioner: maps a record to its encoded partition, the directory part of its
// object key (Confluent's partitioner.class), and TimestampExtractor: the time a record
// is partitioned and rotated by (timestamp.extractor). User documentation:
// docs/partitioning.md.
//
//   DefaultPartitioner            partition=<kafka partition>
//   FieldPartitioner              f1=v1/f2=v2            (partition.field.name)
//   TimeBasedPartitioner          path.format of the partition.duration.ms bucket
//   HourlyPartitioner             'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH, 1 h buckets
//   DailyPartitioner              'year'=YYYY/'month'=MM/'day'=dd, 1 day buckets
//   FieldAndTimeBasedPartitioner  f1=v1/.../<path.format>  (fields first, then time)
//   (file.name.template)          Aiven's naming: the template with the record's
//                                 variables bound (see object_naming.h)
//
// Record values are JSON (field_path.h); fields and timestamp fields are read from the
// payload of JsonConverter's schema envelope.
//
// Thread safety: both are immutable after construction; callable from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "format/record.h"
#include "sink/field_path.h"

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

enum class PartitionerKind { kDefault, kField, kTimeBased, kHourly, kDaily, kFieldAndTime };
enum class TimestampExtractorKind { kWallclock, kRecord, kRecordField };

// The partitioner keys (config/partitioner_keys.cc), parsed and checked. A
// default-constructed PartitionerOptions is the DefaultPartitioner.
struct PartitionerOptions {
  std::string partitioner_class;  // canonical class name; empty: DefaultPartitioner
  PartitionerKind kind = PartitionerKind::kDefault;
  std::string directory_delim = "/";
  // FieldPartitioner and FieldAndTimeBasedPartitioner.
  std::vector<std::string> field_names;  // partition.field.name
  bool field_labels = true;              // partition.field.format.path: "f=v" or "v"
  // Time-based partitioners (Hourly and Daily fill in their presets).
  int64_t partition_duration_ms = -1;  // partition.duration.ms
  std::string path_format;             // path.format, trailing delimiter stripped
  std::string locale;                  // locale
  std::string timezone;                // timezone
  TimestampExtractorKind extractor = TimestampExtractorKind::kWallclock;
  std::string timestamp_field = "timestamp";  // timestamp.field (RecordField)
  // Where fields are read in JSON values (value.converter / value.converter.schemas.enable).
  SchemaEnvelope schema_envelope = SchemaEnvelope::kDetect;
  // behavior.on.null.values=write: records with a null value go to
  // `tombstone_partition` (tombstone.encoded.partition) instead of the partitioner.
  bool route_null_values = false;
  std::string tombstone_partition = "tombstone";
  // Aiven's naming dialect (object_naming.h): when file.name.template is set the
  // partitioner binds the template's record variables and ignores the keys above.
  std::string file_name_template;
  bool file_name_timestamp_event = false;            // file.name.timestamp.source=event
  std::string file_name_timestamp_timezone = "UTC";  // file.name.timestamp.timezone
};

// Reads the partitioner keys from a parsed config and checks them together, so a
// time-based partitioner without partition.duration.ms, path.format, locale or
// timezone, or RecordField without timestamp.field, fails at start. Errors name the keys
// and say why; every problem is reported at once.
Result<PartitionerOptions> ParsePartitionerOptions(const Config& config);

// The partitioner for `options`; also checks what ParsePartitionerOptions cannot (the
// time zone exists, path.format is a valid pattern), naming the key.
Result<std::unique_ptr<Partitioner>> MakePartitioner(const PartitionerOptions& options);

// A timestamp extractor on its own (for rotation with any partitioner).
Result<std::unique_ptr<TimestampExtractor>> MakeTimestampExtractor(
    const PartitionerOptions& options);

// A partition value as it appears in an object key: characters that would split or
// confuse the key (the directory delimiter, '/', '\', '=', ':', '%', quotes, '#', '?',
// '*', '[', ']', '{', '^', DEL and control characters) become %XX, as Hive escapes
// partition values. Other UTF-8 passes unchanged.
std::string EscapePartitionValue(std::string_view value, std::string_view directory_delim);

}  // namespace tributary
