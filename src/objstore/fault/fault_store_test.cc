// FaultStore: injected failures surface with the codes a real S3 client reports, only
// where and as often as configured; crashes happen exactly at the planned operation.
#include "objstore/fault/fault_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "common/strings.h"
#include "objstore/probe.h"

namespace tributary {
namespace {

class FaultStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("tributary-fault-" + RandomHex(8));
    plain_ = Open({});
    ASSERT_TRUE(plain_->CheckBucket().ok());
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::unique_ptr<ObjectStore> Open(std::map<std::string, std::string> fault) {
    auto store = OpenObjectStore(
        {.url = "file://" + root_.string(), .bucket = "b", .fault = std::move(fault)});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  static const FaultCounters& CountersOf(ObjectStore& store) {
    auto* fault = dynamic_cast<FaultStore*>(&store);
    EXPECT_NE(fault, nullptr);
    return fault->counters();
  }

  std::filesystem::path root_;
  std::unique_ptr<ObjectStore> plain_;  // the same directory, without faults
};

TEST_F(FaultStoreTest, RejectsBadOptionsNamingTheKey) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"error.rate", "1.5"},        {"error.rate", "often"},
      {"error.rate", ""},           {"error.kinds", "slowdown,eof"},
      {"error.kinds", ","},         {"latency.ms", "-1"},
      {"latency.ms", "10ms"},       {"seed", "x"},
      {"operations", "put,fly"},    {"crash.after", "0"},
      {"crash.operation", "nap"},   {"crash.when", "during"},
      {"ignore.conditions", "yes"}, {"reset.applied.rate", "2"},
      {"error.ratio", "0.1"},
  };
  for (const auto& [key, value] : bad) {
    auto parsed = ParseFaultOptions({{key, value}});
    ASSERT_FALSE(parsed.ok()) << key << "=" << value;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find("fault." + key), std::string::npos)
        << parsed.status().ToString();
  }
  auto alone = ParseFaultOptions({{"crash.after", "3"}});
  EXPECT_EQ(alone.status().code(), StatusCode::kInvalidArgument);
  // OpenObjectStore validates fault.* before opening anything.
  auto open = OpenObjectStore(
      {.url = "file://" + root_.string(), .bucket = "b", .fault = {{"error.rate", "x"}}});
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.status().message().find("fault.error.rate"), std::string::npos);
}

TEST_F(FaultStoreTest, EmptyFaultOptionsOpenThePlainStore) {
  EXPECT_EQ(dynamic_cast<FaultStore*>(plain_.get()), nullptr);
  auto wrapped = Open({{"error.rate", "0"}});
  EXPECT_NE(dynamic_cast<FaultStore*>(wrapped.get()), nullptr);
  EXPECT_NE(wrapped->Describe().find("fault"), std::string::npos);
}

TEST_F(FaultStoreTest, InjectedErrorsSurfaceWithTheirCodesAndAreNotApplied) {
  struct Case {
    std::string kind;
    StatusCode code;
    std::string text;
  };
  for (const Case& c : {Case{"slowdown", StatusCode::kUnavailable, "SlowDown (injected)"},
                        Case{"internal", StatusCode::kUnavailable, "InternalError (injected)"},
                        Case{"reset", StatusCode::kIOError, "connection reset (injected)"},
                        Case{"timeout", StatusCode::kIOError, "timeout (injected)"}}) {
    auto store = Open({{"error.rate", "1"}, {"error.kinds", c.kind}, {"seed", "1"}});
    const std::string key = "k-" + c.kind;
    auto put = store->Put(key, "x");
    ASSERT_FALSE(put.ok()) << c.kind;
    EXPECT_EQ(put.status().code(), c.code) << put.status().ToString();
    EXPECT_TRUE(put.status().IsRetriable());
    EXPECT_NE(put.status().message().find(c.text), std::string::npos) << put.status().ToString();
    EXPECT_NE(put.status().message().find(key), std::string::npos) << put.status().ToString();
    // Not applied: the wrapped store never saw the put.
    EXPECT_EQ(plain_->Head(key).status().code(), StatusCode::kNotFound) << c.kind;
    EXPECT_EQ(CountersOf(*store).injected(), 1u);
    EXPECT_EQ(CountersOf(*store).applied_then_failed, 0u);
  }
}

