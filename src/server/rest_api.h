// RestApi: the operations endpoint's routes, as one HTTP handler.
//
// Kafka Connect compatible (same paths, JSON shapes, status codes and error body
// `{"error_code": N, "message": "..."}`), for one connector, so tools written for Connect
// (curl scripts, kcctl, UIs) work unchanged:
//   GET  /                                   {"version","commit","kafka_cluster_id"}
//   GET  /connectors[?expand=status|info]    ["name"] or {"name": {"status"|"info": ...}}
//   GET  /connectors/{name}                  {"name","config","tasks","type"}
//   GET  /connectors/{name}/config           {key: value}, secrets "[hidden]"
//   GET  /connectors/{name}/status           {"name","connector","tasks","type"}
//   GET  /connectors/{name}/tasks            [{"id":{"connector","task"},"config"}]
//   GET  /connectors/{name}/tasks/0/status   {"id","state","worker_id"[,"trace"]}
//   GET  /connectors/{name}/topics           {"name": {"topics": [...]}}
//   PUT  /connectors/{name}/pause|resume     202, no body
//   POST /connectors/{name}/restart          204; with includeTasks/onlyFailed 202 + status
//   POST /connectors/{name}/tasks/0/restart  204
// Tributary's own:
//   GET /metrics   Prometheus text (MetricsRegistry::Expose)
//   GET /health    liveness: 200 {"status":"healthy"}; 500 when the connector FAILED
//   GET /ready     readiness: 200 when RUNNING, assigned and making progress; else 503
//   GET /status    everything /ui and `tributary status` show (docs/operations.md)
//   GET /ui        a self-contained status page polling /status
//
// Thread safety: Handle() and Tick() run on the HTTP server's thread only.
#pragma once

#include <chrono>
#include <deque>
#include <string>

#include "common/metrics.h"
#include "server/connector_control.h"
#include "server/http.h"

namespace tributary {

struct RestApiOptions {
  std::string version;           // GET /'s "version"
  std::string commit;            // GET /'s "commit"
  std::string kafka_cluster_id;  // GET /'s "kafka_cluster_id" (empty: unknown)
  std::string worker_id;         // "host:port", as Connect reports its workers
  // /ready requires a record consumed or an object written within this window, unless
  // every known partition has no lag.
  std::chrono::milliseconds progress_window{60000};
};

class RestApi {
 public:
  // Borrows both; they must outlive the RestApi.
  RestApi(ConnectorControl* connector, MetricsRegistry* metrics, RestApiOptions options);

  HttpResponse Handle(const HttpRequest& request);

  // Samples the totals for the rates in /status (records/s, bytes/s). Call about every
  // second.
  void Tick();

 private:
  struct Sample {
    std::chrono::steady_clock::time_point at;
    uint64_t records_consumed;
    uint64_t bytes_written;
  };
  struct Rates {
    double records_per_second = 0;
    double bytes_per_second = 0;
    bool known = false;
  };

  HttpResponse HandleConnector(const HttpRequest& request, const std::string& rest);
  std::string InfoJson() const;
  std::string StatusJson(const ConnectorSnapshot& s) const;
  std::string TaskStatusJson(const ConnectorSnapshot& s) const;
  std::string ConfigJson() const;
  std::string FullStatusJson(const ConnectorSnapshot& s) const;
  std::pair<bool, std::string> Readiness(const ConnectorSnapshot& s) const;
  Rates CurrentRates() const;
  HttpResponse ControlResponse(const Status& st, int ok_status) const;

  ConnectorControl* connector_;
  MetricsRegistry* metrics_;
  const RestApiOptions options_;
  std::deque<Sample> samples_;  // the last ~15 s
};

// A Connect error response: {"error_code": status, "message": message}.
HttpResponse ConnectError(int status, std::string_view message);

// The /ui page (self-contained HTML, CSS and JavaScript).
std::string_view StatusPageHtml();

}  // namespace tributary
