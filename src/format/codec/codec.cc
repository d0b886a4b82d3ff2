#include "format/codec/codec.h"

#include "common/crc32c.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

namespace tributary {
namespace {

constexpr std::string_view kLevelKey = "s3.compression.level";

// Shared by every codec: counts bytes handed to `inner`, and refuses use after Close().
class CompressingStream : public OutputStream {
 public:
  explicit CompressingStream(OutputStream* inner) : inner_(inner) {}

  Status Append(std::string_view bytes) final {
    if (closed_) return Internal("{} stream: Append() after Close()", name());
    if (bytes.empty()) return Status::OK();
    return Compress(bytes);
  }
  Status Close() final {
    if (closed_) return Status::OK();
    closed_ = true;
    return Finish();
  }
  uint64_t Size() const final { return emitted_; }

 protected:
  virtual std::string_view name() const = 0;
  virtual Status Compress(std::string_view bytes) = 0;
  virtual Status Finish() = 0;

  Status Emit(std::string_view bytes) {
    if (bytes.empty()) return Status::OK();
    emitted_ += bytes.size();
    return inner_->Append(bytes);
  }

 private:
  OutputStream* inner_;
  uint64_t emitted_ = 0;
  bool closed_ = false;
};

class PassThroughStream final : public CompressingStream {
 public:
  using CompressingStream::CompressingStream;

 private:
  std::string_view name() const override { return "uncompressed"; }
  Status Compress(std::string_view bytes) override { return Emit(bytes); }
  Status Finish() override { return Status::OK(); }
};

// ---- gzip (zlib) ----

class GzipStream final : public CompressingStream {
 public:
  explicit GzipStream(OutputStream* inner) : CompressingStream(inner), out_(kOutSize, '\0') {}
  ~GzipStream() override {
    if (initialized_) deflateEnd(&zs_);
  }

  Status Init(int level) {
    // windowBits 15 + 16: a 32 KiB window with a gzip (RFC 1952) header and trailer.
    int rc = deflateInit2(&zs_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    if (rc != Z_OK) return Internal("gzip: deflateInit2 failed ({})", rc);
    initialized_ = true;
    return Status::OK();
  }

 private:
  static constexpr size_t kOutSize = 64 * 1024;

  std::string_view name() const override { return "gzip"; }
  Status Compress(std::string_view bytes) override { return Run(bytes, Z_NO_FLUSH); }
  Status Finish() override { return Run({}, Z_FINISH); }

  Status Run(std::string_view bytes, int flush) {
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    zs_.avail_in = static_cast<uInt>(bytes.size());
    while (true) {
      zs_.next_out = reinterpret_cast<Bytef*>(out_.data());
      zs_.avail_out = static_cast<uInt>(out_.size());
      int rc = deflate(&zs_, flush);
      if (rc == Z_STREAM_ERROR) return Internal("gzip: deflate failed");
      RETURN_IF_ERROR(Emit(std::string_view(out_.data(), out_.size() - zs_.avail_out)));
      if (flush == Z_FINISH ? rc == Z_STREAM_END : (zs_.avail_in == 0 && zs_.avail_out != 0)) {
        return Status::OK();
      }
    }
  }

  z_stream zs_{};
  bool initialized_ = false;
  std::string out_;
};

// ---- zstd ----

class ZstdStream final : public CompressingStream {
 public:
  explicit ZstdStream(OutputStream* inner)
      : CompressingStream(inner), cctx_(ZSTD_createCCtx()), out_(ZSTD_CStreamOutSize(), '\0') {}
  ~ZstdStream() override { ZSTD_freeCCtx(cctx_); }

  Status Init(int level) {
    if (cctx_ == nullptr) return Internal("zstd: ZSTD_createCCtx failed");
    for (auto [param, value] :
         {std::pair{ZSTD_c_compressionLevel, level}, std::pair{ZSTD_c_checksumFlag, 1}}) {
      size_t rc = ZSTD_CCtx_setParameter(cctx_, param, value);
      if (ZSTD_isError(rc)) return Internal("zstd: setParameter: {}", ZSTD_getErrorName(rc));
    }
    return Status::OK();
  }

 private:
  std::string_view name() const override { return "zstd"; }
  Status Compress(std::string_view bytes) override { return Run(bytes, ZSTD_e_continue); }
  Status Finish() override { return Run({}, ZSTD_e_end); }

  Status Run(std::string_view bytes, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    while (true) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      size_t remaining = ZSTD_compressStream2(cctx_, &out, &in, mode);
      if (ZSTD_isError(remaining)) {
        return Internal("zstd: compress failed: {}", ZSTD_getErrorName(remaining));
      }
      RETURN_IF_ERROR(Emit(std::string_view(out_.data(), out.pos)));
      bool done = mode == ZSTD_e_end ? remaining == 0 : in.pos == in.size;
      if (done) return Status::OK();
    }
  }

