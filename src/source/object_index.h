// Object discovery and ordering for `tributary source` (docs/source.md, "Order").
//
// Lists the data objects under the sink's layout, recognises each key by the sink's own
// naming (object_naming.h: Confluent `<topic><+><partition><+><start offset><ext>` file
// names, or an Aiven file.name.template), reads each object's user metadata
// (docs/object-layout.md: first/last offset, record count, timestamps), and orders every
// topic-partition's objects by start offset (from the name; never the listing order), or
// by LastModified with source.ordering=last_modified. Keys that do not parse, side files
// (`.keys.` / `.headers.`; a JSON keys file is attached to its object), the sink's journal and the
// source's checkpoints are skipped.
//
// Thread safety: functions on values; the store is used from the calling thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "objstore/object_store.h"
#include "source/replay_settings.h"

namespace tributary {

struct SinkConfig;    // sink/sink_config.h
struct SourceConfig;  // source/source_config.h

struct SourceObject {
  std::string key;
  TopicPartition tp;
  int64_t start_offset = 0;  // from the name
  // From the object's metadata when present.
  std::optional<int64_t> last_offset;
  std::optional<int64_t> record_count;
  std::optional<int64_t> min_timestamp_ms;
  std::optional<int64_t> max_timestamp_ms;
  int64_t last_modified_ms = 0;
  uint64_t size = 0;
  // The Confluent key side file (store.kafka.keys), `<base>.keys<extension>`, when it
  // exists and is JSON lines; "" otherwise.
  std::string keys_key;
  // Its header side file (`<base>.headers.json[.gz|...]` or `.headers.avro`), or empty.
  std::string headers_key;
};

struct ParsedObjectName {
  std::string topic;
  int32_t partition = 0;
  int64_t start_offset = 0;
  std::string extension;  // Confluent layout: ".json.gz"; "" for templates
};

// Recognises data object keys of one layout.
class ObjectNameParser {
 public:
  static Result<ObjectNameParser> Create(const SinkConfig& config);
  // nullopt for keys that are not data objects of this layout (side files included).
  std::optional<ParsedObjectName> Parse(std::string_view key) const;
  // The prefixes to list: one per configured topic, or the layout's root.
  std::vector<std::string> ListPrefixes(const std::vector<std::string>& topics) const;

 private:
  std::string topics_dir_;
  std::string directory_delim_ = "/";
  std::string file_delim_ = "+";
  std::string template_regex_;  // Aiven: the template as an anchored RE2 pattern
  std::string template_prefix_;
  bool topic_in_prefix_ = false;
};

struct ObjectIndex {
  std::map<TopicPartition, std::vector<SourceObject>> partitions;  // each in replay order
  int64_t skipped_keys = 0;  // listed but not data objects of the layout or not selected
};

// Lists, heads and orders the objects the config selects (topics, source.object.pattern).
Result<ObjectIndex> DiscoverObjects(ObjectStore& store, const SourceConfig& config);

// Orders one partition's objects: by start offset then key, or by LastModified then
// start offset then key.
void OrderObjects(std::vector<SourceObject>* objects, SourceOrdering ordering);

}  // namespace tributary
