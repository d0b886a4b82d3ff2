#include "sink/sink_metrics.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

TEST(SinkMetricsTest, RegistersEveryFamilyWithPrometheusNames) {
  MetricsRegistry registry;
  SinkMetrics m(&registry);
  m.records_written->Inc(3);
  m.StoreRetries("throttled")->Inc();
  m.part_upload_time->Observe(0.2);
  PartitionMetrics p = m.ForPartition({"orders", Partition(2)});
  p.consumer_lag->Set(40);
  std::string text = registry.Expose();
  EXPECT_NE(text.find("tributary_sink_records_written_total 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tributary_sink_store_retries_total{reason=\"throttled\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("tributary_sink_multipart_part_upload_duration_seconds_count 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("tributary_sink_consumer_lag_records{topic=\"orders\",partition=\"2\"} 40\n"),
            std::string::npos);
  // Every TYPE line names a family that follows the conventions.
  size_t families = 0;
  for (size_t pos = text.find("# TYPE "); pos != std::string::npos;
       pos = text.find("# TYPE ", pos + 1)) {
    ++families;
    std::string line = text.substr(pos, text.find('\n', pos) - pos);
    EXPECT_EQ(line.rfind("# TYPE tributary_sink_", 0), 0u) << line;
    if (line.ends_with(" counter")) {
      EXPECT_NE(line.find("_total "), std::string::npos) << line;
    }
  }
  EXPECT_GE(families, 25u);

  m.DropPartition({"orders", Partition(2)});
  EXPECT_EQ(registry.Expose().find("partition=\"2\""), std::string::npos);
}

}  // namespace
}  // namespace tributary
