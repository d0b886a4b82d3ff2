// FormatOptions and MakeFormat: one entry point that turns the format part of the
// configuration into a Format (DESIGN.md §6). The config layer maps connector keys onto
// these fields:
//
//   kind              format.class (JsonFormat → kJson, ByteArrayFormat → kBytes) or
//                     Aiven's format.output.type (jsonl → kJson, json → kJsonArray, csv)
//   envelope          Tributary's envelope mode (see envelope/envelope.h)
//   csv_*             format.output.fields, format.output.fields.value.encoding
//   bytes_*           format.bytearray.separator (decode with UnescapeSeparator),
//                     format.bytearray.extension
//   text_filter_regex the text format's RE2 filter
//
// Compression is not a format option: wrap the stream with codec/codec.h, and name the
// file with Format::Extension() + CodecExtension(codec), e.g. ".json.gz".
//
// Thread safety: plain values; MakeFormat may be called from any thread. A Format is
// immutable and may be shared; each of its writers is used by one thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/record_writer.h"
#include "schema/registry_client.h"
#include "schema/schema.h"

namespace tributary {

enum class FormatKind {
  kJson,       // one JSON value per line, ".json" (Confluent JsonFormat, Aiven "jsonl")
  kJsonArray,  // one JSON array per file, ".json" (Aiven "json")
  kCsv,        // RFC 4180 CSV, ".csv"
  kText,       // one value per line, ".txt"
  kBytes,      // raw values and a separator, ".bin" by default (Confluent ByteArrayFormat)
  kAvro,       // Avro object container file, ".avro" (Confluent AvroFormat; avro/)
  kParquet,    // Parquet, ".<codec>.parquet" (Confluent ParquetFormat; parquet/)
};

// A column of the CSV format (Aiven's format.output.fields).
enum class OutputField { kKey, kValue, kOffset, kTimestamp, kHeaders };

// Which CSV bytes to write.
enum class CsvDialect {
  kRfc4180,  // quoted per RFC 4180, every row terminated, headers as a JSON object
  kAiven,    // byte-for-byte what Aiven's connectors write for format.output.type=csv
};

// How CSV writes key and value bytes (Aiven's format.output.fields.value.encoding).
enum class FieldEncoding {
  kBase64,  // standard base64, padded (Aiven's default)
  kNone,    // the bytes as they are, quoted when needed
};

// JsonConverter's schemas.enable for values: with it, every value is a
// {"schema": ..., "payload": ...} envelope, and JsonFormat writes the payload (as the
// Confluent connector does). kDetect (the key not set): a value whose top level has
// exactly the members "schema" and "payload" is such an envelope.
enum class JsonSchemaEnvelope { kNone, kAlways, kDetect };

struct FormatOptions {
  FormatKind kind = FormatKind::kJson;
  // How value and key bytes are interpreted (value.converter / key.converter). Used by
  // the JSON formats and by every envelope.
  ValueEncoding value_encoding = ValueEncoding::kJson;
  ValueEncoding key_encoding = ValueEncoding::kString;
  // JSON lines of bare values (JsonFormat) with JsonConverter: write the payload of
  // schema envelopes. Envelope and Aiven record shapes write the value as it came.
  JsonSchemaEnvelope json_schema_envelope = JsonSchemaEnvelope::kNone;
  // Write each record as an envelope object instead of its bare value (any kind).
  bool envelope = false;

  // JSON lines / JSON array in Aiven's record shape (format.output.fields for json and
  // jsonl). Empty: bare values (Confluent JsonFormat) or `envelope`. Otherwise each record
  // is an object of these fields in this order — see jsonl/json_format.h — or, with
  // json_fields_envelope false (format.output.envelope=false), the single field's value.
  std::vector<OutputField> json_fields;
  bool json_fields_envelope = true;

