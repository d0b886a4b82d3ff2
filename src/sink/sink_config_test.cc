#include "sink/sink_config.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

RawConfig Valid() {
  return {{"name", "orders-to-s3"},
          {"topics", "orders,payments"},
          {"bootstrap.servers", "127.0.0.1:9092"},
          {"s3.bucket.name", "lake"},
          {"format.class", "io.confluent.connect.s3.format.json.JsonFormat"},
          {"flush.size", "1000"}};
}

TEST(SinkConfigTest, BuildsTypedConfigWithConnectGroupName) {
  RawConfig raw = Valid();
  raw["consumer.max.poll.interval.ms"] = "1000";
  raw["consumer.override.max.poll.interval.ms"] = "2000";
  raw["value.converter"] = "org.apache.kafka.connect.storage.StringConverter";
  auto c = SinkConfig::FromRaw(raw);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->GroupId(), "connect-orders-to-s3");
  EXPECT_EQ(c->topics, (std::vector<std::string>{"orders", "payments"}));
  EXPECT_EQ(c->consumer_overrides.at("max.poll.interval.ms"), "2000");
  EXPECT_EQ(c->value_encoding, ValueEncoding::kString);
  EXPECT_EQ(c->on_null, NullValueBehavior::kFail);
  EXPECT_EQ(c->store.bucket, "lake");
  EXPECT_EQ(c->store.region, "us-west-2");
}

TEST(SinkConfigTest, RejectsOverridingTheGroupOrCommitMode) {
  RawConfig raw = Valid();
  raw["consumer.override.enable.auto.commit"] = "true";
  auto c = SinkConfig::FromRaw(raw);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("enable.auto.commit"), std::string::npos);
}

TEST(SinkConfigTest, RequiresBothOrNeitherCredential) {
  RawConfig raw = Valid();
  raw["aws.access.key.id"] = "AKIA";
  auto c = SinkConfig::FromRaw(raw);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("aws.secret.access.key"), std::string::npos);
}

TEST(SinkConfigTest, ParsesTaggingPairsAndRejectsMalformedOnes) {
  RawConfig raw = Valid();
  raw["s3.object.tagging"] = "true";
  raw["s3.object.tagging.key.value.pairs"] = "team:data, env : prod";
  auto c = SinkConfig::FromRaw(raw);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->object_tagging);
  EXPECT_EQ(c->extra_tags, (std::map<std::string, std::string>{{"env", "prod"}, {"team", "data"}}));
  raw["s3.object.tagging.key.value.pairs"] = "team=data";
  auto bad = SinkConfig::FromRaw(raw);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("s3.object.tagging.key.value.pairs"), std::string::npos);
  raw["s3.object.tagging.key.value.pairs"] = "a:1,b:2,c:3,d:4,e:5,f:6,g:7,h:8";
  EXPECT_FALSE(SinkConfig::FromRaw(raw).ok());
}

TEST(SinkConfigTest, TopicsOrTopicsRegexExactlyOne) {
  RawConfig raw = Valid();
  raw["topics.regex"] = "orders-.*";
  auto both = SinkConfig::FromRaw(raw);
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.status().message().find("topics and topics.regex"), std::string::npos);
  raw.erase("topics");
  auto regex = SinkConfig::FromRaw(raw);
  ASSERT_TRUE(regex.ok()) << regex.status().ToString();
  EXPECT_EQ(regex->topics, std::vector<std::string>{"^orders-.*$"});
  raw.erase("topics.regex");
  raw["flush.size"] = "0";
  auto neither = SinkConfig::FromRaw(raw);
  ASSERT_FALSE(neither.ok());
  // Reported together with the per-key problems.
  EXPECT_NE(neither.status().message().find("topics and topics.regex"), std::string::npos);
  EXPECT_NE(neither.status().message().find("flush.size"), std::string::npos);
}

TEST(SinkConfigTest, ReportsUnusedKeys) {
  RawConfig raw = Valid();
  raw["schema.cache.size"] = "100";
  auto c = SinkConfig::FromRaw(raw);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->unused_keys, std::vector<std::string>{"schema.cache.size"});
}

