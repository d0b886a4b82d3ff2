#include "schema/json_value.h"

#include <gtest/gtest.h>

#include "schema/avro_schema.h"

namespace tributary {
namespace {

Schema Parse(const std::string& json) {
  auto s = ParseAvroSchema(json);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : Schema{};
}

TEST(JsonValueTest, ConvertsLogicalTypesFromNumbersAndText) {
  Schema s = Parse(R"({"type":"record","name":"R","fields":[
    {"name":"day","type":{"type":"int","logicalType":"date"}},
    {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"tsu","type":{"type":"long","logicalType":"timestamp-micros"}},
    {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
    {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
    {"name":"uid","type":{"type":"string","logicalType":"uuid"}},
    {"name":"opt","type":["null","string"]},
    {"name":"dflt","type":"int","default":7}]})");
  JsonValueReader r;
  Value v;
  ASSERT_TRUE(r.Read(R"({"day":"2024-02-29","ts":"2024-02-29T12:00:00.5+01:00",
      "tsu":"1970-01-01T00:00:01.000002Z","tm":"01:02:03.004","price":"-12.3",
      "uid":"123e4567-e89b-12d3-a456-426614174000"})",
                     s, &v)
                  .ok());
  ASSERT_EQ(v.items.size(), 8u);
  EXPECT_EQ(v.items[0].i, DaysFromCivil(2024, 2, 29));
  EXPECT_EQ(v.items[0].i, 19782);
  EXPECT_EQ(v.items[1].i, 1709204400500);  // 11:00:00.5 UTC
  EXPECT_EQ(v.items[2].i, 1000002);
  EXPECT_EQ(v.items[3].i, 3723004);
  EXPECT_EQ(v.items[4].kind, Value::Kind::kDecimal);
  EXPECT_TRUE(v.items[4].dec == -1230);
  EXPECT_EQ(v.items[6].kind, Value::Kind::kNull);
  EXPECT_EQ(v.items[7].i, 7);

  ASSERT_TRUE(r.Read(R"({"day":19782,"ts":5,"tsu":6,"tm":7,"price":12.35,
      "uid":"123e4567-e89b-12d3-a456-426614174000"})",
                     s, &v)
                  .ok());
  EXPECT_TRUE(v.items[4].dec == 1235);
}

TEST(JsonValueTest, ErrorsNameTheFieldAndNeverRound) {
  Schema s = Parse(R"({"type":"record","name":"R","fields":[
    {"name":"n","type":"int"},
    {"name":"items","type":{"type":"array","items":{"type":"record","name":"I","fields":[
       {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}}]}}}]})");
  JsonValueReader r;
  Value v;
  Status st = r.Read(R"({"n":1,"items":[{"price":"1.5"},{"price":"1.234"}]})", s, &v);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("items[1].price"), std::string::npos) << st.message();
  st = r.Read(R"({"n":1,"items":[{"price":"123.4"}]})", s, &v);  // precision 4
  EXPECT_FALSE(st.ok());
  st = r.Read(R"({"n":4294967296,"items":[]})", s, &v);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("n:"), std::string::npos) << st.message();
  st = r.Read(R"({"items":[]})", s, &v);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("required field is missing"), std::string::npos);
}

