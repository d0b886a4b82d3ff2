// Readers of the columnar formats (Avro object container files, Parquet) behind the
// RecordReader interface (record_reader.h), for `tributary source` and tests.
//
// Each row comes back as ReadRecord::value holding the row's compact JSON text (one
// object per row, members in schema order). The JSON shape, by schema node, is the one
// Connect's JsonConverter writes without schemas, so that Tributary's own writers
// (format/schema_record_writer.h) accept it again unchanged:
//
//   null / an optional value that is absent       null
//   boolean                                        true / false
//   int, long (signed or unsigned)                 an integer
//   date                                           days since 1970-01-01 (an integer)
//   time-millis / -micros (Parquet also -nanos)    the count after midnight in that unit
//   timestamp-*, local-timestamp-*                 the count since the epoch in the schema's
//                                                  unit (Parquet INT96: nanoseconds)
//   float, double                                  the shortest text that reads back to the
//                                                  same float/double; NaN and ±Infinity,
//                                                  which JSON cannot hold, as null
//   decimal(p, s)                                  a JSON number with exactly s fraction
//                                                  digits ("-12.30"), never rounded
//   string, enum                                   a JSON string (invalid UTF-8 replaced by
//                                                  U+FFFD)
//   Parquet JSON                                   the JSON value the text holds (a string
//                                                  when it does not parse)
//   uuid (string or 16 bytes)                      "123e4567-e89b-12d3-a456-426614174000"
//   bytes, fixed                                   a base64 string (RFC 4648, padded)
//   record                                         an object
//   array / map                                    an array / an object (Parquet map keys
//                                                  that are not strings: their JSON text
//                                                  as the member name)
//   ["null", T]                                    the plain value of T, or null
//
// Only the value is carried: every has_* flag of the ReadRecord stays false (no key,
// headers, timestamp, topic, partition or offset per row). Where the file names its
// Kafka origin (Tributary's `tributary.*` metadata), ColumnarFileInfo exposes it, so
// the caller can assign offsets.
//
// Errors (the object's `name` always first):
//   kCorruption       a truncated or corrupt file (record_reader.h calls this "data
//                     loss"; Status has no separate code for it): the message names the
//                     Avro block / the Parquet row group and column and what is wrong.
//   kInvalidArgument  a well-formed file using a feature these readers do not support;
//                     the message says "not supported" and names the feature (Avro
//                     unions of other types than ["null", T], Parquet INTERVAL, an
//                     unknown codec or encoding, ...).
//
// After Next() returns an error the reader is done: call it no more.
//
// Thread safety: a reader is used by one thread; the functions keep no shared state.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "format/format_options.h"
#include "format/reader/record_reader.h"

namespace tributary {

// What a columnar file says about itself, filled when the reader is made.
struct ColumnarFileInfo {
  std::string format;       // "avro" or "parquet"
  std::string codec;        // Avro: avro.codec ("null" when absent); Parquet: the first
                            // column chunk's codec ("UNCOMPRESSED", "SNAPPY", ...)
  std::string schema_json;  // Avro: avro.schema; Parquet: tributary.avro.schema when the
                            // file has it (Tributary's files), else empty
  std::string created_by;   // Parquet created_by; Avro tributary.created.by when present
  int64_t rows = 0;         // rows in the file (Avro: the sum of the block counts)
  int64_t blocks = 0;       // Avro blocks / Parquet row groups
  // Every key-value pair of the Avro header (avro.* included) or the Parquet footer's
  // key_value_metadata, in file order.
  std::vector<std::pair<std::string, std::string>> metadata;

  // The value of `key`, or nullopt.
  std::optional<std::string> Get(const std::string& key) const;

  // Tributary's record of the file's Kafka origin: tributary.topic, tributary.partition,
  // tributary.offset.first, and (Parquet only) tributary.offset.last and
  // tributary.record.count. Absent members stay -1 / empty; nullopt when the file has no
  // tributary.topic or a value that is not a number. When last - first + 1 == rows, the
  // file holds every offset of that range, row i being offset first + i (Tributary's sink
  // writes offsets in order; a compacted topic or a filter leaves gaps, and then the
  // offsets of single rows are not known from the file).
  struct Origin {
    std::string topic;
    int32_t partition = -1;
    int64_t first_offset = -1;
    int64_t last_offset = -1;
    int64_t records = -1;
  };
  std::optional<Origin> TributaryOrigin() const;
};

// A reader for an Avro container file (kind kAvro) or a Parquet file (kind kParquet);
// InvalidArgument for any other kind. `info`, when not null, is filled on success.
Result<std::unique_ptr<RecordReader>> MakeColumnarReader(FormatKind kind, std::string name,
                                                         std::string bytes,
                                                         ColumnarFileInfo* info = nullptr);

}  // namespace tributary
