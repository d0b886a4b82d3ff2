// Keys of the columnar and schema-bearing formats: format.class (every format's selector),
// AvroFormat's and ParquetFormat's keys, and where the values' schema comes from.
// docs/formats-columnar.md describes the behaviour behind them.
#include "config/sink_keys.h"

namespace tributary {

std::vector<ConfigKey> ColumnarKeys() {
  return {
      {.name = "format.class",
       .type = ConfigType::kString,
       .default_value = std::nullopt,
       .group = "Connector",
       .doc = "Output format. `JsonFormat` writes one JSON value per line (`.json`); "
              "`ByteArrayFormat` writes each raw value followed by "
              "`format.bytearray.separator` (`.bin`); `AvroFormat` writes Avro container "
              "files (`.avro`) and `ParquetFormat` Parquet files (`.<codec>.parquet`), both "
              "with the schema of `value.schema` or `schema.inference` "
              "(docs/formats-columnar.md).",
       .allowed = {std::string(kJsonFormatClass), "JsonFormat", "json",
                   std::string(kByteArrayFormatClass), "ByteArrayFormat",
                   std::string(kAvroFormatClass), "AvroFormat", std::string(kParquetFormatClass),
                   "ParquetFormat"}},
      {.name = "value.schema",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Avro and Parquet",
       .doc = "The schema of the record values as an Avro schema (JSON), for AvroFormat and "
              "ParquetFormat with schemaless JSON values (JsonConverter or StringConverter). "
              "Logical types (date, time-*, timestamp-*, decimal, uuid) are honoured. Members "
              "of a value that the schema lacks are not written; a missing required field is "
              "a bad record.",
       .expected = "an Avro schema as JSON"},
      {.name = "schema.inference",
       .type = ConfigType::kBool,
       .default_value = "false",
       .group = "Avro and Parquet",
       .doc = "Infer the schema of schemaless JSON values when `value.schema` is empty: from "
              "the records buffered before a file's first Avro block (1 MiB) or Parquet row "
              "group, widening types as they require (long to double; conflicts to string). "
              "From then on the file's schema is fixed: a record with a new field or a value "
              "that needs a wider type (long to double, null) closes the open files and "
              "starts a file with the schema widened for it; a value that cannot be widened "
              "(a string where a record is) is a bad record (errors.tolerance / DLQ)."},
      {.name = "avro.codec",
       .type = ConfigType::kString,
       .default_value = "null",
       .group = "Avro and Parquet",
       .doc = "Compression of Avro blocks: `null`, `deflate`, `snappy` (with its CRC-32) or "
              "`zstandard`.",
       .allowed = {"null", "deflate", "snappy", "zstandard"}},
      {.name = "avro.codec.level",
       .type = ConfigType::kInt,
       .default_value = "-1",
       .group = "Avro and Parquet",
       .doc = "Level of avro.codec; -1 is the codec's default. deflate 0..9, zstandard 1..22.",
       .min = -1,
       .max = 22},
      {.name = "avro.block.size",
       .type = ConfigType::kInt,
       .default_value = "64000",
       .group = "Avro and Parquet",
       .doc = "Uncompressed bytes of records per Avro block (Java's default sync interval).",
       .min = 1,
       .max = 1 << 30},
      {.name = "parquet.codec",
       .type = ConfigType::kString,
       .default_value = "snappy",
       .group = "Avro and Parquet",
       .doc = "Compression of Parquet pages: `none`, `snappy`, `gzip`, `zstd` or `lz4_raw`. "
              "The extension names it: `.snappy.parquet`, `.gz.parquet`, `.zstd.parquet`, "
              "`.lz4raw.parquet`, `.parquet`.",
       .allowed = {"none", "uncompressed", "snappy", "gzip", "zstd", "lz4_raw"}},
      {.name = "parquet.block.size",
       .type = ConfigType::kLong,
       .default_value = "67108864",
       .group = "Avro and Parquet",
       .doc = "A Parquet row group is written to the object when this many bytes of rows are "
              "buffered (64 MiB). Smaller row groups use less memory per open file.",
       .min = 1024},
      {.name = "parquet.page.size",
       .type = ConfigType::kInt,
       .default_value = "1048576",
       .group = "Avro and Parquet",
       .doc = "Target bytes of values per Parquet page (pages also end after 20,000 rows).",
       .min = 64},
      {.name = "parquet.dictionary.page.size",
       .type = ConfigType::kInt,
       .default_value = "1048576",
       .group = "Avro and Parquet",
       .doc = "Largest dictionary of a Parquet column chunk; a column whose distinct values "
              "need more is written PLAIN. 0 disables dictionary encoding.",
       .min = 0},
      {.name = "value.converter.schema.registry.url",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Avro and Parquet",
       .doc = "Schema Registry for `value.converter` AvroConverter, ProtobufConverter or "
              "JsonSchemaConverter: values are the registry's wire format (magic byte 0 and a "
              "4-byte schema id, or magic byte 1 and a 16-byte schema GUID, or a GUID in the "
              "`__value_schema_id` header; then the Avro datum, Protobuf message indexes and "
              "message, or JSON text); each schema is fetched once (`GET /schemas/ids/{id}`, "
              "`/schemas/guids/{guid}`) and cached. With a comma-separated list the first URL "
              "is used.",
       .expected = "an http(s) URL"},
      {.name = "value.converter.basic.auth.credentials.source",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Avro and Parquet",
       .doc = "`USER_INFO` sends `value.converter.basic.auth.user.info` to the registry with "
              "HTTP basic auth; empty sends no credentials.",
       .allowed = {"", "USER_INFO"}},
      {.name = "value.converter.basic.auth.user.info",
       .type = ConfigType::kPassword,
       .default_value = "",
       .group = "Avro and Parquet",
       .doc = "`user:password` for the Schema Registry. Never logged.",
       .expected = "user:password"},
      {.name = "key.converter.schema.registry.url",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Avro and Parquet",
       .doc = "Schema Registry for `key.converter` AvroConverter, ProtobufConverter or "
              "JsonSchemaConverter (the same wire forms as values; a `__key_schema_id` header "
              "names the schema in the header form). Keys are decoded with their schema for "
              "AvroFormat and JsonFormat key side files (`store.kafka.keys`) and for `$Key` "
              "transforms.",
       .expected = "an http(s) URL"},
      {.name = "key.converter.basic.auth.credentials.source",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Avro and Parquet",
       .doc = "`USER_INFO` sends `key.converter.basic.auth.user.info` to the key registry with "
              "HTTP basic auth; empty sends no credentials.",
       .allowed = {"", "USER_INFO"}},
      {.name = "key.converter.basic.auth.user.info",
       .type = ConfigType::kPassword,
       .default_value = "",
       .group = "Avro and Parquet",
       .doc = "`user:password` for the key Schema Registry. Never logged.",
       .expected = "user:password"},
  };
}

}  // namespace tributary
