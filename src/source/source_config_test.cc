// Unit tests of object names, ordering, the source's config and key hashing.
#include <gtest/gtest.h>

#include "kafka/client/replay_producer.h"
#include "source/object_index.h"
#include "source/source_config.h"

namespace tributary {
namespace {

SinkConfig Sink(RawConfig extra) {
  RawConfig raw = {{"name", "s"},           {"topics", "orders"}, {"bootstrap.servers", "x:1"},
                   {"s3.bucket.name", "b"}, {"flush.size", "10"}, {"format.class", "JsonFormat"}};
  for (auto& [k, v] : extra) raw[k] = v;
  if (raw.count("format.output.type")) raw.erase("format.class");
  auto c = SinkConfig::FromRaw(raw);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

TEST(ObjectNames, ConfluentLayout) {
  auto p = ObjectNameParser::Create(Sink({}));
  ASSERT_TRUE(p.ok());
  auto n = p->Parse("topics/orders/partition=3/orders+3+0000001200.json.gz");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->topic, "orders");
  EXPECT_EQ(n->partition, 3);
  EXPECT_EQ(n->start_offset, 1200);
  // Time-based directories between topic and file.
  EXPECT_TRUE(p->Parse("topics/orders/year=2024/month=01/orders+0+0000000000.json"));
  EXPECT_FALSE(p->Parse("topics/orders/partition=3/orders+3+0000001200.keys.json"));
  EXPECT_FALSE(p->Parse("topics/orders/partition=3/other+3+0000001200.json"));
  EXPECT_FALSE(p->Parse("elsewhere/orders/partition=3/orders+3+0000001200.json"));
  EXPECT_EQ(p->ListPrefixes({"orders"}), std::vector<std::string>{"topics/orders/"});
}

TEST(ObjectNames, AivenTemplate) {
  auto p = ObjectNameParser::Create(
      Sink({{"file.name.template",
             "{{topic}}/{{partition:padding=true}}-{{start_offset:padding=true}}.json.gz"},
            {"format.output.type", "jsonl"}}));
  ASSERT_TRUE(p.ok());
  auto n = p->Parse("orders/0000000002-00000000000000001000.json.gz");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->topic, "orders");
  EXPECT_EQ(n->partition, 2);
  EXPECT_EQ(n->start_offset, 1000);
  EXPECT_FALSE(p->Parse("orders/0000000002-00000000000000001000.json"));
  EXPECT_EQ(p->ListPrefixes({"orders"}), std::vector<std::string>{"orders"});
}

TEST(Ordering, ByStartOffsetNotListingOrderOrByLastModified) {
  std::vector<SourceObject> v(3);
  v[0] = {.key = "t/p/t+0+0000000100.json", .start_offset = 100, .last_modified_ms = 1};
  v[1] = {.key = "t/p/t+0+0000000020.json", .start_offset = 20, .last_modified_ms = 3};
  v[2] = {.key = "t/p/t+0+0000000003.json", .start_offset = 3, .last_modified_ms = 2};
  OrderObjects(&v, SourceOrdering::kOffset);
  EXPECT_EQ(v[0].start_offset, 3);
  EXPECT_EQ(v[1].start_offset, 20);
  EXPECT_EQ(v[2].start_offset, 100);
  OrderObjects(&v, SourceOrdering::kLastModified);
  EXPECT_EQ(v[0].start_offset, 100);
  EXPECT_EQ(v[1].start_offset, 3);
}

TEST(SourceConfigTest, SinkConfigPlusTargetIsValidAndErrorsNameKeys) {
  RawConfig raw = {{"name", "s"},
                   {"topics", "orders"},
                   {"bootstrap.servers", "x:1"},
                   {"s3.bucket.name", "b"},
                   {"format.class", "JsonFormat"},
                   {"topic.mapping", "orders:copy"},
                   {"source.partitioning", "key_hash"}};
  auto c = SourceConfig::FromRaw(raw);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->replay.TargetTopic("orders"), "copy");
  EXPECT_EQ(c->replay.TargetTopic("other"), "other");
  EXPECT_EQ(c->replay.partitioning, SourcePartitioning::kKeyHash);
  EXPECT_EQ(c->replay.CheckpointKey(), "_tributary/source/s/checkpoint.json");
  for (auto [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"topic.mapping", "orders"},
                                                        {"source.ordering", "random"},
                                                        {"source.object.pattern", "(["},
                                                        {"source.max.poll.records", "0"},
                                                        {"source.checkpoint.prefix", "topics/x"}}) {
    RawConfig bad = raw;
    bad[key] = value;
    auto r = SourceConfig::FromRaw(bad);
    ASSERT_FALSE(r.ok()) << key;
    EXPECT_NE(r.status().message().find(key), std::string::npos) << r.status().message();
  }
}

TEST(Partitioning, Murmur2MatchesKafkaPythonsDefaultPartitioner) {
  // Expected values computed by kafka-python's kafka.partitioner.default.murmur2.
  EXPECT_EQ(Murmur2Partition("", 7), 2);
  EXPECT_EQ(Murmur2Partition("a", 1000), 524);
  EXPECT_EQ(Murmur2Partition("key-1", 1000), 640);
  EXPECT_EQ(Murmur2Partition("hello world", 7), 2);
  EXPECT_EQ(Murmur2Partition("0123456789", 1000), 8);
}

}  // namespace
}  // namespace tributary
