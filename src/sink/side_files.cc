#include "sink/side_files.h"

#include <mutex>

#include <simdjson.h>

#include "common/base64.h"
#include "common/strings.h"
#include "config/sink_keys.h"
#include "format/avro/avro_container.h"
#include "format/envelope/envelope.h"
#include "format/format_options.h"
#include "format/jsonl/json_format.h"
#include "schema/registry_client.h"
#include "schema/registry_converter.h"
#include "sink/sink_config.h"

namespace tributary {

// One converter for the checks of every partition writer (a converter serves one thread
// at a time).
class RegistryKeyCheck {
 public:
  explicit RegistryKeyCheck(std::shared_ptr<SchemaRegistryClient> registry)
      : converter_(std::move(registry)) {}
  Status Check(const Record& record) {
    std::optional<std::string_view> header;
    for (const RecordHeader& h : record.headers) {
      if (h.name == "__key_schema_id" && h.value) header = h.value;
    }
    std::lock_guard<std::mutex> lock(mu_);
    RegistryConverter::Decoded decoded;
    Status st = converter_.Decode(*record.key, header, &decoded, &scratch_);
    if (st.ok()) return st;
    return Status(st.code(), fmt::format("{}: key: {}", record.Where(), st.message()));
  }

 private:
  std::mutex mu_;
  RegistryConverter converter_;
  Value scratch_;
};

namespace {

Result<SideFormat> ParseSideFormat(const Config& cfg, const char* key) {
  const std::string name = cfg.GetString(key);
  if (EndsWithIgnoreCase(name, "AvroFormat")) return SideFormat::kAvro;
  if (EndsWithIgnoreCase(name, "JsonFormat")) return SideFormat::kJson;
  if (EndsWithIgnoreCase(name, "ByteArrayFormat")) return SideFormat::kBytes;
  return InvalidArgument(
      "{}={}: side files are written as AvroFormat, JsonFormat or ByteArrayFormat in this "
      "version",
      key, name);
}

// A missing key or header list breaks the line-up of the side files with the data file.
Status CheckRecord(SideKind kind, const Record& record) {
  if (kind == SideKind::kKeys && !record.key) {
    return InvalidArgument(
        "{}: the key is null, and store.kafka.keys=true writes one key per record (the "
        "connector refuses null keys too)",
        record.Where());
  }
  if (kind == SideKind::kHeaders && record.headers.empty()) {
    return InvalidArgument(
        "{}: the record has no headers, and store.kafka.headers=true writes one header list "
        "per record (the connector refuses records without headers too)",
        record.Where());
  }
  return Status::OK();
}

// A header value as text: itself when valid UTF-8, base64 otherwise.
void AppendHeaderText(std::string_view v, std::string* out) {
  if (simdjson::validate_utf8(v.data(), v.size())) {
    out->append(v);
  } else {
    AppendBase64(v, out);
  }
}

class JsonSideWriter final : public RecordWriter {
 public:
  JsonSideWriter(SideKind kind, ValueEncoding key_encoding, OutputStream* out)
      : kind_(kind), key_encoding_(key_encoding), out_(out) {}

  Status Write(const Record& record) override {
    RETURN_IF_ERROR(CheckRecord(kind_, record));
    line_.clear();
    if (kind_ == SideKind::kKeys) {
      RETURN_IF_ERROR(values_.Append(record, "key", *record.key, key_encoding_, &line_));
    } else {
      line_ += "{\"headers\":[";
      for (size_t i = 0; i < record.headers.size(); ++i) {
        const RecordHeader& h = record.headers[i];
        if (i > 0) line_ += ',';
        line_ += "{\"key\":";
        AppendJsonString(h.name, &line_);
        line_ += ",\"value\":";
        if (h.value) {
          text_.clear();
          AppendHeaderText(*h.value, &text_);
          AppendJsonString(text_, &line_);
        } else {
          line_ += "null";
        }
        line_ += '}';
      }
      line_ += "]}";
    }
    line_ += '\n';
    return out_->Append(line_);
  }
  Status Close() override { return Status::OK(); }

