#include "source/row_readers.h"

#include <charconv>

#include "common/base64.h"
#include "sink/time_format.h"
#include "source/byte_stream.h"
#include "source/json_scan.h"

namespace tributary {
namespace {

// Decodes a key or value JSON literal written with `encoding`.
Result<std::optional<std::string>> DecodePart(std::string_view lit, ValueEncoding encoding,
                                              std::string_view part) {
  if (IsJsonNull(lit)) return std::optional<std::string>();
  switch (encoding) {
    case ValueEncoding::kJson:
      return std::optional<std::string>(std::string(lit));
    case ValueEncoding::kString: {
      auto s = DecodeJsonString(lit);
      if (!s.ok()) return InvalidArgument("{}: {}", part, s.status().message());
      return std::optional<std::string>(std::move(*s));
    }
    case ValueEncoding::kBytes: {
      auto s = DecodeJsonString(lit);
      if (!s.ok()) return InvalidArgument("{}: {}", part, s.status().message());
      auto raw = Base64Decode(*s);
      if (!raw) return InvalidArgument("{}: not base64 (ByteArrayConverter writes base64)", part);
      return std::optional<std::string>(std::move(*raw));
    }
  }
  return Internal("unknown encoding");
}

}  // namespace

Status DecodeEnvelopeMetadata(std::string_view metadata, ReadRecord* out) {
  ASSIGN_OR_RETURN(auto meta, JsonObjectMembers(metadata));
  for (const auto& [name, lit] : meta) {
    if (name == "topic") {
      ASSIGN_OR_RETURN(out->topic, DecodeJsonString(lit));
      out->has_topic = true;
    } else if (name == "partition") {
      ASSIGN_OR_RETURN(int64_t p, DecodeJsonInt(lit));
      out->partition = static_cast<int32_t>(p);
      out->has_partition = true;
    } else if (name == "offset") {
      ASSIGN_OR_RETURN(out->offset, DecodeJsonInt(lit));
      out->has_offset = true;
    } else if (name == "timestamp" && !IsJsonNull(lit)) {
      ASSIGN_OR_RETURN(out->timestamp_ms, DecodeJsonInt(lit));
      out->has_timestamp = true;
    }
  }
  return Status::OK();
}

namespace {

// True when `members` have the envelope's shape.
bool IsEnvelope(const std::vector<std::pair<std::string, std::string_view>>& m) {
  return m.size() == 4 && m[0].first == "key" && m[1].first == "value" && m[2].first == "headers" &&
         m[3].first == "metadata" && m[3].second.starts_with("{") && m[2].second.starts_with("{");
}

Status DecodeEnvelope(const std::vector<std::pair<std::string, std::string_view>>& m,
                      ValueEncoding key_encoding, ValueEncoding value_encoding, ReadRecord* out) {
  ASSIGN_OR_RETURN(out->key, DecodePart(m[0].second, key_encoding, "key"));
  out->has_key = true;
  ASSIGN_OR_RETURN(out->value, DecodePart(m[1].second, value_encoding, "value"));
  ASSIGN_OR_RETURN(auto headers, JsonObjectMembers(m[2].second));
  for (auto& [name, lit] : headers) {
    if (IsJsonNull(lit)) {
      out->headers.emplace_back(std::move(name), std::nullopt);
    } else {
      ASSIGN_OR_RETURN(std::string v, DecodeJsonString(lit));
      out->headers.emplace_back(std::move(name), std::move(v));
    }
  }
  out->has_headers = true;
  RETURN_IF_ERROR(DecodeEnvelopeMetadata(m[3].second, out));
  if (!out->has_offset) return InvalidArgument("envelope metadata has no offset");
  return Status::OK();
}

// Aiven's record object (format.output.fields for json/jsonl): key, value, offset,
// timestamp (ISO_INSTANT), headers as [{"key":..,"value":..}].
Status DecodeAivenRecord(std::string_view text, const FormatOptions& o, ReadRecord* out) {
  if (!o.json_fields_envelope) {
    // One bare field: only a value is worth restoring.
    ASSIGN_OR_RETURN(out->value, DecodePart(text, o.value_encoding, "value"));
    return Status::OK();
  }
  ASSIGN_OR_RETURN(auto members, JsonObjectMembers(text));
  for (const auto& [name, lit] : members) {
    if (name == "key") {
      ASSIGN_OR_RETURN(out->key, DecodePart(lit, o.key_encoding, "key"));
      out->has_key = true;
    } else if (name == "value") {
      ASSIGN_OR_RETURN(out->value, DecodePart(lit, o.value_encoding, "value"));
    } else if (name == "offset") {
      ASSIGN_OR_RETURN(out->offset, DecodeJsonInt(lit));
      out->has_offset = true;
    } else if (name == "timestamp" && !IsJsonNull(lit)) {
      ASSIGN_OR_RETURN(std::string iso, DecodeJsonString(lit));
      ASSIGN_OR_RETURN(out->timestamp_ms, ParseIsoInstant(iso));
      out->has_timestamp = true;
    } else if (name == "headers") {
      ASSIGN_OR_RETURN(auto list, JsonArrayElements(lit));
      for (auto h : list) {
        ASSIGN_OR_RETURN(auto hm, JsonObjectMembers(h));
        std::string hname;
        std::optional<std::string> hvalue;
        for (const auto& [n, v] : hm) {
          if (n == "key") {
            ASSIGN_OR_RETURN(hname, DecodeJsonString(v));
          } else if (n == "value" && !IsJsonNull(v)) {
            ASSIGN_OR_RETURN(hvalue, DecodeJsonString(v));
          }
        }
        out->headers.emplace_back(std::move(hname), std::move(hvalue));
      }
      out->has_headers = true;
    }
  }
  return Status::OK();
}

// Splits an object into records and decodes each; the subclasses say how.
class SplitReader : public RecordReader {
 public:
  SplitReader(const FormatOptions& options, std::string name, std::string bytes)
      : options_(options), name_(std::move(name)), bytes_(std::move(bytes)) {}
  // Streaming: bytes come from `stream` as the records need them.
  void SetStream(std::unique_ptr<ByteStream> stream) {
    stream_ = std::move(stream);
    eof_ = stream_ == nullptr;
  }

