// Logging is spdlog, set up once by the CLI. Modules log through the default logger
// (spdlog::info(...) etc.); nothing else configures sinks or levels.
//
// Every line goes to stderr, as text (default) or one JSON object per line. Warnings
// and errors that repeat are rate-limited: the first is logged, the same message (its
// numbers ignored, so "retry 3 of key k" and "retry 4 of key k" are the same) is then
// counted, not logged, until the window passes; the next line, or a summary line when
// the window ends, says how many were suppressed. The newest warnings and errors are
// kept for the status page (RecentLogProblems).
//
// Secrets: modules never pass secrets to the logger (config printing masks them); this
// layer does not scrub.
//
// Thread safety: SetUpLogging must be called once, before other threads start.
// ConfigureLogging, RecentLogProblems and LoggedCount may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tributary {

// Sends logs to stderr with timestamps. `level` is one of trace, debug, info, warn,
// error, off (case-insensitive). Returns InvalidArgument naming the bad level.
Status SetUpLogging(std::string_view level);

// Switches the format ("text" or "json") and the repeat window (0: no rate limiting;
// default 10 s) after SetUpLogging. InvalidArgument names a bad format.
Status ConfigureLogging(std::string_view format, std::chrono::milliseconds repeat_window);

struct LoggedProblem {
  int64_t unix_ms = 0;   // when it was last logged or suppressed
  std::string level;     // "warning", "error" or "critical" (spdlog's names)
  std::string message;   // the first occurrence's text
  uint64_t repeats = 1;  // occurrences, suppressed ones included
};

// The newest distinct warnings and errors (at most 20), oldest first.
std::vector<LoggedProblem> RecentLogProblems();

// Messages logged at `level` ("warn", "error") since start, suppressed ones included.
uint64_t LoggedCount(std::string_view level);

}  // namespace tributary
