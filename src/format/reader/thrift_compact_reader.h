// The decode side of Thrift's compact protocol (apache/thrift doc/specs/
// thrift-compact-protocol.md; format/parquet/thrift_compact.h is the encode side), for
// the Parquet footer and page headers. It decodes any struct into a generic tree, so the
// reader needs no IDL: callers look fields up by id and ignore the ones they do not know
// (which is how Thrift stays compatible as parquet.thrift grows).
//
// Bounded: nesting deeper than 64 levels, a list/map claiming more elements than bytes
// left, or input that ends early is an error (returned as false; the caller names the
// object and the part).
//
// Thread safety: free functions and values.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::reader {

struct ThriftValue {
  enum class Type : uint8_t { kBool, kInt, kDouble, kBinary, kList, kStruct };
  Type type = Type::kInt;
  int64_t i = 0;  // bool (0/1), byte, i16, i32, i64
  double d = 0;
  std::string_view binary;                              // a view into the decoded input
  std::vector<ThriftValue> list;                        // list, set; map: key, value, ...
  std::vector<std::pair<int16_t, ThriftValue>> fields;  // struct

  // The struct field `id`, or null.
  const ThriftValue* Field(int16_t id) const;
  // Convenience: the integer / binary of field `id`, or `fallback`.
  int64_t Int(int16_t id, int64_t fallback = 0) const;
  std::string_view Binary(int16_t id) const;
  bool Has(int16_t id) const { return Field(id) != nullptr; }
};

// Decodes one struct from the front of `*in` and advances `*in` past it.
bool ReadThriftStruct(std::string_view* in, ThriftValue* out);

}  // namespace tributary::reader
