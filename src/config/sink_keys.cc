#include "config/sink_keys.h"

namespace tributary {

const ConfigTable& SinkConfigTable() {
  static const ConfigTable table({
      // --- Connector ---
      {.name = "name", .type = ConfigType::kString, .default_value = std::nullopt,
       .group = "Connector",
       .doc = "Connector name. The Kafka consumer group is `connect-<name>`, as Kafka Connect "
              "names it, so Tributary can take over a Confluent connector's group.",
       .expected = "a non-empty name"},
      {.name = "topics", .type = ConfigType::kList, .default_value = std::nullopt,
       .group = "Connector", .doc = "Topics to consume.",
       .expected = "a comma-separated list of topic names"},
      {.name = "connector.class", .type = ConfigType::kString,
       .default_value = "io.confluent.connect.s3.S3SinkConnector", .group = "Connector",
       .doc = "Accepted for compatibility with Connect configs; Tributary is the sink.",
       .allowed = {"io.confluent.connect.s3.S3SinkConnector", "S3SinkConnector"}},
      {.name = "tasks.max", .type = ConfigType::kInt, .default_value = "1", .group = "Connector",
       .doc = "Accepted for compatibility. One Tributary process is one consumer; scale out by "
              "running more processes with the same `name` (they share the consumer group).",
       .min = 1},
      {.name = "format.class", .type = ConfigType::kString, .default_value = std::nullopt,
       .group = "Connector",
       .doc = "Output format. `JsonFormat` writes one JSON value per line (`.json`).",
       .allowed = {std::string(kJsonFormatClass), "JsonFormat", "json"}},
      {.name = "partitioner.class", .type = ConfigType::kString,
       .default_value = std::string(kDefaultPartitionerClass), .group = "Connector",
       .doc = "How records map to directories. `DefaultPartitioner` writes "
              "`partition=<kafka partition>`.",
       .allowed = {std::string(kDefaultPartitionerClass), "DefaultPartitioner"}},
      {.name = "flush.size", .type = ConfigType::kInt, .default_value = std::nullopt,
       .group = "Connector",
       .doc = "Records per object, per topic-partition. An object is written once it holds "
              "this many records.",
       .min = 1},
      {.name = "topics.dir", .type = ConfigType::kString, .default_value = "topics",
       .group = "Connector",
       .doc = "Top-level prefix of data objects. Blank omits the prefix."},
      {.name = "filename.offset.zero.pad.width", .type = ConfigType::kInt,
       .default_value = "10", .group = "Connector",
       .doc = "Zero padding of the start offset in object names.", .min = 0},
      {.name = "behavior.on.null.values", .type = ConfigType::kString, .default_value = "fail",
       .group = "Connector",
       .doc = "What to do with a record whose value is null (a tombstone): `fail` stops the "
              "sink naming the record; `ignore` skips it.",
       .allowed = {"fail", "ignore"}},
      {.name = "value.converter", .type = ConfigType::kString,
       .default_value = "org.apache.kafka.connect.json.JsonConverter", .group = "Connector",
       .doc = "How record values are read. `JsonConverter`: values are JSON and are written "
              "as they are (compacted to one line); a value that is not JSON stops the sink "
              "naming the record. `StringConverter`: each value is written as a JSON string. "
              "`ByteArrayConverter`: each value is written as a base64 JSON string.",
       .allowed = {"org.apache.kafka.connect.json.JsonConverter", "JsonConverter",
                   "org.apache.kafka.connect.storage.StringConverter", "StringConverter",
                   "org.apache.kafka.connect.converters.ByteArrayConverter",
                   "ByteArrayConverter"}},
      {.name = "key.converter", .type = ConfigType::kString,
       .default_value = "org.apache.kafka.connect.storage.StringConverter", .group = "Connector",
       .doc = "Accepted for compatibility; keys are not written by JsonFormat."},
      // --- Kafka ---
      {.name = "bootstrap.servers", .type = ConfigType::kList, .default_value = std::nullopt,
       .group = "Kafka",
       .doc = "Kafka brokers to bootstrap from (a Connect worker key). Other consumer settings "
              "pass through with the `consumer.override.` or `consumer.` prefix, e.g. "
              "`consumer.override.auto.offset.reset=latest` (default `earliest`, as Connect "
              "sets it for sink tasks).",
       .expected = "a comma-separated list of host:port"},
      // --- S3 ---
      {.name = "s3.bucket.name", .type = ConfigType::kString, .default_value = std::nullopt,
       .group = "S3", .doc = "Bucket to write to. With a `file://` store it is a directory "
                             "under the store root.",
       .expected = "a bucket name"},
      {.name = "s3.region", .type = ConfigType::kString, .default_value = "us-west-2",
       .group = "S3", .doc = "AWS region used for signing and the default endpoint."},
      {.name = "store.url", .type = ConfigType::kString, .default_value = "", .group = "S3",
       .doc = "Custom S3 endpoint (`http(s)://host:port`), or `file:///path` for a local "
              "directory with S3's semantics. Empty: AWS S3 in `s3.region`."},
      {.name = "s3.path.style.access.enabled", .type = ConfigType::kBool,
       .default_value = "true", .group = "S3",
       .doc = "Path-style (`endpoint/bucket/key`) rather than virtual-hosted-style addressing."},
      {.name = "aws.access.key.id", .type = ConfigType::kString, .default_value = "",
       .group = "S3",
       .doc = "Access key id. Empty: `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / "
              "`AWS_SESSION_TOKEN` from the environment."},
      {.name = "aws.secret.access.key", .type = ConfigType::kPassword, .default_value = "",
       .group = "S3", .doc = "Secret access key. Never logged or printed."},
  });
  return table;
}

const std::vector<std::string>& SinkPassThroughPrefixes() {
  static const std::vector<std::string> prefixes = {"consumer.override.", "consumer.",
                                                    "value.converter.", "key.converter."};
  return prefixes;
}

}  // namespace tributary
