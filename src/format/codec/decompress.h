// Decompression of whole row-format objects, the inverse of codec.h's compressing
// streams, for `tributary source` and tools that read objects back.
//
//   kGzip        one or more RFC 1952 members (concatenated members are one stream, as
//                `gzip -d` reads them)
//   kZstd        one or more RFC 8878 frames (skippable frames skipped)
//   kLz4         one or more LZ4 frames
//   kSnappy      google/snappy framing format: stream identifier, compressed and
//                uncompressed chunks (masked CRC-32C checked), padding and skippable chunks
//   kSnappyJava  snappy-java's SnappyOutputStream stream: the 16-byte header, then
//                [4-byte big-endian length][raw snappy block] blocks
//
// Both snappy framings share the ".snappy" extension: DetectSnappyFraming tells them
// apart by their first bytes.
//
// Errors: kCorruption naming `what` (the object key) and the codec, for
// truncated or corrupt input. The whole output is held in memory.
//
// Thread safety: functions on values.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "format/codec/codec.h"

namespace tributary {

Result<std::string> Decompress(Codec codec, std::string_view in, std::string_view what);

// kSnappyJava when `in` starts with snappy-java's magic, kSnappy otherwise.
Codec DetectSnappyFraming(std::string_view in);

// The codec a key's last extension names (".gz", ".zst", ".lz4", ".snappy"), and the key
// without it; kNone and the whole key when there is none.
std::pair<Codec, std::string_view> CodecFromKey(std::string_view key);

}  // namespace tributary
