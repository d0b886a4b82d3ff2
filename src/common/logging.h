// Logging is spdlog, set up once by the CLI. Modules log through the default logger
// (spdlog::info(...) etc.); nothing else configures sinks or levels.
//
// Thread safety: SetUpLogging must be called once, before other threads start.
#pragma once

#include <string_view>

#include "common/status.h"

namespace tributary {

// Sends logs to stderr with timestamps. `level` is one of trace, debug, info, warn,
// error, off (case-insensitive). Returns InvalidArgument naming the bad level.
Status SetUpLogging(std::string_view level);

}  // namespace tributary