  // CSV: the dialect (csv/csv_format.h); a header row naming the fields (kRfc4180 only);
  // the fields, in order; key and value encoding; the record terminator ("\n"; "\r\n" for
  // strict RFC 4180 consumers; kAiven always uses "\n").
  CsvDialect csv_dialect = CsvDialect::kRfc4180;
  bool csv_header = false;
  std::vector<OutputField> csv_fields = {OutputField::kValue};
  FieldEncoding csv_value_encoding = FieldEncoding::kBase64;
  FieldEncoding csv_key_encoding = FieldEncoding::kBase64;
  std::string csv_line_terminator = "\n";

  // Bytes: written after every value (already unescaped); the file extension, appended
  // as given (the connector does not check it either).
  std::string bytes_separator = "\n";
  std::string bytes_extension = ".bin";

  // Text: when not empty, an RE2 pattern a value must contain a match of (unanchored
  // search; anchor with ^ and $) to be written. Rejected records are counted in
  // RecordWriter::filtered() and passed to `on_filtered` when set.
  std::string text_filter_regex;
  // Called on the writer's thread with each record the filter rejects; the record is
  // valid only during the call.
  std::function<void(const Record&)> on_filtered;

  // Avro and Parquet: the values' schema — an Avro schema as JSON (value.schema), or
  // inferred from the records when schema_inference is set (schema.inference) and
  // value_schema is empty. Values must be JSON (JsonConverter or StringConverter).
  std::string value_schema;
  bool schema_inference = false;
  // Avro, Parquet and JSON lines: when set, values are Schema Registry framed
  // (AvroConverter, ProtobufConverter, JsonSchemaConverter; the client's type() says which):
  // each value's writer schema is fetched by its id or GUID (and cached); value_schema and
  // schema_inference are not used; JsonFormat writes each value as its JSON
  // (reader/columnar_json.h). Shared by every writer of the format.
  std::shared_ptr<SchemaRegistryClient> registry;
  // Avro (avro/avro_format.h): avro.codec (null, deflate, snappy, zstandard), its level
  // (avro.codec.level, -1: the codec's default) and the block size (avro.block.size).
  std::string avro_codec = "null";
  int avro_level = -1;
  uint64_t avro_block_bytes = 64000;
  // Parquet (parquet/parquet_format.h): parquet.codec (none, snappy, gzip, zstd, lz4_raw),
  // the row group size in buffered bytes (parquet.block.size), the page size
  // (parquet.page.size) and the dictionary size limit (parquet.dictionary.page.size).
  std::string parquet_codec = "snappy";
  uint64_t parquet_block_bytes = 64ull << 20;
  uint64_t parquet_page_bytes = 1 << 20;
  uint64_t parquet_dictionary_bytes = 1 << 20;
};

// A Format for `options`. InvalidArgument, naming the option, when they are unusable: a
// regex RE2 rejects, an empty CSV field list, a CSV terminator other than \n or \r\n, a
// header row with the Aiven CSV dialect, json_fields together with envelope, or
// json_fields_envelope false with other than one field.
Result<std::unique_ptr<Format>> MakeFormat(const FormatOptions& options);

// The schema Avro and Parquet files of `options` use: value_schema parsed, or nullopt
// when it is empty and schema_inference is set. InvalidArgument naming value.schema /
// schema.inference / value.converter (for `format_name`) otherwise.
Result<std::optional<Schema>> ValueSchema(const FormatOptions& options,
                                          std::string_view format_name);

// Decodes the Java-style escapes of format.bytearray.separator: \n \r \t \b \f \\ \" \',
// octal \0..\377 (one byte) and \uXXXX (UTF-8 encoded; a surrogate pair makes one code
// point). Anything else after
// a backslash is an InvalidArgument naming format.bytearray.separator.
Result<std::string> UnescapeSeparator(std::string_view escaped);

// "key,value" → {kKey, kValue}: format.output.fields (spaces around names allowed; names
// may not repeat).
Result<std::vector<OutputField>> ParseOutputFields(std::string_view list);
// "base64" | "none": format.output.fields.value.encoding.
Result<FieldEncoding> ParseFieldEncoding(std::string_view value);

std::string_view OutputFieldName(OutputField field);

}  // namespace tributary
