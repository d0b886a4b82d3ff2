#include "source/object_reader.h"

#include <simdjson.h>

#include "common/base64.h"
#include "format/codec/decompress.h"
#include "format/envelope/columnar_envelope.h"
#include "format/reader/columnar_reader.h"
#include "format/reader/parquet_reader.h"
#include "schema/avro_schema.h"
#include "source/byte_stream.h"
#include "source/json_scan.h"
#include "source/row_readers.h"

namespace tributary {
namespace {

// Rows of a columnar envelope (format/envelope/columnar_envelope.h), as the columnar
// readers give them: {"key":base64|null,"value":V,"headers":[{"name":..,"value":
// base64|null}],"metadata":{"topic":..,"partition":..,"offset":..,"timestamp":..|null}}.
class ColumnarEnvelopeReader final : public RecordReader {
 public:
  ColumnarEnvelopeReader(std::unique_ptr<RecordReader> inner, std::string name)
      : inner_(std::move(inner)), name_(std::move(name)) {}

  Result<bool> Next(ReadRecord* out) override {
    ASSIGN_OR_RETURN(bool got, inner_->Next(out));
    if (!got) return false;
    ++row_;
    if (!out->value) return Corruption("{}: row {}: an envelope row is null", name_, row_ - 1);
    std::string row = std::move(*out->value);
    Status st = Unwrap(row, out);
    if (!st.ok()) return Corruption("{}: row {}: envelope: {}", name_, row_ - 1, st.message());
    return true;
  }

 private:
  static Result<std::optional<std::string>> Bytes(std::string_view literal) {
    if (IsJsonNull(literal)) return std::optional<std::string>();
    ASSIGN_OR_RETURN(std::string text, DecodeJsonString(literal));
    auto raw = Base64Decode(text);
    if (!raw) return InvalidArgument("bytes that are not base64");
    return std::optional<std::string>(std::move(*raw));
  }

  static Status Unwrap(std::string_view row, ReadRecord* out) {
    ASSIGN_OR_RETURN(auto members, JsonObjectMembers(row));
    for (const auto& [name, text] : members) {
      if (name == "key") {
        ASSIGN_OR_RETURN(out->key, Bytes(text));
        out->has_key = true;
      } else if (name == "value") {
        if (IsJsonNull(text)) {
          out->value.reset();
        } else {
          out->value = std::string(text);
        }
      } else if (name == "headers") {
        ASSIGN_OR_RETURN(auto list, JsonArrayElements(text));
        out->headers.clear();
        for (std::string_view h : list) {
          ASSIGN_OR_RETURN(auto parts, JsonObjectMembers(h));
          if (parts.size() != 2 || parts[0].first != "name" || parts[1].first != "value") {
            return InvalidArgument("a header is not {{name, value}}");
          }
          ASSIGN_OR_RETURN(std::string header_name, DecodeJsonString(parts[0].second));
          ASSIGN_OR_RETURN(auto value, Bytes(parts[1].second));
          out->headers.emplace_back(std::move(header_name), std::move(value));
        }
        out->has_headers = true;
      } else if (name == "metadata") {
        RETURN_IF_ERROR(DecodeEnvelopeMetadata(text, out));
      }
    }
    if (!out->has_offset) return InvalidArgument("no metadata.offset");
    return Status::OK();
  }

