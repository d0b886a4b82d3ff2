#include "format/csv/csv_format.h"

#include <fmt/format.h>

#include "format/envelope/envelope.h"
#include "format/jsonl/json_format.h"

namespace tributary {
namespace {

class CsvWriter final : public RecordWriter {
 public:
  CsvWriter(OutputStream* out, const FormatOptions& options)
      : out_(out),
        options_(options),
        aiven_(options.csv_dialect == CsvDialect::kAiven),
        envelopes_(options.key_encoding, options.value_encoding) {}

  Status Write(const Record& record) override {
    if (closed_) return Internal("{}: write after the CSV writer was closed", record.Where());
    row_.clear();
    // Aiven separates records ("\n" before every record but the first); RFC 4180
    // terminates them.
    if (aiven_ && written_ > 0) row_.push_back('\n');
    if (options_.envelope) {
      // Encode first: a record that fails must leave no trace, header row included.
      scratch_.clear();
      RETURN_IF_ERROR(envelopes_.Append(record, &scratch_));
      AppendHeaderRowOnce();
      AppendText(scratch_);
    } else {
      AppendHeaderRowOnce();
      bool first = true;
      for (OutputField field : options_.csv_fields) {
        if (!first) row_.push_back(',');
        first = false;
        AppendField(record, field);
      }
    }
    if (!aiven_) row_.append(options_.csv_line_terminator);
    RETURN_IF_ERROR(out_->Append(row_));
    ++written_;
    return Status::OK();
  }

  Status Close() override {
    if (closed_) return Status::OK();
    closed_ = true;
    row_.clear();
    AppendHeaderRowOnce();
    return row_.empty() ? Status::OK() : out_->Append(row_);
  }

 private:
  void AppendHeaderRowOnce() {
    if (!options_.csv_header || header_written_) return;
    header_written_ = true;
    if (options_.envelope) {
      row_.append("envelope");
    } else {
      bool first = true;
      for (OutputField field : options_.csv_fields) {
        if (!first) row_.push_back(',');
        first = false;
        row_.append(OutputFieldName(field));
      }
    }
    row_.append(options_.csv_line_terminator);
  }

  // A field that may need quoting: quoted per RFC 4180, or as it is in Aiven's dialect.
  void AppendText(std::string_view text) {
    if (aiven_) {
      row_.append(text);
    } else {
      AppendCsvField(text, &row_);
    }
  }

  void AppendBytes(std::optional<std::string_view> bytes, FieldEncoding encoding) {
    if (!bytes) return;  // null: empty field
    if (encoding == FieldEncoding::kBase64) {
      AppendBase64(*bytes, &row_);  // the base64 alphabet never needs quoting
    } else {
      AppendText(*bytes);
    }
  }

  // Aiven: "base64(name):base64(value);" per header, a null value as empty.
  void AppendAivenHeaders(const Record& record) {
    for (const RecordHeader& h : record.headers) {
      AppendBase64(h.name, &row_);
      row_.push_back(':');
      if (h.value) AppendBase64(*h.value, &row_);
      row_.push_back(';');
    }
  }

  void AppendField(const Record& record, OutputField field) {
    switch (field) {
      case OutputField::kKey:
        AppendBytes(record.key, options_.csv_key_encoding);
        break;
      case OutputField::kValue:
        AppendBytes(record.value, options_.csv_value_encoding);
        break;
      case OutputField::kOffset:
        fmt::format_to(std::back_inserter(row_), "{}", record.offset.value());
        break;
      case OutputField::kTimestamp:
        if (record.timestamp_ms >= 0) {
          fmt::format_to(std::back_inserter(row_), "{}", record.timestamp_ms);
        }
        break;
      case OutputField::kHeaders:
        if (aiven_) {
          AppendAivenHeaders(record);
          break;
        }
        scratch_.clear();
        AppendHeadersJson(record, &scratch_);
        AppendCsvField(scratch_, &row_);
        break;
    }
  }

  OutputStream* out_;
  const FormatOptions options_;
  const bool aiven_;
  EnvelopeEncoder envelopes_;
  std::string row_;      // reused across records
  std::string scratch_;  // a JSON field before quoting
  uint64_t written_ = 0;
  bool header_written_ = false;
  bool closed_ = false;
};

class CsvFormat final : public Format {
 public:
  explicit CsvFormat(FormatOptions options) : options_(std::move(options)) {}
  std::string Extension() const override { return ".csv"; }
  std::unique_ptr<RecordWriter> NewWriter(OutputStream* out) const override {
    return std::make_unique<CsvWriter>(out, options_);
  }

 private:
  FormatOptions options_;
};

}  // namespace

std::unique_ptr<Format> MakeCsvFormat(const FormatOptions& options) {
  return std::make_unique<CsvFormat>(options);
}

void AppendCsvField(std::string_view field, std::string* out) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace tributary