TEST(JsonValueTest, InferenceWidensAndKeepsFirstSeenOrder) {
  SchemaInferrer inf;
  ASSERT_TRUE(inf.Add(R"({"id":1,"name":"a","nested":{"x":1},"tags":["a"],"n":null})").ok());
  ASSERT_TRUE(inf.Add(R"({"id":2.5,"name":3,"nested":{"y":true},"tags":[],"extra":false})").ok());
  EXPECT_FALSE(inf.Add("[1,2]").ok());
  Schema s = inf.Current();
  ASSERT_EQ(s.fields.size(), 6u);
  EXPECT_EQ(s.fields[0].name, "id");
  EXPECT_EQ(Describe(s.fields[0].schema), "optional double");
  EXPECT_EQ(Describe(s.fields[1].schema), "optional string");  // string vs number
  EXPECT_EQ(s.fields[2].schema.fields.size(), 2u);
  EXPECT_EQ(Describe(s.fields[3].schema), "optional array<optional string>");
  EXPECT_EQ(Describe(s.fields[4].schema), "optional string");  // only null
  EXPECT_EQ(s.fields[5].name, "extra");
  // The inferred schema reads both records back; the number 3 in a string field is kept
  // as its JSON text.
  JsonValueReader r(/*reject_unknown_fields=*/true);
  Value v;
  ASSERT_TRUE(
      r.Read(R"({"id":2.5,"name":3,"nested":{"y":true},"tags":[],"extra":false})", s, &v).ok());
  EXPECT_EQ(v.items[1].s, "3");
  EXPECT_FALSE(r.Read(R"({"unknown":1})", s, &v).ok());
  // It is a valid Avro schema.
  auto reparsed = ParseAvroSchema(AvroSchemaJson(s));
  EXPECT_TRUE(reparsed.ok()) << AvroSchemaJson(s);
}

// Decimals given as JSON numbers are read from their text, never through a double: a
// 38-digit integer (which simdjson's DOM cannot hold), and fractions with more digits than
// a double keeps, in records, arrays and maps.
TEST(JsonValueTest, ReadsDecimalNumbersExactly) {
  Schema s = Parse(R"({"type":"record","name":"R","fields":[
    {"name":"big","type":{"type":"bytes","logicalType":"decimal","precision":38,"scale":0}},
    {"name":"frac","type":{"type":"bytes","logicalType":"decimal","precision":38,"scale":20}},
    {"name":"list","type":{"type":"array","items":{"type":"bytes","logicalType":"decimal","precision":30,"scale":10}}},
    {"name":"m","type":{"type":"map","values":{"type":"bytes","logicalType":"decimal","precision":25,"scale":3}}},
    {"name":"n","type":"long"}]})");
  JsonValueReader r;
  Value v;
  Status st = r.Read(R"({"big":-99999999999999999999999999999999999999,
      "frac":123456789012345678.12345678901234567891, "list":[0.1234567891, 98765432109876543210.5],
      "m":{"a/b~c":1234567890123456789012.345}, "n":12})",
                     s, &v);
  ASSERT_TRUE(st.ok()) << st.ToString();
  __int128 nines = 0;
  for (int k = 0; k < 38; ++k) nines = nines * 10 + 9;
  EXPECT_TRUE(v.items[0].dec == -nines);
  __int128 frac = 0;
  for (char c : std::string("12345678901234567812345678901234567891")) frac = frac * 10 + (c - '0');
  EXPECT_TRUE(v.items[1].dec == frac);
  ASSERT_EQ(v.items[2].items.size(), 2u);
  EXPECT_TRUE(v.items[2].items[0].dec == 1234567891);
  __int128 l1 = 0;
  for (char c : std::string("987654321098765432105000000000")) l1 = l1 * 10 + (c - '0');
  EXPECT_TRUE(v.items[2].items[1].dec == l1);
  ASSERT_EQ(v.items[3].keys.size(), 1u);
  __int128 m0 = 0;
  for (char c : std::string("1234567890123456789012345")) m0 = m0 * 10 + (c - '0');
  EXPECT_TRUE(v.items[3].items[0].dec == m0);
  EXPECT_EQ(v.items[4].i, 12);
  // Digits beyond the scale are still refused, not rounded.
  st = r.Read(R"({"big":1,"frac":0.123456789012345678901,"list":[],"m":{},"n":1})", s, &v);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("frac"), std::string::npos) << st.message();
  // A big integer where a long is declared is an error naming the field.
  st = r.Read(R"({"big":1,"frac":1,"list":[],"m":{},"n":123456789012345678901234567890})", s, &v);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("n:"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace tributary
