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
  // Writes whatever trailer this stream owns (a compression frame's end) and flushes it
  // to the stream below. A stream that has no trailer does nothing. Called once, after
  // the RecordWriter's Close(); Append() after Close() is an error for streams with a
  // trailer. Close() never finishes the object upload below: its owner does that.
  virtual Status Close() { return Status::OK(); }
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
