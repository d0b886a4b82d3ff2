#include "server/rest_api.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>

namespace tributary {
namespace {

// A connector whose snapshot the test sets (the e2e test drives the real sink).
class FixedConnector : public ConnectorControl {
 public:
  std::string Name() const override { return "s3-sink"; }
  std::vector<std::pair<std::string, std::string>> RedactedConfig() const override {
    RawConfig raw = {{"name", "s3-sink"},
                     {"aws.secret.access.key", "SECRETVALUE"},
                     {"consumer.override.sasl.jaas.config", "JAASSECRET"},
                     {"flush.size", "100"},
                     {"s3.proxy.url", "http://proxyuser:URLSECRET@proxy:3128/"},
                     {"store.url", "http://rgw:7480/a@b"}};
    ConfigTable table({{.name = "aws.secret.access.key", .type = ConfigType::kPassword}});
    return RedactConfig(raw, table);
  }
  std::vector<std::string> Topics() const override { return {"orders"}; }
  ConnectorSnapshot Snapshot() const override { return snapshot; }
  Status Pause() override {
    ++pauses;
    return Status::OK();
  }
  Status Resume() override { return PreconditionFailed("not paused"); }
  Status Restart() override { return Status::OK(); }

  ConnectorSnapshot snapshot;
  int pauses = 0;
};

struct Fixture {
  FixedConnector connector;
  MetricsRegistry metrics;
  RestApi api{&connector, &metrics, {"0.1.0", "abc", "", "127.0.0.1:8083"}};

