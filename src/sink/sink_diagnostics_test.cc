// The operations hooks of the sink (issue #9): what an open file waits for
// (TopicPartitionWriter::WaitingFor), and the reason label of a retried store error.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/strings.h"
#include "format/jsonl/json_format.h"
#include "sink/object_upload.h"
#include "sink/retrying_store.h"
#include "sink/sink_metrics.h"
#include "sink/topic_partition_writer.h"

namespace tributary {
namespace {

class WaitingForTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("tributary-diag-" + RandomHex(8));
    config_.name = "s";
    config_.flush_size = 1000;
    config_.store = {.url = "file://" + root_.string(), .bucket = "lake"};
    store_ = std::move(OpenObjectStore(config_.store)).value();
    ASSERT_TRUE(store_->CheckBucket().ok());
    format_ = MakeJsonFormat(ValueEncoding::kJson);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::unique_ptr<TopicPartitionWriter> NewWriter() {
    auto made = MakePartitioner(config_.partitioner);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    partitioner_ = std::move(made).value();
    return std::make_unique<TopicPartitionWriter>(tp_, &config_, format_.get(), partitioner_.get(),
                                                  store_.get(), &pool_, nullptr, JournalIdentity{});
  }
  static Record R(int64_t offset, int64_t ts) {
    return Record{.topic = "orders",
                  .partition = Partition(1),
                  .offset = Offset(offset),
                  .timestamp_ms = ts,
                  .value = std::string_view("{\"a\":1}")};
  }

