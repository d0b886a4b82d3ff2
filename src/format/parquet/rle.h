// Parquet's RLE / bit-packing hybrid (parquet-format Encodings.md, "RLE = 3"), used for
// repetition and definition levels and dictionary indices:
//
//   run          := rle-run | bit-packed-run
//   rle-run      := varint(count << 1), value in ceil(bit_width / 8) bytes little-endian
//   bit-packed   := varint(groups << 1 | 1), groups × 8 values, bit_width bits each, LSB
//                   first; only the last run is padded with zeros to a whole group
//
// Runs of 8 or more equal values become RLE runs, the rest bit-packed groups. The caller
// adds the framing: V1 data-page levels get a 4-byte little-endian length prefix,
// dictionary indices a 1-byte bit width (see Encodings.md and PARQUET-2108).
//
// Thread safety: free functions without state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tributary::parquet {

// Bits needed for values 0..max_value (0 for max_value 0).
int BitWidth(uint64_t max_value);

void AppendHybrid(const uint32_t* values, size_t n, int bit_width, std::string* out);

// PLAIN booleans: bit-packed, LSB first, no header.
void AppendPackedBools(const uint8_t* values, size_t n, std::string* out);

}  // namespace tributary::parquet
