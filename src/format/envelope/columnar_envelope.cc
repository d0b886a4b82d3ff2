#include "format/envelope/columnar_envelope.h"

namespace tributary {
namespace {

constexpr const char* kNamespace = "io.tributary";

Schema Named(Schema s) {
  s.namespace_ = kNamespace;
  return s;
}

}  // namespace

Schema ColumnarEnvelopeSchema(const Schema& value) {
  Schema header =
      Named(RecordOf("TributaryHeader", {{"name", Primitive(SchemaType::kString)},
                                         {"value", Optional(Primitive(SchemaType::kBytes))}}));
  Schema metadata = Named(RecordOf(
      "TributaryMetadata",
      {{"topic", Primitive(SchemaType::kString)},
       {"partition", Primitive(SchemaType::kInt)},
       {"offset", Primitive(SchemaType::kLong)},
       {"timestamp", Optional(Primitive(SchemaType::kLong, LogicalType::kTimestampMillis))}}));
  Schema value_schema = value;
  value_schema.optional = false;
  return Named(RecordOf("TributaryEnvelope", {{"key", Optional(Primitive(SchemaType::kBytes))},
                                              {"value", std::move(value_schema)},
                                              {"headers", ArrayOf(std::move(header))},
                                              {"metadata", std::move(metadata)}}));
}

bool IsColumnarEnvelope(const Schema& s) {
  if (s.type != SchemaType::kRecord || s.FullName() != kColumnarEnvelopeName) return false;
  static constexpr const char* kFields[] = {"key", "value", "headers", "metadata"};
  if (s.fields.size() != 4) return false;
  for (size_t i = 0; i < 4; ++i) {
    if (s.fields[i].name != kFields[i]) return false;
  }
  return s.fields[2].schema.type == SchemaType::kArray &&
         s.fields[3].schema.type == SchemaType::kRecord;
}

void MakeEnvelopeValue(const Record& record, Value* value, Value* out) {
  out->kind = Value::Kind::kList;
  out->items.resize(4);
  Value& key = out->items[0];
  key = record.key ? Value::Bytes(std::string(*record.key)) : Value::Null();
  out->items[1] = std::move(*value);
  Value& headers = out->items[2];
  headers.kind = Value::Kind::kList;
  headers.items.clear();
  for (const RecordHeader& h : record.headers) {
    headers.items.push_back(
        Value::List({Value::Bytes(std::string(h.name)),
                     h.value ? Value::Bytes(std::string(*h.value)) : Value::Null()}));
  }
  out->items[3] =
      Value::List({Value::Bytes(std::string(record.topic)), Value::Int(record.partition.value()),
                   Value::Int(record.offset.value()),
                   record.timestamp_ms < 0 ? Value::Null() : Value::Int(record.timestamp_ms)});
}

void TakeEnvelopeValue(Value* envelope, Value* value) {
  if (envelope->items.size() > 1) *value = std::move(envelope->items[1]);
}

}  // namespace tributary
