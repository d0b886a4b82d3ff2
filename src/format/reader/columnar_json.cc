#include "format/reader/columnar_json.h"

#include <cmath>

#include <fmt/format.h>

#include "common/base64.h"
#include "common/json_writer.h"

namespace tributary::reader {

void AppendJsonDouble(double v, std::string* out) {
  if (!std::isfinite(v)) {
    out->append("null");
    return;
  }
  fmt::format_to(std::back_inserter(*out), "{}", v);  // shortest round-trip form
}

void AppendJsonFloat(float v, std::string* out) {
  if (!std::isfinite(v)) {
    out->append("null");
    return;
  }
  fmt::format_to(std::back_inserter(*out), "{}", v);
}

void AppendJsonDecimal(__int128 unscaled, int scale, std::string* out) {
  bool negative = unscaled < 0;
  // The magnitude as unsigned, so that the most negative 128-bit value works too.
  unsigned __int128 m =
      negative ? static_cast<unsigned __int128>(0) - static_cast<unsigned __int128>(unscaled)
               : static_cast<unsigned __int128>(unscaled);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  } while (m != 0);
  if (scale < 0) scale = 0;
  while (digits.size() <= static_cast<size_t>(scale)) digits.push_back('0');
  if (negative) out->push_back('-');
  for (size_t k = digits.size(); k-- > 0;) {
    out->push_back(digits[k]);
    if (k == static_cast<size_t>(scale) && scale > 0) out->push_back('.');
  }
}

void AppendJsonUuid(std::string_view b, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t k = 0; k < b.size(); ++k) {
    if (k == 4 || k == 6 || k == 8 || k == 10) out->push_back('-');
    auto c = static_cast<uint8_t>(b[k]);
    out->push_back(kHex[c >> 4]);
    out->push_back(kHex[c & 15]);
  }
  out->push_back('"');
}

void AppendJsonBase64(std::string_view bytes, std::string* out) {
  out->push_back('"');
  AppendBase64(bytes, out);
  out->push_back('"');
}

__int128 BigEndianSigned(std::string_view b) {
  if (b.empty()) return 0;
  __int128 v = static_cast<signed char>(b[0]);
  for (size_t k = 1; k < b.size(); ++k) v = v * 256 + static_cast<uint8_t>(b[k]);
  return v;
}

void AppendValueJson(const Schema& s, const Value& v, std::string* out) {
  if (v.kind == Value::Kind::kNull || s.type == SchemaType::kNull) {
    out->append("null");
    return;
  }
  switch (s.type) {
    case SchemaType::kNull:
      out->append("null");
      return;
    case SchemaType::kBoolean:
      out->append(v.b ? "true" : "false");
      return;
    case SchemaType::kInt:
    case SchemaType::kLong:
      fmt::format_to(std::back_inserter(*out), "{}", v.i);
      return;
    case SchemaType::kFloat:
      AppendJsonFloat(static_cast<float>(v.d), out);
      return;
    case SchemaType::kDouble:
      AppendJsonDouble(v.d, out);
      return;
    case SchemaType::kString:
      AppendJsonString(out, v.s);
      return;
    case SchemaType::kBytes:
    case SchemaType::kFixed:
      if (v.kind == Value::Kind::kDecimal) {
        AppendJsonDecimal(v.dec, s.scale, out);
      } else if (s.logical == LogicalType::kUuid && v.s.size() == 16) {
        AppendJsonUuid(v.s, out);
      } else {
        AppendJsonBase64(v.s, out);
      }
      return;
    case SchemaType::kEnum:
      if (v.i >= 0 && static_cast<size_t>(v.i) < s.symbols.size()) {
        AppendJsonString(out, s.symbols[static_cast<size_t>(v.i)]);
      } else {
        out->append("null");  // the decoder rejects such indices; never reached
      }
      return;
    case SchemaType::kRecord:
      out->push_back('{');
      for (size_t k = 0; k < s.fields.size(); ++k) {
        if (k) out->push_back(',');
        AppendJsonString(out, s.fields[k].name);
        out->push_back(':');
        if (k < v.items.size()) {
          AppendValueJson(s.fields[k].schema, v.items[k], out);
        } else {
          out->append("null");
        }
      }
      out->push_back('}');
      return;
    case SchemaType::kArray:
      out->push_back('[');
      for (size_t k = 0; k < v.items.size(); ++k) {
        if (k) out->push_back(',');
        AppendValueJson(s.items(), v.items[k], out);
      }
      out->push_back(']');
      return;
    case SchemaType::kMap:
      out->push_back('{');
      for (size_t k = 0; k < v.items.size(); ++k) {
        if (k) out->push_back(',');
        AppendJsonString(out, k < v.keys.size() ? std::string_view(v.keys[k]) : std::string_view());
        out->push_back(':');
        AppendValueJson(s.values(), v.items[k], out);
      }
      out->push_back('}');
      return;
  }
}

}  // namespace tributary::reader
