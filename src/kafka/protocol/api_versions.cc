#include "kafka/protocol/api_versions.h"

#include <algorithm>

namespace tributary::kafka {

void FillApiVersions(const MessageTable& table, int16_t error_code, Struct* response,
                     const std::map<int, int>& max_versions) {
  response->SetInt("ErrorCode", error_code);
  for (const ApiDef& api : table.apis()) {
    Struct& entry = response->Append("ApiKeys");
    entry.SetInt("ApiKey", api.key);
    entry.SetInt("MinVersion", api.versions.min);
    auto cap = max_versions.find(api.key);
    entry.SetInt("MaxVersion", cap == max_versions.end() ? api.versions.max
                                                         : std::min(api.versions.max, cap->second));
  }
}

}  // namespace tributary::kafka
