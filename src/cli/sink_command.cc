#include <spdlog/spdlog.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>

#include "cli/commands.h"
#include "cli/sink_runner.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "config/config.h"
#include "config/sink_keys.h"
#include "server/http_server.h"
#include "server/rest_api.h"
#include "sink/sink_config.h"
#include "sink/sink_metrics.h"

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

// Bounds a graceful shutdown: once `stop` is set, the process must finish within
// `timeout` or it exits with status 1 (nothing is lost: what was not committed is
// re-read on restart).
class ShutdownWatchdog {
 public:
  ShutdownWatchdog(const std::atomic<bool>& stop, std::chrono::milliseconds timeout)
      : thread_([this, &stop, timeout] {
          std::unique_lock<std::mutex> lock(mu_);
          while (!done_ && !stop.load()) cv_.wait_for(lock, std::chrono::milliseconds(50));
          if (done_) return;
          if (cv_.wait_for(lock, timeout, [this] { return done_; })) return;
          spdlog::error("shutdown did not finish within shutdown.timeout.ms={}; exiting now",
                        timeout.count());
          spdlog::default_logger()->flush();
          _exit(1);
        }) {}
  ~ShutdownWatchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

struct LoadedConfig {
  RawConfig raw;
  SinkConfig sink;
  int rest_port = -1;
  std::string rest_host;
  std::chrono::milliseconds shutdown_timeout{3000};
};

std::optional<LoadedConfig> LoadConfig(const std::string& path) {
  auto raw = ReadConfigFile(path);
  if (!raw.ok()) {
    std::fprintf(stderr, "tributary: %s\n", raw.status().message().c_str());
    return std::nullopt;
  }
  auto config = SinkConfig::FromRaw(*raw);
  if (!config.ok()) {
    std::fprintf(stderr, "tributary: %s: %s\n", path.c_str(), config.status().message().c_str());
    return std::nullopt;
  }
  // The operations keys (config/server_keys.cc) were validated with the rest above.
  auto ops = Config::Parse(SinkConfigTable(), config->effective);
  if (!ops.ok()) {
    std::fprintf(stderr, "tributary: %s: %s\n", path.c_str(), ops.status().message().c_str());
    return std::nullopt;
  }
  Status st = ConfigureLogging(ops->GetString("log.format"),
                               std::chrono::milliseconds(ops->GetLong("log.repeat.suppress.ms")));
  if (!st.ok()) {
    std::fprintf(stderr, "tributary: %s: %s\n", path.c_str(), st.message().c_str());
    return std::nullopt;
  }
  LoadedConfig out{std::move(raw).value(), std::move(config).value()};
  out.rest_port = ops->GetInt("rest.port");
  out.rest_host = ops->GetString("rest.host.name");
  out.shutdown_timeout = std::chrono::milliseconds(ops->GetLong("shutdown.timeout.ms"));
  return out;
}

}  // namespace

std::optional<SinkConfig> LoadSinkConfig(const std::string& path) {
  auto loaded = LoadConfig(path);
  if (!loaded) return std::nullopt;
  return std::move(loaded->sink);
}

int RunSinkCommand(const std::vector<std::string>& args) {
  std::vector<std::string> rest;
  std::string path = ConfigPathArg(args, &rest);
  if (path.empty() || !rest.empty()) {
    std::fprintf(stderr, "usage: tributary sink -c sink.properties\n");
    return 2;
  }
  auto loaded = LoadConfig(path);
  if (!loaded) return 2;
  std::atomic<bool> task_stop{false};
  InstallStopHandlers();
  ForwardStopTo(&task_stop);

  const bool rest_enabled = loaded->rest_port >= 0;
  MetricsRegistry registry;
  std::optional<SinkMetrics> metrics;
  if (rest_enabled) metrics.emplace(&registry);
  SinkRunner runner(loaded->sink, loaded->raw, metrics ? &*metrics : nullptr,
                    /*keep_failed=*/rest_enabled);
  std::unique_ptr<RestApi> api;
  std::unique_ptr<HttpServer> server;
  if (rest_enabled) {
    registry.AddCollectHook([&runner] { runner.CollectMetrics(); });
    auto* logged = registry.AddCounter("tributary_log_messages_total",
                                       "Warnings and errors logged (rate-limited repeats "
                                       "included), by level.",
                                       {"level"});
    auto warnings = logged->WithLabels({"warning"});
    auto errors = logged->WithLabels({"error"});
    registry.AddCollectHook(
        [warnings, errors, seen_w = uint64_t{0}, seen_e = uint64_t{0}]() mutable {
          uint64_t w = LoggedCount("warn"), e = LoggedCount("error");
          if (w > seen_w) warnings->Inc(w - seen_w);
          if (e > seen_e) errors->Inc(e - seen_e);
          seen_w = std::max(seen_w, w);
          seen_e = std::max(seen_e, e);
        });
    HttpServerOptions options;
    options.host = loaded->rest_host;
    options.port = loaded->rest_port;
    // Set once the bound port (part of the worker id) is known; until then, 503.
    static std::atomic<RestApi*> api_ptr{nullptr};
    auto started = HttpServer::Start(
        options,
        [](const HttpRequest& req) {
          RestApi* a = api_ptr.load();
          return a ? a->Handle(req) : ConnectError(503, "starting");
        },
        [] {
          if (RestApi* a = api_ptr.load()) a->Tick();
        });
    if (!started.ok()) {
      spdlog::error("{}", started.status().message());
      ForwardStopTo(nullptr);
      return 1;
    }
    server = std::move(started).value();
    RestApiOptions api_options;
    api_options.version = TRIBUTARY_VERSION;
    api_options.worker_id = fmt::format("{}:{}", loaded->rest_host, server->port());
    api = std::make_unique<RestApi>(&runner, &registry, api_options);
    api_ptr.store(api.get());
    spdlog::info("REST API, /metrics and /ui on http://{}:{}/", loaded->rest_host, server->port());
  }
  int code;
  {
    ShutdownWatchdog watchdog(StopRequested(), loaded->shutdown_timeout);
    code = runner.Run(StopRequested(), &task_stop);
  }
  ForwardStopTo(nullptr);
  if (server) server->Stop();  // joins the server thread: api may go now
  if (code == 0) spdlog::info("sink stopped cleanly");
  return code;
}

}  // namespace tributary
