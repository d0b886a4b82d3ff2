#include "schema/registry_converter.h"

#include "common/base64.h"
#include "schema/avro_decoder.h"
#include "schema/avro_schema.h"
#include "schema/json_schema.h"
#include "schema/protobuf_schema.h"

namespace tributary {

struct RegistryConverter::Parsed {
  std::shared_ptr<const Schema> schema;  // AVRO and JSON
  std::unique_ptr<ProtobufSchema> proto;
  std::map<std::vector<int>, std::shared_ptr<const Schema>> messages;  // PROTOBUF, by indexes
};

RegistryConverter::RegistryConverter(std::shared_ptr<SchemaRegistryClient> client)
    : client_(std::move(client)) {}
RegistryConverter::~RegistryConverter() = default;

namespace {

// An unknown id is the record's fault; an unreachable registry is not.
Status RecordFault(const Status& st) {
  if (st.code() == StatusCode::kNotFound) return Status(StatusCode::kInvalidArgument, st.message());
  return st;
}

}  // namespace

Status RegistryConverter::AddImports(const RegistrySchema& schema,
                                     std::map<std::string, std::string>* imports, int depth) {
  if (depth > 16) return InvalidArgument("schema references nest deeper than 16");
  for (const RegistrySchema::Reference& ref : schema.references) {
    if (imports->count(ref.name)) continue;
    auto dep = client_->SchemaByReference(ref);
    if (!dep.ok()) return RecordFault(dep.status());
    if ((*dep)->type != RegistrySchemaType::kProtobuf) {
      return InvalidArgument("reference '{}' is a {} schema, not PROTOBUF", ref.name,
                             RegistrySchemaTypeName((*dep)->type));
    }
    auto bytes = Base64Decode((*dep)->text);
    if (!bytes) return InvalidArgument("reference '{}': the schema is not base64", ref.name);
    (*imports)[ref.name] = std::move(*bytes);
    RETURN_IF_ERROR(AddImports(**dep, imports, depth + 1));
  }
  return Status::OK();
}

Result<std::shared_ptr<RegistryConverter::Parsed>> RegistryConverter::Lookup(const SchemaRef& ref) {
  const std::string key = ref.Describe();
  if (auto it = parsed_.find(key); it != parsed_.end()) return it->second;
  auto raw = client_->SchemaByRef(ref);
  if (!raw.ok()) return RecordFault(raw.status());
  const RegistrySchema& rs = **raw;
  if (rs.type != client_->type()) {
    return InvalidArgument("{} is a {} schema; this converter reads {} schemas", key,
                           RegistrySchemaTypeName(rs.type),
                           RegistrySchemaTypeName(client_->type()));
  }
  auto parsed = std::make_shared<Parsed>();
  switch (rs.type) {
    case RegistrySchemaType::kAvro: {
      auto s = ParseAvroSchema(rs.text);
      if (!s.ok()) return InvalidArgument("{}: {}", key, s.status().message());
      parsed->schema = std::make_shared<const Schema>(std::move(*s));
      break;
    }
    case RegistrySchemaType::kJson: {
      auto s = ParseJsonSchema(rs.text);
      if (!s.ok()) return InvalidArgument("{}: {}", key, s.status().message());
      parsed->schema = std::make_shared<const Schema>(std::move(*s));
      break;
    }
    case RegistrySchemaType::kProtobuf: {
      auto file = Base64Decode(rs.text);
      if (!file) {
        return InvalidArgument(
            "{}: the Protobuf schema is not base64 (the registry must answer ?format=serialized)",
            key);
      }
      std::map<std::string, std::string> imports;
      Status st = AddImports(rs, &imports, 0);
      if (!st.ok()) return Status(st.code(), fmt::format("{}: {}", key, st.message()));
      auto proto = ProtobufSchema::Parse(*file, imports);
      if (!proto.ok()) return InvalidArgument("{}: {}", key, proto.status().message());
      parsed->proto = std::move(*proto);
      break;
    }
  }
  parsed_.emplace(key, parsed);
  return parsed;
}

Status RegistryConverter::Decode(std::string_view value, std::optional<std::string_view> header,
                                 Decoded* out, Value* v) {
  ASSIGN_OR_RETURN(FramedValue f, ParseFramedValue(value, header));
  ASSIGN_OR_RETURN(std::shared_ptr<Parsed> parsed, Lookup(f.ref));
  out->schema_key = f.ref.Describe();
  out->avro = false;
  out->avro_datum = {};
  switch (client_->type()) {
    case RegistrySchemaType::kAvro: {
      std::string_view datum = f.payload;
      Status st = DecodeAvro(*parsed->schema, &datum, v);
      if (st.ok() && !datum.empty()) {
        st = InvalidArgument("{} bytes left after the Avro datum of {}", datum.size(),
                             out->schema_key);
      }
      RETURN_IF_ERROR(st);
      out->schema = parsed->schema;
      out->avro = true;
      out->avro_datum = f.payload;
      return Status::OK();
    }
    case RegistrySchemaType::kJson: {
      Status st = json_.Read(f.payload, *parsed->schema, v);
      if (!st.ok()) return InvalidArgument("JSON payload of {}: {}", out->schema_key, st.message());
      out->schema = parsed->schema;
      return Status::OK();
    }
    case RegistrySchemaType::kProtobuf: {
      std::string_view indexes = f.after_ref;
      auto path = ReadMessageIndexes(&indexes);
      if (!path.ok()) return InvalidArgument("{}: {}", out->schema_key, path.status().message());
      std::string_view message = f.from_header ? f.payload : indexes;
      if (f.from_header && !indexes.empty()) {
        return InvalidArgument("{} bytes after the message indexes in header {}", indexes.size(),
                               kValueSchemaIdHeader);
      }
      auto type = parsed->proto->Message(*path);
      if (!type.ok()) return InvalidArgument("{}: {}", out->schema_key, type.status().message());
      std::string which;
      for (int i : *path) which += (which.empty() ? "" : ",") + std::to_string(i);
      out->schema_key += " message [" + which + "]";
      Status st = (*type)->Decode(message, v);
      if (!st.ok()) return InvalidArgument("{}: {}", out->schema_key, st.message());
      auto it = parsed->messages.find(*path);
      if (it == parsed->messages.end()) {
        it = parsed->messages.emplace(*path, std::make_shared<const Schema>((*type)->schema()))
                 .first;
      }
      out->schema = it->second;
      return Status::OK();
    }
  }
  return Internal("unknown registry schema type");
}

}  // namespace tributary
