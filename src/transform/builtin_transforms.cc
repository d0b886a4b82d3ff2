// Kafka Connect's built-in transforms and predicates (org.apache.kafka.connect.transforms),
// behaving as their documentation describes; docs/transforms.md lists the options and
// where Tributary differs.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <set>

#include <re2/re2.h>

#include "common/strings.h"
#include "transform/connect_schema.h"
#include "transform/time_format.h"
#include "transform/transform.h"

namespace tributary {
namespace {

namespace cs = connect_schema;

constexpr std::string_view kTransformsPackage = "org.apache.kafka.connect.transforms.";
constexpr std::string_view kPredicatesPackage = "org.apache.kafka.connect.transforms.predicates.";

class SideTransform : public Transform {
 protected:
  explicit SideTransform(bool key) : key_(key) {}
  RecordSide& side(WorkingRecord& r) const { return key_ ? r.key() : r.value(); }
  const bool key_;
};

// --- value helpers ---------------------------------------------------------------------

// A float32 as the double whose shortest form is the float's (1.1f -> 1.1, not
// 1.100000023841858), as Jackson writes a Java float.
double FloatAsDouble(double d) {
  float f = static_cast<float>(d);
  if (!std::isfinite(f)) return f;
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), f);
  double out = 0;
  std::from_chars(buf, r.ptr, out);
  return out;
}

// The header value Connect's SimpleHeaderConverter writes for a field value.
std::optional<std::string> HeaderText(const JsonValue& v) {
  if (v.is_null()) return std::nullopt;
  if (v.is_string()) return v.str();
  return v.ToString();
}

// Payload members in the order of `fields`, by (old) field name.
JsonValue FieldOrNull(const JsonValue& payload, std::string_view name) {
  const JsonValue* v = payload.Find(name);
  return v ? *v : JsonValue();
}

// --- InsertField -----------------------------------------------------------------------

struct InsertSpec {
  std::string name;
  bool optional = true;
  bool set() const { return !name.empty(); }
};

InsertSpec ParseInsertSpec(const std::string& s) {
  InsertSpec spec;
  if (s.empty()) return spec;
  spec.name = s;
  if (s.back() == '!' || s.back() == '?') {
    spec.optional = s.back() == '?';
    spec.name.pop_back();
  }
  return spec;
}

class InsertField final : public SideTransform {
 public:
  InsertField(bool key, const TransformProps& p) : SideTransform(key) {
    topic_ = ParseInsertSpec(p.Get("topic.field"));
    partition_ = ParseInsertSpec(p.Get("partition.field"));
    offset_ = ParseInsertSpec(p.Get("offset.field"));
    timestamp_ = ParseInsertSpec(p.Get("timestamp.field"));
    static_ = ParseInsertSpec(p.Get("static.field"));
    static_value_ = p.Get("static.value");
    has_static_value_ = p.Has("static.value");
    p.Get("replace.null.with.default");
  }

  Result<bool> Apply(WorkingRecord& r) const override {
    RecordSide& s = side(r);
    if (s.is_null()) return true;  // tombstones pass through, as in Connect
    ASSIGN_OR_RETURN(ConnectData * d, s.RequireObject("field insertion"));
    struct Insert {
      const InsertSpec* spec;
      JsonValue value;
      JsonValue schema;
    };
    std::vector<Insert> inserts;
    const bool has_ts = r.timestamp_ms() >= 0;
    if (topic_.set()) {
      inserts.push_back({&topic_, JsonValue::String(std::string(r.topic())),
                         cs::Primitive("string", topic_.optional)});
    }
    if (partition_.set()) {
      inserts.push_back({&partition_, JsonValue::Int(r.partition().value()),
                         cs::Primitive("int32", partition_.optional)});
    }
    if (offset_.set()) {
      inserts.push_back(
          {&offset_, JsonValue::Int(r.offset().value()), cs::Primitive("int64", offset_.optional)});
    }
    if (timestamp_.set() && (has_ts || d->has_schema)) {
      inserts.push_back({&timestamp_, has_ts ? JsonValue::Int(r.timestamp_ms()) : JsonValue(),
                         cs::Primitive("int64", timestamp_.optional, cs::kTimestampName, 1)});
    }
    if (static_.set() && has_static_value_) {
      inserts.push_back(
          {&static_, JsonValue::String(static_value_), cs::Primitive("string", static_.optional)});
    }
    if (!d->has_schema) {
      for (auto& in : inserts) d->value.Set(in.spec->name, std::move(in.value));
      return true;
    }
    JsonValue::Array fields = cs::Fields(d->schema) ? *cs::Fields(d->schema) : JsonValue::Array();
    for (auto& in : inserts) {
      if (cs::Field(d->schema, in.spec->name)) {
        return InvalidArgument("cannot insert field '{}': the schema already has a field so named",
                               in.spec->name);
      }
      if (in.value.is_null() && !in.spec->optional) {
        return InvalidArgument("required field '{}' cannot be null: the record has no timestamp",
                               in.spec->name);
      }
      fields.push_back(cs::AsField(std::move(in.schema), in.spec->name));
      d->value.Set(in.spec->name, std::move(in.value));
    }
    d->schema = cs::Struct(std::move(fields), &d->schema);
    return true;
  }

 private:
  InsertSpec topic_, partition_, offset_, timestamp_, static_;
  std::string static_value_;
  bool has_static_value_ = false;
};

// --- ReplaceField ----------------------------------------------------------------------

