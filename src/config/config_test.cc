#include "config/config.h"

#include <gtest/gtest.h>

#include "config/sink_keys.h"

namespace tributary {
namespace {

TEST(PropertiesTest, ParsesSeparatorsCommentsContinuationsAndEscapes) {
  auto raw = ParseProperties(
      "# comment\n"
      "! also a comment\n"
      "name = my-sink\n"
      "topics:orders, payments\n"
      "flush.size 1000\n"
      "  s3.bucket.name=lake  \r\n"
      "path.format='year'=YYYY/\\\n"
      "    'month'=MM\n"
      "key\\=with\\:seps = v\n"
      "unicode=caf\\u00e9\n"
      "empty=\n");
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_EQ((*raw)["name"], "my-sink");
  EXPECT_EQ((*raw)["topics"], "orders, payments");
  EXPECT_EQ((*raw)["flush.size"], "1000");
  EXPECT_EQ((*raw)["s3.bucket.name"], "lake  ");
  EXPECT_EQ((*raw)["path.format"], "'year'=YYYY/'month'=MM");
  EXPECT_EQ((*raw)["key=with:seps"], "v");
  EXPECT_EQ((*raw)["unicode"], "café");
  EXPECT_EQ((*raw)["empty"], "");
  EXPECT_EQ(raw->size(), 8u);
}

TEST(PropertiesTest, BadEscapeNamesTheKeyNeverTheValue) {
  auto raw = ParseProperties("aws.secret.access.key=SECRETVALUE\\u12\n");
  ASSERT_FALSE(raw.ok());
  EXPECT_NE(raw.status().message().find("aws.secret.access.key"), std::string::npos);
  EXPECT_EQ(raw.status().message().find("SECRETVALUE"), std::string::npos)
      << raw.status().message();
}

TEST(ConnectJsonTest, AcceptsRestFormAndFlatForm) {
  auto rest = ParseConnectJson(
      R"({"name": "s3-sink", "config": {"topics": "orders", "flush.size": 1000,
          "s3.path.style.access.enabled": true}})");
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ((*rest)["name"], "s3-sink");
  EXPECT_EQ((*rest)["flush.size"], "1000");
  EXPECT_EQ((*rest)["s3.path.style.access.enabled"], "true");
  auto flat = ParseConnectJson(R"({"name": "x", "topics": "t"})");
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ((*flat)["topics"], "t");
  EXPECT_FALSE(ParseConnectJson("{not json").ok());
}

RawConfig ValidSink() {
  return {{"name", "s"},
          {"topics", "orders"},
          {"bootstrap.servers", "127.0.0.1:9092"},
          {"s3.bucket.name", "lake"},
          {"format.class", "io.confluent.connect.s3.format.json.JsonFormat"},
          {"flush.size", "1000"}};
}

TEST(SinkConfigTableTest, ValidConfigGetsDefaults) {
  auto cfg = Config::Parse(SinkConfigTable(), ValidSink());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->GetInt("flush.size"), 1000);
  EXPECT_EQ(cfg->GetInt("filename.offset.zero.pad.width"), 10);
  EXPECT_EQ(cfg->GetString("topics.dir"), "topics");
  EXPECT_EQ(cfg->GetString("s3.region"), "us-west-2");
  EXPECT_TRUE(cfg->GetBool("s3.path.style.access.enabled"));
  EXPECT_EQ(cfg->GetList("topics"), std::vector<std::string>{"orders"});
}

TEST(SinkConfigTableTest, RejectsBadValuesNamingEveryKey) {
  RawConfig raw = ValidSink();
  raw.erase("s3.bucket.name");
  raw["flush.size"] = "0";
  raw["format.class"] = "io.confluent.connect.s3.format.avro.XmlFormat";
  auto cfg = Config::Parse(SinkConfigTable(), raw);
  ASSERT_FALSE(cfg.ok());
  const std::string msg = cfg.status().message();
  EXPECT_NE(msg.find("s3.bucket.name: required"), std::string::npos) << msg;
  EXPECT_NE(msg.find("flush.size: expected an integer >= 1, got '0'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("got '0'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("format.class: expected one of"), std::string::npos) << msg;
}

TEST(SinkConfigTableTest, FlushSizeMustBeAnInteger) {
  RawConfig raw = ValidSink();
  raw["flush.size"] = "10k";
  auto cfg = Config::Parse(SinkConfigTable(), raw);
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.status().message().find("flush.size"), std::string::npos);
}

TEST(SinkConfigTableTest, ClassNamesAcceptShortAliasesCaseInsensitively) {
  RawConfig raw = ValidSink();
  raw["format.class"] = "jsonformat";
  raw["partitioner.class"] = "DefaultPartitioner";
  EXPECT_TRUE(Config::Parse(SinkConfigTable(), raw).ok());
}

TEST(SinkConfigTableTest, SecretsAreNeverPrintedOrEchoedInErrors) {
  RawConfig raw = ValidSink();
  raw["aws.secret.access.key"] = "SUPERSECRETVALUE";
  raw["consumer.override.sasl.password"] = "HUNTER2";
  auto cfg = Config::Parse(SinkConfigTable(), raw);
  ASSERT_TRUE(cfg.ok());
  std::string printed = cfg->ToRedactedString();
  EXPECT_EQ(printed.find("SUPERSECRETVALUE"), std::string::npos);
  EXPECT_EQ(printed.find("HUNTER2"), std::string::npos);
  EXPECT_NE(printed.find("aws.secret.access.key = [hidden]"), std::string::npos);
  EXPECT_EQ(cfg->GetPassword("aws.secret.access.key"), "SUPERSECRETVALUE");
}

TEST(SinkConfigTableTest, UnknownKeysAreReportedButPrefixesAreClaimed) {
  RawConfig raw = ValidSink();
  raw["consumer.override.max.poll.records"] = "500";
  raw["hive.integration"] = "false";
  auto cfg = Config::Parse(SinkConfigTable(), raw);
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->UnknownKeys(SinkPassThroughPrefixes()),
            std::vector<std::string>{"hive.integration"});
  EXPECT_EQ(cfg->WithPrefix("consumer.override.").at("max.poll.records"), "500");
}

TEST(SinkConfigTableTest, RawStringsKeepWhitespace) {
  RawConfig raw = ValidSink();
  raw["format.bytearray.separator"] = "\r\n";
  auto cfg = Config::Parse(SinkConfigTable(), raw);
  ASSERT_TRUE(cfg.ok());
  EXPECT_EQ(cfg->GetRawString("format.bytearray.separator"), "\r\n");
  EXPECT_EQ(cfg->GetString("format.bytearray.separator"), "");
}

TEST(SinkConfigTableTest, MarkdownListsEveryKey) {
  std::string md = SinkConfigTable().ToMarkdown("Configuration", "intro");
  for (const auto& k : SinkConfigTable().keys()) {
    EXPECT_NE(md.find("`" + k.name + "`"), std::string::npos) << k.name;
  }
}

}  // namespace
}  // namespace tributary
