// ObjectUpload and RetryingStore against the local store, with faults injected by the
// fault store where the test needs failures.
#include "sink/object_upload.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/strings.h"
#include "sink/retrying_store.h"

namespace tributary {
namespace {

constexpr uint64_t kPart = kMinPartSize;

class ObjectUploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("tributary-upload-" + RandomHex(8));
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::unique_ptr<ObjectStore> Open(std::map<std::string, std::string> fault = {}) {
    auto store = OpenObjectStore(
        {.url = "file://" + root_.string(), .bucket = "lake", .fault = std::move(fault)});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_TRUE((*store)->CheckBucket().ok());
    return std::move(store).value();
  }

  static std::string Bytes(size_t n, char seed) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + i * 31 % 251);
    return s;
  }

  std::filesystem::path root_;
  UploadPool pool_{3, 4 * kPart};
};

TEST_F(ObjectUploadTest, LargeObjectStreamsInPartsAndCompletes) {
  auto store = Open();
  PutOptions options;
  options.metadata["tributary-first-offset"] = "7";
  ObjectUpload upload(store.get(), &pool_, "topics/t/big.json", options, kPart);
  std::string expected;
  for (int i = 0; i < 25; ++i) {  // 25 x 500 KiB = 12.2 MiB: parts of 5, 5 and 2.2 MiB
    std::string chunk = Bytes(500 << 10, static_cast<char>(i));
    ASSERT_TRUE(upload.Append(chunk).ok());
    expected += chunk;
    EXPECT_LT(upload.unsent_bytes(), kPart);  // never holds a whole file
  }
  EXPECT_TRUE(upload.multipart());
  auto done = upload.Finish({{"tributary-record-count", "25"}});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(upload.parts(), 3);
  EXPECT_TRUE(*store->Get("topics/t/big.json") == expected);
  auto head = store->Head("topics/t/big.json");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->metadata["tributary-first-offset"], "7");
  EXPECT_EQ(head->metadata.count("tributary-record-count"), 0u);  // fixed at start
  EXPECT_TRUE(store->ListMultipartUploads("")->empty());
}

TEST_F(ObjectUploadTest, SmallObjectIsOnePutWithFinalMetadata) {
  auto store = Open();
  ObjectUpload upload(store.get(), &pool_, "small.json", PutOptions{}, kPart);
  ASSERT_TRUE(upload.Append("{}\n").ok());
  ASSERT_TRUE(upload.Finish({{"tributary-record-count", "1"}}).ok());
  EXPECT_FALSE(upload.multipart());
  EXPECT_EQ(store->Head("small.json")->metadata["tributary-record-count"], "1");
}

TEST_F(ObjectUploadTest, AbortLeavesNoObjectAndNoUpload) {
  auto store = Open();
  {
    ObjectUpload upload(store.get(), &pool_, "abandoned.json", PutOptions{}, kPart);
    ASSERT_TRUE(upload.Append(Bytes(kPart + 10, 'a')).ok());
    EXPECT_TRUE(upload.multipart());
  }  // destroyed unfinished: aborted
  EXPECT_EQ(store->Head("abandoned.json").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store->ListMultipartUploads("")->empty());
}

TEST_F(ObjectUploadTest, FailedPartSurfacesAndNothingBecomesVisible) {
  auto store =
      Open({{"error.rate", "1"}, {"error.kinds", "internal"}, {"operations", "upload_part"}});
  ObjectUpload upload(store.get(), &pool_, "broken.json", PutOptions{}, kPart);
  ASSERT_TRUE(upload.Append(Bytes(kPart, 'b')).ok());
  auto done = upload.Finish({});
  ASSERT_FALSE(done.ok());
  EXPECT_NE(done.status().message().find("broken.json"), std::string::npos);
  upload.Abort();
  EXPECT_EQ(store->Head("broken.json").status().code(), StatusCode::kNotFound);
}

TEST_F(ObjectUploadTest, RetryingStoreRidesOutTransientFaults) {
  RetryingStore store(Open({{"error.rate", "0.3"},
                            {"error.kinds", "slowdown,reset"},
                            {"operations", "put,get"},
                            {"seed", "11"}}),
                      std::chrono::seconds(60));
  for (int i = 0; i < 20; ++i) {
    std::string key = fmt::format("k{}", i);
    auto put = store.Put(key, key);
    ASSERT_TRUE(put.ok()) << put.status().ToString();
  }
  EXPECT_GT(store.retries(), 0u);
  for (int i = 0; i < 20; ++i) {
    std::string key = fmt::format("k{}", i);
    auto got = store.Get(key);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, key);
  }
}

TEST_F(ObjectUploadTest, RetryingStoreDoesNotRetryPermanentErrors) {
  RetryingStore store(Open(), std::chrono::seconds(60));
  auto put = store.Put("../escape", "x");
  EXPECT_EQ(put.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.retries(), 0u);
}