TEST(SinkConfigTest, RotationAndExactlyOnceKeys) {
  RawConfig raw = Valid();
  raw["rotate.schedule.interval.ms"] = "60000";
  raw["timezone"] = "UTC";
  raw["rotate.interval.ms"] = "30000";
  raw["flush.bytes"] = "134217728";
  raw["exactly.once.mode"] = "journal";
  auto c = SinkConfig::FromRaw(raw);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->rotate_schedule_interval_ms, 60000);
  EXPECT_EQ(c->rotate_interval_ms, 30000);
  EXPECT_EQ(c->flush_bytes, 134217728);
  EXPECT_EQ(c->exactly_once, ExactlyOnceMode::kJournal);
  EXPECT_EQ(c->journal_prefix, "_tributary/journal");

  // The Confluent method cannot be exactly-once with wall-clock boundaries: say so.
  raw["exactly.once.mode"] = "deterministic";
  auto det = SinkConfig::FromRaw(raw);
  ASSERT_FALSE(det.ok());
  EXPECT_NE(det.status().message().find("rotate.schedule.interval.ms"), std::string::npos);
  EXPECT_NE(det.status().message().find("rotate.interval.ms"), std::string::npos);
  raw.erase("rotate.schedule.interval.ms");
  raw.erase("rotate.interval.ms");
  EXPECT_TRUE(SinkConfig::FromRaw(raw).ok());

  raw["journal.prefix"] = "topics/journal";
  auto inside = SinkConfig::FromRaw(raw);
  ASSERT_FALSE(inside.ok());
  EXPECT_NE(inside.status().message().find("journal.prefix"), std::string::npos);
  raw.erase("journal.prefix");
  raw["flush.bytes"] = "0";
  EXPECT_FALSE(SinkConfig::FromRaw(raw).ok());
}

}  // namespace
}  // namespace tributary

namespace tributary {
namespace {

TEST(SinkConfigTest, ColumnarFormatsTakeTheirKeys) {
  RawConfig raw = Valid();
  raw["format.class"] = "io.confluent.connect.s3.format.parquet.ParquetFormat";
  raw["schema.inference"] = "true";
  raw["parquet.codec"] = "zstd";
  raw["parquet.block.size"] = "1048576";
  auto c = SinkConfig::FromRaw(raw);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->format.kind, FormatKind::kParquet);
  EXPECT_EQ(c->format.parquet_codec, "zstd");
  EXPECT_EQ(c->format.parquet_block_bytes, 1048576u);
  EXPECT_TRUE(c->format.schema_inference);

  raw["format.class"] = "AvroFormat";
  raw["schema.inference"] = "false";
  auto no_schema = SinkConfig::FromRaw(raw);
  ASSERT_FALSE(no_schema.ok());
  EXPECT_NE(no_schema.status().message().find("value.schema"), std::string::npos);
  raw["value.schema"] = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})";
  raw["avro.codec"] = "zstandard";
  auto avro = SinkConfig::FromRaw(raw);
  ASSERT_TRUE(avro.ok()) << avro.status().ToString();
  EXPECT_EQ(avro->format.kind, FormatKind::kAvro);
  raw["value.converter"] = "io.confluent.connect.avro.AvroConverter";
  auto no_url = SinkConfig::FromRaw(raw);
  ASSERT_FALSE(no_url.ok());
  EXPECT_NE(no_url.status().message().find("schema.registry.url"), std::string::npos);
  raw["value.converter.schema.registry.url"] = "http://registry:8081,http://other:8081";
  raw["value.converter.basic.auth.credentials.source"] = "USER_INFO";
  raw["value.converter.basic.auth.user.info"] = "u:p";
  auto registry = SinkConfig::FromRaw(raw);
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  ASSERT_NE(registry->format.registry, nullptr);
  EXPECT_EQ(registry->format.registry->url(), "http://registry:8081");
  EXPECT_EQ(registry->format.registry->type(), RegistrySchemaType::kAvro);
  // JsonFormat writes registry values as their JSON; other formats cannot.
  raw["format.class"] = "JsonFormat";
  auto json = SinkConfig::FromRaw(raw);
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  ASSERT_NE(json->format.registry, nullptr);
  raw["format.class"] = "ByteArrayFormat";
  auto bytes = SinkConfig::FromRaw(raw);
  ASSERT_FALSE(bytes.ok());
  EXPECT_NE(bytes.status().message().find("AvroConverter"), std::string::npos);
  raw["format.class"] = "ParquetFormat";
  raw["value.converter"] = "io.confluent.connect.protobuf.ProtobufConverter";
  auto proto = SinkConfig::FromRaw(raw);
  ASSERT_TRUE(proto.ok()) << proto.status().ToString();
  EXPECT_EQ(proto->format.registry->type(), RegistrySchemaType::kProtobuf);
  raw["value.converter"] = "JsonSchemaConverter";
  auto json_schema = SinkConfig::FromRaw(raw);
  ASSERT_TRUE(json_schema.ok()) << json_schema.status().ToString();
  EXPECT_EQ(json_schema->format.registry->type(), RegistrySchemaType::kJson);
  raw["format.class"] = "AvroFormat";
  raw["s3.compression.type"] = "gzip";
  auto gz = SinkConfig::FromRaw(raw);
  ASSERT_FALSE(gz.ok());
  EXPECT_NE(gz.status().message().find("s3.compression.type"), std::string::npos);
}

}  // namespace
}  // namespace tributary
