// Key and header side files (store.kafka.keys / store.kafka.headers), as the Confluent
// S3 sink writes them beside each data file (docs/object-layout.md, "Side files"):
//
//   <base>.json              the values (format.class)
//   <base>.keys.<ext>        one key per record, in the same order (keys.format.class)
//   <base>.headers.<ext>     one header list per record (headers.format.class)
//
// where <base> is the data key without its extension and <ext> the side format's own
// extension, with the compression extension for the row formats (".keys.json.gz").
// Record i of a side file belongs to record i of the data file; with
// behavior.on.null.values=write, files under tombstone.encoded.partition have no data
// file, only side files (as the connector writes them).
//
// What each side format writes per record:
//   keys    JsonFormat       the key as JSON: JsonConverter keys as they are (one line),
//                            StringConverter keys as a JSON string, ByteArrayConverter
//                            keys as a base64 JSON string
//           ByteArrayFormat  the raw key bytes, then format.bytearray.separator
//           AvroFormat       an Avro container of "string" (String/JsonConverter keys: the
//                            text) or "bytes" (ByteArrayConverter keys)
//           With a Schema Registry key.converter (AvroConverter, ProtobufConverter,
//           JsonSchemaConverter) keys are decoded with their writer schema, as values are
//           (format/schema_record_writer.h; a `__key_schema_id` header names it in the
//           header form): AvroFormat writes an Avro container of the key schema,
//           JsonFormat the key as its JSON; ByteArrayFormat keeps the framed bytes.
//   headers JsonFormat       {"headers":[{"key":"h","value":"v"},...]} (the connector's
//                            enveloped header view); a header value is its text (base64
//                            when not valid UTF-8), null when null
//           AvroFormat       an Avro container of array<record{key: string,
//                            value: ["null","string"]}>
// A null key (with keys stored) or a record without headers (with headers stored) is an
// error naming the record, as in the connector: the files would no longer line up.
//
// Thread safety: plain values; writers are used by one thread.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "config/config.h"
#include "format/codec/codec.h"
#include "format/record_writer.h"

namespace tributary {

class RegistryKeyCheck;
class SchemaRegistryClient;

enum class SideKind { kKeys, kHeaders };
enum class SideFormat { kAvro, kJson, kBytes };

struct SideFileOptions {
  bool store_keys = false;     // store.kafka.keys
  bool store_headers = false;  // store.kafka.headers
  SideFormat keys_format = SideFormat::kAvro;
  SideFormat headers_format = SideFormat::kAvro;
  ValueEncoding key_encoding = ValueEncoding::kString;  // key.converter
  std::string bytes_separator = "\n";                   // format.bytearray.separator
  std::string bytes_extension = ".bin";                 // format.bytearray.extension
  // key.converter is a Schema Registry converter (key.converter.schema.registry.url):
  // Avro and JSON key files hold the decoded keys.
  std::shared_ptr<SchemaRegistryClient> key_registry;
  // Decodes keys for CheckSideRecord, so that a key the key file would refuse is refused
  // before the data file takes its record (set with key_registry).
  std::shared_ptr<RegistryKeyCheck> key_check;

  bool any() const { return store_keys || store_headers; }
};

// From store.kafka.keys, store.kafka.headers, keys.format.class, headers.format.class and
// key.converter. InvalidArgument naming the key for a format that cannot hold the view
// (ByteArrayFormat headers, as the connector refuses them; Parquet side files, not in
// this version).
Result<SideFileOptions> ParseSideFileOptions(const Config& cfg);

// ".keys.json.gz", ".headers.avro", ".keys.bin": what follows <base>. `codec` applies to
// the row formats only (Avro compresses inside the file).
std::string SideFileSuffix(SideKind kind, const SideFileOptions& options, Codec codec);

// Whether the side file of this kind is compressed by the stream codec.
bool SideFileUsesCodec(SideKind kind, const SideFileOptions& options);

// InvalidArgument naming the record when the side files `options` asks for cannot hold
// it: a null key with store_keys, no headers with store_headers, a key a registry
// key.converter cannot decode (a registry outage keeps its own code).
Status CheckSideRecord(const SideFileOptions& options, const Record& record);

// A writer of one side file, into `out` (borrowed). Write() checks the record as the
// connector does (null key, no headers) before writing anything.
std::unique_ptr<RecordWriter> NewSideWriter(SideKind kind, const SideFileOptions& options,
                                            OutputStream* out);

}  // namespace tributary
