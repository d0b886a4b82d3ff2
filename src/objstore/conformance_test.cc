// One conformance suite for every ObjectStore implementation (DESIGN.md §7).
//
// Local/* runs against a LocalStore in a fresh temporary directory.
// S3/* runs against the S3 server named by TRIBUTARY_TEST_S3_ENDPOINT,
// TRIBUTARY_TEST_S3_ACCESS_KEY, TRIBUTARY_TEST_S3_SECRET_KEY and TRIBUTARY_TEST_S3_BUCKET
// (the CTest radosgw fixture sets them; the bucket must exist); without them it skips.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "common/strings.h"
#include "objstore/object_store.h"

namespace tributary {
namespace {

struct StoreUnderTest {
  std::unique_ptr<ObjectStore> store;
  std::string prefix;  // a fresh prefix per test, so tests never see each other's keys
  std::filesystem::path temp_root;
};

class ConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    prefix_ = "conformance/" + RandomHex(12) + "/";
    StoreOptions options;
    if (GetParam() == "local") {
      temp_root_ = std::filesystem::temp_directory_path() / ("tributary-objstore-" + RandomHex(8));
      options.url = "file://" + temp_root_.string();
      options.bucket = "bucket";
    } else {
      const char* endpoint = std::getenv("TRIBUTARY_TEST_S3_ENDPOINT");
      if (endpoint == nullptr) GTEST_SKIP() << "TRIBUTARY_TEST_S3_ENDPOINT not set";
      options.url = endpoint;
      options.bucket = std::getenv("TRIBUTARY_TEST_S3_BUCKET");
      options.access_key_id = std::getenv("TRIBUTARY_TEST_S3_ACCESS_KEY");
      options.secret_access_key = std::getenv("TRIBUTARY_TEST_S3_SECRET_KEY");
      options.region = "us-east-1";
    }
    auto opened = OpenObjectStore(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    Status st = store_->CheckBucket();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  void TearDown() override {
    if (store_) {
      auto all = store_->ListAll(prefix_);
      if (all.ok()) {
        for (const auto& o : *all) (void)store_->Delete(o.key);
      }
    }
    if (!temp_root_.empty()) std::filesystem::remove_all(temp_root_);
  }

  std::string Key(std::string_view name) const { return prefix_ + std::string(name); }

  std::unique_ptr<ObjectStore> store_;
  std::string prefix_;
  std::filesystem::path temp_root_;
};

TEST_P(ConformanceTest, PutThenGetReturnsTheSameBytes) {
  std::string body("line 1\nline 2\n\0binary\xff", 22);
  auto put = store_->Put(Key("a/b/c.json"), body);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_FALSE(put->etag.empty());
  auto got = store_->Get(Key("a/b/c.json"));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, body);
}

TEST_P(ConformanceTest, RangeGetReturnsInclusiveSlice) {
  ASSERT_TRUE(store_->Put(Key("r"), "0123456789").ok());
  auto got = store_->Get(Key("r"), ByteRange{2, 5});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "2345");
}

TEST_P(ConformanceTest, MissingKeyIsNotFound) {
  auto got = store_->Get(Key("missing"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kNotFound) << got.status().ToString();
  auto head = store_->Head(Key("missing"));
  EXPECT_EQ(head.status().code(), StatusCode::kNotFound);
}

TEST_P(ConformanceTest, OverwriteReplacesContentAndChangesEtag) {
  auto first = store_->Put(Key("o"), "first");
  ASSERT_TRUE(first.ok());
  auto second = store_->Put(Key("o"), "second, longer");
  ASSERT_TRUE(second.ok());
  EXPECT_NE(first->etag, second->etag);
  EXPECT_EQ(*store_->Get(Key("o")), "second, longer");
  auto head = store_->Head(Key("o"));
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->size, 14u);
  EXPECT_EQ(head->etag, second->etag);
}

TEST_P(ConformanceTest, HeadReturnsUserMetadata) {
  PutOptions options;
  options.metadata["first-offset"] = "1000";
  options.metadata["record-count"] = "250";
  ASSERT_TRUE(store_->Put(Key("m"), "x", options).ok());
  auto head = store_->Head(Key("m"));
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->metadata["first-offset"], "1000");
  EXPECT_EQ(head->metadata["record-count"], "250");
}

TEST_P(ConformanceTest, IfNoneMatchCreatesOnlyOnce) {
  PutOptions create;
  create.condition = PutOptions::Condition::kIfNoneMatch;
  ASSERT_TRUE(store_->Put(Key("journal"), "v1", create).ok());
  auto again = store_->Put(Key("journal"), "v2", create);
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(again.status().code() == StatusCode::kPreconditionFailed ||
              again.status().code() == StatusCode::kAlreadyExists)
      << again.status().ToString();
  EXPECT_EQ(*store_->Get(Key("journal")), "v1");
}

TEST_P(ConformanceTest, IfMatchSucceedsOnlyWithCurrentEtag) {
  auto v1 = store_->Put(Key("j"), "v1");
  ASSERT_TRUE(v1.ok());
  PutOptions cas;
  cas.condition = PutOptions::Condition::kIfMatch;
  cas.if_match_etag = v1->etag;
  auto v2 = store_->Put(Key("j"), "v2", cas);
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  // The old ETag is stale now: a writer holding it has been replaced.
  auto stale = store_->Put(Key("j"), "zombie", cas);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), StatusCode::kPreconditionFailed) << stale.status().ToString();
  EXPECT_EQ(*store_->Get(Key("j")), "v2");
}

