// A Value (value.h) of a Schema as one line of JSON: how JsonFormat writes Schema Registry
// values (AvroConverter, ProtobufConverter, JsonSchemaConverter), in the shape Connect's
// JsonConverter (schemas.enable=false) gives them:
//
//   null, boolean, int/long, float/double   null, true/false, integers, numbers (shortest
//                                           form that reads back to the same double;
//                                           NaN and infinities as "NaN", "Infinity")
//   date / time-* / timestamp-*             the integer count (days, ms or µs), as Connect
//   decimal                                 the exact decimal number (12.30), as Connect's
//                                           decimal.format=NUMERIC (not base64)
//   string, enum, uuid                      strings
//   bytes, fixed                            base64 strings
//   record, map / array                     objects / arrays
//
// Thread safety: a free function.
#pragma once

#include <string>

#include "schema/schema.h"
#include "schema/value.h"

namespace tributary {

void AppendValueJson(const Schema& schema, const Value& value, std::string* out);

// The unscaled decimal `unscaled` with `scale` digits after the point: "-12.30".
std::string DecimalText(__int128 unscaled, int scale);

}  // namespace tributary
