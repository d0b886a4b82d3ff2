// Broker data objects: batches of many partitions, sorted by (topic, partition, offset),
// followed by an index and a 32-byte footer (docs/broker-storage.md, "Objects").
//
// Thread safety: reentrant functions and plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tributary::broker {

inline constexpr uint64_t kObjectMagic = 0x5452494230424a31ull;  // "TRIB0BJ1"
inline constexpr size_t kObjectFooterSize = 32;

struct IndexEntry {
  std::string topic;
  int32_t partition = 0;
  int64_t base_offset = 0;
  int32_t last_offset_delta = 0;
  int64_t max_timestamp = -1;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t record_count = 0;
  uint64_t position = 0;
  uint32_t size = 0;
};

struct ObjectFooter {
  uint64_t index_position = 0;
  uint32_t index_length = 0;
  uint32_t entry_count = 0;
  uint32_t index_crc = 0;
};

// Builds an object. Add batches in (topic, partition, offset) order.
class ObjectBuilder {
 public:
  // `batch` is a whole record batch; `entry` describes it (position and size are set here).
  void Add(IndexEntry entry, std::string_view batch);
  // The finished object: data, index, footer.
  std::string Finish();
  size_t entry_count() const { return entries_.size(); }

 private:
  std::string data_;
  std::vector<IndexEntry> entries_;
};

// Parses the last kObjectFooterSize bytes of an object.
Result<ObjectFooter> ParseFooter(std::string_view footer, std::string_view key);
// Parses and verifies (CRC-32C) the index bytes the footer points to.
Result<std::vector<IndexEntry>> ParseIndex(std::string_view index, const ObjectFooter& footer,
                                           std::string_view key);

}  // namespace tributary::broker
