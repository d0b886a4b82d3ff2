#include "source/object_reader.h"

#include <simdjson.h>

#include "common/base64.h"
#include "format/codec/decompress.h"
#include "format/reader/columnar_reader.h"
#include "source/row_readers.h"

namespace tributary {

Result<std::unique_ptr<RecordReader>> OpenObject(ObjectStore& store, const FormatOptions& format,
                                                 Codec configured, const std::string& key) {
  ASSIGN_OR_RETURN(std::string raw, store.Get(key));
  FormatKind kind = format.kind;
  if (key.ends_with(".avro")) kind = FormatKind::kAvro;
  if (key.ends_with(".parquet")) kind = FormatKind::kParquet;
  if (kind == FormatKind::kAvro || kind == FormatKind::kParquet) {
    return MakeColumnarReader(kind, key, std::move(raw));
  }
  Codec codec = CodecFromKey(key).first;
  // A name without any extension (an Aiven template may have none): the configured codec.
  if (codec == Codec::kNone && key.find('.', key.rfind('/') + 1) == std::string::npos) {
    codec = configured;
  }
  if (codec == Codec::kSnappy || codec == Codec::kSnappyJava) codec = DetectSnappyFraming(raw);
  ASSIGN_OR_RETURN(std::string plain, Decompress(codec, raw, key));
  return MakeRowReader(format, key, std::move(plain));
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

Result<std::string> FetchDecompressed(ObjectStore& store, const std::string& key) {
  ASSIGN_OR_RETURN(std::string raw, store.Get(key));
  Codec codec = CodecFromKey(key).first;
  if (codec == Codec::kSnappy) codec = DetectSnappyFraming(raw);
  return Decompress(codec, raw, key);
}

}  // namespace

Result<std::unique_ptr<RecordReader>> OpenKeysObject(ObjectStore& store,
                                                     const FormatOptions& format,
                                                     const std::string& key) {
  if (key.ends_with(".avro")) {
    ASSIGN_OR_RETURN(std::string raw, store.Get(key));
    ColumnarFileInfo info;
    ASSIGN_OR_RETURN(auto inner, MakeColumnarReader(FormatKind::kAvro, key, std::move(raw), &info));
    const bool bytes = info.schema_json.find("\"bytes\"") != std::string::npos;
    return std::unique_ptr<RecordReader>(new AvroKeysReader(std::move(inner), bytes, key));
  }
  ASSIGN_OR_RETURN(std::string plain, FetchDecompressed(store, key));
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
