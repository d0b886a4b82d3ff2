#include "broker/object_format.h"

#include "broker/framed_log.h"
#include "common/crc32c.h"
#include "kafka/protocol/record_batch.h"

namespace tributary::broker {

void ObjectBuilder::Add(IndexEntry entry, std::string_view batch) {
  entry.position = data_.size();
  entry.size = static_cast<uint32_t>(batch.size());
  data_.append(batch);
  entries_.push_back(std::move(entry));
}

std::string ObjectBuilder::Finish() {
  PayloadWriter index;
  for (const IndexEntry& e : entries_) {
    index.Str(e.topic)
        .I32(e.partition)
        .I64(e.base_offset)
        .I32(e.last_offset_delta)
        .I64(e.max_timestamp)
        .I64(e.producer_id)
        .I16(e.producer_epoch)
        .I32(e.base_sequence)
        .I32(e.record_count)
        .I64(static_cast<int64_t>(e.position))
        .I32(static_cast<int32_t>(e.size));
  }
  std::string out = std::move(data_);
  uint64_t index_position = out.size();
  out += index.data();
  kafka::PutBE64(&out, kObjectMagic);
  kafka::PutBE64(&out, index_position);
  kafka::PutBE32(&out, static_cast<uint32_t>(index.data().size()));
  kafka::PutBE32(&out, static_cast<uint32_t>(entries_.size()));
  kafka::PutBE32(&out, Crc32c(index.data()));
  kafka::PutBE32(&out, 0);
  entries_.clear();
  return out;
}

Result<ObjectFooter> ParseFooter(std::string_view f, std::string_view key) {
  if (f.size() != kObjectFooterSize || kafka::GetBE64(f.data()) != kObjectMagic) {
    return Corruption("object {}: no broker object footer (bad magic or size)", key);
  }
  ObjectFooter footer;
  footer.index_position = kafka::GetBE64(f.data() + 8);
  footer.index_length = kafka::GetBE32(f.data() + 16);
  footer.entry_count = kafka::GetBE32(f.data() + 20);
  footer.index_crc = kafka::GetBE32(f.data() + 24);
  return footer;
}

Result<std::vector<IndexEntry>> ParseIndex(std::string_view index, const ObjectFooter& footer,
                                           std::string_view key) {
  if (index.size() != footer.index_length || Crc32c(index) != footer.index_crc) {
    return Corruption("object {}: index checksum mismatch", key);
  }
  PayloadReader r(index);
  std::vector<IndexEntry> out;
  out.reserve(footer.entry_count);
  for (uint32_t i = 0; i < footer.entry_count; ++i) {
    IndexEntry e;
    int64_t position = 0;
    int32_t size = 0;
    if (!r.Str(&e.topic) || !r.I32(&e.partition) || !r.I64(&e.base_offset) ||
        !r.I32(&e.last_offset_delta) || !r.I64(&e.max_timestamp) || !r.I64(&e.producer_id) ||
        !r.I16(&e.producer_epoch) || !r.I32(&e.base_sequence) || !r.I32(&e.record_count) ||
        !r.I64(&position) || !r.I32(&size)) {
      return Corruption("object {}: index entry {} truncated", key, i);
    }
    e.position = static_cast<uint64_t>(position);
    e.size = static_cast<uint32_t>(size);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace tributary::broker
