#include "format/parquet/rle.h"

namespace tributary::parquet {
namespace {

void Varint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Length of the run of values equal to values[i], counting at most `cap`.
size_t RunAt(const uint32_t* values, size_t n, size_t i, size_t cap) {
  size_t j = i;
  while (j < n && j - i < cap && values[j] == values[i]) ++j;
  return j - i;
}

}  // namespace

int BitWidth(uint64_t max_value) {
  int w = 0;
  while (max_value) {
    ++w;
    max_value >>= 1;
  }
  return w;
}

void AppendHybrid(const uint32_t* values, size_t n, int bit_width, std::string* out) {
  const size_t value_bytes = (bit_width + 7) / 8;
  size_t i = 0;
  while (i < n) {
    size_t run = RunAt(values, n, i, SIZE_MAX);
    if (run >= 8) {
      Varint(static_cast<uint64_t>(run) << 1, out);
      for (size_t b = 0; b < value_bytes; ++b)
        out->push_back(static_cast<char>(values[i] >> (8 * b)));
      i += run;
      continue;
    }
    // Literals, in whole groups of 8, until a run of 8 starts at a group boundary.
    size_t start = i;
    while (i < n) {
      if ((i - start) % 8 == 0 && i > start && RunAt(values, n, i, 8) >= 8) break;
      ++i;
    }
    size_t count = i - start;
    size_t groups = (count + 7) / 8;
    Varint(static_cast<uint64_t>(groups) << 1 | 1, out);
    uint64_t acc = 0;
    int bits = 0;
    for (size_t k = 0; k < groups * 8; ++k) {
      uint64_t v = k < count ? values[start + k] : 0;
      acc |= v << bits;
      bits += bit_width;
      while (bits >= 8) {
        out->push_back(static_cast<char>(acc & 0xFF));
        acc >>= 8;
        bits -= 8;
      }
    }
    // groups × 8 × bit_width is a multiple of 8 bits: nothing is left in acc.
  }
}

void AppendPackedBools(const uint8_t* values, size_t n, std::string* out) {
  for (size_t i = 0; i < n; i += 8) {
    uint8_t byte = 0;
    for (size_t k = 0; k < 8 && i + k < n; ++k) byte |= (values[i + k] & 1) << k;
    out->push_back(static_cast<char>(byte));
  }
}

}  // namespace tributary::parquet
