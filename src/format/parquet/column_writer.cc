#include "format/parquet/column_writer.h"

#include <cmath>
#include <cstring>
#include <unordered_map>

#include <fmt/ranges.h>
#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include "format/parquet/rle.h"
#include "format/parquet/thrift_compact.h"
#include "schema/json_value.h"

namespace tributary::parquet {
namespace {

// parquet.thrift enums.
constexpr int kPlain = 0, kRle = 3, kRleDictionary = 8;
constexpr int kDataPage = 0, kDictionaryPage = 2;
// parquet-java's DEFAULT_PAGE_ROW_COUNT_LIMIT.
constexpr int64_t kMaxPageRows = 20000;
// Binary bounds longer than this are omitted (never truncated: a truncated maximum would
// have to be incremented, see column_writer.h).
constexpr size_t kMaxBoundBytes = 64;

template <typename T>
void AppendLE(T v, std::string* out) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));  // x86-64 and aarch64 are little-endian, as Parquet is
  out->append(b, sizeof(T));
}

template <typename T>
T LoadLE(std::string_view b) {
  T v;
  std::memcpy(&v, b.data(), sizeof(T));
  return v;
}

Status Compress(Compression c, std::string_view in, std::string* out) {
  switch (c) {
    case Compression::kNone:
      out->assign(in);
      return Status::OK();
    case Compression::kSnappy:
      out->clear();
      snappy::Compress(in.data(), in.size(), out);
      return Status::OK();
    case Compression::kGzip: {
      z_stream z{};
      // windowBits 15 + 16: a gzip (RFC 1952) member, which Parquet's GZIP means.
      if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
          Z_OK) {
        return Internal("deflateInit2 failed");
      }
      out->resize(deflateBound(&z, in.size()) + 32);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      z.avail_in = static_cast<uInt>(in.size());
      z.next_out = reinterpret_cast<Bytef*>(out->data());
      z.avail_out = static_cast<uInt>(out->size());
      int rc = deflate(&z, Z_FINISH);
      size_t n = z.total_out;
      deflateEnd(&z);
      if (rc != Z_STREAM_END) return Internal("gzip: deflate failed ({})", rc);
      out->resize(n);
      return Status::OK();
    }
    case Compression::kZstd: {
      out->resize(ZSTD_compressBound(in.size()));
      size_t n = ZSTD_compress(out->data(), out->size(), in.data(), in.size(), 3);
      if (ZSTD_isError(n)) return Internal("zstd: {}", ZSTD_getErrorName(n));
      out->resize(n);
      return Status::OK();
    }
    case Compression::kLz4Raw: {
      out->resize(LZ4_compressBound(static_cast<int>(in.size())));
      int n = LZ4_compress_default(in.data(), out->data(), static_cast<int>(in.size()),
                                   static_cast<int>(out->size()));
      if (n <= 0 && !in.empty()) return Internal("lz4: compression failed");
      out->resize(static_cast<size_t>(n));
      return Status::OK();
    }
  }
  return Internal("unknown compression");
}

void AppendLevels(const std::vector<uint32_t>& levels, size_t begin, size_t end, int max_level,
                  std::string* out) {
  size_t at = out->size();
  out->append(4, '\0');
  AppendHybrid(levels.data() + begin, end - begin, BitWidth(static_cast<uint64_t>(max_level)), out);
  uint32_t len = static_cast<uint32_t>(out->size() - at - 4);
  std::memcpy(out->data() + at, &len, 4);
}

}  // namespace

ColumnWriter::ColumnWriter(const Leaf& leaf, const WriterOptions& options)
    : leaf_(leaf), options_(options) {}

void ColumnWriter::Level(int rep, int def) {
  if (leaf_.max_rep > 0) {
    rep_.push_back(static_cast<uint32_t>(rep));
    levels_bytes_ += 4;
  }
  if (leaf_.max_def > 0) {
    def_.push_back(static_cast<uint32_t>(def));
    levels_bytes_ += 4;
  }
  ++entries_;
}

void ColumnWriter::AddNull(int rep, int def) { Level(rep, def); }

