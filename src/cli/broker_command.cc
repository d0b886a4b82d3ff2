// `tributary broker`: a Kafka-wire-compatible broker on local disk + object storage.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "broker/embedded_broker.h"
#include "cli/commands.h"
#include "kafka/protocol/schema.h"

namespace tributary {
namespace {

constexpr const char* kBrokerUsage = R"(usage: tributary broker --data-dir DIR [options]

  --data-dir DIR               WAL, metadata log and (by default) the object store live here
  --listen HOST:PORT           address to accept Kafka clients on (default 127.0.0.1:9092;
                               port 0 picks a free port, printed as LISTENING=host:port)
  --advertised-listener H:P    address clients are told to connect to (default: --listen)
  --store-url URL              object store for packed data (default file://DIR/store)
  --bucket NAME                bucket in that store (default tributary)
  --default-partitions N       partitions of auto-created topics (default 1)
  --no-auto-create-topics      answer Metadata for unknown topics with an error instead
  --pack-interval-ms MS        pack the WAL into an object at least this often (default 5000)
  --pack-bytes BYTES           ... or once the WAL holds this much (default 8388608)
  --print-apis                 print the APIs and versions served, then exit
)";

bool SplitHostPort(const std::string& s, std::string* host, int* port) {
  size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = s.substr(0, colon);
  try {
    size_t used = 0;
    *port = std::stoi(s.substr(colon + 1), &used);
    return used == s.size() - colon - 1 && *port >= 0 && *port <= 65535;
  } catch (...) {
    return false;
  }
}

// "Name=V" or "*=V" (every API): advertise at most version V of that API in
// ApiVersions, never below the API's minimum. Clients then negotiate down, which is how
// the corpus gets requests of older versions (tests/e2e/broker_capture_corpus.py).
bool ParseVersionCap(const std::string& spec, std::map<int, int>* caps) {
  size_t eq = spec.find('=');
  int version = -1;
  try {
    size_t used = 0;
    if (eq != std::string::npos) version = std::stoi(spec.substr(eq + 1), &used);
    if (used != spec.size() - eq - 1) version = -1;
  } catch (...) {
    version = -1;
  }
  if (version < 0) {
    std::fprintf(stderr, "tributary broker: --max-api-version '%s': expected API=VERSION\n",
                 spec.c_str());
    return false;
  }
  const std::string name = spec.substr(0, eq);
  bool found = false;
  for (const auto& api : kafka::MessageTable::Builtin().apis()) {
    if (name != "*" && name != api.name) continue;
    (*caps)[api.key] = std::max(api.versions.min, std::min(api.versions.max, version));
    found = true;
  }
  if (!found) {
    std::fprintf(stderr,
                 "tributary broker: --max-api-version: unknown API '%s' (see --print-apis)\n",
                 name.c_str());
  }
  return found;
}

}  // namespace

int RunBrokerCommand(const std::vector<std::string>& args) {
  std::string data_dir, listen = "127.0.0.1:9092", advertised, store_url, bucket = "tributary";
  broker::StorageOptions storage_options;
  broker::BrokerOptions broker_options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "tributary broker: %s needs a value\n", a.c_str());
        return false;
      }
      *out = args[++i];
      return true;
    };
    auto number = [&](int64_t* out) {
      std::string v;
      if (!value(&v)) return false;
      try {
        size_t used = 0;
        *out = std::stoll(v, &used);
        if (used == v.size() && *out > 0) return true;
      } catch (...) {
      }
      std::fprintf(stderr, "tributary broker: %s: expected a positive integer, got '%s'\n",
                   a.c_str(), v.c_str());
      return false;
    };
    int64_t n = 0;
    if (a == "--data-dir") {
      if (!value(&data_dir)) return 2;
    } else if (a == "--listen") {
      if (!value(&listen)) return 2;
    } else if (a == "--advertised-listener") {
      if (!value(&advertised)) return 2;
    } else if (a == "--store-url") {
      if (!value(&store_url)) return 2;
    } else if (a == "--bucket") {
      if (!value(&bucket)) return 2;
    } else if (a == "--default-partitions") {
      if (!number(&n)) return 2;
      storage_options.default_partitions = static_cast<int>(n);
    } else if (a == "--pack-interval-ms") {
      if (!number(&n)) return 2;
      storage_options.pack_interval_ms = n;
    } else if (a == "--pack-bytes") {
      if (!number(&n)) return 2;
      storage_options.pack_bytes = static_cast<uint64_t>(n);
    } else if (a == "--no-auto-create-topics") {
      broker_options.auto_create_topics = false;
    } else if (a == "--capture-dir") {  // development: record client requests (corpus)
      if (!value(&broker_options.capture_dir)) return 2;
    } else if (a == "--max-api-version") {  // tests: advertise API <= V (corpus capture)
      std::string spec;
      if (!value(&spec)) return 2;
      if (!ParseVersionCap(spec, &broker_options.max_versions)) return 2;
    } else if (a == "--print-apis") {
      for (const auto& api : kafka::MessageTable::Builtin().apis()) {
        std::printf("%-16s key %2d  versions %d-%d  flexible from %d\n", api.name.c_str(), api.key,
                    api.versions.min, api.versions.max, api.flexible_min);
      }
      return 0;
    } else if (a == "-h" || a == "--help") {
      std::fputs(kBrokerUsage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "tributary broker: unknown option '%s'\n\n%s", a.c_str(), kBrokerUsage);
      return 2;
    }
  }
  if (data_dir.empty()) {
    std::fprintf(stderr, "tributary broker: --data-dir is required\n\n%s", kBrokerUsage);
    return 2;
  }
  broker::EmbeddedBrokerOptions o;
  if (!SplitHostPort(listen, &o.listen_host, &o.listen_port)) {
    std::fprintf(stderr, "tributary broker: --listen '%s': expected HOST:PORT\n", listen.c_str());
    return 2;
  }
  if (!advertised.empty() && !SplitHostPort(advertised, &o.advertised_host, &o.advertised_port)) {
    std::fprintf(stderr, "tributary broker: --advertised-listener '%s': expected HOST:PORT\n",
                 advertised.c_str());
    return 2;
  }
  o.data_dir = data_dir;
  o.store_url = store_url;
  o.bucket = bucket;
  o.storage = storage_options;
  o.broker = broker_options;
  InstallStopHandlers();
  auto broker = broker::EmbeddedBroker::Start(o);
  if (!broker.ok()) {
    std::fprintf(stderr, "tributary broker: %s\n", broker.status().message().c_str());
    return 1;
  }
  std::printf("LISTENING=%s:%d\n", o.listen_host.c_str(), (*broker)->port());
  std::fflush(stdout);
  spdlog::info("tributary broker listening on {}:{} (advertised {}), data in {}, objects in {}",
               o.listen_host, (*broker)->port(), (*broker)->bootstrap(), data_dir,
               (*broker)->store_description());
  while (!StopRequested()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  spdlog::info("tributary broker stopping");
  Status st = (*broker)->Stop();
  if (!st.ok()) spdlog::warn("final pack: {}", st.ToString());
  return 0;
}

}  // namespace tributary
