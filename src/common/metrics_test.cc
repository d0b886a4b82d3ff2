#include "common/metrics.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/json_writer.h"

namespace tributary {
namespace {

TEST(MetricsTest, ExposesCountersGaugesAndHistogramsInPrometheusText) {
  MetricsRegistry r;
  auto* records = r.AddCounter("t_records_total", "Records written", {"topic", "partition"});
  auto* lag = r.AddGauge("t_lag_records", "Lag");
  auto* latency = r.AddHistogram("t_upload_seconds", "Upload time", {}, {0.1, 1});
  ASSERT_NE(records, nullptr);
  ASSERT_NE(lag, nullptr);
  ASSERT_NE(latency, nullptr);
  records->WithLabels({"orders", "0"})->Inc(5);
  records->WithLabels({"orders", "1"})->Inc();
  lag->Get()->Set(12.5);
  auto h = latency->Get();
  h->Observe(0.05);
  h->Observe(0.1);  // bounds are inclusive: counts in le="0.1"
  h->Observe(3);
  EXPECT_EQ(r.Expose(),
            "# HELP t_records_total Records written\n"
            "# TYPE t_records_total counter\n"
            "t_records_total{topic=\"orders\",partition=\"0\"} 5\n"
            "t_records_total{topic=\"orders\",partition=\"1\"} 1\n"
            "# HELP t_lag_records Lag\n"
            "# TYPE t_lag_records gauge\n"
            "t_lag_records 12.5\n"
            "# HELP t_upload_seconds Upload time\n"
            "# TYPE t_upload_seconds histogram\n"
            "t_upload_seconds_bucket{le=\"0.1\"} 2\n"
            "t_upload_seconds_bucket{le=\"1\"} 2\n"
            "t_upload_seconds_bucket{le=\"+Inf\"} 3\n"
            "t_upload_seconds_sum 3.15\n"
            "t_upload_seconds_count 3\n");
}

TEST(MetricsTest, RejectsInvalidOrDuplicateNames) {
  MetricsRegistry r;
  EXPECT_EQ(r.AddCounter("records", "no _total suffix"), nullptr);
  EXPECT_EQ(r.AddGauge("9lives", "starts with a digit"), nullptr);
  EXPECT_EQ(r.AddGauge("has-dash", "dash"), nullptr);
  EXPECT_EQ(r.AddGauge("ok_gauge", "bad label", {"__reserved"}), nullptr);
  EXPECT_EQ(r.AddHistogram("h_seconds", "le is reserved", {"le"}), nullptr);
  EXPECT_EQ(r.AddHistogram("h2_seconds", "bounds must increase", {}, {1, 1}), nullptr);
  EXPECT_NE(r.AddGauge("ok_gauge", "fine"), nullptr);
  EXPECT_EQ(r.AddGauge("ok_gauge", "taken"), nullptr);
  EXPECT_EQ(r.AddGauge("other", "x", {"a"})->WithLabels({"1", "2"}), nullptr);
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry r;
  r.AddGauge("g", "line1\nback\\slash", {"path"})->WithLabels({"a\"b\\c\nd"})->Set(1);
  EXPECT_EQ(r.Expose(),
            "# HELP g line1\\nback\\\\slash\n# TYPE g gauge\n"
            "g{path=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(MetricsTest, FormatsSpecialValues) {
  EXPECT_EQ(FormatMetricValue(0), "0");
  EXPECT_EQ(FormatMetricValue(-3), "-3");
  EXPECT_EQ(FormatMetricValue(0.25), "0.25");
  EXPECT_EQ(FormatMetricValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatMetricValue(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(FormatMetricValue(0.0 / 0.0), "NaN");
}

TEST(MetricsTest, ConcurrentIncrementsAreNotLost) {
  MetricsRegistry r;
  auto* family = r.AddCounter("c_total", "c", {"t"});
  auto* hist = r.AddHistogram("h_seconds", "h");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto c = family->WithLabels({"x"});
      auto h = hist->Get();
      for (int i = 0; i < 100000; ++i) {
        c->Inc();
        h->Observe(0.02);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(family->WithLabels({"x"})->Value(), 400000u);
  auto snap = hist->Get()->Read();
  EXPECT_EQ(snap.count, 400000u);
  EXPECT_NEAR(snap.sum, 8000, 1e-6);
}

TEST(MetricsTest, RemovedChildrenAreNoLongerExportedButStaySafeToUse) {
  MetricsRegistry r;
  auto* open = r.AddGauge("open_files", "o", {"partition"});
  auto p0 = open->WithLabels({"0"});
  open->WithLabels({"1"})->Set(2);
  open->Remove({"0"});
  p0->Set(7);  // a holder may still write
  EXPECT_EQ(r.Expose(),
            "# HELP open_files o\n# TYPE open_files gauge\nopen_files{partition=\"1\"} 2\n");
}

TEST(MetricsTest, CollectHooksRunBeforeEachExposition) {
  MetricsRegistry r;
  auto g = r.AddGauge("polled", "p")->Get();
  int runs = 0;
  r.AddCollectHook([&] { g->Set(++runs); });
  EXPECT_NE(r.Expose().find("polled 1\n"), std::string::npos);
  EXPECT_NE(r.Expose().find("polled 2\n"), std::string::npos);
}

TEST(JsonWriterTest, PlacesCommasAndEscapes) {
  JsonWriter w;
  w.BeginObject()
      .Key("name")
      .String("a\"b\\c\n\x01")
      .Key("list")
      .BeginArray()
      .Int(-1)
      .Uint(2)
      .Double(0.5)
      .Bool(true)
      .Null()
      .BeginObject()
      .EndObject()
      .EndArray()
      .Key("nan")
      .Double(0.0 / 0.0)
      .EndObject();
  EXPECT_EQ(w.str(), R"({"name":"a\"b\\c\n\u0001","list":[-1,2,0.5,true,null,{}],"nan":null})");
}

TEST(JsonWriterTest, ReplacesInvalidUtf8) {
  std::string out;
  AppendJsonString(&out, "ok \xC3\xA9 bad \xFF end");
  EXPECT_EQ(out, "\"ok \xC3\xA9 bad \xEF\xBF\xBD end\"");
}

}  // namespace
}  // namespace tributary
