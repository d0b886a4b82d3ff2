#include "transform/sql.h"

#include <gtest/gtest.h>

#include "transform/transform_chain.h"

namespace tributary {
namespace {

SqlRecordContext Ctx() {
  SqlRecordContext c;
  c.topic = "orders";
  c.partition = 1;
  c.offset = 42;
  c.timestamp_ms = 1556204536007;
  c.key = std::string_view("k7");
  return c;
}

// The projected value, or "<dropped>", or "!" + the error.
std::string Query(std::string_view query, std::string_view value) {
  auto q = SqlQuery::Compile(query);
  if (!q.ok()) return "!" + q.status().message();
  JsonValue out;
  auto kept = (*q)->Evaluate(JsonValue::Parse(value).value(), Ctx(), &out, nullptr, nullptr);
  if (!kept.ok()) return "!" + kept.status().message();
  return *kept ? out.ToString() : "<dropped>";
}

TEST(SqlTest, ProjectsPathsAliasesLiteralsAndFunctions) {
  EXPECT_EQ(Query("SELECT a, b.c AS d, 'x' AS lit, UPPER(name) FROM t WHERE n > 3",
                  R"({"a":1,"b":{"c":[2]},"name":"ann","n":4,"other":0})"),
            R"j({"a":1,"d":[2],"lit":"x","UPPER(name)":"ANN"})j");
  EXPECT_EQ(Query("SELECT a FROM t WHERE n > 3", R"({"a":1,"n":3})"), "<dropped>");
  // A missing field is NULL; NULL in WHERE drops.
  EXPECT_EQ(Query("SELECT a FROM t WHERE missing > 3", R"({"a":1})"), "<dropped>");
  EXPECT_EQ(Query("SELECT b.c, x.y.z FROM t", R"({"b":{"c":1}})"), R"({"c":1,"z":null})");
}

TEST(SqlTest, StarKeepsTheValueAndOverridesColumns) {
  EXPECT_EQ(Query("SELECT *, MASK(card, 4) AS card, _offset AS off FROM t",
                  R"({"id":1,"card":"4111111111111111"})"),
            R"({"id":1,"card":"************1111","off":42})");
}

TEST(SqlTest, Functions) {
  EXPECT_EQ(
      Query("SELECT MD5('') AS m, SHA256('abc') AS s FROM t", "{}"),
      R"({"m":"d41d8cd98f00b204e9800998ecf8427e","s":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"})");
  EXPECT_EQ(
      Query("SELECT CAST(s AS BIGINT) AS i, CAST(i AS VARCHAR) AS s2, CAST(d AS INT) AS t, "
            "COALESCE(none, s) AS c, LOWER(TRIM('  Hi ')) AS l, LENGTH('héé') AS n, "
            "SUBSTR('abcdef', 2, 3) AS sub, CONCAT(a, '-', none, b) AS cat, a || b AS pipe, "
            "REPLACE('a.b.c', '.', '/') AS r FROM t",
            R"({"s":"12","i":7,"d":2.9,"a":"x","b":"y"})"),
      R"({"i":12,"s2":"7","t":2,"c":"12","l":"hi","n":3,"sub":"bcd","cat":"x-y","pipe":"xy","r":"a/b/c"})");
  EXPECT_EQ(
      Query("SELECT FORMAT_TIMESTAMP(_timestamp, 'yyyy-MM-dd HH:mm') AS at, "
            "PARSE_TIMESTAMP(d, 'yyyy-MM-dd') AS ms, _topic, _partition, _key FROM t",
            R"({"d":"2023-10-05"})"),
      R"({"at":"2019-04-25 15:02","ms":1696464000000,"_topic":"orders","_partition":1,"_key":"k7"})");
  EXPECT_EQ(Query("SELECT n * 2 + 1 AS a, n / 2 AS b, x / 2 AS c, -n AS d, n % 3 AS e FROM t",
                  R"({"n":7,"x":3.0})"),
            R"({"a":15,"b":3,"c":1.5,"d":-7,"e":1})");
  EXPECT_EQ(Query("SELECT CASE WHEN n > 5 THEN 'big' WHEN n > 2 THEN 'mid' ELSE 'small' END AS s "
                  "FROM t",
                  R"({"n":3})"),
            R"({"s":"mid"})");
}

TEST(SqlTest, Predicates) {
  const char* v = R"({"country":"FR","n":4,"name":"Anne","gone":null,"ok":true})";
  EXPECT_EQ(Query("SELECT n FROM t WHERE country IN ('FR', 'DE') AND n BETWEEN 3 AND 5", v),
            R"({"n":4})");
  EXPECT_EQ(Query("SELECT n FROM t WHERE country NOT IN ('FR') OR n <> 4", v), "<dropped>");
  EXPECT_EQ(Query("SELECT n FROM t WHERE name LIKE 'An%e' AND name NOT LIKE '_x%'", v),
            R"({"n":4})");
  EXPECT_EQ(Query("SELECT n FROM t WHERE gone IS NULL AND name IS NOT NULL AND ok", v),
            R"({"n":4})");
  EXPECT_EQ(Query("SELECT n FROM t WHERE NOT (n >= 4) OR country = 'DE'", v), "<dropped>");
  // A number against a numeric string compares as numbers.
  EXPECT_EQ(Query("SELECT n FROM t WHERE n = '4'", v), R"({"n":4})");
  EXPECT_EQ(Query("SELECT n FROM t WHERE n BETWEEN 5 AND 9 AND n > 0", v), "<dropped>");
}

TEST(SqlTest, CompileErrorsSayWhereAndWhat) {
  EXPECT_EQ(Query("SELEC a FROM t", "{}"), "!position 0: expected SELECT, found 'SELEC'");
  EXPECT_EQ(Query("SELECT a FROM t WHERE", "{}"),
            "!position 21: expected an expression, found the end of the query");
  EXPECT_EQ(Query("SELECT NOPE(a) FROM t", "{}"), "!position 7: unknown function NOPE");
  EXPECT_EQ(Query("SELECT UPPER(a, b) FROM t", "{}"),
            "!position 7: UPPER takes 1 argument(s), got 2");
  EXPECT_EQ(Query("SELECT a, a FROM t", "{}"),
            "!column 'a' is selected twice; give one an alias (AS)");
  EXPECT_EQ(Query("SELECT FORMAT_TIMESTAMP(a, b) FROM t", "{}"),
            "!position 7: FORMAT_TIMESTAMP's pattern must be a string literal");
  EXPECT_EQ(Query("SELECT CAST(a AS DATE) FROM t", "{}"),
            "!position 17: unknown type 'DATE' in CAST; expected BIGINT, INT, DOUBLE, VARCHAR or "
            "BOOLEAN");
}

TEST(SqlTest, RuntimeErrorsNameTheColumn) {
  EXPECT_EQ(Query("SELECT CAST(s AS BIGINT) AS i FROM t", R"({"s":"x"})"),
            "!column 'i': CAST: 'x' is not a number");
}

TEST(SqlTest, SchemaFollowsTheProjection) {
  auto q = SqlQuery::Compile("SELECT id, UPPER(name) AS name, n + 1 AS n1 FROM t WHERE id > 0");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  auto schema = JsonValue::Parse(
      R"({"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"},{"type":"int32","optional":false,"field":"n"}],"optional":false,"name":"person"})");
  JsonValue out, out_schema;
  auto kept = (*q)->Evaluate(JsonValue::Parse(R"({"id":1,"name":"ann","n":2})").value(), Ctx(),
                             &out, &*schema, &out_schema);
  ASSERT_TRUE(kept.ok() && *kept);
  EXPECT_EQ(out.ToString(), R"({"id":1,"name":"ANN","n1":3})");
  EXPECT_EQ(
      out_schema.ToString(),
      R"({"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"},{"type":"int64","optional":true,"field":"n1"}],"optional":false,"name":"person"})");
}

TEST(SqlTest, AsAChainTransform) {
  std::map<std::string, std::string> p = {
      {"transforms", "q"},
      {"transforms.q.type", "tributary.Sql"},
      {"transforms.q.query", "SELECT id, SHA256(email) AS email FROM users WHERE active"}};
  auto chain = TransformChain::Create(p, TransformChainOptions());
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  Record in;
  in.topic = "users";
  in.value = R"({"id":1,"email":"abc","active":true})";
  auto out = (*chain)->Transform(in);
  ASSERT_TRUE(out.ok() && out->has_value());
  EXPECT_EQ(
      (*out)->value,
      R"({"id":1,"email":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"})");
  in.value = R"({"id":2,"email":"abc","active":false})";
  out = (*chain)->Transform(in);
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->has_value());

  p["transforms.q.query"] = "SELECT FROM users";
  auto bad = TransformChain::Create(p, TransformChainOptions());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("transforms.q.query: position 7: expected an expression"),
            std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace tributary
