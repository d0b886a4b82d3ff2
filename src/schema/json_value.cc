#include "schema/json_value.h"

#include <cmath>
#include <cstring>
#include <map>
#include <utility>

#include <simdjson.h>

#include "common/base64.h"

namespace tributary {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string Snippet(element e) {
  std::string text = simdjson::minify(e);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

// Reads `n` digits at s[*pos]; false when they are not all digits.
bool Digits(std::string_view s, size_t* pos, size_t n, int64_t* out) {
  if (*pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = s[*pos + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

// Fractional seconds at s[*pos] (after '.') in units of 10^-digits; finer digits are cut.
int64_t Fraction(std::string_view s, size_t* pos, int digits) {
  int64_t v = 0;
  int used = 0;
  while (*pos < s.size() && s[*pos] >= '0' && s[*pos] <= '9') {
    if (used < digits) {
      v = v * 10 + (s[*pos] - '0');
      ++used;
    }
    ++*pos;
  }
  for (; used < digits; ++used) v *= 10;
  return v;
}

bool ParseDate(std::string_view s, size_t* pos, int64_t* days) {
  int64_t y, m, d;
  bool neg = *pos < s.size() && s[*pos] == '-';
  if (neg) ++*pos;
  if (!Digits(s, pos, 4, &y) || *pos >= s.size() || s[(*pos)++] != '-' || !Digits(s, pos, 2, &m) ||
      *pos >= s.size() || s[(*pos)++] != '-' || !Digits(s, pos, 2, &d)) {
    return false;
  }
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  *days = DaysFromCivil(neg ? -y : y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

// "HH:MM:SS[.fraction]" → count of 10^-digits seconds.
bool ParseTime(std::string_view s, size_t* pos, int digits, int64_t* out) {
  int64_t h, mi, sec;
  if (!Digits(s, pos, 2, &h) || *pos >= s.size() || s[(*pos)++] != ':' || !Digits(s, pos, 2, &mi) ||
      *pos >= s.size() || s[(*pos)++] != ':' || !Digits(s, pos, 2, &sec)) {
    return false;
  }
  if (h > 23 || mi > 59 || sec > 60) return false;
  int64_t frac = 0;
  if (*pos < s.size() && s[*pos] == '.') {
    ++*pos;
    frac = Fraction(s, pos, digits);
  }
  int64_t unit = 1;
  for (int k = 0; k < digits; ++k) unit *= 10;
  *out = ((h * 60 + mi) * 60 + sec) * unit + frac;
  return true;
}

bool ParseTimestamp(std::string_view s, int digits, int64_t* out) {
  size_t pos = 0;
  int64_t days, t;
  if (!ParseDate(s, &pos, &days)) return false;
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) return false;
  ++pos;
  if (!ParseTime(s, &pos, digits, &t)) return false;
  int64_t unit = 1;
  for (int k = 0; k < digits; ++k) unit *= 10;
  int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos++] == '-' ? -1 : 1;
    int64_t oh, om = 0;
    if (!Digits(s, &pos, 2, &oh)) return false;
    if (pos < s.size() && s[pos] == ':') ++pos;
    if (pos < s.size() && !Digits(s, &pos, 2, &om)) return false;
    offset_s = sign * (oh * 3600 + om * 60);
  }
  if (pos != s.size()) return false;
  *out = (days * 86400 - offset_s) * unit + t;
  return true;
}

int TimeDigits(LogicalType l) {
  switch (l) {
    case LogicalType::kTimeMicros:
    case LogicalType::kTimestampMicros:
    case LogicalType::kLocalTimestampMicros:
      return 6;
    default:
      return 3;
  }
}

// "-12.340" with `scale` → unscaled -12340 (scale 3). False on syntax, precision or
// non-zero digits beyond the scale.
bool ParseDecimal(std::string_view s, int precision, int scale, __int128* out) {
  size_t pos = 0;
  bool neg = false;
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) neg = s[pos++] == '-';
  __int128 v = 0;
  int int_digits = 0, frac_digits = 0;
  bool any = false, seen_nonzero = false;
  for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
    any = true;
    if (s[pos] != '0') seen_nonzero = true;
    if (seen_nonzero) ++int_digits;
    if (int_digits > 38) return false;
    v = v * 10 + (s[pos] - '0');
  }
  int exp = 0;
  if (pos < s.size() && s[pos] == '.') {
    for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
      any = true;
      if (frac_digits < scale) {
        v = v * 10 + (s[pos] - '0');
        ++frac_digits;
      } else if (s[pos] != '0') {
        return false;  // would round
      }
    }
  }
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    bool eneg = pos < s.size() && s[pos] == '-';
    if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) ++pos;
    int64_t e = 0;
    bool edig = false;
    for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && e < 1000; ++pos) {
      e = e * 10 + (s[pos] - '0');
      edig = true;
    }
    if (!edig) return false;
    exp = static_cast<int>(eneg ? -e : e);
  }
  if (!any || pos != s.size()) return false;
  // v = digits × 10^-frac_digits × 10^exp; want × 10^scale.
  int shift = scale - frac_digits + exp;
  for (; shift > 0; --shift) {
    if (v > (static_cast<__int128>(1) << 125)) return false;
    v *= 10;
  }
  for (; shift < 0; ++shift) {
    if (v % 10 != 0) return false;
    v /= 10;
  }
  __int128 limit = 1;
  for (int k = 0; k < precision; ++k) limit *= 10;
  if (v >= limit) return false;
  *out = neg ? -v : v;
  return true;
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t k = 0; k < 36; ++k) {
    bool dash = k == 8 || k == 13 || k == 18 || k == 23;
    char c = s[k];
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> UuidBytes(std::string_view text) {
  if (!IsUuid(text)) return std::nullopt;
  std::string out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (size_t k = 0; k < text.size();) {
    if (text[k] == '-') {
      ++k;
      continue;
    }
    out.push_back(static_cast<char>(nibble(text[k]) << 4 | nibble(text[k + 1])));
    k += 2;
  }
  return out;
}

// Integers longer than 64 bits make simdjson's DOM refuse the whole document; they can only
// be decimals. Returns `json` with every such integer token quoted (so Decimal() reads its
// digits as text), or nullopt when there is none.
std::optional<std::string> QuoteBigIntegers(std::string_view json) {
  std::string out;
  bool changed = false;
  size_t k = 0;
  while (k < json.size()) {
    char c = json[k];
    if (c == '"') {  // copy a string, escapes included
      size_t end = k + 1;
      while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
      end = std::min(end + 1, json.size());
      out.append(json.substr(k, end - k));
      k = end;
      continue;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      size_t end = k + 1;
      while (end < json.size() && std::strchr("0123456789.eE+-", json[end]) != nullptr) ++end;
      std::string_view token = json.substr(k, end - k);
      size_t digits = token.size() - (token[0] == '-' ? 1 : 0);
      if (digits > 18 && token.find_first_of(".eE") == std::string_view::npos) {
        out += '"';
        out.append(token);
        out += '"';
        changed = true;
      } else {
        out.append(token);
      }
      k = end;
      continue;
    }
    out.push_back(c);
    ++k;
  }
  if (!changed) return std::nullopt;
  return out;
}

struct JsonValueReader::Impl {
  simdjson::dom::parser parser;
  bool reject_unknown = false;
  // The text being converted and the way from its root to the current element (a member
  // name, or an array index when `index` >= 0), so that a decimal given as a JSON number
  // is read from its digits (RawNumber) rather than from the double simdjson made of it.
  struct Step {
    std::string_view key;
    int64_t index = -1;
  };
  std::string_view source;
  std::vector<Step> steps;
  std::string quoted;  // the source with big integers quoted (QuoteBigIntegers)

  // The number's text as written, via simdjson's On-Demand parser and a JSON pointer.
  std::optional<std::string> RawNumber() const {
    std::string pointer;
    for (const Step& st : steps) {
      pointer += '/';
      if (st.index >= 0) {
        pointer += std::to_string(st.index);
        continue;
      }
      for (char c : st.key) {
        if (c == '~') {
          pointer += "~0";
        } else if (c == '/') {
          pointer += "~1";
        } else {
          pointer += c;
        }
      }
    }
    simdjson::ondemand::parser od;
    simdjson::padded_string padded(source);
    auto doc = od.iterate(padded);
    std::string_view raw;
    if (doc.at_pointer(pointer).raw_json_token().get(raw)) return std::nullopt;
    while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back())))
      raw.remove_suffix(1);
    return std::string(raw);
  }

  Status Convert(element e, const Schema& s, const std::string& path, Value* out) {
    if (e.is_null()) {
      if (s.optional || s.type == SchemaType::kNull) {
        *out = Value::Null();
        return Status::OK();
      }
      return InvalidArgument("{}: null for a required {}", Where(path), Describe(s));
    }
    auto mismatch = [&](std::string_view expected) {
      return InvalidArgument("{}: expected {} for {}, got {}", Where(path), expected, Describe(s),
                             Snippet(e));
    };
    switch (s.type) {
      case SchemaType::kNull:
        return mismatch("null");
      case SchemaType::kBoolean: {
        bool b;
        if (e.get(b)) return mismatch("true or false");
        *out = Value::Bool(b);
        return Status::OK();
      }
      case SchemaType::kInt:
      case SchemaType::kLong: {
        int64_t v;
        if (e.type() == element_type::STRING && s.logical != LogicalType::kNone) {
          std::string_view text = e;
          size_t pos = 0;
          bool ok = false;
          if (s.logical == LogicalType::kDate) {
            ok = ParseDate(text, &pos, &v) && pos == text.size();
          } else if (s.logical == LogicalType::kTimeMillis ||
                     s.logical == LogicalType::kTimeMicros) {
            ok = ParseTime(text, &pos, TimeDigits(s.logical), &v) && pos == text.size();
          } else {
            ok = ParseTimestamp(text, TimeDigits(s.logical), &v);
          }
          if (!ok) return mismatch("a number or an ISO 8601 text");
        } else if (e.get(v)) {
          double d;
          if (e.get(d) || std::trunc(d) != d || std::fabs(d) > 9.2e18)
            return mismatch("an integer");
          v = static_cast<int64_t>(d);
        }
        if (s.type == SchemaType::kInt && (v < INT32_MIN || v > INT32_MAX)) {
          return mismatch("a 32-bit integer");
        }
        *out = Value::Int(v);
        return Status::OK();
      }
      case SchemaType::kFloat:
      case SchemaType::kDouble: {
        double d;
        if (e.get(d)) return mismatch("a number");
        *out = Value::Double(d);
        return Status::OK();
      }
      case SchemaType::kString: {
        if (e.type() != element_type::STRING) {
          *out = Value::Bytes(simdjson::minify(e));
          return Status::OK();
        }
        std::string_view text = e;
        if (s.logical == LogicalType::kUuid && !IsUuid(text)) return mismatch("a UUID");
        *out = Value::Bytes(std::string(text));
        return Status::OK();
      }
      case SchemaType::kBytes:
      case SchemaType::kFixed: {
        if (s.logical == LogicalType::kDecimal) return Decimal(e, s, path, out);
        std::string_view text;
        if (e.get(text)) return mismatch("a base64 string");
        if (s.logical == LogicalType::kUuid && IsUuid(text)) {
          *out = Value::Bytes(std::string(text));
          return Status::OK();
        }
        auto bytes = Base64Decode(text);
        if (!bytes) return mismatch("a base64 string");
        if (s.type == SchemaType::kFixed && bytes->size() != static_cast<size_t>(s.fixed_size)) {
          return mismatch(fmt::format("base64 of exactly {} bytes", s.fixed_size));
        }
        *out = Value::Bytes(std::move(*bytes));
        return Status::OK();
      }
      case SchemaType::kEnum: {
        std::string_view text;
        if (e.get(text)) return mismatch("a symbol string");
        for (size_t k = 0; k < s.symbols.size(); ++k) {
          if (s.symbols[k] == text) {
            *out = Value::Int(static_cast<int64_t>(k));
            return Status::OK();
          }
        }
        return mismatch("one of the enum's symbols");
      }
      case SchemaType::kArray: {
        simdjson::dom::array arr;
        if (e.get(arr)) return mismatch("an array");
        out->kind = Value::Kind::kList;
        out->items.clear();
        out->items.resize(arr.size());
        size_t k = 0;
        for (element item : arr) {
          steps.push_back(Step{{}, static_cast<int64_t>(k)});
          RETURN_IF_ERROR(Convert(item, s.items(), fmt::format("{}[{}]", path, k), &out->items[k]));
          steps.pop_back();
          ++k;
        }
        return Status::OK();
      }
      case SchemaType::kMap: {
        simdjson::dom::object obj;
        if (e.get(obj)) return mismatch("an object");
        out->kind = Value::Kind::kMap;
        out->items.clear();
        out->keys.clear();
        for (auto [k, v] : obj) {
          out->keys.emplace_back(k);
          out->items.emplace_back();
          steps.push_back(Step{k});
          RETURN_IF_ERROR(Convert(v, s.values(), Join(path, k), &out->items.back()));
          steps.pop_back();
        }
        return Status::OK();
      }
      case SchemaType::kRecord: {
        simdjson::dom::object obj;
        if (e.get(obj)) return mismatch("an object");
        out->kind = Value::Kind::kList;
        out->items.clear();
        out->items.resize(s.fields.size());
        for (size_t k = 0; k < s.fields.size(); ++k) {
          const Field& f = s.fields[k];
          element member;
          std::string fpath = Join(path, f.name);
          if (obj[f.name].get(member)) {
            RETURN_IF_ERROR(Missing(f, fpath, &out->items[k]));
            continue;
          }
          steps.push_back(Step{f.name});
          RETURN_IF_ERROR(Convert(member, f.schema, fpath, &out->items[k]));
          steps.pop_back();
        }
        if (reject_unknown) {
          for (auto [k, v] : obj) {
            bool known = false;
            for (const Field& f : s.fields) known = known || f.name == k;
            if (!known) {
              return InvalidArgument(
                  "{}: field '{}' is not in the file's schema (the inferred schema is fixed "
                  "once the file's first block is written)",
                  Where(path), k);
            }
          }
        }
        return Status::OK();
      }
    }
    return Internal("{}: unknown schema type", Where(path));
  }

  Status Missing(const Field& f, const std::string& path, Value* out) {
    for (const auto& [k, v] : f.props) {
      if (k == "default") {
        element d;
        if (auto err = default_parser.parse(v).get(d); err) break;
        // The default is its own document.
        std::string_view saved_source = std::exchange(source, v);
        std::vector<Step> saved_steps = std::exchange(steps, {});
        Status st = Convert(d, f.schema, path, out);
        source = saved_source;
        steps = std::move(saved_steps);
        return st;
      }
    }
    if (f.schema.optional) {
      *out = Value::Null();
      return Status::OK();
    }
    return InvalidArgument("{}: required field is missing ({})", Where(path), Describe(f.schema));
  }

  Status Decimal(element e, const Schema& s, const std::string& path, Value* out) {
    __int128 v;
    std::string text;
    if (e.type() == element_type::STRING) {
      text = std::string(std::string_view(e));
    } else if (e.type() == element_type::INT64 || e.type() == element_type::UINT64) {
      text = simdjson::minify(e);
    } else if (e.type() == element_type::DOUBLE) {
      // Exactly as written: a double keeps only about 17 significant digits.
      auto raw = RawNumber();
      text = raw ? *raw : fmt::format("{}", double(e));
    } else {
      return InvalidArgument("{}: expected a number or a decimal string for {}, got {}",
                             Where(path), Describe(s), Snippet(e));
    }
    if (ParseDecimal(text, s.precision, s.scale, &v)) {
      *out = Value::Decimal(v);
      return Status::OK();
    }
    if (e.type() == element_type::STRING) {
      auto bytes = Base64Decode(text);
      if (bytes && !bytes->empty() && bytes->size() <= 16) {
        __int128 u = static_cast<signed char>((*bytes)[0]);
        for (size_t k = 1; k < bytes->size(); ++k) u = u * 256 + static_cast<uint8_t>((*bytes)[k]);
        *out = Value::Decimal(u);
        return Status::OK();
      }
    }
    return InvalidArgument(
        "{}: {} does not fit {} (digits beyond the scale or the precision are not rounded)",
        Where(path), Snippet(e), Describe(s));
  }

  static std::string Join(const std::string& path, std::string_view name) {
    return path.empty() ? std::string(name) : path + "." + std::string(name);
  }
  static std::string Where(const std::string& path) { return path.empty() ? "value" : path; }

  simdjson::dom::parser default_parser;
};

