// The Kafka message table: API definitions as data (docs/broker-protocol.md).
//
// messages.def describes every API the broker serves: its key, the versions served, the
// first flexible version and the fields of request and response, each with a type and
// the versions in which it exists, may be null or is tagged. MessageTable parses that
// text once; the codec (codec.h) encodes and decodes any message from it.
//
// Thread safety: a MessageTable is immutable after Parse; share it freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tributary::kafka {

enum class FieldType {
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUint16,
  kFloat64,
  kUuid,
  kString,
  kBytes,
  kRecords,      // nullable bytes holding record batches; kept as raw bytes
  kArray,        // array of a primitive (`element`)
  kStructArray,  // array of structs (`fields`)
};

std::string_view FieldTypeName(FieldType type);

// Inclusive version range; empty when min > max.
struct VersionRange {
  int min = 0;
  int max = 0x7fff;
  bool Contains(int v) const { return v >= min && v <= max; }
  bool Empty() const { return min > max; }
  static VersionRange None() { return {1, 0}; }
};

struct StructDef;

struct FieldDef {
  std::string name;
  FieldType type = FieldType::kInt32;
  FieldType element = FieldType::kInt32;  // kArray only
  VersionRange versions;
  VersionRange nullable = VersionRange::None();
  int tag = -1;  // >= 0: a tagged field
  // The value in versions without the field, and the one a tagged field is omitted for.
  int64_t default_int = 0;
  std::string default_str;
  bool default_null = false;
  std::shared_ptr<const StructDef> fields;  // kStructArray only
};

struct StructDef {
  std::string name;  // "Produce request", "Produce request TopicData" (for errors)
  std::vector<FieldDef> fields;
  // Index of `name` in `fields`, -1 when absent.
  int FieldIndex(std::string_view name) const;
};

struct ApiDef {
  std::string name;
  int16_t key = 0;
  VersionRange versions;
  int flexible_min = 0x7fff;
  std::shared_ptr<const StructDef> request;
  std::shared_ptr<const StructDef> response;
  bool IsFlexible(int version) const { return version >= flexible_min; }
};

class MessageTable {
 public:
  // Parses the definition format; errors name the line.
  static Result<MessageTable> Parse(std::string_view text);
  // The table built from messages.def, compiled into the binary. Aborts if it does not
  // parse (a build defect, caught by the unit tests).
  static const MessageTable& Builtin();

  // nullptr when the key is not served.
  const ApiDef* Find(int key) const;
  const std::vector<ApiDef>& apis() const { return apis_; }

 private:
  std::vector<ApiDef> apis_;  // ascending by key
};

}  // namespace tributary::kafka
