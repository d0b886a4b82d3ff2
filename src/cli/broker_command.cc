// `tributary broker`: a Kafka-wire-compatible broker on local disk + object storage.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "broker/group_coordinator.h"
#include "broker/request_handler.h"
#include "broker/server.h"
#include "broker/storage.h"
#include "cli/commands.h"
#include "kafka/protocol/schema.h"
#include "objstore/object_store.h"

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
  std::string host;
  int port = 0;
  if (!SplitHostPort(listen, &host, &port)) {
    std::fprintf(stderr, "tributary broker: --listen '%s': expected HOST:PORT\n", listen.c_str());
    return 2;
  }
  mkdir(data_dir.c_str(), 0755);
  if (store_url.empty()) {
    std::string root = data_dir + "/store";
    mkdir(root.c_str(), 0755);
    if (root[0] != '/') {
      char cwd[4096];
      if (getcwd(cwd, sizeof(cwd))) root = std::string(cwd) + "/" + root;
    }
    store_url = "file://" + root;
  }
  StoreOptions store_options;
  store_options.url = store_url;
  store_options.bucket = bucket;
  auto store = OpenObjectStore(store_options);
  if (!store.ok()) {
    std::fprintf(stderr, "tributary broker: %s\n", store.status().message().c_str());
    return 2;
  }
  if (Status st = (*store)->CheckBucket(); !st.ok()) {
    std::fprintf(stderr, "tributary broker: store %s: %s\n", (*store)->Describe().c_str(),
                 st.message().c_str());
    return 1;
  }
  storage_options.data_dir = data_dir;
  storage_options.store = store->get();
  auto storage = broker::Storage::Open(storage_options);
  if (!storage.ok()) {
    std::fprintf(stderr, "tributary broker: recovering %s: %s\n", data_dir.c_str(),
                 storage.status().ToString().c_str());
    return 1;
  }
  InstallStopHandlers();
  broker::GroupCoordinator groups;
  std::string adv_host = host;
  int adv_port = port;
  if (!advertised.empty() && !SplitHostPort(advertised, &adv_host, &adv_port)) {
    std::fprintf(stderr, "tributary broker: --advertised-listener '%s': expected HOST:PORT\n",
                 advertised.c_str());
    return 2;
  }
  broker_options.advertised_host = adv_host;
  // Bind before building the handler: with port 0 the advertised port is the bound one.
  broker::Server server;
  auto bound = server.Bind(host, port);
  if (!bound.ok()) {
    std::fprintf(stderr, "tributary broker: %s\n", bound.status().message().c_str());
    return 1;
  }
  broker_options.advertised_port = advertised.empty() ? *bound : adv_port;
  if (advertised.empty()) adv_port = *bound;
  broker::RequestHandler handler(broker_options, storage->get(), &groups);
  server.Serve(&handler);
  std::printf("LISTENING=%s:%d\n", host.c_str(), *bound);
  std::fflush(stdout);
  spdlog::info("tributary broker listening on {}:{} (advertised {}:{}), data in {}, objects in {}",
               host, *bound, adv_host, adv_port, data_dir, (*store)->Describe());
  while (!StopRequested()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  spdlog::info("tributary broker stopping");
  groups.Shutdown();
  server.Stop();
  Status st = (*storage)->PackNow();
  if (!st.ok()) spdlog::warn("final pack: {}", st.ToString());
  return 0;
}

}  // namespace tributary
