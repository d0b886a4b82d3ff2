// SchemaRegistryClient: fetches writer schemas from a Confluent Schema Registry by id, and
// parses the registry's wire format (shared/reference/formats-s3-iceberg.md §2.7, §2.8).
//
// Wire format (classic prefix form):  0x00 | schema id (int32 big-endian) | Avro datum.
// The newer GUID form (magic 1, or the __value_schema_id header) and Protobuf / JSON
// Schema payloads are not supported yet: they are reported as errors.
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
#include <string>
#include <string_view>

#include "common/status.h"
#include "schema/schema.h"

namespace tributary {

struct RegistryOptions {
  std::string url;          // schema.registry.url (the first of a comma-separated list)
  std::string credentials;  // "user:password" when basic auth is used; empty: none
  int timeout_ms = 30000;
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

  // HTTP requests made so far (for tests of the cache).
  int requests() const;
  const std::string& url() const { return options_.url; }

 private:
  Result<std::string> Get(const std::string& path);

  RegistryOptions options_;
  mutable std::mutex mu_;
  std::map<int32_t, std::shared_ptr<const Schema>> cache_;  // guarded by mu_
  int requests_ = 0;                                         // guarded by mu_
};

}  // namespace tributary
