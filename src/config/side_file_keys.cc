// Keys of the Confluent connector's key and header side files (issue #4;
// sink/side_files.h, docs/object-layout.md "Side files").
#include "config/sink_keys.h"

namespace tributary {

std::vector<ConfigKey> SideFileKeys() {
  const std::vector<std::string> side_formats = {std::string(kAvroFormatClass),
                                                 "AvroFormat",
                                                 std::string(kJsonFormatClass),
                                                 "JsonFormat",
                                                 "json",
                                                 std::string(kByteArrayFormatClass),
                                                 "ByteArrayFormat",
                                                 std::string(kParquetFormatClass),
                                                 "ParquetFormat"};
  return {
      {.name = "store.kafka.keys",
       .type = ConfigType::kBool,
       .default_value = "false",
       .group = "Keys and headers",
       .doc = "Write each record's key into a side file `<base>.keys.<ext>` beside the data "
              "file, one key per record in the same order (docs/object-layout.md). A null key "
              "is then an error naming the record. Required by "
              "`behavior.on.null.values=write`."},
      {.name = "store.kafka.headers",
       .type = ConfigType::kBool,
       .default_value = "false",
       .group = "Keys and headers",
       .doc = "Write each record's headers into a side file `<base>.headers.<ext>` beside the "
              "data file, one header list per record. A record without headers is then an "
              "error naming the record (as in the connector)."},
      {.name = "keys.format.class",
       .type = ConfigType::kString,
       .default_value = std::string(kAvroFormatClass),
       .group = "Keys and headers",
       .doc = "Format of the key side files: `AvroFormat` (`.keys.avro`, a container of "
              "string or bytes), `JsonFormat` (`.keys.json`, one JSON key per line) or "
              "`ByteArrayFormat` (raw keys and `format.bytearray.separator`). JSON and bytes "
              "side files are compressed with `s3.compression.type`. `ParquetFormat` is "
              "refused in this version.",
       .allowed = side_formats},
      {.name = "headers.format.class",
       .type = ConfigType::kString,
       .default_value = std::string(kAvroFormatClass),
       .group = "Keys and headers",
       .doc = "Format of the header side files: `AvroFormat` (`.headers.avro`, a container of "
              "array<{key, value}>) or `JsonFormat` (`.headers.json`, "
              "`{\"headers\":[{\"key\":..,\"value\":..}]}` per line). `ByteArrayFormat` cannot "
              "hold headers and is refused, as by the connector; `ParquetFormat` is refused in "
              "this version.",
       .allowed = side_formats},
  };
}

}  // namespace tributary
