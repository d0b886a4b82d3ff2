// SinkConfig: the sink's validated, typed configuration, built from the key table in
// config/sink_keys.cc. Building it performs every check that does not need the
// network, so a wrong config fails before anything starts.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "format/codec/codec.h"
#include "format/format_options.h"
#include "format/record_writer.h"
#include "objstore/object_store.h"
#include "sink/partitioner.h"
#include "sink/side_files.h"
#include "transform/transform_chain.h"

namespace tributary {

// behavior.on.null.values; kWrite puts tombstones' keys under tombstone.encoded.partition.
enum class NullValueBehavior { kFail, kIgnore, kWrite };

// exactly.once.mode (docs/exactly-once.md). kAuto becomes kJournal or kDeterministic at
// start-up, after the store's conditional-write probe.
enum class ExactlyOnceMode { kAuto, kJournal, kDeterministic };

struct SinkConfig {
  std::string name;
  std::vector<std::string> topics;  // or the one anchored topics.regex subscription
  std::string topics_regex;         // topics.regex; exactly one of topics and topics.regex
  std::string directory_delim = "/";
  std::string file_delim = "+";
  std::string bootstrap_servers;
  // librdkafka properties from consumer.* then consumer.override.* (the latter wins).
  std::map<std::string, std::string> consumer_overrides;

  StoreOptions store;
  std::string topics_dir = "topics";
  int flush_size = 0;
  int offset_pad_width = 10;
  uint64_t part_size = 25ull << 20;               // s3.part.size
  bool object_tagging = false;                    // s3.object.tagging
  std::map<std::string, std::string> extra_tags;  // s3.object.tagging.key.value.pairs
  ValueEncoding value_encoding = ValueEncoding::kJson;
  FormatOptions format;        // format.class and its keys; value_encoding copied in
  Codec codec = Codec::kNone;  // s3.compression.type
  int compression_level = -1;  // s3.compression.level
  NullValueBehavior on_null = NullValueBehavior::kFail;
  SideFileOptions side_files;      // store.kafka.keys / store.kafka.headers (side_files.h)
  PartitionerOptions partitioner;  // partitioner.class and its keys
  // transforms / predicates: applied to each record before it is partitioned (see
  // transform/README.md). Never null; empty() when no transform is configured.
  std::shared_ptr<const TransformChain> transforms = TransformChain::None();

  // Rotation (config/rotation_keys.cc); -1 disables a trigger.
  int64_t rotate_interval_ms = -1;
  int64_t rotate_schedule_interval_ms = -1;
  bool rotate_on_partition_change = true;
  int64_t flush_bytes = -1;
  int max_open_files = -1;
  // Schema evolution (config/evolution_keys.cc, docs/schema-evolution.md).
  SchemaCompatibility schema_compatibility = SchemaCompatibility::kNone;
  int schema_max_open_versions = 4;
  uint64_t buffer_memory_bytes = 256ull << 20;  // buffer.memory.bytes
  std::string spill_dir;                        // buffer.spill.dir; empty: no spilling
  uint64_t spill_max_bytes = 10ull << 30;       // buffer.spill.max.bytes
  // diagnostic.log.interval.ms (config/server_keys.cc): files open longer than this get
  // a periodic "waiting for" log line; -1 turns it off.
  int64_t diagnostic_log_interval_ms = 300'000;
  ExactlyOnceMode exactly_once = ExactlyOnceMode::kAuto;
  std::string journal_prefix = "_tributary/journal";

  // Record errors (config/error_keys.cc).
  bool tolerate_errors = false;  // errors.tolerance=all
  std::string dlq_topic;         // errors.deadletterqueue.topic.name
  bool dlq_context_headers = false;
  bool log_errors = false;
  bool log_error_messages = false;
  bool report_nulls_to_dlq = true;
  // librdkafka properties of the dead-letter producer: the consumer's security.*,
  // sasl.* and ssl.* settings, then producer.override.* (which wins).
  std::map<std::string, std::string> producer_overrides;

  // The keys as validated: the file's, with KCQL (connect.s3.kcql) and Aiven's names
  // (format.output.type, file.max.records) turned into the connector's keys. Parsing it
  // again with the key table succeeds; the CLI reads the operations keys from it.
  RawConfig effective;

  // Keys given but not used by this version, for a warning at start-up.
  std::vector<std::string> unused_keys;

  // The consumer group, as Kafka Connect names a sink connector's group.
  std::string GroupId() const { return "connect-" + name; }

  static Result<SinkConfig> FromRaw(RawConfig raw);

  // OK when every file boundary depends on the records alone (what
  // exactly.once.mode=deterministic needs); otherwise says which keys break it.
  Status CheckDeterministicRotation() const;
};

// A Schema Registry client from `<prefix>.schema.registry.url` (the first of a list) and
// `<prefix>.basic.auth.*`, for `prefix` "value.converter" or "key.converter".
// InvalidArgument naming the URL key when it is empty; `what` says what needs it.
Result<std::shared_ptr<SchemaRegistryClient>> RegistryClientFromConfig(const Config& cfg,
                                                                       const std::string& prefix,
                                                                       RegistrySchemaType type,
                                                                       std::string_view what);

}  // namespace tributary