TEST_F(ObjectUploadTest, CompleteWhoseResponseWasLostIsRecognised) {
  // Every Complete is applied and then reported as a connection reset: the retry finds
  // the upload gone and the object present, and reports success.
  RetryingStore store(Open({{"error.rate", "1"},
                            {"error.kinds", "reset"},
                            {"reset.applied.rate", "1"},
                            {"operations", "complete_multipart"}}),
                      std::chrono::seconds(60));
  ObjectUpload upload(&store, &pool_, "lost.json", PutOptions{}, kPart);
  std::string body = Bytes(kPart + 100, 'c');
  ASSERT_TRUE(upload.Append(body).ok());
  auto done = upload.Finish({});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(store.retries(), 1u);
  EXPECT_TRUE(*store.Get("lost.json") == body);
}

// buffer.spill.dir: bytes short of a part wait on disk, memory holds only the staging
// buffer, and the object comes out byte for byte the same, in parts and as one PUT.
TEST_F(ObjectUploadTest, SpilledBytesStayOnDiskAndTheObjectIsExact) {
  auto store = Open();
  auto area = SpillArea::Open((root_ / "spill").string(), "s", 1ull << 30);
  ASSERT_TRUE(area.ok()) << area.status().ToString();
  ObjectUpload big(store.get(), &pool_, "topics/t/big.json", {}, kPart, area->get());
  ObjectUpload small(store.get(), &pool_, "topics/t/small.json", {}, kPart, area->get());
  std::string expected_big, expected_small;
  uint64_t max_spilled = 0;
  for (int i = 0; i < 300; ++i) {  // 300 x 40 KiB = 11.7 MiB: parts of 5, 5 and 1.7 MiB
    std::string chunk = Bytes(40 << 10, static_cast<char>(i));
    ASSERT_TRUE(big.Append(chunk).ok());
    expected_big += chunk;
    EXPECT_LT(big.unsent_bytes() - big.spilled_bytes(), ObjectUpload::kSpillChunk + chunk.size());
    max_spilled = std::max(max_spilled, big.spilled_bytes());
    if (i < 30) {
      ASSERT_TRUE(small.Append(chunk.substr(0, 3000)).ok());
      expected_small += chunk.substr(0, 3000);
    }
  }
  EXPECT_GT(max_spilled, 4u << 20);  // most of a part sat on disk
  EXPECT_LT(max_spilled, kPart);
  EXPECT_EQ((*area)->used(), big.spilled_bytes() + small.spilled_bytes());
  // The staging buffer goes to disk on request.
  auto freed = small.SpillBuffered();
  ASSERT_TRUE(freed.ok());
  EXPECT_EQ(small.buffered_bytes(), 0u);
  EXPECT_EQ(small.spilled_bytes(), expected_small.size());

  ASSERT_TRUE(big.Finish({}).ok());
  EXPECT_EQ(big.parts(), 3);
  EXPECT_TRUE(*store->Get("topics/t/big.json") == expected_big);
  ASSERT_TRUE(small.Finish({{"tributary-record-count", "30"}}).ok());
  EXPECT_FALSE(small.multipart());
  EXPECT_TRUE(*store->Get("topics/t/small.json") == expected_small);
  EXPECT_EQ((*area)->used(), 0u);
}

TEST_F(ObjectUploadTest, SpillFilesAreDeletedOnAbortAndLeftoversOnOpen) {
  auto store = Open();
  const std::string dir = (root_ / "spill").string();
  {
    auto area = SpillArea::Open(dir, "s", 1ull << 30);
    ASSERT_TRUE(area.ok());
    // A second process (here: a second open) may not share the directory.
    auto again = SpillArea::Open(dir, "s", 1ull << 30);
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.status().message().find("in use"), std::string::npos);
    ObjectUpload upload(store.get(), &pool_, "topics/t/x.json", {}, kPart, area->get());
    ASSERT_TRUE(upload.Append(Bytes(200 << 10, 'a')).ok());
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(root_ / "spill" / "s"),
                            std::filesystem::directory_iterator()),
              2);  // LOCK and one spill file
    upload.Abort();
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(root_ / "spill" / "s"),
                            std::filesystem::directory_iterator()),
              1);
    EXPECT_EQ((*area)->used(), 0u);
  }
  // What a killed process leaves behind is removed by the next one.
  for (const char* name : {"7.spill", "8.spill"}) {
    FILE* f = std::fopen((root_ / "spill" / "s" / name).c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("leftover", f);
    std::fclose(f);
  }
  auto area = SpillArea::Open(dir, "s", 1ull << 30);
  ASSERT_TRUE(area.ok());
  EXPECT_EQ((*area)->removed_files(), 2u);
  EXPECT_EQ((*area)->removed_bytes(), 16u);
  EXPECT_FALSE(std::filesystem::exists(root_ / "spill" / "s" / "7.spill"));
}

TEST(UploadPoolTest, BoundsBytesInFlight) {
  UploadPool pool(4, 100);
  std::atomic<uint64_t> peak{0};
  std::vector<std::future<Status>> done;
  for (int i = 0; i < 20; ++i) {
    done.push_back(pool.Submit(
        [&] {
          uint64_t now = pool.bytes_in_flight();
          uint64_t p = peak.load();
          while (now > p && !peak.compare_exchange_weak(p, now)) {
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          return Status::OK();
        },
        40));
  }
  for (auto& f : done) EXPECT_TRUE(f.get().ok());
  EXPECT_LE(peak.load(), 100u);
  EXPECT_EQ(pool.bytes_in_flight(), 0u);
}

}  // namespace
}  // namespace tributary