 private:
  const SideKind kind_;
  const ValueEncoding key_encoding_;
  OutputStream* out_;
  JsonValueEncoder values_;
  std::string line_;
  std::string text_;
};

class BytesKeyWriter final : public RecordWriter {
 public:
  BytesKeyWriter(std::string separator, OutputStream* out)
      : separator_(std::move(separator)), out_(out) {}
  Status Write(const Record& record) override {
    RETURN_IF_ERROR(CheckRecord(SideKind::kKeys, record));
    RETURN_IF_ERROR(out_->Append(*record.key));
    return out_->Append(separator_);
  }
  Status Close() override { return Status::OK(); }

 private:
  const std::string separator_;
  OutputStream* out_;
};

Schema HeaderListSchema() {
  return ArrayOf(
      RecordOf("ConnectDefault", {Field{"key", Primitive(SchemaType::kString), {}},
                                  Field{"value", Optional(Primitive(SchemaType::kString)), {}}}));
}

class AvroSideWriter final : public RecordWriter {
 public:
  AvroSideWriter(SideKind kind, ValueEncoding key_encoding, OutputStream* out)
      : kind_(kind), avro_(out, SchemaFor(kind, key_encoding), AvroContainerOptions{}) {}

  Status Write(const Record& record) override {
    RETURN_IF_ERROR(CheckRecord(kind_, record));
    if (kind_ == SideKind::kKeys) return avro_.Append(Value::Bytes(std::string(*record.key)));
    std::vector<Value> list;
    list.reserve(record.headers.size());
    for (const RecordHeader& h : record.headers) {
      Value value;
      if (h.value) {
        std::string text;
        AppendHeaderText(*h.value, &text);
        value = Value::Bytes(std::move(text));
      }
      list.push_back(Value::List({Value::Bytes(std::string(h.name)), std::move(value)}));
    }
    return avro_.Append(Value::List(std::move(list)));
  }
  Status Close() override { return avro_.Close(); }
  uint64_t BufferedBytes() const override { return avro_.BufferedBytes(); }

 private:
  static Schema SchemaFor(SideKind kind, ValueEncoding key_encoding) {
    if (kind == SideKind::kHeaders) return HeaderListSchema();
    return Primitive(key_encoding == ValueEncoding::kBytes ? SchemaType::kBytes
                                                           : SchemaType::kString);
  }

  const SideKind kind_;
  AvroContainerWriter avro_;
};

// Keys of a Schema Registry key.converter, written by the value writers of the side
// format (AvroFormat: a container of the key schema; JsonFormat: the key's JSON) with the
// key in the value's place and `__key_schema_id` as the value's schema header.
class RegistryKeyWriter final : public RecordWriter {
 public:
  RegistryKeyWriter(std::unique_ptr<Format> format, OutputStream* out)
      : format_(std::move(format)), inner_(format_->NewWriter(out)) {}

  Status Write(const Record& record) override {
    RETURN_IF_ERROR(CheckRecord(SideKind::kKeys, record));
    Status st = inner_->Write(KeyAsValue(record));
    if (st.ok()) return st;
    return Status(st.code(), fmt::format("key: {}", st.message()));
  }
  // A key of another schema than the file's: another file (NONE) or a rotation, by
  // schema.compatibility, as for values.
  SchemaPlacement Place(const Record& record, SchemaCompatibility mode) override {
    if (!record.key) return {};
    SchemaPlacement p = inner_->Place(KeyAsValue(record), mode);
    if (!p.reason.empty()) p.reason = "key: " + p.reason;
    p.schema = nullptr;  // a widened schema is the data file's business
    return p;
  }
  Status Close() override { return inner_->Close(); }
  uint64_t BufferedBytes() const override { return inner_->BufferedBytes(); }

 private:
  static Record KeyAsValue(const Record& record) {
    Record key;
    key.topic = record.topic;
    key.partition = record.partition;
    key.offset = record.offset;
    key.timestamp_ms = record.timestamp_ms;
    key.value = record.key;
    for (const RecordHeader& h : record.headers) {
      if (h.name == "__key_schema_id") key.headers.push_back({"__value_schema_id", h.value});
    }
    return key;
  }