class ReplaceField final : public SideTransform {
 public:
  static Result<std::unique_ptr<Transform>> Make(bool key, const TransformProps& p) {
    std::unique_ptr<ReplaceField> t(new ReplaceField(key));
    // Before Kafka 2.7 (KIP-629) these were blacklist / whitelist; both names work.
    for (auto& f : p.List(p.Has("exclude") ? "exclude" : "blacklist")) t->exclude_.insert(f);
    for (auto& f : p.List(p.Has("include") ? "include" : "whitelist")) t->include_.insert(f);
    for (const auto& pair : p.List("renames")) {
      size_t colon = pair.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == pair.size() ||
          pair.find(':', colon + 1) != std::string::npos) {
        return InvalidArgument("{}: invalid rename mapping '{}', expected old:new pairs",
                               p.Key("renames"), pair);
      }
      t->renames_[std::string(Trim(pair.substr(0, colon)))] =
          std::string(Trim(pair.substr(colon + 1)));
    }
    p.Get("replace.null.with.default");
    return std::unique_ptr<Transform>(std::move(t));
  }

  Result<bool> Apply(WorkingRecord& r) const override {
    RecordSide& s = side(r);
    if (s.is_null()) return true;
    ASSIGN_OR_RETURN(ConnectData * d, s.RequireObject("field replacement"));
    if (!d->has_schema) {
      // In place: no member is moved unless an earlier one was dropped.
      auto& members = d->value.object();
      std::erase_if(members, [&](const JsonValue::Member& m) { return !Keep(m.first); });
      if (!renames_.empty()) {
        for (auto& m : members) {
          auto it = renames_.find(m.first);
          if (it != renames_.end()) m.first = it->second;
        }
      }
      return true;
    }
    JsonValue::Object out;
    JsonValue::Array fields;
    if (const JsonValue::Array* old = cs::Fields(d->schema)) {
      for (const auto& f : *old) {
        std::string name(cs::FieldName(f));
        if (!Keep(name)) continue;
        fields.push_back(cs::AsField(f, Renamed(name)));
        out.emplace_back(Renamed(name), FieldOrNull(d->value, name));
      }
    }
    d->schema = cs::Struct(std::move(fields), &d->schema);
    d->value = JsonValue::MakeObject(std::move(out));
    return true;
  }

 private:
  explicit ReplaceField(bool key) : SideTransform(key) {}
  bool Keep(const std::string& name) const {
    return !exclude_.count(name) && (include_.empty() || include_.count(name));
  }
  std::string Renamed(const std::string& name) const {
    auto it = renames_.find(name);
    return it == renames_.end() ? name : it->second;
  }
  std::set<std::string> exclude_, include_;
  std::map<std::string, std::string> renames_;
};

// --- MaskField -------------------------------------------------------------------------

class MaskField final : public SideTransform {
 public:
  static Result<std::unique_ptr<Transform>> Make(bool key, const TransformProps& p) {
    std::unique_ptr<MaskField> t(new MaskField(key));
    t->fields_ = p.List("fields");
    if (t->fields_.empty()) {
      return InvalidArgument("{}: required, expected a non-empty list of field names",
                             p.Key("fields"));
    }
    if (p.Has("replacement")) {
      t->replacement_ = p.Get("replacement");
      if (t->replacement_->empty()) {
        return InvalidArgument("{}: expected a non-empty string", p.Key("replacement"));
      }
    }
    p.Get("replace.null.with.default");
    return std::unique_ptr<Transform>(std::move(t));
  }

  Result<bool> Apply(WorkingRecord& r) const override {
    RecordSide& s = side(r);
    if (s.is_null()) return true;
    ASSIGN_OR_RETURN(ConnectData * d, s.RequireObject("masking fields"));
    for (const auto& f : fields_) {
      JsonValue* v = d->value.Find(f);
      if (d->has_schema) {
        const JsonValue* fs = cs::Field(d->schema, f);
        if (!fs) return InvalidArgument("field '{}' is not in the value's schema", f);
        if (!v || v->is_null()) continue;
        ASSIGN_OR_RETURN(*v, MaskTyped(*v, *fs, f));
      } else if (!v) {
        d->value.Set(f, JsonValue());  // Connect puts the masked null of a missing key
      } else {
        ASSIGN_OR_RETURN(*v, MaskSchemaless(*v, f));
      }
    }
    return true;
  }

 private:
  explicit MaskField(bool key) : SideTransform(key) {}

  Status NoReplacement(std::string_view field, std::string_view type) const {
    return InvalidArgument("cannot mask field '{}' of type {} with custom replacement '{}'", field,
                           type, *replacement_);
  }
  Result<JsonValue> ParseInt(std::string_view field, int64_t lo, int64_t hi) const {
    int64_t n = 0;
    const std::string& t = *replacement_;
    auto res = std::from_chars(t.data(), t.data() + t.size(), n);
    if (res.ec != std::errc() || res.ptr != t.data() + t.size() || n < lo || n > hi) {
      return InvalidArgument("field '{}': replacement '{}' is not a valid integer for the field",
                             field, t);
    }
    return JsonValue::Int(n);
  }
  Result<JsonValue> ParseDouble(std::string_view field, bool is_float) const {
    const std::string& t = *replacement_;
    char* end = nullptr;
    double v = std::strtod(t.c_str(), &end);
    if (end == t.c_str() || *end != '\0') {
      return InvalidArgument("field '{}': replacement '{}' is not a valid number", field, t);
    }
    return JsonValue::Double(is_float ? FloatAsDouble(v) : v);
  }

  Result<JsonValue> MaskSchemaless(const JsonValue& v, std::string_view field) const {
    switch (v.type()) {
      case JsonValue::Type::kNull:
        return JsonValue();
      case JsonValue::Type::kBool:
        if (replacement_) return NoReplacement(field, "boolean");
        return JsonValue::Bool(false);
      case JsonValue::Type::kInt:
      case JsonValue::Type::kUint:
        if (replacement_) {
          return ParseInt(field, std::numeric_limits<int64_t>::min(),
                          std::numeric_limits<int64_t>::max());
        }
        return JsonValue::Int(0);
      case JsonValue::Type::kDouble:
        if (replacement_) return ParseDouble(field, false);
        return JsonValue::Double(0);
      case JsonValue::Type::kString:
        return JsonValue::String(replacement_ ? *replacement_ : "");
      case JsonValue::Type::kArray:
        if (replacement_) return NoReplacement(field, "array");
        return JsonValue::MakeArray();
      case JsonValue::Type::kObject:
        if (replacement_) return NoReplacement(field, "map");
        return JsonValue::MakeObject();
    }
    return JsonValue();
  }

