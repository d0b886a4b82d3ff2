#include "common/crc32c.h"

#include <string>

#include <gtest/gtest.h>

namespace tributary {
namespace {

TEST(Crc32cTest, StandardCheckValue) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32cPortable("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(""), 0u);
}

TEST(Crc32cTest, Rfc3720TestVectors) {
  // RFC 3720 §B.4: 32 bytes of zeros, of 0xFF, and an ascending sequence.
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
}

TEST(Crc32cTest, HardwareAndTableAgreeAndChain) {
  std::string data;
  for (int i = 0; i < 10'007; ++i) data.push_back(static_cast<char>((i * 131) ^ (i >> 3)));
  for (size_t len : {0u, 1u, 7u, 8u, 9u, 63u, 1000u, 10'007u}) {
    const std::string_view d(data.data(), len);
    EXPECT_EQ(Crc32c(d), Crc32cPortable(d)) << len;
  }
  const std::string_view all(data);
  EXPECT_EQ(Crc32c(all.substr(333), Crc32c(all.substr(0, 333))), Crc32c(all));
}

TEST(Crc32cTest, Base64IsOfTheBigEndianBytes) {
  // 0xE3069283 -> bytes E3 06 92 83 -> "4waSgw==".
  EXPECT_EQ(Crc32cBase64("123456789"), "4waSgw==");
  EXPECT_EQ(Crc32cBase64(""), "AAAAAA==");
}

}  // namespace
}  // namespace tributary
