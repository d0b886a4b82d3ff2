// SinkTask against librdkafka's mock cluster and the local store: real consumer group
// protocol (cooperative-sticky rebalances), real files.
#include "sink/sink_task.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/strings.h"
#include "kafka/client/producer.h"
#include "kafka/mock/mock_cluster.h"

namespace tributary {
namespace {

using namespace std::chrono_literals;

constexpr const char* kTopic = "events";

class RunningSink {
 public:
  explicit RunningSink(SinkConfig config) {
    auto task = SinkTask::Create(std::move(config));
    EXPECT_TRUE(task.ok()) << task.status().ToString();
    task_ = std::move(task).value();
    thread_ = std::thread([this] { result_ = task_->Run(stop_); });
  }
  ~RunningSink() { (void)Stop(); }
  Status Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return result_;
  }
  SinkProgress Progress() const { return task_->Progress(); }

 private:
  std::unique_ptr<SinkTask> task_;
  std::atomic<bool> stop_{false};
  Status result_;
  std::thread thread_;
};

template <typename Pred>
bool WaitFor(Pred pred, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return pred();
}

class SinkTaskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("tributary-sinktask-" + RandomHex(8));
    auto cluster = MockCluster::Start(1);
    ASSERT_TRUE(cluster.ok());
    cluster_ = std::move(cluster).value();
    ASSERT_TRUE(cluster_->CreateTopic(kTopic, 2).ok());
    auto producer = Producer::Create(cluster_->bootstrap_servers(), {});
    ASSERT_TRUE(producer.ok());
    producer_ = std::move(producer).value();
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void Produce(int per_partition) {
    for (int i = 0; i < per_partition; ++i) {
      for (int p = 0; p < 2; ++p) {
        ASSERT_TRUE(producer_
                        ->Produce(kTopic, Partition(p), std::nullopt,
                                  fmt::format("{{\"n\":{}}}", next_[p]++))
                        .ok());
      }
    }
    ASSERT_TRUE(producer_->Flush(10s).ok());
  }

  SinkConfig Config() const {
    SinkConfig c;
    c.name = "rebalance";
    c.topics = {kTopic};
    c.bootstrap_servers = cluster_->bootstrap_servers();
    c.store = {.url = "file://" + root_.string(), .bucket = "lake"};
    c.flush_size = 10;
    // The mock coordinator waits out a session timeout during some rebalances; keep it
    // short so group changes take seconds, as a test group would be configured anyway.
    c.consumer_overrides = {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}};
    return c;
  }

  std::map<TopicPartition, Offset> GroupOffsets() {
    auto c = Consumer::Create(
        {.bootstrap_servers = cluster_->bootstrap_servers(), .group_id = "connect-rebalance"},
        nullptr);
    EXPECT_TRUE(c.ok());
    auto offsets = (*c)->CommittedOffsets({{kTopic, Partition(0)}, {kTopic, Partition(1)}}, 10s);
    EXPECT_TRUE(offsets.ok()) << offsets.status().ToString();
    return offsets.ok() ? *offsets : std::map<TopicPartition, Offset>{};
  }

  std::filesystem::path root_;
  std::unique_ptr<MockCluster> cluster_;
  std::unique_ptr<Producer> producer_;
  int next_[2] = {0, 0};
};

TEST_F(SinkTaskTest, CommitsOnlyWrittenOffsetsAndResumesFromThem) {
  Produce(25);  // 2 full files of 10 per partition, 5 records left open
  {
    RunningSink sink(Config());
    ASSERT_TRUE(WaitFor([&] { return sink.Progress().objects_written == 4; }, 60s));
    ASSERT_TRUE(sink.Stop().ok());
  }
  auto offsets = GroupOffsets();
  EXPECT_EQ((offsets[{kTopic, Partition(0)}]), Offset(20));
  EXPECT_EQ((offsets[{kTopic, Partition(1)}]), Offset(20));

  Produce(5);  // completes the third file of each partition
  RunningSink sink(Config());
  ASSERT_TRUE(WaitFor([&] { return sink.Progress().objects_written == 2; }, 60s));
  ASSERT_TRUE(sink.Stop().ok());
  // The records left open by the first run were re-read, not lost: the third file holds
  // exactly offsets 20..29.
  std::ifstream third(root_ / "lake/topics/events/partition=0/events+0+0000000020.json");
  std::string expected;
  for (int n = 20; n < 30; ++n) expected += fmt::format("{{\"n\":{}}}\n", n);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(third), {}), expected);
  EXPECT_EQ((GroupOffsets()[{kTopic, Partition(1)}]), Offset(30));
}

TEST_F(SinkTaskTest, TopicsRegexConsumesEveryMatchingTopic) {
  ASSERT_TRUE(cluster_->CreateTopic("events-eu", 1).ok());
  ASSERT_TRUE(cluster_->CreateTopic("audit", 1).ok());
  for (const char* topic : {"events-eu", "audit"}) {
    for (int i = 0; i < 10; ++i)
      ASSERT_TRUE(producer_->Produce(topic, Partition(0), std::nullopt, "{}").ok());
  }
  ASSERT_TRUE(producer_->Flush(10s).ok());
  Produce(10);
  SinkConfig c = Config();
  c.topics = {"^events.*$"};  // as SinkConfig::FromRaw builds it from topics.regex
  c.topics_regex = "events.*";
  RunningSink sink(c);
  // events-0, events-1 and events-eu-0 each fill one file; audit is never read.
  ASSERT_TRUE(WaitFor([&] { return sink.Progress().objects_written == 3; }, 60s));
  ASSERT_TRUE(sink.Stop().ok());
  EXPECT_TRUE(std::filesystem::exists(
      root_ / "lake/topics/events-eu/partition=0/events-eu+0+0000000000.json"));
  EXPECT_FALSE(std::filesystem::exists(root_ / "lake/topics/audit"));
}

TEST_F(SinkTaskTest, StoppedMemberNeverCommitsPartitionsItLost) {
  Produce(10);
  RunningSink a(Config());
  ASSERT_TRUE(WaitFor([&] { return a.Progress().committed.size() == 2; }, 60s));

  // B joins; the cooperative rebalance moves one partition to it.
  RunningSink b(Config());
  TopicPartition moved;
  ASSERT_TRUE(WaitFor(
      [&] {
        Produce(10);
        for (const auto& [tp, off] : b.Progress().committed) {
          if (off > Offset(10)) {
            moved = tp;
            return true;
          }
        }
        return false;
      },
      90s));
  // B has committed beyond 10 on `moved`; A last wrote that partition at offset 10.
  ASSERT_TRUE(WaitFor([&] { return GroupOffsets()[moved] > Offset(10); }, 30s));
  const Offset before = GroupOffsets()[moved];

  ASSERT_TRUE(a.Stop().ok());  // A's final commit must leave `moved` alone
  EXPECT_GE(GroupOffsets()[moved], before) << moved.ToString();
  ASSERT_TRUE(b.Stop().ok());
}

}  // namespace
}  // namespace tributary
