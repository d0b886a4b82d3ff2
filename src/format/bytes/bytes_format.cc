#include "format/bytes/bytes_format.h"

#include "format/envelope/envelope.h"

namespace tributary {
namespace {

class BytesWriter final : public RecordWriter {
 public:
  BytesWriter(OutputStream* out, const FormatOptions& options)
      : out_(out),
        envelope_(options.envelope),
        separator_(options.bytes_separator),
        envelopes_(options.key_encoding, options.value_encoding) {}

  Status Write(const Record& record) override {
    if (envelope_) {
      buffer_.clear();
      RETURN_IF_ERROR(envelopes_.Append(record, &buffer_));
      buffer_.append(separator_);
      return out_->Append(buffer_);
    }
    // Two appends instead of a copy: values can be large, separators are short.
    if (record.value && !record.value->empty()) RETURN_IF_ERROR(out_->Append(*record.value));
    return separator_.empty() ? Status::OK() : out_->Append(separator_);
  }

  Status Close() override { return Status::OK(); }

 private:
  OutputStream* out_;
  const bool envelope_;
  const std::string separator_;
  EnvelopeEncoder envelopes_;
  std::string buffer_;
};

class BytesFormat final : public Format {
 public:
  explicit BytesFormat(FormatOptions options) : options_(std::move(options)) {}
  std::string Extension() const override { return options_.bytes_extension; }
  std::unique_ptr<RecordWriter> NewWriter(OutputStream* out) const override {
    return std::make_unique<BytesWriter>(out, options_);
  }

 private:
  FormatOptions options_;
};

}  // namespace

std::unique_ptr<Format> MakeBytesFormat(const FormatOptions& options) {
  return std::make_unique<BytesFormat>(options);
}

}  // namespace tributary