  std::unique_ptr<Format> format_;
  std::unique_ptr<RecordWriter> inner_;
};

Result<std::unique_ptr<Format>> RegistryKeyFormat(const SideFileOptions& o) {
  FormatOptions f;
  f.kind = o.keys_format == SideFormat::kAvro ? FormatKind::kAvro : FormatKind::kJson;
  f.registry = o.key_registry;
  return MakeFormat(f);
}

SideFormat FormatOf(SideKind kind, const SideFileOptions& o) {
  return kind == SideKind::kKeys ? o.keys_format : o.headers_format;
}

}  // namespace

Status CheckSideRecord(const SideFileOptions& options, const Record& record) {
  if (options.store_keys) RETURN_IF_ERROR(CheckRecord(SideKind::kKeys, record));
  if (options.store_keys && options.key_check) RETURN_IF_ERROR(options.key_check->Check(record));
  if (options.store_headers) RETURN_IF_ERROR(CheckRecord(SideKind::kHeaders, record));
  return Status::OK();
}

Result<SideFileOptions> ParseSideFileOptions(const Config& cfg) {
  SideFileOptions o;
  o.store_keys = cfg.GetBool("store.kafka.keys");
  o.store_headers = cfg.GetBool("store.kafka.headers");
  if (o.store_keys) {
    ASSIGN_OR_RETURN(o.keys_format, ParseSideFormat(cfg, "keys.format.class"));
  }
  if (o.store_headers) {
    ASSIGN_OR_RETURN(o.headers_format, ParseSideFormat(cfg, "headers.format.class"));
  }
  if (o.store_headers && o.headers_format == SideFormat::kBytes) {
    return InvalidArgument(
        "headers.format.class=ByteArrayFormat: headers are a list of name/value pairs, which "
        "raw bytes cannot hold (the connector refuses it too); use AvroFormat or JsonFormat");
  }
  const std::string converter = cfg.GetString("key.converter");
  o.key_encoding = EndsWithIgnoreCase(converter, "JsonConverter")        ? ValueEncoding::kJson
                   : EndsWithIgnoreCase(converter, "ByteArrayConverter") ? ValueEncoding::kBytes
                                                                         : ValueEncoding::kString;
  if (auto type = RegistryConverterType(converter);
      type && o.store_keys && o.keys_format != SideFormat::kBytes) {
    ASSIGN_OR_RETURN(
        o.key_registry,
        RegistryClientFromConfig(cfg, "key.converter", *type,
                                 fmt::format("key.converter={} (for {} key side files, "
                                             "store.kafka.keys=true)",
                                             converter, cfg.GetString("keys.format.class"))));
    o.key_check = std::make_shared<RegistryKeyCheck>(o.key_registry);
    RETURN_IF_ERROR(RegistryKeyFormat(o).status());
  }
  o.bytes_extension = cfg.GetString("format.bytearray.extension");
  ASSIGN_OR_RETURN(o.bytes_separator,
                   UnescapeSeparator(cfg.GetRawString("format.bytearray.separator")));
  return o;
}

bool SideFileUsesCodec(SideKind kind, const SideFileOptions& options) {
  return FormatOf(kind, options) != SideFormat::kAvro;
}

std::string SideFileSuffix(SideKind kind, const SideFileOptions& options, Codec codec) {
  std::string s = kind == SideKind::kKeys ? ".keys" : ".headers";
  switch (FormatOf(kind, options)) {
    case SideFormat::kAvro:
      return s + ".avro";
    case SideFormat::kJson:
      s += ".json";
      break;
    case SideFormat::kBytes:
      s += options.bytes_extension;
      break;
  }
  return s + CodecExtension(codec);
}

std::unique_ptr<RecordWriter> NewSideWriter(SideKind kind, const SideFileOptions& options,
                                            OutputStream* out) {
  if (kind == SideKind::kKeys && options.key_registry) {
    auto format = RegistryKeyFormat(options);  // checked by ParseSideFileOptions
    if (format.ok()) return std::make_unique<RegistryKeyWriter>(std::move(*format), out);
  }
  switch (FormatOf(kind, options)) {
    case SideFormat::kAvro:
      return std::make_unique<AvroSideWriter>(kind, options.key_encoding, out);
    case SideFormat::kJson:
      return std::make_unique<JsonSideWriter>(kind, options.key_encoding, out);
    case SideFormat::kBytes:
      return std::make_unique<BytesKeyWriter>(options.bytes_separator, out);
  }
  return nullptr;
}

}  // namespace tributary
