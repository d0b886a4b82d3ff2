// AvroReader: the rows of an Avro object container file (apache/avro "Specification":
// Object Container Files), as written by AvroContainerWriter (format/avro/
// avro_container.h), python3-avro, avro-c or Java's DataFileWriter.
//
//   "Obj" 0x01 | metadata map<bytes> | 16-byte sync | block*
//   block = long count, long size, `size` bytes of codec output, the sync marker again
//
// Codecs (avro.codec, "null" when absent): null, deflate (raw RFC 1951), snappy (raw
// snappy block + 4-byte big-endian CRC-32 of the uncompressed bytes, checked), zstandard
// (zstd frames). The writer schema (avro.schema) is parsed by schema/avro_schema.h and
// each datum decoded by schema/avro_decoder.h; rows come back as compact JSON
// (columnar_reader.h lists the shape: unions ["null", T] as the plain value or null,
// timestamps and dates as numbers in the schema's unit, decimals as numbers, bytes
// base64).
//
// Making the reader parses the header and walks the block framing (count, size, sync)
// of the whole file, so a truncated file or a wrong sync marker is an error before the
// first row; block contents are decompressed and decoded one block at a time in Next().
// Memory: the file's bytes plus one decompressed block.
//
// Errors: kCorruption naming the object and the block ("x.avro: block 3 (rows 120..159):
// snappy CRC-32 mismatch"); kInvalidArgument "not supported" for a schema with unions
// other than ["null", T] (schema/avro_schema.h) or an unknown codec.
//
// Thread safety: a reader is used by one thread.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "format/reader/columnar_reader.h"

namespace tributary {

Result<std::unique_ptr<RecordReader>> MakeAvroReader(std::string name, std::string bytes,
                                                     ColumnarFileInfo* info = nullptr);

}  // namespace tributary