  Result<bool> Next(ReadRecord* out) final {
    *out = ReadRecord();
    while (true) {
      std::optional<std::string_view> piece;
      auto next = NextPiece();
      if (!next.ok()) return Fail(next.status());
      piece = *next;
      if (!piece) return false;
      Status st = Decode(*piece, out);
      if (!st.ok()) return Fail(st);
      ++index_;
      return true;
    }
  }

 protected:
  // The next record's text, nullopt at the end.
  virtual Result<std::optional<std::string_view>> NextPiece() = 0;
  // Decodes one record's text (after the format's own unescaping).
  virtual Status Decode(std::string_view piece, ReadRecord* out) = 0;

  // Decodes `text` as an envelope, Aiven record or bare value, deciding the mode on the
  // object's first record.
  Status DecodeJsonish(std::string_view text, bool value_is_json_text, ReadRecord* out) {
    if (!options_.json_fields.empty()) return DecodeAivenRecord(text, options_, out);
    if (!mode_decided_) {
      mode_decided_ = true;
      envelope_ = false;
      if (text.starts_with("{\"key\":")) {
        auto m = JsonObjectMembers(text);
        envelope_ = m.ok() && IsEnvelope(*m);
      }
    }
    if (envelope_) {
      ASSIGN_OR_RETURN(auto m, JsonObjectMembers(text));
      if (!IsEnvelope(m)) {
        return InvalidArgument(
            "not an envelope, while the object's first record is one (objects mix envelopes "
            "and bare values)");
      }
      return DecodeEnvelope(m, options_.key_encoding, options_.value_encoding, out);
    }
    if (value_is_json_text) {
      ASSIGN_OR_RETURN(out->value, DecodePart(text, options_.value_encoding, "value"));
    } else {
      out->value = std::string(text);
    }
    return Status::OK();
  }

  // Drops the bytes before pos_ and appends the stream's next piece; false at its end
  // (or without a stream). Views into bytes_ are invalid afterwards.
  Result<bool> Fill() {
    if (eof_) return false;
    bytes_.erase(0, pos_);
    pos_ = 0;
    ASSIGN_OR_RETURN(bool more, stream_->Read(&bytes_));
    if (!more) {
      eof_ = true;
      stream_.reset();
    }
    return more;
  }

