#include "format/reader/parquet_reader.h"

#include <cmath>
#include <cstring>

#include <lz4.h>
#include <simdjson.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include "common/json_writer.h"
#include "format/reader/columnar_json.h"
#include "format/reader/thrift_compact_reader.h"

namespace tributary {
namespace {

using reader::ThriftValue;

// parquet.thrift enums.
enum Physical {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixed = 7
};
enum PageType { kDataPage = 0, kDictionaryPage = 2, kDataPageV2 = 3 };
enum Encoding {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9
};
enum Repetition { kRequired = 0, kOptional = 1, kRepeated = 2 };

constexpr std::string_view kMagic = "PAR1";
// A page larger than this (decompressed) or with more level entries is taken as corrupt:
// writers cut pages at about 1 MiB and 20,000 rows (parquet-java, Tributary) or DuckDB's
// row-group-sized pages of at most a few hundred thousand entries.
constexpr int64_t kMaxPageBytes = 1ll << 30;
constexpr int64_t kMaxPageEntries = 1ll << 24;
// Julian day number of 1970-01-01, for INT96 timestamps.
constexpr int64_t kJulianEpochDay = 2440588;

std::string_view EncodingName(int64_t e) {
  switch (e) {
    case kPlain:
      return "PLAIN";
    case kPlainDictionary:
      return "PLAIN_DICTIONARY";
    case kRle:
      return "RLE";
    case kBitPacked:
      return "BIT_PACKED";
    case kDeltaBinaryPacked:
      return "DELTA_BINARY_PACKED";
    case kDeltaLengthByteArray:
      return "DELTA_LENGTH_BYTE_ARRAY";
    case kDeltaByteArray:
      return "DELTA_BYTE_ARRAY";
    case kRleDictionary:
      return "RLE_DICTIONARY";
    case kByteStreamSplit:
      return "BYTE_STREAM_SPLIT";
    default:
      return "unknown";
  }
}

std::string_view CodecName(int64_t c) {
  switch (c) {
    case 0:
      return "UNCOMPRESSED";
    case 1:
      return "SNAPPY";
    case 2:
      return "GZIP";
    case 3:
      return "LZO";
    case 4:
      return "BROTLI";
    case 5:
      return "LZ4";
    case 6:
      return "ZSTD";
    case 7:
      return "LZ4_RAW";
    default:
      return "unknown";
  }
}

template <typename T>
T LoadLE(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));  // Parquet is little-endian, as x86-64 and aarch64 are
  return v;
}

bool ReadVarint(std::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in->empty()) return false;
    auto b = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

bool ReadZigzag(std::string_view* in, int64_t* v) {
  uint64_t z;
  if (!ReadVarint(in, &z)) return false;
  *v = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
  return true;
}

// `bw` (0..64) bits at bit position `bit` of `data`, LSB first.
uint64_t ReadBits(std::string_view data, uint64_t bit, int bw) {
  if (bw == 0) return 0;
  uint8_t buf[16] = {};
  size_t at = bit / 8;
  if (at < data.size()) std::memcpy(buf, data.data() + at, std::min<size_t>(16, data.size() - at));
  unsigned __int128 x;
  std::memcpy(&x, buf, 16);
  x >>= (bit % 8);
  return bw == 64 ? static_cast<uint64_t>(x) : static_cast<uint64_t>(x) & ((uint64_t{1} << bw) - 1);
}

// The RLE / bit-packing hybrid (Encodings.md), `n` values of `bw` bits.
template <typename T>
bool DecodeHybrid(std::string_view in, int bw, size_t n, std::vector<T>* out) {
  out->clear();
  if (bw < 0 || bw > 32) return false;
  out->reserve(n);
  const size_t value_bytes = (static_cast<size_t>(bw) + 7) / 8;
  while (out->size() < n) {
    uint64_t h;
    if (!ReadVarint(&in, &h)) return false;
    if (h & 1) {
      uint64_t groups = h >> 1;
      if (groups > in.size() + n) return false;
      uint64_t bytes = groups * static_cast<uint64_t>(bw);
      if (bytes > in.size()) return false;
      std::string_view run = in.substr(0, bytes);
      uint64_t count = std::min<uint64_t>(groups * 8, n - out->size());
      for (uint64_t k = 0; k < count; ++k)
        out->push_back(static_cast<T>(ReadBits(run, k * bw, bw)));
      in.remove_prefix(bytes);
    } else {
      uint64_t count = h >> 1;
      if (value_bytes > in.size()) return false;
      uint32_t v = 0;
      for (size_t k = 0; k < value_bytes; ++k)
        v |= static_cast<uint32_t>(static_cast<uint8_t>(in[k])) << (8 * k);
      in.remove_prefix(value_bytes);
      count = std::min<uint64_t>(count, n - out->size());
      out->insert(out->end(), count, static_cast<T>(v));
    }
  }
  return true;
}

