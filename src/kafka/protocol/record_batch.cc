#include "kafka/protocol/record_batch.h"

#include "common/crc32c.h"

namespace tributary::kafka {

void PutBE16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}
void PutBE32(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}
void PutBE64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}
uint16_t GetBE16(const char* p) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[0]) << 8) | static_cast<uint8_t>(p[1]));
}
uint32_t GetBE32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint64_t GetBE64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

Result<BatchHeader> ReadBatchHeader(std::string_view b) {
  if (b.size() < 17) return Corruption("record batch: {} bytes, shorter than a header", b.size());
  BatchHeader h;
  const char* p = b.data();
  h.base_offset = static_cast<int64_t>(GetBE64(p));
  h.batch_length = static_cast<int32_t>(GetBE32(p + 8));
  h.leader_epoch = static_cast<int32_t>(GetBE32(p + 12));
  h.magic = static_cast<int8_t>(p[16]);
  if (h.magic != 2) {
    return Corruption("record batch: magic {} (only message format v2, magic 2, is served)",
                      h.magic);
  }
  if (b.size() < kBatchHeaderSize) return Corruption("record batch: truncated header");
  h.crc = GetBE32(p + 17);
  h.attributes = static_cast<int16_t>(GetBE16(p + 21));
  h.last_offset_delta = static_cast<int32_t>(GetBE32(p + 23));
  h.base_timestamp = static_cast<int64_t>(GetBE64(p + 27));
  h.max_timestamp = static_cast<int64_t>(GetBE64(p + 35));
  h.producer_id = static_cast<int64_t>(GetBE64(p + 43));
  h.producer_epoch = static_cast<int16_t>(GetBE16(p + 51));
  h.base_sequence = static_cast<int32_t>(GetBE32(p + 53));
  h.record_count = static_cast<int32_t>(GetBE32(p + 57));
  return h;
}

Result<std::vector<BatchHeader>> ValidateBatches(std::string_view records) {
  std::vector<BatchHeader> out;
  size_t pos = 0;
  while (pos < records.size()) {
    auto h = ReadBatchHeader(records.substr(pos));
    if (!h.ok()) return h.status().WithContext(fmt::format("batch {}", out.size()));
    if (h->batch_length < static_cast<int32_t>(kBatchHeaderSize - 12) ||
        h->TotalSize() > records.size() - pos) {
      return Corruption("batch {}: length {} does not fit the {} bytes left", out.size(),
                        h->batch_length, records.size() - pos);
    }
    std::string_view covered = records.substr(pos + 21, h->TotalSize() - 21);
    uint32_t crc = Crc32c(covered);
    if (crc != h->crc) {
      return Corruption("batch {}: CRC-32C {:08x} does not match the stored {:08x}", out.size(),
                        crc, h->crc);
    }
    if (h->record_count <= 0 || h->last_offset_delta < 0 ||
        (!h->IsControl() && h->last_offset_delta + 1 < h->record_count)) {
      return Corruption("batch {}: {} records but last offset delta {}", out.size(),
                        h->record_count, h->last_offset_delta);
    }
    pos += h->TotalSize();
    out.push_back(*h);
  }
  if (out.empty()) return Corruption("no record batch");
  return out;
}

void SetBaseOffset(std::string* batch, size_t at, int64_t base_offset) {
  for (int i = 0; i < 8; ++i) {
    (*batch)[at + i] = static_cast<char>(static_cast<uint64_t>(base_offset) >> (56 - 8 * i));
  }
}

}  // namespace tributary::kafka
