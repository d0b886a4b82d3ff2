// tributary-mock-kafka: librdkafka's mock cluster as a standalone test service.
//
//   tributary-mock-kafka [--brokers N] [--topic NAME:PARTITIONS]...
//
// Listens on 127.0.0.1 (ephemeral ports), prints "BOOTSTRAP=<host:port,...>" on one line
// to stdout once ready, and runs until SIGTERM or SIGINT. Topics not created up front
// are auto-created by the mock on first use.
#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <string>

#include <vector>

#include "kafka/mock/mock_cluster.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  int brokers = 1;
  std::vector<std::pair<std::string, int>> topics;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--brokers" && i + 1 < argc) {
      brokers = std::atoi(argv[++i]);
    } else if (a == "--topic" && i + 1 < argc) {
      std::string spec = argv[++i];
      size_t colon = spec.rfind(':');
      if (colon == std::string::npos) {
        std::fprintf(stderr, "--topic expects NAME:PARTITIONS, got '%s'\n", spec.c_str());
        return 2;
      }
      topics.emplace_back(spec.substr(0, colon), std::atoi(spec.c_str() + colon + 1));
    } else {
      std::fprintf(stderr, "usage: %s [--brokers N] [--topic NAME:PARTITIONS]...\n", argv[0]);
      return 2;
    }
  }
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  auto cluster = tributary::MockCluster::Start(brokers);
  if (!cluster.ok()) {
    std::fprintf(stderr, "%s\n", cluster.status().ToString().c_str());
    return 1;
  }
  for (const auto& [name, partitions] : topics) {
    tributary::Status st = (*cluster)->CreateTopic(name, partitions);
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
  }
  std::printf("BOOTSTRAP=%s\n", (*cluster)->bootstrap_servers().c_str());
  std::fflush(stdout);
  while (!g_stop) pause();
  return 0;
}