  HttpResponse Call(const std::string& method, const std::string& target) {
    auto parsed = ParseHttpRequest(method + " " + target + " HTTP/1.1\r\n\r\n");
    EXPECT_EQ(parsed.state, HttpParseResult::kDone);
    return api.Handle(parsed.request);
  }
};

std::set<std::string> Keys(simdjson::dom::object o) {
  std::set<std::string> keys;
  for (auto field : o) keys.insert(std::string(field.key));
  return keys;
}

TEST(RestApiTest, ConnectShapesForRootInfoAndStatus) {
  Fixture f;
  f.connector.snapshot.state = ConnectorState::kRunning;
  simdjson::dom::parser p;

  auto root = f.Call("GET", "/");
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(Keys(p.parse(root.body).get_object().value()),
            (std::set<std::string>{"version", "commit", "kafka_cluster_id"}));

  auto list = f.Call("GET", "/connectors");
  EXPECT_EQ(list.body, R"(["s3-sink"])");

  auto info = f.Call("GET", "/connectors/s3-sink");
  auto info_obj = p.parse(info.body).get_object().value();
  EXPECT_EQ(Keys(info_obj), (std::set<std::string>{"name", "config", "tasks", "type"}));
  EXPECT_EQ(std::string(info_obj["type"].get_string().value()), "sink");
  auto task = info_obj["tasks"].at(0).get_object().value();
  EXPECT_EQ(Keys(task), (std::set<std::string>{"connector", "task"}));

  auto status = f.Call("GET", "/connectors/s3-sink/status");
  auto st = p.parse(status.body).get_object().value();
  EXPECT_EQ(Keys(st), (std::set<std::string>{"name", "connector", "tasks", "type"}));
  EXPECT_EQ(Keys(st["connector"].get_object().value()),
            (std::set<std::string>{"state", "worker_id"}));
  auto t0 = st["tasks"].at(0).get_object().value();
  EXPECT_EQ(Keys(t0), (std::set<std::string>{"id", "state", "worker_id"}));
  EXPECT_EQ(std::string(t0["worker_id"].get_string().value()), "127.0.0.1:8083");

  auto expanded = f.Call("GET", "/connectors?expand=status&expand=info");
  auto ex = p.parse(expanded.body).get_object().value();
  EXPECT_EQ(Keys(ex["s3-sink"].get_object().value()), (std::set<std::string>{"status", "info"}));
}

TEST(RestApiTest, FailedTaskCarriesTraceAndHealthFails) {
  Fixture f;
  f.connector.snapshot.state = ConnectorState::kFailed;
  f.connector.snapshot.trace = "store unreachable";
  simdjson::dom::parser p;
  auto st = p.parse(f.Call("GET", "/connectors/s3-sink/status").body).get_object().value();
  auto t0 = st["tasks"].at(0).get_object().value();
  EXPECT_EQ(std::string(t0["state"].get_string().value()), "FAILED");
  EXPECT_EQ(std::string(t0["trace"].get_string().value()), "store unreachable");
  EXPECT_EQ(f.Call("GET", "/health").status, 500);
  EXPECT_EQ(f.Call("GET", "/ready").status, 503);
}

TEST(RestApiTest, ConfigHidesSecrets) {
  Fixture f;
  auto cfg = f.Call("GET", "/connectors/s3-sink/config");
  EXPECT_EQ(cfg.status, 200);
  EXPECT_EQ(cfg.body.find("SECRETVALUE"), std::string::npos) << cfg.body;
  EXPECT_EQ(cfg.body.find("JAASSECRET"), std::string::npos) << cfg.body;
  EXPECT_NE(cfg.body.find(R"("aws.secret.access.key":"[hidden]")"), std::string::npos);
  EXPECT_NE(cfg.body.find(R"("flush.size":"100")"), std::string::npos);
  EXPECT_EQ(cfg.body.find("URLSECRET"), std::string::npos) << cfg.body;
  EXPECT_NE(cfg.body.find(R"("s3.proxy.url":"http://proxyuser:[hidden]@proxy:3128/")"),
            std::string::npos);
  EXPECT_NE(cfg.body.find(R"("store.url":"http://rgw:7480/a@b")"), std::string::npos);
}

TEST(RestApiTest, ControlEndpointsUseConnectStatusCodes) {
  Fixture f;
  EXPECT_EQ(f.Call("PUT", "/connectors/s3-sink/pause").status, 202);
  EXPECT_EQ(f.connector.pauses, 1);
  auto resume = f.Call("PUT", "/connectors/s3-sink/resume");
  EXPECT_EQ(resume.status, 409);
  EXPECT_EQ(resume.body, R"({"error_code":409,"message":"not paused"})");
  EXPECT_EQ(f.Call("POST", "/connectors/s3-sink/restart").status, 204);
  EXPECT_EQ(f.Call("POST", "/connectors/s3-sink/restart?includeTasks=true").status, 202);
  EXPECT_EQ(f.Call("GET", "/connectors/s3-sink/pause").status, 405);
  auto missing = f.Call("GET", "/connectors/other/status");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, R"({"error_code":404,"message":"Connector other not found"})");
}

TEST(RestApiTest, ReadyWhenAssignedAndProgressing) {
  Fixture f;
  auto& s = f.connector.snapshot;
  s.state = ConnectorState::kRunning;
  EXPECT_EQ(f.Call("GET", "/ready").status, 503);  // nothing assigned
  s.assigned = true;
  s.partitions.push_back({.tp = {"orders", Partition(0)}, .lag = 5});
  EXPECT_EQ(f.Call("GET", "/ready").status, 503);  // lag and no progress
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  s.last_progress_unix_ms = now;
  EXPECT_EQ(f.Call("GET", "/ready").status, 200);
  // Idle for two minutes with lag: ready if no record arrived since (a file waiting to
  // fill), not ready if records arrived and were not consumed (stalled).
  s.last_progress_unix_ms = now - 120000;
  s.last_input_unix_ms = now - 130000;
  EXPECT_EQ(f.Call("GET", "/ready").status, 200);
  s.last_input_unix_ms = now - 100000;
  auto stalled = f.Call("GET", "/ready");
  EXPECT_EQ(stalled.status, 503);
  EXPECT_NE(stalled.body.find("records are waiting"), std::string::npos) << stalled.body;
  s.last_progress_unix_ms.reset();
  s.partitions[0].lag = 0;
  EXPECT_EQ(f.Call("GET", "/ready").status, 200);  // caught up
}

TEST(RestApiTest, StatusDocumentHasRatesAndEta) {
  Fixture f;
  auto& s = f.connector.snapshot;
  s.state = ConnectorState::kRunning;
  s.partitions.push_back({.tp = {"orders", Partition(0)},
                          .committed_offset = 10,
                          .high_watermark = 1010,
                          .lag = 1000});
  s.partitions[0].rotation_waiting_for = "flush.size: 340 of 1000 records";
  f.api.Tick();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  s.records_consumed = 100;
  f.api.Tick();
  simdjson::dom::parser p;
  auto doc = p.parse(f.Call("GET", "/status").body).get_object().value();
  double rate = doc["rates"]["records_per_second"].get_double().value();
  EXPECT_GT(rate, 100);  // 100 records in ~0.2 s
  EXPECT_LT(rate, 1000);
  EXPECT_NEAR(doc["eta_seconds"].get_double().value(), 1000 / rate, 1e-6);
  EXPECT_EQ(doc["lag"].get_int64().value(), 1000);
  auto part = doc["partitions"].at(0).get_object().value();
  EXPECT_TRUE(part["open_files"].is_null());  // unknown, not zero
  EXPECT_EQ(std::string(part["rotation_waiting_for"].get_string().value()),
            "flush.size: 340 of 1000 records");
}

TEST(RestApiTest, MetricsAndUi) {
  Fixture f;
  f.metrics.AddCounter("x_total", "x")->Get()->Inc();
  auto m = f.Call("GET", "/metrics");
  EXPECT_EQ(m.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(m.body.find("x_total 1\n"), std::string::npos);
  auto ui = f.Call("GET", "/ui");
  EXPECT_EQ(ui.content_type, "text/html; charset=utf-8");
  EXPECT_NE(ui.body.find("fetch(\"/status\""), std::string::npos);
}

}  // namespace
}  // namespace tributary