  Result<JsonValue> MaskTyped(const JsonValue& v, const JsonValue& schema,
                              std::string_view field) const {
    const std::string_view type = cs::Type(schema);
    const std::string_view name = cs::Name(schema);
    if (name == cs::kTimestampName || name == cs::kDateName || name == cs::kTimeName) {
      if (replacement_) return NoReplacement(field, name);
      return JsonValue::Int(0);  // new Date(0)
    }
    if (name == cs::kDecimalName) {
      if (replacement_) return NoReplacement(field, name);
      return JsonValue::String("AA==");  // BigDecimal.ZERO: unscaled value 0, one byte
    }
    struct IntRange {
      std::string_view type;
      int64_t lo, hi;
    };
    static constexpr IntRange kInts[] = {
        {"int8", INT8_MIN, INT8_MAX},
        {"int16", INT16_MIN, INT16_MAX},
        {"int32", INT32_MIN, INT32_MAX},
        {"int64", std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}};
    for (const auto& ir : kInts) {
      if (type == ir.type) return replacement_ ? ParseInt(field, ir.lo, ir.hi) : JsonValue::Int(0);
    }
    if (type == "float32" || type == "float" || type == "float64" || type == "double") {
      return replacement_ ? ParseDouble(field, type == "float32" || type == "float")
                          : JsonValue::Double(0);
    }
    if (type == "string") return JsonValue::String(replacement_ ? *replacement_ : "");
    if (type == "boolean") {
      if (replacement_) return NoReplacement(field, type);
      return JsonValue::Bool(false);
    }
    if (type == "array" && !replacement_) return JsonValue::MakeArray();
    if (type == "map" && !replacement_) return JsonValue::MakeObject();
    (void)v;
    return InvalidArgument("cannot mask field '{}' of type {}", field, type);
  }

  std::vector<std::string> fields_;
  std::optional<std::string> replacement_;
};

// --- Cast ------------------------------------------------------------------------------

enum class CastType { kInt8, kInt16, kInt32, kInt64, kFloat32, kFloat64, kBoolean, kString };

std::optional<CastType> ParseCastType(std::string_view s) {
  static const std::pair<std::string_view, CastType> kTypes[] = {
      {"int8", CastType::kInt8},       {"int16", CastType::kInt16},
      {"int32", CastType::kInt32},     {"int64", CastType::kInt64},
      {"float32", CastType::kFloat32}, {"float64", CastType::kFloat64},
      {"boolean", CastType::kBoolean}, {"string", CastType::kString}};
  for (const auto& [n, t] : kTypes) {
    if (EqualsIgnoreCase(n, s)) return t;
  }
  return std::nullopt;
}

std::string_view CastTypeName(CastType t) {
  static constexpr std::string_view kNames[] = {"int8",    "int16",   "int32",   "int64",
                                                "float32", "float64", "boolean", "string"};
  return kNames[static_cast<int>(t)];
}

// Java's narrowing of a double to an integer type: saturate to int or long, then wrap.
int64_t JavaDoubleToIntegral(double d, CastType t) {
  if (std::isnan(d)) return 0;
  if (t == CastType::kInt64) {
    if (d >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
    if (d <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(d);
  }
  int32_t i = d >= 2147483647.0    ? INT32_MAX
              : d <= -2147483648.0 ? INT32_MIN
                                   : static_cast<int32_t>(d);
  if (t == CastType::kInt16) return static_cast<int16_t>(i);
  if (t == CastType::kInt8) return static_cast<int8_t>(i);
  return i;
}

int64_t WrapIntegral(int64_t v, CastType t) {
  switch (t) {
    case CastType::kInt8:
      return static_cast<int8_t>(v);
    case CastType::kInt16:
      return static_cast<int16_t>(v);
    case CastType::kInt32:
      return static_cast<int32_t>(v);
    default:
      return v;
  }
}

Result<JsonValue> CastValue(const JsonValue& v, CastType to) {
  if (v.is_null()) return JsonValue();
  if (v.is_array() || v.is_object()) {
    return InvalidArgument("Cast does not support casting {} to {}",
                           v.is_array() ? "an array" : "a map or struct", CastTypeName(to));
  }
  switch (to) {
    case CastType::kInt8:
    case CastType::kInt16:
    case CastType::kInt32:
    case CastType::kInt64: {
      if (v.is_bool()) return JsonValue::Int(v.bool_value() ? 1 : 0);
      if (v.is_integer()) return JsonValue::Int(WrapIntegral(v.int_value(), to));
      if (v.is_number()) return JsonValue::Int(JavaDoubleToIntegral(v.number_value(), to));
      // Integer.valueOf(String): the whole text, in range.
      int64_t n = 0;
      std::string_view s = v.str();
      if (!s.empty() && s.front() == '+') s.remove_prefix(1);
      auto res = std::from_chars(s.data(), s.data() + s.size(), n);
      if (res.ec != std::errc() || res.ptr != s.data() + s.size() || s.empty() ||
          WrapIntegral(n, to) != n) {
        return InvalidArgument("cannot cast string '{}' to {}", v.str(), CastTypeName(to));
      }
      return JsonValue::Int(n);
    }
    case CastType::kFloat32:
    case CastType::kFloat64: {
      double d;
      if (v.is_bool()) {
        d = v.bool_value() ? 1 : 0;
      } else if (v.is_number()) {
        d = v.number_value();
      } else {
        std::string s(Trim(v.str()));
        char* end = nullptr;
        d = std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0') {
          return InvalidArgument("cannot cast string '{}' to {}", v.str(), CastTypeName(to));
        }
      }
      return JsonValue::Double(to == CastType::kFloat32 ? FloatAsDouble(d) : d);
    }
    case CastType::kBoolean:
      if (v.is_bool()) return v;
      if (v.is_integer()) return JsonValue::Bool(v.int_value() != 0);
      if (v.is_number()) {
        return JsonValue::Bool(JavaDoubleToIntegral(v.number_value(), CastType::kInt64) != 0);
      }
      return JsonValue::Bool(EqualsIgnoreCase(v.str(), "true"));  // Boolean.parseBoolean
    case CastType::kString:
      if (v.is_string()) return v;
      if (v.type() == JsonValue::Type::kDouble && std::isfinite(v.number_value())) {
        // The shortest decimal that reads back as the same double, as Connect's
        // documentation shows it (63521704.02 -> "63521704.02"); 4.0 stays "4.0".
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof(buf), v.number_value());
        std::string text(buf, r.ptr);
        if (text.find_first_of(".e") == std::string::npos) text += ".0";
        return JsonValue::String(std::move(text));
      }
      return JsonValue::String(v.ToString());  // true, 42 as Java prints them
  }
  return JsonValue();
}

std::string_view SchemaTypeOf(CastType t) {
  switch (t) {
    case CastType::kFloat32:
      return "float";
    case CastType::kFloat64:
      return "double";
    default:
      return CastTypeName(t);
  }
}

