#include "schema/json_schema.h"

#include <algorithm>
#include <set>

#include <simdjson.h>

namespace tributary {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr std::string_view kConnectData = "org.apache.kafka.connect.data.";

std::string AvroName(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(0, "_");
  return out;
}

std::string_view Str(object o, std::string_view key) {
  std::string_view v;
  if (o[key].get(v)) return {};
  return v;
}

// connect.parameters.<key> as an int (Confluent writes them as strings).
std::optional<int64_t> Param(object o, std::string_view key) {
  object params;
  if (o["connect.parameters"].get(params)) return std::nullopt;
  element v;
  if (params[key].get(v)) return std::nullopt;
  int64_t n;
  if (!v.get(n)) return n;
  std::string_view text;
  if (!v.get(text)) {
    try {
      return std::stoll(std::string(text));
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

bool IsNullSchema(element e) {
  object o;
  if (e.get(o)) return false;
  return Str(o, "type") == "null";
}

class Parser {
 public:
  explicit Parser(element root) : root_(root) {}

  Result<Schema> Node(element e, const std::string& path, const std::string& name,
                      const std::string& ns) {
    bool b;
    if (!e.get(b)) return JsonText(true);  // `true` / `false` schemas: any value
    object o;
    if (e.get(o)) {
      return InvalidArgument("JSON Schema at {}: expected an object, got {}", path,
                             simdjson::minify(e));
    }
    if (std::string_view ref = Str(o, "$ref"); !ref.empty()) return Ref(ref, path, name, ns);
    for (std::string_view combiner : {"oneOf", "anyOf"}) {
      simdjson::dom::array subs;
      if (o[combiner].get(subs)) continue;
      bool nullable = false;
      std::vector<element> others;
      for (element sub : subs) {
        if (IsNullSchema(sub)) {
          nullable = true;
        } else {
          others.push_back(sub);
        }
      }
      if (others.size() == 1) {
        ASSIGN_OR_RETURN(Schema s, Node(others[0], fmt::format("{}.{}", path, combiner), name, ns));
        s.optional = s.optional || nullable;
        return s;
      }
      return JsonText(true);
    }
    if (o["allOf"].error() == simdjson::SUCCESS) return JsonText(true);

    bool nullable = false;
    std::string type;
    element t;
    if (!o["type"].get(t)) {
      std::string_view one;
      simdjson::dom::array many;
      if (!t.get(one)) {
        type = std::string(one);
      } else if (!t.get(many)) {
        std::set<std::string> types;
        for (element x : many) {
          std::string_view tx;
          if (x.get(tx)) return InvalidArgument("JSON Schema at {}.type: expected strings", path);
          if (tx == "null") {
            nullable = true;
          } else {
            types.insert(std::string(tx));
          }
        }
        if (types == std::set<std::string>{"integer", "number"}) types = {"number"};
        if (types.size() == 1) {
          type = *types.begin();
        } else if (types.empty()) {
          type = "null";
        } else {
          return JsonText(true);
        }
      } else {
        return InvalidArgument("JSON Schema at {}.type: expected a string or an array", path);
      }
    } else if (o["properties"].error() == simdjson::SUCCESS) {
      type = "object";
    } else if (o["items"].error() == simdjson::SUCCESS) {
      type = "array";
    } else if (o["enum"].error() == simdjson::SUCCESS || o["const"].error() == simdjson::SUCCESS) {
      type = "string";
    } else {
      return JsonText(true);
    }

    const std::string_view title = Str(o, "title");
    const std::string_view connect_type = Str(o, "connect.type");
    Schema s;
    if (type == "object") {
      element extra;
      bool has_extra =
          !o["additionalProperties"].get(extra) && extra.type() == element_type::OBJECT;
      if (connect_type == "map" || (o["properties"].error() != simdjson::SUCCESS && has_extra)) {
        if (!has_extra) return MapOf(JsonText(true));
        ASSIGN_OR_RETURN(Schema v, Node(extra, path + ".additionalProperties", name + "Value", ns));
        s = MapOf(std::move(v));
      } else {
        ASSIGN_OR_RETURN(s, Record(o, path, title.empty() ? name : AvroName(title), ns));
      }
    } else if (type == "array") {
      element items;
      if (o["items"].get(items) || items.type() == element_type::ARRAY) {
        s = ArrayOf(JsonText(true));
      } else {
        ASSIGN_OR_RETURN(Schema item, Node(items, path + ".items", name + "Item", ns));
        s = ArrayOf(std::move(item));
      }
    } else if (type == "boolean") {
      s = Primitive(SchemaType::kBoolean);
    } else if (type == "integer" || type == "number") {
      ASSIGN_OR_RETURN(s, Number(o, type == "integer", title, connect_type, path));
    } else if (type == "string") {
      std::string_view format = Str(o, "format");
      if (title == std::string(kConnectData) + "Decimal") {
        ASSIGN_OR_RETURN(s, Decimal(o, path));
      } else if (connect_type == "bytes") {
        s = Primitive(SchemaType::kBytes);
      } else if (format == "date") {
        s = Primitive(SchemaType::kInt, LogicalType::kDate);
      } else if (format == "date-time") {
        s = Primitive(SchemaType::kLong, LogicalType::kTimestampMicros);
      } else if (format == "uuid") {
        s = Primitive(SchemaType::kString, LogicalType::kUuid);
      } else {
        s = Primitive(SchemaType::kString);
      }
    } else if (type == "null") {
      return JsonText(true);
    } else {
      return InvalidArgument("JSON Schema at {}: unknown type '{}'", path, type);
    }
    s.optional = nullable;
    return s;
  }

 private:
  static Schema JsonText(bool optional) {
    Schema s = Primitive(SchemaType::kString);
    s.optional = optional;
    return s;
  }

  Result<Schema> Ref(std::string_view ref, const std::string& path, const std::string& name,
                     const std::string& ns) {
    if (ref[0] != '#') {
      return InvalidArgument(
          "JSON Schema at {}: $ref '{}' points outside the schema; only local references "
          "(#/definitions/..., #/$defs/...) are supported",
          path, ref);
    }
    if (std::find(refs_.begin(), refs_.end(), ref) != refs_.end()) {
      return InvalidArgument(
          "JSON Schema at {}: $ref '{}' is recursive: a recursive schema cannot be written as "
          "Parquet or Avro columns",
          path, ref);
    }
    element target = root_;
    if (ref.size() > 1 && root_.at_pointer(ref.substr(1)).get(target)) {
      return InvalidArgument("JSON Schema at {}: $ref '{}' points at nothing", path, ref);
    }
    std::string def_name = name;
    if (size_t slash = ref.rfind('/'); slash != std::string_view::npos && ref.size() > slash + 1) {
      def_name = AvroName(ref.substr(slash + 1));
    }
    refs_.push_back(ref);
    auto s = Node(target, std::string(ref), def_name, ns);
    refs_.pop_back();
    return s;
  }

  Result<Schema> Record(object o, const std::string& path, const std::string& name,
                        const std::string& ns) {
    Schema r = RecordOf(name, {});
    r.namespace_ = ns;
    const std::string child_ns = ns.empty() ? name : ns + "." + name;
    std::set<std::string_view> required;
    simdjson::dom::array req;
    if (!o["required"].get(req)) {
      for (element x : req) {
        std::string_view n;
        if (!x.get(n)) required.insert(n);
      }
    }
    object props;
    if (o["properties"].get(props)) return r;
    struct Prop {
      int64_t index;
      size_t order;
      std::string_view name;
      element schema;
    };
    std::vector<Prop> list;
    for (auto [k, v] : props) {
      int64_t index = static_cast<int64_t>(list.size());
      object vo;
      if (!v.get(vo)) {
        int64_t ci;
        if (!vo["connect.index"].get(ci)) index = ci;
      }
      list.push_back(Prop{index, list.size(), k, v});
    }
    std::stable_sort(list.begin(), list.end(),
                     [](const Prop& a, const Prop& b) { return a.index < b.index; });
    for (const Prop& p : list) {
      ASSIGN_OR_RETURN(Schema fs, Node(p.schema, path + ".properties." + std::string(p.name),
                                       AvroName(p.name), child_ns));
      if (!required.count(p.name)) fs.optional = true;
      r.fields.push_back(Field{std::string(p.name), std::move(fs), {}});
    }
    return r;
  }

  Result<Schema> Decimal(object o, const std::string& path) {
    int64_t precision = Param(o, "connect.decimal.precision").value_or(38);
    int64_t scale = Param(o, "scale").value_or(0);
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      return InvalidArgument(
          "JSON Schema at {}: decimal precision {} and scale {}: precision must be 1..38 and "
          "scale 0..precision",
          path, precision, scale);
    }
    return DecimalOf(static_cast<int>(precision), static_cast<int>(scale));
  }

  Result<Schema> Number(object o, bool integer, std::string_view title,
                        std::string_view connect_type, const std::string& path) {
    if (title == std::string(kConnectData) + "Decimal" || connect_type == "bytes") {
      return Decimal(o, path);
    }
    if (title == std::string(kConnectData) + "Date") {
      return Primitive(SchemaType::kInt, LogicalType::kDate);
    }
    if (title == std::string(kConnectData) + "Time") {
      return Primitive(SchemaType::kInt, LogicalType::kTimeMillis);
    }
    if (title == std::string(kConnectData) + "Timestamp") {
      return Primitive(SchemaType::kLong, LogicalType::kTimestampMillis);
    }
    if (connect_type == "int8" || connect_type == "int16" || connect_type == "int32") {
      return Primitive(SchemaType::kInt);
    }
    if (connect_type == "int64") return Primitive(SchemaType::kLong);
    if (connect_type == "float32") return Primitive(SchemaType::kFloat);
    if (connect_type == "float64") return Primitive(SchemaType::kDouble);
    return Primitive(integer ? SchemaType::kLong : SchemaType::kDouble);
  }

  element root_;
  std::vector<std::string_view> refs_;
};

}  // namespace

Result<Schema> ParseJsonSchema(std::string_view text, std::string_view root_name) {
  simdjson::dom::parser parser;
  element root;
  if (auto err = parser.parse(text.data(), text.size()).get(root); err) {
    return InvalidArgument("JSON Schema is not valid JSON ({})", simdjson::error_message(err));
  }
  Parser p(root);
  ASSIGN_OR_RETURN(Schema s, p.Node(root, "#", AvroName(root_name), ""));
  if (s.type != SchemaType::kRecord) {
    return InvalidArgument(
        "JSON Schema: the top level is {}, not an object: Parquet and Avro files need a record",
        Describe(s));
  }
  s.optional = false;
  return s;
}

}  // namespace tributary
