#include "format/parquet/parquet_schema.h"

namespace tributary::parquet {
namespace {

const Schema& KeySchema() {
  static const Schema key = tributary::Primitive(SchemaType::kString);
  return key;
}

// Fewest bytes of a two's complement value holding `precision` decimal digits.
int DecimalBytes(int precision) {
  int bytes = 1;
  __int128 max = 1;
  for (int k = 0; k < precision; ++k) max *= 10;
  while (bytes < 16 && (static_cast<__int128>(1) << (8 * bytes - 1)) < max) ++bytes;
  return bytes;
}

}  // namespace

Result<std::shared_ptr<const ParquetSchema>> ParquetSchema::Make(const Schema& schema) {
  if (schema.type != SchemaType::kRecord) {
    return InvalidArgument("Parquet needs a record schema at the top level, got {}",
                           Describe(schema));
  }
  auto ps = std::shared_ptr<ParquetSchema>(new ParquetSchema());
  ps->schema_ = std::make_unique<Schema>(schema);
  ps->schema_->optional = false;
  RETURN_IF_ERROR(ps->Build(*ps->schema_, ps->schema_->name, {}, 0, 0, false, &ps->root_));
  return std::shared_ptr<const ParquetSchema>(std::move(ps));
}

Status ParquetSchema::Primitive(const Schema& s, const std::string& name, Element* e, Leaf* leaf) {
  e->has_type = true;
  e->schema = &s;
  leaf->schema = &s;
  auto set = [&](Physical p, int converted, SortOrder order) {
    e->type = p;
    e->converted = converted;
    leaf->type = p;
    leaf->order = order;
  };
  if (s.logical == LogicalType::kDecimal) {
    if (s.precision > 38) {
      return InvalidArgument(
          "{}: decimal precision {} > 38 is not readable as a decimal by Spark, Trino or "
          "Athena; declare precision <= 38",
          name, s.precision);
    }
    e->scale = s.scale;
    e->precision = s.precision;
    if (s.precision <= 9) {
      set(Physical::kInt32, 5, SortOrder::kSigned);
    } else if (s.precision <= 18) {
      set(Physical::kInt64, 5, SortOrder::kSigned);
    } else {
      set(Physical::kFixed, 5, SortOrder::kSignedFixed);
      e->type_length = leaf->type_length = DecimalBytes(s.precision);
    }
    return Status::OK();
  }
  if (s.logical == LogicalType::kUuid) {
    set(Physical::kFixed, -1, SortOrder::kUnsigned);
    e->type_length = leaf->type_length = 16;
    return Status::OK();
  }
  switch (s.type) {
    case SchemaType::kBoolean:
      set(Physical::kBoolean, -1, SortOrder::kUnsigned);
      return Status::OK();
    case SchemaType::kInt: {
      int converted = s.logical == LogicalType::kDate         ? 6
                      : s.logical == LogicalType::kTimeMillis ? 7
                                                              : -1;
      set(Physical::kInt32, converted, SortOrder::kSigned);
      return Status::OK();
    }
    case SchemaType::kLong: {
      int converted = -1;
      switch (s.logical) {
        case LogicalType::kTimeMicros:
          converted = 8;
          break;
        case LogicalType::kTimestampMillis:
        case LogicalType::kLocalTimestampMillis:
          converted = 9;
          break;
        case LogicalType::kTimestampMicros:
        case LogicalType::kLocalTimestampMicros:
          converted = 10;
          break;
        default:
          break;
      }
      set(Physical::kInt64, converted, SortOrder::kSigned);
      return Status::OK();
    }
    case SchemaType::kFloat:
      set(Physical::kFloat, -1, SortOrder::kFloat);
      return Status::OK();
    case SchemaType::kDouble:
      set(Physical::kDouble, -1, SortOrder::kFloat);
      return Status::OK();
    case SchemaType::kString:
      set(Physical::kByteArray, 0, SortOrder::kUnsigned);
      return Status::OK();
    case SchemaType::kEnum:
      set(Physical::kByteArray, 4, SortOrder::kUnsigned);
      return Status::OK();
    case SchemaType::kBytes:
      set(Physical::kByteArray, -1, SortOrder::kUnsigned);
      return Status::OK();
    case SchemaType::kFixed:
      set(Physical::kFixed, -1, SortOrder::kUnsigned);
      e->type_length = leaf->type_length = s.fixed_size;
      return Status::OK();
    case SchemaType::kNull:
      return InvalidArgument("{}: null-typed fields cannot be written to Parquet", name);
    default:
      return Internal("{}: not a primitive", name);
  }
}

Status ParquetSchema::Build(const Schema& s, const std::string& name, std::vector<std::string> path,
                            int def, int rep, bool optional, Node* node) {
  node->optional = optional;
  node->def = def + (optional ? 1 : 0);
  node->first_leaf = static_cast<int>(leaves_.size());
  const int repetition = elements_.empty() ? -1 : (optional ? 1 : 0);
  const std::string where = path.empty() ? name : path.back();
  switch (s.type) {
    case SchemaType::kRecord: {
      if (s.fields.empty()) {
        return InvalidArgument("{}: an empty record cannot be written to Parquet", where);
      }
      node->kind = Node::Kind::kRecord;
      elements_.push_back(Element{.name = name,
                                  .repetition = repetition,
                                  .num_children = static_cast<int>(s.fields.size())});
      for (const Field& f : s.fields) {
        node->children.emplace_back();
        auto child_path = path;
        child_path.push_back(f.name);
        RETURN_IF_ERROR(Build(f.schema, f.name, child_path, node->def, rep, f.schema.optional,
                              &node->children.back()));
      }
      break;
    }
    case SchemaType::kArray: {
      node->kind = Node::Kind::kList;
      node->rep = rep + 1;
      elements_.push_back(Element{.name = name,
                                  .repetition = repetition,
                                  .num_children = 1,
                                  .converted = 3,
                                  .schema = &s,
                                  .group = Element::Group::kList});
      elements_.push_back(Element{.name = "list", .repetition = 2, .num_children = 1});
      node->children.emplace_back();
      path.push_back("list");
      path.push_back("element");
      RETURN_IF_ERROR(Build(s.items(), "element", path, node->def + 1, rep + 1, s.items().optional,
                            &node->children.back()));
      break;
    }
    case SchemaType::kMap: {
      node->kind = Node::Kind::kMap;
      node->rep = rep + 1;
      elements_.push_back(Element{.name = name,
                                  .repetition = repetition,
                                  .num_children = 1,
                                  .converted = 1,
                                  .schema = &s,
                                  .group = Element::Group::kMap});
      elements_.push_back(Element{.name = "key_value", .repetition = 2, .num_children = 2});
      path.push_back("key_value");
      // The key: required, a string.
      node->children.emplace_back();
      Node& key = node->children.back();
      key.kind = Node::Kind::kLeaf;
      key.def = node->def + 1;
      key.first_leaf = static_cast<int>(leaves_.size());
      key.leaf = key.first_leaf;
      key.end_leaf = key.leaf + 1;
      Element ke{.name = "key", .repetition = 0};
      Leaf kl;
      RETURN_IF_ERROR(Primitive(KeySchema(), "key", &ke, &kl));
      kl.path = path;
      kl.path.push_back("key");
      kl.max_def = key.def;
      kl.max_rep = rep + 1;
      elements_.push_back(ke);
      leaves_.push_back(kl);
      node->children.emplace_back();
      path.push_back("value");
      RETURN_IF_ERROR(Build(s.values(), "value", path, node->def + 1, rep + 1, s.values().optional,
                            &node->children.back()));
      break;
    }
    default: {
      node->kind = Node::Kind::kLeaf;
      Element e{.name = name, .repetition = repetition};
      Leaf leaf;
      RETURN_IF_ERROR(Primitive(s, where, &e, &leaf));
      leaf.path = path;
      leaf.max_def = node->def;
      leaf.max_rep = rep;
      node->leaf = static_cast<int>(leaves_.size());
      elements_.push_back(e);
      leaves_.push_back(leaf);
      break;
    }
  }
  node->end_leaf = static_cast<int>(leaves_.size());
  return Status::OK();
}

}  // namespace tributary::parquet
