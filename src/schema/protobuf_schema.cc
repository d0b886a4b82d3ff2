#include "schema/protobuf_schema.h"

#include <mutex>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>

#include "common/civil_time.h"

namespace tributary {

namespace pb = google::protobuf;

namespace {

// One zig-zag varint (Kafka's ByteUtils.readVarint).
Result<int64_t> ReadZigZag(std::string_view* in) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in->empty()) return InvalidArgument("message indexes end inside a varint");
    uint8_t b = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  return InvalidArgument("message indexes: a varint longer than 10 bytes");
}

pb::FileDescriptorProto BuiltinTypeFile(const std::string& name) {
  pb::FileDescriptorProto f;
  f.set_name(name);
  f.set_package("google.type");
  f.set_syntax("proto3");
  auto add = [](pb::DescriptorProto* m, const char* field, int number) {
    pb::FieldDescriptorProto* p = m->add_field();
    p->set_name(field);
    p->set_number(number);
    p->set_type(pb::FieldDescriptorProto::TYPE_INT32);
    p->set_label(pb::FieldDescriptorProto::LABEL_OPTIONAL);
  };
  pb::DescriptorProto* m = f.add_message_type();
  if (name == "google/type/date.proto") {
    m->set_name("Date");
    add(m, "year", 1);
    add(m, "month", 2);
    add(m, "day", 3);
  } else {
    m->set_name("TimeOfDay");
    add(m, "hours", 1);
    add(m, "minutes", 2);
    add(m, "seconds", 3);
    add(m, "nanos", 4);
  }
  return f;
}

class Collector : public pb::DescriptorPool::ErrorCollector {
 public:
  void AddError(const std::string& file, const std::string& element, const pb::Message*,
                ErrorLocation, const std::string& message) override {
    if (!text.empty()) text += "; ";
    text += file + ": " + element + ": " + message;
  }
  std::string text;
};

// ---- descriptor → schema (ProtobufData's toConnectSchema) ----

Result<Schema> MessageSchema(const pb::Descriptor* d, std::vector<const pb::Descriptor*>* stack);

Result<Schema> SingularSchema(const pb::FieldDescriptor* f,
                              std::vector<const pb::Descriptor*>* stack) {
  Schema s;
  switch (f->type()) {
    case pb::FieldDescriptor::TYPE_INT32:
    case pb::FieldDescriptor::TYPE_SINT32:
    case pb::FieldDescriptor::TYPE_SFIXED32:
      s = Primitive(SchemaType::kInt);
      break;
    case pb::FieldDescriptor::TYPE_UINT32:
    case pb::FieldDescriptor::TYPE_FIXED32:
    case pb::FieldDescriptor::TYPE_INT64:
    case pb::FieldDescriptor::TYPE_SINT64:
    case pb::FieldDescriptor::TYPE_SFIXED64:
    case pb::FieldDescriptor::TYPE_UINT64:
    case pb::FieldDescriptor::TYPE_FIXED64:
      s = Primitive(SchemaType::kLong);
      break;
    case pb::FieldDescriptor::TYPE_FLOAT:
      s = Primitive(SchemaType::kFloat);
      break;
    case pb::FieldDescriptor::TYPE_DOUBLE:
      s = Primitive(SchemaType::kDouble);
      break;
    case pb::FieldDescriptor::TYPE_BOOL:
      s = Primitive(SchemaType::kBoolean);
      break;
    case pb::FieldDescriptor::TYPE_STRING:
    case pb::FieldDescriptor::TYPE_ENUM:
      s = Primitive(SchemaType::kString);
      break;
    case pb::FieldDescriptor::TYPE_BYTES:
      s = Primitive(SchemaType::kBytes);
      break;
    case pb::FieldDescriptor::TYPE_MESSAGE:
    case pb::FieldDescriptor::TYPE_GROUP: {
      const std::string& n = f->message_type()->full_name();
      if (n == "google.protobuf.Timestamp") {
        s = Primitive(SchemaType::kLong, LogicalType::kTimestampMillis);
      } else if (n == "google.type.Date") {
        s = Primitive(SchemaType::kInt, LogicalType::kDate);
      } else if (n == "google.type.TimeOfDay") {
        s = Primitive(SchemaType::kInt, LogicalType::kTimeMillis);
      } else if (n == "google.protobuf.DoubleValue") {
        s = Primitive(SchemaType::kDouble);
      } else if (n == "google.protobuf.FloatValue") {
        s = Primitive(SchemaType::kFloat);
      } else if (n == "google.protobuf.Int64Value" || n == "google.protobuf.UInt64Value" ||
                 n == "google.protobuf.UInt32Value") {
        s = Primitive(SchemaType::kLong);
      } else if (n == "google.protobuf.Int32Value") {
        s = Primitive(SchemaType::kInt);
      } else if (n == "google.protobuf.BoolValue") {
        s = Primitive(SchemaType::kBoolean);
      } else if (n == "google.protobuf.StringValue") {
        s = Primitive(SchemaType::kString);
      } else if (n == "google.protobuf.BytesValue") {
        s = Primitive(SchemaType::kBytes);
      } else {
        ASSIGN_OR_RETURN(s, MessageSchema(f->message_type(), stack));
      }
      break;
    }
  }
  s.optional = true;
  return s;
}

