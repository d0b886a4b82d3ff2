// Kafka record batches (magic 2) as the broker handles them: a header it reads, a
// CRC-32C it verifies, and bytes it stores exactly as produced.
//
// Layout of the 61-byte batch header (all big-endian), from the Kafka protocol:
//   0 baseOffset i64 | 8 batchLength i32 | 12 partitionLeaderEpoch i32 | 16 magic i8
//   | 17 crc u32 | 21 attributes i16 | 23 lastOffsetDelta i32 | 27 baseTimestamp i64
//   | 35 maxTimestamp i64 | 43 producerId i64 | 51 producerEpoch i16
//   | 53 baseSequence i32 | 57 recordCount i32 | 61 records...
// The CRC covers everything from `attributes` to the end of the batch, so rewriting
// baseOffset (what the broker does when it assigns offsets) keeps the batch valid.
//
// Thread safety: reentrant functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tributary::kafka {

inline constexpr size_t kBatchHeaderSize = 61;

struct BatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;  // bytes after the length field
  int32_t leader_epoch = -1;
  int8_t magic = 0;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = 0;
  int64_t max_timestamp = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t record_count = 0;

  size_t TotalSize() const { return 12 + static_cast<size_t>(batch_length); }
  int64_t LastOffset() const { return base_offset + last_offset_delta; }
  bool IsTransactional() const { return attributes & 0x10; }
  bool IsControl() const { return attributes & 0x20; }
  int Compression() const { return attributes & 0x7; }
};

// Reads the header at the start of `bytes` (which may hold more batches after it).
Result<BatchHeader> ReadBatchHeader(std::string_view bytes);

// Splits `records` (a produce request's Records field) into batches and verifies each:
// magic 2, length within the bytes, CRC-32C, record count and last offset delta that
// agree. Corruption naming the batch index and what failed.
Result<std::vector<BatchHeader>> ValidateBatches(std::string_view records);

// Rewrites the baseOffset field of the batch at the start of `batch`.
void SetBaseOffset(std::string* batch, size_t at, int64_t base_offset);

// Big-endian helpers shared by the broker's storage formats.
void PutBE16(std::string* out, uint16_t v);
void PutBE32(std::string* out, uint32_t v);
void PutBE64(std::string* out, uint64_t v);
uint16_t GetBE16(const char* p);
uint32_t GetBE32(const char* p);
uint64_t GetBE64(const char* p);

}  // namespace tributary::kafka
