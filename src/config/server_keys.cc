// Keys of the operations group: the REST/metrics listener, shutdown and logging
// (issue #9, docs/operations.md).
#include "config/sink_keys.h"

namespace tributary {

std::vector<ConfigKey> ServerKeys() {
  return {
      {.name = "rest.port",
       .type = ConfigType::kInt,
       .default_value = "-1",
       .group = "Operations",
       .doc = "Port of the HTTP listener serving Kafka Connect's REST API (`/connectors/...`), "
              "Prometheus metrics (`/metrics`), `/health`, `/ready` and the status page "
              "(`/ui`). -1 turns it off; 0 picks a free port (logged at start-up). Connect's "
              "own default is 8083.",
       .min = -1,
       .max = 65535},
      {.name = "rest.host.name",
       .type = ConfigType::kString,
       .default_value = "127.0.0.1",
       .group = "Operations",
       .doc = "Address the HTTP listener binds to. The default serves this machine only; "
              "`0.0.0.0` listens on every interface (the API has no authentication: expose it "
              "only to trusted networks). Secrets never appear in its answers."},
      {.name = "shutdown.timeout.ms",
       .type = ConfigType::kLong,
       .default_value = "3000",
       .group = "Operations",
       .doc = "On SIGTERM or SIGINT the sink stops consuming, commits the offsets of what is "
              "durable and aborts open files (they are re-read on restart, so nothing is lost "
              "or duplicated). If that takes longer than this, the process exits anyway with "
              "status 1. A second signal exits at once.",
       .min = 0},
      {.name = "log.format",
       .type = ConfigType::kString,
       .default_value = "text",
       .group = "Operations",
       .doc = "`text`: one human-readable line per event on stderr. `json`: one JSON object "
              "per line (`ts`, `level`, `msg`, and `repeated` for rate-limited repeats).",
       .allowed = {"text", "json"}},
      {.name = "log.repeat.suppress.ms",
       .type = ConfigType::kLong,
       .default_value = "10000",
       .group = "Operations",
       .doc = "A warning or error that repeats (same text once numbers are ignored) is logged "
              "once per this interval; the next line says how many were suppressed. 0 logs "
              "every one.",
       .min = 0},
      {.name = "diagnostic.log.interval.ms",
       .type = ConfigType::kLong,
       .default_value = "300000",
       .group = "Operations",
       .doc = "\"Why did this file not rotate?\": every partition whose open file has been open "
              "longer than this gets one info line, repeated at this interval while it stays "
              "open, naming the rotation conditions it waits for (flush.size reached so far, "
              "the record timestamp rotate.interval.ms needs, the next scheduled rotation, or "
              "that no time-based rotation is configured). At most 20 partitions are named per "
              "interval, the rest counted. -1 turns it off.",
       .min = -1},
  };
}

}  // namespace tributary
