#include "format/reader/parquet_column_reader.h"

#include <lz4.h>
#include <snappy.h>
#include <zlib.h>

#include "format/reader/thrift_compact_reader.h"

namespace tributary::reader {
namespace {

// A page larger than this (decompressed) or with more level entries is taken as corrupt:
// writers cut pages at about 1 MiB and 20,000 rows (parquet-java, Tributary) or DuckDB's
// row-group-sized pages of at most a few hundred thousand entries.
constexpr int64_t kMaxPageBytes = 1ll << 30;
constexpr int64_t kMaxPageEntries = 1ll << 24;

}  // namespace

Status ColumnReader::Decompress(std::string_view in, int64_t size, std::string* out) const {
  if (size < 0 || size > kMaxPageBytes)
    return PageFail(fmt::format("invalid uncompressed size {}", size));
  const auto n = static_cast<size_t>(size);
  switch (codec_) {
    case 0:
      out->assign(in);
      return Status::OK();
    case 1: {
      size_t len = 0;
      if (!snappy::GetUncompressedLength(in.data(), in.size(), &len) || len != n ||
          !snappy::IsValidCompressedBuffer(in.data(), in.size())) {
        return PageFail("snappy data is corrupt");
      }
      out->resize(n);
      if (!snappy::RawUncompress(in.data(), in.size(), out->data()))
        return PageFail("snappy data is corrupt");
      return Status::OK();
    }
    case 2: {
      // A gzip member (RFC 1952) whose trailer states the size, or a zlib stream.
      if (in.size() >= 18 && static_cast<uint8_t>(in[0]) == 0x1f &&
          LoadLE<uint32_t>(in.data() + in.size() - 4) != static_cast<uint32_t>(n)) {
        return PageFail(
            "gzip data is corrupt (size in its trailer differs from the page header's)");
      }
      out->resize(n);
      z_stream z{};
      if (inflateInit2(&z, 15 + 32) != Z_OK) return Internal("inflateInit2 failed");
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      z.avail_in = static_cast<uInt>(in.size());
      z.next_out = reinterpret_cast<Bytef*>(out->data());
      z.avail_out = static_cast<uInt>(n);
      int rc = inflate(&z, Z_FINISH);
      size_t got = z.total_out;
      inflateEnd(&z);
      if (rc != Z_STREAM_END || got != n) return PageFail("gzip data is corrupt or truncated");
      return Status::OK();
    }
    case 6: {
      unsigned long long content = ZSTD_getFrameContentSize(in.data(), in.size());
      if (content == ZSTD_CONTENTSIZE_ERROR ||
          (content != ZSTD_CONTENTSIZE_UNKNOWN && content != n)) {
        return PageFail("zstd data is corrupt");
      }
      out->resize(n);
      if (!zstd_->ctx) zstd_->ctx = ZSTD_createDCtx();
      size_t got = ZSTD_decompressDCtx(zstd_->ctx, out->data(), n, in.data(), in.size());
      if (ZSTD_isError(got) || got != n) {
        return PageFail(fmt::format("zstd data is corrupt ({})",
                                    ZSTD_isError(got) ? ZSTD_getErrorName(got) : "wrong size"));
      }
      return Status::OK();
    }
    case 7: {
      if (n > in.size() * 255 + 16) return PageFail("lz4_raw data is corrupt");
      out->resize(n);
      int got = LZ4_decompress_safe(in.data(), out->data(), static_cast<int>(in.size()),
                                    static_cast<int>(n));
      if (got < 0 || static_cast<size_t>(got) != n) return PageFail("lz4_raw data is corrupt");
      return Status::OK();
    }
    default:
      return InvalidArgument(
          "{}: compression codec {} not supported (UNCOMPRESSED, SNAPPY, GZIP, "
          "ZSTD, LZ4_RAW)",
          where_, CodecName(codec_));
  }
}

Status ColumnReader::DecodePlain(std::string_view in, size_t n,
                                 std::vector<std::string_view>* out) const {
  static constexpr char kBits[2] = {0, 1};
  out->clear();
  const int w = leaf_->physical == kInt32 || leaf_->physical == kFloat    ? 4
                : leaf_->physical == kInt64 || leaf_->physical == kDouble ? 8
                : leaf_->physical == kInt96                               ? 12
                : leaf_->physical == kFixed                               ? leaf_->type_length
                                                                          : 0;
  if (leaf_->physical == kBoolean) {
    if ((n + 7) / 8 > in.size()) return PageFail("PLAIN booleans truncated");
    out->reserve(n);
    for (size_t k = 0; k < n; ++k)
      out->emplace_back(&kBits[(static_cast<uint8_t>(in[k / 8]) >> (k % 8)) & 1], 1);
    return Status::OK();
  }
  if (leaf_->physical == kByteArray) {
    out->reserve(std::min(n, in.size() / 4));
    for (size_t k = 0; k < n; ++k) {
      if (in.size() < 4) return PageFail("PLAIN byte array truncated");
      uint32_t len = LoadLE<uint32_t>(in.data());
      if (len > in.size() - 4) return PageFail("PLAIN byte array truncated");
      out->push_back(in.substr(4, len));
      in.remove_prefix(4 + static_cast<size_t>(len));
    }
    return Status::OK();
  }
  if (static_cast<uint64_t>(n) * w > in.size()) return PageFail("PLAIN values truncated");
  out->reserve(n);
  for (size_t k = 0; k < n; ++k) out->push_back(in.substr(k * w, w));
  return Status::OK();
}

Status ColumnReader::DecodeValues(int64_t encoding, std::string_view in, size_t n) {
  dictionary_page_ = false;
  values_.clear();
  switch (encoding) {
    case kPlain:
      return DecodePlain(in, n, &values_);
    case kPlainDictionary:
    case kRleDictionary: {
      if (!has_dictionary_) return PageFail("dictionary-encoded page without a dictionary page");
      if (n == 0) {
        indices_.clear();
      } else {
        if (in.empty()) return PageFail("dictionary indices truncated");
        int bw = static_cast<uint8_t>(in[0]);
        if (!DecodeHybrid(in.substr(1), bw, n, &indices_))
          return PageFail("dictionary indices are corrupt");
        for (uint32_t i : indices_) {
          if (i >= dictionary_.size()) {
            return PageFail(
                fmt::format("dictionary index {} of a {}-entry dictionary", i, dictionary_.size()));
          }
        }
      }
      dictionary_page_ = true;
      return Status::OK();
    }
    case kRle: {
      if (leaf_->physical != kBoolean) break;
      if (in.size() < 4) return PageFail("RLE booleans truncated");
      uint32_t len = LoadLE<uint32_t>(in.data());
      if (len > in.size() - 4) return PageFail("RLE booleans truncated");
      std::vector<uint8_t> bits;
      if (!DecodeHybrid(in.substr(4, len), 1, n, &bits))
        return PageFail("RLE booleans are corrupt");
      static constexpr char kBits[2] = {0, 1};
      for (uint8_t b : bits) values_.emplace_back(&kBits[b & 1], 1);
      return Status::OK();
    }
    case kDeltaBinaryPacked: {
      if (leaf_->physical != kInt32 && leaf_->physical != kInt64) break;
      std::vector<int64_t> v;
      if (!DecodeDeltaBinaryPacked(&in, n, &v) || v.size() != n) {
        return PageFail("DELTA_BINARY_PACKED values are corrupt");
      }
      const size_t w = leaf_->physical == kInt32 ? 4 : 8;
      decoded_.resize(n * w);
      for (size_t k = 0; k < n; ++k) {
        if (w == 4) {
          auto x = static_cast<int32_t>(v[k]);
          std::memcpy(decoded_.data() + k * 4, &x, 4);
        } else {
          std::memcpy(decoded_.data() + k * 8, &v[k], 8);
        }
      }
      for (size_t k = 0; k < n; ++k) values_.push_back(std::string_view(decoded_).substr(k * w, w));
      return Status::OK();
    }
    case kDeltaLengthByteArray: {
      if (leaf_->physical != kByteArray) break;
      std::vector<int64_t> lengths;
      if (!DecodeDeltaBinaryPacked(&in, n, &lengths) || lengths.size() != n) {
        return PageFail("DELTA_LENGTH_BYTE_ARRAY lengths are corrupt");
      }
      for (int64_t len : lengths) {
        if (len < 0 || static_cast<uint64_t>(len) > in.size()) {
          return PageFail("DELTA_LENGTH_BYTE_ARRAY data truncated");
        }
        values_.push_back(in.substr(0, static_cast<size_t>(len)));
        in.remove_prefix(static_cast<size_t>(len));
      }
      return Status::OK();
    }
    case kDeltaByteArray: {
      if (leaf_->physical != kByteArray && leaf_->physical != kFixed) break;
      std::vector<int64_t> prefixes, suffixes;
      if (!DecodeDeltaBinaryPacked(&in, n, &prefixes) || prefixes.size() != n ||
          !DecodeDeltaBinaryPacked(&in, n, &suffixes) || suffixes.size() != n) {
        return PageFail("DELTA_BYTE_ARRAY lengths are corrupt");
      }
      uint64_t total = 0, prev_len = 0, data = 0;
      for (size_t k = 0; k < n; ++k) {
        if (prefixes[k] < 0 || suffixes[k] < 0 || static_cast<uint64_t>(prefixes[k]) > prev_len) {
          return PageFail("DELTA_BYTE_ARRAY prefix longer than the previous value");
        }
        prev_len = static_cast<uint64_t>(prefixes[k]) + static_cast<uint64_t>(suffixes[k]);
        total += prev_len;
        data += static_cast<uint64_t>(suffixes[k]);
        if (total > static_cast<uint64_t>(kMaxPageBytes) || data > in.size()) {
          return PageFail("DELTA_BYTE_ARRAY data truncated");
        }
      }
      decoded_.resize(total);
      size_t at = 0, prev_at = 0;
      for (size_t k = 0; k < n; ++k) {
        auto p = static_cast<size_t>(prefixes[k]), s = static_cast<size_t>(suffixes[k]);
        std::memmove(decoded_.data() + at, decoded_.data() + prev_at, p);
        std::memcpy(decoded_.data() + at + p, in.data(), s);
        in.remove_prefix(s);
        prev_at = at;
        at += p + s;
      }
      at = 0;
      for (size_t k = 0; k < n; ++k) {
        size_t len = static_cast<size_t>(prefixes[k] + suffixes[k]);
        values_.push_back(std::string_view(decoded_).substr(at, len));
        at += len;
      }
      return Status::OK();
    }
    case kByteStreamSplit: {
      const int w = leaf_->physical == kInt32 || leaf_->physical == kFloat    ? 4
                    : leaf_->physical == kInt64 || leaf_->physical == kDouble ? 8
                    : leaf_->physical == kFixed                               ? leaf_->type_length
                                                                              : 0;
      if (w == 0) break;
      if (static_cast<uint64_t>(n) * w > in.size())
        return PageFail("BYTE_STREAM_SPLIT values truncated");
      decoded_.resize(n * w);
      for (size_t k = 0; k < n; ++k) {
        for (int b = 0; b < w; ++b) decoded_[k * w + b] = in[b * n + k];
      }
      for (size_t k = 0; k < n; ++k) values_.push_back(std::string_view(decoded_).substr(k * w, w));
      return Status::OK();
    }
    default:
      break;
  }
  return InvalidArgument("{}: page at byte {}: encoding {} ({}) not supported for this column",
                         where_, page_at_, EncodingName(encoding), encoding);
}

Status ColumnReader::LoadPage() {
  while (true) {
    if (chunk_.empty()) {
      return Fail(fmt::format("the column chunk ends with {} of its values missing", values_left_));
    }
    page_at_ = chunk_offset_ + static_cast<int64_t>(chunk_size_ - chunk_.size());
    ThriftValue h;
    std::string_view in = chunk_;
    if (!ReadThriftStruct(&in, &h)) return PageFail("unreadable page header");
    const int64_t type = h.Int(1, -1), usize = h.Int(2, -1), csize = h.Int(3, -1);
    if (csize < 0 || static_cast<uint64_t>(csize) > in.size()) {
      return PageFail(
          fmt::format("truncated: {} bytes announced, {} left in the chunk", csize, in.size()));
    }
    std::string_view body = in.substr(0, static_cast<size_t>(csize));
    chunk_ = in.substr(static_cast<size_t>(csize));
    if (type == kDictionaryPage) {
      const ThriftValue* dh = h.Field(7);
      if (!dh) return PageFail("dictionary page without its header");
      const int64_t n = dh->Int(1, -1), enc = dh->Int(2, kPlain);
      if (n < 0 || n > kMaxPageEntries)
        return PageFail(fmt::format("invalid dictionary size {}", n));
      if (enc != kPlain && enc != kPlainDictionary) {
        return InvalidArgument("{}: page at byte {}: dictionary encoding {} not supported", where_,
                               page_at_, EncodingName(enc));
      }
      RETURN_IF_ERROR(Decompress(body, usize, &dictionary_buffer_));
      RETURN_IF_ERROR(DecodePlain(dictionary_buffer_, static_cast<size_t>(n), &dictionary_));
      has_dictionary_ = true;
      continue;
    }
    if (type != kDataPage && type != kDataPageV2) continue;  // index pages: nothing for rows
    int64_t n, encoding;
    std::string_view rep_bytes, def_bytes, values;
    bool v1_levels = false;
    if (type == kDataPage) {
      const ThriftValue* dh = h.Field(5);
      if (!dh) return PageFail("data page without its header");
      n = dh->Int(1, -1);
      encoding = dh->Int(2, kPlain);
      if ((leaf_->max_def > 0 && dh->Int(3, kRle) != kRle) ||
          (leaf_->max_rep > 0 && dh->Int(4, kRle) != kRle)) {
        return InvalidArgument("{}: page at byte {}: BIT_PACKED levels not supported (only RLE)",
                               where_, page_at_);
      }
      RETURN_IF_ERROR(Decompress(body, usize, &page_));
      values = page_;
      v1_levels = true;
    } else {
      const ThriftValue* dh = h.Field(8);
      if (!dh) return PageFail("data page v2 without its header");
      n = dh->Int(1, -1);
      encoding = dh->Int(4, kPlain);
      const int64_t def_len = dh->Int(5, 0), rep_len = dh->Int(6, 0);
      const bool compressed = dh->Int(7, 1) != 0;
      if (def_len < 0 || rep_len < 0 ||
          static_cast<uint64_t>(def_len) + static_cast<uint64_t>(rep_len) > body.size()) {
        return PageFail("level lengths exceed the page");
      }
      rep_bytes = body.substr(0, static_cast<size_t>(rep_len));
      def_bytes = body.substr(static_cast<size_t>(rep_len), static_cast<size_t>(def_len));
      std::string_view rest = body.substr(static_cast<size_t>(rep_len + def_len));
      if (compressed && codec_ != 0) {
        RETURN_IF_ERROR(Decompress(rest, usize - rep_len - def_len, &page_));
        values = page_;
      } else {
        values = rest;
      }
    }
    if (n < 0 || n > kMaxPageEntries || n > values_left_) {
      return PageFail(fmt::format("{} values in the page, {} left in the chunk", n, values_left_));
    }
    const auto count = static_cast<size_t>(n);
    auto levels = [&](int max_level, std::string_view v2_bytes, std::vector<uint8_t>* out,
                      const char* what) -> Status {
      out->clear();
      if (max_level == 0) return Status::OK();
      std::string_view bytes = v2_bytes;
      if (v1_levels) {
        if (values.size() < 4) return PageFail(fmt::format("{} levels truncated", what));
        uint32_t len = LoadLE<uint32_t>(values.data());
        if (len > values.size() - 4) return PageFail(fmt::format("{} levels truncated", what));
        bytes = values.substr(4, len);
        values.remove_prefix(4 + static_cast<size_t>(len));
      }
      if (!DecodeHybrid(bytes, BitWidth(max_level), count, out)) {
        return PageFail(fmt::format("{} levels are corrupt", what));
      }
      for (uint8_t l : *out) {
        if (l > max_level)
          return PageFail(fmt::format("{} level {} above the maximum {}", what, l, max_level));
      }
      return Status::OK();
    };
    RETURN_IF_ERROR(levels(leaf_->max_rep, rep_bytes, &rep_, "repetition"));
    RETURN_IF_ERROR(levels(leaf_->max_def, def_bytes, &def_, "definition"));
    size_t present = count;
    if (!def_.empty()) {
      present = 0;
      for (uint8_t d : def_) present += d == leaf_->max_def;
    }
    RETURN_IF_ERROR(DecodeValues(encoding, values, present));
    if (!dictionary_page_ && values_.size() != present)
      return PageFail("fewer values than levels say");
    value_count_ = present;
    value_pos_ = 0;
    entries_ = count;
    pos_ = 0;
    values_left_ -= n;
    return Status::OK();
  }
}

}  // namespace tributary::reader
