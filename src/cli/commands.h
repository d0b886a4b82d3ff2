// The tributary subcommands. Each takes its arguments (after the subcommand name) and
// returns the process exit code: 0 success, 1 runtime failure, 2 usage or config error.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "sink/sink_config.h"

namespace tributary {

int RunSinkCommand(const std::vector<std::string>& args);
int RunQuickstartCommand(const std::vector<std::string>& args);
int RunConfigCommand(const std::vector<std::string>& args);
int RunVerifyCommand(const std::vector<std::string>& args);
int RunStatusCommand(const std::vector<std::string>& args);
int RunBrokerCommand(const std::vector<std::string>& args);
int RunSourceCommand(const std::vector<std::string>& args);  // source_command.cc (#11)

// Installs SIGINT/SIGTERM handlers that set StopRequested(). A second signal exits at
// once.
void InstallStopHandlers();
const std::atomic<bool>& StopRequested();
// The first signal also sets `*flag` (nullptr: none). `flag` must outlive the handlers'
// use of it (call ForwardStopTo(nullptr) before it goes away).
void ForwardStopTo(std::atomic<bool>* flag);

// Reads and validates a sink config file; prints what is wrong and returns nullopt.
std::optional<SinkConfig> LoadSinkConfig(const std::string& path);

}  // namespace tributary