Status ColumnWriter::AddValue(int rep, const Value& v) {
  const Schema* s = leaf_.schema;
  auto mismatch = [&] {
    return InvalidArgument("{}: value does not fit the Parquet column ({})",
                           fmt::format("{}", fmt::join(leaf_.path, ".")), Describe(*s));
  };
  switch (leaf_.type) {
    case Physical::kBoolean:
      if (v.kind != Value::Kind::kBool) return mismatch();
      values_.push_back(v.b ? 1 : 0);
      break;
    case Physical::kInt32: {
      int64_t x;
      if (v.kind == Value::Kind::kInt) {
        x = v.i;
      } else if (v.kind == Value::Kind::kDecimal) {
        x = static_cast<int64_t>(v.dec);
      } else {
        return mismatch();
      }
      if (x < INT32_MIN || x > INT32_MAX) return mismatch();
      AppendLE(static_cast<int32_t>(x), &values_);
      break;
    }
    case Physical::kInt64:
      if (v.kind == Value::Kind::kInt) {
        AppendLE(v.i, &values_);
      } else if (v.kind == Value::Kind::kDecimal) {
        AppendLE(static_cast<int64_t>(v.dec), &values_);
      } else {
        return mismatch();
      }
      break;
    case Physical::kFloat:
      if (v.kind != Value::Kind::kDouble) return mismatch();
      AppendLE(static_cast<float>(v.d), &values_);
      break;
    case Physical::kDouble:
      if (v.kind != Value::Kind::kDouble) return mismatch();
      AppendLE(v.d, &values_);
      break;
    case Physical::kByteArray: {
      std::string_view bytes;
      if (s->type == SchemaType::kEnum) {
        if (v.kind != Value::Kind::kInt || v.i < 0 ||
            static_cast<size_t>(v.i) >= s->symbols.size()) {
          return mismatch();
        }
        bytes = s->symbols[static_cast<size_t>(v.i)];
      } else {
        if (v.kind != Value::Kind::kBytes) return mismatch();
        bytes = v.s;
      }
      offsets_.push_back(static_cast<uint32_t>(values_.size()));
      AppendLE(static_cast<uint32_t>(bytes.size()), &values_);
      values_.append(bytes);
      break;
    }
    case Physical::kFixed: {
      const size_t n = static_cast<size_t>(leaf_.type_length);
      if (s->logical == LogicalType::kDecimal) {
        if (v.kind != Value::Kind::kDecimal) return mismatch();
        for (size_t k = n; k-- > 0;) {
          values_.push_back(static_cast<char>(k >= 16 ? (v.dec < 0 ? 0xFF : 0)
                                                      : static_cast<uint8_t>(v.dec >> (8 * k))));
        }
      } else {
        if (v.kind != Value::Kind::kBytes) return mismatch();
        if (s->logical == LogicalType::kUuid && v.s.size() == 36) {
          auto raw = UuidBytes(v.s);
          if (!raw) return mismatch();
          values_.append(*raw);
        } else {
          if (v.s.size() != n) return mismatch();
          values_.append(v.s);
        }
      }
      break;
    }
  }
  Level(rep, leaf_.max_def);
  ++count_;
  return Status::OK();
}

std::string_view ColumnWriter::ValueAt(size_t i) const {
  switch (leaf_.type) {
    case Physical::kBoolean:
      return std::string_view(values_).substr(i, 1);
    case Physical::kInt32:
    case Physical::kFloat:
      return std::string_view(values_).substr(i * 4, 4);
    case Physical::kInt64:
    case Physical::kDouble:
      return std::string_view(values_).substr(i * 8, 8);
    case Physical::kFixed:
      return std::string_view(values_).substr(i * leaf_.type_length, leaf_.type_length);
    case Physical::kByteArray: {
      size_t end = i + 1 < offsets_.size() ? offsets_[i + 1] : values_.size();
      return std::string_view(values_).substr(offsets_[i], end - offsets_[i]);
    }
  }
  return {};
}