JsonValueReader::JsonValueReader(bool reject_unknown_fields) : impl_(std::make_unique<Impl>()) {
  impl_->reject_unknown = reject_unknown_fields;
}
JsonValueReader::~JsonValueReader() = default;

Status JsonValueReader::Read(std::string_view json, const Schema& schema, Value* out) {
  element doc;
  auto err = impl_->parser.parse(json.data(), json.size()).get(doc);
  if (err == simdjson::NUMBER_ERROR) {
    // An integer beyond 64 bits: quote it, so a decimal field reads its digits.
    if (auto quoted = QuoteBigIntegers(json)) {
      impl_->quoted = std::move(*quoted);
      json = impl_->quoted;
      err = impl_->parser.parse(json.data(), json.size()).get(doc);
    }
  }
  if (err) return InvalidArgument("value is not valid JSON ({})", simdjson::error_message(err));
  impl_->source = json;
  impl_->steps.clear();
  return impl_->Convert(doc, schema, "", out);
}

// --- inference ---

namespace {

// A node of the inferred type tree.
struct Inferred {
  enum class Kind {
    kUnknown,
    kBool,
    kLong,
    kDouble,
    kString,
    kRecord,
    kArray
  } kind = Kind::kUnknown;
  std::vector<std::string> names;  // kRecord, first-seen order
  std::map<std::string, Inferred> fields;
  std::vector<Inferred> element;  // kArray: one
};

void Merge(element e, Inferred* t) {
  using K = Inferred::Kind;
  K seen;
  switch (e.type()) {
    case element_type::NULL_VALUE:
      return;
    case element_type::BOOL:
      seen = K::kBool;
      break;
    case element_type::INT64:
    case element_type::UINT64:
      seen = K::kLong;
      break;
    case element_type::DOUBLE:
      seen = K::kDouble;
      break;
    case element_type::STRING:
      seen = K::kString;
      break;
    case element_type::OBJECT:
      seen = K::kRecord;
      break;
    case element_type::ARRAY:
      seen = K::kArray;
      break;
    default:
      return;
  }
  if (t->kind == K::kUnknown) {
    t->kind = seen;
  } else if (t->kind != seen) {
    if ((t->kind == K::kLong && seen == K::kDouble) ||
        (t->kind == K::kDouble && seen == K::kLong)) {
      t->kind = K::kDouble;
    } else {
      *t = Inferred{};
      t->kind = K::kString;  // any other conflict: keep the JSON text
    }
    return;
  }
  if (seen == K::kRecord) {
    for (auto [k, v] : simdjson::dom::object(e)) {
      std::string key(k);
      auto [it, added] = t->fields.try_emplace(key);
      if (added) t->names.push_back(key);
      Merge(v, &it->second);
    }
  } else if (seen == K::kArray) {
    if (t->element.empty()) t->element.emplace_back();
    for (element item : simdjson::dom::array(e)) Merge(item, &t->element[0]);
  }
}

Schema ToSchema(const Inferred& t, const std::string& name, bool top = false) {
  using K = Inferred::Kind;
  Schema s;
  switch (t.kind) {
    case K::kUnknown:
    case K::kString:
      s = Primitive(SchemaType::kString);
      break;
    case K::kBool:
      s = Primitive(SchemaType::kBoolean);
      break;
    case K::kLong:
      s = Primitive(SchemaType::kLong);
      break;
    case K::kDouble:
      s = Primitive(SchemaType::kDouble);
      break;
    case K::kArray:
      s = ArrayOf(t.element.empty() ? Optional(Primitive(SchemaType::kString))
                                    : ToSchema(t.element[0], name + "_element"));
      break;
    case K::kRecord: {
      if (t.names.empty() && !top) {  // {}: Parquet has no empty groups; keep the text
        s = Primitive(SchemaType::kString);
        break;
      }
      std::vector<Field> fields;
      for (const std::string& n : t.names) {
        fields.push_back(Field{n, ToSchema(t.fields.at(n), name + "_" + n), {}});
      }
      s = RecordOf(name, std::move(fields));
      break;
    }
  }
  s.optional = true;
  return s;
}

}  // namespace

struct SchemaInferrer::Impl {
  simdjson::dom::parser parser;
  Inferred root;
  bool any = false;
};

SchemaInferrer::SchemaInferrer() : impl_(std::make_unique<Impl>()) {
  impl_->root.kind = Inferred::Kind::kRecord;
}
SchemaInferrer::~SchemaInferrer() = default;

Status SchemaInferrer::Add(std::string_view json) {
  element doc;
  if (auto err = impl_->parser.parse(json.data(), json.size()).get(doc); err) {
    return InvalidArgument("value is not valid JSON ({})", simdjson::error_message(err));
  }
  if (doc.type() != element_type::OBJECT) {
    return InvalidArgument("schema.inference needs JSON objects as values, got {}", Snippet(doc));
  }
  Merge(doc, &impl_->root);
  impl_->any = true;
  return Status::OK();
}

Schema SchemaInferrer::Current(const std::string& record_name) const {
  Schema s = ToSchema(impl_->root, record_name, /*top=*/true);
  s.optional = false;  // the record itself is always present
  return s;
}

bool SchemaInferrer::empty() const { return !impl_->any; }

}  // namespace tributary