  const TopicPartition tp_{"orders", Partition(1)};
  std::filesystem::path root_;
  SinkConfig config_;
  std::unique_ptr<ObjectStore> store_;
  std::unique_ptr<Format> format_;
  std::unique_ptr<Partitioner> partitioner_;
  UploadPool pool_{2, 64 << 20};
};

TEST_F(WaitingForTest, NothingOpenWaitsForNothing) {
  auto w = NewWriter();
  EXPECT_EQ(w->WaitingFor(), "");
  EXPECT_EQ(w->open_since_ms(), std::nullopt);
}

TEST_F(WaitingForTest, OnlyFlushSizeSaysNoTimeRotationIsConfigured) {
  auto w = NewWriter();
  ASSERT_TRUE(w->Write(R(0, 1000), 5'000).ok());
  ASSERT_TRUE(w->Write(R(1, 1000), 6'000).ok());
  EXPECT_EQ(w->open_since_ms(), 5'000);
  EXPECT_EQ(w->WaitingFor(),
            "flush.size: 2 of 1000 records; no time-based rotation configured "
            "(rotate.interval.ms and rotate.schedule.interval.ms are off), so only the size "
            "limits close this file");
}

TEST_F(WaitingForTest, ScheduledRotationNamesTheNextSlot) {
  config_.rotate_schedule_interval_ms = 3'600'000;
  config_.flush_bytes = 1 << 20;
  auto w = NewWriter();
  // 2024-01-15T06:10:00Z: the next hourly slot is 07:00. One line of 8 bytes is open.
  ASSERT_TRUE(w->Write(R(0, 0), 1705299000000).ok());
  EXPECT_EQ(w->WaitingFor(),
            "flush.size: 1 of 1000 records; flush.bytes: 8 of 1048576 bytes; "
            "rotate.schedule.interval.ms=3600000: next scheduled rotation at "
            "2024-01-15T07:00:00Z");
}

TEST_F(WaitingForTest, RecordTimeRotationWaitsForALaterRecord) {
  config_.rotate_interval_ms = 600'000;
  config_.partitioner.kind = PartitionerKind::kTimeBased;
  config_.partitioner.path_format = "'dt'=YYYY-MM-dd";
  config_.partitioner.partition_duration_ms = 86'400'000;
  config_.partitioner.timezone = "UTC";
  config_.partitioner.locale = "en-US";
  config_.partitioner.extractor = TimestampExtractorKind::kRecord;
  auto w = NewWriter();
  ASSERT_TRUE(w->Write(R(0, 1705299000000), 1).ok());  // 06:10:00Z
  ASSERT_TRUE(w->Write(R(1, 1705299060000), 2).ok());  // 06:11:00Z
  EXPECT_EQ(w->WaitingFor(),
            "flush.size: 2 of 1000 records; rotate.interval.ms=600000: a record with a "
            "timestamp at or after 2024-01-15T06:20:00Z (the newest so far is "
            "2024-01-15T06:11:00Z); rotation follows record time, not the wall clock");
}

// Parts and PUTs as the S3 connector counts them (s3-part-upload-count,
// s3-part-upload-time-ms), through the real ObjectUpload and the local store, with a
// SlowDown injected on every other part.
TEST(StoreMetricsTest, CountsPartsPutsAndRetriesByReason) {
  const auto root =
      std::filesystem::temp_directory_path() / ("tributary-storemetrics-" + RandomHex(8));
  auto inner = OpenObjectStore({.url = "file://" + root.string(),
                                .bucket = "lake",
                                .fault = {{"error.rate", "0.5"},
                                          {"error.kinds", "slowdown"},
                                          {"operations", "upload_part"},
                                          {"seed", "3"}}});
  ASSERT_TRUE(inner.ok()) << inner.status().ToString();
  RetryingStore store(std::move(inner).value(), std::chrono::seconds(60));
  ASSERT_TRUE(store.CheckBucket().ok());
  MetricsRegistry registry;
  SinkMetrics metrics(&registry);
  store.set_metrics(&metrics);
  UploadPool pool(2, 4 * kMinPartSize);
  {
    // 2.5 parts: two full parts while appending, the rest as the last part.
    ObjectUpload big(&store, &pool, "topics/t/big.bin", {}, kMinPartSize);
    const std::string chunk(kMinPartSize / 2, 'x');
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(big.Append(chunk).ok());
    ASSERT_TRUE(big.Finish({}).ok());
    EXPECT_EQ(big.parts(), 3);
    ObjectUpload small(&store, &pool, "topics/t/small.bin", {}, kMinPartSize);
    ASSERT_TRUE(small.Append("tiny").ok());
    ASSERT_TRUE(small.Finish({}).ok());
  }
  EXPECT_EQ(metrics.parts_uploaded->Value(), 3u);
  const Histogram::Snapshot parts = metrics.part_upload_time->Read();
  EXPECT_EQ(parts.count, 3u);
  EXPECT_GT(parts.sum, 0);
  EXPECT_EQ(metrics.object_put_time->Read().count, 1u);  // the small object: one PUT
  EXPECT_EQ(store.retries(), metrics.StoreRetries("throttled")->Value());
  EXPECT_GT(store.retries(), 0u);
  EXPECT_EQ(metrics.StoreRetries("other")->Value(), 0u);
  std::filesystem::remove_all(root);
}

TEST(RetryReasonTest, NamesTheKindOfFailure) {
  EXPECT_EQ(RetryReasonOf(Unavailable("put k: SlowDown (injected): HTTP 503, please reduce your "
                                      "request rate")),
            "throttled");
  EXPECT_EQ(RetryReasonOf(Unavailable("PUT at x: HTTP 429 TooManyRequests")), "throttled");
  EXPECT_EQ(RetryReasonOf(IOError("k: timeout (injected): no response")), "timeout");
  EXPECT_EQ(RetryReasonOf(Unavailable("HTTP PUT failed: Operation timed out (curl error 28)")),
            "timeout");
  EXPECT_EQ(RetryReasonOf(Unavailable("k: InternalError (injected): HTTP 500")), "server_error");
  EXPECT_EQ(RetryReasonOf(Unavailable("PUT at x: HTTP 502; gave up after 3 attempts")),
            "server_error");
  EXPECT_EQ(RetryReasonOf(IOError("k: connection reset (injected) mid-body")), "connection");
  EXPECT_EQ(RetryReasonOf(IOError("rename /a /b: No space left on device")), "other");
}

}  // namespace
}  // namespace tributary
