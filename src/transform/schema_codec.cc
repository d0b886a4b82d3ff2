#include "transform/schema_codec.h"

#include <cmath>

#include "common/base64.h"
#include "common/strings.h"
#include "format/reader/columnar_json.h"
#include "schema/avro_decoder.h"
#include "schema/avro_schema.h"
#include "schema/json_value.h"
#include "schema/registry_client.h"
#include "schema/registry_converter.h"
#include "transform/connect_schema.h"

namespace tributary {

namespace cs = connect_schema;

namespace {

constexpr std::string_view kAvroTypeParam = "tributary.avro.type";
constexpr std::string_view kDefaultNamespace = "io.confluent.connect.avro";
constexpr std::string_view kDefaultName = "ConnectDefault";
constexpr size_t kMaxCachedSchemas = 4096;

// The Connect type an Avro node maps to, before any parameter.
std::string_view BaseConnectType(const Schema& s) {
  switch (s.type) {
    case SchemaType::kBoolean:
      return "boolean";
    case SchemaType::kInt:
      return "int32";
    case SchemaType::kLong:
      return "int64";
    case SchemaType::kFloat:
      return "float32";
    case SchemaType::kDouble:
      return "float64";
    case SchemaType::kNull:
    case SchemaType::kString:
    case SchemaType::kEnum:
      return "string";
    case SchemaType::kBytes:
    case SchemaType::kFixed:
      return s.logical == LogicalType::kUuid ? "string" : "bytes";
    case SchemaType::kRecord:
      return "struct";
    case SchemaType::kArray:
      return "array";
    case SchemaType::kMap:
      return "map";
  }
  return "string";
}

std::string_view PropValue(const std::vector<std::pair<std::string, std::string>>& props,
                           std::string_view name) {
  for (const auto& [k, v] : props) {
    if (k == name) return v;
  }
  return {};
}

// The Connect schema of `s` (JsonConverter's member order).
JsonValue ToConnectSchema(const Schema& s) {
  const bool optional = s.optional || s.type == SchemaType::kNull;
  switch (s.type) {
    case SchemaType::kRecord: {
      JsonValue::Array fields;
      for (const Field& f : s.fields) {
        JsonValue field = ToConnectSchema(f.schema);
        // A field's default travels with its Connect schema, as AvroData keeps it.
        if (auto d = PropValue(f.props, "default"); !d.empty() && d != "null") {
          if (auto parsed = JsonValue::Parse(d); parsed.ok()) field.Set("default", *parsed);
        }
        fields.push_back(cs::AsField(std::move(field), f.name));
      }
      JsonValue out = JsonValue::MakeObject();
      out.Set("type", JsonValue::String("struct"));
      out.Set("fields", JsonValue::MakeArray(std::move(fields)));
      out.Set("optional", JsonValue::Bool(optional));
      if (s.namespace_ != kDefaultNamespace || !s.name.starts_with(kDefaultName)) {
        out.Set("name", JsonValue::String(s.FullName()));
      }
      if (auto v = PropValue(s.props, "connect.version"); !v.empty()) {
        if (auto parsed = JsonValue::Parse(v); parsed.ok() && parsed->is_integer()) {
          out.Set("version", *parsed);
        }
      }
      if (auto d = PropValue(s.props, "doc"); !d.empty()) {
        if (auto parsed = JsonValue::Parse(d); parsed.ok() && parsed->is_string()) {
          out.Set("doc", *parsed);
        }
      }
      return out;
    }
    case SchemaType::kArray: {
      JsonValue out = JsonValue::MakeObject();
      out.Set("type", JsonValue::String("array"));
      out.Set("items", ToConnectSchema(s.items()));
      out.Set("optional", JsonValue::Bool(optional));
      return out;
    }
    case SchemaType::kMap: {
      JsonValue out = JsonValue::MakeObject();
      out.Set("type", JsonValue::String("map"));
      out.Set("keys", cs::Primitive("string", false));
      out.Set("values", ToConnectSchema(s.values()));
      out.Set("optional", JsonValue::Bool(optional));
      return out;
    }
    default:
      break;
  }
  const bool plain = s.props.empty() && s.type != SchemaType::kEnum &&
                     s.type != SchemaType::kFixed && s.type != SchemaType::kNull;
  if (plain) {
    switch (s.logical) {
      case LogicalType::kNone:
        return cs::Primitive(BaseConnectType(s), optional);
      case LogicalType::kDate:
        return cs::Primitive("int32", optional, cs::kDateName, 1);
      case LogicalType::kTimeMillis:
        return cs::Primitive("int32", optional, cs::kTimeName, 1);
      case LogicalType::kTimestampMillis:
        return cs::Primitive("int64", optional, cs::kTimestampName, 1);
      case LogicalType::kDecimal: {
        JsonValue out = cs::Primitive("bytes", optional, cs::kDecimalName, 1);
        JsonValue params = JsonValue::MakeObject();
        params.Set("scale", JsonValue::String(std::to_string(s.scale)));
        params.Set("connect.decimal.precision", JsonValue::String(std::to_string(s.precision)));
        out.Set("parameters", std::move(params));
        return out;
      }
      default:
        break;
    }
  }
  // Connect has no such type: the base type, with the Avro node kept aside.
  JsonValue out = cs::Primitive(BaseConnectType(s), optional);
  Schema node = s;
  node.optional = false;
  JsonValue params = JsonValue::MakeObject();
  params.Set(kAvroTypeParam, JsonValue::String(AvroSchemaJson(node)));
  out.Set("parameters", std::move(params));
  return out;
}

const std::string* StringMember(const JsonValue& v, std::string_view name) {
  const JsonValue* m = v.Find(name);
  return m && m->is_string() ? &m->str() : nullptr;
}

struct FromConnect {
  int unnamed = 0;  // ConnectDefault, ConnectDefault2, ...

