#include "config/sink_keys.h"

namespace tributary {

std::vector<ConfigKey> CoreSinkKeys() {
  return {
      // --- Connector ---
      {.name = "name",
       .type = ConfigType::kString,
       .default_value = std::nullopt,
       .group = "Connector",
       .doc = "Connector name. The Kafka consumer group is `connect-<name>`, as Kafka Connect "
              "names it, so Tributary can take over a Confluent connector's group.",
       .expected = "a non-empty name"},
      {.name = "topics",
       .type = ConfigType::kList,
       .default_value = "",
       .group = "Connector",
       .doc = "Topics to consume. Set this or `topics.regex`.",
       .expected = "a comma-separated list of topic names"},
      {.name = "topics.regex",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Connector",
       .doc = "Consume every topic whose whole name matches this regular expression; topics "
              "created later are picked up at the next metadata refresh "
              "(`consumer.override.topic.metadata.refresh.interval.ms`, 5 minutes by "
              "default). Set this or `topics`."},
      {.name = "connector.class",
       .type = ConfigType::kString,
       .default_value = "io.confluent.connect.s3.S3SinkConnector",
       .group = "Connector",
       .doc = "Accepted for compatibility with Connect configs; Tributary is the sink.",
       .allowed = {"io.confluent.connect.s3.S3SinkConnector", "S3SinkConnector"}},
      {.name = "tasks.max",
       .type = ConfigType::kInt,
       .default_value = "1",
       .group = "Connector",
       .doc = "Accepted for compatibility. One Tributary process is one consumer; scale out by "
              "running more processes with the same `name` (they share the consumer group).",
       .min = 1},
      {.name = "format.bytearray.extension",
       .type = ConfigType::kString,
       .default_value = ".bin",
       .group = "Connector",
       .doc = "Extension of ByteArrayFormat objects (before any compression extension)."},
      {.name = "format.bytearray.separator",
       .type = ConfigType::kString,
       .default_value = "\\n",
       .group = "Connector",
       .doc = "Written after every ByteArrayFormat value. Java escapes are decoded "
              "(`\\n`, `\\r\\n`, `\\t`, `\\u0000`); empty writes values back to back."},
      {.name = "s3.compression.type",
       .type = ConfigType::kString,
       .default_value = "none",
       .group = "Connector",
       .doc = "Compression of row-format objects, streamed as records are written. `gzip` "
              "(`.gz`, as Confluent's connector) plus `zstd` (`.zst`), `snappy` (framing "
              "format, `.snappy`) and `lz4` (frame format, `.lz4`).",
       .allowed = {"none", "gzip", "zstd", "snappy", "lz4"}},
      {.name = "s3.compression.level",
       .type = ConfigType::kInt,
       .default_value = "-1",
       .group = "Connector",
       .doc = "Compression level; -1 is the codec's default. gzip 0..9, zstd 1..22, lz4 0..12.",
       .min = -1,
       .max = 22},
      {.name = "flush.size",
       .type = ConfigType::kInt,
       .default_value = std::nullopt,
       .group = "Connector",
       .doc = "Records per object, per topic-partition. An object is written once it holds "
              "this many records.",
       .min = 1},
      {.name = "topics.dir",
       .type = ConfigType::kString,
       .default_value = "topics",
       .group = "Connector",
       .doc = "Top-level prefix of data objects. Blank omits the prefix."},
      {.name = "directory.delim",
       .type = ConfigType::kString,
       .default_value = "/",
       .group = "Connector",
       .doc = "Separator of the directory parts of object keys."},
      {.name = "file.delim",
       .type = ConfigType::kString,
       .default_value = "+",
       .group = "Connector",
       .doc = "Separator of topic, partition and start offset in object names."},
      {.name = "filename.offset.zero.pad.width",
       .type = ConfigType::kInt,
       .default_value = "10",
       .group = "Connector",
       .doc = "Zero padding of the start offset in object names.",
       .min = 0,
       .max = 64},
      {.name = "behavior.on.null.values",
       .type = ConfigType::kString,
       .default_value = "fail",
       .group = "Connector",
       .doc = "What to do with a record whose value is null (a tombstone): `fail` stops the "
              "sink naming the record; `ignore` skips it; `write` writes its key (and "
              "headers) into side files under `tombstone.encoded.partition`, with no data "
              "file there, and needs `store.kafka.keys=true` (docs/errors.md).",
       .allowed = {"fail", "ignore", "write"}},
      {.name = "value.converter",
       .type = ConfigType::kString,
       .default_value = "org.apache.kafka.connect.json.JsonConverter",
       .group = "Connector",
       .doc = "How record values are read. `JsonConverter`: values are JSON and are written "
              "as they are (compacted to one line); a value that is not JSON stops the sink "
              "naming the record; with `value.converter.schemas.enable=true` each value is a "
              "`{\"schema\", \"payload\"}` envelope and JsonFormat writes its payload, as the "
              "connector does (when that key is not set, values that are exactly such an "
              "envelope are unwrapped). `StringConverter`: each value is written as a JSON string. "
              "`ByteArrayConverter`: each value is written as a base64 JSON string. "
              "`AvroConverter`, `ProtobufConverter`, `JsonSchemaConverter` (AvroFormat, "
              "ParquetFormat, and JsonFormat with bare values): Schema Registry framed Avro, "
              "Protobuf or JSON Schema values, see `value.converter.schema.registry.url` and "
              "docs/formats-columnar.md.",
       .allowed = {"org.apache.kafka.connect.json.JsonConverter", "JsonConverter",
                   "org.apache.kafka.connect.storage.StringConverter", "StringConverter",
                   "org.apache.kafka.connect.converters.ByteArrayConverter", "ByteArrayConverter",
                   "io.confluent.connect.avro.AvroConverter", "AvroConverter",
                   "io.confluent.connect.protobuf.ProtobufConverter", "ProtobufConverter",
                   "io.confluent.connect.json.JsonSchemaConverter", "JsonSchemaConverter"}},
      {.name = "key.converter",
       .type = ConfigType::kString,
       .default_value = "org.apache.kafka.connect.storage.StringConverter",
       .group = "Connector",
       .doc = "How keys are written in envelopes (`store.envelope`): `StringConverter` a JSON "
              "string, `ByteArrayConverter` base64, `JsonConverter` the JSON as it is. Bare "
              "JsonFormat values carry no key."},
      // --- Kafka ---
      {.name = "bootstrap.servers",
       .type = ConfigType::kList,
       .default_value = std::nullopt,
       .group = "Kafka",
       .doc = "Kafka brokers to bootstrap from (a Connect worker key; when the file does not "
              "set it, the environment variable `CONNECT_BOOTSTRAP_SERVERS` does, as in "
              "Confluent's Connect image, so a connector document copied from Connect's REST "
              "API runs unchanged). Other consumer settings "
              "pass through with the `consumer.override.` or `consumer.` prefix, e.g. "
              "`consumer.override.auto.offset.reset=latest` (default `earliest`, as Connect "
              "sets it for sink tasks).",
       .expected = "a comma-separated list of host:port"},
      // --- S3 ---
      {.name = "s3.bucket.name",
       .type = ConfigType::kString,
       .default_value = std::nullopt,
       .group = "S3",
       .doc = "Bucket to write to. With a `file://` store it is a directory "
              "under the store root.",
       .expected = "a bucket name"},
      {.name = "s3.region",
       .type = ConfigType::kString,
       .default_value = "us-west-2",
       .group = "S3",
       .doc = "AWS region used for signing and the default endpoint."},
      {.name = "store.url",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "Custom S3 endpoint (`http(s)://host:port`), or `file:///path` for a local "
              "directory with S3's semantics. Empty: AWS S3 in `s3.region`."},
      {.name = "s3.path.style.access.enabled",
       .type = ConfigType::kBool,
       .default_value = "true",
       .group = "S3",
       .doc = "Path-style (`endpoint/bucket/key`) rather than virtual-hosted-style addressing."},
      {.name = "aws.access.key.id",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "Access key id. Empty: `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / "
              "`AWS_SESSION_TOKEN` from the environment."},
      {.name = "aws.secret.access.key",
       .type = ConfigType::kPassword,
       .default_value = "",
       .group = "S3",
       .doc = "Secret access key. Never logged or printed."},
      {.name = "s3.part.size",
       .type = ConfigType::kInt,
       .default_value = "26214400",
       .group = "S3",
       .doc = "Size of each multipart upload part. A file larger than one part is uploaded in "
              "parts as it is written, so it never has to fit in memory.",
       .min = 5242880,
       .max = 2147483647},
      {.name = "s3.wan.mode",
       .type = ConfigType::kBool,
       .default_value = "false",
       .group = "S3",
       .doc = "Use the S3 Transfer Acceleration endpoint."},
      {.name = "s3.proxy.url",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "HTTP(S) proxy for S3 requests, e.g. `http://proxy:3128`."},
      {.name = "s3.proxy.user",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "Proxy user name."},
      {.name = "s3.proxy.password",
       .type = ConfigType::kPassword,
       .default_value = "",
       .group = "S3",
       .doc = "Proxy password. Never logged or printed."},
      {.name = "s3.ssl.ca.bundle",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "PEM file of CA certificates to trust for HTTPS endpoints. Empty: the system's."},
      {.name = "s3.ssl.verify",
       .type = ConfigType::kBool,
       .default_value = "true",
       .group = "S3",
       .doc = "Verify the endpoint's TLS certificate and host name. Turn off only for tests."},
      {.name = "s3.part.retries",
       .type = ConfigType::kInt,
       .default_value = "3",
       .group = "S3",
       .doc = "Retries of a failed S3 request (5xx, SlowDown, timeouts, connection resets) "
              "after the first attempt, with full-jitter exponential backoff.",
       .min = 0},
      {.name = "s3.retry.backoff.ms",
       .type = ConfigType::kLong,
       .default_value = "200",
       .group = "S3",
       .doc = "First retry backoff; it doubles per retry, capped at 20 s.",
       .min = 0},
      {.name = "s3.ssea.name",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "Server-side encryption: `AES256` (SSE-S3), `aws:kms` (SSE-KMS), "
              "`aws:kms:dsse` (DSSE-KMS). With `s3.sse.customer.key`, SSE-C.",
       .allowed = {"", "AES256", "aws:kms", "aws:kms:dsse"}},
      {.name = "s3.sse.kms.key.id",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "KMS key for `aws:kms` / `aws:kms:dsse`. Empty: the AWS managed key."},
      {.name = "s3.sse.customer.key",
       .type = ConfigType::kPassword,
       .default_value = "",
       .group = "S3",
       .doc = "SSE-C: base64 of a 256-bit key sent with every write (and needed for every "
              "read). Never logged or printed."},
      {.name = "s3.sse.customer.algorithm",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "Accepted for compatibility (tutorials set it; the Confluent connector ignores "
              "it). SSE-C always uses AES256."},
      {.name = "s3.acl.canned",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "Canned ACL for written objects.",
       .allowed = {"", "private", "public-read", "public-read-write", "authenticated-read",
                   "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control",
                   "log-delivery-write"}},
      {.name = "s3.storage.class",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "Storage class of written objects (`STANDARD`, `STANDARD_IA`, "
              "`INTELLIGENT_TIERING`, `GLACIER_IR`, ...). Empty: the bucket's default."},
      {.name = "s3.object.tagging",
       .type = ConfigType::kBool,
       .default_value = "false",
       .group = "S3",
       .doc = "Tag each object with `startOffset`, `endOffset` and `recordCount`, as the "
              "Confluent connector does. Tags travel with the write; an object uploaded in "
              "parts gets its tags when the upload starts, so it carries `startOffset` (and "
              "the extra pairs) only."},
      {.name = "s3.object.tagging.key.value.pairs",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "Extra tags for every object when `s3.object.tagging=true`: `key1:value1,"
              "key2:value2` (S3 allows 10 tags an object; 3 are Tributary's)."},
      {.name = "s3.object.behavior.on.tagging.error",
       .type = ConfigType::kString,
       .default_value = "ignore",
       .group = "S3",
       .doc = "Accepted for compatibility. Tags are sent with the write itself, so a tagging "
              "error is a write error and is retried or stops the sink like one.",
       .allowed = {"ignore", "fail"}},
      {.name = "s3.send.digest",
       .type = ConfigType::kBool,
       .default_value = "false",
       .group = "S3",
       .doc = "Send `Content-MD5` with every upload (required by Object Lock buckets)."},
      {.name = "s3.checksum.algorithm",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "Additional checksum sent with every upload and verified by S3.",
       .allowed = {"", "CRC32C"}},
      {.name = "sts.role.arn",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "Assume this IAM role (STS AssumeRole) with the chain's credentials. "
              "`aws.sts.role.arn` (Aiven's name) is accepted too."},
      {.name = "sts.role.session.name",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "Session name for `sts.role.arn`. Empty: `tributary-<random>`."},
      {.name = "sts.role.external.id",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "External id for `sts.role.arn`."},
      {.name = "sts.region",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "Region of the STS endpoint. Empty: `s3.region`."},
      {.name = "aws.sts.role.arn",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "Alias of `sts.role.arn` (Aiven's S3 sink name)."},
      {.name = "aws.sts.role.session.name",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "Alias of `sts.role.session.name`."},
      {.name = "aws.sts.role.external.id",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "Alias of `sts.role.external.id`."},
      {.name = "aws.sts.config.endpoint",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "S3",
       .doc = "STS endpoint URL (Aiven's name). Empty: the regional endpoint."},
  };
}

const ConfigTable& SinkConfigTable() {
  static const ConfigTable table([] {
    std::vector<ConfigKey> keys;
    for (auto part :
         {CoreSinkKeys, ColumnarKeys, PartitionerKeys, AivenKeys, RotationKeys, ErrorKeys,
          ServerKeys, TransformKeys, SideFileKeys, EnvelopeSinkKeys, EvolutionKeys}) {
      for (auto& k : part()) keys.push_back(std::move(k));
    }
    return keys;
  }());
  return table;
}

const std::vector<std::string>& SinkPassThroughPrefixes() {
  static const std::vector<std::string> prefixes = {
      "consumer.override.", "consumer.", "producer.override.", "value.converter.",
      "key.converter.",     "fault.",    "transforms.",        "predicates."};
  return prefixes;
}

}  // namespace tributary
