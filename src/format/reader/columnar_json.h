// JSON text of columnar values, in the shape columnar_reader.h documents. Shared by the
// Avro and Parquet readers.
//
// Thread safety: free functions without state.
#pragma once

#include <string>
#include <string_view>

#include "schema/schema.h"
#include "schema/value.h"

namespace tributary::reader {

// `value` (schema/value.h, as schema/avro_decoder.h produces it) of `schema`.
void AppendValueJson(const Schema& schema, const Value& value, std::string* out);

// Leaf helpers.
void AppendJsonDouble(double v, std::string* out);
void AppendJsonFloat(float v, std::string* out);
// The unscaled value with `scale` fraction digits: (-1230, 2) → -12.30; scale 0: -1230.
void AppendJsonDecimal(__int128 unscaled, int scale, std::string* out);
// 16 bytes as the quoted 8-4-4-4-12 lowercase hex text.
void AppendJsonUuid(std::string_view bytes16, std::string* out);
// Quoted base64.
void AppendJsonBase64(std::string_view bytes, std::string* out);
// Big-endian two's complement bytes (1..16) as a 128-bit integer.
__int128 BigEndianSigned(std::string_view bytes);

}  // namespace tributary::reader