  std::unique_ptr<RecordReader> inner_;
  const std::string name_;
  int64_t row_ = 0;
};

}  // namespace

namespace {

// Tributary's columnar envelopes (recognised by their schema) are unwrapped.
std::unique_ptr<RecordReader> MaybeEnvelope(std::unique_ptr<RecordReader> reader,
                                            const ColumnarFileInfo& info, const std::string& key) {
  if (info.schema_json.find("TributaryEnvelope") == std::string::npos) return reader;
  auto schema = ParseAvroSchema(info.schema_json);
  if (!schema.ok() || !IsColumnarEnvelope(*schema)) return reader;
  return std::unique_ptr<RecordReader>(new ColumnarEnvelopeReader(std::move(reader), key));
}

}  // namespace

Result<std::unique_ptr<RecordReader>> OpenColumnar(FormatKind kind, const std::string& key,
                                                   std::string bytes) {
  ColumnarFileInfo info;
  ASSIGN_OR_RETURN(auto reader, MakeColumnarReader(kind, key, std::move(bytes), &info));
  return MaybeEnvelope(std::move(reader), info, key);
}

Result<std::unique_ptr<RecordReader>> OpenObject(ObjectStore& store, const FormatOptions& format,
                                                 Codec configured, const std::string& key) {
  FormatKind kind = format.kind;
  if (key.ends_with(".avro")) kind = FormatKind::kAvro;
  if (key.ends_with(".parquet")) kind = FormatKind::kParquet;
  if (kind == FormatKind::kAvro) {  // read whole (the Avro reader walks the file's blocks)
    ASSIGN_OR_RETURN(std::string raw, store.Get(key));
    return OpenColumnar(kind, key, std::move(raw));
  }
  ASSIGN_OR_RETURN(ObjectInfo head, store.Head(key));
  if (kind == FormatKind::kParquet && head.size <= kStreamChunkBytes) {  // one GET
    ASSIGN_OR_RETURN(std::string raw, store.Get(key));
    return OpenColumnar(kind, key, std::move(raw));
  }
  if (kind == FormatKind::kParquet) {  // ranged reads, one row group at a time
    ColumnarFileInfo info;
    ObjectStore* s = &store;
    ASSIGN_OR_RETURN(auto reader, MakeParquetRangedReader(
                                      key, head.size,
                                      [s, key](uint64_t offset, uint64_t length) {
                                        return s->Get(key, ByteRange{offset, offset + length - 1});
                                      },
                                      &info));
    return MaybeEnvelope(std::move(reader), info, key);
  }
  Codec codec = CodecFromKey(key).first;
  // A name without any extension (an Aiven template may have none): the configured codec.
  if (codec == Codec::kNone && key.find('.', key.rfind('/') + 1) == std::string::npos) {
    codec = configured;
  }
  ASSIGN_OR_RETURN(auto stream, OpenByteStream(store, key, head.size, codec));
  return MakeRowReader(format, key, std::move(stream));
}

namespace {

// Avro key side files hold "string" (the key's text) or "bytes" datums; the Avro reader
// gives each as a JSON string (bytes in base64).
class AvroKeysReader final : public RecordReader {
 public:
  AvroKeysReader(std::unique_ptr<RecordReader> inner, bool bytes, std::string name)
      : inner_(std::move(inner)), bytes_(bytes), name_(std::move(name)) {}
  Result<bool> Next(ReadRecord* out) override {
    ASSIGN_OR_RETURN(bool got, inner_->Next(out));
    if (!got || !out->value) return got;
    simdjson::dom::element doc;
    std::string_view text;
    if (parser_.parse(*out->value).get(doc) != simdjson::SUCCESS ||
        doc.get_string().get(text) != simdjson::SUCCESS) {
      return Corruption("{}: a key is not a string", name_);
    }
    if (!bytes_) {
      out->value = std::string(text);
    } else if (auto raw = Base64Decode(text)) {
      out->value = std::move(*raw);
    } else {
      return Corruption("{}: a bytes key is not base64", name_);
    }
    return true;
  }

 private:
  std::unique_ptr<RecordReader> inner_;
  const bool bytes_;
  const std::string name_;
  simdjson::dom::parser parser_;
};

// ByteArrayFormat key side files: each key's raw bytes followed by the separator.
class BytesKeysReader final : public RecordReader {
 public:
  BytesKeysReader(std::string bytes, std::string separator, std::string name)
      : bytes_(std::move(bytes)), separator_(std::move(separator)), name_(std::move(name)) {}
  Result<bool> Next(ReadRecord* out) override {
    *out = ReadRecord{};
    if (pos_ == bytes_.size()) return false;
    const size_t end = bytes_.find(separator_, pos_);
    if (end == std::string::npos) {
      return Corruption("{}: the last key (from byte {}) has no separator after it", name_, pos_);
    }
    out->value = bytes_.substr(pos_, end - pos_);
    pos_ = end + separator_.size();
    return true;
  }

