#include "common/crc32c.h"

#include <array>
#include <cstring>

#include "common/base64.h"

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace tributary {
namespace {

constexpr uint32_t kReflectedPolynomial = 0x82F63B78;  // RFC 3720 §B.4

constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? kReflectedPolynomial : 0);
    table[i] = crc;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = MakeTable();

uint32_t UpdatePortable(uint32_t state, const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) state = (state >> 8) ^ kTable[(state ^ p[i]) & 0xFF];
  return state;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t UpdateSse42(uint32_t state, const unsigned char* p,
                                                       size_t n) {
  uint64_t state64 = state;
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    state64 = _mm_crc32_u64(state64, word);
    p += 8;
    n -= 8;
  }
  state = static_cast<uint32_t>(state64);
  while (n > 0) {
    state = _mm_crc32_u8(state, *p++);
    --n;
  }
  return state;
}

bool HaveSse42() {
  static const bool have = __builtin_cpu_supports("sse4.2");
  return have;
}
#endif

}  // namespace

uint32_t Crc32cPortable(std::string_view data, uint32_t crc) {
  return ~UpdatePortable(~crc, reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

uint32_t Crc32c(std::string_view data, uint32_t crc) {
#if defined(__x86_64__)
  if (HaveSse42()) {
    return ~UpdateSse42(~crc, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  }
#endif
  return Crc32cPortable(data, crc);
}

std::string Crc32cBase64(std::string_view data) {
  const uint32_t crc = Crc32c(data);
  const char bytes[4] = {static_cast<char>(crc >> 24), static_cast<char>(crc >> 16),
                         static_cast<char>(crc >> 8), static_cast<char>(crc)};
  return Base64Encode(std::string_view(bytes, 4));
}

}  // namespace tributary
