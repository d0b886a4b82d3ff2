#include "format/codec/decompress.h"

#include <cstring>

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

namespace tributary {
namespace {

constexpr std::string_view kSnappyJavaMagic("\x82SNAPPY\0", 8);
constexpr std::string_view kSnappyStreamId("\xff\x06\x00\x00sNaPpY", 10);

Status Corrupt(std::string_view what, std::string_view codec, std::string_view why) {
  return Corruption("{}: not a valid {} stream ({})", what, codec, why);
}

Result<std::string> Gunzip(std::string_view in, std::string_view what) {
  std::string out;
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return Internal("inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  char buf[64 * 1024];
  int rc = Z_OK;
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - z.avail_out);
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0) break;
      inflateReset(&z);  // another member follows
      continue;
    }
    if (rc != Z_OK && !(rc == Z_BUF_ERROR && z.avail_in > 0)) break;
  }
  std::string msg = z.msg ? z.msg : "truncated";
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return Corrupt(what, "gzip", msg);
  return out;
}

Result<std::string> Unzstd(std::string_view in, std::string_view what) {
  std::string out;
  ZSTD_DCtx* d = ZSTD_createDCtx();
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  char buf[128 * 1024];
  size_t rc = 0;
  while (input.pos < input.size) {
    ZSTD_outBuffer output{buf, sizeof(buf), 0};
    rc = ZSTD_decompressStream(d, &output, &input);
    if (ZSTD_isError(rc)) break;
    out.append(buf, output.pos);
    if (output.pos == sizeof(buf)) continue;  // more output may be pending
  }
  // Drain what the decoder still holds.
  while (!ZSTD_isError(rc) && rc != 0) {
    ZSTD_outBuffer output{buf, sizeof(buf), 0};
    size_t before = input.pos;
    rc = ZSTD_decompressStream(d, &output, &input);
    if (ZSTD_isError(rc)) break;
    out.append(buf, output.pos);
    if (output.pos == 0 && input.pos == before) break;
  }
  ZSTD_freeDCtx(d);
  if (ZSTD_isError(rc)) return Corrupt(what, "zstd", ZSTD_getErrorName(rc));
  if (rc != 0) return Corrupt(what, "zstd", "truncated frame");
  return out;
}

Result<std::string> Unlz4(std::string_view in, std::string_view what) {
  LZ4F_dctx* d = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION))) {
    return Internal("LZ4F_createDecompressionContext failed");
  }
  std::string out;
  char buf[128 * 1024];
  size_t pos = 0;
  size_t hint = 1;
  while (pos < in.size()) {
    size_t dst = sizeof(buf);
    size_t src = in.size() - pos;
    hint = LZ4F_decompress(d, buf, &dst, in.data() + pos, &src, nullptr);
    if (LZ4F_isError(hint)) break;
    out.append(buf, dst);
    pos += src;
    if (src == 0 && dst == 0) break;
  }
  // Output the decoder still holds after the input ran out.
  while (!LZ4F_isError(hint) && hint != 0) {
    size_t dst = sizeof(buf);
    size_t src = 0;
    hint = LZ4F_decompress(d, buf, &dst, nullptr, &src, nullptr);
    if (LZ4F_isError(hint) || dst == 0) break;
    out.append(buf, dst);
  }
  LZ4F_freeDecompressionContext(d);
  if (LZ4F_isError(hint)) return Corrupt(what, "lz4", LZ4F_getErrorName(hint));
  if (hint != 0) return Corrupt(what, "lz4", "truncated frame");
  return out;
}

uint32_t Le32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return u[0] | (u[1] << 8) | (u[2] << 16) | (static_cast<uint32_t>(u[3]) << 24);
}
uint32_t Be32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (static_cast<uint32_t>(u[0]) << 24) | (u[1] << 16) | (u[2] << 8) | u[3];
}

