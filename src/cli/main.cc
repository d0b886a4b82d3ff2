// tributary: Kafka to object storage and back, one binary.
#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/logging.h"

namespace tributary {
namespace {

std::atomic<bool> g_stop{false};
// A second flag the first signal also sets (the running task's), see ForwardStopTo.
std::atomic<std::atomic<bool>*> g_forward{nullptr};

void OnSignal(int) {
  // Only lock-free atomics and _exit here: both are async-signal-safe.
  if (g_stop.exchange(true)) _exit(130);  // second signal: stop now
  if (std::atomic<bool>* f = g_forward.load()) f->store(true);
}

constexpr const char* kUsage = R"(usage: tributary [--log-level LEVEL] <command> [options]

commands:
  sink -c FILE         run the S3 sink with a .properties or Connect JSON config
  source -c FILE [--dry-run]
                       replay archived objects back into Kafka (docs/source.md)
  status [--watch] [-c FILE | --url URL]
                       show a running sink's partitions, lag, rates and errors
                       (from its REST listener, rest.port)
  broker --data-dir DIR [--listen HOST:PORT]
                       run a Kafka-compatible broker (see tributary broker --help)
  quickstart           run a local broker, sample data and a sink into ./lake
  config [--markdown]  print every configuration key with its default and meaning
  config --validate -c FILE
                       check a sink config and print it with secrets hidden
  verify -c FILE --topic T [--deep] [--json]
                       audit a topic's objects: offsets covered, gaps, overlaps
  version              print the version

LEVEL is trace, debug, info (default), warn or error; TRIBUTARY_LOG_LEVEL also sets it.
)";

}  // namespace

void InstallStopHandlers() {
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

const std::atomic<bool>& StopRequested() { return g_stop; }

void ForwardStopTo(std::atomic<bool>* flag) { g_forward.store(flag); }

}  // namespace tributary

int main(int argc, char** argv) {
  using namespace tributary;
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string level =
      std::getenv("TRIBUTARY_LOG_LEVEL") ? std::getenv("TRIBUTARY_LOG_LEVEL") : "info";
  while (!args.empty() && args[0].rfind("--log-level", 0) == 0) {
    if (args[0] == "--log-level" && args.size() >= 2) {
      level = args[1];
      args.erase(args.begin(), args.begin() + 2);
    } else if (args[0].rfind("--log-level=", 0) == 0) {
      level = args[0].substr(12);
      args.erase(args.begin());
    } else {
      std::fputs(kUsage, stderr);
      return 2;
    }
  }
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  Status st = SetUpLogging(level);
  if (!st.ok()) {
    std::fprintf(stderr, "tributary: %s\n", st.message().c_str());
    return 2;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "sink") return RunSinkCommand(args);
  if (command == "status") return RunStatusCommand(args);
  if (command == "quickstart") return RunQuickstartCommand(args);
  if (command == "config") return RunConfigCommand(args);
  if (command == "verify") return RunVerifyCommand(args);
  if (command == "broker") return RunBrokerCommand(args);
  if (command == "source") return RunSourceCommand(args);
  if (command == "version" || command == "--version") {
    std::printf("tributary %s\n", TRIBUTARY_VERSION);
    return 0;
  }
  std::fprintf(stderr, "tributary: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 2;
}
