#include <spdlog/spdlog.h>

#include <cstdio>
#include <optional>

#include "cli/commands.h"
#include "config/config.h"
#include "sink/sink_config.h"
#include "sink/sink_task.h"

namespace tributary {

namespace {

// Parses "-c FILE" / "--config FILE" / "--config=FILE". Empty on error.
std::string ConfigPathArg(const std::vector<std::string>& args, std::vector<std::string>* rest) {
  std::string path;
  for (size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "-c" || args[i] == "--config") && i + 1 < args.size()) {
      path = args[++i];
    } else if (args[i].rfind("--config=", 0) == 0) {
      path = args[i].substr(9);
    } else if (rest) {
      rest->push_back(args[i]);
    }
  }
  return path;
}

}  // namespace

std::optional<SinkConfig> LoadSinkConfig(const std::string& path) {
  auto raw = ReadConfigFile(path);
  if (!raw.ok()) {
    std::fprintf(stderr, "tributary: %s\n", raw.status().message().c_str());
    return std::nullopt;
  }
  auto config = SinkConfig::FromRaw(std::move(raw).value());
  if (!config.ok()) {
    std::fprintf(stderr, "tributary: %s: %s\n", path.c_str(), config.status().message().c_str());
    return std::nullopt;
  }
  return std::move(config).value();
}

int RunSinkCommand(const std::vector<std::string>& args) {
  std::vector<std::string> rest;
  std::string path = ConfigPathArg(args, &rest);
  if (path.empty() || !rest.empty()) {
    std::fprintf(stderr, "usage: tributary sink -c sink.properties\n");
    return 2;
  }
  auto config = LoadSinkConfig(path);
  if (!config) return 2;
  InstallStopHandlers();
  auto task = SinkTask::Create(std::move(*config));
  if (!task.ok()) {
    spdlog::error("{}", task.status().message());
    return task.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  Status st = (*task)->Run(StopRequested());
  if (!st.ok()) return 1;
  spdlog::info("sink stopped cleanly");
  return 0;
}

}  // namespace tributary
