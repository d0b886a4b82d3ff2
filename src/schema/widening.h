// Inference widening (schema.inference=true, docs/schema-evolution.md): once a file's
// inferred schema is fixed, a record that does not fit it starts a new file whose schema
// is the old one widened just enough for the record:
//
//   a member the schema lacks         a new optional field, appended, inferred as
//                                     SchemaInferrer infers (json_value.h)
//   a fractional number where long is double
//   an integer where int is           long
//   null where a value is required    the value becomes optional
//   (inside records and arrays, recursively)
//
// Any other mismatch — a string, number or boolean where a record or array is, an object
// or array where a number is, a number where a string is not — cannot be widened:
// kInvalidArgument naming the field path ("address: a string does not fit record
// Value_address"). A string field takes any JSON value (its text), so never conflicts.
//
// Thread safety: a plain function.
#pragma once

#include <string_view>

#include "common/status.h"
#include "schema/schema.h"

namespace tributary {

// `file` widened so that `json` (an object) fits; equal to `file` when it fits already.
Result<Schema> WidenInferredSchema(const Schema& file, std::string_view json);

}  // namespace tributary
