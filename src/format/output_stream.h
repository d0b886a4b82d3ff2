// OutputStream: where a RecordWriter puts encoded bytes.
//
// Today the sink collects a file in memory (StringOutputStream) and uploads it whole;
// streaming multipart uploads implement the same interface, so writers never change.
//
// Thread safety: one writer thread per stream.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace tributary {

class OutputStream {
 public:
  virtual ~OutputStream() = default;
  virtual Status Append(std::string_view bytes) = 0;
  // Bytes appended so far.
  virtual uint64_t Size() const = 0;
};

class StringOutputStream final : public OutputStream {
 public:
  Status Append(std::string_view bytes) override {
    buffer_.append(bytes);
    return Status::OK();
  }
  uint64_t Size() const override { return buffer_.size(); }
  const std::string& buffer() const { return buffer_; }
  std::string Release() { return std::move(buffer_); }

 private:
  std::string buffer_;
};

}  // namespace tributary
