#include "format/reader/avro_reader.h"

#include <cstring>

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include "format/reader/columnar_json.h"
#include "schema/avro_decoder.h"
#include "schema/avro_schema.h"

namespace tributary {
namespace {

constexpr std::string_view kMagic("Obj\x01", 4);
constexpr size_t kSyncSize = 16;
// No block Tributary or Java writes comes near this (Java's sync interval is 64 KB;
// one value larger than the interval is a block of its own); a larger claim is corrupt.
constexpr uint64_t kMaxBlockBytes = 1ull << 31;

// Reads Avro's zigzag varint longs and byte strings from the front of a view.
bool ReadLong(std::string_view* in, int64_t* v) {
  uint64_t z = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (in->empty()) return false;
    auto b = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    z |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) {
      *v = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
      return true;
    }
  }
  return false;
}

bool ReadBytes(std::string_view* in, std::string_view* out) {
  int64_t n = 0;
  if (!ReadLong(in, &n) || n < 0 || static_cast<uint64_t>(n) > in->size()) return false;
  *out = in->substr(0, static_cast<size_t>(n));
  in->remove_prefix(static_cast<size_t>(n));
  return true;
}

enum class Codec { kNull, kDeflate, kSnappy, kZstandard };

struct Block {
  int64_t count = 0;
  int64_t first_row = 0;
  std::string_view data;  // the codec's bytes
};

class AvroReader final : public RecordReader {
 public:
  AvroReader(std::string name, std::string bytes)
      : name_(std::move(name)), bytes_(std::move(bytes)) {}
  ~AvroReader() override { ZSTD_freeDStream(zstd_); }
  AvroReader(const AvroReader&) = delete;
  AvroReader& operator=(const AvroReader&) = delete;

  Status Open(ColumnarFileInfo* info) {
    std::string_view in = bytes_;
    if (in.size() < kMagic.size() || in.substr(0, kMagic.size()) != kMagic) {
      return Corruption("{}: not an Avro container file (no \"Obj\\x01\" magic)", name_);
    }
    in.remove_prefix(kMagic.size());
    info->format = "avro";
    // The metadata map: blocks of (count, [size,] key/value pairs), ended by count 0.
    while (true) {
      int64_t count = 0;
      if (!ReadLong(&in, &count)) return Corruption("{}: truncated header metadata", name_);
      if (count == 0) break;
      if (count < 0) {
        int64_t size = 0;
        if (!ReadLong(&in, &size) || count == INT64_MIN)
          return Corruption("{}: truncated header metadata", name_);
        count = -count;
      }
      if (static_cast<uint64_t>(count) > in.size()) {
        return Corruption("{}: header metadata claims {} entries in {} bytes", name_, count,
                          in.size());
      }
      for (int64_t k = 0; k < count; ++k) {
        std::string_view key, value;
        if (!ReadBytes(&in, &key) || !ReadBytes(&in, &value)) {
          return Corruption("{}: truncated header metadata", name_);
        }
        info->metadata.emplace_back(std::string(key), std::string(value));
      }
    }
    if (in.size() < kSyncSize) return Corruption("{}: truncated header (no sync marker)", name_);
    sync_ = in.substr(0, kSyncSize);
    in.remove_prefix(kSyncSize);

    auto schema_json = info->Get("avro.schema");
    if (!schema_json) return Corruption("{}: the header has no avro.schema", name_);
    info->schema_json = *schema_json;
    auto schema = ParseAvroSchema(*schema_json);
    if (!schema.ok()) {
      return InvalidArgument("{}: writer schema not supported: {}", name_,
                             schema.status().message());
    }
    schema_ = std::move(*schema);
    std::string codec = info->Get("avro.codec").value_or("null");
    if (codec.empty()) codec = "null";
    info->codec = codec;
    if (codec == "null") {
      codec_ = Codec::kNull;
    } else if (codec == "deflate") {
      codec_ = Codec::kDeflate;
    } else if (codec == "snappy") {
      codec_ = Codec::kSnappy;
    } else if (codec == "zstandard") {
      codec_ = Codec::kZstandard;
    } else {
      return InvalidArgument("{}: avro.codec '{}' not supported (null, deflate, snappy, zstandard)",
                             name_, codec);
    }
    info->created_by = info->Get("tributary.created.by").value_or("");

    // The block framing of the whole file.
    int64_t rows = 0;
    while (!in.empty()) {
      const size_t at = bytes_.size() - in.size();
      const size_t index = blocks_.size();
      Block b;
      int64_t size = 0;
      if (!ReadLong(&in, &b.count) || !ReadLong(&in, &size)) {
        return Corruption("{}: block {} at byte {}: truncated block header", name_, index, at);
      }
      if (b.count < 0 || size < 0 || static_cast<uint64_t>(size) > kMaxBlockBytes) {
        return Corruption("{}: block {} at byte {}: invalid count {} or size {}", name_, index, at,
                          b.count, size);
      }
      if (static_cast<uint64_t>(size) + kSyncSize > in.size()) {
        return Corruption(
            "{}: block {} at byte {}: truncated ({} bytes and the sync marker "
            "announced, {} left)",
            name_, index, at, size, in.size());
      }
      b.data = in.substr(0, static_cast<size_t>(size));
      in.remove_prefix(static_cast<size_t>(size));
      if (in.substr(0, kSyncSize) != sync_) {
        return Corruption(
            "{}: block {} at byte {}: the sync marker after it does not match "
            "the header's",
            name_, index, at);
      }
      in.remove_prefix(kSyncSize);
      b.first_row = rows;
      if (__builtin_add_overflow(rows, b.count, &rows)) {
        return Corruption("{}: block {} at byte {}: row count {} overflows", name_, index, at,
                          b.count);
      }
      blocks_.push_back(b);
    }
    info->rows = rows;
    info->blocks = static_cast<int64_t>(blocks_.size());
    return Status::OK();
  }