Result<Schema> FieldSchema(const pb::FieldDescriptor* f,
                           std::vector<const pb::Descriptor*>* stack) {
  if (f->is_map()) {
    ASSIGN_OR_RETURN(Schema v, SingularSchema(f->message_type()->map_value(), stack));
    Schema m = MapOf(std::move(v));
    m.optional = true;
    return m;
  }
  ASSIGN_OR_RETURN(Schema s, SingularSchema(f, stack));
  if (!f->is_repeated()) return s;
  Schema a = ArrayOf(std::move(s));
  a.optional = true;
  return a;
}

std::string Scope(const pb::Descriptor* d) {
  const std::string& full = d->full_name();
  return full.size() > d->name().size() ? full.substr(0, full.size() - d->name().size() - 1) : "";
}

Result<Schema> MessageSchema(const pb::Descriptor* d, std::vector<const pb::Descriptor*>* stack) {
  for (const pb::Descriptor* on : *stack) {
    if (on == d) {
      return InvalidArgument(
          "message {} is recursive (it contains itself): a recursive message cannot be written as "
          "Parquet or Avro columns",
          d->full_name());
    }
  }
  stack->push_back(d);
  Schema r = RecordOf(d->name(), {});
  r.namespace_ = Scope(d);
  for (int i = 0; i < d->real_oneof_decl_count(); ++i) {
    const pb::OneofDescriptor* o = d->oneof_decl(i);
    Schema u = RecordOf(o->name(), {});
    u.namespace_ = "io.confluent.connect.protobuf.Union." + d->full_name();
    for (int j = 0; j < o->field_count(); ++j) {
      ASSIGN_OR_RETURN(Schema fs, FieldSchema(o->field(j), stack));
      u.fields.push_back(Field{o->field(j)->name(), std::move(fs), {}});
    }
    u.optional = true;
    r.fields.push_back(Field{o->name() + "_" + std::to_string(i), std::move(u), {}});
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->real_containing_oneof()) continue;
    ASSIGN_OR_RETURN(Schema fs, FieldSchema(f, stack));
    r.fields.push_back(Field{f->name(), std::move(fs), {}});
  }
  stack->pop_back();
  return r;
}

// ---- message → value ----

// Field `f` of `m` (element `index` of a repeated field, or -1) as a Value.
void Singular(const pb::Message& m, const pb::FieldDescriptor* f, int index, Value* out);

