#include "format/codec/codec.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>
#include <lz4frame.h>
#include <snappy.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

namespace tributary {
namespace {

// ---- decoders written from the format specifications, for round trips ----

std::string Gunzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out;
  char buf[65536];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      ADD_FAILURE() << "inflate: " << rc;
      break;
    }
    out.append(buf, sizeof(buf) - zs.avail_out);
  }
  EXPECT_EQ(zs.avail_in, 0u) << "bytes after the gzip member";
  inflateEnd(&zs);
  return out;
}

std::string Unzstd(const std::string& in) {
  ZSTD_DCtx* d = ZSTD_createDCtx();
  std::string out;
  std::string buf(ZSTD_DStreamOutSize(), '\0');
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  size_t rc = 1;
  while (ib.pos < ib.size) {
    ZSTD_outBuffer ob{buf.data(), buf.size(), 0};
    rc = ZSTD_decompressStream(d, &ob, &ib);
    if (ZSTD_isError(rc)) {
      ADD_FAILURE() << ZSTD_getErrorName(rc);
      break;
    }
    out.append(buf.data(), ob.pos);
  }
  EXPECT_EQ(rc, 0u) << "zstd frame incomplete";
  ZSTD_freeDCtx(d);
  return out;
}

std::string Unlz4(const std::string& in) {
  LZ4F_dctx* d = nullptr;
  EXPECT_FALSE(LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)));
  std::string out;
  std::string buf(1 << 16, '\0');
  size_t pos = 0, hint = 1;
  while (pos < in.size() && hint != 0) {
    size_t src = in.size() - pos, dst = buf.size();
    hint = LZ4F_decompress(d, buf.data(), &dst, in.data() + pos, &src, nullptr);
    if (LZ4F_isError(hint)) {
      ADD_FAILURE() << LZ4F_getErrorName(hint);
      break;
    }
    pos += src;
    out.append(buf.data(), dst);
  }
  EXPECT_EQ(hint, 0u) << "lz4 frame incomplete";
  EXPECT_EQ(pos, in.size());
  LZ4F_freeDecompressionContext(d);
  return out;
}

uint32_t Le(const std::string& s, size_t pos, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(s[pos + i]);
  return v;
}

// google/snappy framing_format.txt: identifier, then compressed (0x00) / uncompressed
// (0x01) chunks with a masked CRC-32C of the uncompressed data.
std::string Unsnappy(const std::string& in) {
  EXPECT_EQ(in.substr(0, 10), std::string("\xff\x06\x00\x00sNaPpY", 10));
  std::string out;
  size_t pos = 10;
  while (pos < in.size()) {
    EXPECT_LE(pos + 4, in.size());
    unsigned type = static_cast<unsigned char>(in[pos]);
    uint32_t len = Le(in, pos + 1, 3);
    std::string body = in.substr(pos + 4, len);
    EXPECT_EQ(body.size(), len);
    pos += 4 + len;
    uint32_t crc = Le(body, 0, 4);
    std::string data;
    if (type == 0x00) {
      EXPECT_TRUE(snappy::Uncompress(body.data() + 4, body.size() - 4, &data));
    } else {
      EXPECT_EQ(type, 0x01u);
      data = body.substr(4);
    }
    EXPECT_LE(data.size(), 65536u);
    EXPECT_EQ(crc, MaskedCrc32c(data));
    out += data;
  }
  return out;
}

// snappy-java: 16-byte header, then [big-endian length][raw snappy block]*.
std::string UnsnappyJava(const std::string& in) {
  EXPECT_EQ(in.substr(0, 16), std::string("\x82SNAPPY\0\0\0\0\x01\0\0\0\x01", 16));
  std::string out;
  size_t pos = 16;
  while (pos + 4 <= in.size()) {
    uint32_t len = 0;
    for (int i = 0; i < 4; ++i) len = len << 8 | static_cast<unsigned char>(in[pos + i]);
    std::string block;
    EXPECT_TRUE(snappy::Uncompress(in.data() + pos + 4, len, &block));
    out += block;
    pos += 4 + len;
  }
  EXPECT_EQ(pos, in.size());
  return out;
}

std::string Decode(Codec codec, const std::string& in) {
  switch (codec) {
    case Codec::kNone:
      return in;
    case Codec::kGzip:
      return Gunzip(in);
    case Codec::kZstd:
      return Unzstd(in);
    case Codec::kLz4:
      return Unlz4(in);
    case Codec::kSnappy:
      return Unsnappy(in);
    case Codec::kSnappyJava:
      return UnsnappyJava(in);
  }
  return "";
}

