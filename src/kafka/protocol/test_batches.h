// Test helper: a valid record batch (magic 2, correct CRC-32C) of `count` records whose
// bodies are opaque bytes — enough for code that reads batch headers, as the broker does.
#pragma once

#include <cstdint>
#include <string>

#include "common/crc32c.h"
#include "kafka/protocol/record_batch.h"

namespace tributary::kafka {

inline std::string MakeTestBatch(int count, int64_t producer_id = -1, int16_t epoch = -1,
                                 int32_t base_sequence = -1, std::string payload = "payload") {
  std::string b;
  PutBE64(&b, 0);  // base offset
  PutBE32(&b, 0);  // length, patched below
  PutBE32(&b, 0);  // partition leader epoch
  b.push_back(2);  // magic
  PutBE32(&b, 0);  // crc, patched below
  PutBE16(&b, 0);  // attributes
  PutBE32(&b, static_cast<uint32_t>(count - 1));
  PutBE64(&b, 1000);  // base timestamp
  PutBE64(&b, 2000);  // max timestamp
  PutBE64(&b, static_cast<uint64_t>(producer_id));
  PutBE16(&b, static_cast<uint16_t>(epoch));
  PutBE32(&b, static_cast<uint32_t>(base_sequence));
  PutBE32(&b, static_cast<uint32_t>(count));
  b += payload;
  std::string field;
  PutBE32(&field, static_cast<uint32_t>(b.size() - 12));
  b.replace(8, 4, field);
  field.clear();
  PutBE32(&field, Crc32c(std::string_view(b).substr(21)));
  b.replace(17, 4, field);
  return b;
}

}  // namespace tributary::kafka
