// Producer and Consumer against librdkafka's mock cluster: real Kafka protocol, real
// group coordination, in memory.
#include <gtest/gtest.h>

#include <set>

#include "kafka/client/consumer.h"
#include "kafka/client/producer.h"
#include "kafka/mock/mock_cluster.h"

namespace tributary {
namespace {

class RecordingListener : public RebalanceListener {
 public:
  std::map<TopicPartition, Offset> OnAssigned(const std::vector<TopicPartition>& tps) override {
    for (const auto& tp : tps) assigned.insert(tp);
    return start;
  }
  void OnRevoked(const std::vector<TopicPartition>& tps) override {
    for (const auto& tp : tps) assigned.erase(tp);
  }
  std::set<TopicPartition> assigned;
  std::map<TopicPartition, Offset> start;  // where OnAssigned says to start
};

TEST(KafkaClientTest, ProducesConsumesAndCommits) {
  auto cluster = MockCluster::Start(1);
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  ASSERT_TRUE((*cluster)->CreateTopic("orders", 2).ok());
  const std::string bootstrap = (*cluster)->bootstrap_servers();
  EXPECT_EQ(bootstrap.rfind("127.0.0.1:", 0), 0u) << bootstrap;

  auto producer = Producer::Create(bootstrap, {});
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE((*producer)
                    ->Produce("orders", Partition(i % 2), "k", fmt::format("{{\"i\":{}}}", i),
                              {{"trace", std::to_string(i)}, {"src", "test"}})
                    .ok());
  }
  ASSERT_TRUE((*producer)->Flush(std::chrono::seconds(10)).ok());

  RecordingListener listener;
  auto consumer =
      Consumer::Create({.bootstrap_servers = bootstrap, .group_id = "connect-test"}, &listener);
  ASSERT_TRUE(consumer.ok()) << consumer.status().ToString();
  ASSERT_TRUE((*consumer)->Subscribe({"orders"}).ok());
  std::map<TopicPartition, Offset> next;
  int seen = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (seen < 10 && std::chrono::steady_clock::now() < deadline) {
    auto m = (*consumer)->Poll(std::chrono::milliseconds(100));
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    if (!m->has_value()) continue;
    Record r = (*m)->record();
    EXPECT_EQ(r.topic, "orders");
    ASSERT_TRUE(r.value.has_value());
    EXPECT_EQ(r.key, std::optional<std::string_view>("k"));
    ASSERT_EQ(r.headers.size(), 2u);
    EXPECT_EQ(r.headers[0].name, "trace");
    EXPECT_EQ(r.headers[1].value, std::optional<std::string_view>("test"));
    next[{std::string(r.topic), r.partition}] = r.offset.Next();
    ++seen;
  }
  ASSERT_EQ(seen, 10);
  EXPECT_EQ(listener.assigned.size(), 2u);
  EXPECT_EQ((next[{"orders", Partition(0)}]), Offset(5));
  ASSERT_TRUE((*consumer)->Commit(next, /*async=*/false).ok());
  auto hw = (*consumer)->HighWatermark({"orders", Partition(1)}, std::chrono::seconds(5));
  ASSERT_TRUE(hw.ok()) << hw.status().ToString();
  EXPECT_EQ(*hw, Offset(5));
  (*consumer)->Close();
  EXPECT_TRUE(listener.assigned.empty());

  // A new member of the same group starts where the first one committed.
  RecordingListener listener2;
  auto again =
      Consumer::Create({.bootstrap_servers = bootstrap, .group_id = "connect-test"}, &listener2);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE((*again)->Subscribe({"orders"}).ok());
  for (int i = 0; i < 30; ++i) {
    auto m = (*again)->Poll(std::chrono::milliseconds(100));
    ASSERT_TRUE(m.ok());
    EXPECT_FALSE(m->has_value()) << "re-read offset " << (*m)->record().offset.value();
    if (listener2.assigned.size() == 2 && i > 10) break;
  }
}

// The sink's journal decides where an assigned partition starts, overriding the group's
// committed offset (which may be older, or reset by an operator).
TEST(KafkaClientTest, ListenerChoosesStartOffsets) {
  auto cluster = MockCluster::Start(1);
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  ASSERT_TRUE((*cluster)->CreateTopic("events", 1).ok());
  const std::string bootstrap = (*cluster)->bootstrap_servers();
  auto producer = Producer::Create(bootstrap, {});
  ASSERT_TRUE(producer.ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE((*producer)->Produce("events", Partition(0), "k", std::to_string(i), {}).ok());
  }
  ASSERT_TRUE((*producer)->Flush(std::chrono::seconds(10)).ok());

  RecordingListener listener;
  listener.start[{"events", Partition(0)}] = Offset(7);
  auto consumer =
      Consumer::Create({.bootstrap_servers = bootstrap, .group_id = "connect-start"}, &listener);
  ASSERT_TRUE(consumer.ok());
  ASSERT_TRUE((*consumer)->Subscribe({"events"}).ok());
  std::vector<int64_t> offsets;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (offsets.size() < 3 && std::chrono::steady_clock::now() < deadline) {
    auto m = (*consumer)->Poll(std::chrono::milliseconds(100));
    ASSERT_TRUE(m.ok());
    if (m->has_value()) offsets.push_back((*m)->record().offset.value());
  }
  EXPECT_EQ(offsets, (std::vector<int64_t>{7, 8, 9}));
  (*consumer)->Close();
}

TEST(KafkaClientTest, BadPropertyIsNamed) {
  RecordingListener listener;
  auto consumer = Consumer::Create({.bootstrap_servers = "127.0.0.1:1",
                                    .group_id = "g",
                                    .overrides = {{"fetch.wait.max.ms", "banana"}}},
                                   &listener);
  ASSERT_FALSE(consumer.ok());
  EXPECT_NE(consumer.status().message().find("fetch.wait.max.ms"), std::string::npos);
}

}  // namespace
}  // namespace tributary