// Half text (compressible), half random bytes (not), so both chunk kinds appear.
std::string TestData(size_t n) {
  std::mt19937 rng(42);
  std::string s;
  s.reserve(n);
  while (s.size() < n) {
    if ((s.size() / 100000) % 2 == 0) {
      s += "{\"id\":" + std::to_string(s.size()) + ",\"name\":\"record\"}\n";
    } else {
      s.push_back(static_cast<char>(rng()));
    }
  }
  s.resize(n);
  return s;
}

// Compresses `data` in appends of irregular sizes.
std::string Compress(Codec codec, int level, const std::string& data) {
  StringOutputStream inner;
  auto s = MakeCompressingStream(codec, level, &inner);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return "";
  size_t pos = 0, step = 1;
  while (pos < data.size()) {
    size_t n = std::min(step, data.size() - pos);
    EXPECT_TRUE((*s)->Append(std::string_view(data).substr(pos, n)).ok());
    pos += n;
    step = step * 7 % 100003 + 1;
  }
  EXPECT_TRUE((*s)->Close().ok());
  EXPECT_EQ((*s)->Size(), inner.Size());
  return inner.Release();
}

const Codec kAllCodecs[] = {Codec::kNone,   Codec::kGzip,       Codec::kZstd,
                            Codec::kSnappy, Codec::kSnappyJava, Codec::kLz4};

TEST(CodecTest, RoundTripsEveryCodec) {
  for (Codec c : kAllCodecs) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{65536}, size_t{65537}, size_t{1} << 20}) {
      std::string data = TestData(n);
      EXPECT_EQ(Decode(c, Compress(c, -1, data)), data) << CodecName(c) << " n=" << n;
    }
  }
}

TEST(CodecTest, LevelsChangeOutputAndAreChecked) {
  std::string data = TestData(300000);
  EXPECT_LT(Compress(Codec::kGzip, 9, data).size(), Compress(Codec::kGzip, 1, data).size());
  EXPECT_EQ(Gunzip(Compress(Codec::kGzip, 0, data)), data);
  EXPECT_EQ(Unzstd(Compress(Codec::kZstd, 19, data)), data);
  EXPECT_EQ(Unlz4(Compress(Codec::kLz4, 9, data)), data);
  StringOutputStream inner;
  for (auto [codec, level] : {std::pair{Codec::kGzip, 10}, std::pair{Codec::kGzip, -2},
                              std::pair{Codec::kZstd, 23}, std::pair{Codec::kLz4, 13}}) {
    auto s = MakeCompressingStream(codec, level, &inner);
    ASSERT_FALSE(s.ok()) << CodecName(codec) << " " << level;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find("s3.compression.level"), std::string::npos);
  }
}

TEST(CodecTest, StreamsWithBoundedBuffering) {
  // 4 MiB in: compressed bytes must reach the inner stream before Close(), and the part
  // still held back must be small.
  std::string data = TestData(4 << 20);
  for (Codec c : kAllCodecs) {
    StringOutputStream inner;
    auto s = MakeCompressingStream(c, -1, &inner);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Append(data).ok());
    uint64_t before_close = inner.Size();
    ASSERT_TRUE((*s)->Close().ok());
    EXPECT_GT(before_close, 0u) << CodecName(c);
    EXPECT_LT(inner.Size() - before_close, 512u * 1024) << CodecName(c);
  }
}

TEST(CodecTest, AppendAfterCloseFailsAndCloseIsIdempotent) {
  StringOutputStream inner;
  auto s = MakeCompressingStream(Codec::kGzip, -1, &inner);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->Append("x").ok());
  ASSERT_TRUE((*s)->Close().ok());
  uint64_t size = inner.Size();
  EXPECT_TRUE((*s)->Close().ok());
  EXPECT_EQ(inner.Size(), size);
  EXPECT_EQ((*s)->Append("y").code(), StatusCode::kInternal);
}

TEST(CodecTest, SnappyJavaMatchesTheKnownEncoding) {
  // "foobar\n" as snappy-java writes it: header, block length 9, raw snappy block.
  EXPECT_EQ(Compress(Codec::kSnappyJava, -1, "foobar\n"),
            std::string("\x82SNAPPY\0\0\0\0\x01\0\0\0\x01\0\0\0\x09\x07\x18"
                        "foobar\n",
                        29));
}

