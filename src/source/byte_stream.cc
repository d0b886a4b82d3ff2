#include "source/byte_stream.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>

#include "format/codec/decompress.h"

namespace tributary {
namespace {

class StringStream final : public ByteStream {
 public:
  explicit StringStream(std::string bytes) : bytes_(std::move(bytes)) {}
  Result<bool> Read(std::string* out) override {
    if (done_ || bytes_.empty()) return false;
    done_ = true;
    out->append(bytes_);
    bytes_ = std::string();
    return true;
  }

 private:
  std::string bytes_;
  bool done_ = false;
};

// Ranged GETs of `chunk` bytes.
class RangedStream final : public ByteStream {
 public:
  RangedStream(ObjectStore& store, std::string key, uint64_t size, uint64_t chunk)
      : store_(&store), key_(std::move(key)), size_(size), chunk_(chunk) {}
  Result<bool> Read(std::string* out) override {
    if (pos_ >= size_) return false;
    const uint64_t last = std::min(size_, pos_ + chunk_) - 1;
    ASSIGN_OR_RETURN(std::string piece, store_->Get(key_, ByteRange{pos_, last}));
    if (piece.empty()) return Corruption("{}: empty read at byte {} of {}", key_, pos_, size_);
    pos_ += piece.size();
    out->append(piece);
    return true;
  }

 private:
  ObjectStore* store_;
  const std::string key_;
  const uint64_t size_;
  const uint64_t chunk_;
  uint64_t pos_ = 0;
};

constexpr size_t kOutBytes = 1 << 20;

class GzipStream final : public ByteStream {
 public:
  GzipStream(std::unique_ptr<ByteStream> in, std::string key)
      : in_(std::move(in)), key_(std::move(key)) {}
  ~GzipStream() override {
    if (init_) inflateEnd(&z_);
  }
  Result<bool> Read(std::string* out) override {
    if (!init_) {
      if (inflateInit2(&z_, 15 + 16) != Z_OK)
        return Internal("{}: gzip: inflateInit2 failed", key_);
      init_ = true;
    }
    std::string buf(kOutBytes, '\0');
    while (true) {
      if (z_.avail_in == 0) {
        input_.clear();
        ASSIGN_OR_RETURN(bool more, in_->Read(&input_));
        if (!more) {
          if (mid_member_) return Corruption("{}: gzip: truncated stream", key_);
          return false;
        }
        z_.next_in = reinterpret_cast<Bytef*>(input_.data());
        z_.avail_in = static_cast<uInt>(input_.size());
      }
      z_.next_out = reinterpret_cast<Bytef*>(buf.data());
      z_.avail_out = static_cast<uInt>(buf.size());
      mid_member_ = true;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      const size_t produced = buf.size() - z_.avail_out;
      if (rc == Z_STREAM_END) {
        // Concatenated members are one stream (as `gzip -d` reads them).
        mid_member_ = false;
        if (inflateReset(&z_) != Z_OK) return Internal("{}: gzip: inflateReset failed", key_);
      } else if (rc != Z_OK && !(rc == Z_BUF_ERROR && z_.avail_in == 0)) {
        return Corruption("{}: gzip: {}", key_, z_.msg ? z_.msg : "corrupt data");
      }
      if (produced > 0) {
        out->append(buf.data(), produced);
        return true;
      }
    }
  }

 private:
  std::unique_ptr<ByteStream> in_;
  const std::string key_;
  z_stream z_{};
  bool init_ = false;
  bool mid_member_ = false;
  std::string input_;
};

class ZstdStream final : public ByteStream {
 public:
  ZstdStream(std::unique_ptr<ByteStream> in, std::string key)
      : in_(std::move(in)), key_(std::move(key)), dctx_(ZSTD_createDCtx()) {}
  ~ZstdStream() override { ZSTD_freeDCtx(dctx_); }
  Result<bool> Read(std::string* out) override {
    if (dctx_ == nullptr) return Internal("{}: zstd: ZSTD_createDCtx failed", key_);
    std::string buf(kOutBytes, '\0');
    while (true) {
      if (in_buf_.pos == in_buf_.size) {
        input_.clear();
        ASSIGN_OR_RETURN(bool more, in_->Read(&input_));
        if (!more) {
          if (last_hint_ != 0) return Corruption("{}: zstd: truncated frame", key_);
          return false;
        }
        in_buf_ = ZSTD_inBuffer{input_.data(), input_.size(), 0};
      }
      ZSTD_outBuffer o{buf.data(), buf.size(), 0};
      const size_t rc = ZSTD_decompressStream(dctx_, &o, &in_buf_);
      if (ZSTD_isError(rc)) return Corruption("{}: zstd: {}", key_, ZSTD_getErrorName(rc));
      last_hint_ = rc;
      if (o.pos > 0) {
        out->append(buf.data(), o.pos);
        return true;
      }
    }
  }

 private:
  std::unique_ptr<ByteStream> in_;
  const std::string key_;
  ZSTD_DCtx* dctx_;
  std::string input_;
  ZSTD_inBuffer in_buf_{nullptr, 0, 0};
  size_t last_hint_ = 0;
};

}  // namespace

std::unique_ptr<ByteStream> StringByteStream(std::string bytes) {
  return std::make_unique<StringStream>(std::move(bytes));
}

Result<std::unique_ptr<ByteStream>> Decompressing(std::unique_ptr<ByteStream> raw, Codec codec,
                                                  const std::string& key) {
  switch (codec) {
    case Codec::kNone:
      return raw;
    case Codec::kGzip:
      return std::unique_ptr<ByteStream>(std::make_unique<GzipStream>(std::move(raw), key));
    case Codec::kZstd:
      return std::unique_ptr<ByteStream>(std::make_unique<ZstdStream>(std::move(raw), key));
    default: {
      // Not streamed: read and decompressed whole.
      std::string bytes;
      while (true) {
        ASSIGN_OR_RETURN(bool more, raw->Read(&bytes));
        if (!more) break;
      }
      if (codec == Codec::kSnappy || codec == Codec::kSnappyJava)
        codec = DetectSnappyFraming(bytes);
      ASSIGN_OR_RETURN(std::string plain, Decompress(codec, bytes, key));
      return StringByteStream(std::move(plain));
    }
  }
}

Result<std::unique_ptr<ByteStream>> OpenByteStream(ObjectStore& store, const std::string& key,
                                                   uint64_t size, Codec codec,
                                                   uint64_t chunk_bytes) {
  return Decompressing(std::make_unique<RangedStream>(store, key, size, chunk_bytes), codec, key);
}

}  // namespace tributary
