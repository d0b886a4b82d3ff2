// Record: a borrowed view of one Kafka record, as the sink sees it.
//
// The bytes belong to the consumer's message (librdkafka's buffer); a Record is valid
// only while that message is alive, so writers copy what they keep (DESIGN.md §3: no
// payload copies until encoding).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/types.h"

namespace tributary {

struct SchemaDatum;  // schema/schema_datum.h

// One Kafka record header: a name and an optional (nullable) value.
struct RecordHeader {
  std::string_view name;
  std::optional<std::string_view> value;  // nullopt: null header value
};

struct Record {
  std::string_view topic;
  Partition partition;
  Offset offset;
  int64_t timestamp_ms = -1;              // -1 when the record has no timestamp
  std::optional<std::string_view> key;    // nullopt: null key
  std::optional<std::string_view> value;  // nullopt: null value (a tombstone)
  // Kafka record headers in the order the producer set them. Names may repeat; a header
  // value may be null. Borrowed like the rest of the record.
  std::vector<RecordHeader> headers;
  // The value already decoded with its schema (a transform chain changed a Schema
  // Registry record, transform/README.md), or nullptr. When set, writers that take
  // schemas (Avro, Parquet) write it instead of decoding `value`, which then holds the
  // record's original bytes.
  const SchemaDatum* value_datum = nullptr;

  // "orders-2@1041", how errors name a record.
  std::string Where() const {
    return fmt::format("{}-{}@{}", topic, partition.value(), offset.value());
  }
};

}  // namespace tributary
