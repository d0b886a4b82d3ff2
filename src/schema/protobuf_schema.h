// Protobuf schemas from the Schema Registry (ProtobufConverter): the registry serves a
// schema as a serialized FileDescriptorProto (GET /schemas/ids/{id}?format=serialized),
// libprotobuf builds it into a DescriptorPool, and messages are read with DynamicMessage
// and turned into the schema model (schema.h) the way Confluent's ProtobufData maps them to
// Connect (shared/reference/formats-s3-iceberg.md §2.7):
//
//   message                      record (name: the message's name; namespace: its package and
//                                enclosing messages, so equal simple names stay distinct)
//   every field                  optional, as ProtobufData makes them; scalars without
//                                presence always have a value (proto3's zero when unset),
//                                fields with presence (`optional`, proto2) are null when unset
//   int32 sint32 sfixed32        int
//   uint32 fixed32               long (the unsigned value)
//   int64 sint64 sfixed64        long
//   uint64 fixed64               long (the 64 bits as they are: values >= 2^63 are negative)
//   float double bool            float double boolean
//   string bytes                 string bytes
//   enum                         string: the value's name (the number as text when unknown)
//   repeated T                   array of optional T
//   map<K, V>                    map of optional V; keys as text (Parquet/Avro map keys
//                                are strings here: 7 → "7", true → "true")
//   oneof o { ... }              a field named "o_<index>" (ProtobufData's name): an optional
//                                record io.confluent.connect.protobuf.Union.o whose fields
//                                are the members; only the set member is non-null
//   google.protobuf.Timestamp    timestamp-millis (Connect's Timestamp: sub-millisecond
//                                nanos are truncated, as ProtobufData does)
//   google.type.Date             date;   google.type.TimeOfDay: time-millis
//   google.protobuf.*Value       the wrapped primitive, optional (null when unset), as
//                                ProtobufData does with wrapper.for.nullables=true
//
// Imports: google/protobuf/*.proto come from libprotobuf, google/type/date.proto and
// google/type/timeofday.proto are built in (the registry knows them without references),
// anything else must be passed in `imports` (the schema's references, resolved by the
// caller). A recursive message cannot become columns and is an error naming it.
//
// Message indexes (wire format): after the schema id, a zig-zag varint count and that many
// zig-zag varints; count 0 (a single 0x00 byte) means [0], the first message of the file;
// [1, 0] is the first nested message of the second message.
//
// Thread safety: a ProtobufSchema is immutable after Parse; Message() and DecodeProtobuf
// may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "schema/schema.h"
#include "schema/value.h"

namespace tributary {

// Reads Confluent's message indexes from the front of `*in` and advances past them.
Result<std::vector<int>> ReadMessageIndexes(std::string_view* in);

class ProtobufMessageType;

class ProtobufSchema {
 public:
  ~ProtobufSchema();
  // `file`: the schema's serialized FileDescriptorProto. `imports`: import path →
  // serialized FileDescriptorProto of the files it depends on (any order).
  static Result<std::unique_ptr<ProtobufSchema>> Parse(
      std::string_view file, const std::map<std::string, std::string>& imports);

  // The message `indexes` name, with its schema (built on first use, then kept).
  Result<std::shared_ptr<const ProtobufMessageType>> Message(const std::vector<int>& indexes) const;

 private:
  ProtobufSchema();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class ProtobufMessageType {
 public:
  ~ProtobufMessageType();
  const Schema& schema() const { return schema_; }
  // The message's full name, e.g. "shop.Order".
  const std::string& name() const { return name_; }
  // Parses `bytes` as this message and converts it to a Value of schema().
  // InvalidArgument when the bytes are not such a message.
  Status Decode(std::string_view bytes, Value* out) const;

 private:
  friend class ProtobufSchema;
  ProtobufMessageType() = default;
  Schema schema_;
  std::string name_;
  const void* descriptor_ = nullptr;  // google::protobuf::Descriptor
  const void* prototype_ = nullptr;   // google::protobuf::Message
};

}  // namespace tributary
