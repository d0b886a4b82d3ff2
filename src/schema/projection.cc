#include "schema/projection.h"

#include <fmt/core.h>

#include <algorithm>
#include <vector>

#include "schema/json_value.h"

namespace tributary {

struct Projection::Node {
  enum class Op { kCopy, kToDouble, kEnum, kRecord, kArray, kMap };
  Op op = Op::kCopy;
  // A null value becomes `null_default` (optional → required with a default).
  bool null_to_default = false;
  Value null_default;
  std::vector<int64_t> enum_map;  // kEnum: source symbol index → target index
  std::vector<int> source_field;  // kRecord: per target field, the source's index or -1
  std::vector<Value> defaults;    // kRecord: per target field whose source_field is -1
  std::vector<Node> children;     // kRecord: per target field; kArray/kMap: one
};

namespace {

using Node = Projection::Node;

int Rank(SchemaType t) {
  switch (t) {
    case SchemaType::kInt:
      return 1;
    case SchemaType::kLong:
      return 2;
    case SchemaType::kFloat:
      return 3;
    case SchemaType::kDouble:
      return 4;
    default:
      return 0;
  }
}

std::string Join(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}
std::string At(const std::string& path) { return path.empty() ? "the value" : path; }

const std::string* DefaultOf(const Field& f) {
  for (const auto& [k, v] : f.props) {
    if (k == "default") return &v;
  }
  return nullptr;
}

Result<Value> ReadDefault(const Field& f, const std::string& json, const std::string& path) {
  JsonValueReader reader;
  Value v;
  Status st = reader.Read(json, f.schema, &v);
  if (!st.ok()) {
    return InvalidArgument("{}: the default {} does not fit {}: {}", path, json, Describe(f.schema),
                           st.message());
  }
  return v;
}

Status Build(const Schema& from, const Schema& to, const std::string& path, const Field* target,
             Node* node) {
  if (from.optional && !to.optional) {
    const std::string* def = target != nullptr ? DefaultOf(*target) : nullptr;
    if (def == nullptr) {
      return InvalidArgument(
          "{}: optional in the record's schema but required without a default in the file's",
          At(path));
    }
    ASSIGN_OR_RETURN(node->null_default, ReadDefault(*target, *def, At(path)));
    node->null_to_default = true;
  }
  const int rf = Rank(from.type), rt = Rank(to.type);
  if (from.type != to.type && !(rf > 0 && rt > 0 && rf < rt)) {
    return InvalidArgument("{}: {} in the record's schema cannot become {}", At(path),
                           Describe(from), Describe(to));
  }
  if (from.logical != to.logical || from.precision != to.precision || from.scale != to.scale) {
    return InvalidArgument("{}: logical type {} cannot become {}", At(path), Describe(from),
                           Describe(to));
  }
  if (from.IsNamed() && from.FullName() != to.FullName()) {
    return InvalidArgument("{}: the {} is named {} in the record's schema and {} in the file's",
                           At(path), Describe(to), from.FullName(), to.FullName());
  }
  if (rt >= 3 && rf <= 2) node->op = Node::Op::kToDouble;
  switch (to.type) {
    case SchemaType::kEnum:
      if (from.symbols == to.symbols) break;
      node->op = Node::Op::kEnum;
      for (const std::string& sym : from.symbols) {
        auto it = std::find(to.symbols.begin(), to.symbols.end(), sym);
        if (it == to.symbols.end()) {
          return InvalidArgument("{}: enum symbol {} is not in the file's {}", At(path), sym,
                                 to.FullName());
        }
        node->enum_map.push_back(it - to.symbols.begin());
      }
      break;
    case SchemaType::kFixed:
      if (from.fixed_size != to.fixed_size) {
        return InvalidArgument("{}: fixed({}) cannot become fixed({})", At(path), from.fixed_size,
                               to.fixed_size);
      }
      break;
    case SchemaType::kArray:
    case SchemaType::kMap:
      node->op = to.type == SchemaType::kArray ? Node::Op::kArray : Node::Op::kMap;
      node->children.resize(1);
      RETURN_IF_ERROR(Build(from.fields[0].schema, to.fields[0].schema,
                            path + (to.type == SchemaType::kArray ? "[]" : "{}"), nullptr,
                            &node->children[0]));
      break;
    case SchemaType::kRecord:
      node->op = Node::Op::kRecord;
      node->children.resize(to.fields.size());
      node->defaults.resize(to.fields.size());
      for (size_t i = 0; i < to.fields.size(); ++i) {
        const Field& tf = to.fields[i];
        const std::string fpath = Join(path, tf.name);
        auto sf = std::find_if(from.fields.begin(), from.fields.end(),
                               [&](const Field& f) { return f.name == tf.name; });
        if (sf != from.fields.end()) {
          node->source_field.push_back(static_cast<int>(sf - from.fields.begin()));
          RETURN_IF_ERROR(Build(sf->schema, tf.schema, fpath, &tf, &node->children[i]));
          continue;
        }
        node->source_field.push_back(-1);
        if (const std::string* def = DefaultOf(tf)) {
          ASSIGN_OR_RETURN(node->defaults[i], ReadDefault(tf, *def, fpath));
        } else if (!tf.schema.optional) {
          return InvalidArgument(
              "{}: the field is missing from the record's schema and has no default in the "
              "file's",
              fpath);
        }
      }
      break;
    default:
      break;
  }
  return Status::OK();
}

Status Run(const Node& node, const Value& in, Value* out) {
  if (in.kind == Value::Kind::kNull) {
    *out = node.null_to_default ? node.null_default : Value::Null();
    return Status::OK();
  }
  switch (node.op) {
    case Node::Op::kCopy:
      *out = in;
      return Status::OK();
    case Node::Op::kToDouble:
      *out = Value::Double(in.kind == Value::Kind::kInt ? static_cast<double>(in.i) : in.d);
      return Status::OK();
    case Node::Op::kEnum:
      if (in.i < 0 || static_cast<size_t>(in.i) >= node.enum_map.size()) {
        return InvalidArgument("enum index {} out of range", in.i);
      }
      *out = Value::Int(node.enum_map[in.i]);
      return Status::OK();
    case Node::Op::kRecord: {
      Value r;
      r.kind = Value::Kind::kList;
      r.items.resize(node.children.size());
      for (size_t i = 0; i < node.children.size(); ++i) {
        const int src = node.source_field[i];
        if (src < 0) {
          r.items[i] = node.defaults[i];
        } else if (static_cast<size_t>(src) < in.items.size()) {
          RETURN_IF_ERROR(Run(node.children[i], in.items[src], &r.items[i]));
        } else {
          return InvalidArgument("record value has {} fields, expected more than {}",
                                 in.items.size(), src);
        }
      }
      *out = std::move(r);
      return Status::OK();
    }
    case Node::Op::kArray:
    case Node::Op::kMap: {
      Value r;
      r.kind = in.kind;
      r.keys = in.keys;
      r.items.resize(in.items.size());
      for (size_t i = 0; i < in.items.size(); ++i) {
        RETURN_IF_ERROR(Run(node.children[0], in.items[i], &r.items[i]));
      }
      *out = std::move(r);
      return Status::OK();
    }
  }
  return Status::OK();
}

}  // namespace

Result<Projection> Projection::Make(const Schema& from, const Schema& to) {
  auto root = std::make_shared<Node>();
  RETURN_IF_ERROR(Build(from, to, "", nullptr, root.get()));
  return Projection(std::move(root));
}

Status Projection::Apply(const Value& in, Value* out) const { return Run(*root_, in, out); }

}  // namespace tributary
