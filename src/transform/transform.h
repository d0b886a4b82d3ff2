// The interface transforms and predicates implement (internal to src/transform/).
//
// A WorkingRecord is the record while the chain runs: metadata read in place from the
// input Record until a transform sets it, key and value kept as their raw bytes until a
// transform asks for their data (RecordSide::Data parses them once), headers borrowed
// until a transform edits them.
//
// Thread safety: a WorkingRecord belongs to one Apply call; Transform and Predicate
// objects are immutable and shared by every thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "format/record.h"
#include "schema/schema_datum.h"
#include "transform/json_value.h"
#include "transform/owned_record.h"
#include "transform/transform_chain.h"

namespace tributary {

// A key or value as Connect's data: schemaless JSON, or a payload with its Connect
// schema (JsonConverter's envelope, schema in JsonConverter's JSON form).
struct ConnectData {
  bool has_schema = false;
  JsonValue schema;  // when has_schema
  JsonValue value;   // the payload; null for a null key/value
};

class RecordSide {
 public:
  void Reset(std::optional<std::string_view> raw, const ConverterOptions* conv, const char* what) {
    raw_ = raw;
    conv_ = conv;
    what_ = what;
    parsed_ = false;
  }
  // A null key / value (a tombstone's value).
  bool is_null() const { return parsed_ ? data_.value.is_null() : !raw_.has_value(); }
  // The data, parsed on first use. InvalidArgument when the bytes cannot be read with the
  // side's converter (not JSON, a malformed envelope).
  Result<ConnectData*> Data();
  // The data with a guarantee that it is a JSON object (a struct or a map); the error
  // says which transform `purpose` needed one, as Connect's do.
  Result<ConnectData*> RequireObject(std::string_view purpose);
  // Replaces the data.
  void Set(ConnectData data) {
    data_ = std::move(data);
    parsed_ = true;
  }
  bool parsed() const { return parsed_; }
  DataFormat format() const { return conv_->format; }
  const char* what() const { return what_; }

  // The bytes to write: the input's when never parsed, else the serialised data (for a
  // Schema Registry key: the JSON text of its Connect data).
  void WriteTo(std::optional<std::string>* out) const;
  // A side read with a SchemaCodec whose data was parsed: its data back in the schema
  // model (the decoded schema object itself when no transform changed the schema). Sets
  // `*out` to null when the side was never parsed or is null now. InvalidArgument when
  // the data has no schema-model form (a map with non-string keys, a schemaless value).
  Status ToDatum(std::shared_ptr<const SchemaDatum>* out);

 private:
  std::optional<std::string_view> raw_;
  const ConverterOptions* conv_ = nullptr;
  const char* what_ = "value";
  bool parsed_ = false;
  ConnectData data_;
  SchemaDatum decoded_;  // kSchemaCodec: the decoded input, reused
};

class WorkingRecord {
 public:
  void Reset(const Record& in, const TransformChainOptions& options);

  const Record& input() const { return *in_; }
  std::string_view topic() const { return topic_set_ ? std::string_view(topic_) : in_->topic; }
  void set_topic(std::string topic) {
    topic_ = std::move(topic);
    topic_set_ = true;
  }
  Partition partition() const { return in_->partition; }
  Offset offset() const { return in_->offset; }
  int64_t timestamp_ms() const { return in_->timestamp_ms; }

  RecordSide& key() { return key_; }
  RecordSide& value() { return value_; }
  const RecordSide& value() const { return value_; }

  bool HasHeader(std::string_view name) const;
  // The headers as an editable copy (made on first call).
  std::vector<OwnedHeader>& MutableHeaders();

  // Did any transform change anything?
  bool modified() const { return topic_set_ || headers_owned_ || key_.parsed() || value_.parsed(); }
  // The result as an owned record (reusing `out`'s buffers). Errors: a transformed
  // Schema Registry value that has no schema-model form.
  Status Finish(OwnedRecord* out);

 private:
  const Record* in_ = nullptr;
  std::string topic_;
  bool topic_set_ = false;
  RecordSide key_, value_;
  std::vector<OwnedHeader> headers_;
  bool headers_owned_ = false;
};

class Transform {
 public:
  virtual ~Transform() = default;
  // Transforms `r` in place. Returns false to drop the record. Errors need not name the
  // record or the alias: the chain adds both.
  virtual Result<bool> Apply(WorkingRecord& r) const = 0;
};

class RecordPredicate {
 public:
  virtual ~RecordPredicate() = default;
  virtual bool Test(const WorkingRecord& r) const = 0;
};

// The options of one transform or predicate (the keys under `transforms.<alias>.`), with
// typed getters whose errors name the full key. Records which options were read, so the
// chain can report the others.
class TransformProps {
 public:
  TransformProps(std::string prefix, std::map<std::string, std::string> options)
      : prefix_(std::move(prefix)), options_(std::move(options)) {}

  // "transforms.mask.fields"
  std::string Key(std::string_view option) const { return prefix_ + std::string(option); }
  bool Has(std::string_view option) const;
  std::string Get(std::string_view option, std::string_view fallback = "") const;
  Result<std::string> Required(std::string_view option, std::string_view expected) const;
  std::vector<std::string> List(std::string_view option) const;
  Result<bool> Bool(std::string_view option, bool fallback) const;
  Result<int64_t> Int(std::string_view option, int64_t fallback) const;
  // Option value among `allowed` (case-insensitive), returned as spelled in `allowed`.
  Result<std::string> OneOf(std::string_view option, std::string_view fallback,
                            const std::vector<std::string>& allowed) const;
  std::vector<std::string> Unread() const;

 private:
  std::string prefix_;
  std::map<std::string, std::string> options_;
  mutable std::set<std::string> read_;
};

// Builds a transform or predicate from its class name (short or fully qualified, with or
// without $Key/$Value; `*is_key` tells the side). NotFound for an unknown class.
Result<std::unique_ptr<Transform>> MakeBuiltinTransform(std::string_view type,
                                                        const TransformProps& props);
Result<std::unique_ptr<RecordPredicate>> MakePredicate(std::string_view type,
                                                       const TransformProps& props);
// The SQL stage (sql_transform.cc).
Result<std::unique_ptr<Transform>> MakeSqlTransform(const TransformProps& props);

// "org.apache.kafka.connect.transforms.ReplaceField$Value" -> "ReplaceField$Value".
std::string_view ShortClassName(std::string_view type);

}  // namespace tributary
