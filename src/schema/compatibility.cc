#include "schema/compatibility.h"

#include <charconv>

#include "common/strings.h"

namespace tributary {

Result<SchemaCompatibility> ParseSchemaCompatibility(std::string_view text) {
  const std::string t = ToLower(text);
  if (t == "none") return SchemaCompatibility::kNone;
  if (t == "backward") return SchemaCompatibility::kBackward;
  if (t == "forward") return SchemaCompatibility::kForward;
  if (t == "full") return SchemaCompatibility::kFull;
  return InvalidArgument("schema.compatibility: expected NONE, BACKWARD, FORWARD or FULL, got '{}'",
                         text);
}

std::string_view SchemaCompatibilityName(SchemaCompatibility c) {
  switch (c) {
    case SchemaCompatibility::kNone:
      return "NONE";
    case SchemaCompatibility::kBackward:
      return "BACKWARD";
    case SchemaCompatibility::kForward:
      return "FORWARD";
    case SchemaCompatibility::kFull:
      return "FULL";
  }
  return "NONE";
}

SchemaDecision DecideSchema(SchemaCompatibility mode, const Schema& file, int64_t file_version,
                            const Schema& record, int64_t record_version) {
  if (file == record) return SchemaDecision::kSame;
  switch (mode) {
    case SchemaCompatibility::kNone:
      return SchemaDecision::kNewFile;
    case SchemaCompatibility::kForward:
      return record_version < file_version ? SchemaDecision::kNewFile : SchemaDecision::kProject;
    case SchemaCompatibility::kBackward:
    case SchemaCompatibility::kFull:
      return record_version > file_version ? SchemaDecision::kNewFile : SchemaDecision::kProject;
  }
  return SchemaDecision::kNewFile;
}

int64_t SchemaVersion(const Schema& schema, int64_t registry_id) {
  for (const auto& [k, v] : schema.props) {
    if (k != "connect.version") continue;
    int64_t version = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
    if (ec == std::errc() && end == v.data() + v.size()) return version;
  }
  return registry_id;
}

}  // namespace tributary