  Status Fail(const Status& st) {
    return Status(st.code() == StatusCode::kOk ? StatusCode::kInvalidArgument : st.code(),
                  fmt::format("{}: record {}: {}", name_, index_, st.message()));
  }

  FormatOptions options_;
  std::string name_;
  std::string bytes_;
  std::unique_ptr<ByteStream> stream_;
  bool eof_ = true;
  size_t pos_ = 0;
  int64_t index_ = 0;
  bool mode_decided_ = false;
  bool envelope_ = false;
};

// Records separated or terminated by `sep`; a final empty piece is not a record.
class SeparatedReader : public SplitReader {
 public:
  SeparatedReader(const FormatOptions& options, std::string name, std::string bytes,
                  std::string sep)
      : SplitReader(options, std::move(name), std::move(bytes)), sep_(std::move(sep)) {}

 protected:
  Result<std::optional<std::string_view>> NextPiece() override {
    size_t end = bytes_.find(sep_, pos_);
    while (end == std::string::npos) {
      const size_t searched = bytes_.size() - pos_;
      ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) break;
      // Only the new bytes (and a separator straddling the boundary) are searched again.
      end = bytes_.find(sep_, searched >= sep_.size() ? searched - sep_.size() + 1 : 0);
    }
    std::string_view all(bytes_);
    if (pos_ >= all.size()) return std::optional<std::string_view>();
    std::string_view piece;
    if (end == std::string_view::npos) {
      piece = all.substr(pos_);
      pos_ = all.size();
    } else {
      piece = all.substr(pos_, end - pos_);
      pos_ = end + sep_.size();
    }
    return std::optional<std::string_view>(piece);
  }
  std::string sep_;
};

class JsonLinesReader final : public SeparatedReader {
 public:
  JsonLinesReader(const FormatOptions& o, std::string name, std::string bytes)
      : SeparatedReader(o, std::move(name), std::move(bytes), "\n") {}

 private:
  Status Decode(std::string_view piece, ReadRecord* out) override {
    if (piece.ends_with('\r')) piece.remove_suffix(1);
    return DecodeJsonish(piece, true, out);
  }
};

class BytesReader final : public SeparatedReader {
 public:
  using SeparatedReader::SeparatedReader;

 private:
  Status Decode(std::string_view piece, ReadRecord* out) override {
    if (options_.envelope || (!mode_decided_ && piece.starts_with("{\"key\":"))) {
      return DecodeJsonish(piece, true, out);
    }
    mode_decided_ = true;
    out->value = std::string(piece);
    return Status::OK();
  }
};

class TextReader final : public SeparatedReader {
 public:
  TextReader(const FormatOptions& o, std::string name, std::string bytes)
      : SeparatedReader(o, std::move(name), std::move(bytes), "\n") {}

 private:
  Status Decode(std::string_view piece, ReadRecord* out) override {
    std::string plain;
    plain.reserve(piece.size());
    for (size_t i = 0; i < piece.size(); ++i) {
      if (piece[i] != '\\' || i + 1 == piece.size()) {
        plain.push_back(piece[i]);
        continue;
      }
      char e = piece[++i];
      plain.push_back(e == 'n' ? '\n' : e == 'r' ? '\r' : e);
    }
    if (plain.starts_with("{\"key\":") || (mode_decided_ && envelope_)) {
      return DecodeJsonish(plain, true, out);
    }
    mode_decided_ = true;
    out->value = std::move(plain);
    return Status::OK();
  }
};

class JsonArrayReader final : public SplitReader {
 public:
  JsonArrayReader(const FormatOptions& o, std::string name, std::string bytes)
      : SplitReader(o, std::move(name), std::move(bytes)) {}

 private:
  Result<std::optional<std::string_view>> NextPiece() override {
    if (!parsed_) {
      parsed_ = true;
      // A JSON array is parsed whole: the object is read to its end first.
      while (true) {
        ASSIGN_OR_RETURN(bool more, Fill());
        if (!more) break;
      }
      ASSIGN_OR_RETURN(elements_, JsonArrayElements(bytes_));
    }
    if (next_ >= elements_.size()) return std::optional<std::string_view>();
    return std::optional<std::string_view>(elements_[next_++]);
  }
  Status Decode(std::string_view piece, ReadRecord* out) override {
    return DecodeJsonish(piece, true, out);
  }
  bool parsed_ = false;
  std::vector<std::string_view> elements_;
  size_t next_ = 0;
};

// CSV: RFC 4180 (quoted fields, "" inside quotes) or Aiven's unquoted dialect.
class CsvReader final : public SplitReader {
 public:
  CsvReader(const FormatOptions& o, std::string name, std::string bytes)
      : SplitReader(o, std::move(name), std::move(bytes)) {}

