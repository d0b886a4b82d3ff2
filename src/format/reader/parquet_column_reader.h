// ColumnReader: one leaf column of one Parquet row group, as a stream of level entries
// (repetition level, definition level, and a value when the entry is not null). It walks
// the column chunk's pages one at a time: page header (Thrift compact), decompression
// (UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW), levels (RLE hybrid; v1 with a 4-byte
// length, v2 with lengths in the header), values (PLAIN, dictionary, RLE booleans, DELTA_*,
// BYTE_STREAM_SPLIT; parquet_decoding.h). Index pages are skipped.
//
// Memory: one decompressed page, its levels and value views, and the chunk's dictionary.
// Values are views into those buffers (or into the file's bytes), valid until the next
// page is loaded, i.e. until the next Peek/Skip/Take after the entry was taken.
//
// Errors: kCorruption "<where>: page at byte N: <what>", `where` naming the object, row
// group and column; kInvalidArgument "... not supported" for codecs and encodings not
// listed above.
//
// Thread safety: used by the reader's one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <zstd.h>

#include "common/status.h"
#include "format/reader/parquet_decoding.h"

namespace tributary::reader {

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

// One zstd decompression context per reader, made on first use (making one per page
// would cost more than decompressing a small page).
struct ZstdContext {
  ZSTD_DCtx* ctx = nullptr;
  ZstdContext() = default;
  ZstdContext(const ZstdContext&) = delete;
  ZstdContext& operator=(const ZstdContext&) = delete;
  ~ZstdContext() { ZSTD_freeDCtx(ctx); }
};

class ColumnReader {
 public:
  // Borrows `leaf`, the chunk's bytes and `zstd`, which must outlive the reader. `where`
  // prefixes every error; `num_values` is ColumnMetaData.num_values (level entries) and
  // `chunk_offset` the chunk's position in the file (for error messages).
  ColumnReader(const LeafInfo* leaf, std::string where, std::string_view chunk, int64_t codec,
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

  Status Decompress(std::string_view in, int64_t size, std::string* out) const;

  // PLAIN values: views into `in` (booleans: into static bytes).
  Status DecodePlain(std::string_view in, size_t n, std::vector<std::string_view>* out) const;

  Status DecodeValues(int64_t encoding, std::string_view in, size_t n);

  Status LoadPage();

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

}  // namespace tributary::reader