  Result<bool> Next(ReadRecord* out) override {
    *out = ReadRecord{};
    while (left_in_block_ == 0) {
      if (!block_done_) {
        // The previous block's rows are all read; its bytes must be used up too.
        block_done_ = true;
        if (!datum_.empty()) {
          return Corruption("{}: block {}: {} bytes left after its {} rows", name_, next_block_ - 1,
                            datum_.size(), blocks_[next_block_ - 1].count);
        }
      }
      if (next_block_ >= blocks_.size()) return false;
      RETURN_IF_ERROR(LoadBlock(next_block_));
      ++next_block_;
    }
    const Block& b = blocks_[next_block_ - 1];
    const int64_t row = b.first_row + (b.count - left_in_block_);
    Status st = DecodeAvro(schema_, &datum_, &value_);
    if (!st.ok()) {
      return Corruption("{}: block {} row {}: {}", name_, next_block_ - 1, row, st.message());
    }
    --left_in_block_;
    std::string json;
    reader::AppendValueJson(schema_, value_, &json);
    out->value = std::move(json);
    return true;
  }

 private:
  Status LoadBlock(size_t index) {
    const Block& b = blocks_[index];
    auto fail = [&](std::string_view what) {
      return Corruption("{}: block {} (rows {}..{}): {}", name_, index, b.first_row,
                        b.first_row + b.count - 1, what);
    };
    switch (codec_) {
      case Codec::kNull:
        datum_ = b.data;
        break;
      case Codec::kDeflate: {
        block_.clear();
        z_stream z{};
        if (inflateInit2(&z, -15) != Z_OK) return Internal("inflateInit2 failed");
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(b.data.data()));
        z.avail_in = static_cast<uInt>(b.data.size());
        int rc = Z_OK;
        char buf[64 << 10];
        while (rc != Z_STREAM_END) {
          z.next_out = reinterpret_cast<Bytef*>(buf);
          z.avail_out = sizeof(buf);
          rc = inflate(&z, Z_NO_FLUSH);
          if (rc != Z_OK && rc != Z_STREAM_END) break;
          block_.append(buf, sizeof(buf) - z.avail_out);
          if (block_.size() > kMaxBlockBytes) break;
          if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) break;  // input ended early
        }
        inflateEnd(&z);
        if (rc != Z_STREAM_END) return fail("deflate data is corrupt or truncated");
        datum_ = block_;
        break;
      }
      case Codec::kSnappy: {
        if (b.data.size() < 4) return fail("snappy block shorter than its CRC-32");
        std::string_view raw = b.data.substr(0, b.data.size() - 4);
        if (!snappy::IsValidCompressedBuffer(raw.data(), raw.size()))
          return fail("snappy data is corrupt");
        block_.clear();
        if (!snappy::Uncompress(raw.data(), raw.size(), &block_))
          return fail("snappy data is corrupt");
        const auto* c = reinterpret_cast<const uint8_t*>(b.data.data() + raw.size());
        uint32_t want = uint32_t{c[0]} << 24 | uint32_t{c[1]} << 16 | uint32_t{c[2]} << 8 | c[3];
        uint32_t got = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(block_.data()),
                                                   static_cast<uInt>(block_.size())));
        if (want != got)
          return fail(
              fmt::format("snappy CRC-32 mismatch (stored {:08x}, computed {:08x})", want, got));
        datum_ = block_;
        break;
      }
      case Codec::kZstandard: {
        block_.clear();
        if (!zstd_) zstd_ = ZSTD_createDStream();
        ZSTD_DStream* z = zstd_;
        ZSTD_initDStream(z);
        ZSTD_inBuffer zin{b.data.data(), b.data.size(), 0};
        char buf[64 << 10];
        size_t rc = 1;
        while (zin.pos < zin.size || rc != 0) {
          ZSTD_outBuffer zout{buf, sizeof(buf), 0};
          size_t before = zin.pos;
          rc = ZSTD_decompressStream(z, &zout, &zin);
          if (ZSTD_isError(rc)) break;
          block_.append(buf, zout.pos);
          if (block_.size() > kMaxBlockBytes) break;
          if (zout.pos == 0 && zin.pos == before) break;  // no progress: truncated
        }
        if (ZSTD_isError(rc)) return fail(fmt::format("zstandard: {}", ZSTD_getErrorName(rc)));
        if (rc != 0 || block_.size() > kMaxBlockBytes) return fail("zstandard data is truncated");
        datum_ = block_;
        break;
      }
    }
    left_in_block_ = b.count;
    block_done_ = false;
    return Status::OK();
  }

  const std::string name_;
  const std::string bytes_;
  std::string_view sync_;
  Schema schema_;
  Codec codec_ = Codec::kNull;
  std::vector<Block> blocks_;
  size_t next_block_ = 0;
  int64_t left_in_block_ = 0;
  bool block_done_ = true;
  std::string block_;             // the current block, decompressed
  std::string_view datum_;        // what is left of it
  Value value_;                   // reused
  ZSTD_DStream* zstd_ = nullptr;  // made for the first zstandard block, reused
};

}  // namespace

Result<std::unique_ptr<RecordReader>> MakeAvroReader(std::string name, std::string bytes,
                                                     ColumnarFileInfo* info) {
  ColumnarFileInfo local;
  if (!info) info = &local;
  *info = ColumnarFileInfo{};
  auto reader = std::make_unique<AvroReader>(std::move(name), std::move(bytes));
  RETURN_IF_ERROR(reader->Open(info));
  return std::unique_ptr<RecordReader>(std::move(reader));
}

}  // namespace tributary
