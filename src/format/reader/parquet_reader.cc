#include "format/reader/parquet_reader.h"

#include <cmath>
#include <cstring>

#include <simdjson.h>

#include "common/json_writer.h"
#include "format/reader/columnar_json.h"
#include "format/reader/parquet_column_reader.h"
#include "format/reader/thrift_compact_reader.h"

namespace tributary {
namespace reader {
namespace {

constexpr std::string_view kMagic = "PAR1";
// Julian day number of 1970-01-01, for INT96 timestamps.
constexpr int64_t kJulianEpochDay = 2440588;

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

class ParquetReader final : public RecordReader {
 public:
  ParquetReader(std::string name, std::string bytes)
      : name_(std::move(name)), bytes_(std::move(bytes)), size_(bytes_.size()) {}
  ParquetReader(std::string name, uint64_t size, ParquetRangeFetch fetch)
      : name_(std::move(name)), size_(size), fetch_(std::move(fetch)) {}

  // The bytes [offset, offset + length) of the file: a view into the whole file, or
  // fetched into `*holder`.
  Result<std::string_view> Bytes(uint64_t offset, uint64_t length, std::string* holder) {
    if (!fetch_) return std::string_view(bytes_).substr(offset, length);
    if (length == 0) return std::string_view();
    ASSIGN_OR_RETURN(*holder, fetch_(offset, length));
    if (holder->size() != length) {
      return Corruption("{}: read {} bytes at byte {}, expected {}", name_, holder->size(), offset,
                        length);
    }
    return std::string_view(*holder);
  }

  Status Open(ColumnarFileInfo* info) {
    if (size_ < 12)
      return Corruption("{}: not a Parquet file or truncated (no PAR1 at both ends)", name_);
    std::string head_holder, tail_holder;
    ASSIGN_OR_RETURN(std::string_view head, Bytes(0, 4, &head_holder));
    // The tail: the footer usually fits in the last 64 KiB (one read).
    const uint64_t tail_len = fetch_ ? std::min<uint64_t>(size_, 64 << 10) : size_;
    ASSIGN_OR_RETURN(std::string_view tail, Bytes(size_ - tail_len, tail_len, &tail_holder));
    if (head == "PARE") {
      return InvalidArgument("{}: encrypted Parquet files (PARE) are not supported", name_);
    }
    if (head != kMagic || tail.substr(tail.size() - 4) != kMagic) {
      return Corruption("{}: not a Parquet file or truncated (no PAR1 at both ends)", name_);
    }
    const uint32_t len = LoadLE<uint32_t>(tail.data() + tail.size() - 8);
    if (len > size_ - 12) return Corruption("{}: footer length {} exceeds the file", name_, len);
    footer_end_ = size_ - 8;
    std::string_view footer;
    if (len + 8 <= tail.size()) {
      footer = tail.substr(tail.size() - 8 - len, len);
      if (fetch_) {
        footer_bytes_ = std::string(footer);
        footer = footer_bytes_;
      }
    } else {
      ASSIGN_OR_RETURN(footer, Bytes(footer_end_ - len, len, &footer_bytes_));
    }
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

  Result<bool> Next(ReadRecord* out) override {
    *out = ReadRecord{};
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
    // Ranged reads: the row group's column chunks are fetched as one span.
    uint64_t span_first = UINT64_MAX, span_end = 0;
    for (size_t c = 0; fetch_ && c < leaves_.size(); ++c) {
      const ThriftValue* m = cols->list[c].Field(3);
      if (!m) continue;
      const int64_t data_offset = m->Int(9, -1), dict_offset = m->Int(11, -1), size = m->Int(7, -1);
      const int64_t start =
          dict_offset > 0 && dict_offset < data_offset ? dict_offset : data_offset;
      if (start < 4 || size < 0 ||
          static_cast<uint64_t>(start) + static_cast<uint64_t>(size) > footer_end_)
        continue;  // reported below
      span_first = std::min<uint64_t>(span_first, static_cast<uint64_t>(start));
      span_end = std::max<uint64_t>(span_end, static_cast<uint64_t>(start + size));
    }
    std::string_view span;
    if (fetch_ && span_first < span_end) {
      ASSIGN_OR_RETURN(span, Bytes(span_first, span_end - span_first, &group_bytes_));
    }
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
      const std::string_view chunk_bytes =
          fetch_ ? span.substr(static_cast<uint64_t>(start) - span_first, size)
                 : std::string_view(bytes_).substr(start, size);
      cursors_.emplace_back(&leaf, where, chunk_bytes, m->Int(4, 0), num_values, start, &zstd_);
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
    ColumnReader& c = cursors_[n.first_leaf];
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
  const std::string bytes_;  // the whole file, or empty with fetch_
  const uint64_t size_;
  ParquetRangeFetch fetch_;   // ranged reads, or null
  std::string footer_bytes_;  // with fetch_: the footer
  std::string group_bytes_;   // with fetch_: the current row group's column chunks
  size_t footer_end_ = 0;
  ThriftValue meta_;  // views into bytes_ or footer_bytes_
  const std::vector<ThriftValue>* row_groups_ = nullptr;
  Node root_;
  std::vector<LeafInfo> leaves_;
  ZstdContext zstd_;
  simdjson::dom::parser json_parser_;  // JSON columns
  std::vector<ColumnReader> cursors_;
  size_t next_group_ = 0, group_ = 0;
  bool group_open_ = false;
  int64_t rows_left_ = 0;
  int64_t row_ = 0;  // index of the next row in the file
};

}  // namespace
}  // namespace reader

Result<std::unique_ptr<RecordReader>> MakeParquetReader(std::string name, std::string bytes,
                                                        ColumnarFileInfo* info) {
  ColumnarFileInfo local;
  if (!info) info = &local;
  *info = ColumnarFileInfo{};
  auto reader = std::make_unique<reader::ParquetReader>(std::move(name), std::move(bytes));
  RETURN_IF_ERROR(reader->Open(info));
  return std::unique_ptr<RecordReader>(std::move(reader));
}

Result<std::unique_ptr<RecordReader>> MakeParquetRangedReader(std::string name, uint64_t size,
                                                              ParquetRangeFetch fetch,
                                                              ColumnarFileInfo* info) {
  ColumnarFileInfo local;
  if (!info) info = &local;
  *info = ColumnarFileInfo{};
  auto reader = std::make_unique<reader::ParquetReader>(std::move(name), size, std::move(fetch));
  RETURN_IF_ERROR(reader->Open(info));
  return std::unique_ptr<RecordReader>(std::move(reader));
}

}  // namespace tributary
