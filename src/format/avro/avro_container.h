// Avro binary encoding and object container files (apache/avro "Specification": Binary
// Encoding, Object Container Files), written by Tributary itself: avro-c cannot write
// zstandard or custom metadata and drops logical types when it re-serializes a schema
// (shared/reference/formats-s3-iceberg.md §3.4).
//
// File layout:
//
//   "Obj" 0x01
//   metadata   map<bytes>: avro.schema (AvroSchemaJson, logical types kept), avro.codec,
//              then the caller's keys (Tributary's: tributary.topic, tributary.partition,
//              tributary.offset.first, tributary.version)
//   sync       16 random bytes (getrandom), repeated after every block
//   block*     long count, long byte size, the codec's bytes, sync
//
// A block is cut when its encoded (uncompressed) bytes reach `block_bytes`; one value
// larger than that is a block of its own. Codecs: null; deflate (raw RFC 1951, no zlib
// header); snappy (raw block + 4-byte big-endian CRC-32 of the uncompressed bytes);
// zstandard (one zstd frame per block).
//
// The header is written with the first block (or at Close() for a file without
// records), so the caller may still add metadata after construction.
//
// Thread safety: a writer is used by one thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "format/output_stream.h"
#include "schema/schema.h"
#include "schema/value.h"

namespace tributary {

enum class AvroCodec { kNull, kDeflate, kSnappy, kZstandard };

// "null" | "deflate" | "snappy" | "zstandard" (also "zstd"): avro.codec. InvalidArgument
// naming avro.codec otherwise.
Result<AvroCodec> ParseAvroCodec(std::string_view name);
std::string_view AvroCodecName(AvroCodec codec);

// Appends the Avro binary encoding of `value` (of `schema`) to `out`. InvalidArgument
// naming the field path when the value does not match the schema (a null in a required
// field, a uuid that is not 36 characters of hex, a decimal too large for its fixed).
Status EncodeAvro(const Schema& schema, const Value& value, std::string* out);

struct AvroContainerOptions {
  AvroCodec codec = AvroCodec::kNull;
  int level = -1;                // deflate 0..9, zstandard 1..22; -1 the codec's default
  uint64_t block_bytes = 64000;  // Java's DataFileWriter default sync interval
  std::vector<std::pair<std::string, std::string>> metadata;  // extra header keys
};

class AvroContainerWriter {
 public:
  // Borrows `out`, which must outlive the writer.
  AvroContainerWriter(OutputStream* out, Schema schema, AvroContainerOptions options);

  // Header metadata; effective until the first block is written.
  void AddMetadata(std::string key, std::string value);
  // Encodes one value; writes a block when the buffer reaches block_bytes.
  Status Append(const Value& value);
  // Appends a datum that is already Avro binary in this writer's schema (a Schema
  // Registry payload after its 5-byte prefix), without decoding it.
  Status AppendEncoded(std::string_view datum);
  // Writes the last block (and the header if nothing was written yet).
  Status Close();

  // Encoded bytes waiting for the next block.
  uint64_t BufferedBytes() const { return block_.size(); }
  uint64_t count() const { return total_; }
  const Schema& schema() const { return schema_; }

 private:
  Status FlushBlock();
  Status WriteHeader();

  OutputStream* out_;
  Schema schema_;
  AvroContainerOptions options_;
  std::string sync_;
  std::string block_;
  std::string scratch_;
  uint64_t block_count_ = 0;
  uint64_t total_ = 0;
  bool header_written_ = false;
  bool closed_ = false;
};

// Avro's long encoding (zigzag varint), for tests and the registry path.
void AppendAvroLong(int64_t v, std::string* out);

}  // namespace tributary
