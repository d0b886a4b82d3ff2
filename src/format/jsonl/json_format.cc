#include "format/jsonl/json_format.h"

#include <simdjson.h>

#include "format/envelope/envelope.h"
#include "format/reader/columnar_json.h"
#include "format/schema_record_writer.h"
#include "schema/avro_schema.h"
#include "schema/schema_datum.h"

namespace tributary {
namespace {

class JsonWriter final : public RecordWriter {
 public:
  JsonWriter(OutputStream* out, const FormatOptions& options)
      : out_(out),
        array_(options.kind == FormatKind::kJsonArray),
        envelope_(options.envelope),
        encoding_(options.value_encoding),
        key_encoding_(options.key_encoding),
        fields_(options.json_fields),
        fields_envelope_(options.json_fields_envelope),
        envelopes_(options.key_encoding, options.value_encoding),
        schema_envelope_(options.json_schema_envelope),
        registry_(options.registry ? std::make_unique<RegistryConverter>(options.registry)
                                   : nullptr) {}

  Status Write(const Record& record) override {
    if (closed_) return Internal("{}: write after the JSON writer was closed", record.Where());
    line_.clear();
    if (array_) {
      line_.append(written_ == 0 ? "[\n" : ",\n");
    } else if (!fields_.empty() && written_ > 0) {
      line_ += '\n';  // Aiven's jsonl separates records: no newline after the last
    }
    if (!fields_.empty()) {
      RETURN_IF_ERROR(AppendAivenRecord(record, fields_, fields_envelope_, key_encoding_, encoding_,
                                        &values_, &line_));
    } else if (envelope_) {
      RETURN_IF_ERROR(envelopes_.Append(record, &line_));
    } else {
      if (!record.value) {
        return Internal("{}: null value reached the JSON writer", record.Where());
      }
      bool unwrapped = false;
      if (record.value_datum) {  // a transform chain decoded and changed it
        reader::AppendValueJson(*record.value_datum->schema, record.value_datum->value, &line_);
        unwrapped = true;
      } else if (registry_) {  // Schema Registry values: decoded, written as their JSON
        RegistryConverter::Decoded decoded;
        Status st =
            registry_->Decode(*record.value, ValueSchemaIdHeader(record), &decoded, &value_);
        if (!st.ok()) {
          return Status(st.code(), fmt::format("{}: JsonFormat: {}", record.Where(), st.message()));
        }
        reader::AppendValueJson(*decoded.schema, value_, &line_);
        unwrapped = true;
      } else if (schema_envelope_ != JsonSchemaEnvelope::kNone &&
                 encoding_ == ValueEncoding::kJson) {
        ASSIGN_OR_RETURN(unwrapped, AppendPayload(record));
      }
      if (!unwrapped) {
        RETURN_IF_ERROR(values_.Append(record, "value", *record.value, encoding_, &line_));
      }
    }
    if (!array_ && fields_.empty()) line_ += '\n';
    RETURN_IF_ERROR(out_->Append(line_));
    ++written_;
    return Status::OK();
  }

  // JsonConverter's schemas.enable: appends the payload of a {"schema", "payload"}
  // value and returns true; false when the value is to be written as it is (kDetect and
  // not an envelope).
  Result<bool> AppendPayload(const Record& record) {
    const std::string_view v = *record.value;
    if (schema_envelope_ == JsonSchemaEnvelope::kDetect &&
        v.find("\"payload\"") == std::string_view::npos) {
      return false;  // cheap: most values are not envelopes
    }
    simdjson::dom::element doc;
    if (auto err = envelope_parser_.parse(v.data(), v.size()).get(doc); err) {
      return InvalidArgument(
          "{}: value is not valid JSON ({}); with "
          "value.converter=JsonConverter every value must be JSON",
          record.Where(), simdjson::error_message(err));
    }
    simdjson::dom::object obj;
    simdjson::dom::element payload;
    const bool is_envelope = doc.get_object().get(obj) == simdjson::SUCCESS && obj.size() == 2 &&
                             obj["schema"].error() == simdjson::SUCCESS &&
                             obj["payload"].get(payload) == simdjson::SUCCESS;
    if (!is_envelope) {
      if (schema_envelope_ == JsonSchemaEnvelope::kDetect) return false;
      return InvalidArgument(
          "{}: value.converter.schemas.enable=true but the value is not a "
          "{{\"schema\": ..., \"payload\": ...}} object; set "
          "value.converter.schemas.enable=false for plain JSON values",
          record.Where());
    }
    line_.append(simdjson::minify(payload));
    return true;
  }

  Status Close() override {
    if (closed_) return Status::OK();
    closed_ = true;
    if (!array_) return Status::OK();
    // Aiven's bytes: "\n]" without a final newline. Aiven never writes an empty file; an
    // empty one here is the empty array.
    return out_->Append(written_ == 0 ? "[]" : "\n]");
  }

 private:
  OutputStream* out_;
  const bool array_;
  const bool envelope_;
  const ValueEncoding encoding_;
  const ValueEncoding key_encoding_;
  const std::vector<OutputField> fields_;  // Aiven's record shape when not empty
  const bool fields_envelope_;
  EnvelopeEncoder envelopes_;
  JsonValueEncoder values_;
  const JsonSchemaEnvelope schema_envelope_;
  simdjson::dom::parser envelope_parser_;
  std::unique_ptr<RegistryConverter> registry_;  // AvroConverter, ProtobufConverter, ...
  Value value_;                                  // reused
  std::string line_;                             // reused across records
  uint64_t written_ = 0;
  bool closed_ = false;
};

class JsonFormat final : public Format {
 public:
  explicit JsonFormat(FormatOptions options) : options_(std::move(options)) {}
  std::string Extension() const override { return ".json"; }
  std::unique_ptr<RecordWriter> NewWriter(OutputStream* out) const override {
    return std::make_unique<JsonWriter>(out, options_);
  }

 private:
  FormatOptions options_;
};

}  // namespace

std::unique_ptr<Format> MakeJsonFormat(ValueEncoding encoding) {
  FormatOptions options;
  options.kind = FormatKind::kJson;
  options.value_encoding = encoding;
  return MakeJsonFormat(options);
}

std::unique_ptr<Format> MakeJsonFormat(const FormatOptions& options) {
  return std::make_unique<JsonFormat>(options);
}

void AppendJsonString(std::string_view s, std::string* out) { AppendJsonQuoted(s, out); }

}  // namespace tributary
