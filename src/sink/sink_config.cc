#include "sink/sink_config.h"

#include <algorithm>

#include "common/strings.h"
#include "config/sink_keys.h"
#include "kafka/client/consumer.h"
#include "sink/object_naming.h"
#include "transform/kcql.h"

namespace tributary {

Result<std::shared_ptr<SchemaRegistryClient>> RegistryClientFromConfig(const Config& cfg,
                                                                       const std::string& prefix,
                                                                       RegistrySchemaType type,
                                                                       std::string_view what) {
  RegistryOptions registry;
  registry.type = type;
  auto urls = SplitList(cfg.GetString(prefix + ".schema.registry.url"));
  if (urls.empty()) {
    return InvalidArgument("{}.schema.registry.url: {} needs the Schema Registry URL", prefix,
                           what);
  }
  registry.url = urls[0];
  if (cfg.GetString(prefix + ".basic.auth.credentials.source") == "USER_INFO") {
    registry.credentials = cfg.GetPassword(prefix + ".basic.auth.user.info");
  }
  return std::make_shared<SchemaRegistryClient>(std::move(registry));
}

Result<SinkConfig> SinkConfig::FromRaw(RawConfig raw) {
  // Lenses KCQL (connect.s3.kcql) becomes the equivalent keys before anything reads them.
  std::vector<std::string> kcql_ignored;
  RETURN_IF_ERROR(ExpandKcql(&raw, &kcql_ignored));
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
  // Aiven's names for the format and the file size stand in for the required Confluent
  // keys (the format section below reads format.output.type itself).
  if (given("file.name.template") && !given("format.class") && !given("format.output.type")) {
    raw["format.output.type"] = "csv";  // Aiven's default format
  }
  if (given("format.output.type")) {
    if (given("format.class")) {
      cross.push_back(
          "format.class and format.output.type: two names for the output format (Confluent's "
          "and Aiven's); set one");
    } else {
      raw["format.class"] = std::string(kJsonFormatClass);
    }
  }
  if (given("file.max.records") && Trim(raw["file.max.records"]) != "0") {
    if (!given("flush.size")) {
      raw["flush.size"] = raw["file.max.records"];
    } else if (Trim(raw["flush.size"]) != Trim(raw["file.max.records"])) {
      cross.push_back(
          "flush.size and file.max.records: two names for the records per file (Confluent's "
          "and Aiven's) with different values; set one");
    }
  }
  // The transform chain validates its own prefixed keys (transforms.*, predicates.*).
  std::shared_ptr<const TransformChain> transforms;
  {
    auto options = TransformChainOptions::FromConfig(raw);
    auto chain = options.ok() ? TransformChain::Create(raw, *options)
                              : Result<std::unique_ptr<TransformChain>>(options.status());
    if (chain.ok()) {
      transforms = std::move(chain).value();
    } else {
      for (const auto& line : SplitList(chain.status().message(), '\n')) {
        if (line != "invalid transform configuration:") cross.push_back(line);
      }
    }
  }
  RawConfig effective = raw;  // after KCQL and Aiven's names became the connector's keys
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
  // Java consumer properties librdkafka has no equivalent of (max.poll.records, ...):
  // configs copied from Connect carry them, so they are dropped with a warning.
  std::vector<std::string> java_only;
  for (const std::string& k : UnknownClientProperties(c.consumer_overrides)) {
    java_only.push_back((cfg.IsSet("consumer.override." + k) ? "consumer.override." : "consumer.") +
                        k);
    c.consumer_overrides.erase(k);
  }
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
  if (!kWriterBindsEndOffset &&
      KeyNeedsEndOffset({.file_name_template = c.partitioner.file_name_template})) {
    return InvalidArgument(
        "file.name.template: {{{{end_offset}}}} is known only when a file closes, and this "
        "version's writer fixes a file's key when the file starts; remove it for now");
  }
  c.flush_size = cfg.GetInt("flush.size");
  c.offset_pad_width = cfg.GetInt("filename.offset.zero.pad.width");

  const std::string converter = cfg.GetString("value.converter");
  // Schema Registry converters: AvroConverter, ProtobufConverter, JsonSchemaConverter.
  const std::optional<RegistrySchemaType> registry_type = RegistryConverterType(converter);
  if (EndsWithIgnoreCase(converter, "StringConverter")) {
    c.value_encoding = ValueEncoding::kString;
  } else if (EndsWithIgnoreCase(converter, "ByteArrayConverter") ||
             registry_type) {  // registry framed: opaque here
    c.value_encoding = ValueEncoding::kBytes;
  } else {
    c.value_encoding = ValueEncoding::kJson;
  }
  c.format.value_encoding = c.value_encoding;
  c.format.json_schema_envelope =
      c.value_encoding != ValueEncoding::kJson                   ? JsonSchemaEnvelope::kNone
      : c.partitioner.schema_envelope == SchemaEnvelope::kAlways ? JsonSchemaEnvelope::kAlways
      : c.partitioner.schema_envelope == SchemaEnvelope::kDetect ? JsonSchemaEnvelope::kDetect
                                                                 : JsonSchemaEnvelope::kNone;
  // store.envelope (issue #11): envelope records, keys encoded by key.converter.
  c.format.envelope = cfg.GetBool("store.envelope");
  if (const std::string kc = cfg.GetString("key.converter"); !c.format.envelope) {
    // Other formats keep their key encoding.
  } else if (EndsWithIgnoreCase(kc, "ByteArrayConverter")) {
    c.format.key_encoding = ValueEncoding::kBytes;
  } else if (EndsWithIgnoreCase(kc, "JsonConverter")) {
    c.format.key_encoding = ValueEncoding::kJson;
  }
  // Aiven's dialect: format.output.type selects the format, format.output.* shape records.
  const std::string output_type = ToLower(cfg.GetString("format.output.type"));
  const bool aiven = !output_type.empty() || !cfg.GetString("file.name.template").empty();
  if (output_type == "parquet" || output_type == "avro") {
    return InvalidArgument(
        "format.output.type: {} is not available in this version; expected csv, json or jsonl",
        output_type);
  }
  const std::string format_class = cfg.GetString("format.class");
  if (!output_type.empty()) {
    ASSIGN_OR_RETURN(auto fields, ParseOutputFields(cfg.GetRawString("format.output.fields")));
    if (output_type == "csv") {
      c.format.kind = FormatKind::kCsv;
      c.format.csv_dialect = CsvDialect::kAiven;
      c.format.csv_fields = fields;
      ASSIGN_OR_RETURN(c.format.csv_value_encoding,
                       ParseFieldEncoding(cfg.GetString("format.output.fields.value.encoding")));
    } else {
      c.format.kind = output_type == "json" ? FormatKind::kJsonArray : FormatKind::kJson;
      c.format.json_fields = fields;
      c.format.json_fields_envelope = cfg.GetBool("format.output.envelope");
    }
  } else if (EndsWithIgnoreCase(format_class, "AvroFormat") ||
             EndsWithIgnoreCase(format_class, "ParquetFormat")) {
    // Avro and Parquet compress inside the file (avro.codec / parquet.codec).
    c.format.kind =
        EndsWithIgnoreCase(format_class, "AvroFormat") ? FormatKind::kAvro : FormatKind::kParquet;
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
    if (ToLower(cfg.GetString("s3.compression.type")) != "none") {
      return InvalidArgument(
          "s3.compression.type: {} compresses inside the file; set avro.codec or "
          "parquet.codec and leave s3.compression.type=none",
          format_class);
    }
  } else if (registry_type &&
             !(format_class.empty() || EndsWithIgnoreCase(format_class, "JsonFormat") ||
               ToLower(format_class) == "json")) {
    return InvalidArgument(
        "value.converter: {} values can be written by AvroFormat, ParquetFormat or JsonFormat, "
        "not {}",
        converter.substr(converter.rfind('.') + 1), format_class);
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
  if (registry_type) {  // Avro, Parquet, or JsonFormat writing the values' JSON
    const bool columnar =
        c.format.kind == FormatKind::kAvro || c.format.kind == FormatKind::kParquet;
    if (!columnar && (c.format.kind != FormatKind::kJson || c.format.envelope ||
                      !c.format.json_fields.empty())) {
      return InvalidArgument(
          "value.converter: {} values are written by AvroFormat, ParquetFormat, or JsonFormat as "
          "bare values (not with store.envelope or format.output.*)",
          converter.substr(converter.rfind('.') + 1));
    }
    // One client (one schema cache) for the writers and the transform chain.
    if (transforms && transforms->options().value.registry) {
      c.format.registry = transforms->options().value.registry;
    } else {
      ASSIGN_OR_RETURN(c.format.registry,
                       RegistryClientFromConfig(cfg, "value.converter", *registry_type,
                                                converter.substr(converter.rfind('.') + 1)));
    }
  }
  RETURN_IF_ERROR(MakeFormat(c.format).status());
  ASSIGN_OR_RETURN(c.codec, ParseCodec(cfg.GetString("s3.compression.type")));
  if (const std::string aiven_codec = cfg.GetString("file.compression.type");
      !aiven_codec.empty()) {
    // Aiven writes snappy as snappy-java's stream, under the same name.
    ASSIGN_OR_RETURN(Codec codec, ParseCodec(aiven_codec, "file.compression.type"));
    if (codec == Codec::kSnappy) codec = Codec::kSnappyJava;
    if (cfg.IsSet("s3.compression.type") && codec != c.codec &&
        !(codec == Codec::kSnappyJava && c.codec == Codec::kSnappy)) {
      return InvalidArgument(
          "s3.compression.type and file.compression.type: two names for the compression "
          "(Confluent's and Aiven's) with different values ({} and {}); set one",
          cfg.GetString("s3.compression.type"), aiven_codec);
    }
    c.codec = codec;
  } else if (aiven && !cfg.IsSet("s3.compression.type")) {
    c.codec = Codec::kGzip;  // Aiven's S3 sink compresses with gzip unless told otherwise
  }
  c.compression_level = cfg.GetInt("s3.compression.level");
  {
    // Validates the level against the codec now rather than at the first file.
    StringOutputStream scratch;
    RETURN_IF_ERROR(MakeCompressingStream(c.codec, c.compression_level, &scratch).status());
  }

  const std::string on_null = ToLower(cfg.GetString("behavior.on.null.values"));
  c.on_null = on_null == "ignore"  ? NullValueBehavior::kIgnore
              : on_null == "write" ? NullValueBehavior::kWrite
                                   : NullValueBehavior::kFail;
  ASSIGN_OR_RETURN(c.side_files, ParseSideFileOptions(cfg));
  if (c.on_null == NullValueBehavior::kWrite && !c.side_files.store_keys) {
    return InvalidArgument(
        "behavior.on.null.values=write stores each tombstone as its key under "
        "tombstone.encoded.partition, so it needs store.kafka.keys=true (as the connector "
        "does)");
  }
  if (!c.partitioner.file_name_template.empty() &&
      (c.side_files.any() || c.on_null == NullValueBehavior::kWrite)) {
    return InvalidArgument(
        "file.name.template: Aiven's naming has no key or header side files and no "
        "tombstone path; store.kafka.keys, store.kafka.headers and "
        "behavior.on.null.values=write need the Confluent layout (remove file.name.template)");
  }

  c.rotate_interval_ms = cfg.GetLong("rotate.interval.ms");
  c.rotate_schedule_interval_ms = cfg.GetLong("rotate.schedule.interval.ms");
  c.rotate_on_partition_change = cfg.GetBool("rotate.file.on.partition.change");
  c.flush_bytes = cfg.GetLong("flush.bytes");
  c.max_open_files = cfg.GetInt("partitioner.max.open.files");
  ASSIGN_OR_RETURN(c.schema_compatibility,
                   ParseSchemaCompatibility(cfg.GetString("schema.compatibility")));
  c.schema_max_open_versions = cfg.GetInt("schema.max.open.versions");
  c.buffer_memory_bytes = static_cast<uint64_t>(cfg.GetLong("buffer.memory.bytes"));
  c.spill_dir = cfg.GetString("buffer.spill.dir");
  c.spill_max_bytes = static_cast<uint64_t>(cfg.GetLong("buffer.spill.max.bytes"));
  c.diagnostic_log_interval_ms = cfg.GetLong("diagnostic.log.interval.ms");
  for (const char* key : {"rotate.interval.ms", "rotate.schedule.interval.ms", "flush.bytes"}) {
    if (cfg.GetLong(key) == 0) {
      return InvalidArgument("{}: expected a positive number of {}, or -1 to disable it", key,
                             std::string_view(key).ends_with(".ms") ? "milliseconds" : "bytes");
    }
  }
  if (c.max_open_files == 0) {
    return InvalidArgument("partitioner.max.open.files: expected at least 1, or -1 for no limit");
  }
  const std::string mode = ToLower(cfg.GetString("exactly.once.mode"));
  c.exactly_once = mode == "journal"         ? ExactlyOnceMode::kJournal
                   : mode == "deterministic" ? ExactlyOnceMode::kDeterministic
                                             : ExactlyOnceMode::kAuto;
  c.journal_prefix = cfg.GetString("journal.prefix");
  while (!c.journal_prefix.empty() && c.journal_prefix.back() == '/') c.journal_prefix.pop_back();
  if (c.journal_prefix.empty()) {
    return InvalidArgument("journal.prefix: expected a key prefix such as _tributary/journal");
  }
  if (!c.topics_dir.empty() &&
      (c.journal_prefix == c.topics_dir || c.journal_prefix.starts_with(c.topics_dir + "/"))) {
    return InvalidArgument(
        "journal.prefix={} is inside topics.dir={}: lake readers would see the journal; "
        "choose a prefix outside it",
        c.journal_prefix, c.topics_dir);
  }
  if (c.exactly_once == ExactlyOnceMode::kDeterministic) {
    RETURN_IF_ERROR(c.CheckDeterministicRotation());
  }

  c.tolerate_errors = ToLower(cfg.GetString("errors.tolerance")) == "all";
  c.dlq_topic = cfg.GetString("errors.deadletterqueue.topic.name");
  c.dlq_context_headers = cfg.GetBool("errors.deadletterqueue.context.headers.enable");
  c.log_errors = cfg.GetBool("errors.log.enable");
  c.log_error_messages = cfg.GetBool("errors.log.include.messages");
  c.report_nulls_to_dlq = cfg.GetBool("report.null.values.to.dlq");
  if (!c.dlq_topic.empty() && !c.tolerate_errors) {
    return InvalidArgument(
        "errors.deadletterqueue.topic.name is set but errors.tolerance=none: records are "
        "only sent to the dead-letter topic with errors.tolerance=all");
  }
  for (const auto& [k, v] : c.consumer_overrides) {
    if (k.starts_with("security.") || k.starts_with("sasl.") || k.starts_with("ssl.")) {
      c.producer_overrides[k] = v;
    }
  }
  for (const auto& [k, v] : cfg.WithPrefix("producer.override.")) c.producer_overrides[k] = v;

  c.unused_keys = cfg.UnknownKeys(SinkPassThroughPrefixes());
  for (auto& k : java_only) c.unused_keys.push_back(std::move(k));
  c.effective = std::move(effective);
  c.transforms = std::move(transforms);
  for (const auto& k : c.transforms->unused_keys()) c.unused_keys.push_back(k);
  for (const auto& k : kcql_ignored) c.unused_keys.push_back(k);
  return c;
}

Status SinkConfig::CheckDeterministicRotation() const {
  std::vector<std::string> why;
  if (rotate_schedule_interval_ms > 0) {
    why.push_back(
        "rotate.schedule.interval.ms closes files by the wall clock, so a replay after a "
        "crash cuts them elsewhere and duplicates records");
  }
  auto partitioner = MakePartitioner(this->partitioner);
  if (partitioner.ok()) {
    if (!(*partitioner)->deterministic()) {
      why.push_back(
          "the partitioner uses the wall clock (timestamp.extractor=Wallclock), so a replay "
          "writes records into other directories");
    }
    const TimestampExtractor* ex = (*partitioner)->timestamp_extractor();
    if (rotate_interval_ms > 0 && (ex == nullptr || !ex->deterministic())) {
      why.push_back(
          "rotate.interval.ms measured with the Wallclock extractor depends on when records "
          "are processed");
    }
  }
  if (why.empty()) return Status::OK();
  std::string msg =
      "exactly.once.mode=deterministic is exactly-once only when file boundaries depend on "
      "the data alone:";
  for (const auto& w : why) msg += "\n  " + w;
  msg += "\nuse exactly.once.mode=journal (the default on stores with conditional writes)";
  return InvalidArgument("{}", msg);
}

}  // namespace tributary