int BitWidth(int max_level) {
  int bw = 0;
  while (max_level >> bw) ++bw;
  return bw;
}

// DELTA_BINARY_PACKED (Encodings.md): `*in` is advanced past the values.
bool DecodeDeltaBinaryPacked(std::string_view* in, size_t max_values, std::vector<int64_t>* out) {
  out->clear();
  uint64_t block_size, miniblocks, total;
  int64_t first;
  if (!ReadVarint(in, &block_size) || !ReadVarint(in, &miniblocks) || !ReadVarint(in, &total) ||
      !ReadZigzag(in, &first)) {
    return false;
  }
  if (block_size == 0 || block_size % 128 != 0 || miniblocks == 0 || block_size % miniblocks != 0 ||
      (block_size / miniblocks) % 32 != 0 || total > max_values) {
    return false;
  }
  const uint64_t per_mini = block_size / miniblocks;
  if (total == 0) return true;
  out->reserve(total);
  out->push_back(first);
  uint64_t prev = static_cast<uint64_t>(first);
  while (out->size() < total) {
    int64_t min_delta;
    if (!ReadZigzag(in, &min_delta) || in->size() < miniblocks) return false;
    std::string_view widths = in->substr(0, miniblocks);
    in->remove_prefix(miniblocks);
    for (uint64_t m = 0; m < miniblocks && out->size() < total; ++m) {
      int bw = static_cast<uint8_t>(widths[m]);
      if (bw > 64) return false;
      uint64_t bytes = per_mini * bw / 8;
      if (bytes > in->size()) return false;
      std::string_view data = in->substr(0, bytes);
      for (uint64_t k = 0; k < per_mini && out->size() < total; ++k) {
        prev += static_cast<uint64_t>(min_delta) + ReadBits(data, k * bw, bw);
        out->push_back(static_cast<int64_t>(prev));
      }
      in->remove_prefix(bytes);
    }
  }
  return true;
}

// How a leaf's values become JSON.
enum class LeafFormat {
  kBool,
  kInt,
  kUnsigned,
  kDecimal,
  kFloat,
  kDouble,
  kInt96,
  kString,
  kJson,
  kBytes,
  kUuid,
  kFloat16
};

struct LeafInfo {
  std::string path;  // path_in_schema joined with '.'
  int physical = kInt32;
  int type_length = 0;
  int max_def = 0, max_rep = 0;
  LeafFormat format = LeafFormat::kInt;
  int scale = 0;
};

struct Node {
  enum class Kind { kLeaf, kRecord, kList, kMap } kind = Kind::kLeaf;
  std::string member;  // "\"name\":"
  bool optional = false;
  int def = 0;  // definition level when this node is present
  int rep = 0;  // list/map: the repetition level of its entries
  int leaf = -1, first_leaf = 0, end_leaf = 0;
  std::vector<Node> children;  // record: fields; list: {element}; map: {key, value}
};

// The flat SchemaElement list as a tree.
struct ElementTree {
  const ThriftValue* e = nullptr;
  std::vector<ElementTree> children;
  std::string_view name() const { return e->Binary(4); }
  int repetition() const { return static_cast<int>(e->Int(3, kRequired)); }
  bool is_group() const { return !e->Has(1); }
};

// The id of the LogicalType union member set on an element, or -1.
int LogicalId(const ThriftValue& e) {
  const ThriftValue* l = e.Field(10);
  if (!l || l->type != ThriftValue::Type::kStruct || l->fields.empty()) return -1;
  return l->fields[0].first;
}

float HalfToFloat(uint16_t h) {
  int sign = h >> 15, exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    v = mant ? NAN : INFINITY;
  } else {
    v = std::ldexp(static_cast<float>(mant | 0x400), exp - 25);
  }
  return sign ? -v : v;
}

