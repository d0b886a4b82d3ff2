#include "kafka/protocol/api_versions.h"

namespace tributary::kafka {

void FillApiVersions(const MessageTable& table, int16_t error_code, Struct* response) {
  response->SetInt("ErrorCode", error_code);
  for (const ApiDef& api : table.apis()) {
    Struct& entry = response->Append("ApiKeys");
    entry.SetInt("ApiKey", api.key);
    entry.SetInt("MinVersion", api.versions.min);
    entry.SetInt("MaxVersion", api.versions.max);
  }
}

}  // namespace tributary::kafka