void MessageValue(const pb::Message& m, Value* out) {
  const pb::Descriptor* d = m.GetDescriptor();
  const pb::Reflection* r = m.GetReflection();
  const std::string& n = d->full_name();
  auto int_field = [&](const char* name) -> int64_t {
    const pb::FieldDescriptor* f = d->FindFieldByName(name);
    if (!f) return 0;
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_INT32:
        return r->GetInt32(m, f);
      case pb::FieldDescriptor::CPPTYPE_INT64:
        return r->GetInt64(m, f);
      default:
        return 0;
    }
  };
  if (n == "google.protobuf.Timestamp") {
    // Timestamps.toMillis: nanos are 0..999,999,999, so this floors.
    *out = Value::Int(int_field("seconds") * 1000 + int_field("nanos") / 1000000);
    return;
  }
  if (n == "google.type.Date") {
    *out = Value::Int(DaysFromCivil(int_field("year"), static_cast<int>(int_field("month")),
                                    static_cast<int>(int_field("day"))));
    return;
  }
  if (n == "google.type.TimeOfDay") {
    *out = Value::Int(
        ((int_field("hours") * 60 + int_field("minutes")) * 60 + int_field("seconds")) * 1000 +
        int_field("nanos") / 1000000);
    return;
  }
  if (n.rfind("google.protobuf.", 0) == 0 && n.size() > 5 &&
      n.compare(n.size() - 5, 5, "Value") == 0 && d->field_count() == 1 &&
      d->field(0)->name() == "value") {
    Singular(m, d->field(0), -1, out);
    return;
  }
  out->kind = Value::Kind::kList;
  out->items.clear();
  out->items.resize(static_cast<size_t>(d->real_oneof_decl_count()));
  for (int i = 0; i < d->real_oneof_decl_count(); ++i) {
    const pb::OneofDescriptor* o = d->oneof_decl(i);
    const pb::FieldDescriptor* set = r->GetOneofFieldDescriptor(m, o);
    Value& u = out->items[static_cast<size_t>(i)];
    if (!set) continue;  // null
    u.kind = Value::Kind::kList;
    u.items.resize(static_cast<size_t>(o->field_count()));
    for (int j = 0; j < o->field_count(); ++j) {
      if (o->field(j) == set) Singular(m, set, -1, &u.items[static_cast<size_t>(j)]);
    }
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->real_containing_oneof()) continue;
    out->items.emplace_back();
    Value& v = out->items.back();
    if (f->is_map()) {
      v.kind = Value::Kind::kMap;
      const pb::FieldDescriptor* kf = f->message_type()->map_key();
      const pb::FieldDescriptor* vf = f->message_type()->map_value();
      int n_entries = r->FieldSize(m, f);
      for (int k = 0; k < n_entries; ++k) {
        const pb::Message& e = r->GetRepeatedMessage(m, f, k);
        Value key;
        Singular(e, kf, -1, &key);
        v.keys.push_back(key.kind == Value::Kind::kBytes  ? key.s
                         : key.kind == Value::Kind::kBool ? (key.b ? "true" : "false")
                                                          : std::to_string(key.i));
        v.items.emplace_back();
        if (vf->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE &&
            !e.GetReflection()->HasField(e, vf)) {
          continue;  // null
        }
        Singular(e, vf, -1, &v.items.back());
      }
    } else if (f->is_repeated()) {
      v.kind = Value::Kind::kList;
      int n_items = r->FieldSize(m, f);
      v.items.resize(static_cast<size_t>(n_items));
      for (int k = 0; k < n_items; ++k) Singular(m, f, k, &v.items[static_cast<size_t>(k)]);
    } else if (!f->has_presence() || r->HasField(m, f)) {
      Singular(m, f, -1, &v);
    }
  }
}

void Singular(const pb::Message& m, const pb::FieldDescriptor* f, int index, Value* out) {
  const pb::Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
      *out = Value::Int(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
      return;
    case pb::FieldDescriptor::CPPTYPE_INT64:
      *out = Value::Int(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
      return;
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      *out = Value::Int(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
      return;
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      *out = Value::Int(
          static_cast<int64_t>(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f)));
      return;
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      *out = Value::Double(rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
      return;
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      *out = Value::Double(rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
      return;
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      *out = Value::Bool(rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f));
      return;
    case pb::FieldDescriptor::CPPTYPE_STRING:
      *out = Value::Bytes(rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f));
      return;
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      int number = rep ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f);
      const pb::EnumValueDescriptor* ev = f->enum_type()->FindValueByNumber(number);
      *out = Value::Bytes(ev ? ev->name() : std::to_string(number));
      return;
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      MessageValue(rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f), out);
      return;
  }
}

}  // namespace

Result<std::vector<int>> ReadMessageIndexes(std::string_view* in) {
  ASSIGN_OR_RETURN(int64_t count, ReadZigZag(in));
  if (count == 0) return std::vector<int>{0};
  if (count < 0 || count > 64) {
    return InvalidArgument("message indexes: a count of {} (expected 0..64)", count);
  }
  std::vector<int> out;
  for (int64_t k = 0; k < count; ++k) {
    ASSIGN_OR_RETURN(int64_t index, ReadZigZag(in));
    if (index < 0 || index > INT32_MAX) {
      return InvalidArgument("message indexes: index {} is negative or too large", index);
    }
    out.push_back(static_cast<int>(index));
  }
  return out;
}

struct ProtobufSchema::Impl {
  pb::DescriptorPool pool;
  pb::DynamicMessageFactory factory{&pool};
  const pb::FileDescriptor* file = nullptr;
  mutable std::mutex mu;
  mutable std::map<std::vector<int>, std::shared_ptr<const ProtobufMessageType>> types;

