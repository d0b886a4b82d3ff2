// SchemaDatum: one key or value decoded into the schema model — its Schema (schema.h)
// and its Value (value.h) — handed from whatever decoded it (a transform chain running
// on Schema Registry records) to the writers that take schemas (Avro, Parquet), so they
// need not decode the bytes again.
//
// The schema is shared: records of one schema point at the same object, so a writer can
// tell "same schema as the file's" by pointer before comparing.
//
// Thread safety: a value; the schema is immutable.
#pragma once

#include <memory>

#include "schema/schema.h"
#include "schema/value.h"

namespace tributary {

struct SchemaDatum {
  std::shared_ptr<const Schema> schema;
  Value value;
};

}  // namespace tributary
