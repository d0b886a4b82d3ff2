#include "schema/registry_client.h"

#include <curl/curl.h>
#include <simdjson.h>

#include "schema/avro_schema.h"

namespace tributary {

Result<WireHeader> ParseWireFormat(std::string_view value) {
  if (value.empty()) return InvalidArgument("empty value: not in the Schema Registry wire format");
  if (value[0] == 1) {
    return InvalidArgument(
        "magic byte 1 (a schema GUID): only the classic form (magic 0 and a 4-byte schema id) is "
        "supported");
  }
  if (value[0] != 0) {
    return InvalidArgument(
        "unknown magic byte 0x{:02x}: not in the Schema Registry wire format (0x00 and a "
        "4-byte schema id)",
        static_cast<uint8_t>(value[0]));
  }
  if (value.size() < 5) {
    return InvalidArgument("{} bytes: too short for the Schema Registry wire format (5-byte prefix)",
                           value.size());
  }
  WireHeader h;
  uint32_t id = 0;
  for (int k = 1; k <= 4; ++k) id = id << 8 | static_cast<uint8_t>(value[k]);
  h.schema_id = static_cast<int32_t>(id);
  h.payload = value.substr(5);
  return h;
}

SchemaRegistryClient::SchemaRegistryClient(RegistryOptions options)
    : options_(std::move(options)) {
  while (!options_.url.empty() && options_.url.back() == '/') {
    options_.url.pop_back();
  }
}

int SchemaRegistryClient::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

namespace {

size_t Collect(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

}  // namespace

Result<std::string> SchemaRegistryClient::Get(const std::string& path) {
  std::string url = options_.url + path;
  CURL* curl = curl_easy_init();
  if (!curl) return Internal("curl_easy_init failed");
  std::string body;
  curl_slist* headers = curl_slist_append(nullptr, "Accept: application/vnd.schemaregistry.v1+json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (!options_.credentials.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl, CURLOPT_USERPWD, options_.credentials.c_str());
  }
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++requests_;
  }
  if (rc != CURLE_OK) {
    return Unavailable("schema registry {}: {}", url, curl_easy_strerror(rc));
  }
  if (status == 404) return NotFound("schema registry {}: not found (HTTP 404): {}", url, body);
  if (status == 401 || status == 403) {
    return PermissionDenied(
        "schema registry {}: HTTP {}: check value.converter.basic.auth.user.info", url, status);
  }
  if (status >= 500) return Unavailable("schema registry {}: HTTP {}: {}", url, status, body);
  if (status != 200) return InvalidArgument("schema registry {}: HTTP {}: {}", url, status, body);
  return body;
}

Result<std::shared_ptr<const Schema>> SchemaRegistryClient::AvroSchemaById(int32_t id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(id);
    if (it != cache_.end()) return it->second;
  }
  auto body = Get("/schemas/ids/" + std::to_string(id));
  if (!body.ok()) {
    if (body.status().code() == StatusCode::kNotFound) {
      return NotFound("schema id {} is not in the schema registry at {}", id, options_.url);
    }
    return body.status();
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view schema_text, type = "AVRO";
  if (parser.parse(*body).get(doc) || doc["schema"].get(schema_text)) {
    return InvalidArgument("schema registry {}: schema id {}: unexpected response {}", options_.url,
                           id, body->substr(0, 200));
  }
  if (doc["schemaType"].get(type)) type = "AVRO";
  if (type != "AVRO") {
    return InvalidArgument("schema id {} is a {} schema; only Avro schemas are supported", id, type);
  }
  auto schema = ParseAvroSchema(schema_text);
  if (!schema.ok()) {
    return InvalidArgument("schema id {}: {}", id, schema.status().message());
  }
  auto shared = std::make_shared<const Schema>(std::move(*schema));
  std::lock_guard<std::mutex> lock(mu_);
  cache_.emplace(id, shared);
  return shared;
}

}  // namespace tributary
