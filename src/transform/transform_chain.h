// TransformChain: Kafka Connect's single message transforms (and Tributary's SQL stage),
// applied to each record in flight, between the consumer and the partitioner.
//
// Configured with Connect's syntax (docs/transforms.md): `transforms=a,b`,
// `transforms.a.type=<class>`, `transforms.a.<option>=...`, `predicates=p`,
// `predicates.p.type=<class>`, `transforms.a.predicate=p`, `transforms.a.negate=true`.
// Create() checks every key at start-up; an error names the key and what was expected.
//
// Records are borrowed views (format/record.h). The chain reads them in place and
// copies only when a transform changes something: an empty chain, or a record every
// transform's predicate skipped, comes back as the input itself. Keys and values are
// parsed (simdjson) only when a transform needs their fields, once per record however
// many transforms use them, and serialised once at the end.
//
// Errors: InvalidArgument whose message names the record (Record::Where()), the
// transform alias and its class, e.g.
// "orders-2@1041: transform 'mask' (MaskField$Value): only JSON objects are supported
// for [masking fields], found: string". The caller applies errors.tolerance to them.
//
// Thread safety: a chain is immutable after Create(); Apply() may be called from many
// threads at once, each with its own TransformScratch.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "format/record.h"
#include "transform/owned_record.h"

namespace tributary {

// How key or value bytes are read and written back (Connect's converters).
enum class DataFormat {
  kJson,         // JsonConverter: JSON text
  kString,       // StringConverter: text; text that is a JSON object or array is read as JSON
  kBytes,        // ByteArrayConverter: opaque bytes; only whole-record transforms apply
  kSchemaCodec,  // AvroConverter (Schema Registry): ConverterOptions::codec decodes the bytes
};

// JsonConverter's schemas.enable. Connect's default is true, but most JSON topics carry
// no envelope, so when the key is not set a value is read as an envelope exactly when it
// is an object whose only members are "schema" and "payload".
enum class SchemasEnable { kAuto, kOn, kOff };

class SchemaCodec;           // transform/schema_codec.h
class SchemaRegistryClient;  // schema/registry_client.h

struct ConverterOptions {
  DataFormat format = DataFormat::kJson;
  SchemasEnable schemas = SchemasEnable::kAuto;
  // kSchemaCodec: the decoder, and the registry client it reads schemas from (shared with
  // the writers, so a schema id is fetched once).
  std::shared_ptr<const SchemaCodec> codec;
  std::shared_ptr<SchemaRegistryClient> registry;
};

struct TransformChainOptions {
  ConverterOptions key{DataFormat::kString, SchemasEnable::kAuto};
  ConverterOptions value{DataFormat::kJson, SchemasEnable::kAuto};

  // From key.converter, key.converter.schemas.enable, value.converter and
  // value.converter.schemas.enable (the sink's own defaults when absent). AvroConverter
  // reads <side>.converter.schema.registry.url and its basic auth keys
  // (basic.auth.credentials.source=USER_INFO, basic.auth.user.info).
  static Result<TransformChainOptions> FromConfig(const std::map<std::string, std::string>& raw);
};

// Per-thread working memory of Apply(): reused across records so that steady state
// allocates little. Opaque.
class TransformScratch {
 public:
  TransformScratch();
  ~TransformScratch();
  TransformScratch(const TransformScratch&) = delete;
  TransformScratch& operator=(const TransformScratch&) = delete;

 private:
  friend class TransformChain;
  struct State;
  std::unique_ptr<State> state_;
};

class TransformChain {
 public:
  // Reads `transforms`, `transforms.*`, `predicates`, `predicates.*` from the raw sink
  // config (other keys are ignored). An absent or blank `transforms` gives an empty
  // chain. InvalidArgument naming each bad key.
  static Result<std::unique_ptr<TransformChain>> Create(
      const std::map<std::string, std::string>& raw, const TransformChainOptions& options);
  // A shared empty chain (what a config without `transforms` gets).
  static std::shared_ptr<const TransformChain> None();
  ~TransformChain();

  bool empty() const { return steps_.empty(); }
  const TransformChainOptions& options() const { return options_; }
  // Aliases in chain order.
  std::vector<std::string> aliases() const;
  // Keys under transforms.<alias>. and predicates.<name>. that nothing reads (options a
  // transform does not have, aliases not listed), for a warning at start-up.
  const std::vector<std::string>& unused_keys() const { return unused_keys_; }

  // Applies the chain to `in`. Returns the record to write, or nullptr when a transform
  // (Filter, or SQL's WHERE) dropped it. The result is `&in` itself when nothing changed
  // (no copy), otherwise a view of records owned by `scratch`; it stays valid until the
  // next Apply with the same scratch, or until `in`'s message is released.
  Result<const Record*> Apply(const Record& in, TransformScratch* scratch) const;

  // Convenience for tests and tools: the transformed record as an owned copy, nullopt
  // when dropped.
  Result<std::optional<OwnedRecord>> Transform(const Record& in) const;

  struct Step;  // one configured transform (transform_chain.cc)

 private:
  TransformChain() = default;
  std::vector<std::unique_ptr<Step>> steps_;
  TransformChainOptions options_;
  std::vector<std::string> unused_keys_;
};

}  // namespace tributary
