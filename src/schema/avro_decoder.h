// Avro binary decoding (apache/avro "Specification": Binary Encoding) of one datum into a
// Value (value.h) of its writer schema: what a Schema Registry payload holds after its
// 5-byte prefix. Array and map blocks with negative counts (followed by a byte size) are
// accepted; decimals wider than 16 bytes are rejected (Values hold 128 bits).
//
// Errors are kInvalidArgument naming the field path ("lines[2].sku: truncated string").
//
// Thread safety: a free function.
#pragma once

#include <string_view>

#include "common/status.h"
#include "schema/schema.h"
#include "schema/value.h"

namespace tributary {

// Decodes one datum from the front of `*in` and advances it past the datum.
Status DecodeAvro(const Schema& schema, std::string_view* in, Value* out);

}  // namespace tributary
