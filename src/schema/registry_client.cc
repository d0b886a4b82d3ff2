#include "schema/registry_client.h"

#include <cctype>

#include <curl/curl.h>
#include <simdjson.h>

#include "common/strings.h"
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
    return InvalidArgument(
        "{} bytes: too short for the Schema Registry wire format (5-byte prefix)", value.size());
  }
  WireHeader h;
  uint32_t id = 0;
  for (int k = 1; k <= 4; ++k) id = id << 8 | static_cast<uint8_t>(value[k]);
  h.schema_id = static_cast<int32_t>(id);
  h.payload = value.substr(5);
  return h;
}

std::optional<RegistrySchemaType> RegistryConverterType(std::string_view converter_class) {
  if (EndsWithIgnoreCase(converter_class, "AvroConverter")) return RegistrySchemaType::kAvro;
  if (EndsWithIgnoreCase(converter_class, "ProtobufConverter")) {
    return RegistrySchemaType::kProtobuf;
  }
  if (EndsWithIgnoreCase(converter_class, "JsonSchemaConverter")) return RegistrySchemaType::kJson;
  return std::nullopt;
}

std::string_view RegistrySchemaTypeName(RegistrySchemaType t) {
  switch (t) {
    case RegistrySchemaType::kAvro:
      return "AVRO";
    case RegistrySchemaType::kProtobuf:
      return "PROTOBUF";
    case RegistrySchemaType::kJson:
      return "JSON";
  }
  return "?";
}

std::string SchemaRef::Describe() const {
  return guid.empty() ? fmt::format("schema id {}", id) : fmt::format("schema guid {}", guid);
}

namespace {

// Magic 0 + 4-byte id or magic 1 + 16-byte GUID at the start of `bytes`; the rest after it.
Result<std::string_view> ReadRef(std::string_view bytes, std::string_view where, SchemaRef* ref) {
  if (bytes.empty())
    return InvalidArgument("empty {}: not in the Schema Registry wire format", where);
  const uint8_t magic = static_cast<uint8_t>(bytes[0]);
  if (magic == 0) {
    if (bytes.size() < 5) {
      return InvalidArgument("{} of {} bytes: too short for magic byte 0 and a 4-byte schema id",
                             where, bytes.size());
    }
    uint32_t id = 0;
    for (int k = 1; k <= 4; ++k) id = id << 8 | static_cast<uint8_t>(bytes[k]);
    ref->id = static_cast<int32_t>(id);
    return bytes.substr(5);
  }
  if (magic == 1) {
    if (bytes.size() < 17) {
      return InvalidArgument("{} of {} bytes: too short for magic byte 1 and a 16-byte schema GUID",
                             where, bytes.size());
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string guid;
    for (int k = 1; k <= 16; ++k) {
      if (k == 5 || k == 7 || k == 9 || k == 11) guid.push_back('-');
      guid.push_back(kHex[static_cast<uint8_t>(bytes[k]) >> 4]);
      guid.push_back(kHex[static_cast<uint8_t>(bytes[k]) & 15]);
    }
    ref->guid = std::move(guid);
    return bytes.substr(17);
  }
  return InvalidArgument(
      "{}: unknown magic byte 0x{:02x}: not in the Schema Registry wire format (0x00 and a "
      "4-byte schema id, or 0x01 and a 16-byte schema GUID)",
      where, magic);
}

}  // namespace

Result<FramedValue> ParseFramedValue(std::string_view value,
                                     std::optional<std::string_view> header) {
  FramedValue f;
  if (header) {
    ASSIGN_OR_RETURN(f.after_ref, ReadRef(*header, "header __value_schema_id", &f.ref));
    f.payload = value;
    f.from_header = true;
    return f;
  }
  ASSIGN_OR_RETURN(f.payload, ReadRef(value, "value", &f.ref));
  f.after_ref = f.payload;
  return f;
}

SchemaRegistryClient::SchemaRegistryClient(RegistryOptions options) : options_(std::move(options)) {
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
  curl_slist* headers =
      curl_slist_append(nullptr, "Accept: application/vnd.schemaregistry.v1+json");
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
    return InvalidArgument("schema id {} is a {} schema; only Avro schemas are supported", id,
                           type);
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

namespace {

Result<RegistrySchemaType> ParseType(std::string_view type) {
  if (type == "AVRO") return RegistrySchemaType::kAvro;
  if (type == "PROTOBUF") return RegistrySchemaType::kProtobuf;
  if (type == "JSON") return RegistrySchemaType::kJson;
  return InvalidArgument("unknown schemaType '{}'", type);
}

}  // namespace

Result<std::shared_ptr<const RegistrySchema>> SchemaRegistryClient::Fetch(const std::string& path,
                                                                          const std::string& what) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = raw_cache_.find(path);
    if (it != raw_cache_.end()) return it->second;
  }
  auto parse = [&](const std::string& p) -> Result<RegistrySchema> {
    auto body = Get(p);
    if (!body.ok()) {
      if (body.status().code() == StatusCode::kNotFound) {
        return NotFound("{} is not in the schema registry at {}", what, options_.url);
      }
      return body.status();
    }
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string_view text, type = "AVRO";
    if (parser.parse(*body).get(doc) || doc["schema"].get(text)) {
      return InvalidArgument("schema registry {}: {}: unexpected response {}", options_.url, what,
                             body->substr(0, 200));
    }
    if (doc["schemaType"].get(type)) type = "AVRO";
    RegistrySchema out;
    auto t = ParseType(type);
    if (!t.ok()) return InvalidArgument("{}: {}", what, t.status().message());
    out.type = *t;
    out.text = std::string(text);
    simdjson::dom::array refs;
    if (!doc["references"].get(refs)) {
      for (simdjson::dom::element r : refs) {
        RegistrySchema::Reference ref;
        std::string_view name, subject;
        int64_t version = 0;
        if (r["name"].get(name) || r["subject"].get(subject) || r["version"].get(version)) {
          return InvalidArgument("{}: a reference without name, subject and version", what);
        }
        ref.name = std::string(name);
        ref.subject = std::string(subject);
        ref.version = static_cast<int>(version);
        out.references.push_back(std::move(ref));
      }
    }
    return out;
  };
  ASSIGN_OR_RETURN(RegistrySchema schema, parse(path));
  if (schema.type == RegistrySchemaType::kProtobuf) {
    // The .proto text is of no use here: ask for the FileDescriptorProto.
    ASSIGN_OR_RETURN(schema, parse(path + (path.find('?') == std::string::npos ? "?" : "&") +
                                   "format=serialized"));
  }
  auto shared = std::make_shared<const RegistrySchema>(std::move(schema));
  std::lock_guard<std::mutex> lock(mu_);
  raw_cache_.emplace(path, shared);
  return shared;
}

Result<std::shared_ptr<const RegistrySchema>> SchemaRegistryClient::SchemaByRef(
    const SchemaRef& ref) {
  std::string path =
      ref.guid.empty() ? "/schemas/ids/" + std::to_string(ref.id) : "/schemas/guids/" + ref.guid;
  return Fetch(path, ref.Describe());
}

namespace {

std::string UrlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
        c == '~') {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", static_cast<uint8_t>(c));
    }
  }
  return out;
}

}  // namespace

Result<std::shared_ptr<const RegistrySchema>> SchemaRegistryClient::SchemaByReference(
    const RegistrySchema::Reference& ref) {
  return Fetch(
      "/subjects/" + UrlEscape(ref.subject) + "/versions/" + std::to_string(ref.version),
      fmt::format("reference '{}' (subject {} version {})", ref.name, ref.subject, ref.version));
}

}  // namespace tributary
