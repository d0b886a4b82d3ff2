#include "schema/avro_schema.h"

#include <map>
#include <set>

#include <simdjson.h>

namespace tributary {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

struct Primitive_ {
  std::string_view name;
  SchemaType type;
};
constexpr Primitive_ kPrimitives[] = {
    {"null", SchemaType::kNull},   {"boolean", SchemaType::kBoolean},
    {"int", SchemaType::kInt},     {"long", SchemaType::kLong},
    {"float", SchemaType::kFloat}, {"double", SchemaType::kDouble},
    {"bytes", SchemaType::kBytes}, {"string", SchemaType::kString},
};

bool PrimitiveType(std::string_view name, SchemaType* type) {
  for (const auto& p : kPrimitives) {
    if (p.name == name) {
      *type = p.type;
      return true;
    }
  }
  return false;
}

std::string_view PrimitiveName(SchemaType type) {
  for (const auto& p : kPrimitives) {
    if (p.type == type) return p.name;
  }
  return "";
}

class Parser {
 public:
  Result<Schema> Parse(element e, const std::string& path, const std::string& ns) {
    switch (e.type()) {
      case element_type::STRING:
        return ParseName(std::string(std::string_view(e)), path, ns);
      case element_type::ARRAY:
        return ParseUnion(e, path, ns);
      case element_type::OBJECT:
        return ParseObject(e, path, ns);
      default:
        return InvalidArgument(
            "Avro schema at {}: expected a type name, an object or a union, got {}", path,
            simdjson::minify(e));
    }
  }

 private:
  Result<Schema> ParseName(const std::string& name, const std::string& path,
                           const std::string& ns) {
    Schema s;
    if (PrimitiveType(name, &s.type)) return s;
    std::string full = name.find('.') == std::string::npos && !ns.empty() ? ns + "." + name : name;
    auto it = named_.find(full);
    if (it == named_.end()) it = named_.find(name);
    if (it == named_.end()) {
      return InvalidArgument(
          "Avro schema at {}: unknown type '{}' (not a primitive and not a named type defined "
          "earlier; recursive types are not supported)",
          path, name);
    }
    Schema ref = it->second;
    ref.optional = false;
    return ref;
  }

  Result<Schema> ParseUnion(element e, const std::string& path, const std::string& ns) {
    simdjson::dom::array branches = e;
    std::vector<element> items(branches.begin(), branches.end());
    auto is_null = [](element b) {
      return b.type() == element_type::STRING && std::string_view(b) == "null";
    };
    if (items.size() == 1) return Parse(items[0], path, ns);
    if (items.size() == 2 && (is_null(items[0]) != is_null(items[1]))) {
      bool null_first = is_null(items[0]);
      ASSIGN_OR_RETURN(Schema s, Parse(items[null_first ? 1 : 0], path, ns));
      if (s.optional) {
        return InvalidArgument("Avro schema at {}: a union may not contain another union", path);
      }
      s.optional = true;
      s.null_first = null_first;
      return s;
    }
    return InvalidArgument(
        "Avro schema at {}: union {} is not supported; only [\"null\", T] (optional T) and "
        "single-type unions are",
        path, simdjson::minify(e));
  }

  static std::string FullName(std::string_view name, std::string_view ns_attr,
                              const std::string& enclosing, std::string* ns_out) {
    size_t dot = name.rfind('.');
    if (dot != std::string_view::npos) {
      *ns_out = std::string(name.substr(0, dot));
      return std::string(name.substr(dot + 1));
    }
    *ns_out = ns_attr.empty() ? enclosing : std::string(ns_attr);
    return std::string(name);
  }