class Cast final : public SideTransform {
 public:
  static Result<std::unique_ptr<Transform>> Make(bool key, const TransformProps& p) {
    std::unique_ptr<Cast> t(new Cast(key));
    auto spec = p.List("spec");
    if (spec.empty()) {
      return InvalidArgument(
          "{}: required, expected field:type pairs (or a single type for the whole value); "
          "types: int8, int16, int32, int64, float32, float64, boolean, string",
          p.Key("spec"));
    }
    for (const auto& item : spec) {
      size_t colon = item.find(':');
      std::string field =
          colon == std::string::npos ? "" : std::string(Trim(item.substr(0, colon)));
      std::string type =
          std::string(Trim(colon == std::string::npos ? item : item.substr(colon + 1)));
      auto ct = ParseCastType(type);
      if (!ct) {
        return InvalidArgument(
            "{}: invalid type '{}' in '{}'; expected int8, int16, int32, int64, float32, "
            "float64, boolean or string",
            p.Key("spec"), type, item);
      }
      if (field.empty()) {
        if (spec.size() != 1) {
          return InvalidArgument("{}: a whole-value cast ('{}') must be the only entry of the spec",
                                 p.Key("spec"), item);
        }
        t->whole_ = ct;
      } else {
        t->casts_.emplace_back(field, *ct);
      }
    }
    p.Get("replace.null.with.default");
    return std::unique_ptr<Transform>(std::move(t));
  }

  Result<bool> Apply(WorkingRecord& r) const override {
    RecordSide& s = side(r);
    if (whole_) {
      ASSIGN_OR_RETURN(ConnectData * d, s.Data());
      if (d->value.is_null() && !d->has_schema) return true;
      ASSIGN_OR_RETURN(d->value, CastValue(d->value, *whole_));
      if (d->has_schema) {
        d->schema = cs::Primitive(SchemaTypeOf(*whole_), cs::IsOptional(d->schema));
      }
      return true;
    }
    if (s.is_null()) return true;
    ASSIGN_OR_RETURN(ConnectData * d, s.RequireObject("cast types"));
    for (const auto& [field, to] : casts_) {
      JsonValue* v = d->value.Find(field);
      if (v) {
        auto cast = CastValue(*v, to);
        if (!cast.ok()) return cast.status().WithContext(fmt::format("field '{}'", field));
        *v = std::move(cast).value();
      }
    }
    if (d->has_schema) {
      JsonValue::Array fields;
      if (const JsonValue::Array* old = cs::Fields(d->schema)) {
        for (const auto& f : *old) {
          auto it = std::find_if(casts_.begin(), casts_.end(),
                                 [&](const auto& c) { return c.first == cs::FieldName(f); });
          if (it == casts_.end()) {
            fields.push_back(f);
          } else {
            fields.push_back(
                cs::AsField(cs::Primitive(SchemaTypeOf(it->second), cs::IsOptional(f)), it->first));
          }
        }
      }
      d->schema = cs::Struct(std::move(fields), &d->schema);
    }
    return true;
  }

 private:
  explicit Cast(bool key) : SideTransform(key) {}
  std::optional<CastType> whole_;
  std::vector<std::pair<std::string, CastType>> casts_;
};

// --- TimestampConverter ----------------------------------------------------------------

enum class TsType { kString, kUnix, kDate, kTime, kTimestamp };
enum class UnixPrecision { kSeconds, kMillis, kMicros, kNanos };
constexpr int64_t kMsPerDay = 86400000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

class TimestampConverter final : public SideTransform {
 public:
  static Result<std::unique_ptr<Transform>> Make(bool key, const TransformProps& p) {
    std::unique_ptr<TimestampConverter> t(new TimestampConverter(key));
    t->field_ = p.Get("field");
    ASSIGN_OR_RETURN(std::string target,
                     p.Required("target.type", "one of string, unix, Date, Time, Timestamp"));
    static const std::pair<std::string_view, TsType> kTypes[] = {{"string", TsType::kString},
                                                                 {"unix", TsType::kUnix},
                                                                 {"Date", TsType::kDate},
                                                                 {"Time", TsType::kTime},
                                                                 {"Timestamp", TsType::kTimestamp}};
    bool found = false;
    for (const auto& [n, ty] : kTypes) {
      if (n == target) {
        t->target_ = ty;
        found = true;
      }
    }
    if (!found) {
      return InvalidArgument("{}: expected one of string, unix, Date, Time, Timestamp, got '{}'",
                             p.Key("target.type"), target);
    }
    std::string format = p.Get("format");
    if (!format.empty()) {
      auto tf = TimeFormat::Compile(format);
      if (!tf.ok()) return tf.status().WithContext(p.Key("format"));
      t->format_ = std::move(tf).value();
    } else if (t->target_ == TsType::kString) {
      return InvalidArgument(
          "{}: required when target.type is string (a java.text.SimpleDateFormat pattern)",
          p.Key("format"));
    }
    ASSIGN_OR_RETURN(std::string precision,
                     p.OneOf("unix.precision", "milliseconds",
                             {"seconds", "milliseconds", "microseconds", "nanoseconds"}));
    t->precision_ = precision == "seconds"        ? UnixPrecision::kSeconds
                    : precision == "microseconds" ? UnixPrecision::kMicros
                    : precision == "nanoseconds"  ? UnixPrecision::kNanos
                                                  : UnixPrecision::kMillis;
    p.Get("replace.null.with.default");
    p.Get("field.syntax.version");
    return std::unique_ptr<Transform>(std::move(t));
  }

  Result<bool> Apply(WorkingRecord& r) const override {
    RecordSide& s = side(r);
    if (field_.empty()) {
      ASSIGN_OR_RETURN(ConnectData * d, s.Data());
      if (d->value.is_null()) return true;
      ASSIGN_OR_RETURN(TsType from, InputType(d->has_schema ? &d->schema : nullptr, d->value));
      ASSIGN_OR_RETURN(d->value, Convert(d->value, from, d->has_schema));
      if (d->has_schema) d->schema = OutputSchema(cs::IsOptional(d->schema));
      return true;
    }
    if (s.is_null()) return true;
    ASSIGN_OR_RETURN(ConnectData * d, s.RequireObject("converting timestamp formats"));
    const JsonValue* fs = nullptr;
    if (d->has_schema) {
      fs = cs::Field(d->schema, field_);
      if (!fs) return InvalidArgument("field '{}' is not in the value's schema", field_);
    }
    JsonValue* v = d->value.Find(field_);
    if (v && !v->is_null()) {
      auto from = InputType(fs, *v);
      if (!from.ok()) return from.status().WithContext(fmt::format("field '{}'", field_));
      auto converted = Convert(*v, *from, d->has_schema);
      if (!converted.ok()) return converted.status().WithContext(fmt::format("field '{}'", field_));
      *v = std::move(converted).value();
    }
    if (d->has_schema) {
      JsonValue::Array fields = *cs::Fields(d->schema);
      for (auto& f : fields) {
        if (cs::FieldName(f) == field_) f = cs::AsField(OutputSchema(cs::IsOptional(f)), field_);
      }
      d->schema = cs::Struct(std::move(fields), &d->schema);
    }
    return true;
  }

