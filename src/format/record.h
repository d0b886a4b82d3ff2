// Record: a borrowed view of one Kafka record, as the sink sees it.
//
// The bytes belong to the consumer's message (librdkafka's buffer); a Record is valid
// only while that message is alive, so writers copy what they keep (DESIGN.md §3: no
// payload copies until encoding).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/types.h"

namespace tributary {

struct Record {
  std::string_view topic;
  Partition partition;
  Offset offset;
  int64_t timestamp_ms = -1;            // -1 when the record has no timestamp
  std::optional<std::string_view> key;  // nullopt: null key
  std::optional<std::string_view> value;  // nullopt: null value (a tombstone)

  // "orders-2@1041", how errors name a record.
  std::string Where() const {
    return fmt::format("{}-{}@{}", topic, partition.value(), offset.value());
  }
};

}  // namespace tributary
