#include "format/codec/decompress.h"

#include <gtest/gtest.h>

#include "format/output_stream.h"

namespace tributary {
namespace {

std::string Compress(Codec codec, std::string_view plain) {
  StringOutputStream sink;
  auto stream = MakeCompressingStream(codec, -1, &sink);
  EXPECT_TRUE(stream.ok());
  // Several appends, so that chunked codecs see more than one chunk.
  for (size_t i = 0; i < plain.size(); i += 50'000) {
    EXPECT_TRUE((*stream)->Append(plain.substr(i, 50'000)).ok());
  }
  EXPECT_TRUE((*stream)->Close().ok());
  return sink.Release();
}

std::string Sample() {
  std::string s;
  for (int i = 0; i < 40'000; ++i) s += "{\"id\":" + std::to_string(i * 7919 % 100'003) + "}\n";
  return s;  // ~500 KiB: several snappy and lz4 chunks, several zlib windows
}

TEST(DecompressTest, RoundTripsEveryCodec) {
  const std::string plain = Sample();
  for (Codec c : {Codec::kNone, Codec::kGzip, Codec::kZstd, Codec::kLz4, Codec::kSnappy,
                  Codec::kSnappyJava}) {
    SCOPED_TRACE(std::string(CodecName(c)));
    std::string packed = Compress(c, plain);
    auto out = Decompress(c, packed, "k");
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(*out, plain);
    if (c == Codec::kSnappy || c == Codec::kSnappyJava) {
      EXPECT_EQ(DetectSnappyFraming(packed), c);
    }
  }
}

TEST(DecompressTest, EmptyStreams) {
  for (Codec c : {Codec::kGzip, Codec::kZstd, Codec::kLz4, Codec::kSnappy, Codec::kSnappyJava}) {
    auto out = Decompress(c, Compress(c, ""), "k");
    ASSERT_TRUE(out.ok()) << CodecName(c) << ": " << out.status().ToString();
    EXPECT_EQ(*out, "");
  }
}

TEST(DecompressTest, ConcatenatedMembersAndFramesAreOneStream) {
  for (Codec c : {Codec::kGzip, Codec::kZstd, Codec::kLz4}) {
    auto out = Decompress(c, Compress(c, "a\n") + Compress(c, "b\n"), "k");
    ASSERT_TRUE(out.ok()) << CodecName(c);
    EXPECT_EQ(*out, "a\nb\n");
  }
}

TEST(DecompressTest, TruncatedOrCorruptInputNamesTheObject) {
  const std::string plain = Sample();
  for (Codec c : {Codec::kGzip, Codec::kZstd, Codec::kLz4, Codec::kSnappy, Codec::kSnappyJava}) {
    std::string packed = Compress(c, plain);
    auto out = Decompress(c, packed.substr(0, packed.size() / 2), "topics/t/x.json");
    ASSERT_FALSE(out.ok()) << CodecName(c);
    EXPECT_EQ(out.status().code(), StatusCode::kCorruption);
    EXPECT_NE(out.status().message().find("topics/t/x.json"), std::string::npos);
  }
  // A flipped byte inside a snappy framing chunk fails its CRC.
  std::string packed = Compress(Codec::kSnappy, "hello hello hello");
  packed[packed.size() - 2] ^= 0x01;
  EXPECT_FALSE(Decompress(Codec::kSnappy, packed, "k").ok());
}

TEST(DecompressTest, CodecFromKey) {
  EXPECT_EQ(CodecFromKey("a/t+0+0000000000.json.gz").first, Codec::kGzip);
  EXPECT_EQ(CodecFromKey("a/t+0+0000000000.json.gz").second, "a/t+0+0000000000.json");
  EXPECT_EQ(CodecFromKey("x.bin.zst").first, Codec::kZstd);
  EXPECT_EQ(CodecFromKey("x.csv.lz4").first, Codec::kLz4);
  EXPECT_EQ(CodecFromKey("x.json.snappy").first, Codec::kSnappy);
  EXPECT_EQ(CodecFromKey("x.json").first, Codec::kNone);
  EXPECT_EQ(CodecFromKey("x.json").second, "x.json");
}

}  // namespace
}  // namespace tributary