TEST(CodecTest, ParseCodecAndExtensions) {
  EXPECT_EQ(*ParseCodec("gzip"), Codec::kGzip);
  EXPECT_EQ(*ParseCodec("GZIP"), Codec::kGzip);
  EXPECT_EQ(*ParseCodec("none"), Codec::kNone);
  EXPECT_EQ(*ParseCodec("zstd"), Codec::kZstd);
  EXPECT_EQ(*ParseCodec("snappy"), Codec::kSnappy);
  EXPECT_EQ(*ParseCodec("lz4"), Codec::kLz4);
  auto bad = ParseCodec("brotli");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("s3.compression.type"), std::string::npos);
  EXPECT_NE(bad.status().message().find("brotli"), std::string::npos);
  auto aiven = ParseCodec("lzo", "file.compression.type");
  ASSERT_FALSE(aiven.ok());
  EXPECT_NE(aiven.status().message().find("file.compression.type"), std::string::npos);

  EXPECT_EQ(".json" + CodecExtension(Codec::kGzip), ".json.gz");
  EXPECT_EQ(CodecExtension(Codec::kNone), "");
  EXPECT_EQ(CodecExtension(Codec::kZstd), ".zst");
  EXPECT_EQ(CodecExtension(Codec::kSnappy), ".snappy");
  EXPECT_EQ(CodecExtension(Codec::kSnappyJava), ".snappy");
  EXPECT_EQ(CodecExtension(Codec::kLz4), ".lz4");
}

// ---- independent readers: the codecs' own command-line tools ----

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

bool HaveCommand(const std::string& check) {
  return std::system((check + " >/dev/null 2>&1").c_str()) == 0;
}

// Writes `data` compressed with `codec` to a file, runs `command` (with {in} and {out}
// replaced) and returns what the tool decompressed.
std::string DecodeWithTool(Codec codec, const std::string& data, const std::string& command) {
  auto dir =
      std::filesystem::path(::testing::TempDir()) /
      ("tributary_codec_test-" + std::to_string(::getpid()));  // per process: tests run in parallel
  std::filesystem::create_directories(dir);
  auto in = dir / ("in" + CodecExtension(codec));
  auto out = dir / "out";
  std::filesystem::remove(out);
  {
    std::ofstream f(in, std::ios::binary);
    f << Compress(codec, -1, data);
  }
  std::string cmd = command;
  cmd.replace(cmd.find("{in}"), 4, in.string());
  cmd.replace(cmd.find("{out}"), 5, out.string());
  int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << cmd;
  return ReadFile(out);
}

TEST(CodecToolsTest, GzipCliReadsGzip) {
  if (!HaveCommand("gzip --version")) GTEST_SKIP() << "gzip not installed";
  std::string data = TestData(1 << 20);
  EXPECT_EQ(DecodeWithTool(Codec::kGzip, data, "gzip -dc {in} > {out}"), data);
  EXPECT_EQ(DecodeWithTool(Codec::kGzip, "", "gzip -dc {in} > {out}"), "");
  // `gzip -t` checks the CRC-32 and length trailer.
  EXPECT_EQ(DecodeWithTool(Codec::kGzip, data, "gzip -t {in} && : > {out}"), "");
}

TEST(CodecToolsTest, ZstdCliReadsZstd) {
  if (!HaveCommand("zstd --version")) GTEST_SKIP() << "zstd not installed (Debian: zstd)";
  std::string data = TestData(1 << 20);
  EXPECT_EQ(DecodeWithTool(Codec::kZstd, data, "zstd -q -dc {in} > {out}"), data);
  EXPECT_EQ(DecodeWithTool(Codec::kZstd, "", "zstd -q -dc {in} > {out}"), "");
}

TEST(CodecToolsTest, Lz4CliReadsLz4) {
  if (!HaveCommand("lz4 --version")) GTEST_SKIP() << "lz4 not installed (Debian: lz4)";
  std::string data = TestData(1 << 20);
  EXPECT_EQ(DecodeWithTool(Codec::kLz4, data, "lz4 -q -dc {in} > {out}"), data);
  EXPECT_EQ(DecodeWithTool(Codec::kLz4, "", "lz4 -q -dc {in} > {out}"), "");
}

TEST(CodecToolsTest, PythonSnappyReadsTheFramingFormat) {
  // The framing is parsed by read_snappy_framing.py and every chunk decompressed by
  // python-snappy's block decoder, an independent implementation.
  if (!HaveCommand("/usr/bin/python3 -c 'import snappy'")) {
    GTEST_SKIP() << "python3-snappy not installed (Debian: python3-snappy)";
  }
  const std::string command = std::string("/usr/bin/python3 ") + TRIBUTARY_SOURCE_DIR +
                              "/src/format/codec/read_snappy_framing.py {in} {out}";
  for (size_t size : {size_t{0}, size_t{100}, size_t{1} << 20}) {
    std::string data = TestData(size);
    std::string decoded = DecodeWithTool(Codec::kSnappy, data, command);
    // Compared without printing: a failure would otherwise dump megabytes.
    EXPECT_EQ(decoded.size(), data.size());
    EXPECT_TRUE(decoded == data) << "decoded bytes differ for size " << size;
  }
}

}  // namespace
}  // namespace tributary
