// A small JSON scanner that returns the exact source text of values, for readers that
// must give back the bytes a writer embedded (an envelope's `"value":{"a": 1}` replays
// as `{"a": 1}`, not as a re-serialisation of it).
//
// It checks structure (balanced brackets, terminated strings, valid escapes) but not
// numbers' grammar; the writer validated the JSON it embedded.
//
// Thread safety: functions on values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace tributary {

// The text of the JSON value starting at `*pos` (after whitespace), advancing `*pos`
// past it. InvalidArgument when there is none or it is malformed.
Result<std::string_view> ScanJsonValue(std::string_view text, size_t* pos);

// The members of the JSON object `object` (its whole text), names decoded, values as
// their source text, in document order.
Result<std::vector<std::pair<std::string, std::string_view>>> JsonObjectMembers(
    std::string_view object);

// The elements of the JSON array `array` (its whole text), as their source text.
Result<std::vector<std::string_view>> JsonArrayElements(std::string_view array);

// The decoded bytes of the JSON string literal `literal` (with its quotes), UTF-8.
Result<std::string> DecodeJsonString(std::string_view literal);

// The integer `literal` holds (a JSON number without fraction or exponent).
Result<int64_t> DecodeJsonInt(std::string_view literal);

inline bool IsJsonNull(std::string_view literal) { return literal == "null"; }

}  // namespace tributary
