// The sink's store metrics (issue #9): parts, PUTs and their times, and retries by
// reason (RetryingStore::set_metrics, RetryReasonOf).
#include <gtest/gtest.h>

#include <filesystem>

#include "common/strings.h"
#include "sink/object_upload.h"
#include "sink/retrying_store.h"
#include "sink/sink_metrics.h"

namespace tributary {
namespace {

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
