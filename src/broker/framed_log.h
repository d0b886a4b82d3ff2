// The framed record both the WAL and the metadata log use (docs/broker-storage.md):
//   u32 len | u32 crc32c(type + payload) | u8 type | payload      (big-endian)
// A reader stops at the first short, empty or mismatching record: the torn tail of a
// write that was never acknowledged.
//
// Thread safety: reentrant functions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tributary::broker {

// Appends one framed record to `out`.
void AppendFramed(uint8_t type, std::string_view payload, std::string* out);

// Reads every intact record of the file at `path` in order, calling `fn(type, payload)`;
// a non-OK status from `fn` stops the read and is returned. If the file ends in a torn
// or corrupt record, the file is truncated to the last intact record (so the next
// append starts cleanly) and *truncated_bytes says how much was dropped.
Status ReadFramedFile(const std::string& path,
                      const std::function<Status(uint8_t, std::string_view)>& fn,
                      uint64_t* truncated_bytes);

// Writes all of `data` to `fd`, retrying short writes. IOError naming `what`.
Status WriteAll(int fd, std::string_view data, const std::string& what);
// fsyncs the directory `dir` so a created, renamed or deleted name is durable.
Status SyncDir(const std::string& dir);

// Small readers/writers of the big-endian payload fields.
class PayloadWriter {
 public:
  PayloadWriter& U8(uint8_t v);
  PayloadWriter& I16(int16_t v);
  PayloadWriter& I32(int32_t v);
  PayloadWriter& I64(int64_t v);
  PayloadWriter& Str(std::string_view s);  // u16 length + bytes
  PayloadWriter& Raw(std::string_view s);
  std::string& data() { return data_; }

 private:
  std::string data_;
};

class PayloadReader {
 public:
  explicit PayloadReader(std::string_view data) : data_(data) {}
  bool U8(uint8_t* v);
  bool I16(int16_t* v);
  bool I32(int32_t* v);
  bool I64(int64_t* v);
  bool Str(std::string* s);
  bool Raw(size_t n, std::string_view* s);
  std::string_view Rest() const { return data_.substr(pos_); }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace tributary::broker
