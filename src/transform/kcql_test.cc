#include "transform/kcql.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

using Props = std::map<std::string, std::string>;

TEST(KcqlTest, ParsesTheStatementParts) {
  auto st = ParseKcql(
      "insert into lensesio:demo/x select * from demo PARTITIONBY _value.ts STOREAS `JSON` "
      "PROPERTIES ('flush.size'=1000000, 'flush.interval'=30, 'flush.count'=5000);"
      "INSERT INTO `b:p` SELECT id, name AS n FROM `topic-b` WITH_FLUSH_COUNT = 10");
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  ASSERT_EQ(st->size(), 2u);
  const KcqlStatement& a = (*st)[0];
  EXPECT_EQ(a.bucket, "lensesio");
  EXPECT_EQ(a.prefix, "demo/x");
  EXPECT_EQ(a.select, std::vector<std::string>{"*"});
  EXPECT_EQ(a.topic, "demo");
  EXPECT_EQ(a.partition_by, std::vector<std::string>{"_value.ts"});
  EXPECT_EQ(a.store_as, "JSON");
  EXPECT_EQ(a.properties,
            (Props{{"flush.size", "1000000"}, {"flush.interval", "30"}, {"flush.count", "5000"}}));
  const KcqlStatement& b = (*st)[1];
  EXPECT_EQ(b.bucket, "b");
  EXPECT_EQ(b.prefix, "p");
  EXPECT_EQ(b.select, (std::vector<std::string>{"id", "name AS n"}));
  EXPECT_EQ(b.topic, "topic-b");
  EXPECT_EQ(b.properties, (Props{{"flush.count", "10"}}));
}

TEST(KcqlTest, ErrorsNameTheStatementAndExpectation) {
  auto st = ParseKcql("INSERT INTO b:p SELECT * FROM t; INSERT b SELECT * FROM u");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().message(), "connect.s3.kcql: statement 2: expected INTO, found 'b'");
  st = ParseKcql("INSERT INTO b SELECT * FROM t STOREAS `JSON` LIMIT 5");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("found 'LIMIT'"), std::string::npos);
}

TEST(KcqlTest, MapsOntoConnectStyleKeys) {
  auto st = ParseKcql(
      "INSERT INTO lake:raw SELECT * FROM orders STOREAS `JSON` PROPERTIES('flush.count'=100);"
      "INSERT INTO lake:raw SELECT id, email AS contact FROM users STOREAS `JSON` "
      "PROPERTIES('flush.count'=100)");
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  auto m = KcqlToConnectConfig(*st, {});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->keys, (Props{
                         {"s3.bucket.name", "lake"},
                         {"topics.dir", "raw"},
                         {"format.class", "io.confluent.connect.s3.format.json.JsonFormat"},
                         {"flush.size", "100"},
                         {"topics", "orders,users"},
                         {"transforms", "kcql2"},
                         {"transforms.kcql2.type", "tributary.Sql"},
                         {"transforms.kcql2.query", "SELECT id, email AS contact FROM `users`"},
                         {"transforms.kcql2.predicate", "kcql2topic"},
                         {"predicates", "kcql2topic"},
                         {"predicates.kcql2topic.type", "TopicNameMatches"},
                         {"predicates.kcql2topic.pattern", "users"},
                     }));
  EXPECT_TRUE(m->ignored.empty());
}

TEST(KcqlTest, RefusesWhatOneSinkCannotExpress) {
  auto st = ParseKcql(
      "INSERT INTO a SELECT * FROM t PROPERTIES('flush.count'=1);"
      "INSERT INTO b SELECT * FROM u PROPERTIES('flush.count'=1)");
  ASSERT_TRUE(st.ok());
  auto m = KcqlToConnectConfig(*st, {});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("statement 2 differs from statement 1"), std::string::npos);

  st = ParseKcql("INSERT INTO a SELECT * FROM t PARTITIONBY _key PROPERTIES('flush.count'=1)");
  ASSERT_TRUE(st.ok());
  m = KcqlToConnectConfig(*st, {});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("PARTITIONBY _key"), std::string::npos);

  st = ParseKcql("INSERT INTO a SELECT * FROM t");
  ASSERT_TRUE(st.ok());
  m = KcqlToConnectConfig(*st, {});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("'flush.count'=N"), std::string::npos);
}

TEST(KcqlTest, ExpandKeepsTheRestAndRejectsConflicts) {
  Props raw = {{"connect.s3.kcql",
                "INSERT INTO lake SELECT * FROM orders PROPERTIES('flush.count'=5, 'x'=1)"},
               {"name", "s"}};
  std::vector<std::string> ignored;
  ASSERT_TRUE(ExpandKcql(&raw, &ignored).ok());
  EXPECT_EQ(raw.at("s3.bucket.name"), "lake");
  EXPECT_EQ(raw.at("flush.size"), "5");
  EXPECT_EQ(raw.at("topics"), "orders");
  EXPECT_EQ(raw.count("topics.dir"), 0u);
  EXPECT_EQ(ignored, std::vector<std::string>{"connect.s3.kcql PROPERTIES('x')"});

  Props conflict = {
      {"connect.s3.kcql", "INSERT INTO lake SELECT * FROM o PROPERTIES('flush.count'=5)"},
      {"s3.bucket.name", "other"}};
  Status st = ExpandKcql(&conflict, &ignored);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("s3.bucket.name=lake but the config sets s3.bucket.name=other"),
            std::string::npos);
}

}  // namespace
}  // namespace tributary
