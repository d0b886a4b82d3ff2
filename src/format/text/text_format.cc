#include "format/text/text_format.h"

#include <re2/re2.h>

#include "format/envelope/envelope.h"

namespace tributary {
namespace {

class TextWriter final : public RecordWriter {
 public:
  TextWriter(OutputStream* out, const FormatOptions& options, std::shared_ptr<const RE2> filter)
      : out_(out),
        envelope_(options.envelope),
        on_filtered_(options.on_filtered),
        filter_(std::move(filter)),
        envelopes_(options.key_encoding, options.value_encoding) {}

  Status Write(const Record& record) override {
    std::string_view value = record.value.value_or(std::string_view());
    if (filter_ != nullptr && !RE2::PartialMatch(value, *filter_)) {
      ++filtered_;
      if (on_filtered_) on_filtered_(record);
      return Status::OK();
    }
    line_.clear();
    if (envelope_) {
      RETURN_IF_ERROR(envelopes_.Append(record, &line_));
    } else {
      for (char c : value) {
        switch (c) {
          case '\\':
            line_.append("\\\\");
            break;
          case '\n':
            line_.append("\\n");
            break;
          case '\r':
            line_.append("\\r");
            break;
          default:
            line_.push_back(c);
        }
      }
    }
    line_.push_back('\n');
    return out_->Append(line_);
  }

  Status Close() override { return Status::OK(); }
  uint64_t filtered() const override { return filtered_; }

 private:
  OutputStream* out_;
  const bool envelope_;
  const std::function<void(const Record&)> on_filtered_;
  // Shared by every writer of the format (RE2 matching is thread-safe); null: no filter.
  const std::shared_ptr<const RE2> filter_;
  EnvelopeEncoder envelopes_;
  std::string line_;
  uint64_t filtered_ = 0;
};

class TextFormat final : public Format {
 public:
  TextFormat(FormatOptions options, std::shared_ptr<const RE2> filter)
      : options_(std::move(options)), filter_(std::move(filter)) {}
  std::string Extension() const override { return ".txt"; }
  std::unique_ptr<RecordWriter> NewWriter(OutputStream* out) const override {
    return std::make_unique<TextWriter>(out, options_, filter_);
  }

 private:
  FormatOptions options_;
  std::shared_ptr<const RE2> filter_;
};

}  // namespace

Result<std::unique_ptr<Format>> MakeTextFormat(const FormatOptions& options) {
  std::shared_ptr<const RE2> filter;
  if (!options.text_filter_regex.empty()) {
    RE2::Options re_options;
    re_options.set_log_errors(false);
    auto re = std::make_shared<RE2>(options.text_filter_regex, re_options);
    if (!re->ok()) {
      return InvalidArgument("text filter regex: '{}' is not a valid RE2 pattern: {}",
                             options.text_filter_regex, re->error());
    }
    filter = std::move(re);
  }
  return std::unique_ptr<Format>(std::make_unique<TextFormat>(options, std::move(filter)));
}

}  // namespace tributary
