#include "format/parquet/file_writer.h"

#include <fmt/ranges.h>

#include "common/strings.h"
#include "format/parquet/thrift_compact.h"

namespace tributary::parquet {
namespace {

constexpr std::string_view kMagic = "PAR1";
constexpr int kDataPage = 0, kDictionaryPage = 2, kPlain = 0;

void WriteTimeUnit(CompactWriter& w, LogicalType l) {
  w.BeginStruct(2);  // unit
  bool micros = l == LogicalType::kTimeMicros || l == LogicalType::kTimestampMicros ||
                l == LogicalType::kLocalTimestampMicros;
  w.EmptyStruct(micros ? 2 : 1);  // TimeUnit: 1 MILLIS, 2 MICROS
  w.EndStruct();
}

// SchemaElement.logicalType (field 10), when the element has one.
void WriteLogicalType(CompactWriter& w, const Element& e) {
  if (e.group == Element::Group::kList || e.group == Element::Group::kMap) {
    w.BeginStruct(10);
    w.EmptyStruct(e.group == Element::Group::kList ? 3 : 2);
    w.EndStruct();
    return;
  }
  if (!e.has_type || !e.schema) return;
  const Schema& s = *e.schema;
  switch (s.logical) {
    case LogicalType::kNone:
      if (s.type == SchemaType::kString || s.type == SchemaType::kEnum) {
        w.BeginStruct(10);
        w.EmptyStruct(s.type == SchemaType::kString ? 1 : 4);  // STRING, ENUM
        w.EndStruct();
      }
      return;
    case LogicalType::kDate:
      w.BeginStruct(10);
      w.EmptyStruct(6);
      w.EndStruct();
      return;
    case LogicalType::kDecimal:
      w.BeginStruct(10);
      w.BeginStruct(5);
      w.I32(1, s.scale);
      w.I32(2, s.precision);
      w.EndStruct();
      w.EndStruct();
      return;
    case LogicalType::kUuid:
      w.BeginStruct(10);
      w.EmptyStruct(14);
      w.EndStruct();
      return;
    case LogicalType::kTimeMillis:
    case LogicalType::kTimeMicros:
    case LogicalType::kTimestampMillis:
    case LogicalType::kTimestampMicros:
    case LogicalType::kLocalTimestampMillis:
    case LogicalType::kLocalTimestampMicros: {
      bool time = s.logical == LogicalType::kTimeMillis || s.logical == LogicalType::kTimeMicros;
      bool local = s.logical == LogicalType::kLocalTimestampMillis ||
                   s.logical == LogicalType::kLocalTimestampMicros;
      w.BeginStruct(10);
      w.BeginStruct(time ? 7 : 8);  // TIME, TIMESTAMP
      w.Bool(1, !local);            // isAdjustedToUTC
      WriteTimeUnit(w, s.logical);
      w.EndStruct();
      w.EndStruct();
      return;
    }
  }
}

}  // namespace

Result<Compression> ParseCompression(std::string_view name) {
  std::string n = ToLower(name);
  if (n == "none" || n == "uncompressed") return Compression::kNone;
  if (n == "snappy") return Compression::kSnappy;
  if (n == "gzip") return Compression::kGzip;
  if (n == "zstd") return Compression::kZstd;
  if (n == "lz4_raw") return Compression::kLz4Raw;
  return InvalidArgument(
      "parquet.codec: expected none, snappy, gzip, zstd or lz4_raw, got '{}' (lz4 is Hadoop's "
      "deprecated framing, which Tributary does not write; use lz4_raw)",
      name);
}

std::string CompressionExtension(Compression c) {
  switch (c) {
    case Compression::kNone:
      return "";
    case Compression::kSnappy:
      return ".snappy";
    case Compression::kGzip:
      return ".gz";
    case Compression::kZstd:
      return ".zstd";
    case Compression::kLz4Raw:
      return ".lz4raw";
  }
  return "";
}

ParquetFileWriter::ParquetFileWriter(OutputStream* out, std::shared_ptr<const ParquetSchema> schema,
                                     WriterOptions options)
    : out_(out), schema_(std::move(schema)), options_(options) {
  for (const Leaf& leaf : schema_->leaves()) {
    columns_.push_back(std::make_unique<ColumnWriter>(leaf, options_));
  }
}

uint64_t ParquetFileWriter::BufferedBytes() const {
  uint64_t n = 0;
  for (const auto& c : columns_) n += c->BufferedBytes();
  return n;
}

void ParquetFileWriter::Nulls(const Node& node, int rep, int def) {
  for (int l = node.first_leaf; l < node.end_leaf; ++l) columns_[l]->AddNull(rep, def);
}

// Dremel shredding: `def` is the definition level of the parent; `rep` the repetition
// level this value starts with.
Status ParquetFileWriter::Shred(const Node& node, const Value& v, int rep, int def) {
  if (v.kind == Value::Kind::kNull) {
    if (!node.optional) {
      return InvalidArgument(
          "{}: null in a required column",
          fmt::format("{}", fmt::join(schema_->leaves()[node.first_leaf].path, ".")));
    }
    Nulls(node, rep, def);
    return Status::OK();
  }
  switch (node.kind) {
    case Node::Kind::kLeaf:
      return columns_[node.leaf]->AddValue(rep, v);
    case Node::Kind::kRecord:
      if (v.kind != Value::Kind::kList || v.items.size() != node.children.size()) {
        return InvalidArgument("record value does not match its schema");
      }
      for (size_t k = 0; k < node.children.size(); ++k) {
        RETURN_IF_ERROR(Shred(node.children[k], v.items[k], rep, node.def));
      }
      return Status::OK();
    case Node::Kind::kList:
      if (v.kind != Value::Kind::kList) return InvalidArgument("list value expected");
      if (v.items.empty()) {
        Nulls(node, rep, node.def);  // present but empty
        return Status::OK();
      }
      for (size_t k = 0; k < v.items.size(); ++k) {
        RETURN_IF_ERROR(Shred(node.children[0], v.items[k], k == 0 ? rep : node.rep, node.def + 1));
      }
      return Status::OK();
    case Node::Kind::kMap:
      if (v.kind != Value::Kind::kMap) return InvalidArgument("map value expected");
      if (v.items.empty()) {
        Nulls(node, rep, node.def);
        return Status::OK();
      }
      for (size_t k = 0; k < v.items.size(); ++k) {
        int r = k == 0 ? rep : node.rep;
        RETURN_IF_ERROR(columns_[node.children[0].leaf]->AddValue(r, Value::Bytes(v.keys[k])));
        RETURN_IF_ERROR(Shred(node.children[1], v.items[k], r, node.def + 1));
      }
      return Status::OK();
  }
  return Internal("unknown node kind");
}

Status ParquetFileWriter::WriteRow(const Value& row) {
  if (closed_) return Internal("Parquet writer: write after close");
  if (offset_ == 0) {
    RETURN_IF_ERROR(out_->Append(kMagic));
    offset_ = static_cast<int64_t>(kMagic.size());
  }
  marks_.clear();
  for (const auto& c : columns_) marks_.push_back(c->GetMark());
  Status st = Shred(schema_->root(), row, 0, 0);
  if (!st.ok()) {
    for (size_t k = 0; k < columns_.size(); ++k) columns_[k]->Rollback(marks_[k]);
    return st;
  }
  ++group_rows_;
  if (BufferedBytes() >= options_.row_group_bytes) return FlushRowGroup();
  return Status::OK();
}

Status ParquetFileWriter::FlushRowGroup() {
  if (group_rows_ == 0) return Status::OK();  // never an empty row group
  RowGroupMeta rg;
  rg.rows = group_rows_;
  rg.file_offset = offset_;
  std::string chunk;
  for (auto& c : columns_) {
    chunk.clear();
    ChunkMeta meta;
    RETURN_IF_ERROR(c->Flush(offset_, &chunk, &meta));
    RETURN_IF_ERROR(out_->Append(chunk));
    offset_ += static_cast<int64_t>(chunk.size());
    rg.total_uncompressed += meta.uncompressed;
    rg.total_compressed += meta.compressed;
    rg.chunks.push_back(std::move(meta));
  }
  row_groups_.push_back(std::move(rg));
  total_rows_ += group_rows_;
  group_rows_ = 0;
  return Status::OK();
}

std::string ParquetFileWriter::Footer(
    const std::vector<std::pair<std::string, std::string>>& metadata,
    const std::string& created_by) const {
  std::string f;
  CompactWriter w(&f);
  w.I32(1, 1);  // version: always 1 (parquet.thrift)
  const auto& elements = schema_->elements();
  w.BeginList(2, CompactWriter::kStruct, elements.size());
  for (const Element& e : elements) {
    w.BeginElementStruct();
    if (e.has_type) w.I32(1, static_cast<int32_t>(e.type));
    if (e.has_type && e.type == Physical::kFixed) w.I32(2, e.type_length);
    if (e.repetition >= 0) w.I32(3, e.repetition);
    w.Binary(4, e.name);
    if (!e.has_type) w.I32(5, e.num_children);
    if (e.converted >= 0) w.I32(6, e.converted);
    if (e.converted == 5) {
      w.I32(7, e.scale);
      w.I32(8, e.precision);
    }
    WriteLogicalType(w, e);
    w.EndStruct();
  }
  w.I64(3, total_rows_);
  const auto& leaves = schema_->leaves();
  w.BeginList(4, CompactWriter::kStruct, row_groups_.size());
  for (size_t g = 0; g < row_groups_.size(); ++g) {
    const RowGroupMeta& rg = row_groups_[g];
    w.BeginElementStruct();
    w.BeginList(1, CompactWriter::kStruct, rg.chunks.size());
    for (size_t c = 0; c < rg.chunks.size(); ++c) {
      const ChunkMeta& m = rg.chunks[c];
      const Leaf& leaf = leaves[c];
      int64_t start = m.dictionary_page_offset >= 0 ? m.dictionary_page_offset : m.data_page_offset;
      w.BeginElementStruct();  // ColumnChunk
      w.I64(2, start);         // file_offset (required)
      w.BeginStruct(3);        // ColumnMetaData
      w.I32(1, static_cast<int32_t>(leaf.type));
      w.BeginList(2, CompactWriter::kI32, m.encodings.size());
      for (int enc : m.encodings) w.ElementI32(enc);
      w.BeginList(3, CompactWriter::kBinary, leaf.path.size());
      for (const auto& p : leaf.path) w.ElementBinary(p);
      w.I32(4, static_cast<int32_t>(options_.compression));
      w.I64(5, m.num_values);
      w.I64(6, m.uncompressed);
      w.I64(7, m.compressed);
      w.I64(9, m.data_page_offset);
      if (m.dictionary_page_offset >= 0) w.I64(11, m.dictionary_page_offset);
      w.BeginStruct(12);  // Statistics
      w.I64(3, m.null_count);
      if (m.has_bounds) {
        w.Binary(5, m.max);
        w.Binary(6, m.min);
      }
      w.EndStruct();
      // encoding_stats: exactly the pages written.
      size_t kinds = (m.dictionary_pages > 0 ? 1 : 0) + (m.data_pages > 0 ? 1 : 0);
      w.BeginList(13, CompactWriter::kStruct, kinds);
      if (m.dictionary_pages > 0) {
        w.BeginElementStruct();
        w.I32(1, kDictionaryPage);
        w.I32(2, kPlain);
        w.I32(3, m.dictionary_pages);
        w.EndStruct();
      }
      if (m.data_pages > 0) {
        w.BeginElementStruct();
        w.I32(1, kDataPage);
        w.I32(2, m.data_encoding);
        w.I32(3, m.data_pages);
        w.EndStruct();
      }
      w.EndStruct();  // ColumnMetaData
      w.EndStruct();  // ColumnChunk
    }
    w.I64(2, rg.total_uncompressed);
    w.I64(3, rg.rows);
    w.I64(5, rg.file_offset);
    w.I64(6, rg.total_compressed);
    if (g <= INT16_MAX) w.I16(7, static_cast<int16_t>(g));  // ordinal
    w.EndStruct();
  }
  if (!metadata.empty()) {
    w.BeginList(5, CompactWriter::kStruct, metadata.size());
    for (const auto& [k, v] : metadata) {
      w.BeginElementStruct();
      w.Binary(1, k);
      w.Binary(2, v);
      w.EndStruct();
    }
  }
  w.Binary(6, created_by);
  w.BeginList(7, CompactWriter::kStruct, leaves.size());
  for (size_t k = 0; k < leaves.size(); ++k) {
    w.BeginElementStruct();
    w.EmptyStruct(1);  // TYPE_ORDER
    w.EndStruct();
  }
  w.End();
  return f;
}

Status ParquetFileWriter::Close(const std::vector<std::pair<std::string, std::string>>& metadata,
                                const std::string& created_by) {
  if (closed_) return Status::OK();
  closed_ = true;
  if (offset_ == 0) {
    RETURN_IF_ERROR(out_->Append(kMagic));
    offset_ = static_cast<int64_t>(kMagic.size());
  }
  RETURN_IF_ERROR(FlushRowGroup());
  std::string footer = Footer(metadata, created_by);
  uint32_t len = static_cast<uint32_t>(footer.size());
  for (int k = 0; k < 4; ++k) footer.push_back(static_cast<char>(len >> (8 * k)));
  footer.append(kMagic);
  return out_->Append(footer);
}

}  // namespace tributary::parquet