 private:
  explicit TimestampConverter(bool key) : SideTransform(key) {}

  static Result<TsType> InputType(const JsonValue* schema, const JsonValue& v) {
    if (schema) {
      std::string_view name = cs::Name(*schema), type = cs::Type(*schema);
      if (name == cs::kTimestampName) return TsType::kTimestamp;
      if (name == cs::kDateName) return TsType::kDate;
      if (name == cs::kTimeName) return TsType::kTime;
      if (type == "string") return TsType::kString;
      if (type == "int64") return TsType::kUnix;
      return InvalidArgument(
          "schema type {} is not a timestamp type (string, int64, Date, Time, "
          "Timestamp)",
          type);
    }
    if (v.is_integer()) return TsType::kUnix;
    if (v.is_string()) return TsType::kString;
    return InvalidArgument("TimestampConverter reads integers (unix) and strings, found {}",
                           v.ToString());
  }

  // Date and Time values are int32 days / milliseconds of day with a schema (Connect's
  // logical types on the wire); schemaless, every Connect time is epoch milliseconds.
  Result<JsonValue> Convert(const JsonValue& v, TsType from, bool with_schema) const {
    int64_t ms = 0;
    switch (from) {
      case TsType::kString: {
        if (!v.is_string()) return InvalidArgument("expected a string timestamp");
        if (!format_) {
          return InvalidArgument("a string timestamp needs the format option to be parsed");
        }
        ASSIGN_OR_RETURN(ms, format_->Parse(v.str()));
        break;
      }
      case TsType::kUnix:
      case TsType::kTimestamp:
      case TsType::kDate:
      case TsType::kTime: {
        if (!v.is_integer()) return InvalidArgument("expected an integer timestamp");
        int64_t n = v.int_value();
        if (from == TsType::kDate && with_schema) {
          ms = n * kMsPerDay;
        } else if (from == TsType::kUnix) {
          ms = precision_ == UnixPrecision::kSeconds  ? n * 1000
               : precision_ == UnixPrecision::kMicros ? n / 1000
               : precision_ == UnixPrecision::kNanos  ? n / 1000000
                                                      : n;
        } else {
          ms = n;
        }
        break;
      }
    }
    switch (target_) {
      case TsType::kString:
        return JsonValue::String(format_->Format(ms));
      case TsType::kUnix:
        return JsonValue::Int(precision_ == UnixPrecision::kSeconds  ? ms / 1000
                              : precision_ == UnixPrecision::kMicros ? ms * 1000
                              : precision_ == UnixPrecision::kNanos  ? ms * 1000000
                                                                     : ms);
      case TsType::kTimestamp:
        return JsonValue::Int(ms);
      case TsType::kDate:
        // Connect's Date is days since the epoch on the wire (an int32 with the Date name).
        return JsonValue::Int(with_schema ? FloorDiv(ms, kMsPerDay)
                                          : FloorDiv(ms, kMsPerDay) * kMsPerDay);
      case TsType::kTime:
        return JsonValue::Int(ms - FloorDiv(ms, kMsPerDay) * kMsPerDay);
    }
    return JsonValue();
  }

  JsonValue OutputSchema(bool optional) const {
    switch (target_) {
      case TsType::kString:
        return cs::Primitive("string", optional);
      case TsType::kUnix:
        return cs::Primitive("int64", optional);
      case TsType::kTimestamp:
        return cs::Primitive("int64", optional, cs::kTimestampName, 1);
      case TsType::kDate:
        return cs::Primitive("int32", optional, cs::kDateName, 1);
      case TsType::kTime:
        return cs::Primitive("int32", optional, cs::kTimeName, 1);
    }
    return JsonValue();
  }

  std::string field_;
  TsType target_ = TsType::kString;
  std::optional<TimeFormat> format_;
  UnixPrecision precision_ = UnixPrecision::kMillis;
};

// --- ExtractField, ValueToKey, HoistField, Flatten ----------------------------------------

class ExtractField final : public SideTransform {
 public:
  ExtractField(bool key, std::string field) : SideTransform(key), field_(std::move(field)) {}
  Result<bool> Apply(WorkingRecord& r) const override {
    RecordSide& s = side(r);
    if (s.is_null()) return true;
    ASSIGN_OR_RETURN(ConnectData * d, s.RequireObject("field extraction"));
    ConnectData out;
    if (d->has_schema) {
      const JsonValue* fs = cs::Field(d->schema, field_);
      if (!fs) return InvalidArgument("unknown field: {}", field_);
      out.has_schema = true;
      out.schema = cs::WithoutFieldName(*fs);
    }
    out.value = FieldOrNull(d->value, field_);
    s.Set(std::move(out));
    return true;
  }

 private:
  std::string field_;
};

class ValueToKey final : public Transform {
 public:
  explicit ValueToKey(std::vector<std::string> fields) : fields_(std::move(fields)) {}
  Result<bool> Apply(WorkingRecord& r) const override {
    ASSIGN_OR_RETURN(ConnectData * d, r.value().RequireObject("copying fields from value to key"));
    ConnectData key;
    key.value = JsonValue::MakeObject();
    JsonValue::Array fields;
    for (const auto& f : fields_) {
      if (d->has_schema) {
        const JsonValue* fs = cs::Field(d->schema, f);
        if (!fs) return InvalidArgument("field does not exist: {}", f);
        fields.push_back(*fs);
      }
      key.value.object().emplace_back(f, FieldOrNull(d->value, f));
    }
    if (d->has_schema) {
      key.has_schema = true;
      key.schema = cs::Struct(std::move(fields), nullptr);
    }
    r.key().Set(std::move(key));
    return true;
  }

 private:
  std::vector<std::string> fields_;
};

class HoistField final : public SideTransform {
 public:
  HoistField(bool key, std::string field) : SideTransform(key), field_(std::move(field)) {}
  Result<bool> Apply(WorkingRecord& r) const override {
    RecordSide& s = side(r);
    ASSIGN_OR_RETURN(ConnectData * d, s.Data());
    ConnectData out;
    out.value = JsonValue::MakeObject();
    out.value.object().emplace_back(field_, std::move(d->value));
    if (d->has_schema) {
      out.has_schema = true;
      JsonValue::Array fields;
      fields.push_back(cs::AsField(std::move(d->schema), field_));
      out.schema = cs::Struct(std::move(fields), nullptr);
    }
    s.Set(std::move(out));
    return true;
  }