// One zstd decompression context per reader, made on first use (making one per page
// would cost more than decompressing a small page).
struct ZstdContext {
  ZSTD_DCtx* ctx = nullptr;
  ZstdContext() = default;
  ZstdContext(const ZstdContext&) = delete;
  ZstdContext& operator=(const ZstdContext&) = delete;
  ~ZstdContext() { ZSTD_freeDCtx(ctx); }
};

class ColumnCursor {
 public:
  ColumnCursor(const LeafInfo* leaf, std::string where, std::string_view chunk, int64_t codec,
               int64_t num_values, int64_t chunk_offset, ZstdContext* zstd)
      : leaf_(leaf),
        where_(std::move(where)),
        chunk_(chunk),
        codec_(codec),
        values_left_(num_values),
        chunk_offset_(chunk_offset),
        chunk_size_(chunk.size()),
        zstd_(zstd) {}

  // Makes the next level entry available: *has false at the end of the chunk.
  Status Peek(bool* has, int* rep, int* def) {
    while (pos_ >= entries_) {
      if (values_left_ <= 0) {
        *has = false;
        return Status::OK();
      }
      RETURN_IF_ERROR(LoadPage());
    }
    *has = true;
    *rep = rep_.empty() ? 0 : rep_[pos_];
    *def = def_.empty() ? leaf_->max_def : def_[pos_];
    return Status::OK();
  }
  // Consumes an entry that carries no value (a null or an empty list above the leaf).
  Status Skip(int64_t row) {
    bool has = false;
    int rep = 0, def = 0;
    RETURN_IF_ERROR(Peek(&has, &rep, &def));
    if (!has) return Fail(fmt::format("the column ends before row {}", row));
    if (def >= leaf_->max_def) {
      return Fail(fmt::format("row {}: its levels disagree with the other columns", row));
    }
    ++pos_;
    return Status::OK();
  }
  // Consumes an entry with a value.
  Status Take(int64_t row, std::string_view* v) {
    bool has = false;
    int rep = 0, def = 0;
    RETURN_IF_ERROR(Peek(&has, &rep, &def));
    if (!has) return Fail(fmt::format("the column ends before row {}", row));
    if (def != leaf_->max_def || value_pos_ >= value_count_) {
      return Fail(fmt::format("row {}: its levels disagree with the other columns", row));
    }
    ++pos_;
    if (dictionary_page_) {
      *v = dictionary_[indices_[value_pos_++]];
    } else {
      *v = values_[value_pos_++];
    }
    return Status::OK();
  }

  Status Fail(std::string_view what) const { return Corruption("{}: {}", where_, what); }

 private:
  Status PageFail(std::string_view what) const {
    return Corruption("{}: page at byte {}: {}", where_, page_at_, what);
  }

  Status Decompress(std::string_view in, int64_t size, std::string* out) const {
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

  // PLAIN values: views into `in` (booleans: into static bytes).
  Status DecodePlain(std::string_view in, size_t n, std::vector<std::string_view>* out) const {
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

  Status DecodeValues(int64_t encoding, std::string_view in, size_t n) {
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
              return PageFail(fmt::format("dictionary index {} of a {}-entry dictionary", i,
                                          dictionary_.size()));
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
        for (size_t k = 0; k < n; ++k)
          values_.push_back(std::string_view(decoded_).substr(k * w, w));
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
        for (size_t k = 0; k < n; ++k)
          values_.push_back(std::string_view(decoded_).substr(k * w, w));
        return Status::OK();
      }
      default:
        break;
    }
    return InvalidArgument("{}: page at byte {}: encoding {} ({}) not supported for this column",
                           where_, page_at_, EncodingName(encoding), encoding);
  }