  Result<Schema> ParseObject(element e, const std::string& path, const std::string& ns) {
    simdjson::dom::object obj = e;
    element type_el;
    if (obj["type"].get(type_el)) {
      return InvalidArgument("Avro schema at {}: object without \"type\": {}", path,
                             simdjson::minify(e));
    }
    Schema s;
    std::map<std::string_view, element> attrs;
    for (auto [k, v] : obj) attrs[k] = v;
    std::set<std::string_view> used = {"type", "logicalType"};
    if (type_el.type() != element_type::STRING) {
      // {"type": {...}} or {"type": [...]}: the nested schema, with this object's extras.
      ASSIGN_OR_RETURN(s, Parse(type_el, path, ns));
    } else {
      std::string_view t = type_el;
      if (t == "record" || t == "error") {
        RETURN_IF_ERROR(ParseRecord(obj, path, ns, &s, &used));
      } else if (t == "enum") {
        RETURN_IF_ERROR(NamedHeader(obj, path, ns, SchemaType::kEnum, &s, &used));
        simdjson::dom::array symbols;
        if (obj["symbols"].get(symbols)) {
          return InvalidArgument("Avro schema at {}: enum {} needs a \"symbols\" array", path,
                                 s.name);
        }
        for (element sym : symbols) {
          std::string_view sv;
          if (sym.get(sv))
            return InvalidArgument("Avro schema at {}: enum symbols are strings", path);
          s.symbols.emplace_back(sv);
        }
        used.insert("symbols");
        named_[s.FullName()] = s;
      } else if (t == "fixed") {
        RETURN_IF_ERROR(NamedHeader(obj, path, ns, SchemaType::kFixed, &s, &used));
        int64_t size;
        if (obj["size"].get(size) || size < 0 || size > (1 << 30)) {
          return InvalidArgument("Avro schema at {}: fixed {} needs a \"size\" >= 0", path, s.name);
        }
        s.fixed_size = static_cast<int>(size);
        used.insert("size");
      } else if (t == "array") {
        element items;
        if (obj["items"].get(items)) {
          return InvalidArgument("Avro schema at {}: array needs \"items\"", path);
        }
        ASSIGN_OR_RETURN(Schema item, Parse(items, path + "[]", ns));
        s = ArrayOf(std::move(item));
        used.insert("items");
      } else if (t == "map") {
        element values;
        if (obj["values"].get(values)) {
          return InvalidArgument("Avro schema at {}: map needs \"values\"", path);
        }
        ASSIGN_OR_RETURN(Schema value, Parse(values, path + "{}", ns));
        s = MapOf(std::move(value));
        used.insert("values");
      } else if (!PrimitiveType(t, &s.type)) {
        ASSIGN_OR_RETURN(s, ParseName(std::string(t), path, ns));
        s.props.clear();
      }
    }
    ApplyLogicalType(attrs, &s, &used);
    for (const auto& [k, v] : attrs) {
      if (!used.count(k)) s.props.emplace_back(std::string(k), simdjson::minify(v));
    }
    if (s.type == SchemaType::kFixed) named_[s.FullName()] = s;
    if (s.type == SchemaType::kEnum) named_[s.FullName()] = s;
    return s;
  }

  Status NamedHeader(simdjson::dom::object obj, const std::string& path, const std::string& ns,
                     SchemaType type, Schema* s, std::set<std::string_view>* used) {
    std::string_view name, ns_attr;
    if (obj["name"].get(name) || name.empty()) {
      return InvalidArgument("Avro schema at {}: a named type needs a \"name\"", path);
    }
    if (obj["namespace"].get(ns_attr)) ns_attr = {};  // absent (or not a string)
    s->type = type;
    s->name = FullName(name, ns_attr, ns, &s->namespace_);
    used->insert("name");
    used->insert("namespace");
    return Status::OK();
  }

