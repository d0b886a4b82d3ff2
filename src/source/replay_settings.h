// ReplaySettings: the plain values the replay needs, taken from SourceConfig
// (source_config.h), so that the replay's translation units need not include the
// sink's whole config.
//
// Thread safety: a plain value.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "format/codec/codec.h"
#include "format/format_options.h"
#include "objstore/object_store.h"

namespace tributary {

enum class SourceOrdering { kOffset, kLastModified };
enum class SourcePartitioning { kOriginal, kKeyHash };

struct ReplaySettings {
  // From the sink's keys.
  std::string name;
  StoreOptions store;
  FormatOptions format;
  Codec codec = Codec::kNone;  // for keys without a codec extension
  // Key side files written with keys.format.class=ByteArrayFormat: `<base>.keys<ext>`,
  // keys separated by format.bytearray.separator.
  std::string key_bytes_extension = ".bin";
  std::string key_bytes_separator = "\n";
  std::string topics_description;  // for logs
  std::map<std::string, std::string> producer_overrides;

  // The source's own keys (config/source_keys.cc).
  std::map<std::string, std::string> topic_mapping;  // source topic → target topic
  std::string target_bootstrap;                      // target.bootstrap.servers or bootstrap
  SourcePartitioning partitioning = SourcePartitioning::kOriginal;
  SourceOrdering ordering = SourceOrdering::kOffset;
  bool transactions = true;
  int max_poll_records = 500;
  int64_t max_records_per_second = 0;  // 0: unlimited
  int64_t max_bytes_per_second = 0;
  int64_t offset_from = 0;
  int64_t offset_to = -1;  // -1: none
  int64_t timestamp_from = -1;
  int64_t timestamp_to = -1;   // exclusive
  std::string object_pattern;  // RE2, searched
  std::string checkpoint_prefix = "_tributary/source";
  int checkpoint_records = 20000;
  int64_t checkpoint_interval_ms = 5000;

  std::string TargetTopic(const std::string& source_topic) const {
    auto it = topic_mapping.find(source_topic);
    return it == topic_mapping.end() ? source_topic : it->second;
  }
  // <checkpoint.prefix>/<name>/checkpoint.json
  std::string CheckpointKey() const { return checkpoint_prefix + "/" + name + "/checkpoint.json"; }
};

}  // namespace tributary
