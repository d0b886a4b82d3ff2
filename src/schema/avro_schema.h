// Avro schema JSON ↔ Schema (schema.h), as the Avro specification defines it
// (apache/avro doc "Specification": Schema Declaration, Logical Types).
//
// Parsing accepts every form the specification allows — primitive names, {"type": ...}
// objects, records, enums, fixed, arrays, maps, references to named types defined
// earlier (resolved with the enclosing namespace) — and unions of exactly null and one
// other type (either order), or of one type. Logical types are recognised on the types
// the specification allows them on; an invalid one (decimal with precision 0, scale >
// precision, uuid on int, ...) is ignored as the specification says, and its attribute
// is kept so printing writes it back. Attributes Tributary does not interpret are kept
// verbatim.
//
// Errors are kInvalidArgument and name the path of the problem, e.g.
// "Order.items[]: union of 3 types; only [\"null\", T] is supported".
//
// Thread safety: free functions; no shared state.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "schema/schema.h"

namespace tributary {

Result<Schema> ParseAvroSchema(std::string_view json);

// Compact JSON (no spaces) of `schema`: logical types, their parameters and every kept
// attribute included; a named type is defined at its first use and referenced by full
// name afterwards. ParseAvroSchema(AvroSchemaJson(s)) == s.
std::string AvroSchemaJson(const Schema& schema);

// Appends `s` as a JSON string literal (RFC 8259 escapes).
void AppendJsonQuoted(std::string_view s, std::string* out);

}  // namespace tributary
