#include "format/jsonl/json_format.h"

#include <simdjson.h>

namespace tributary {
namespace {

class JsonWriter final : public RecordWriter {
 public:
  JsonWriter(OutputStream* out, ValueEncoding encoding) : out_(out), encoding_(encoding) {}

  Status Write(const Record& record) override {
    if (!record.value) return Internal("{}: null value reached the JSON writer", record.Where());
    std::string_view value = *record.value;
    line_.clear();
    switch (encoding_) {
      case ValueEncoding::kJson: {
        // Validate: one bad value would make the whole object unreadable to lake engines.
        simdjson::dom::element doc;
        if (auto err = parser_.parse(value.data(), value.size()).get(doc); err) {
          return InvalidArgument("{}: value is not valid JSON ({}); with "
                                 "value.converter=JsonConverter every value must be JSON",
                                 record.Where(), simdjson::error_message(err));
        }
        if (value.find_first_of("\r\n") == std::string_view::npos) {
          line_.append(value);
        } else {
          line_ = simdjson::minify(doc);
        }
        break;
      }
      case ValueEncoding::kString:
        AppendJsonString(value, &line_);
        break;
      case ValueEncoding::kBytes:
        line_ += '"';
        AppendBase64(value, &line_);
        line_ += '"';
        break;
    }
    line_ += '\n';
    return out_->Append(line_);
  }

  Status Close() override { return Status::OK(); }

 private:
  OutputStream* out_;
  ValueEncoding encoding_;
  simdjson::dom::parser parser_;
  std::string line_;  // reused across records
};

class JsonFormat final : public Format {
 public:
  explicit JsonFormat(ValueEncoding encoding) : encoding_(encoding) {}
  std::string Extension() const override { return ".json"; }
  std::unique_ptr<RecordWriter> NewWriter(OutputStream* out) const override {
    return std::make_unique<JsonWriter>(out, encoding_);
  }

 private:
  ValueEncoding encoding_;
};

}  // namespace

std::unique_ptr<Format> MakeJsonFormat(ValueEncoding encoding) {
  return std::make_unique<JsonFormat>(encoding);
}

void AppendJsonString(std::string_view s, std::string* out) {
  static const char* kHex = "0123456789abcdef";
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendBase64(std::string_view s, std::string* out) {
  static const char* kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[k])); };
  for (; i + 3 <= s.size(); i += 3) {
    uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int shift : {18, 12, 6, 0}) out->push_back(kAlphabet[(v >> shift) & 63]);
  }
  if (size_t rest = s.size() - i; rest > 0) {
    uint32_t v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    out->push_back(kAlphabet[(v >> 18) & 63]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out->push_back('=');
  }
}

}  // namespace tributary