 private:
  std::string field_;
};

class Flatten final : public SideTransform {
 public:
  Flatten(bool key, std::string delimiter) : SideTransform(key), delim_(std::move(delimiter)) {}
  Result<bool> Apply(WorkingRecord& r) const override {
    RecordSide& s = side(r);
    if (s.is_null()) return true;
    ASSIGN_OR_RETURN(ConnectData * d, s.RequireObject("flattening"));
    JsonValue::Object values;
    if (!d->has_schema) {
      FlattenMap(d->value, "", &values);
      d->value = JsonValue::MakeObject(std::move(values));
      return true;
    }
    JsonValue::Array fields;
    FlattenStruct(d->schema, &d->value, "", false, &fields, &values);
    d->schema = cs::Struct(std::move(fields), &d->schema);
    d->value = JsonValue::MakeObject(std::move(values));
    return true;
  }

 private:
  std::string Name(const std::string& prefix, const std::string& name) const {
    return prefix.empty() ? name : prefix + delim_ + name;
  }
  void FlattenMap(JsonValue& map, const std::string& prefix, JsonValue::Object* out) const {
    for (auto& [k, v] : map.object()) {
      if (v.is_object()) {
        FlattenMap(v, Name(prefix, k), out);
      } else {
        out->emplace_back(Name(prefix, k), std::move(v));
      }
    }
  }
  void FlattenStruct(const JsonValue& schema, const JsonValue* payload, const std::string& prefix,
                     bool optional, JsonValue::Array* fields, JsonValue::Object* values) const {
    const JsonValue::Array* fs = cs::Fields(schema);
    if (!fs) return;
    for (const auto& f : *fs) {
      std::string field(cs::FieldName(f));
      std::string name = Name(prefix, field);
      const bool opt = optional || cs::IsOptional(f);
      const JsonValue* v = payload && payload->is_object() ? payload->Find(field) : nullptr;
      if (cs::Type(f) == "struct") {
        FlattenStruct(f, v, name, opt, fields, values);
      } else {
        fields->push_back(cs::AsField(cs::WithOptional(f, opt), name));
        values->emplace_back(name, v ? *v : JsonValue());
      }
    }
  }
  std::string delim_;
};

// --- Filter, headers, routers, schema metadata ---------------------------------------------

class Filter final : public Transform {
 public:
  Result<bool> Apply(WorkingRecord&) const override { return false; }
};

class HeaderFrom final : public SideTransform {
 public:
  static Result<std::unique_ptr<Transform>> Make(bool key, const TransformProps& p) {
    std::unique_ptr<HeaderFrom> t(new HeaderFrom(key));
    t->fields_ = p.List("fields");
    t->headers_ = p.List("headers");
    if (t->fields_.empty()) {
      return InvalidArgument("{}: required, expected a list of field names", p.Key("fields"));
    }
    if (t->fields_.size() != t->headers_.size()) {
      return InvalidArgument("{}: expected as many header names as {} has fields ({}), got {}",
                             p.Key("headers"), p.Key("fields"), t->fields_.size(),
                             t->headers_.size());
    }
    ASSIGN_OR_RETURN(std::string op, p.OneOf("operation", "", {"move", "copy"}));
    t->move_ = op == "move";
    p.Get("replace.null.with.default");
    return std::unique_ptr<Transform>(std::move(t));
  }

  Result<bool> Apply(WorkingRecord& r) const override {
    RecordSide& s = side(r);
    if (s.is_null()) return true;
    ASSIGN_OR_RETURN(ConnectData * d, s.RequireObject("header extraction"));
    auto& headers = r.MutableHeaders();
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (d->has_schema && !cs::Field(d->schema, fields_[i])) {
        return InvalidArgument("field '{}' is not in the value's schema", fields_[i]);
      }
      headers.push_back({headers_[i], HeaderText(FieldOrNull(d->value, fields_[i]))});
    }
    if (move_) {
      for (const auto& f : fields_) d->value.Erase(f);
      if (d->has_schema) {
        JsonValue::Array fields;
        for (const auto& f : *cs::Fields(d->schema)) {
          if (std::find(fields_.begin(), fields_.end(), cs::FieldName(f)) == fields_.end()) {
            fields.push_back(f);
          }
        }
        d->schema = cs::Struct(std::move(fields), &d->schema);
      }
    }
    return true;
  }

 private:
  explicit HeaderFrom(bool key) : SideTransform(key) {}
  std::vector<std::string> fields_, headers_;
  bool move_ = false;
};

class InsertHeader final : public Transform {
 public:
  InsertHeader(std::string header, std::string value)
      : header_(std::move(header)), value_(std::move(value)) {}
  Result<bool> Apply(WorkingRecord& r) const override {
    r.MutableHeaders().push_back({header_, value_});
    return true;
  }

 private:
  std::string header_, value_;
};

class DropHeaders final : public Transform {
 public:
  explicit DropHeaders(std::vector<std::string> names) : names_(names.begin(), names.end()) {}
  Result<bool> Apply(WorkingRecord& r) const override {
    bool any = false;
    for (const auto& n : names_) any = any || r.HasHeader(n);
    if (!any) return true;  // nothing to drop: leave the record untouched
    auto& headers = r.MutableHeaders();
    std::erase_if(headers, [&](const OwnedHeader& h) { return names_.count(h.name) > 0; });
    return true;
  }

 private:
  std::set<std::string, std::less<>> names_;
};