void ColumnWriter::Bounds(ChunkMeta* meta) const {
  if (count_ == 0) return;
  // Returns a < b in the column's order.
  auto less = [&](std::string_view a, std::string_view b) -> bool {
    switch (leaf_.order) {
      case SortOrder::kSigned:
        if (leaf_.type == Physical::kInt32) return LoadLE<int32_t>(a) < LoadLE<int32_t>(b);
        return LoadLE<int64_t>(a) < LoadLE<int64_t>(b);
      case SortOrder::kFloat:
        if (leaf_.type == Physical::kFloat) return LoadLE<float>(a) < LoadLE<float>(b);
        return LoadLE<double>(a) < LoadLE<double>(b);
      case SortOrder::kSignedFixed: {
        if (a.empty()) return false;
        uint8_t a0 = static_cast<uint8_t>(a[0]) ^ 0x80, b0 = static_cast<uint8_t>(b[0]) ^ 0x80;
        if (a0 != b0) return a0 < b0;
        return a.substr(1) < b.substr(1);  // std::string_view compares as unsigned char
      }
      case SortOrder::kUnsigned:
        return std::lexicographical_compare(
            a.begin(), a.end(), b.begin(), b.end(),
            [](char x, char y) { return static_cast<uint8_t>(x) < static_cast<uint8_t>(y); });
    }
    return false;
  };
  auto stat_bytes = [&](size_t i) {
    std::string_view v = ValueAt(i);
    return leaf_.type == Physical::kByteArray ? v.substr(4) : v;
  };
  auto is_nan = [&](std::string_view v) {
    if (leaf_.type == Physical::kFloat) return std::isnan(LoadLE<float>(v));
    if (leaf_.type == Physical::kDouble) return std::isnan(LoadLE<double>(v));
    return false;
  };
  std::string_view lo, hi;
  bool any = false;
  for (size_t i = 0; i < static_cast<size_t>(count_); ++i) {
    std::string_view v = stat_bytes(i);
    if (is_nan(v)) continue;
    if (!any) {
      lo = hi = v;
      any = true;
      continue;
    }
    if (less(v, lo)) lo = v;
    if (less(hi, v)) hi = v;
  }
  if (!any || lo.size() > kMaxBoundBytes || hi.size() > kMaxBoundBytes) return;
  meta->has_bounds = true;
  meta->min = std::string(lo);
  meta->max = std::string(hi);
  if (leaf_.type == Physical::kFloat) {
    if (LoadLE<float>(lo) == 0) meta->min.clear(), AppendLE(-0.0f, &meta->min);
    if (LoadLE<float>(hi) == 0) meta->max.clear(), AppendLE(+0.0f, &meta->max);
  } else if (leaf_.type == Physical::kDouble) {
    if (LoadLE<double>(lo) == 0) meta->min.clear(), AppendLE(-0.0, &meta->min);
    if (LoadLE<double>(hi) == 0) meta->max.clear(), AppendLE(+0.0, &meta->max);
  }
}

Status ColumnWriter::WritePage(int page_type, int encoding, int num_values, const std::string& body,
                               int64_t offset, std::string* out, ChunkMeta* meta) {
  RETURN_IF_ERROR(Compress(options_.compression, body, &compressed_));
  if (body.size() > INT32_MAX || compressed_.size() > INT32_MAX) {
    return InvalidArgument("{}: a Parquet page must stay below 2 GiB",
                           fmt::format("{}", fmt::join(leaf_.path, ".")));
  }
  std::string header;
  CompactWriter w(&header);
  w.I32(1, page_type);
  w.I32(2, static_cast<int32_t>(body.size()));
  w.I32(3, static_cast<int32_t>(compressed_.size()));
  if (page_type == kDataPage) {
    w.BeginStruct(5);
    w.I32(1, num_values);
    w.I32(2, encoding);
    w.I32(3, kRle);
    w.I32(4, kRle);
    w.EndStruct();
  } else {
    w.BeginStruct(7);
    w.I32(1, num_values);
    w.I32(2, kPlain);
    w.EndStruct();
  }
  w.End();
  int64_t at = offset + static_cast<int64_t>(meta->compressed);
  if (page_type == kDictionaryPage) {
    meta->dictionary_page_offset = at;
    ++meta->dictionary_pages;
  } else {
    if (meta->data_pages == 0) meta->data_page_offset = at;
    ++meta->data_pages;
  }
  meta->uncompressed += static_cast<int64_t>(header.size() + body.size());
  meta->compressed += static_cast<int64_t>(header.size() + compressed_.size());
  out->append(header);
  out->append(compressed_);
  return Status::OK();
}