 private:
  const std::string bytes_;
  const std::string separator_;
  const std::string name_;
  size_t pos_ = 0;
};

Result<std::string> FetchDecompressed(ObjectStore& store, const std::string& key) {
  ASSIGN_OR_RETURN(std::string raw, store.Get(key));
  Codec codec = CodecFromKey(key).first;
  if (codec == Codec::kSnappy) codec = DetectSnappyFraming(raw);
  return Decompress(codec, raw, key);
}

}  // namespace

Result<std::unique_ptr<RecordReader>> OpenKeysObject(ObjectStore& store,
                                                     const FormatOptions& format,
                                                     const std::string& key,
                                                     const std::string& bytes_separator) {
  if (key.ends_with(".avro")) {
    ASSIGN_OR_RETURN(std::string raw, store.Get(key));
    ColumnarFileInfo info;
    ASSIGN_OR_RETURN(auto inner, MakeColumnarReader(FormatKind::kAvro, key, std::move(raw), &info));
    const bool bytes = info.schema_json.find("\"bytes\"") != std::string::npos;
    return std::unique_ptr<RecordReader>(new AvroKeysReader(std::move(inner), bytes, key));
  }
  ASSIGN_OR_RETURN(std::string plain, FetchDecompressed(store, key));
  if (key.find(".keys.json") == std::string::npos) {
    if (bytes_separator.empty()) {
      return InvalidArgument(
          "{}: format.bytearray.separator is empty: keys written back to back cannot be split",
          key);
    }
    return std::unique_ptr<RecordReader>(
        new BytesKeysReader(std::move(plain), bytes_separator, key));
  }
  FormatOptions keys;
  keys.kind = FormatKind::kJson;
  keys.value_encoding = format.key_encoding;
  return MakeRowReader(keys, key, std::move(plain));
}

Result<std::unique_ptr<RecordReader>> OpenHeadersObject(ObjectStore& store,
                                                        const std::string& key) {
  if (key.ends_with(".avro")) {
    ASSIGN_OR_RETURN(std::string raw, store.Get(key));
    return MakeColumnarReader(FormatKind::kAvro, key, std::move(raw));
  }
  ASSIGN_OR_RETURN(std::string plain, FetchDecompressed(store, key));
  FormatOptions lines;
  lines.kind = FormatKind::kJson;
  lines.value_encoding = ValueEncoding::kJson;
  return MakeRowReader(lines, key, std::move(plain));
}

Status ParseHeaders(std::string_view json, const std::string& object, ReadRecord* out) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array list;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS) {
    return Corruption("{}: a line is not JSON", object);
  }
  if (doc.is_object()) {
    if (doc["headers"].get_array().get(list) != simdjson::SUCCESS) {
      return Corruption("{}: a line has no \"headers\" array", object);
    }
  } else if (doc.get_array().get(list) != simdjson::SUCCESS) {
    return Corruption("{}: a record's headers are not an array", object);
  }
  out->headers.clear();
  for (simdjson::dom::element h : list) {
    std::string_view name;
    if (h["key"].get_string().get(name) != simdjson::SUCCESS) {
      return Corruption("{}: a header has no \"key\" string", object);
    }
    std::optional<std::string> value;
    simdjson::dom::element v;
    if (h["value"].get(v) == simdjson::SUCCESS && !v.is_null()) {
      std::string_view text;
      if (v.get_string().get(text) != simdjson::SUCCESS) {
        return Corruption("{}: header {} has a value that is not a string", object, name);
      }
      value = std::string(text);
    }
    out->headers.emplace_back(std::string(name), std::move(value));
  }
  out->has_headers = true;
  return Status::OK();
}

}  // namespace tributary
