// ColumnWriter: one leaf column of the row group being buffered, and its encoding into a
// column chunk (parquet-format README "Column chunks", Encodings.md):
//
//   chunk  := [dictionary page] data page+
//   page   := PageHeader (Thrift compact) + compressed( [rep levels] [def levels] values )
//
// - Levels: RLE/bit-packed hybrid with a 4-byte little-endian length (V1 data pages);
//   absent when the column's max level is 0.
// - Values: PLAIN, or RLE_DICTIONARY (1-byte bit width + hybrid indices) with one PLAIN
//   dictionary page first. The choice is made per chunk, when the row group is flushed:
//   dictionary when its PLAIN bytes stay within `dictionary_bytes` and it is smaller
//   than PLAIN; otherwise every page is PLAIN (the fallback). Booleans are always PLAIN.
//   encoding_stats report exactly the pages written.
// - Pages start on row boundaries (repetition level 0) and are cut after `page_bytes`
//   of values or 20,000 rows (parquet-java's defaults).
// - Statistics: min_value/max_value (PLAIN bytes, no length prefix) in the column's
//   TYPE_ORDER, and null_count (level entries that are not values). NaN never becomes a
//   bound (a float column of only NaNs has none); a zero minimum is written as -0.0 and a
//   zero maximum as +0.0. Binary bounds longer than 64 bytes are omitted, not truncated.
//
// Thread safety: used by the one thread that owns the file writer.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "format/parquet/parquet_schema.h"
#include "schema/value.h"

namespace tributary::parquet {

enum class Compression { kNone = 0, kSnappy = 1, kGzip = 2, kZstd = 6, kLz4Raw = 7 };

struct WriterOptions {
  Compression compression = Compression::kSnappy;
  uint64_t row_group_bytes = 64ull << 20;
  uint64_t page_bytes = 1 << 20;
  uint64_t dictionary_bytes = 1 << 20;
};

// What ColumnMetaData needs about a written chunk.
struct ChunkMeta {
  std::vector<int> encodings;
  int64_t num_values = 0;                    // level entries
  int64_t uncompressed = 0, compressed = 0;  // headers included
  int64_t data_page_offset = 0;
  int64_t dictionary_page_offset = -1;
  int64_t null_count = 0;
  bool has_bounds = false;
  std::string min, max;
  int dictionary_pages = 0, data_pages = 0;
  int data_encoding = 0;  // PLAIN 0 or RLE_DICTIONARY 8
};

class ColumnWriter {
 public:
  ColumnWriter(const Leaf& leaf, const WriterOptions& options);

  // A level entry without a value (def < max_def).
  void AddNull(int rep, int def);
  // A present value (def = max_def). InvalidArgument when `v` does not fit the column.
  Status AddValue(int rep, const Value& v);
  // Bytes buffered for the next chunk (values and levels).
  uint64_t BufferedBytes() const { return values_.size() + offsets_.size() * 4 + levels_bytes_; }
  int64_t entries() const { return entries_; }

  // A position in the buffer, to take back a partly shredded row.
  struct Mark {
    size_t rep, def, values, offsets;
    int64_t entries, count;
    uint64_t levels_bytes;
  };
  Mark GetMark() const {
    return {rep_.size(), def_.size(), values_.size(), offsets_.size(),
            entries_,    count_,      levels_bytes_};
  }
  void Rollback(const Mark& m) {
    rep_.resize(m.rep);
    def_.resize(m.def);
    values_.resize(m.values);
    offsets_.resize(m.offsets);
    entries_ = m.entries;
    count_ = m.count;
    levels_bytes_ = m.levels_bytes;
  }

  // Encodes the buffered entries as one column chunk starting at file offset `offset`,
  // appends its bytes to `out`, describes it in `meta` and clears the buffer.
  Status Flush(int64_t offset, std::string* out, ChunkMeta* meta);

 private:
  std::string_view ValueAt(size_t i) const;  // PLAIN bytes of value i (incl. length prefix)
  void Level(int rep, int def);
  Status WritePage(int page_type, int encoding, int num_values, const std::string& body,
                   int64_t offset, std::string* out, ChunkMeta* meta);
  void Bounds(ChunkMeta* meta) const;

  const Leaf& leaf_;
  const WriterOptions& options_;
  std::vector<uint32_t> rep_, def_;
  std::string values_;             // PLAIN (booleans: one byte each)
  std::vector<uint32_t> offsets_;  // BYTE_ARRAY: start of each value in values_
  int64_t entries_ = 0;
  int64_t count_ = 0;  // values
  uint64_t levels_bytes_ = 0;
  std::string scratch_, compressed_;
};

}  // namespace tributary::parquet
