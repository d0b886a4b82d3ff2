// RecordReader: reads back the records of one data object, for `tributary source` and
// for tests. The inverse of RecordWriter (record_writer.h), one object at a time.
//
// A reader is given the whole object's bytes, already decompressed for row formats
// (Avro and Parquet carry their own block/page codecs and decompress themselves). It
// yields ReadRecords in file order. A field the object does not carry (bare JSON
// values carry no key, columnar files carry no headers) is left unset and its `has_*`
// flag false; the caller decides where to find it instead (key/header side files,
// object metadata, the object's name).
//
// Columnar values (Avro container, Parquet) come back as the compact JSON text of the
// row (Connect's JsonConverter shape without schemas: records as objects, bytes as
// base64, timestamps as epoch numbers in the schema's unit, decimals as numbers), so a
// JSON topic archived to Parquet replays as the JSON it was.
//
// Errors are kInvalidArgument (or kCorruption for a truncated or corrupt file) naming the
// object (`name` passed at construction) and, where it applies, the record index.
//
// Thread safety: a reader is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace tributary {

struct ReadRecord {
  std::string topic;                 // has_topic
  int32_t partition = -1;            // has_partition
  int64_t offset = -1;               // has_offset
  int64_t timestamp_ms = -1;         // has_timestamp
  std::optional<std::string> key;    // has_key; nullopt: a null key
  std::optional<std::string> value;  // nullopt: a null value (tombstone)
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;  // has_headers

  bool has_topic = false;
  bool has_partition = false;
  bool has_offset = false;
  bool has_timestamp = false;
  bool has_key = false;
  bool has_headers = false;
};

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // Reads the next record into `out` (cleared first). Returns false at the end of the
  // object.
  virtual Result<bool> Next(ReadRecord* out) = 0;
};

}  // namespace tributary