 private:
  // Reads one row into fields_; returns a dummy view (the row is in fields_).
  Result<std::optional<std::string_view>> NextPiece() override {
    while (true) {
      if (pos_ >= bytes_.size()) {
        ASSIGN_OR_RETURN(bool more, Fill());
        if (!more) return std::optional<std::string_view>();
      }
      std::string_view all(bytes_);
      fields_.clear();
      const size_t row_start = pos_;
      if (options_.csv_dialect == CsvDialect::kAiven) {
        size_t end = all.find('\n', pos_);
        if (end == std::string_view::npos && !eof_) {  // the row goes on in the next piece
          ASSIGN_OR_RETURN(bool more, Fill());
          (void)more;
          continue;
        }
        std::string_view row = all.substr(pos_, end == std::string_view::npos ? end : end - pos_);
        pos_ = end == std::string_view::npos ? all.size() : end + 1;
        size_t start = 0;
        while (true) {
          size_t comma = row.find(',', start);
          fields_.emplace_back(
              row.substr(start, comma == std::string_view::npos ? comma : comma - start));
          if (comma == std::string_view::npos) break;
          start = comma + 1;
        }
      } else {
        std::string field;
        bool quoted = false;
        bool ended = false;
        while (pos_ < all.size()) {
          char c = all[pos_];
          if (quoted) {
            if (c == '"') {
              if (pos_ + 1 < all.size() && all[pos_ + 1] == '"') {
                field.push_back('"');
                pos_ += 2;
                continue;
              }
              quoted = false;
              ++pos_;
              continue;
            }
            field.push_back(c);
            ++pos_;
            continue;
          }
          if (c == '"') {
            quoted = true;
            ++pos_;
          } else if (c == ',') {
            fields_.push_back(std::move(field));
            field.clear();
            ++pos_;
          } else if (c == '\n' || c == '\r') {
            if (c == '\r' && pos_ + 1 == all.size() && !eof_) break;  // a "\r\n" may straddle
            pos_ += (c == '\r' && pos_ + 1 < all.size() && all[pos_ + 1] == '\n') ? 2 : 1;
            ended = true;
            break;
          } else {
            field.push_back(c);
            ++pos_;
          }
        }
        if (!ended && !eof_) {
          // The row goes on in the next piece: read it and parse the row again.
          pos_ = row_start;
          ASSIGN_OR_RETURN(bool more, Fill());
          (void)more;
          continue;
        }
        if (quoted) return InvalidArgument("unterminated quoted field");
        fields_.push_back(std::move(field));
        if (options_.csv_header && !header_skipped_) {
          header_skipped_ = true;
          continue;
        }
      }
      return std::optional<std::string_view>(std::string_view());
    }
  }

  Status Decode(std::string_view, ReadRecord* out) override {
    if (options_.envelope) {
      if (fields_.size() != 1) return InvalidArgument("expected one envelope field");
      return DecodeJsonish(fields_[0], true, out);
    }
    const auto& names = options_.csv_fields;
    if (fields_.size() != names.size()) {
      return InvalidArgument("expected {} fields, found {}", names.size(), fields_.size());
    }
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string& f = fields_[i];
      const OutputField name = names[i];
      if (name == OutputField::kKey) {
        out->has_key = true;
        if (!f.empty()) {
          ASSIGN_OR_RETURN(out->key, Field(f, options_.csv_key_encoding, "key"));
        }
      } else if (name == OutputField::kValue) {
        ASSIGN_OR_RETURN(out->value, Field(f, options_.csv_value_encoding, "value"));
      } else if (name == OutputField::kOffset) {
        ASSIGN_OR_RETURN(out->offset, DecodeJsonInt(f));
        out->has_offset = true;
      } else if (name == OutputField::kTimestamp) {
        if (!f.empty()) {
          ASSIGN_OR_RETURN(out->timestamp_ms, DecodeJsonInt(f));
          out->has_timestamp = true;
        }
      } else {
        RETURN_IF_ERROR(Headers(f, out));
        out->has_headers = true;
      }
    }
    return Status::OK();
  }

