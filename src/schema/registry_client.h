// SchemaRegistryClient: fetches writer schemas from a Confluent Schema Registry by id, and
// parses the registry's wire format (shared/reference/formats-s3-iceberg.md §2.7, §2.8).
//
// Wire format (classic prefix form):  0x00 | schema id (int32 big-endian) | payload.
// The newer GUID form: 0x01 | 16-byte GUID | payload, or the same bytes in a record header
// `__value_schema_id` with the payload unprefixed (ParseFramedValue). Protobuf payloads
// start with message indexes (protobuf_schema.h). Which payloads a converter accepts, and
// how they are decoded, is registry_converter.h.
//
// Lookups: GET {url}/schemas/ids/{id} with Accept: application/vnd.schemaregistry.v1+json
// and, when basic.auth.credentials.source=USER_INFO, HTTP basic auth from
// basic.auth.user.info ("user:password", never logged or put in an error). A schema is
// fetched once per id and cached for the life of the client (ids are immutable).
// Errors: kNotFound for an unknown id (HTTP 404), kPermissionDenied for 401/403,
// kUnavailable for connection failures and 5xx (retriable), kInvalidArgument for a schema
// that is not Avro or does not parse. Messages name the URL without credentials.
//
// Thread safety: all methods may be called from any thread (the cache has a mutex; a
// lookup of an uncached id performs a blocking HTTP request on the caller's thread).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "schema/schema.h"

namespace tributary {

// The schema type a converter reads (the registry's schemaType).
enum class RegistrySchemaType { kAvro, kProtobuf, kJson };
std::string_view RegistrySchemaTypeName(RegistrySchemaType t);  // "AVRO", "PROTOBUF", "JSON"
// The schema type of a Schema Registry converter class (`AvroConverter`,
// `io.confluent.connect.protobuf.ProtobufConverter`, `JsonSchemaConverter`); nullopt for
// any other converter.
std::optional<RegistrySchemaType> RegistryConverterType(std::string_view converter_class);

struct RegistryOptions {
  std::string url;          // schema.registry.url (the first of a comma-separated list)
  std::string credentials;  // "user:password" when basic auth is used; empty: none
  int timeout_ms = 30000;
  // What the values are: AvroConverter, ProtobufConverter, JsonSchemaConverter.
  RegistrySchemaType type = RegistrySchemaType::kAvro;
};

// How a value names its schema: an id (magic 0) or a GUID (magic 1).
struct SchemaRef {
  int32_t id = -1;
  std::string guid;  // "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lower case) when set
  // "schema id 7" / "schema guid 0c2f...": for messages and as a cache key.
  std::string Describe() const;
};

// A value's framing, prefix or header form.
struct FramedValue {
  SchemaRef ref;
  // The bytes after the id or GUID: in the prefix form the payload (for Protobuf, message
  // indexes and then the message); in the header form the rest of the header (Protobuf
  // message indexes, else empty), and `payload` is the whole value.
  std::string_view after_ref;
  std::string_view payload;
  bool from_header = false;
};

// `header`: the value of the record's last `__value_schema_id` header (nullopt: none). The
// header wins over the payload prefix (as Confluent's DualSchemaIdDeserializer does).
// InvalidArgument naming what was found otherwise (an unknown magic byte, too few bytes).
Result<FramedValue> ParseFramedValue(std::string_view value,
                                     std::optional<std::string_view> header = std::nullopt);

// A schema as the registry returned it.
struct RegistrySchema {
  struct Reference {
    std::string name;  // the import / $ref name
    std::string subject;
    int version = 0;
  };
  RegistrySchemaType type = RegistrySchemaType::kAvro;
  std::string text;  // Avro / JSON Schema text; Protobuf: the base64 FileDescriptorProto
  std::vector<Reference> references;
};

struct WireHeader {
  int32_t schema_id = 0;
  std::string_view payload;  // the datum after the 5-byte prefix
};

// Splits a Confluent-framed value. InvalidArgument naming what was found otherwise (an
// unknown magic byte, a value shorter than 5 bytes).
Result<WireHeader> ParseWireFormat(std::string_view value);

class SchemaRegistryClient {
 public:
  explicit SchemaRegistryClient(RegistryOptions options);

  // The Avro schema registered under `id`.
  Result<std::shared_ptr<const Schema>> AvroSchemaById(int32_t id);

  // The schema a value names, fetched once and cached: GET /schemas/ids/{id} or
  // /schemas/guids/{guid}; a Protobuf schema is fetched again with ?format=serialized.
  // kNotFound for an unknown id or GUID.
  Result<std::shared_ptr<const RegistrySchema>> SchemaByRef(const SchemaRef& ref);
  // A reference's schema: GET /subjects/{subject}/versions/{version} (serialized when it is
  // Protobuf), cached.
  Result<std::shared_ptr<const RegistrySchema>> SchemaByReference(
      const RegistrySchema::Reference& ref);

  RegistrySchemaType type() const { return options_.type; }

  // HTTP requests made so far (for tests of the cache).
  int requests() const;
  const std::string& url() const { return options_.url; }

 private:
  Result<std::string> Get(const std::string& path);
  // GET `path` → RegistrySchema; `what` names it in errors.
  Result<std::shared_ptr<const RegistrySchema>> Fetch(const std::string& path,
                                                      const std::string& what);

  RegistryOptions options_;
  mutable std::mutex mu_;
  std::map<int32_t, std::shared_ptr<const Schema>> cache_;                  // guarded by mu_
  int requests_ = 0;                                                        // guarded by mu_
  std::map<std::string, std::shared_ptr<const RegistrySchema>> raw_cache_;  // guarded by mu_
};

}  // namespace tributary