Result<std::string> UnsnappyFraming(std::string_view in, std::string_view what) {
  std::string out;
  size_t pos = 0;
  bool seen_id = false;
  while (pos < in.size()) {
    if (in.size() - pos < 4) return Corrupt(what, "snappy framing", "truncated chunk header");
    const unsigned type = static_cast<unsigned char>(in[pos]);
    const uint32_t len = Le32(in.data() + pos) >> 8;
    pos += 4;
    if (in.size() - pos < len) return Corrupt(what, "snappy framing", "truncated chunk");
    std::string_view body = in.substr(pos, len);
    pos += len;
    if (type == 0xff) {
      if (body != kSnappyStreamId.substr(4)) {
        return Corrupt(what, "snappy framing", "bad stream identifier");
      }
      seen_id = true;
      continue;
    }
    if (!seen_id) return Corrupt(what, "snappy framing", "no stream identifier");
    if (type == 0x00 || type == 0x01) {
      if (body.size() < 4) return Corrupt(what, "snappy framing", "chunk without checksum");
      const uint32_t crc = Le32(body.data());
      std::string_view data = body.substr(4);
      std::string plain;
      if (type == 0x00) {
        if (!snappy::Uncompress(data.data(), data.size(), &plain)) {
          return Corrupt(what, "snappy framing", "bad compressed chunk");
        }
        data = plain;
      }
      if (MaskedCrc32c(data) != crc) return Corrupt(what, "snappy framing", "checksum mismatch");
      out.append(data);
    } else if (type >= 0x02 && type <= 0x7f) {
      return Corrupt(what, "snappy framing", "reserved unskippable chunk");
    }
    // 0x80..0xfe: padding and skippable chunks.
  }
  return out;
}

Result<std::string> UnsnappyJava(std::string_view in, std::string_view what) {
  if (in.size() < 16 || in.substr(0, 8) != kSnappyJavaMagic) {
    return Corrupt(what, "snappy-java", "no SNAPPY header");
  }
  std::string out;
  size_t pos = 16;
  while (pos < in.size()) {
    if (in.size() - pos < 4) return Corrupt(what, "snappy-java", "truncated block length");
    const uint32_t len = Be32(in.data() + pos);
    pos += 4;
    if (in.size() - pos < len) return Corrupt(what, "snappy-java", "truncated block");
    std::string plain;
    if (!snappy::Uncompress(in.data() + pos, len, &plain)) {
      return Corrupt(what, "snappy-java", "bad compressed block");
    }
    out.append(plain);
    pos += len;
  }
  return out;
}

}  // namespace

Codec DetectSnappyFraming(std::string_view in) {
  return in.substr(0, kSnappyJavaMagic.size()) == kSnappyJavaMagic ? Codec::kSnappyJava
                                                                   : Codec::kSnappy;
}

Result<std::string> Decompress(Codec codec, std::string_view in, std::string_view what) {
  switch (codec) {
    case Codec::kNone:
      return std::string(in);
    case Codec::kGzip:
      return Gunzip(in, what);
    case Codec::kZstd:
      return Unzstd(in, what);
    case Codec::kLz4:
      return Unlz4(in, what);
    case Codec::kSnappy:
      return UnsnappyFraming(in, what);
    case Codec::kSnappyJava:
      return UnsnappyJava(in, what);
  }
  return Internal("unknown codec");
}

std::pair<Codec, std::string_view> CodecFromKey(std::string_view key) {
  struct Ext {
    std::string_view ext;
    Codec codec;
  };
  static constexpr Ext kExts[] = {{".gz", Codec::kGzip},
                                  {".zst", Codec::kZstd},
                                  {".lz4", Codec::kLz4},
                                  {".snappy", Codec::kSnappy}};
  for (const auto& e : kExts) {
    if (key.size() > e.ext.size() && key.ends_with(e.ext)) {
      return {e.codec, key.substr(0, key.size() - e.ext.size())};
    }
  }
  return {Codec::kNone, key};
}

}  // namespace tributary
