#include "sink/sink_config.h"

#include <algorithm>

#include "common/strings.h"
#include "config/sink_keys.h"

namespace tributary {

Result<SinkConfig> SinkConfig::FromRaw(RawConfig raw) {
  // Rules that span several keys join the per-key problems, so that every problem is
  // reported at once.
  std::vector<std::string> cross;
  auto given = [&](const char* key) {
    auto it = raw.find(key);
    return it != raw.end() && !Trim(it->second).empty();
  };
  if (given("topics") == given("topics.regex")) {
    cross.push_back(
        "topics and topics.regex: set exactly one (a list of topic names, or a regular "
        "expression that whole topic names match)");
  }
  auto parsed = Config::Parse(SinkConfigTable(), std::move(raw));
  if (!parsed.ok() || !cross.empty()) {
    std::string msg = parsed.ok() ? "invalid configuration:" : parsed.status().message();
    for (const auto& p : cross) msg += "\n  " + p;
    return InvalidArgument("{}", msg);
  }
  const Config& cfg = *parsed;
  SinkConfig c;
  c.name = cfg.GetString("name");
  if (c.name.empty()) return InvalidArgument("name: expected a non-empty connector name");
  c.topics = cfg.GetList("topics");
  c.topics_regex = cfg.GetString("topics.regex");
  if (!c.topics_regex.empty()) {
    // librdkafka treats a subscription that starts with '^' as a regular expression;
    // Connect matches whole names, hence the anchors.
    std::string anchored = c.topics_regex;
    if (anchored.front() != '^') anchored.insert(0, "^");
    if (anchored.back() != '$') anchored += '$';
    c.topics = {anchored};
  }
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

  c.store.wan_mode = cfg.GetBool("s3.wan.mode");
  c.store.proxy_url = cfg.GetString("s3.proxy.url");
  c.store.proxy_user = cfg.GetString("s3.proxy.user");
  c.store.proxy_password = cfg.GetPassword("s3.proxy.password");
  c.store.ca_bundle = cfg.GetString("s3.ssl.ca.bundle");
  c.store.verify_tls = cfg.GetBool("s3.ssl.verify");
  c.store.part_retries = cfg.GetInt("s3.part.retries");
  c.store.retry_backoff_ms = cfg.GetLong("s3.retry.backoff.ms");
  c.store.sse_algorithm = cfg.GetString("s3.ssea.name");
  c.store.sse_kms_key_id = cfg.GetString("s3.sse.kms.key.id");
  c.store.sse_customer_key = cfg.GetPassword("s3.sse.customer.key");
  c.store.canned_acl = cfg.GetString("s3.acl.canned");
  c.store.storage_class = cfg.GetString("s3.storage.class");
  c.store.send_digest = cfg.GetBool("s3.send.digest");
  c.store.checksum_algorithm = cfg.GetString("s3.checksum.algorithm");
  if (!c.store.sse_kms_key_id.empty() && c.store.sse_algorithm.rfind("aws:kms", 0) != 0) {
    return InvalidArgument(
        "s3.sse.kms.key.id is set but s3.ssea.name is '{}'; expected "
        "aws:kms or aws:kms:dsse",
        c.store.sse_algorithm);
  }
  if (!c.store.sse_customer_key.empty() && !c.store.sse_algorithm.empty() &&
      c.store.sse_algorithm != "AES256") {
    return InvalidArgument("s3.sse.customer.key (SSE-C) cannot be combined with s3.ssea.name={}",
                           c.store.sse_algorithm);
  }
  // Aiven's aws.sts.* names are aliases; the Confluent names win when both are set.
  auto either = [&](const char* primary, const char* alias) {
    std::string v = cfg.GetString(primary);
    return v.empty() ? cfg.GetString(alias) : v;
  };
  c.store.sts_role_arn = either("sts.role.arn", "aws.sts.role.arn");
  c.store.sts_session_name = either("sts.role.session.name", "aws.sts.role.session.name");
  c.store.sts_external_id = either("sts.role.external.id", "aws.sts.role.external.id");
  c.store.sts_region = cfg.GetString("sts.region");
  c.store.sts_endpoint = cfg.GetString("aws.sts.config.endpoint");
  c.store.fault = cfg.WithPrefix("fault.");
  c.part_size = static_cast<uint64_t>(cfg.GetInt("s3.part.size"));
  c.object_tagging = cfg.GetBool("s3.object.tagging");
  for (const auto& pair : SplitList(cfg.GetString("s3.object.tagging.key.value.pairs"))) {
    size_t colon = pair.find(':');
    if (colon == std::string::npos || colon == 0) {
      return InvalidArgument(
          "s3.object.tagging.key.value.pairs: expected key:value pairs "
          "separated by commas, got '{}'",
          pair);
    }
    c.extra_tags[std::string(Trim(pair.substr(0, colon)))] =
        std::string(Trim(pair.substr(colon + 1)));
  }
  // S3 allows 10 tags an object; startOffset, endOffset and recordCount take 3.
  constexpr size_t kMaxExtraTags = 7;
  if (c.extra_tags.size() > kMaxExtraTags) {
    return InvalidArgument(
        "s3.object.tagging.key.value.pairs: at most {} pairs (S3 allows 10 "
        "tags an object and Tributary sets 3), got {}",
        kMaxExtraTags, c.extra_tags.size());
  }

  c.topics_dir = cfg.GetString("topics.dir");
  c.directory_delim = cfg.GetRawString("directory.delim");
  c.file_delim = cfg.GetRawString("file.delim");
  if (c.directory_delim.empty() || c.file_delim.empty()) {
    return InvalidArgument("directory.delim and file.delim: expected non-empty separators");
  }
  ASSIGN_OR_RETURN(c.partitioner, ParsePartitionerOptions(cfg));
  RETURN_IF_ERROR(MakePartitioner(c.partitioner).status());
  c.flush_size = cfg.GetInt("flush.size");
  c.offset_pad_width = cfg.GetInt("filename.offset.zero.pad.width");

  const std::string converter = cfg.GetString("value.converter");
  if (EndsWithIgnoreCase(converter, "StringConverter")) {
    c.value_encoding = ValueEncoding::kString;
  } else if (EndsWithIgnoreCase(converter, "ByteArrayConverter") ||
             EndsWithIgnoreCase(converter, "AvroConverter")) {  // registry framed: opaque here
    c.value_encoding = ValueEncoding::kBytes;
  } else {
    c.value_encoding = ValueEncoding::kJson;
  }
  c.format.value_encoding = c.value_encoding;
  const std::string format_class = cfg.GetString("format.class");
  if (EndsWithIgnoreCase(format_class, "AvroFormat") ||
      EndsWithIgnoreCase(format_class, "ParquetFormat")) {
    // Avro and Parquet compress inside the file (avro.codec / parquet.codec).
    c.format.kind = EndsWithIgnoreCase(format_class, "AvroFormat") ? FormatKind::kAvro
                                                                  : FormatKind::kParquet;
    c.format.value_schema = cfg.GetString("value.schema");
    c.format.schema_inference = cfg.GetBool("schema.inference");
    c.format.avro_codec = cfg.GetString("avro.codec");
    c.format.avro_level = cfg.GetInt("avro.codec.level");
    c.format.avro_block_bytes = static_cast<uint64_t>(cfg.GetInt("avro.block.size"));
    c.format.parquet_codec = cfg.GetString("parquet.codec");
    c.format.parquet_block_bytes = static_cast<uint64_t>(cfg.GetLong("parquet.block.size"));
    c.format.parquet_page_bytes = static_cast<uint64_t>(cfg.GetInt("parquet.page.size"));
    c.format.parquet_dictionary_bytes =
        static_cast<uint64_t>(cfg.GetInt("parquet.dictionary.page.size"));
    if (EndsWithIgnoreCase(cfg.GetString("value.converter"), "AvroConverter")) {
      RegistryOptions registry;
      auto urls = SplitList(cfg.GetString("value.converter.schema.registry.url"));
      if (urls.empty()) {
        return InvalidArgument(
            "value.converter.schema.registry.url: AvroConverter needs the Schema Registry URL");
      }
      registry.url = urls[0];
      if (cfg.GetString("value.converter.basic.auth.credentials.source") == "USER_INFO") {
        registry.credentials = cfg.GetPassword("value.converter.basic.auth.user.info");
      }
      c.format.registry = std::make_shared<SchemaRegistryClient>(std::move(registry));
    }
    if (ToLower(cfg.GetString("s3.compression.type")) != "none") {
      return InvalidArgument(
          "s3.compression.type: {} compresses inside the file; set avro.codec or "
          "parquet.codec and leave s3.compression.type=none",
          format_class);
    }
  } else if (EndsWithIgnoreCase(cfg.GetString("value.converter"), "AvroConverter")) {
    return InvalidArgument(
        "value.converter: AvroConverter values can be written by AvroFormat or ParquetFormat, "
        "not {}",
        format_class);
  } else if (EndsWithIgnoreCase(format_class, "ByteArrayFormat")) {
    c.format.kind = FormatKind::kBytes;
    c.format.bytes_extension = cfg.GetString("format.bytearray.extension");
    // Untrimmed: "\r\n" in a .properties file is already CR LF, and must stay so.
    auto separator = UnescapeSeparator(cfg.GetRawString("format.bytearray.separator"));
    if (!separator.ok()) return separator.status();
    c.format.bytes_separator = *separator;
  } else {
    c.format.kind = FormatKind::kJson;
  }
  RETURN_IF_ERROR(MakeFormat(c.format).status());
  ASSIGN_OR_RETURN(c.codec, ParseCodec(cfg.GetString("s3.compression.type")));
  c.compression_level = cfg.GetInt("s3.compression.level");
  {
    // Validates the level against the codec now rather than at the first file.
    StringOutputStream scratch;
    RETURN_IF_ERROR(MakeCompressingStream(c.codec, c.compression_level, &scratch).status());
  }

  const std::string on_null = ToLower(cfg.GetString("behavior.on.null.values"));
  c.on_null = on_null == "ignore" ? NullValueBehavior::kIgnore : NullValueBehavior::kFail;

  c.unused_keys = cfg.UnknownKeys(SinkPassThroughPrefixes());
  return c;
}

}  // namespace tributary
