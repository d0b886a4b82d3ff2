// Keys of Aiven's S3 sink, Tributary's second naming and format dialect
// (docs/object-layout.md, "Aiven's naming"). They map onto the same options as the
// Confluent keys: file.name.template onto naming, format.output.* onto the format,
// file.compression.type onto the codec, file.max.records onto flush.size. Mapped in
// SinkConfig::FromRaw and ParsePartitionerOptions.
#include "config/sink_keys.h"

namespace tributary {

std::vector<ConfigKey> AivenKeys() {
  return {
      {.name = "file.name.template",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Aiven dialect",
       .doc = "The whole object key as Aiven's S3 sink forms it, e.g. "
              "`{{topic}}/{{partition:padding=true}}-{{start_offset:padding=true}}.json.gz`. "
              "Variables: `{{topic}}`, `{{partition:padding=true|false}}` (10 digits), "
              "`{{start_offset:padding=true|false}}` (20 digits), "
              "`{{timestamp:unit=yyyy|MM|dd|HH}}`, `{{key}}`, and "
              "`{{end_offset:padding=true|false}}` (files are then held in memory until they "
              "close, at `s3.part.size` bytes at the latest; docs/object-layout.md). topic, "
              "partition and start_offset are "
              "required; no extension is added; `topics.dir` is not used. Cannot be combined "
              "with a `partitioner.class` other than the default."},
      {.name = "file.name.timestamp.source",
       .type = ConfigType::kString,
       .default_value = "wallclock",
       .group = "Aiven dialect",
       .doc = "Time of `{{timestamp}}`: `wallclock` (when the record is processed) or "
              "`event` (the record's Kafka timestamp).",
       .allowed = {"wallclock", "event"}},
      {.name = "file.name.timestamp.timezone",
       .type = ConfigType::kString,
       .default_value = "UTC",
       .group = "Aiven dialect",
       .doc = "Zone of `{{timestamp}}` (a region id or `[+-]hh:mm`)."},
      {.name = "file.compression.type",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Aiven dialect",
       .doc = "Aiven's name for the compression: `none`, `gzip`, `snappy` (snappy-java's "
              "stream format, as Aiven writes it), `zstd`. Unset: `gzip` when "
              "`file.name.template` or `format.output.type` is set (Aiven's default), else "
              "`s3.compression.type`. Set together with `s3.compression.type`, both must agree.",
       .allowed = {"", "none", "gzip", "snappy", "zstd"}},
      {.name = "file.max.records",
       .type = ConfigType::kInt,
       .default_value = "0",
       .group = "Aiven dialect",
       .doc = "Aiven's name for `flush.size` (records per file). 0: not set. Given without "
              "`flush.size`, it is the flush size; given with it, they must agree.",
       .min = 0},
      {.name = "format.output.type",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Aiven dialect",
       .doc = "Aiven's format selection, used instead of `format.class`: `jsonl` (one JSON "
              "record per line), `json` (one JSON array per file), `csv` (Aiven's CSV bytes). "
              "Records are shaped by `format.output.fields`. With `file.name.template` and "
              "neither this nor `format.class`, `csv` (Aiven's default).",
       .allowed = {"", "csv", "json", "jsonl", "parquet", "avro"}},
      {.name = "format.output.fields",
       .type = ConfigType::kList,
       .default_value = "value",
       .group = "Aiven dialect",
       .doc = "With `format.output.type`: the fields of each record, in order, from `key`, "
              "`value`, `offset`, `timestamp`, `headers`."},
      {.name = "format.output.fields.value.encoding",
       .type = ConfigType::kString,
       .default_value = "base64",
       .group = "Aiven dialect",
       .doc = "CSV only: `base64` (Aiven's default) or `none` (the value as it is).",
       .allowed = {"base64", "none"}},
      {.name = "format.output.envelope",
       .type = ConfigType::kBool,
       .default_value = "true",
       .group = "Aiven dialect",
       .doc = "JSON and JSONL: write each record as an object of `format.output.fields` "
              "(true), or the single field's bare value (false; needs exactly one field)."},
  };
}

}  // namespace tributary
