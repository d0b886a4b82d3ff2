// Codecs for row-format files: a compressing OutputStream that sits between a
// RecordWriter and the object upload, compressing bytes as they arrive.
//
// Framing, chosen so that independent tools read the files:
//   kGzip    RFC 1952 gzip member (zlib, deflate, 32 KiB window): `gzip -d`, DuckDB,
//            Spark, Python's gzip. Level -1 (zlib's default, 6) or 0..9, as
//            s3.compression.level.
//   kZstd    RFC 8878 Zstandard frame with content checksum: `zstd -d`, DuckDB, Spark.
//            Level -1 or 0 (zstd's default, 3) or 1..22.
//   kSnappy  Snappy *framing format* (google/snappy framing_format.txt: stream identifier
//            chunk, then chunks of at most 64 KiB of input, each with a masked CRC-32C):
//            the format of python-snappy's `python -m snappy -d`, snzip and Hadoop-free
//            readers. Raw snappy has no framing (the whole file would be one block) and
//            Hadoop's block format is only read by Hadoop, so neither is used. Aiven's
//            `.snappy` files are snappy-java's own stream format instead; see
//            kSnappyJava. Level ignored (snappy has none).
//   kSnappyJava  snappy-java's SnappyOutputStream format (8-byte magic "\x82SNAPPY\0",
//            version 1, compatible version 1, then blocks of [4-byte big-endian length,
//            raw snappy block] of at most 32 KiB input): what Aiven's connectors write
//            for file.compression.type=snappy and read back in their source connector.
//            Level ignored.
//   kLz4     LZ4 frame format (lz4_Frame_format.md) with content checksum, 64 KiB
//            blocks: `lz4 -d`, DuckDB. Level -1 or 0 (fast) or 1..12 (3..12: LZ4HC).
//
// Memory: each stream holds at most one input chunk and one output buffer (≤ ~300 KiB,
// zstd's window included for levels ≤ 9); bytes leave for `inner` as the compressor
// emits them.
//
// Thread safety: a stream is used by one thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "format/output_stream.h"

namespace tributary {

enum class Codec { kNone, kGzip, kZstd, kSnappy, kSnappyJava, kLz4 };

// "none" | "gzip" | "zstd" | "snappy" | "lz4" (ASCII case ignored) for a config value;
// errors name `config_key` (s3.compression.type, or Aiven's file.compression.type) and
// the accepted values. "snappy" parses as the framing format (kSnappy); a config layer
// speaking Aiven's dialect maps it to kSnappyJava itself.
Result<Codec> ParseCodec(std::string_view value,
                         std::string_view config_key = "s3.compression.type");

// "none", "gzip", "zstd", "snappy", "snappy-java", "lz4".
std::string_view CodecName(Codec codec);

// The suffix a file gets after the format's own extension, as the connectors name it:
// "" (none), ".gz", ".zst", ".snappy" (both snappy framings), ".lz4". A JSON file with
// gzip is therefore ".json" + ".gz" = ".json.gz" (Confluent), Aiven's "x.csv.zst" the same.
std::string CodecExtension(Codec codec);

// A stream compressing into `inner`, which it borrows and which must outlive it.
//
// Append() compresses and passes on whatever output the compressor has ready; Close()
// flushes the compressor and writes the codec's trailer (gzip's CRC and size, zstd's
// and lz4's end marks and checksums) into `inner`, but does not close `inner`. A file is
// complete only after Close(); Append() after Close() is an Internal error, a second
// Close() does nothing. Size() is the number of compressed bytes handed to `inner` so
// far (it trails the input by what the compressor still holds, at most one block).
// kNone returns a stream that passes bytes through unchanged.
//
// InvalidArgument naming s3.compression.level when `level` is outside the codec's range.
Result<std::unique_ptr<OutputStream>> MakeCompressingStream(Codec codec, int level,
                                                            OutputStream* inner);

// The masked CRC-32C (common/crc32c.h) that snappy's framing format stores per chunk.
uint32_t MaskedCrc32c(std::string_view data);

}  // namespace tributary