  Status LoadPage() {
    while (true) {
      if (chunk_.empty()) {
        return Fail(
            fmt::format("the column chunk ends with {} of its values missing", values_left_));
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
          return InvalidArgument("{}: page at byte {}: dictionary encoding {} not supported",
                                 where_, page_at_, EncodingName(enc));
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
        return PageFail(
            fmt::format("{} values in the page, {} left in the chunk", n, values_left_));
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

  const LeafInfo* leaf_;
  std::string where_;
  std::string_view chunk_;  // what is left of the column chunk
  int64_t codec_;
  int64_t values_left_;  // level entries not yet loaded
  int64_t chunk_offset_;
  size_t chunk_size_;
  ZstdContext* zstd_;
  int64_t page_at_ = 0;

  std::string page_;     // the current page, decompressed
  std::string decoded_;  // values rebuilt by DELTA_* / BYTE_STREAM_SPLIT decoders
  std::vector<uint8_t> rep_, def_;
  size_t entries_ = 0, pos_ = 0;
  std::vector<std::string_view> values_;
  std::vector<uint32_t> indices_;
  bool dictionary_page_ = false;
  size_t value_count_ = 0, value_pos_ = 0;

  std::string dictionary_buffer_;
  std::vector<std::string_view> dictionary_;
  bool has_dictionary_ = false;
};

class ParquetReader final : public RecordReader {
 public:
  ParquetReader(std::string name, std::string bytes)
      : name_(std::move(name)), bytes_(std::move(bytes)) {}

  Status Open(ColumnarFileInfo* info) {
    const std::string_view all = bytes_;
    if (all.size() >= 4 && all.substr(0, 4) == "PARE") {
      return InvalidArgument("{}: encrypted Parquet files (PARE) are not supported", name_);
    }
    if (all.size() < 12 || all.substr(0, 4) != kMagic || all.substr(all.size() - 4) != kMagic) {
      return Corruption("{}: not a Parquet file or truncated (no PAR1 at both ends)", name_);
    }
    const uint32_t len = LoadLE<uint32_t>(all.data() + all.size() - 8);
    if (len > all.size() - 12)
      return Corruption("{}: footer length {} exceeds the file", name_, len);
    footer_end_ = all.size() - 8;
    std::string_view footer = all.substr(footer_end_ - len, len);
    if (!ReadThriftStruct(&footer, &meta_))
      return Corruption("{}: footer: unreadable FileMetaData", name_);
    const ThriftValue* schema = meta_.Field(2);
    if (!schema || schema->type != ThriftValue::Type::kList || schema->list.empty()) {
      return Corruption("{}: footer: no schema", name_);
    }
    size_t i = 0;
    ElementTree tree;
    RETURN_IF_ERROR(BuildTree(schema->list, &i, &tree, 0));
    if (i != schema->list.size()) return Corruption("{}: footer: schema elements left over", name_);
    if (tree.children.empty()) return Corruption("{}: footer: the schema has no columns", name_);
    root_.kind = Node::Kind::kRecord;
    for (const ElementTree& c : tree.children) {
      root_.children.emplace_back();
      RETURN_IF_ERROR(Convert(c, 0, 0, false, "", &root_.children.back()));
    }
    root_.end_leaf = static_cast<int>(leaves_.size());

    info->format = "parquet";
    info->rows = meta_.Int(3, 0);
    info->created_by = std::string(meta_.Binary(6));
    if (const ThriftValue* kv = meta_.Field(5); kv && kv->type == ThriftValue::Type::kList) {
      for (const ThriftValue& e : kv->list) info->metadata.emplace_back(e.Binary(1), e.Binary(2));
    }
    info->schema_json = info->Get("tributary.avro.schema").value_or("");
    const ThriftValue* groups = meta_.Field(4);
    if (groups && groups->type == ThriftValue::Type::kList) row_groups_ = &groups->list;
    info->blocks = row_groups_ ? static_cast<int64_t>(row_groups_->size()) : 0;
    int64_t sum = 0;
    for (size_t g = 0; row_groups_ && g < row_groups_->size(); ++g) {
      int64_t n = (*row_groups_)[g].Int(3, -1);
      if (n < 0) return Corruption("{}: footer: row group {} has no row count", name_, g);
      if (__builtin_add_overflow(sum, n, &sum))
        return Corruption("{}: footer: row counts overflow", name_);
      if (g == 0) {
        const ThriftValue* cols = (*row_groups_)[g].Field(1);
        if (cols && cols->type == ThriftValue::Type::kList && !cols->list.empty()) {
          if (const ThriftValue* m = cols->list[0].Field(3))
            info->codec = std::string(CodecName(m->Int(4, 0)));
        }
      }
    }
    if (sum != info->rows) {
      return Corruption("{}: footer: num_rows {} but the row groups hold {}", name_, info->rows,
                        sum);
    }
    return Status::OK();
  }

  Result<bool> Next(OwnedRecord* out) override {
    *out = OwnedRecord{};
    while (rows_left_ == 0) {
      if (group_open_) {
        RETURN_IF_ERROR(CloseRowGroup());
      }
      if (!row_groups_ || next_group_ >= row_groups_->size()) return false;
      RETURN_IF_ERROR(OpenRowGroup(next_group_++));
    }
    std::string json;
    json.push_back('{');
    for (size_t k = 0; k < root_.children.size(); ++k) {
      if (k) json.push_back(',');
      json.append(root_.children[k].member);
      RETURN_IF_ERROR(ReadNode(root_.children[k], &json));
    }
    json.push_back('}');
    // The next entry of every column must start a row.
    for (auto& c : cursors_) {
      bool has = false;
      int rep = 0, def = 0;
      RETURN_IF_ERROR(c.Peek(&has, &rep, &def));
      if (has && rep != 0)
        return c.Fail(fmt::format("row {}: more entries than the other columns", row_));
    }
    ++row_;
    --rows_left_;
    out->value = std::move(json);
    return true;
  }

 private:
  Status BuildTree(const std::vector<ThriftValue>& list, size_t* i, ElementTree* out, int depth) {
    if (*i >= list.size() || depth > 100) return Corruption("{}: footer: malformed schema", name_);
    out->e = &list[(*i)++];
    const int64_t n = out->e->Int(5, 0);
    if (n < 0 || static_cast<uint64_t>(n) > list.size() - *i) {
      return Corruption("{}: footer: schema element '{}' claims {} children", name_, out->name(),
                        n);
    }
    out->children.resize(static_cast<size_t>(n));
    for (auto& c : out->children) RETURN_IF_ERROR(BuildTree(list, i, &c, depth + 1));
    return Status::OK();
  }

  // `as_required`: the element is the repeated member of a list, already counted.
  Status Convert(const ElementTree& t, int parent_def, int parent_rep, bool as_required,
                 const std::string& parent_path, Node* node) {
    const std::string path =
        parent_path.empty() ? std::string(t.name()) : parent_path + "." + std::string(t.name());
    std::string member;
    AppendJsonString(&member, t.name());
    member.push_back(':');
    node->member = member;
    node->first_leaf = static_cast<int>(leaves_.size());
    if (parent_def > 250 || parent_rep > 250)
      return InvalidArgument("{}: {}: nesting deeper than 250 levels not supported", name_, path);
    if (!as_required && t.repetition() == kRepeated) {
      // A bare repeated field: a list of required elements.
      node->kind = Node::Kind::kList;
      node->def = parent_def;
      node->rep = parent_rep + 1;
      node->children.emplace_back();
      RETURN_IF_ERROR(
          Convert(t, parent_def + 1, parent_rep + 1, true, parent_path, &node->children.back()));
      node->end_leaf = static_cast<int>(leaves_.size());
      return Status::OK();
    }
    node->optional = !as_required && t.repetition() == kOptional;
    node->def = parent_def + (node->optional ? 1 : 0);
    if (t.is_group()) {
      const int64_t converted = t.e->Int(6, -1);
      const int logical = LogicalId(*t.e);
      const bool list = converted == 3 || logical == 3;
      const bool map = converted == 1 || converted == 2 || logical == 2;
      if ((list || map) && t.children.size() == 1 && t.children[0].repetition() == kRepeated) {
        const ElementTree& r = t.children[0];
        node->rep = parent_rep + 1;
        const std::string rpath = path + "." + std::string(r.name());
        if (map && r.is_group() && r.children.size() == 2) {
          node->kind = Node::Kind::kMap;
          node->children.resize(2);
          RETURN_IF_ERROR(
              Convert(r.children[0], node->def + 1, node->rep, false, rpath, &node->children[0]));
          RETURN_IF_ERROR(
              Convert(r.children[1], node->def + 1, node->rep, false, rpath, &node->children[1]));
        } else if (list || (map && r.is_group() && r.children.size() == 1)) {
          node->kind = Node::Kind::kList;
          node->children.emplace_back();
          // LogicalTypes.md backward-compatibility rules: the repeated group is itself the
          // element when it has several fields, or is named "array" or "<list>_tuple".
          if (r.is_group() && r.children.size() == 1 && r.name() != "array" &&
              r.name() != std::string(t.name()) + "_tuple") {
            RETURN_IF_ERROR(
                Convert(r.children[0], node->def + 1, node->rep, false, rpath, &node->children[0]));
          } else {
            RETURN_IF_ERROR(Convert(r, node->def + 1, node->rep, true, path, &node->children[0]));
          }
        }
        if (!node->children.empty()) {
          node->end_leaf = static_cast<int>(leaves_.size());
          return Status::OK();
        }
      }
      if (t.children.empty())
        return InvalidArgument("{}: {}: empty groups are not supported", name_, path);
      node->kind = Node::Kind::kRecord;
      node->children.resize(t.children.size());
      for (size_t k = 0; k < t.children.size(); ++k) {
        RETURN_IF_ERROR(
            Convert(t.children[k], node->def, parent_rep, false, path, &node->children[k]));
      }
      node->end_leaf = static_cast<int>(leaves_.size());
      return Status::OK();
    }
    // A primitive column.
    LeafInfo leaf;
    leaf.path = path;
    leaf.physical = static_cast<int>(t.e->Int(1, -1));
    leaf.type_length = static_cast<int>(t.e->Int(2, 0));
    leaf.max_def = node->def;
    leaf.max_rep = parent_rep;
    const int64_t converted = t.e->Int(6, -1);
    const int logical = LogicalId(*t.e);
    const ThriftValue* lt = t.e->Field(10);
    if (leaf.physical < kBoolean || leaf.physical > kFixed) {
      return Corruption("{}: footer: column {} has physical type {}", name_, path, leaf.physical);
    }
    if (leaf.physical == kFixed && (leaf.type_length <= 0 || leaf.type_length > (1 << 20))) {
      return Corruption("{}: footer: column {} has FIXED_LEN_BYTE_ARRAY length {}", name_, path,
                        leaf.type_length);
    }
    if (converted == 21)
      return InvalidArgument("{}: column {}: INTERVAL is not supported", name_, path);
    switch (leaf.physical) {
      case kBoolean:
        leaf.format = LeafFormat::kBool;
        break;
      case kInt32:
      case kInt64:
        leaf.format = LeafFormat::kInt;
        break;
      case kInt96:
        leaf.format = LeafFormat::kInt96;
        break;
      case kFloat:
        leaf.format = LeafFormat::kFloat;
        break;
      case kDouble:
        leaf.format = LeafFormat::kDouble;
        break;
      default:
        leaf.format = LeafFormat::kBytes;
        break;
    }
    if (converted == 5 || logical == 5) {
      leaf.format = LeafFormat::kDecimal;
      leaf.scale = static_cast<int>(logical == 5 ? lt->fields[0].second.Int(1, 0) : t.e->Int(7, 0));
      if (leaf.physical != kInt32 && leaf.physical != kInt64 && leaf.physical != kByteArray &&
          leaf.physical != kFixed) {
        return Corruption("{}: footer: column {}: DECIMAL on an unsuitable physical type", name_,
                          path);
      }
    } else if ((converted >= 11 && converted <= 14) ||
               (logical == 10 && lt->fields[0].second.Int(2, 1) == 0)) {
      if (leaf.physical == kInt32 || leaf.physical == kInt64) leaf.format = LeafFormat::kUnsigned;
    } else if (leaf.physical == kByteArray && (converted == 19 || logical == 12)) {
      leaf.format = LeafFormat::kJson;
    } else if (leaf.physical == kByteArray &&
               (converted == 0 || converted == 4 || logical == 1 || logical == 4)) {
      leaf.format = LeafFormat::kString;  // UTF8 / STRING, ENUM
    } else if (leaf.physical == kFixed && logical == 14) {
      leaf.format = LeafFormat::kUuid;
    } else if (leaf.physical == kFixed && logical == 15 && leaf.type_length == 2) {
      leaf.format = LeafFormat::kFloat16;
    }
    node->kind = Node::Kind::kLeaf;
    node->leaf = static_cast<int>(leaves_.size());
    leaves_.push_back(std::move(leaf));
    node->end_leaf = static_cast<int>(leaves_.size());
    return Status::OK();
  }

  Status OpenRowGroup(size_t g) {
    const ThriftValue& rg = (*row_groups_)[g];
    rows_left_ = rg.Int(3, 0);
    group_ = g;
    group_open_ = true;
    cursors_.clear();
    const ThriftValue* cols = rg.Field(1);
    if (!cols || cols->type != ThriftValue::Type::kList || cols->list.size() != leaves_.size()) {
      return Corruption("{}: row group {}: {} column chunks for {} columns", name_, g,
                        cols && cols->type == ThriftValue::Type::kList ? cols->list.size() : 0,
                        leaves_.size());
    }
    cursors_.reserve(leaves_.size());
    for (size_t c = 0; c < leaves_.size(); ++c) {
      const LeafInfo& leaf = leaves_[c];
      const std::string where = fmt::format("{}: row group {}, column {}", name_, g, leaf.path);
      const ThriftValue& chunk = cols->list[c];
      if (chunk.Has(1))
        return InvalidArgument("{}: column chunks in other files (file_path) are not supported",
                               where);
      const ThriftValue* m = chunk.Field(3);
      if (!m) return Corruption("{}: no ColumnMetaData", where);
      std::string path;
      if (const ThriftValue* p = m->Field(3); p && p->type == ThriftValue::Type::kList) {
        for (const ThriftValue& part : p->list) {
          if (!path.empty()) path.push_back('.');
          path.append(part.binary);
        }
      }
      if (path != leaf.path)
        return Corruption("{}: the chunk's path_in_schema is '{}'", where, path);
      const int64_t data_offset = m->Int(9, -1), dict_offset = m->Int(11, -1), size = m->Int(7, -1);
      const int64_t num_values = m->Int(5, -1);
      int64_t start = dict_offset > 0 && dict_offset < data_offset ? dict_offset : data_offset;
      if (start < 4 || size < 0 || num_values < 0 ||
          static_cast<uint64_t>(start) + static_cast<uint64_t>(size) > footer_end_) {
        return Corruption("{}: chunk at byte {} of {} bytes lies outside the file's data", where,
                          start, size);
      }
      cursors_.emplace_back(&leaf, where, std::string_view(bytes_).substr(start, size),
                            m->Int(4, 0), num_values, start, &zstd_);
    }
    return Status::OK();
  }

  Status CloseRowGroup() {
    group_open_ = false;
    for (auto& c : cursors_) {
      bool has = false;
      int rep = 0, def = 0;
      RETURN_IF_ERROR(c.Peek(&has, &rep, &def));
      if (has) return c.Fail("more values than the row group's rows");
    }
    return Status::OK();
  }

  Status SkipSubtree(const Node& n) {
    for (int l = n.first_leaf; l < n.end_leaf; ++l) RETURN_IF_ERROR(cursors_[l].Skip(row_));
    return Status::OK();
  }

  Status ReadNode(const Node& n, std::string* out) {
    ColumnCursor& c = cursors_[n.first_leaf];
    bool has = false;
    int rep = 0, def = 0;
    RETURN_IF_ERROR(c.Peek(&has, &rep, &def));
    if (!has) return c.Fail(fmt::format("the column ends before row {}", row_));
    if (def < n.def) {
      if (!n.optional) return c.Fail(fmt::format("row {}: a null in a required field", row_));
      out->append("null");
      return SkipSubtree(n);
    }
    switch (n.kind) {
      case Node::Kind::kLeaf: {
        std::string_view v;
        RETURN_IF_ERROR(c.Take(row_, &v));
        return AppendLeaf(leaves_[n.leaf], v, out);
      }
      case Node::Kind::kRecord:
        out->push_back('{');
        for (size_t k = 0; k < n.children.size(); ++k) {
          if (k) out->push_back(',');
          out->append(n.children[k].member);
          RETURN_IF_ERROR(ReadNode(n.children[k], out));
        }
        out->push_back('}');
        return Status::OK();
      case Node::Kind::kList:
      case Node::Kind::kMap: {
        const bool map = n.kind == Node::Kind::kMap;
        if (def == n.def) {  // present and empty
          out->append(map ? "{}" : "[]");
          return SkipSubtree(n);
        }
        out->push_back(map ? '{' : '[');
        for (bool first = true;; first = false) {
          if (!first) out->push_back(',');
          if (map) {
            size_t at = out->size();
            RETURN_IF_ERROR(ReadNode(n.children[0], out));
            if (out->size() == at || (*out)[at] != '"') {  // a key that is not a string
              std::string key = out->substr(at);
              out->resize(at);
              AppendJsonString(out, key);
            }
            out->push_back(':');
            RETURN_IF_ERROR(ReadNode(n.children[1], out));
          } else {
            RETURN_IF_ERROR(ReadNode(n.children[0], out));
          }
          RETURN_IF_ERROR(c.Peek(&has, &rep, &def));
          if (!has || rep != n.rep) break;
        }
        out->push_back(map ? '}' : ']');
        return Status::OK();
      }
    }
    return Internal("unknown node kind");
  }

  Status AppendLeaf(const LeafInfo& leaf, std::string_view v, std::string* out) {
    switch (leaf.format) {
      case LeafFormat::kBool:
        out->append(v[0] ? "true" : "false");
        return Status::OK();
      case LeafFormat::kInt:
        if (leaf.physical == kInt32) {
          fmt::format_to(std::back_inserter(*out), "{}", LoadLE<int32_t>(v.data()));
        } else {
          fmt::format_to(std::back_inserter(*out), "{}", LoadLE<int64_t>(v.data()));
        }
        return Status::OK();
      case LeafFormat::kUnsigned:
        if (leaf.physical == kInt32) {
          fmt::format_to(std::back_inserter(*out), "{}", LoadLE<uint32_t>(v.data()));
        } else {
          fmt::format_to(std::back_inserter(*out), "{}", LoadLE<uint64_t>(v.data()));
        }
        return Status::OK();
      case LeafFormat::kDecimal: {
        __int128 unscaled;
        if (leaf.physical == kInt32) {
          unscaled = LoadLE<int32_t>(v.data());
        } else if (leaf.physical == kInt64) {
          unscaled = LoadLE<int64_t>(v.data());
        } else {
          // Drop sign-extension bytes beyond 16 (a FIXED wider than the value needs).
          while (v.size() > 16 && (v[0] == 0 || v[0] == '\xff') && ((v[0] == 0) == !(v[1] & 0x80)))
            v.remove_prefix(1);
          if (v.size() > 16) {
            return InvalidArgument("{}: column {}: decimals wider than 128 bits are not supported",
                                   name_, leaf.path);
          }
          unscaled = reader::BigEndianSigned(v);
        }
        reader::AppendJsonDecimal(unscaled, leaf.scale, out);
        return Status::OK();
      }
      case LeafFormat::kFloat:
        reader::AppendJsonFloat(LoadLE<float>(v.data()), out);
        return Status::OK();
      case LeafFormat::kDouble:
        reader::AppendJsonDouble(LoadLE<double>(v.data()), out);
        return Status::OK();
      case LeafFormat::kInt96: {
        int64_t nanos = LoadLE<int64_t>(v.data());
        int64_t day = LoadLE<int32_t>(v.data() + 8);
        __int128 t = static_cast<__int128>(day - kJulianEpochDay) * 86400 * 1000000000 + nanos;
        reader::AppendJsonDecimal(t, 0, out);
        return Status::OK();
      }
      case LeafFormat::kString:
        AppendJsonString(out, v);
        return Status::OK();
      case LeafFormat::kJson: {
        // JSON text embedded as the value it holds; text that does not parse stays a string.
        simdjson::dom::element e;
        if (json_parser_.parse(v.data(), v.size(), /*realloc_if_needed=*/true).get(e) ==
            simdjson::SUCCESS) {
          out->append(simdjson::minify(e));
        } else {
          AppendJsonString(out, v);
        }
        return Status::OK();
      }
      case LeafFormat::kBytes:
        reader::AppendJsonBase64(v, out);
        return Status::OK();
      case LeafFormat::kUuid:
        if (v.size() == 16) {
          reader::AppendJsonUuid(v, out);
        } else {
          reader::AppendJsonBase64(v, out);
        }
        return Status::OK();
      case LeafFormat::kFloat16:
        reader::AppendJsonFloat(HalfToFloat(LoadLE<uint16_t>(v.data())), out);
        return Status::OK();
    }
    return Internal("unknown leaf format");
  }

  const std::string name_;
  const std::string bytes_;
  size_t footer_end_ = 0;
  ThriftValue meta_;  // views into bytes_
  const std::vector<ThriftValue>* row_groups_ = nullptr;
  Node root_;
  std::vector<LeafInfo> leaves_;
  ZstdContext zstd_;
  simdjson::dom::parser json_parser_;  // JSON columns
  std::vector<ColumnCursor> cursors_;
  size_t next_group_ = 0, group_ = 0;
  bool group_open_ = false;
  int64_t rows_left_ = 0;
  int64_t row_ = 0;  // index of the next row in the file
};

}  // namespace

Result<std::unique_ptr<RecordReader>> MakeParquetReader(std::string name, std::string bytes,
                                                        ColumnarFileInfo* info) {
  ColumnarFileInfo local;
  if (!info) info = &local;
  *info = ColumnarFileInfo{};
  auto reader = std::make_unique<ParquetReader>(std::move(name), std::move(bytes));
  RETURN_IF_ERROR(reader->Open(info));
  return std::unique_ptr<RecordReader>(std::move(reader));
}

}  // namespace tributary