  ZSTD_CCtx* cctx_;
  std::string out_;
};

// ---- lz4 frame ----

class Lz4Stream final : public CompressingStream {
 public:
  explicit Lz4Stream(OutputStream* inner) : CompressingStream(inner) {}
  ~Lz4Stream() override {
    if (ctx_ != nullptr) LZ4F_freeCompressionContext(ctx_);
  }

  Status Init(int level) {
    LZ4F_errorCode_t rc = LZ4F_createCompressionContext(&ctx_, LZ4F_VERSION);
    if (LZ4F_isError(rc)) return Internal("lz4: {}", LZ4F_getErrorName(rc));
    prefs_ = LZ4F_preferences_t{};
    prefs_.frameInfo.blockSizeID = LZ4F_max64KB;
    prefs_.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    prefs_.compressionLevel = level;
    out_.resize(std::max<size_t>(LZ4F_compressBound(kChunk, &prefs_), LZ4F_HEADER_SIZE_MAX));
    size_t n = LZ4F_compressBegin(ctx_, out_.data(), out_.size(), &prefs_);
    if (LZ4F_isError(n)) return Internal("lz4: compressBegin: {}", LZ4F_getErrorName(n));
    return Emit(std::string_view(out_.data(), n));
  }

 private:
  static constexpr size_t kChunk = 64 * 1024;

  std::string_view name() const override { return "lz4"; }

  Status Compress(std::string_view bytes) override {
    while (!bytes.empty()) {
      std::string_view chunk = bytes.substr(0, kChunk);
      bytes.remove_prefix(chunk.size());
      size_t n =
          LZ4F_compressUpdate(ctx_, out_.data(), out_.size(), chunk.data(), chunk.size(), nullptr);
      if (LZ4F_isError(n)) return Internal("lz4: compressUpdate: {}", LZ4F_getErrorName(n));
      RETURN_IF_ERROR(Emit(std::string_view(out_.data(), n)));
    }
    return Status::OK();
  }

  Status Finish() override {
    size_t n = LZ4F_compressEnd(ctx_, out_.data(), out_.size(), nullptr);
    if (LZ4F_isError(n)) return Internal("lz4: compressEnd: {}", LZ4F_getErrorName(n));
    return Emit(std::string_view(out_.data(), n));
  }

  LZ4F_cctx* ctx_ = nullptr;
  LZ4F_preferences_t prefs_{};
  std::string out_;
};

// ---- snappy: framing format and snappy-java's stream format ----

// Both collect input into blocks and compress each block whole with raw snappy.
class SnappyBlockStream : public CompressingStream {
 public:
  SnappyBlockStream(OutputStream* inner, size_t block_size)
      : CompressingStream(inner), block_size_(block_size) {
    pending_.reserve(block_size);
  }

 protected:
  virtual Status EmitBlock(std::string_view block) = 0;

  Status Compress(std::string_view bytes) override {
    while (!bytes.empty()) {
      size_t take = std::min(bytes.size(), block_size_ - pending_.size());
      if (pending_.empty() && take == block_size_) {  // a whole block: no copy
        RETURN_IF_ERROR(EmitBlock(bytes.substr(0, take)));
      } else {
        pending_.append(bytes.substr(0, take));
        if (pending_.size() == block_size_) {
          RETURN_IF_ERROR(EmitBlock(pending_));
          pending_.clear();
        }
      }
      bytes.remove_prefix(take);
    }
    return Status::OK();
  }

  Status Finish() override {
    if (pending_.empty()) return Status::OK();
    Status st = EmitBlock(pending_);
    pending_.clear();
    return st;
  }

  // Raw snappy of `block` into compressed_.
  void CompressBlock(std::string_view block) {
    compressed_.resize(snappy::MaxCompressedLength(block.size()));
    size_t n = 0;
    snappy::RawCompress(block.data(), block.size(), compressed_.data(), &n);
    compressed_.resize(n);
  }

  std::string compressed_;

