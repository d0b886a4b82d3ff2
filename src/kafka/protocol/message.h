// A decoded Kafka message: a Struct whose values follow a StructDef from the table.
//
// Handlers read and write fields by their name in messages.def ("TopicData",
// "ErrorCode"). A name the definition lacks is a programming error: it aborts with the
// struct and field named, which the unit and e2e tests catch. Fields absent from the
// version being decoded hold their defaults, so handlers need not branch on versions
// for reading; the encoder drops fields the response version does not have.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/protocol/schema.h"

namespace tributary::kafka {

class Struct;

struct Value {
  int64_t i = 0;                  // integers, bool, float64 (bit pattern)
  bool null = false;              // strings, bytes, records, arrays
  std::string s;                  // string, bytes, records, uuid (16 bytes)
  std::vector<Struct> structs;    // kStructArray
  std::vector<int64_t> ints;      // kArray of integers
  std::vector<std::string> strs;  // kArray of string / uuid
};

// A tagged field the table does not know, kept so the message re-encodes unchanged.
struct RawTaggedField {
  uint32_t tag = 0;
  std::string bytes;
};

class Struct {
 public:
  Struct() = default;
  // Every field at its default.
  explicit Struct(const StructDef* def);

  const StructDef* def() const { return def_; }

  int64_t Int(std::string_view name) const { return At(name).i; }
  bool Bool(std::string_view name) const { return At(name).i != 0; }
  const std::string& Str(std::string_view name) const { return At(name).s; }
  bool IsNull(std::string_view name) const { return At(name).null; }
  const std::vector<Struct>& Array(std::string_view name) const { return At(name).structs; }
  const std::vector<int64_t>& Ints(std::string_view name) const { return At(name).ints; }
  const std::vector<std::string>& Strs(std::string_view name) const { return At(name).strs; }

  Struct& SetInt(std::string_view name, int64_t v);
  Struct& SetBool(std::string_view name, bool v) { return SetInt(name, v ? 1 : 0); }
  Struct& SetStr(std::string_view name, std::string v);
  Struct& SetNull(std::string_view name);
  std::vector<int64_t>& MutableInts(std::string_view name) { return At(name).ints; }
  std::vector<std::string>& MutableStrs(std::string_view name) { return At(name).strs; }
  // Appends an element (all defaults) to the struct array `name` and returns it.
  Struct& Append(std::string_view name);

  Value& At(std::string_view name);
  const Value& At(std::string_view name) const;

  std::vector<Value>& values() { return values_; }
  const std::vector<Value>& values() const { return values_; }
  std::vector<RawTaggedField>& unknown_tags() { return unknown_tags_; }
  const std::vector<RawTaggedField>& unknown_tags() const { return unknown_tags_; }

 private:
  int IndexOrDie(std::string_view name) const;

  const StructDef* def_ = nullptr;
  std::vector<Value> values_;
  std::vector<RawTaggedField> unknown_tags_;
};

}  // namespace tributary::kafka