Status ColumnWriter::Flush(int64_t offset, std::string* out, ChunkMeta* meta) {
  *meta = ChunkMeta{};
  meta->num_values = entries_;
  meta->null_count = entries_ - count_;
  Bounds(meta);

  // Dictionary: decided for the whole chunk (no fallback pages in the middle).
  std::vector<uint32_t> indices;
  std::string dictionary;
  uint32_t unique = 0;
  bool use_dictionary = false;
  if (leaf_.type != Physical::kBoolean && count_ > 0) {
    std::unordered_map<std::string_view, uint32_t> ids;
    indices.reserve(static_cast<size_t>(count_));
    bool too_big = false;
    for (size_t i = 0; i < static_cast<size_t>(count_); ++i) {
      std::string_view v = ValueAt(i);
      auto [it, added] = ids.try_emplace(v, unique);
      if (added) {
        ++unique;
        dictionary.append(v);
        if (dictionary.size() > options_.dictionary_bytes) {
          too_big = true;
          break;
        }
      }
      indices.push_back(it->second);
    }
    int bw = std::max(1, BitWidth(unique > 0 ? unique - 1 : 0));
    uint64_t dict_cost = dictionary.size() + (static_cast<uint64_t>(count_) * bw + 7) / 8;
    use_dictionary = !too_big && dict_cost < values_.size();
  }
  const int bit_width = std::max(1, BitWidth(unique > 0 ? unique - 1 : 0));
  meta->data_encoding = use_dictionary ? kRleDictionary : kPlain;
  meta->encodings = use_dictionary ? std::vector<int>{kPlain, kRle, kRleDictionary}
                                   : std::vector<int>{kPlain, kRle};
  if (use_dictionary) {
    RETURN_IF_ERROR(WritePage(kDictionaryPage, kPlain, static_cast<int>(unique), dictionary, offset,
                              out, meta));
  }

  // Data pages, cut on row boundaries.
  size_t entry = 0, value = 0;
  const size_t n = static_cast<size_t>(entries_);
  while (entry < n || (n == 0 && meta->data_pages == 0)) {
    size_t first_entry = entry, first_value = value;
    uint64_t page_value_bytes = 0;
    int64_t rows = 0;
    while (entry < n) {
      bool row_start = leaf_.max_rep == 0 || rep_[entry] == 0;
      if (row_start) {
        if (entry > first_entry &&
            (page_value_bytes >= options_.page_bytes || rows >= kMaxPageRows)) {
          break;
        }
        ++rows;
      }
      bool has_value = leaf_.max_def == 0 || def_[entry] == static_cast<uint32_t>(leaf_.max_def);
      if (has_value) {
        page_value_bytes += ValueAt(value).size();
        ++value;
      }
      ++entry;
    }
    scratch_.clear();
    if (leaf_.max_rep > 0) AppendLevels(rep_, first_entry, entry, leaf_.max_rep, &scratch_);
    if (leaf_.max_def > 0) AppendLevels(def_, first_entry, entry, leaf_.max_def, &scratch_);
    if (use_dictionary) {
      scratch_.push_back(static_cast<char>(bit_width));
      AppendHybrid(indices.data() + first_value, value - first_value, bit_width, &scratch_);
    } else if (leaf_.type == Physical::kBoolean) {
      AppendPackedBools(reinterpret_cast<const uint8_t*>(values_.data()) + first_value,
                        value - first_value, &scratch_);
    } else if (value > first_value) {
      size_t begin = ValueAt(first_value).data() - values_.data();
      size_t end = ValueAt(value - 1).data() - values_.data() + ValueAt(value - 1).size();
      scratch_.append(values_, begin, end - begin);
    }
    RETURN_IF_ERROR(WritePage(kDataPage, meta->data_encoding, static_cast<int>(entry - first_entry),
                              scratch_, offset, out, meta));
    if (n == 0) break;
  }

  rep_.clear();
  def_.clear();
  values_.clear();
  offsets_.clear();
  entries_ = count_ = 0;
  levels_bytes_ = 0;
  return Status::OK();
}

}  // namespace tributary::parquet