 private:
  const size_t block_size_;
  std::string pending_;
};

void PutLe(uint32_t v, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutBe32(uint32_t v, std::string* out) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

class SnappyFramedStream final : public SnappyBlockStream {
 public:
  // 64 KiB: the framing format's limit on uncompressed data per chunk.
  explicit SnappyFramedStream(OutputStream* inner) : SnappyBlockStream(inner, 64 * 1024) {}

  Status Init() {
    // Stream identifier chunk: type 0xff, length 6, "sNaPpY".
    static constexpr char kStreamIdentifier[] = "\xff\x06\x00\x00sNaPpY";
    return Emit(std::string_view(kStreamIdentifier, sizeof(kStreamIdentifier) - 1));
  }

 private:
  std::string_view name() const override { return "snappy"; }

  Status EmitBlock(std::string_view block) override {
    CompressBlock(block);
    // Chunk type 0x00 (compressed) unless compression does not pay, then 0x01
    // (uncompressed, the data as is); both carry the masked CRC-32C of the input.
    bool stored = compressed_.size() >= block.size();
    std::string_view data = stored ? block : std::string_view(compressed_);
    header_.clear();
    header_.push_back(stored ? '\x01' : '\x00');
    PutLe(static_cast<uint32_t>(data.size() + 4), 3, &header_);
    PutLe(MaskedCrc32c(block), 4, &header_);
    RETURN_IF_ERROR(Emit(header_));
    return Emit(data);
  }

  std::string header_;
};

class SnappyJavaStream final : public SnappyBlockStream {
 public:
  // 32 KiB: snappy-java's default block size.
  explicit SnappyJavaStream(OutputStream* inner) : SnappyBlockStream(inner, 32 * 1024) {}

  Status Init() {
    // Magic "\x82SNAPPY\0", then version 1 and minimum compatible version 1 (big-endian).
    static constexpr char kHeader[] = "\x82SNAPPY\0\0\0\0\x01\0\0\0\x01";
    return Emit(std::string_view(kHeader, sizeof(kHeader) - 1));
  }

 private:
  std::string_view name() const override { return "snappy-java"; }

  Status EmitBlock(std::string_view block) override {
    CompressBlock(block);
    std::string length;
    PutBe32(static_cast<uint32_t>(compressed_.size()), &length);
    RETURN_IF_ERROR(Emit(length));
    return Emit(compressed_);
  }
};

Status CheckLevel(Codec codec, int level, int min, int max) {
  if (level >= min && level <= max) return Status::OK();
  return InvalidArgument("{}: {} for {} compression; expected {}..{}", kLevelKey, level,
                         CodecName(codec), min, max);
}

}  // namespace

uint32_t MaskedCrc32c(std::string_view data) {
  // framing_format.txt §3: rotate right by 15 bits, then add a constant.
  uint32_t crc = Crc32c(data);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

Result<Codec> ParseCodec(std::string_view value, std::string_view config_key) {
  std::string lower(value);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (Codec c : {Codec::kNone, Codec::kGzip, Codec::kZstd, Codec::kSnappy, Codec::kLz4}) {
    if (CodecName(c) == lower) return c;
  }
  return InvalidArgument("{}: expected one of none, gzip, zstd, snappy, lz4; got '{}'", config_key,
                         value);
}

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kNone:
      return "none";
    case Codec::kGzip:
      return "gzip";
    case Codec::kZstd:
      return "zstd";
    case Codec::kSnappy:
      return "snappy";
    case Codec::kSnappyJava:
      return "snappy-java";
    case Codec::kLz4:
      return "lz4";
  }
  return "?";
}

std::string CodecExtension(Codec codec) {
  switch (codec) {
    case Codec::kNone:
      return "";
    case Codec::kGzip:
      return ".gz";
    case Codec::kZstd:
      return ".zst";
    case Codec::kSnappy:
    case Codec::kSnappyJava:
      return ".snappy";
    case Codec::kLz4:
      return ".lz4";
  }
  return "";
}

Result<std::unique_ptr<OutputStream>> MakeCompressingStream(Codec codec, int level,
                                                            OutputStream* inner) {
  switch (codec) {
    case Codec::kNone:
      return std::unique_ptr<OutputStream>(std::make_unique<PassThroughStream>(inner));
    case Codec::kGzip: {
      RETURN_IF_ERROR(CheckLevel(codec, level, -1, 9));
      auto s = std::make_unique<GzipStream>(inner);
      RETURN_IF_ERROR(s->Init(level));  // -1 is Z_DEFAULT_COMPRESSION
      return std::unique_ptr<OutputStream>(std::move(s));
    }
    case Codec::kZstd: {
      RETURN_IF_ERROR(CheckLevel(codec, level, -1, ZSTD_maxCLevel()));
      auto s = std::make_unique<ZstdStream>(inner);
      RETURN_IF_ERROR(s->Init(level <= 0 ? ZSTD_CLEVEL_DEFAULT : level));
      return std::unique_ptr<OutputStream>(std::move(s));
    }
    case Codec::kLz4: {
      RETURN_IF_ERROR(CheckLevel(codec, level, -1, LZ4F_compressionLevel_max()));
      auto s = std::make_unique<Lz4Stream>(inner);
      RETURN_IF_ERROR(s->Init(level < 0 ? 0 : level));
      return std::unique_ptr<OutputStream>(std::move(s));
    }
    case Codec::kSnappy: {
      auto s = std::make_unique<SnappyFramedStream>(inner);
      RETURN_IF_ERROR(s->Init());
      return std::unique_ptr<OutputStream>(std::move(s));
    }
    case Codec::kSnappyJava: {
      auto s = std::make_unique<SnappyJavaStream>(inner);
      RETURN_IF_ERROR(s->Init());
      return std::unique_ptr<OutputStream>(std::move(s));
    }
  }
  return Internal("MakeCompressingStream: unknown codec {}", static_cast<int>(codec));
}

}  // namespace tributary
