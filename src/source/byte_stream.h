// Streaming reads of a data object for `tributary source`: the object is fetched in
// ranged GETs of `chunk_bytes` and decompressed as it streams (gzip: zlib, concatenated
// members too; zstd: ZSTD_decompressStream, several frames too), so a reader holds one
// compressed chunk plus the decompressed bytes of its current records, not the object.
//
// lz4 and both snappy framings are not streamed: those objects are fetched and
// decompressed whole (format/codec/decompress.h), as before.
//
// Errors: kCorruption naming the object and the codec for corrupt or truncated input;
// the store's errors as they come.
//
// Thread safety: a stream is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "format/codec/codec.h"
#include "objstore/object_store.h"

namespace tributary {

// Pieces of decompressed bytes, in order.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Appends the next piece to `*out` (at least one byte); false at the end.
  virtual Result<bool> Read(std::string* out) = 0;
};

inline constexpr uint64_t kStreamChunkBytes = 8 << 20;

// The decompressed bytes of object `key` (`size` bytes as stored) written with `codec`.
Result<std::unique_ptr<ByteStream>> OpenByteStream(ObjectStore& store, const std::string& key,
                                                   uint64_t size, Codec codec,
                                                   uint64_t chunk_bytes = kStreamChunkBytes);

// The decompressed bytes of `raw` (named `key` in errors).
Result<std::unique_ptr<ByteStream>> Decompressing(std::unique_ptr<ByteStream> raw, Codec codec,
                                                  const std::string& key);

// A stream over bytes already in memory (tests, side files).
std::unique_ptr<ByteStream> StringByteStream(std::string bytes);

}  // namespace tributary