TEST_F(FaultStoreTest, ResetAfterApplyingLosesOnlyTheResponse) {
  auto store = Open({{"error.rate", "1"},
                     {"error.kinds", "reset"},
                     {"reset.applied.rate", "1"},
                     {"operations", "put,complete_multipart"}});
  auto put = store->Put("lost-response", "body");
  ASSERT_EQ(put.status().code(), StatusCode::kIOError);
  EXPECT_NE(put.status().message().find("applied"), std::string::npos);
  EXPECT_EQ(*plain_->Get("lost-response"), "body");  // the write happened
  EXPECT_EQ(CountersOf(*store).applied_then_failed, 1u);

  // Reads are never "applied then failed": they have nothing to apply.
  auto reads = Open({{"error.rate", "1"}, {"error.kinds", "reset"}, {"reset.applied.rate", "1"}});
  EXPECT_EQ(reads->Get("lost-response").status().code(), StatusCode::kIOError);
  EXPECT_EQ(CountersOf(*reads).applied_then_failed, 0u);
}

TEST_F(FaultStoreTest, ErrorRateIsHonouredAndSeedMakesItDeterministic) {
  ASSERT_TRUE(plain_->Put("k", "v").ok());
  auto run = [&] {
    auto store = Open({{"error.rate", "0.3"}, {"seed", "42"}});
    std::vector<StatusCode> codes;
    for (int i = 0; i < 1000; ++i) codes.push_back(store->Get("k").status().code());
    EXPECT_EQ(CountersOf(*store).calls, 1000u);
    return codes;
  };
  auto first = run();
  auto second = run();
  EXPECT_EQ(first, second);
  auto failures =
      std::count_if(first.begin(), first.end(), [](StatusCode c) { return c != StatusCode::kOk; });
  EXPECT_GT(failures, 230);  // 300 expected; bounds are > 4 standard deviations wide
  EXPECT_LT(failures, 370);
}

TEST_F(FaultStoreTest, DefaultOptionsInjectNothing) {
  FaultStore store(Open({}), FaultOptions{});
  EXPECT_TRUE(store.Put("k", "v").ok());
  EXPECT_EQ(*store.Get("k", std::nullopt), "v");
  EXPECT_EQ(store.counters().calls, 2u);
  EXPECT_EQ(store.counters().injected(), 0u);
}

TEST_F(FaultStoreTest, OnlyListedOperationsFail) {
  auto store = Open({{"error.rate", "1"}, {"operations", "get"}});
  ASSERT_TRUE(store->Put("k", "v").ok());
  EXPECT_TRUE(store->Head("k").ok());
  EXPECT_FALSE(store->Get("k").ok());
  EXPECT_EQ(CountersOf(*store).calls, 1u);
}

TEST_F(FaultStoreTest, LatencyIsAddedToEligibleOperations) {
  auto store = Open({{"latency.ms", "30"}, {"operations", "head"}});
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) (void)store->Head("k");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(90));
}

TEST_F(FaultStoreTest, MultipartOperationsPassThroughAndFail) {
  auto store = Open({{"error.rate", "0"}});
  auto id = store->CreateMultipartUpload("mp", {});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto part = store->UploadPart("mp", *id, 1, "only part");
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(store->ListParts("mp", *id)->size(), 1u);
  EXPECT_EQ(store->ListMultipartUploads("")->size(), 1u);
  ASSERT_TRUE(store->CompleteMultipartUpload("mp", *id, {*part}).ok());
  EXPECT_EQ(*plain_->Get("mp"), "only part");

  auto failing = Open({{"error.rate", "1"}, {"operations", "upload_part"}});
  auto id2 = failing->CreateMultipartUpload("mp2", {});
  ASSERT_TRUE(id2.ok());
  EXPECT_FALSE(failing->UploadPart("mp2", *id2, 1, "x").ok());
  EXPECT_TRUE(failing->ListParts("mp2", *id2)->empty());
  EXPECT_TRUE(failing->AbortMultipartUpload("mp2", *id2).ok());
}

