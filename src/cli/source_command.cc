// `tributary source -c FILE [--dry-run]`: replays archived objects into Kafka
// (docs/source.md, src/source/README.md).
#include <spdlog/spdlog.h>

#include <cstdio>

#include "cli/commands.h"
#include "config/config.h"
#include "source/object_index.h"
#include "source/replayer.h"
#include "source/source_config.h"

namespace tributary {

int RunSourceCommand(const std::vector<std::string>& args) {
  std::string path;
  bool dry_run = false;
  bool bad = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "-c" || args[i] == "--config") && i + 1 < args.size()) {
      path = args[++i];
    } else if (args[i].rfind("--config=", 0) == 0) {
      path = args[i].substr(9);
    } else if (args[i] == "--dry-run") {
      dry_run = true;
    } else {
      bad = true;
    }
  }
  if (path.empty() || bad) {
    std::fprintf(stderr, "usage: tributary source -c source.properties [--dry-run]\n");
    return 2;
  }
  auto raw = ReadConfigFile(path);
  if (!raw.ok()) {
    std::fprintf(stderr, "tributary: %s\n", raw.status().message().c_str());
    return 2;
  }
  auto config = SourceConfig::FromRaw(std::move(raw).value());
  if (!config.ok()) {
    std::fprintf(stderr, "tributary: %s: %s\n", path.c_str(), config.status().message().c_str());
    return 2;
  }
  for (const auto& k : config->unused_keys) {
    spdlog::warn("config key '{}' is not used by this version", k);
  }
  InstallStopHandlers();
  ReplayOptions options;
  options.dry_run = dry_run;
  options.stop = &StopRequested();
  auto store = OpenObjectStore(config->replay.store);
  Status st = store.ok() ? (*store)->CheckBucket() : store.status();
  if (!st.ok()) {
    spdlog::error("source: {}", st.message());
    return 1;
  }
  auto index = DiscoverObjects(**store, *config);
  if (!index.ok()) {
    spdlog::error("source: listing objects: {}", index.status().message());
    return 1;
  }
  auto result = RunReplay(config->replay, **store, *index, options);
  if (!result.ok()) {
    spdlog::error("source: {}", result.status().message());
    return result.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  return 0;
}

}  // namespace tributary