  static Result<std::optional<std::string>> Field(const std::string& f, FieldEncoding enc,
                                                  std::string_view part) {
    if (enc == FieldEncoding::kNone) return std::optional<std::string>(f);
    auto raw = Base64Decode(f);
    if (!raw) return InvalidArgument("{} field is not base64", part);
    return std::optional<std::string>(std::move(*raw));
  }

  Status Headers(std::string_view f, ReadRecord* out) {
    if (options_.csv_dialect != CsvDialect::kAiven) {
      if (f.empty()) return Status::OK();
      ASSIGN_OR_RETURN(auto m, JsonObjectMembers(f));
      for (auto& [n, lit] : m) {
        if (IsJsonNull(lit)) {
          out->headers.emplace_back(std::move(n), std::nullopt);
        } else {
          ASSIGN_OR_RETURN(std::string v, DecodeJsonString(lit));
          out->headers.emplace_back(std::move(n), std::move(v));
        }
      }
      return Status::OK();
    }
    // "b64(name):b64(value);" per header, an empty value for null.
    size_t start = 0;
    while (start < f.size()) {
      size_t semi = f.find(';', start);
      if (semi == std::string_view::npos) semi = f.size();
      std::string_view h = f.substr(start, semi - start);
      size_t colon = h.find(':');
      if (colon == std::string_view::npos) return InvalidArgument("bad headers field");
      auto name = Base64Decode(h.substr(0, colon));
      if (!name) return InvalidArgument("header name is not base64");
      std::optional<std::string> value;
      if (colon + 1 < h.size()) {
        value = Base64Decode(h.substr(colon + 1));
        if (!value) return InvalidArgument("header value is not base64");
      }
      out->headers.emplace_back(std::move(*name), std::move(value));
      start = semi + 1;
    }
    return Status::OK();
  }

  std::vector<std::string> fields_;
  bool header_skipped_ = false;
};

}  // namespace

namespace {

Result<std::unique_ptr<SplitReader>> MakeSplitReader(const FormatOptions& o, std::string name,
                                                     std::string bytes) {
  switch (o.kind) {
    case FormatKind::kJson:
      return std::unique_ptr<SplitReader>(
          new JsonLinesReader(o, std::move(name), std::move(bytes)));
    case FormatKind::kJsonArray:
      return std::unique_ptr<SplitReader>(
          new JsonArrayReader(o, std::move(name), std::move(bytes)));
    case FormatKind::kCsv:
      return std::unique_ptr<SplitReader>(new CsvReader(o, std::move(name), std::move(bytes)));
    case FormatKind::kText:
      return std::unique_ptr<SplitReader>(new TextReader(o, std::move(name), std::move(bytes)));
    case FormatKind::kBytes:
      if (o.bytes_separator.empty()) {
        return InvalidArgument(
            "format.bytearray.separator is empty: values written back to back cannot be "
            "split into records again");
      }
      return std::unique_ptr<SplitReader>(
          new BytesReader(o, std::move(name), std::move(bytes), o.bytes_separator));
    case FormatKind::kAvro:
    case FormatKind::kParquet:
      break;
  }
  return InvalidArgument("{}: not a row format", name);
}

}  // namespace

Result<std::unique_ptr<RecordReader>> MakeRowReader(const FormatOptions& o, std::string name,
                                                    std::string bytes) {
  ASSIGN_OR_RETURN(auto reader, MakeSplitReader(o, std::move(name), std::move(bytes)));
  return std::unique_ptr<RecordReader>(std::move(reader));
}

Result<std::unique_ptr<RecordReader>> MakeRowReader(const FormatOptions& o, std::string name,
                                                    std::unique_ptr<ByteStream> stream) {
  ASSIGN_OR_RETURN(auto reader, MakeSplitReader(o, std::move(name), std::string()));
  reader->SetStream(std::move(stream));
  return std::unique_ptr<RecordReader>(std::move(reader));
}

}  // namespace tributary
