// Keys of `tributary source` (docs/source.md) that the sink does not have. The source
// also reads the sink's own keys for the store, layout, format and compression
// (SinkConfigTable), so a sink's config file plus these keys is a source config.
//
// Also here: store.envelope, the sink key that turns on envelope records (the format
// the source replays keys, headers and timestamps from).
#include "config/sink_keys.h"

namespace tributary {

std::vector<ConfigKey> EnvelopeSinkKeys() {
  return {
      {.name = "store.envelope",
       .type = ConfigType::kBool,
       .default_value = "false",
       .group = "Connector",
       .doc = "Write each record as an envelope `{\"key\":..,\"value\":..,\"headers\":{..},"
              "\"metadata\":{\"topic\":..,\"partition\":..,\"offset\":..,\"timestamp\":..}}` "
              "instead of its bare value, in any row format (Lenses' `store.envelope`). Keys "
              "are encoded by `key.converter`, values by `value.converter`. AvroFormat and "
              "ParquetFormat write the columnar envelope instead: a record of `key` (bytes), "
              "`value` (the value's schema, nested), `headers` (a list of name/bytes) and "
              "`metadata` (topic, partition, offset, timestamp as timestamp-millis) "
              "(docs/source.md). `tributary source` replays keys, headers and timestamps "
              "from envelopes."},
  };
}

std::vector<ConfigKey> SourceKeys() {
  return {
      {.name = "topic.mapping",
       .type = ConfigType::kList,
       .default_value = "",
       .group = "Source",
       .doc = "Target topic per source topic, `from:to[,from:to]`. A source topic not listed "
              "is replayed into the topic of the same name.",
       .expected = "a comma-separated list of from:to topic pairs"},
      {.name = "target.bootstrap.servers",
       .type = ConfigType::kList,
       .default_value = "",
       .group = "Source",
       .doc = "Kafka brokers to replay into. Empty: `bootstrap.servers`. Producer settings "
              "pass through with the `producer.override.` prefix."},
      {.name = "source.partitioning",
       .type = ConfigType::kString,
       .default_value = "original",
       .group = "Source",
       .doc = "`original`: each record goes to the partition it was archived from (the "
              "target must have at least as many partitions). `key_hash`: keyed records go "
              "where Kafka's default partitioner puts them in the target (murmur2 of the "
              "key); records without a key go to their original partition modulo the "
              "target's partition count.",
       .allowed = {"original", "key_hash"}},
      {.name = "source.ordering",
       .type = ConfigType::kString,
       .default_value = "offset",
       .group = "Source",
       .doc = "Order of a partition's objects: `offset` (the start offset in the object's "
              "name, then its metadata; never the listing order) or `last_modified` (the "
              "objects' LastModified time, for objects written by tools whose offsets "
              "cannot be trusted; Lenses' `connect.s3.ordering.type`).",
       .allowed = {"offset", "last_modified"}},
      {.name = "source.transactions",
       .type = ConfigType::kBool,
       .default_value = "true",
       .group = "Source",
       .doc = "Produce in Kafka transactions (one per checkpoint, transactional.id "
              "`tributary-source-<name>`), which also fences an older instance of the same "
              "source. Set false for brokers without transactions (`tributary broker`): the "
              "idempotent producer and the checkpoint protocol still replay without "
              "duplicates or gaps (docs/source.md)."},
      {.name = "source.max.poll.records",
       .type = ConfigType::kInt,
       .default_value = "500",
       .group = "Source",
       .doc = "Records taken from one source partition before the next partition's turn.",
       .min = 1,
       .max = 1'000'000},
      {.name = "source.max.records.per.second",
       .type = ConfigType::kLong,
       .default_value = "0",
       .group = "Source",
       .doc = "Throttle: at most this many records a second in total; 0 for no limit.",
       .min = 0},
      {.name = "source.max.bytes.per.second",
       .type = ConfigType::kLong,
       .default_value = "0",
       .group = "Source",
       .doc = "Throttle: at most this many key and value bytes a second; 0 for no limit.",
       .min = 0},
      {.name = "source.offset.from",
       .type = ConfigType::kLong,
       .default_value = "0",
       .group = "Source",
       .doc = "Replay only records whose source offset is at least this.",
       .min = 0},
      {.name = "source.offset.to",
       .type = ConfigType::kLong,
       .default_value = "-1",
       .group = "Source",
       .doc = "Replay only records whose source offset is at most this; -1 for no limit.",
       .min = -1},
      {.name = "source.timestamp.from.ms",
       .type = ConfigType::kLong,
       .default_value = "-1",
       .group = "Source",
       .doc = "Replay only records whose timestamp (epoch ms) is at least this; -1 for no "
              "limit. Records without a timestamp pass.",
       .min = -1},
      {.name = "source.timestamp.to.ms",
       .type = ConfigType::kLong,
       .default_value = "-1",
       .group = "Source",
       .doc = "Replay only records whose timestamp (epoch ms) is below this; -1 for no limit.",
       .min = -1},
      {.name = "source.object.pattern",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Source",
       .doc = "Replay only objects whose key matches this RE2 regular expression (searched, "
              "not anchored: `\\.json\\.gz$` selects by extension)."},
      {.name = "source.checkpoint.prefix",
       .type = ConfigType::kString,
       .default_value = "_tributary/source",
       .group = "Source",
       .doc = "Where progress is kept: `<prefix>/<name>/checkpoint.json` in the bucket. "
              "Must be outside `topics.dir`."},
      {.name = "source.checkpoint.records",
       .type = ConfigType::kInt,
       .default_value = "20000",
       .group = "Source",
       .doc = "Records per transaction and checkpoint (at most; fewer when "
              "`source.checkpoint.interval.ms` passes first).",
       .min = 1},
      {.name = "source.checkpoint.interval.ms",
       .type = ConfigType::kLong,
       .default_value = "5000",
       .group = "Source",
       .doc = "Longest time between checkpoints while replaying.",
       .min = 1},
  };
}

const ConfigTable& SourceConfigTable() {
  static const ConfigTable table(SourceKeys());
  return table;
}

}  // namespace tributary
