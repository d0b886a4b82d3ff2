// Value: one datum of a Schema (schema.h), as the Avro and Parquet writers consume it.
//
// The kind follows the schema node it belongs to:
//
//   schema                           kind      payload
//   null, or an optional node unset  kNull     -
//   boolean                          kBool     b
//   int, long, and every logical     kInt      i (date: days; time-millis: ms; timestamps:
//     type on them                               ms or µs since the epoch; time-micros: µs)
//   float, double                    kDouble   d
//   string, bytes, fixed, uuid       kBytes    s (uuid: the 36-character text)
//   enum                             kInt      i (symbol index)
//   decimal                          kDecimal  dec (the unscaled value; precision <= 38)
//   record                           kList     items, one per field in schema order
//   array                            kList     items
//   map                              kMap      keys[i] → items[i]
//
// Values are built by json_value.h from JSON text, or by code directly.
//
// Thread safety: a value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tributary {

struct Value {
  enum class Kind : uint8_t { kNull, kBool, kInt, kDouble, kBytes, kDecimal, kList, kMap };

  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  __int128 dec = 0;
  std::string s;
  std::vector<std::string> keys;
  std::vector<Value> items;

  static Value Null() { return Value{}; }
  static Value Bool(bool v) {
    Value x;
    x.kind = Kind::kBool;
    x.b = v;
    return x;
  }
  static Value Int(int64_t v) {
    Value x;
    x.kind = Kind::kInt;
    x.i = v;
    return x;
  }
  static Value Double(double v) {
    Value x;
    x.kind = Kind::kDouble;
    x.d = v;
    return x;
  }
  static Value Bytes(std::string v) {
    Value x;
    x.kind = Kind::kBytes;
    x.s = std::move(v);
    return x;
  }
  static Value Decimal(__int128 unscaled) {
    Value x;
    x.kind = Kind::kDecimal;
    x.dec = unscaled;
    return x;
  }
  static Value List(std::vector<Value> items) {
    Value x;
    x.kind = Kind::kList;
    x.items = std::move(items);
    return x;
  }
};

}  // namespace tributary