TEST_P(ConformanceTest, ConcurrentIfNoneMatchHasExactlyOneWinner) {
  constexpr int kWriters = 8;
  std::vector<std::thread> threads;
  std::atomic<int> wins{0};
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      PutOptions create;
      create.condition = PutOptions::Condition::kIfNoneMatch;
      if (store_->Put(Key("race"), fmt::format("writer {}", i), create).ok()) ++wins;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
}

TEST_P(ConformanceTest, ListIsSortedPagedAndHonoursDelimiter) {
  for (const char* k : {"t/p=1/b", "t/p=0/a", "t/p=0/c", "t/p=1/a", "t/z"}) {
    ASSERT_TRUE(store_->Put(Key(k), k).ok());
  }
  auto all = store_->ListAll(Key("t/"));
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::vector<std::string> keys;
  for (auto& o : *all) keys.push_back(o.key.substr(prefix_.size()));
  EXPECT_EQ(keys, (std::vector<std::string>{"t/p=0/a", "t/p=0/c", "t/p=1/a", "t/p=1/b", "t/z"}));

  ListOptions paged;
  paged.prefix = Key("t/");
  paged.max_keys = 2;
  auto page1 = store_->List(paged);
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->objects.size(), 2u);
  EXPECT_FALSE(page1->next_token.empty());
  paged.continuation_token = page1->next_token;
  auto page2 = store_->List(paged);
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->objects.size(), 2u);
  EXPECT_EQ(page2->objects[0].key, Key("t/p=1/a"));

  ListOptions delimited;
  delimited.prefix = Key("t/");
  delimited.delimiter = "/";
  auto dirs = store_->List(delimited);
  ASSERT_TRUE(dirs.ok());
  EXPECT_EQ(dirs->common_prefixes, (std::vector<std::string>{Key("t/p=0/"), Key("t/p=1/")}));
  ASSERT_EQ(dirs->objects.size(), 1u);
  EXPECT_EQ(dirs->objects[0].key, Key("t/z"));

  ListOptions after;
  after.prefix = Key("t/");
  after.start_after = Key("t/p=1/a");
  auto rest = store_->List(after);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->objects.size(), 2u);
  EXPECT_EQ(rest->objects[0].key, Key("t/p=1/b"));
}

TEST_P(ConformanceTest, KeysWithSpecialCharactersRoundTrip) {
  const std::string key = Key("topics/my topic/partition=0/my topic+0+0000000000 é=+.json");
  ASSERT_TRUE(store_->Put(key, "{}").ok());
  EXPECT_EQ(*store_->Get(key), "{}");
  auto all = store_->ListAll(Key("topics/"));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].key, key);
}

TEST_P(ConformanceTest, DeleteRemovesAndIsIdempotent) {
  ASSERT_TRUE(store_->Put(Key("d/x"), "x").ok());
  EXPECT_TRUE(store_->Delete(Key("d/x")).ok());
  EXPECT_EQ(store_->Get(Key("d/x")).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->Delete(Key("d/x")).ok());
  EXPECT_TRUE(store_->ListAll(Key("d/"))->empty());
}

INSTANTIATE_TEST_SUITE_P(Local, ConformanceTest, ::testing::Values("local"));
INSTANTIATE_TEST_SUITE_P(S3, ConformanceTest, ::testing::Values("s3"));

TEST(LocalStoreTest, RejectsKeysThatEscapeTheBucket) {
  auto root = std::filesystem::temp_directory_path() / ("tributary-objstore-" + RandomHex(8));
  auto store = OpenObjectStore({.url = "file://" + root.string(), .bucket = "b"});
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->CheckBucket().ok());
  for (const char* bad : {"../escape", "a/../../b", "/abs", "a//b", ""}) {
    auto put = (*store)->Put(bad, "x");
    EXPECT_EQ(put.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(std::filesystem::exists(root / "escape"));
  std::filesystem::remove_all(root);
}

TEST(LocalStoreTest, ObjectsLandAtRootBucketKey) {
  auto root = std::filesystem::temp_directory_path() / ("tributary-objstore-" + RandomHex(8));
  auto store = OpenObjectStore({.url = "file://" + root.string(), .bucket = "lake"});
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->CheckBucket().ok());
  ASSERT_TRUE((*store)->Put("topics/t/partition=0/t+0+0000000000.json", "{}\n").ok());
  EXPECT_TRUE(std::filesystem::is_regular_file(root / "lake/topics/t/partition=0/t+0+0000000000.json"));
  // Staging never leaves files behind.
  EXPECT_TRUE(std::filesystem::is_empty(root / ".tributary-staging"));
  std::filesystem::remove_all(root);
}

TEST(ObjectStoreTest, RejectsUnsupportedUrls) {
  auto store = OpenObjectStore({.url = "ftp://host/x", .bucket = "b"});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("store.url"), std::string::npos);
  auto no_bucket = OpenObjectStore({.url = "file:///tmp/x", .bucket = ""});
  EXPECT_NE(no_bucket.status().message().find("s3.bucket.name"), std::string::npos);
}

}  // namespace
}  // namespace tributary