  Status ParseRecord(simdjson::dom::object obj, const std::string& path, const std::string& ns,
                     Schema* s, std::set<std::string_view>* used) {
    RETURN_IF_ERROR(NamedHeader(obj, path, ns, SchemaType::kRecord, s, used));
    simdjson::dom::array fields;
    if (obj["fields"].get(fields)) {
      return InvalidArgument("Avro schema at {}: record {} needs a \"fields\" array", path,
                             s->name);
    }
    used->insert("fields");
    std::string rec_path = path.empty() ? s->name : path;
    std::set<std::string> names;
    for (element f : fields) {
      simdjson::dom::object fo;
      std::string_view fname;
      element ftype;
      if (f.get(fo) || fo["name"].get(fname) || fo["type"].get(ftype)) {
        return InvalidArgument("Avro schema at {}: each field needs a \"name\" and a \"type\": {}",
                               rec_path, simdjson::minify(f));
      }
      if (!names.insert(std::string(fname)).second) {
        return InvalidArgument("Avro schema at {}: field '{}' appears twice", rec_path, fname);
      }
      Field field;
      field.name = std::string(fname);
      ASSIGN_OR_RETURN(field.schema, Parse(ftype, rec_path + "." + field.name, s->namespace_));
      for (auto [k, v] : fo) {
        if (k != "name" && k != "type")
          field.props.emplace_back(std::string(k), simdjson::minify(v));
      }
      s->fields.push_back(std::move(field));
    }
    named_[s->FullName()] = *s;
    return Status::OK();
  }

  static void ApplyLogicalType(const std::map<std::string_view, element>& attrs, Schema* s,
                               std::set<std::string_view>* used) {
    auto it = attrs.find("logicalType");
    std::string_view lt;
    if (it == attrs.end() || it->second.get(lt)) {
      used->erase("logicalType");
      return;
    }
    auto int_attr = [&](std::string_view k, int64_t dflt, bool* ok) -> int64_t {
      auto a = attrs.find(k);
      if (a == attrs.end()) return dflt;
      int64_t v;
      if (a->second.get(v)) *ok = false;
      return v;
    };
    LogicalType l = LogicalType::kNone;
    SchemaType t = s->type;
    if (lt == "date" && t == SchemaType::kInt) l = LogicalType::kDate;
    if (lt == "time-millis" && t == SchemaType::kInt) l = LogicalType::kTimeMillis;
    if (lt == "time-micros" && t == SchemaType::kLong) l = LogicalType::kTimeMicros;
    if (lt == "timestamp-millis" && t == SchemaType::kLong) l = LogicalType::kTimestampMillis;
    if (lt == "timestamp-micros" && t == SchemaType::kLong) l = LogicalType::kTimestampMicros;
    if (lt == "local-timestamp-millis" && t == SchemaType::kLong) {
      l = LogicalType::kLocalTimestampMillis;
    }
    if (lt == "local-timestamp-micros" && t == SchemaType::kLong) {
      l = LogicalType::kLocalTimestampMicros;
    }
    if (lt == "uuid" &&
        (t == SchemaType::kString || (t == SchemaType::kFixed && s->fixed_size == 16))) {
      l = LogicalType::kUuid;
    }
    if (lt == "decimal" && (t == SchemaType::kBytes || t == SchemaType::kFixed)) {
      bool ok = true;
      int64_t precision = int_attr("precision", 0, &ok);
      int64_t scale = int_attr("scale", 0, &ok);
      int64_t max_precision = 1000000;
      if (t == SchemaType::kFixed && s->fixed_size < 16) {
        // Largest precision a fixed(n) two's complement value can hold: floor(log10(2^(8n-1)-1)).
        static const int kMaxDigits[] = {0, 2, 4, 6, 9, 11, 14, 16, 18, 21, 23, 26, 28, 31, 33, 35};
        max_precision = kMaxDigits[s->fixed_size];
      }
      if (ok && precision > 0 && precision <= max_precision && scale >= 0 && scale <= precision) {
        l = LogicalType::kDecimal;
        s->precision = static_cast<int>(precision);
        s->scale = static_cast<int>(scale);
        used->insert("precision");
        used->insert("scale");
      }
    }
    if (l == LogicalType::kNone) {
      used->erase("logicalType");  // invalid: ignored, but kept as an attribute
      return;
    }
    s->logical = l;
  }

