// Audit: proves from the objects alone which offsets of a topic's partitions a bucket
// holds, and whether any is missing or written twice (`tributary verify`,
// docs/exactly-once.md).
//
// Objects are found by their Confluent-layout names
// (`<topic><file.delim><partition><file.delim><start offset><ext>` under
// `<topics.dir>/<topic>/`), so a bucket written by the JVM connector can be audited too.
// Tributary's objects also carry their offset range and the flush they belong to in
// their metadata (docs/journal-format.md): the objects of one flush together cover
// [flush-first, flush-next), which is what makes interleaving partitioners (field, time)
// auditable. Without metadata an object is taken to end where the next object of its
// partition starts (the connector's files are consecutive), and the report says which
// ends were inferred.
//
// Thread safety: stateless functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "objstore/object_store.h"

namespace tributary {

struct AuditOptions {
  std::string topics_dir = "topics";
  std::string directory_delim = "/";
  std::string file_delim = "+";
  std::string topic;
  std::optional<int32_t> partition;  // all partitions found when unset
  // Also read every object and count its records (JSON lines; gzip and zstd are
  // decompressed), comparing the count with the object's metadata.
  bool deep = false;
  // With the sink's name, each partition's journal is read and its committed offset
  // compared with the objects (journal mode).
  std::string journal_prefix;
  std::string sink_name;
};

struct AuditedObject {
  std::string key;
  int64_t first = 0;
  std::optional<int64_t> last;      // from metadata
  std::optional<uint64_t> records;  // from metadata
  std::optional<int64_t> flush_first;
  std::optional<int64_t> flush_next;
  uint64_t bytes = 0;
  std::optional<uint64_t> records_read;  // --deep
};

// A run of offsets that objects claim: one flush, or one object outside any flush.
struct Segment {
  int64_t first = 0;
  int64_t last = 0;
  bool end_inferred = false;  // the end is where the next segment starts
  std::vector<std::string> keys;
};

struct PartitionAudit {
  int32_t partition = 0;
  std::vector<AuditedObject> objects;
  std::vector<Segment> segments;  // ascending by first offset
  uint64_t bytes = 0;
  uint64_t records = 0;  // sum of known record counts
  std::optional<int64_t> journal_committed;
  std::vector<std::string> problems;  // gaps, overlaps, count mismatches
  std::vector<std::string> notes;     // inferred ends, objects without metadata
};

struct AuditReport {
  std::string topic;
  std::vector<PartitionAudit> partitions;
  std::vector<std::string> unrecognised;  // keys under the topic that are not data objects
  bool ok() const;
  std::string ToText() const;
  std::string ToJson() const;
};

Result<AuditReport> Audit(ObjectStore& store, const AuditOptions& options);

// "<topic>+<partition>+<offset><ext>" → partition and offset; nullopt if `name` is not
// a data object of `topic`.
std::optional<std::pair<int32_t, int64_t>> ParseDataObjectName(std::string_view name,
                                                               std::string_view topic,
                                                               std::string_view file_delim);

}  // namespace tributary