// Java's Matcher replacement syntax ($1, ${name}, \$) as an RE2 rewrite string.
Result<std::string> JavaReplacementToRewrite(const RE2& re, std::string_view java) {
  std::string out;
  for (size_t i = 0; i < java.size(); ++i) {
    char c = java[i];
    if (c == '\\') {
      if (i + 1 >= java.size()) return InvalidArgument("replacement ends with a lone backslash");
      char next = java[++i];
      if (next == '\\') {
        out += "\\\\";
      } else {
        out.push_back(next);
      }
    } else if (c == '$') {
      if (i + 1 < java.size() && java[i + 1] == '{') {
        size_t close = java.find('}', i + 2);
        if (close == std::string_view::npos) return InvalidArgument("unclosed ${{ in replacement");
        std::string name(java.substr(i + 2, close - i - 2));
        auto it = re.NamedCapturingGroups().find(name);
        if (it == re.NamedCapturingGroups().end()) {
          return InvalidArgument("no group named '{}' in the regex", name);
        }
        out += "\\" + std::to_string(it->second);
        i = close;
      } else if (i + 1 < java.size() && std::isdigit(static_cast<unsigned char>(java[i + 1]))) {
        int group = java[++i] - '0';
        if (group > re.NumberOfCapturingGroups()) {
          return InvalidArgument("no group {} in the regex", group);
        }
        out += "\\" + std::to_string(group);
      } else {
        return InvalidArgument("'$' must be followed by a group number or {{name}}");
      }
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::unique_ptr<RE2>> CompileWholeMatch(const TransformProps& p, std::string_view option) {
  ASSIGN_OR_RETURN(std::string pattern, p.Required(option, "a regular expression"));
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_unique<RE2>("^(?:" + pattern + ")$", opts);
  if (!re->ok()) {
    return InvalidArgument("{}: invalid regular expression '{}': {}", p.Key(option), pattern,
                           re->error());
  }
  return re;
}

class RegexRouter final : public Transform {
 public:
  static Result<std::unique_ptr<Transform>> Make(const TransformProps& p) {
    std::unique_ptr<RegexRouter> t(new RegexRouter());
    ASSIGN_OR_RETURN(t->re_, CompileWholeMatch(p, "regex"));
    if (!p.Has("replacement")) {
      return InvalidArgument("{}: required, expected the new topic ($1 names a group)",
                             p.Key("replacement"));
    }
    auto rewrite = JavaReplacementToRewrite(*t->re_, p.Get("replacement"));
    if (!rewrite.ok()) return rewrite.status().WithContext(p.Key("replacement"));
    t->rewrite_ = *rewrite;
    return std::unique_ptr<Transform>(std::move(t));
  }
  Result<bool> Apply(WorkingRecord& r) const override {
    std::string_view topic = r.topic();
    std::string out;
    if (RE2::Extract(re2::StringPiece(topic.data(), topic.size()), *re_, rewrite_, &out)) {
      r.set_topic(std::move(out));
    }
    return true;
  }

 private:
  std::unique_ptr<RE2> re_;
  std::string rewrite_;
};

class TimestampRouter final : public Transform {
 public:
  static Result<std::unique_ptr<Transform>> Make(const TransformProps& p) {
    std::unique_ptr<TimestampRouter> t(new TimestampRouter());
    t->topic_format_ = p.Get("topic.format", "${topic}-${timestamp}");
    auto tf = TimeFormat::Compile(p.Get("timestamp.format", "yyyyMMdd"));
    if (!tf.ok()) return tf.status().WithContext(p.Key("timestamp.format"));
    t->format_ = std::move(tf).value();
    return std::unique_ptr<Transform>(std::move(t));
  }
  Result<bool> Apply(WorkingRecord& r) const override {
    if (r.timestamp_ms() < 0) return InvalidArgument("timestamp missing on record");
    std::string out;
    std::string_view f = topic_format_;
    for (size_t i = 0; i < f.size();) {
      if (f.compare(i, 8, "${topic}") == 0) {
        out.append(r.topic());
        i += 8;
      } else if (f.compare(i, 12, "${timestamp}") == 0) {
        format_.Format(r.timestamp_ms(), &out);
        i += 12;
      } else {
        out.push_back(f[i++]);
      }
    }
    r.set_topic(std::move(out));
    return true;
  }

 private:
  std::string topic_format_;
  TimeFormat format_;
};

class SetSchemaMetadata final : public SideTransform {
 public:
  static Result<std::unique_ptr<Transform>> Make(bool key, const TransformProps& p) {
    std::unique_ptr<SetSchemaMetadata> t(new SetSchemaMetadata(key));
    t->name_ = p.Get("schema.name");
    if (p.Has("schema.version") && !p.Get("schema.version").empty()) {
      ASSIGN_OR_RETURN(int64_t v, p.Int("schema.version", 0));
      t->version_ = v;
    }
    if (t->name_.empty() && !t->version_) {
      return InvalidArgument("{} / {}: set at least one (neither schema name nor version given)",
                             p.Key("schema.name"), p.Key("schema.version"));
    }
    p.Get("replace.null.with.default");
    return std::unique_ptr<Transform>(std::move(t));
  }
  Result<bool> Apply(WorkingRecord& r) const override {
    RecordSide& s = side(r);
    if (s.is_null()) return true;
    ASSIGN_OR_RETURN(ConnectData * d, s.Data());
    if (!d->has_schema) {
      return InvalidArgument(
          "schema required for [updating schema metadata]; the {} has none (use JsonConverter "
          "with schemas.enable=true envelopes)",
          s.what());
    }
    if (!name_.empty()) d->schema.Set("name", JsonValue::String(name_));
    if (version_) d->schema.Set("version", JsonValue::Int(*version_));
    d->schema = cs::Canonical(d->schema);
    return true;
  }

 private:
  explicit SetSchemaMetadata(bool key) : SideTransform(key) {}
  std::string name_;
  std::optional<int64_t> version_;
};

// --- predicates ------------------------------------------------------------------------

class TopicNameMatches final : public RecordPredicate {
 public:
  explicit TopicNameMatches(std::unique_ptr<RE2> re) : re_(std::move(re)) {}
  bool Test(const WorkingRecord& r) const override {
    std::string_view t = r.topic();
    return RE2::FullMatch(re2::StringPiece(t.data(), t.size()), *re_);
  }

 private:
  std::unique_ptr<RE2> re_;
};

class HasHeaderKey final : public RecordPredicate {
 public:
  explicit HasHeaderKey(std::string name) : name_(std::move(name)) {}
  bool Test(const WorkingRecord& r) const override { return r.HasHeader(name_); }

 private:
  std::string name_;
};

class RecordIsTombstone final : public RecordPredicate {
 public:
  bool Test(const WorkingRecord& r) const override { return r.value().is_null(); }
};

// --- registry --------------------------------------------------------------------------

// Splits "pkg.Name$Value" into the short name and side. `package` is the only package
// prefix accepted besides none.
struct ClassName {
  std::string base;
  std::string variant;  // "Key", "Value" or ""
};

Result<ClassName> SplitClassName(std::string_view type, std::string_view package) {
  type = Trim(type);
  std::string_view rest = type;
  if (rest.rfind(package, 0) == 0) rest.remove_prefix(package.size());
  if (rest.find('.') != std::string_view::npos) return NotFound("unknown class");
  ClassName c;
  size_t dollar = rest.find('$');
  c.base = std::string(rest.substr(0, dollar));
  if (dollar != std::string_view::npos) c.variant = std::string(rest.substr(dollar + 1));
  return c;
}

using Factory = std::function<Result<std::unique_ptr<Transform>>(bool key, const TransformProps&)>;

template <typename T>
Result<std::unique_ptr<Transform>> Wrap(std::unique_ptr<T> t) {
  return std::unique_ptr<Transform>(std::move(t));
}

const std::vector<std::pair<std::string, Factory>>& Registry() {
  static const std::vector<std::pair<std::string, Factory>> kRegistry = {
      {"InsertField",
       [](bool key, const TransformProps& p) {
         return Wrap(std::make_unique<InsertField>(key, p));
       }},
      {"ReplaceField", ReplaceField::Make},
      {"MaskField", MaskField::Make},
      {"Cast", Cast::Make},
      {"TimestampConverter", TimestampConverter::Make},
      {"ExtractField",
       [](bool key, const TransformProps& p) -> Result<std::unique_ptr<Transform>> {
         ASSIGN_OR_RETURN(std::string f, p.Required("field", "the name of the field to extract"));
         p.Get("field.syntax.version");
         p.Get("replace.null.with.default");
         return Wrap(std::make_unique<ExtractField>(key, f));
       }},
      {"ValueToKey",
       [](bool, const TransformProps& p) -> Result<std::unique_ptr<Transform>> {
         auto fields = p.List("fields");
         if (fields.empty()) {
           return InvalidArgument("{}: required, expected the value fields to copy to the key",
                                  p.Key("fields"));
         }
         p.Get("replace.null.with.default");
         return Wrap(std::make_unique<ValueToKey>(std::move(fields)));
       }},
      {"HoistField",
       [](bool key, const TransformProps& p) -> Result<std::unique_ptr<Transform>> {
         ASSIGN_OR_RETURN(std::string f, p.Required("field", "the name of the wrapping field"));
         return Wrap(std::make_unique<HoistField>(key, f));
       }},
      {"Flatten",
       [](bool key, const TransformProps& p) -> Result<std::unique_ptr<Transform>> {
         // The delimiter is used as given, whitespace included.
         std::string d = p.Has("delimiter") ? p.Get("delimiter") : ".";
         return Wrap(std::make_unique<Flatten>(key, d.empty() ? "." : d));
       }},
      {"Filter",
       [](bool, const TransformProps&) -> Result<std::unique_ptr<Transform>> {
         return Wrap(std::make_unique<Filter>());
       }},
      {"HeaderFrom", HeaderFrom::Make},
      {"InsertHeader",
       [](bool, const TransformProps& p) -> Result<std::unique_ptr<Transform>> {
         ASSIGN_OR_RETURN(std::string h, p.Required("header", "the header name"));
         if (!p.Has("value.literal")) {
           return InvalidArgument("{}: required, expected the header value",
                                  p.Key("value.literal"));
         }
         return Wrap(std::make_unique<InsertHeader>(h, p.Get("value.literal")));
       }},
      {"DropHeaders",
       [](bool, const TransformProps& p) -> Result<std::unique_ptr<Transform>> {
         auto names = p.List("headers");
         if (names.empty()) {
           return InvalidArgument("{}: required, expected header names", p.Key("headers"));
         }
         return Wrap(std::make_unique<DropHeaders>(std::move(names)));
       }},
      {"RegexRouter", [](bool, const TransformProps& p) { return RegexRouter::Make(p); }},
      {"TimestampRouter", [](bool, const TransformProps& p) { return TimestampRouter::Make(p); }},
      {"SetSchemaMetadata", SetSchemaMetadata::Make},
  };
  return kRegistry;
}

// Transforms that exist only as $Key/$Value; without a suffix Tributary reads $Value.
const std::set<std::string>& SidedTransforms() {
  static const std::set<std::string> kSided = {
      "InsertField",  "ReplaceField", "MaskField", "Cast",       "TimestampConverter",
      "ExtractField", "HoistField",   "Flatten",   "HeaderFrom", "SetSchemaMetadata"};
  return kSided;
}

}  // namespace

Result<std::unique_ptr<Transform>> MakeBuiltinTransform(std::string_view type,
                                                        const TransformProps& props) {
  auto unknown = [&] {
    std::vector<std::string> names;
    for (const auto& [n, f] : Registry()) names.push_back(n);
    return InvalidArgument(
        "{}: unknown transform class '{}'; expected one of {} (short or as "
        "org.apache.kafka.connect.transforms.<Name>[$Key|$Value]), or tributary.Sql",
        props.Key("type"), type, fmt::join(names, ", "));
  };
  auto name = SplitClassName(type, kTransformsPackage);
  if (!name.ok()) return unknown();
  for (const auto& [n, factory] : Registry()) {
    if (n != name->base) continue;
    bool key = false;
    if (name->variant == "Key") {
      key = true;
    } else if (!name->variant.empty() && name->variant != "Value") {
      return unknown();
    }
    if (!name->variant.empty() && !SidedTransforms().count(n)) {
      return InvalidArgument("{}: {} has no ${} variant", props.Key("type"), n, name->variant);
    }
    return factory(key, props);
  }
  return unknown();
}

Result<std::unique_ptr<RecordPredicate>> MakePredicate(std::string_view type,
                                                       const TransformProps& props) {
  auto name = SplitClassName(type, kPredicatesPackage);
  if (name.ok() && name->variant.empty()) {
    if (name->base == "TopicNameMatches") {
      ASSIGN_OR_RETURN(auto re, CompileWholeMatch(props, "pattern"));
      return std::unique_ptr<RecordPredicate>(std::make_unique<TopicNameMatches>(std::move(re)));
    }
    if (name->base == "HasHeaderKey") {
      ASSIGN_OR_RETURN(std::string h, props.Required("name", "a header name"));
      return std::unique_ptr<RecordPredicate>(std::make_unique<HasHeaderKey>(h));
    }
    if (name->base == "RecordIsTombstone") {
      return std::unique_ptr<RecordPredicate>(std::make_unique<RecordIsTombstone>());
    }
  }
  return InvalidArgument(
      "{}: unknown predicate class '{}'; expected TopicNameMatches, HasHeaderKey or "
      "RecordIsTombstone (short or as org.apache.kafka.connect.transforms.predicates.<Name>)",
      props.Key("type"), type);
}

}  // namespace tributary
