// ParquetReader: the rows of a Parquet file (apache/parquet-format README, Encodings.md,
// LogicalTypes.md), as Tributary's own writer (format/parquet/) and DuckDB write them.
//
// Layers, the inverse of the writer's: footer (Thrift compact, thrift_compact_reader.h)
// → schema tree → per row group, one cursor per leaf column walking its pages → Dremel
// record assembly from repetition/definition levels → one compact JSON object per row
// (the shape is in columnar_reader.h).
//
// Supported:
//   pages       DATA_PAGE (v1), DATA_PAGE_V2, DICTIONARY_PAGE (index pages skipped)
//   levels      RLE/bit-packed hybrid (v1: 4-byte length prefix; v2: lengths in the header)
//   encodings   PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY, RLE (booleans),
//               DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY,
//               BYTE_STREAM_SPLIT
//   codecs      UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW
//   nesting     groups (records), LIST (3-level, and the legacy 2-level forms), MAP /
//               MAP_KEY_VALUE, bare repeated fields (read as lists)
//   types       every physical type; logical/converted types STRING, ENUM, JSON
//               (embedded as the JSON value it holds; text that does not parse as a
//               string), UUID, DECIMAL (up to 16 bytes of unscaled value), DATE, TIME,
//               TIMESTAMP (millis, micros, nanos), INTEGER (signed/unsigned, 8..64 bits),
//               FLOAT16, INT96 (as epoch nanoseconds)
// Not supported (kInvalidArgument naming the feature and the column): the codecs LZO,
// BROTLI and Hadoop-framed LZ4; INTERVAL; column chunks in other files (file_path);
// encrypted files ("PARE").
//
// Memory: the file's bytes plus, per leaf column of the current row group, one
// decompressed page, its decoded levels and value views, and the chunk's dictionary.
//
// Errors: kCorruption naming the object, the row group, the column (path_in_schema) and
// what is wrong ("x.parquet: row group 2, column lines.list.element.sku: page at byte
// 5123: snappy data is corrupt"); the footer's own damage names "footer".
//
// Thread safety: a reader is used by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "format/reader/columnar_reader.h"

namespace tributary {

Result<std::unique_ptr<RecordReader>> MakeParquetReader(std::string name, std::string bytes,
                                                        ColumnarFileInfo* info = nullptr);

// Ranged reads: `fetch(offset, length)` returns those bytes of the file (a ranged GET);
// `size` is the file's size. The reader fetches the first 4 bytes, the last 64 KiB (and
// the footer, when longer), then per row group the span of its column chunks. Memory:
// the footer plus one row group's column chunks (parquet.block.size as the sink writes
// them) and the decoding state above, not the file.
using ParquetRangeFetch = std::function<Result<std::string>(uint64_t offset, uint64_t length)>;
Result<std::unique_ptr<RecordReader>> MakeParquetRangedReader(std::string name, uint64_t size,
                                                              ParquetRangeFetch fetch,
                                                              ColumnarFileInfo* info = nullptr);

}  // namespace tributary
