// Parquet's value and level encodings, decoded (apache/parquet-format Encodings.md): the
// pieces the column reader (parquet_column_reader.h) is built from. Encoding is the other
// way round in format/parquet/rle.h.
//
// Every decoder reads only inside the view it is given and returns false when the input
// ends early or is malformed; callers name the page.
//
// Thread safety: free functions without state.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace tributary::reader {

// parquet.thrift enums.
enum Physical {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixed = 7
};
enum PageType { kDataPage = 0, kDictionaryPage = 2, kDataPageV2 = 3 };
enum Encoding {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9
};
enum Repetition { kRequired = 0, kOptional = 1, kRepeated = 2 };

std::string_view EncodingName(int64_t encoding);
std::string_view CodecName(int64_t codec);

template <typename T>
T LoadLE(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));  // Parquet is little-endian, as x86-64 and aarch64 are
  return v;
}

// Unsigned LEB128 and its zigzag form, advancing `*in`.
bool ReadVarint(std::string_view* in, uint64_t* v);
bool ReadZigzag(std::string_view* in, int64_t* v);

// `bw` (0..64) bits at bit position `bit` of `data`, least significant bit first; bits
// past the end read as 0.
uint64_t ReadBits(std::string_view data, uint64_t bit, int bw);

// Bits needed for 0..max_level.
int BitWidth(int max_level);

// `n` values of `bw` bits (0..32) of the RLE / bit-packing hybrid, without a length prefix.
// Instantiated for uint8_t (levels) and uint32_t (dictionary indices).
template <typename T>
bool DecodeHybrid(std::string_view in, int bw, size_t n, std::vector<T>* out);

// DELTA_BINARY_PACKED: at most `max_values` values; `*in` is advanced past them.
bool DecodeDeltaBinaryPacked(std::string_view* in, size_t max_values, std::vector<int64_t>* out);

// IEEE 754 half precision (FLOAT16) to float.
float HalfToFloat(uint16_t h);

}  // namespace tributary::reader