  std::map<std::string, Schema> named_;
};

void AppendProps(const std::vector<std::pair<std::string, std::string>>& props, std::string* out) {
  for (const auto& [k, v] : props) {
    out->push_back(',');
    AppendJsonQuoted(k, out);
    out->push_back(':');
    out->append(v);
  }
}

class Printer {
 public:
  void Print(const Schema& s, const std::string& ns, std::string* out) {
    if (s.optional) {
      out->append(s.null_first ? "[\"null\"," : "[");
      PrintType(s, ns, out);
      out->append(s.null_first ? "]" : ",\"null\"]");
      return;
    }
    PrintType(s, ns, out);
  }

 private:
  void PrintType(const Schema& s, const std::string& ns, std::string* out) {
    if (s.IsNamed() && defined_.count(s.FullName())) {
      AppendJsonQuoted(s.FullName(), out);
      return;
    }
    bool plain = !s.IsNamed() && s.type != SchemaType::kArray && s.type != SchemaType::kMap;
    if (plain && s.logical == LogicalType::kNone && s.props.empty()) {
      AppendJsonQuoted(PrimitiveName(s.type), out);
      return;
    }
    out->append("{\"type\":");
    switch (s.type) {
      case SchemaType::kRecord:
      case SchemaType::kEnum:
      case SchemaType::kFixed: {
        defined_.insert(s.FullName());
        AppendJsonQuoted(s.type == SchemaType::kRecord ? "record"
                         : s.type == SchemaType::kEnum ? "enum"
                                                       : "fixed",
                         out);
        out->append(",\"name\":");
        AppendJsonQuoted(s.name, out);
        if (s.namespace_ != ns) {
          out->append(",\"namespace\":");
          AppendJsonQuoted(s.namespace_, out);
        }
        if (s.type == SchemaType::kRecord) {
          out->append(",\"fields\":[");
          for (size_t i = 0; i < s.fields.size(); ++i) {
            if (i) out->push_back(',');
            out->append("{\"name\":");
            AppendJsonQuoted(s.fields[i].name, out);
            out->append(",\"type\":");
            Print(s.fields[i].schema, s.namespace_, out);
            AppendProps(s.fields[i].props, out);
            out->push_back('}');
          }
          out->push_back(']');
        } else if (s.type == SchemaType::kEnum) {
          out->append(",\"symbols\":[");
          for (size_t i = 0; i < s.symbols.size(); ++i) {
            if (i) out->push_back(',');
            AppendJsonQuoted(s.symbols[i], out);
          }
          out->push_back(']');
        } else {
          out->append(fmt::format(",\"size\":{}", s.fixed_size));
        }
        break;
      }
      case SchemaType::kArray:
        out->append("\"array\",\"items\":");
        Print(s.items(), ns, out);
        break;
      case SchemaType::kMap:
        out->append("\"map\",\"values\":");
        Print(s.values(), ns, out);
        break;
      default:
        AppendJsonQuoted(PrimitiveName(s.type), out);
    }
    if (s.logical != LogicalType::kNone) {
      out->append(",\"logicalType\":");
      AppendJsonQuoted(LogicalTypeName(s.logical), out);
      if (s.logical == LogicalType::kDecimal) {
        out->append(fmt::format(",\"precision\":{},\"scale\":{}", s.precision, s.scale));
      }
    }
    AppendProps(s.props, out);
    out->push_back('}');
  }

  std::set<std::string> defined_;
};

}  // namespace

void AppendJsonQuoted(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  // Runs of characters that need no escape are copied at once (the hot loop of every
  // JSON string written).
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xf]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

Result<Schema> ParseAvroSchema(std::string_view json) {
  simdjson::dom::parser parser;
  element doc;
  if (auto err = parser.parse(json.data(), json.size()).get(doc); err) {
    return InvalidArgument("Avro schema is not valid JSON: {}", simdjson::error_message(err));
  }
  Parser p;
  return p.Parse(doc, "", "");
}

std::string AvroSchemaJson(const Schema& schema) {
  std::string out;
  Printer p;
  p.Print(schema, "", &out);
  return out;
}

}  // namespace tributary