  // Builds `proto` after its imports.
  Status Build(const pb::FileDescriptorProto& proto,
               const std::map<std::string, std::string>& imports, int depth) {
    if (depth > 64) return InvalidArgument("imports of {} nest too deep", proto.name());
    for (const std::string& dep : proto.dependency()) {
      if (pool.FindFileByName(dep)) continue;
      pb::FileDescriptorProto dep_proto;
      auto it = imports.find(dep);
      if (it != imports.end()) {
        if (!dep_proto.ParseFromString(it->second)) {
          return InvalidArgument("import {} is not a serialized FileDescriptorProto", dep);
        }
      } else if (const pb::FileDescriptor* known =
                     pb::DescriptorPool::generated_pool()->FindFileByName(dep)) {
        known->CopyTo(&dep_proto);
      } else if (dep == "google/type/date.proto" || dep == "google/type/timeofday.proto") {
        dep_proto = BuiltinTypeFile(dep);
      } else {
        return InvalidArgument(
            "{} imports {}, which is neither a reference of the schema nor a well-known type",
            proto.name(), dep);
      }
      dep_proto.set_name(dep);
      RETURN_IF_ERROR(Build(dep_proto, imports, depth + 1));
    }
    Collector errors;
    const pb::FileDescriptor* built = pool.BuildFileCollectingErrors(proto, &errors);
    if (!built) return InvalidArgument("Protobuf schema {}: {}", proto.name(), errors.text);
    if (depth == 0) file = built;
    return Status::OK();
  }
};

ProtobufSchema::ProtobufSchema() : impl_(std::make_unique<Impl>()) {}
ProtobufSchema::~ProtobufSchema() = default;
ProtobufMessageType::~ProtobufMessageType() = default;

Result<std::unique_ptr<ProtobufSchema>> ProtobufSchema::Parse(
    std::string_view file, const std::map<std::string, std::string>& imports) {
  pb::FileDescriptorProto proto;
  if (!proto.ParseFromArray(file.data(), static_cast<int>(file.size()))) {
    return InvalidArgument("the Protobuf schema is not a serialized FileDescriptorProto");
  }
  if (proto.name().empty()) proto.set_name("schema.proto");
  std::unique_ptr<ProtobufSchema> schema(new ProtobufSchema());
  RETURN_IF_ERROR(schema->impl_->Build(proto, imports, 0));
  if (schema->impl_->file->message_type_count() == 0) {
    return InvalidArgument("the Protobuf schema {} defines no message", proto.name());
  }
  return schema;
}

Result<std::shared_ptr<const ProtobufMessageType>> ProtobufSchema::Message(
    const std::vector<int>& indexes) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->types.find(indexes);
  if (it != impl_->types.end()) return it->second;
  auto name_indexes = [&] {
    std::string out;
    for (int i : indexes) out += (out.empty() ? "" : ",") + std::to_string(i);
    return "[" + out + "]";
  };
  const pb::Descriptor* d = nullptr;
  for (size_t k = 0; k < indexes.size(); ++k) {
    int count = k == 0 ? impl_->file->message_type_count() : d->nested_type_count();
    if (indexes[k] >= count) {
      return InvalidArgument("message indexes {} name no message of the Protobuf schema {}",
                             name_indexes(), impl_->file->name());
    }
    d = k == 0 ? impl_->file->message_type(indexes[k]) : d->nested_type(indexes[k]);
  }
  if (!d) return InvalidArgument("empty message indexes");
  std::vector<const pb::Descriptor*> stack;
  ASSIGN_OR_RETURN(Schema schema, MessageSchema(d, &stack));
  schema.optional = false;
  std::shared_ptr<ProtobufMessageType> type(new ProtobufMessageType());
  type->schema_ = std::move(schema);
  type->name_ = d->full_name();
  type->descriptor_ = d;
  type->prototype_ = impl_->factory.GetPrototype(d);
  impl_->types.emplace(indexes, type);
  return std::shared_ptr<const ProtobufMessageType>(type);
}

Status ProtobufMessageType::Decode(std::string_view bytes, Value* out) const {
  const auto* prototype = static_cast<const pb::Message*>(prototype_);
  std::unique_ptr<pb::Message> m(prototype->New());
  if (!m->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return InvalidArgument("{} bytes are not a {} message (libprotobuf cannot parse them)",
                           bytes.size(), name_);
  }
  MessageValue(*m, out);
  return Status::OK();
}

}  // namespace tributary
