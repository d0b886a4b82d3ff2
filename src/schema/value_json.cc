#include "schema/value_json.h"

#include <cmath>

#include <fmt/format.h>

#include "common/base64.h"
#include "schema/avro_schema.h"

namespace tributary {

std::string DecimalText(__int128 unscaled, int scale) {
  const bool neg = unscaled < 0;
  unsigned __int128 u =
      neg ? -static_cast<unsigned __int128>(unscaled) : static_cast<unsigned __int128>(unscaled);
  // Digits from the right, with the point `scale` digits in and at least one digit before.
  char buf[96];
  int pos = sizeof(buf);
  int written = 0;
  while (u != 0 || written <= scale) {
    if (scale > 0 && written == scale) buf[--pos] = '.';
    buf[--pos] = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
    ++written;
  }
  if (neg) buf[--pos] = '-';
  return std::string(buf + pos, sizeof(buf) - static_cast<size_t>(pos));
}

void AppendValueJson(const Schema& s, const Value& v, std::string* out) {
  if (v.kind == Value::Kind::kNull) {
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
    case SchemaType::kDouble:
      if (std::isnan(v.d)) {
        out->append("\"NaN\"");
      } else if (std::isinf(v.d)) {
        out->append(v.d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
      } else if (s.type == SchemaType::kFloat) {
        fmt::format_to(std::back_inserter(*out), "{}", static_cast<float>(v.d));
      } else {
        fmt::format_to(std::back_inserter(*out), "{}", v.d);
      }
      return;
    case SchemaType::kString:
      AppendJsonQuoted(v.s, out);
      return;
    case SchemaType::kBytes:
    case SchemaType::kFixed:
      if (s.logical == LogicalType::kDecimal) {
        out->append(DecimalText(v.dec, s.scale));
      } else if (s.logical == LogicalType::kUuid) {
        AppendJsonQuoted(v.s, out);
      } else {
        out->push_back('"');
        AppendBase64(v.s, out);
        out->push_back('"');
      }
      return;
    case SchemaType::kEnum:
      AppendJsonQuoted(v.i >= 0 && static_cast<size_t>(v.i) < s.symbols.size()
                           ? s.symbols[static_cast<size_t>(v.i)]
                           : std::to_string(v.i),
                       out);
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
      for (size_t k = 0; k < v.items.size() && k < v.keys.size(); ++k) {
        if (k) out->push_back(',');
        AppendJsonQuoted(v.keys[k], out);
        out->push_back(':');
        AppendValueJson(s.values(), v.items[k], out);
      }
      out->push_back('}');
      return;
    case SchemaType::kRecord:
      out->push_back('{');
      for (size_t k = 0; k < s.fields.size() && k < v.items.size(); ++k) {
        if (k) out->push_back(',');
        AppendJsonQuoted(s.fields[k].name, out);
        out->push_back(':');
        AppendValueJson(s.fields[k].schema, v.items[k], out);
      }
      out->push_back('}');
      return;
  }
}

}  // namespace tributary
