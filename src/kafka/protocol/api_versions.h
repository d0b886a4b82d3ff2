// The ApiVersions response, generated from the message table: the broker advertises
// exactly the APIs and versions messages.def defines.
#pragma once

#include <map>

#include "kafka/protocol/message.h"
#include "kafka/protocol/schema.h"

namespace tributary::kafka {

inline constexpr int kApiVersionsKey = 18;

// Fills ApiKeys of an ApiVersions response from `table` and sets ErrorCode. `max_versions`
// (API key -> version) lowers the advertised maximum of those APIs (tests: corpus capture).
void FillApiVersions(const MessageTable& table, int16_t error_code, Struct* response,
                     const std::map<int, int>& max_versions = {});

}  // namespace tributary::kafka
