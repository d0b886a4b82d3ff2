#include "common/logging.h"

#include "common/strings.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

namespace tributary {

Status SetUpLogging(std::string_view level) {
  const std::string lower = ToLower(level);
  auto lvl = spdlog::level::from_str(lower);
  // from_str maps unknown names to "off"; only accept "off" when asked for.
  if (lvl == spdlog::level::off && lower != "off") {
    return InvalidArgument("log level '{}': expected trace, debug, info, warn, error or off",
                           level);
  }
  auto logger = spdlog::stderr_color_mt("tributary");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
  return Status::OK();
}

}  // namespace tributary
