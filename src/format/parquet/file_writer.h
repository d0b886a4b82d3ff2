// ParquetFileWriter: a Parquet file written in one pass to an OutputStream (parquet-format
// README "File format"; shared/reference/formats-s3-iceberg.md §1):
//
//   "PAR1"  row group*  FileMetaData (Thrift compact)  4-byte LE footer length  "PAR1"
//
// Rows are shredded into one ColumnWriter per leaf (column_writer.h) as they arrive; when
// the buffered bytes reach `row_group_bytes` the row group is encoded and appended to the
// stream, one column chunk at a time, so only one row group is ever held in memory. Close()
// writes the last row group (never an empty one) and the footer:
//   version 1; the schema (schema elements with LogicalType and ConvertedType); num_rows;
//   row groups (total_byte_size, file_offset, total_compressed_size, ordinal; each column
//   chunk with file_offset and complete ColumnMetaData incl. encoding_stats and
//   statistics); key_value_metadata; created_by "tributary version X (build Y)";
//   column_orders (TYPE_ORDER for every leaf, so readers trust min_value/max_value).
//
// Thread safety: one thread.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "format/output_stream.h"
#include "format/parquet/column_writer.h"
#include "format/parquet/parquet_schema.h"
#include "schema/value.h"

namespace tributary::parquet {

// "none" | "uncompressed" | "snappy" | "gzip" | "zstd" | "lz4_raw": parquet.codec.
Result<Compression> ParseCompression(std::string_view name);
// ".snappy", ".gz"... as parquet-java names files: "" for none.
std::string CompressionExtension(Compression c);

class ParquetFileWriter {
 public:
  // Borrows `out`, which must outlive the writer.
  ParquetFileWriter(OutputStream* out, std::shared_ptr<const ParquetSchema> schema,
                    WriterOptions options);

  // Shreds one record (a kList Value of the root record's fields). InvalidArgument naming
  // the field when the value does not fit; the row is then not written at all.
  Status WriteRow(const Value& row);
  // Writes the footer with `metadata` as key_value_metadata.
  Status Close(const std::vector<std::pair<std::string, std::string>>& metadata,
               const std::string& created_by);

  uint64_t BufferedBytes() const;
  int64_t rows() const { return total_rows_ + group_rows_; }

 private:
  struct RowGroupMeta {
    std::vector<ChunkMeta> chunks;
    int64_t rows = 0, file_offset = 0, total_uncompressed = 0, total_compressed = 0;
  };
  Status Shred(const Node& node, const Value& v, int rep, int def);
  void Nulls(const Node& node, int rep, int def);
  Status FlushRowGroup();
  std::string Footer(const std::vector<std::pair<std::string, std::string>>& metadata,
                     const std::string& created_by) const;

  OutputStream* out_;
  std::shared_ptr<const ParquetSchema> schema_;
  WriterOptions options_;
  std::vector<std::unique_ptr<ColumnWriter>> columns_;
  std::vector<RowGroupMeta> row_groups_;
  std::vector<ColumnWriter::Mark> marks_;  // reused by WriteRow
  int64_t offset_ = 0;
  int64_t group_rows_ = 0, total_rows_ = 0;
  bool closed_ = false;
};

}  // namespace tributary::parquet
