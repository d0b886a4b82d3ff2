#include "format/reader/parquet_decoding.h"

#include <algorithm>
#include <cmath>

namespace tributary::reader {

std::string_view EncodingName(int64_t e) {
  switch (e) {
    case kPlain:
      return "PLAIN";
    case kPlainDictionary:
      return "PLAIN_DICTIONARY";
    case kRle:
      return "RLE";
    case kBitPacked:
      return "BIT_PACKED";
    case kDeltaBinaryPacked:
      return "DELTA_BINARY_PACKED";
    case kDeltaLengthByteArray:
      return "DELTA_LENGTH_BYTE_ARRAY";
    case kDeltaByteArray:
      return "DELTA_BYTE_ARRAY";
    case kRleDictionary:
      return "RLE_DICTIONARY";
    case kByteStreamSplit:
      return "BYTE_STREAM_SPLIT";
    default:
      return "unknown";
  }
}

std::string_view CodecName(int64_t c) {
  switch (c) {
    case 0:
      return "UNCOMPRESSED";
    case 1:
      return "SNAPPY";
    case 2:
      return "GZIP";
    case 3:
      return "LZO";
    case 4:
      return "BROTLI";
    case 5:
      return "LZ4";
    case 6:
      return "ZSTD";
    case 7:
      return "LZ4_RAW";
    default:
      return "unknown";
  }
}

bool ReadVarint(std::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in->empty()) return false;
    auto b = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

bool ReadZigzag(std::string_view* in, int64_t* v) {
  uint64_t z;
  if (!ReadVarint(in, &z)) return false;
  *v = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
  return true;
}

// `bw` (0..64) bits at bit position `bit` of `data`, LSB first.
uint64_t ReadBits(std::string_view data, uint64_t bit, int bw) {
  if (bw == 0) return 0;
  uint8_t buf[16] = {};
  size_t at = bit / 8;
  if (at < data.size()) std::memcpy(buf, data.data() + at, std::min<size_t>(16, data.size() - at));
  unsigned __int128 x;
  std::memcpy(&x, buf, 16);
  x >>= (bit % 8);
  return bw == 64 ? static_cast<uint64_t>(x) : static_cast<uint64_t>(x) & ((uint64_t{1} << bw) - 1);
}

// The RLE / bit-packing hybrid (Encodings.md), `n` values of `bw` bits.
template <typename T>
bool DecodeHybrid(std::string_view in, int bw, size_t n, std::vector<T>* out) {
  out->clear();
  if (bw < 0 || bw > 32) return false;
  out->reserve(n);
  const size_t value_bytes = (static_cast<size_t>(bw) + 7) / 8;
  while (out->size() < n) {
    uint64_t h;
    if (!ReadVarint(&in, &h)) return false;
    if (h & 1) {
      uint64_t groups = h >> 1;
      if (groups > in.size() + n) return false;
      uint64_t bytes = groups * static_cast<uint64_t>(bw);
      if (bytes > in.size()) return false;
      std::string_view run = in.substr(0, bytes);
      uint64_t count = std::min<uint64_t>(groups * 8, n - out->size());
      for (uint64_t k = 0; k < count; ++k)
        out->push_back(static_cast<T>(ReadBits(run, k * bw, bw)));
      in.remove_prefix(bytes);
    } else {
      uint64_t count = h >> 1;
      if (value_bytes > in.size()) return false;
      uint32_t v = 0;
      for (size_t k = 0; k < value_bytes; ++k)
        v |= static_cast<uint32_t>(static_cast<uint8_t>(in[k])) << (8 * k);
      in.remove_prefix(value_bytes);
      count = std::min<uint64_t>(count, n - out->size());
      out->insert(out->end(), count, static_cast<T>(v));
    }
  }
  return true;
}

int BitWidth(int max_level) {
  int bw = 0;
  while (max_level >> bw) ++bw;
  return bw;
}

// DELTA_BINARY_PACKED (Encodings.md): `*in` is advanced past the values.
bool DecodeDeltaBinaryPacked(std::string_view* in, size_t max_values, std::vector<int64_t>* out) {
  out->clear();
  uint64_t block_size, miniblocks, total;
  int64_t first;
  if (!ReadVarint(in, &block_size) || !ReadVarint(in, &miniblocks) || !ReadVarint(in, &total) ||
      !ReadZigzag(in, &first)) {
    return false;
  }
  if (block_size == 0 || block_size % 128 != 0 || miniblocks == 0 || block_size % miniblocks != 0 ||
      (block_size / miniblocks) % 32 != 0 || total > max_values) {
    return false;
  }
  const uint64_t per_mini = block_size / miniblocks;
  if (total == 0) return true;
  out->reserve(total);
  out->push_back(first);
  uint64_t prev = static_cast<uint64_t>(first);
  while (out->size() < total) {
    int64_t min_delta;
    if (!ReadZigzag(in, &min_delta) || in->size() < miniblocks) return false;
    std::string_view widths = in->substr(0, miniblocks);
    in->remove_prefix(miniblocks);
    for (uint64_t m = 0; m < miniblocks && out->size() < total; ++m) {
      int bw = static_cast<uint8_t>(widths[m]);
      if (bw > 64) return false;
      uint64_t bytes = per_mini * bw / 8;
      if (bytes > in->size()) return false;
      std::string_view data = in->substr(0, bytes);
      for (uint64_t k = 0; k < per_mini && out->size() < total; ++k) {
        prev += static_cast<uint64_t>(min_delta) + ReadBits(data, k * bw, bw);
        out->push_back(static_cast<int64_t>(prev));
      }
      in->remove_prefix(bytes);
    }
  }
  return true;
}

template bool DecodeHybrid<uint8_t>(std::string_view, int, size_t, std::vector<uint8_t>*);
template bool DecodeHybrid<uint32_t>(std::string_view, int, size_t, std::vector<uint32_t>*);

float HalfToFloat(uint16_t h) {
  int sign = h >> 15, exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    v = mant ? NAN : INFINITY;
  } else {
    v = std::ldexp(static_cast<float>(mant | 0x400), exp - 25);
  }
  return sign ? -v : v;
}

}  // namespace tributary::reader
