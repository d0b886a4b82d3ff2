// OwnedRecord: a record that owns its bytes — what a transform chain produces when it
// changes a record (the input Record is a borrowed view of librdkafka's buffer).
//
// Thread safety: a value.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "format/record.h"
#include "schema/schema_datum.h"

namespace tributary {

struct OwnedHeader {
  std::string name;
  std::optional<std::string> value;  // nullopt: null header value
  bool operator==(const OwnedHeader&) const = default;
};

struct OwnedRecord {
  std::string topic;
  Partition partition;
  Offset offset;
  int64_t timestamp_ms = -1;         // -1: no timestamp
  std::optional<std::string> key;    // nullopt: null key
  std::optional<std::string> value;  // nullopt: null value (a tombstone)
  std::vector<OwnedHeader> headers;
  // The value decoded with its schema when a transform changed a Schema Registry value
  // (then `value` keeps the input's bytes); see Record::value_datum.
  std::shared_ptr<const SchemaDatum> value_datum;

  // A borrowed view, valid while this record is alive and unchanged. ViewInto reuses
  // `view`'s header vector, so a caller that keeps one Record avoids an allocation.
  Record View() const {
    Record r;
    ViewInto(&r);
    return r;
  }
  void ViewInto(Record* view) const;

  static OwnedRecord CopyOf(const Record& r);
  std::string Where() const {
    return fmt::format("{}-{}@{}", topic, partition.value(), offset.value());
  }
  bool operator==(const OwnedRecord&) const = default;
};

}  // namespace tributary