TEST_F(FaultStoreTest, CrashAfterTheNthOperationExitsWith86) {
  const std::map<std::string, std::string> after = {{"crash.after", "2"},
                                                    {"crash.operation", "put"}};
  EXPECT_EXIT(
      {
        auto store = Open(after);
        for (int i = 0; i < 3; ++i) (void)store->Put(fmt::format("after/{}", i), "x");
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(86), "crashing after put #2");
  // Crashed right after the second put completed: two objects, not three.
  EXPECT_EQ(plain_->ListAll("after/")->size(), 2u);
}

TEST_F(FaultStoreTest, CrashBeforeTheNthOperationDoesNotApplyIt) {
  EXPECT_EXIT(
      {
        auto store =
            Open({{"crash.after", "2"}, {"crash.operation", "put"}, {"crash.when", "before"}});
        (void)store->Get("unrelated");  // other operations do not count
        for (int i = 0; i < 3; ++i) (void)store->Put(fmt::format("before/{}", i), "x");
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(86), "crashing before put #2");
  EXPECT_EQ(plain_->ListAll("before/")->size(), 1u);
}

// The recovery the journal relies on (DESIGN.md §4): a process dies just before
// completing an upload; a new process finds the upload with its parts and completes it.
TEST_F(FaultStoreTest, UploadSurvivesACrashBeforeCompleteAndCanBeRolledForward) {
  EXPECT_EXIT(
      {
        auto store = Open({{"crash.after", "1"},
                           {"crash.operation", "complete_multipart"},
                           {"crash.when", "before"}});
        auto id = store->CreateMultipartUpload("t/0.json", {});
        if (!id.ok()) std::_Exit(1);
        auto p1 = store->UploadPart("t/0.json", *id, 1, std::string(kMinPartSize, 'a'));
        auto p2 = store->UploadPart("t/0.json", *id, 2, "tail");
        if (!p1.ok() || !p2.ok()) std::_Exit(2);
        (void)store->CompleteMultipartUpload("t/0.json", *id, {*p1, *p2});
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(86), "crashing before complete_multipart #1");
  EXPECT_EQ(plain_->Head("t/0.json").status().code(), StatusCode::kNotFound);
  auto uploads = plain_->ListMultipartUploads("t/");
  ASSERT_TRUE(uploads.ok());
  ASSERT_EQ(uploads->size(), 1u);
  auto parts = plain_->ListParts("t/0.json", (*uploads)[0].upload_id);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 2u);
  auto done = plain_->CompleteMultipartUpload("t/0.json", (*uploads)[0].upload_id, *parts);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(plain_->Head("t/0.json")->size, kMinPartSize + 4);
}

TEST_F(FaultStoreTest, ProbeDetectsAStoreThatIgnoresConditions) {
  auto store = Open({{"ignore.conditions", "true"}});
  Status st = ProbeConditionalWrites(*store, "_tributary/probe/");
  ASSERT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_NE(st.message().find("does not honour conditional writes"), std::string::npos);
  EXPECT_NE(st.message().find("exactly-once journal"), std::string::npos);
  EXPECT_GT(CountersOf(*store).conditions_ignored, 0u);
  EXPECT_TRUE(plain_->ListAll("_tributary/")->empty());  // the probe cleaned up

  // The same directory without the fault passes.
  EXPECT_TRUE(ProbeConditionalWrites(*plain_, "_tributary/probe/").ok());
  EXPECT_TRUE(plain_->ListAll("_tributary/")->empty());
}

TEST_F(FaultStoreTest, ProbeReportsStoreErrorsAsThemselves) {
  auto store = Open({{"error.rate", "1"}, {"error.kinds", "slowdown"}, {"operations", "put"}});
  Status st = ProbeConditionalWrites(*store, "p/");
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_NE(st.message().find("probe"), std::string::npos);
}

}  // namespace
}  // namespace tributary
