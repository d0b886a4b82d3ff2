// schema.compatibility: what the sink does when a record's schema differs from the schema
// of the file it would go into, with the meaning of the Confluent storage connectors'
// StorageSchemaCompatibility (docs/schema-evolution.md):
//
//   NONE      any other schema needs another file (Tributary keeps up to
//             schema.max.open.versions files per encoded partition, one per schema)
//   BACKWARD  a newer record schema starts a new file; an older one is projected to the
//   FULL      file's (newer) schema
//   FORWARD   an older record schema starts a new file; a newer one is projected to the
//             file's (older) schema
//
// "Newer" compares schema versions (SchemaVersion). A record that cannot be projected
// (projection.h) starts a new file too, where the connector would fail the task.
//
// Thread safety: plain functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "schema/schema.h"

namespace tributary {

enum class SchemaCompatibility { kNone, kBackward, kForward, kFull };

// "NONE", "BACKWARD", "FORWARD", "FULL" (any case).
Result<SchemaCompatibility> ParseSchemaCompatibility(std::string_view text);
std::string_view SchemaCompatibilityName(SchemaCompatibility c);

enum class SchemaDecision {
  kSame,     // the schemas are equal: append as is
  kProject,  // project the record to the file's schema (if it cannot be, kNewFile)
  kNewFile,  // the record needs a file of its own schema
};

// The decision for a record of `record` (version `record_version`) against a file of
// `file` (version `file_version`), as the connector's shouldChangeSchema decides it.
SchemaDecision DecideSchema(SchemaCompatibility mode, const Schema& file, int64_t file_version,
                            const Schema& record, int64_t record_version);

// A registry schema's version for the comparison: its "connect.version" attribute when it
// has one (Connect's AvroData writes it), else the registry id, which the registry assigns
// in increasing order as schemas are registered.
int64_t SchemaVersion(const Schema& schema, int64_t registry_id);

}  // namespace tributary
