#include "sink/sink_config.h"

#include <algorithm>

#include "config/sink_keys.h"

namespace tributary {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.rbegin(), suffix.rend(), s.rbegin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

}  // namespace

Result<SinkConfig> SinkConfig::FromRaw(RawConfig raw) {
  ASSIGN_OR_RETURN(Config cfg, Config::Parse(SinkConfigTable(), std::move(raw)));
  SinkConfig c;
  c.name = cfg.GetString("name");
  if (c.name.empty()) return InvalidArgument("name: expected a non-empty connector name");
  c.topics = cfg.GetList("topics");
  if (c.topics.empty()) return InvalidArgument("topics: expected at least one topic name");
  c.bootstrap_servers = cfg.GetString("bootstrap.servers");
  if (cfg.GetList("bootstrap.servers").empty()) {
    return InvalidArgument("bootstrap.servers: expected a comma-separated list of host:port");
  }
  for (const auto& [k, v] : cfg.WithPrefix("consumer.")) {
    if (k.rfind("override.", 0) != 0) c.consumer_overrides[k] = v;
  }
  for (const auto& [k, v] : cfg.WithPrefix("consumer.override.")) c.consumer_overrides[k] = v;
  for (const char* owned : {"group.id", "enable.auto.commit", "enable.auto.offset.store"}) {
    if (c.consumer_overrides.count(owned)) {
      return InvalidArgument(
          "consumer.override.{}: Tributary sets this itself (the group is connect-<name>; "
          "offsets are committed only after objects are written); remove the key",
          owned);
    }
  }

  c.store.url = cfg.GetString("store.url");
  c.store.bucket = cfg.GetString("s3.bucket.name");
  if (c.store.bucket.empty()) return InvalidArgument("s3.bucket.name: expected a bucket name");
  c.store.region = cfg.GetString("s3.region");
  c.store.access_key_id = cfg.GetString("aws.access.key.id");
  c.store.secret_access_key = cfg.GetPassword("aws.secret.access.key");
  c.store.path_style = cfg.GetBool("s3.path.style.access.enabled");
  if (c.store.access_key_id.empty() != c.store.secret_access_key.empty()) {
    return InvalidArgument(
        "aws.access.key.id and aws.secret.access.key: set both or neither (neither uses the "
        "environment's credentials)");
  }

  c.topics_dir = cfg.GetString("topics.dir");
  c.flush_size = cfg.GetInt("flush.size");
  c.offset_pad_width = cfg.GetInt("filename.offset.zero.pad.width");

  const std::string converter = cfg.GetString("value.converter");
  if (EndsWith(converter, "StringConverter")) {
    c.value_encoding = ValueEncoding::kString;
  } else if (EndsWith(converter, "ByteArrayConverter")) {
    c.value_encoding = ValueEncoding::kBytes;
  } else {
    c.value_encoding = ValueEncoding::kJson;
  }
  std::string on_null = cfg.GetString("behavior.on.null.values");
  std::transform(on_null.begin(), on_null.end(), on_null.begin(), ::tolower);
  c.on_null = on_null == "ignore" ? NullValueBehavior::kIgnore : NullValueBehavior::kFail;

  c.unused_keys = cfg.UnknownKeys(SinkPassThroughPrefixes());
  return c;
}

}  // namespace tributary
