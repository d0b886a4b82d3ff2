#include "schema/avro_schema.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

TEST(AvroSchemaTest, ParsesEveryTypeAndLogicalTypeAndPrintsThemBack) {
  const std::string json = R"({"type":"record","name":"Order","namespace":"shop","fields":[
    {"name":"id","type":"long"},
    {"name":"ok","type":"boolean","doc":"is it"},
    {"name":"qty","type":["null","int"],"default":null},
    {"name":"f","type":"float"},{"name":"d","type":["double","null"]},
    {"name":"raw","type":"bytes"},{"name":"name","type":"string"},
    {"name":"day","type":{"type":"int","logicalType":"date"}},
    {"name":"tm","type":{"type":"int","logicalType":"time-millis"}},
    {"name":"tu","type":{"type":"long","logicalType":"time-micros"}},
    {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"tsu","type":{"type":"long","logicalType":"timestamp-micros"}},
    {"name":"lts","type":{"type":"long","logicalType":"local-timestamp-micros"}},
    {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
    {"name":"big","type":{"type":"fixed","name":"Big","size":16,"logicalType":"decimal","precision":38,"scale":4}},
    {"name":"uid","type":{"type":"string","logicalType":"uuid"}},
    {"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]}},
    {"name":"tags","type":{"type":"array","items":"string"}},
    {"name":"attrs","type":{"type":"map","values":["null","long"]}},
    {"name":"addr","type":["null",{"type":"record","name":"Addr","fields":[{"name":"city","type":"string"}]}]},
    {"name":"addr2","type":"Addr"},
    {"name":"c2","type":"shop.Color"}
  ],"connect.name":"shop.Order"})";
  auto s = ParseAvroSchema(json);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->FullName(), "shop.Order");
  ASSERT_EQ(s->fields.size(), 22u);
  EXPECT_EQ(Describe(s->fields[2].schema), "optional int");
  EXPECT_TRUE(s->fields[2].schema.null_first);
  EXPECT_FALSE(s->fields[4].schema.null_first);
  EXPECT_EQ(s->fields[7].schema.logical, LogicalType::kDate);
  EXPECT_EQ(s->fields[12].schema.logical, LogicalType::kLocalTimestampMicros);
  EXPECT_EQ(Describe(s->fields[13].schema), "decimal(10,2)");
  EXPECT_EQ(s->fields[14].schema.type, SchemaType::kFixed);
  EXPECT_EQ(s->fields[14].schema.precision, 38);
  EXPECT_EQ(s->fields[15].schema.logical, LogicalType::kUuid);
  EXPECT_EQ(Describe(s->fields[17].schema), "array<string>");
  EXPECT_EQ(Describe(s->fields[18].schema), "map<string,optional long>");
  EXPECT_EQ(s->fields[20].schema.FullName(), "shop.Addr");  // reference resolved
  EXPECT_EQ(s->fields[21].schema.symbols.size(), 2u);
  ASSERT_EQ(s->props.size(), 1u);
  EXPECT_EQ(s->props[0].first, "connect.name");

  std::string printed = AvroSchemaJson(*s);
  EXPECT_NE(printed.find(R"("logicalType":"decimal","precision":10,"scale":2)"), std::string::npos)
      << printed;
  EXPECT_NE(printed.find(R"("logicalType":"timestamp-micros")"), std::string::npos);
  EXPECT_NE(printed.find(R"("default":null)"), std::string::npos);
  EXPECT_NE(printed.find(R"("doc":"is it")"), std::string::npos);
  EXPECT_NE(printed.find(R"({"name":"addr2","type":"shop.Addr"})"), std::string::npos) << printed;
  auto again = ParseAvroSchema(printed);
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << printed;
  EXPECT_TRUE(*again == *s);
  EXPECT_EQ(AvroSchemaJson(*again), printed);
}

TEST(AvroSchemaTest, InvalidLogicalTypesAreIgnoredButKept) {
  auto s = ParseAvroSchema(R"({"type":"bytes","logicalType":"decimal","precision":0,"scale":1})");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->logical, LogicalType::kNone);
  EXPECT_NE(AvroSchemaJson(*s).find("\"logicalType\":\"decimal\""), std::string::npos);
  auto u = ParseAvroSchema(R"({"type":"int","logicalType":"uuid"})");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->logical, LogicalType::kNone);
}

TEST(AvroSchemaTest, ErrorsNameThePath) {
  auto s = ParseAvroSchema(
      R"({"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":["int","string"]}}]})");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("R.a[]"), std::string::npos) << s.status().message();
  EXPECT_NE(s.status().message().find("union"), std::string::npos);

  auto r = ParseAvroSchema(
      R"({"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("recursive"), std::string::npos);

  EXPECT_FALSE(ParseAvroSchema("{not json").ok());
  EXPECT_FALSE(ParseAvroSchema(R"({"type":"record","name":"R"})").ok());
  EXPECT_FALSE(
      ParseAvroSchema(
          R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]})")
          .ok());
}

}  // namespace
}  // namespace tributary
