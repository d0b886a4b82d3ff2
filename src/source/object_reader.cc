#include "source/object_reader.h"

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

Result<std::unique_ptr<RecordReader>> OpenKeysObject(ObjectStore& store,
                                                     const FormatOptions& format,
                                                     const std::string& key) {
  ASSIGN_OR_RETURN(std::string raw, store.Get(key));
  Codec codec = CodecFromKey(key).first;
  if (codec == Codec::kSnappy) codec = DetectSnappyFraming(raw);
  ASSIGN_OR_RETURN(std::string plain, Decompress(codec, raw, key));
  FormatOptions keys;
  keys.kind = FormatKind::kJson;
  keys.value_encoding = format.key_encoding;
  return MakeRowReader(keys, key, std::move(plain));
}

}  // namespace tributary