  Result<Schema> Convert(const JsonValue& c, std::string_view where) {
    if (!c.is_object()) return InvalidArgument("{}: a Connect schema must be an object", where);
    const std::string_view type = cs::Type(c);
    const std::string_view name = cs::Name(c);
    Schema s;
    if (const JsonValue* params = c.Find("parameters")) {
      if (const std::string* avro = StringMember(*params, kAvroTypeParam)) {
        auto node = ParseAvroSchema(*avro);
        if (node.ok() && BaseConnectType(*node) == type && name.empty()) {
          s = std::move(node).value();
          s.optional = cs::IsOptional(c);
          return s;
        }
      }
    }
    if (type == "struct") {
      s.type = SchemaType::kRecord;
      if (name.empty()) {
        s.namespace_ = std::string(kDefaultNamespace);
        s.name = std::string(kDefaultName) + (unnamed++ == 0 ? "" : std::to_string(unnamed));
      } else {
        const size_t dot = name.rfind('.');
        s.name = std::string(dot == std::string_view::npos ? name : name.substr(dot + 1));
        if (dot != std::string_view::npos) s.namespace_ = std::string(name.substr(0, dot));
      }
      if (const JsonValue* doc = c.Find("doc"); doc && doc->is_string()) {
        s.props.emplace_back("doc", doc->ToString());
      }
      if (const JsonValue* version = c.Find("version"); version && version->is_integer()) {
        s.props.emplace_back("connect.version", version->ToString());
      }
      if (const JsonValue::Array* fields = cs::Fields(c)) {
        for (const JsonValue& f : *fields) {
          const std::string field_name(cs::FieldName(f));
          ASSIGN_OR_RETURN(Schema fs, Convert(f, field_name));
          Field field{field_name, std::move(fs), {}};
          const JsonValue* given = f.Find("default");
          if (given && !given->is_null()) {
            field.props.emplace_back("default", given->ToString());
            // Avro: a default matches the union's first branch.
            if (field.schema.optional) field.schema.null_first = false;
          } else if (field.schema.optional) {
            field.props.emplace_back("default", "null");
          }
          s.fields.push_back(std::move(field));
        }
      }
    } else if (type == "array") {
      const JsonValue* items = c.Find("items");
      if (!items) return InvalidArgument("{}: an array schema without \"items\"", where);
      ASSIGN_OR_RETURN(Schema item, Convert(*items, std::string(where) + "[]"));
      s = ArrayOf(std::move(item));
    } else if (type == "map") {
      const JsonValue* keys = c.Find("keys");
      const JsonValue* values = c.Find("values");
      if (!keys || cs::Type(*keys) != "string" || !values) {
        return InvalidArgument("{}: a map with {} keys has no Avro form here (string keys only)",
                               where, keys ? cs::Type(*keys) : "no");
      }
      ASSIGN_OR_RETURN(Schema value, Convert(*values, std::string(where) + "{}"));
      s = MapOf(std::move(value));
    } else if (name == cs::kTimestampName) {
      s = Primitive(SchemaType::kLong, LogicalType::kTimestampMillis);
    } else if (name == cs::kDateName) {
      s = Primitive(SchemaType::kInt, LogicalType::kDate);
    } else if (name == cs::kTimeName) {
      s = Primitive(SchemaType::kInt, LogicalType::kTimeMillis);
    } else if (name == cs::kDecimalName) {
      int scale = 0, precision = 38;
      if (const JsonValue* params = c.Find("parameters")) {
        if (const std::string* v = StringMember(*params, "scale")) scale = std::atoi(v->c_str());
        if (const std::string* v = StringMember(*params, "connect.decimal.precision")) {
          precision = std::atoi(v->c_str());
        }
      }
      s = DecimalOf(precision, scale);
    } else if (type == "boolean") {
      s.type = SchemaType::kBoolean;
    } else if (type == "int8" || type == "int16" || type == "int32") {
      s.type = SchemaType::kInt;
      if (type != "int32") s.props.emplace_back("connect.type", "\"" + std::string(type) + "\"");
    } else if (type == "int64") {
      s.type = SchemaType::kLong;
    } else if (type == "float32") {
      s.type = SchemaType::kFloat;
    } else if (type == "float64") {
      s.type = SchemaType::kDouble;
    } else if (type == "string") {
      s.type = SchemaType::kString;
    } else if (type == "bytes") {
      s.type = SchemaType::kBytes;
    } else {
      return InvalidArgument("{}: Connect type '{}' has no Avro form", where, type);
    }
    s.optional = cs::IsOptional(c);
    return s;
  }
};

// BigInteger.toByteArray: the shortest big-endian two's complement form.
std::string UnscaledBytes(__int128 v) {
  std::string out;
  for (int i = 15; i >= 0; --i)
    out.push_back(static_cast<char>(static_cast<uint8_t>(v >> (8 * i))));
  size_t k = 0;
  while (k + 1 < out.size() && ((out[k] == 0 && !(out[k + 1] & 0x80)) ||
                                (static_cast<uint8_t>(out[k]) == 0xff && (out[k + 1] & 0x80)))) {
    ++k;
  }
  return out.substr(k);
}

std::string UuidText(std::string_view b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t k = 0; k < b.size(); ++k) {
    if (k == 4 || k == 6 || k == 8 || k == 10) out.push_back('-');
    auto c = static_cast<uint8_t>(b[k]);
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

class AvroCodec final : public SchemaCodec {
 public:
  explicit AvroCodec(SchemaLookup lookup) : lookup_(std::move(lookup)) {}
  std::string_view name() const override { return "AvroConverter"; }

  Status Decode(std::string_view bytes, SchemaDatum* out) const override {
    ASSIGN_OR_RETURN(WireHeader header, ParseWireFormat(bytes));
    auto schema = lookup_(header.schema_id);
    if (!schema.ok()) {
      // An unknown id is the record's fault; an unreachable registry is not.
      if (schema.status().code() == StatusCode::kNotFound) {
        return InvalidArgument("{}", schema.status().message());
      }
      return schema.status();
    }
    std::string_view datum = header.payload;
    RETURN_IF_ERROR(DecodeAvro(**schema, &datum, &out->value));
    if (!datum.empty()) {
      return InvalidArgument("{} bytes left after the Avro datum of schema id {}", datum.size(),
                             header.schema_id);
    }
    out->schema = std::move(schema).value();
    return Status::OK();
  }

 private:
  SchemaLookup lookup_;
};

}  // namespace

JsonValue ConnectValue(const Schema& s, const Value& v) {
  if (v.kind == Value::Kind::kNull || s.type == SchemaType::kNull) return JsonValue();
  switch (s.type) {
    case SchemaType::kNull:
      return JsonValue();
    case SchemaType::kBoolean:
      return JsonValue::Bool(v.b);
    case SchemaType::kInt:
    case SchemaType::kLong:
      return JsonValue::Int(v.i);
    case SchemaType::kFloat:
    case SchemaType::kDouble:
      return JsonValue::Double(v.d);
    case SchemaType::kString:
      return JsonValue::String(v.s);
    case SchemaType::kBytes:
    case SchemaType::kFixed:
      if (v.kind == Value::Kind::kDecimal)
        return JsonValue::String(Base64Encode(UnscaledBytes(v.dec)));
      if (s.logical == LogicalType::kUuid) {
        return JsonValue::String(v.s.size() == 16 ? UuidText(v.s) : v.s);
      }
      return JsonValue::String(Base64Encode(v.s));
    case SchemaType::kEnum:
      return v.i >= 0 && static_cast<size_t>(v.i) < s.symbols.size()
                 ? JsonValue::String(s.symbols[static_cast<size_t>(v.i)])
                 : JsonValue();
    case SchemaType::kRecord: {
      JsonValue::Object members;
      members.reserve(s.fields.size());
      for (size_t k = 0; k < s.fields.size(); ++k) {
        members.emplace_back(s.fields[k].name, k < v.items.size()
                                                   ? ConnectValue(s.fields[k].schema, v.items[k])
                                                   : JsonValue());
      }
      return JsonValue::MakeObject(std::move(members));
    }
    case SchemaType::kArray: {
      JsonValue::Array items;
      items.reserve(v.items.size());
      for (const Value& item : v.items) items.push_back(ConnectValue(s.items(), item));
      return JsonValue::MakeArray(std::move(items));
    }
    case SchemaType::kMap: {
      JsonValue::Object members;
      for (size_t k = 0; k < v.items.size() && k < v.keys.size(); ++k) {
        members.emplace_back(v.keys[k], ConnectValue(s.values(), v.items[k]));
      }
      return JsonValue::MakeObject(std::move(members));
    }
  }
  return JsonValue();
}

namespace {

std::string_view JsonKind(const JsonValue& v) {
  return v.is_null()     ? "null"
         : v.is_bool()   ? "a boolean"
         : v.is_number() ? "a number"
         : v.is_string() ? "a string"
         : v.is_array()  ? "an array"
                         : "an object";
}

Status ToModel(const Schema& s, const JsonValue& d, Value* out, const std::string& where) {
  auto mismatch = [&](std::string_view expected) {
    return InvalidArgument("{}: expected {}, got {}", where.empty() ? "value" : where, expected,
                           JsonKind(d));
  };
  if (d.is_null()) {
    if (!s.optional && s.type != SchemaType::kNull) return mismatch(Describe(s));
    *out = Value::Null();
    return Status::OK();
  }
  switch (s.type) {
    case SchemaType::kNull:
      *out = Value::Null();
      return Status::OK();
    case SchemaType::kBoolean:
      if (!d.is_bool()) return mismatch("a boolean");
      *out = Value::Bool(d.bool_value());
      return Status::OK();
    case SchemaType::kInt:
    case SchemaType::kLong:
      if (d.is_integer()) {
        *out = Value::Int(d.int_value());
      } else if (d.is_number() && std::trunc(d.number_value()) == d.number_value() &&
                 std::abs(d.number_value()) < 9.2e18) {
        *out = Value::Int(static_cast<int64_t>(d.number_value()));
      } else {
        return mismatch("an integer");
      }
      return Status::OK();
    case SchemaType::kFloat:
    case SchemaType::kDouble:
      if (!d.is_number()) return mismatch("a number");
      *out = Value::Double(d.number_value());
      return Status::OK();
    case SchemaType::kString:
      *out = Value::Bytes(d.is_string() ? d.str() : d.ToString());
      return Status::OK();
    case SchemaType::kEnum: {
      if (!d.is_string()) return mismatch("an enum symbol");
      for (size_t k = 0; k < s.symbols.size(); ++k) {
        if (s.symbols[k] == d.str()) {
          *out = Value::Int(static_cast<int64_t>(k));
          return Status::OK();
        }
      }
      return InvalidArgument("{}: '{}' is not a symbol of enum {}", where, d.str(), s.FullName());
    }
    case SchemaType::kBytes:
    case SchemaType::kFixed: {
      if (!d.is_string()) return mismatch("base64 bytes");
      if (s.logical == LogicalType::kUuid && s.type == SchemaType::kBytes) {
        *out = Value::Bytes(d.str());
        return Status::OK();
      }
      std::optional<std::string> bytes =
          s.logical == LogicalType::kUuid ? UuidBytes(d.str()) : Base64Decode(d.str());
      if (!bytes) return mismatch(s.logical == LogicalType::kUuid ? "a uuid" : "base64 bytes");
      if (s.logical == LogicalType::kDecimal) {
        if (bytes->empty() || bytes->size() > 16) {
          return InvalidArgument("{}: decimal of {} bytes (1..16 supported)", where, bytes->size());
        }
        *out = Value::Decimal(reader::BigEndianSigned(*bytes));
        return Status::OK();
      }
      if (s.type == SchemaType::kFixed && bytes->size() != static_cast<size_t>(s.fixed_size)) {
        return InvalidArgument("{}: {} bytes for fixed({})", where, bytes->size(), s.fixed_size);
      }
      *out = Value::Bytes(std::move(*bytes));
      return Status::OK();
    }
    case SchemaType::kRecord: {
      if (!d.is_object()) return mismatch("a struct");
      static const JsonValue kNull;
      out->kind = Value::Kind::kList;
      out->items.resize(s.fields.size());
      for (size_t k = 0; k < s.fields.size(); ++k) {
        const Field& f = s.fields[k];
        const JsonValue* member = d.Find(f.name);
        RETURN_IF_ERROR(ToModel(f.schema, member ? *member : kNull, &out->items[k],
                                where.empty() ? f.name : where + "." + f.name));
      }
      return Status::OK();
    }
    case SchemaType::kArray: {
      if (!d.is_array()) return mismatch("an array");
      const auto& items = d.array();
      out->kind = Value::Kind::kList;
      out->items.resize(items.size());
      for (size_t k = 0; k < items.size(); ++k) {
        RETURN_IF_ERROR(
            ToModel(s.items(), items[k], &out->items[k], fmt::format("{}[{}]", where, k)));
      }
      return Status::OK();
    }
    case SchemaType::kMap: {
      if (!d.is_object()) return mismatch("a map");
      const auto& members = d.object();
      out->kind = Value::Kind::kMap;
      out->keys.resize(members.size());
      out->items.resize(members.size());
      for (size_t k = 0; k < members.size(); ++k) {
        out->keys[k] = members[k].first;
        RETURN_IF_ERROR(
            ToModel(s.values(), members[k].second, &out->items[k], where + "." + members[k].first));
      }
      return Status::OK();
    }
  }
  return Status::OK();
}

}  // namespace

Status ModelValue(const Schema& schema, const JsonValue& data, Value* out) {
  return ToModel(schema, data, out, "");
}

const JsonValue& SchemaCodec::ConnectSchema(const std::shared_ptr<const Schema>& schema) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = to_connect_.find(schema.get());
  if (it != to_connect_.end()) return it->second.second;
  JsonValue connect = ToConnectSchema(*schema);
  // The way back: this Connect schema is the decoded schema itself.
  from_connect_.emplace(connect.ToString(), schema);
  // The entry keeps the schema alive, so its address is never reused by another.
  return to_connect_.emplace(schema.get(), std::make_pair(schema, std::move(connect)))
      .first->second.second;
}

Result<std::shared_ptr<const Schema>> SchemaCodec::ModelSchema(const JsonValue& connect) const {
  std::string text = connect.ToString();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = from_connect_.find(text);
  if (it != from_connect_.end()) return it->second;
  FromConnect conv;
  ASSIGN_OR_RETURN(Schema s, conv.Convert(connect, "schema"));
  auto shared = std::make_shared<const Schema>(std::move(s));
  // Transformed schemas are few (a function of the registry schemas and the chain); the
  // cap only guards against a chain that makes a new schema per record.
  if (from_connect_.size() < kMaxCachedSchemas) from_connect_.emplace(std::move(text), shared);
  return shared;
}

std::shared_ptr<const SchemaCodec> MakeAvroRegistryCodec(
    std::shared_ptr<SchemaRegistryClient> registry) {
  return MakeAvroCodec(
      [registry = std::move(registry)](int32_t id) { return registry->AvroSchemaById(id); });
}

std::shared_ptr<const SchemaCodec> MakeAvroCodec(SchemaLookup lookup) {
  return std::make_shared<AvroCodec>(std::move(lookup));
}

namespace {

class RegistryConverterCodec : public SchemaCodec {
 public:
  RegistryConverterCodec(std::shared_ptr<SchemaRegistryClient> registry, std::string name)
      : name_(std::move(name)), converter_(std::move(registry)) {}
  std::string_view name() const override { return name_; }
  Status Decode(std::string_view bytes, SchemaDatum* out) const override {
    std::lock_guard<std::mutex> lock(mu_);  // a RegistryConverter serves one thread at a time
    RegistryConverter::Decoded decoded;
    RETURN_IF_ERROR(converter_.Decode(bytes, std::nullopt, &decoded, &out->value));
    out->schema = std::move(decoded.schema);
    return Status::OK();
  }

 private:
  const std::string name_;
  mutable std::mutex mu_;
  mutable RegistryConverter converter_;
};

}  // namespace

std::shared_ptr<const SchemaCodec> MakeRegistryConverterCodec(
    std::shared_ptr<SchemaRegistryClient> registry, std::string name) {
  return std::make_shared<RegistryConverterCodec>(std::move(registry), std::move(name));
}

}  // namespace tributary
