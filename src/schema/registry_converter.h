// RegistryConverter: one Schema Registry framed value (AvroConverter, ProtobufConverter,
// JsonSchemaConverter) → its writer schema and a Value of it (value.h).
//
// Framing (registry_client.h, ParseFramedValue): the record's `__value_schema_id` header
// when present (magic 1 + GUID [+ Protobuf message indexes], the value unprefixed), else
// the value's prefix: magic 0 + 4-byte id, or magic 1 + 16-byte GUID. Then, by the schema
// type the client was made for (RegistryOptions::type):
//
//   AVRO      the Avro binary datum of the writer schema (avro_decoder.h); the datum's
//             bytes are handed out so an Avro file of that schema can append them as they are
//   PROTOBUF  message indexes, then the message; the schema's FileDescriptorProto and its
//             references (imports) are fetched serialized and built with libprotobuf
//             (protobuf_schema.h)
//   JSON      UTF-8 JSON text of the JSON Schema (json_schema.h), read with JsonValueReader
//
// Schemas are fetched by the (shared, caching) client and parsed once per converter.
//
// Errors: everything that concerns the record — wrong magic byte, too few bytes, an
// unknown id or GUID, a schema of another type than the converter's, a schema that cannot
// become columns, a payload that does not decode — is kInvalidArgument (errors.tolerance /
// the DLQ apply; the caller names the record). An unreachable registry or a refused login
// keeps its code (kUnavailable is retriable; kPermissionDenied stops the task).
//
// Thread safety: a converter is used by one thread (the client may be shared).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "schema/json_value.h"
#include "schema/registry_client.h"
#include "schema/schema.h"
#include "schema/value.h"

namespace tributary {

class ProtobufSchema;

class RegistryConverter {
 public:
  explicit RegistryConverter(std::shared_ptr<SchemaRegistryClient> client);
  ~RegistryConverter();

  struct Decoded {
    std::shared_ptr<const Schema> schema;
    // Names the writer schema: "schema id 7", "schema guid …", plus " message [1,0]" for
    // Protobuf. Equal keys mean equal schemas.
    std::string schema_key;
    bool avro = false;
    std::string_view avro_datum;  // AVRO: the datum, a view into the value
  };

  // `header`: the value of the record's last `__value_schema_id` header, if any.
  Status Decode(std::string_view bytes, std::optional<std::string_view> header, Decoded* out,
                Value* value);

 private:
  struct Parsed;
  Result<std::shared_ptr<Parsed>> Lookup(const SchemaRef& ref);
  Status AddImports(const RegistrySchema& schema, std::map<std::string, std::string>* imports,
                    int depth);

  std::shared_ptr<SchemaRegistryClient> client_;
  std::map<std::string, std::shared_ptr<Parsed>> parsed_;
  JsonValueReader json_;
};

// The header that carries a value's schema GUID in the header form.
inline constexpr std::string_view kValueSchemaIdHeader = "__value_schema_id";

}  // namespace tributary
