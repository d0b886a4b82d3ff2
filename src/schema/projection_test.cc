#include "schema/projection.h"

#include <gtest/gtest.h>

#include "schema/avro_schema.h"
#include "schema/compatibility.h"
#include "schema/json_value.h"
#include "schema/widening.h"

namespace tributary {
namespace {

// Test schemas are valid (value() throws, failing the test, otherwise).
Schema Parse(const std::string& json) { return ParseAvroSchema(json).value(); }

Value Read(const std::string& json, const Schema& s) {
  JsonValueReader r;
  Value v;
  Status st = r.Read(json, s, &v);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return v;
}

Value Project(const Schema& from, const Schema& to, const std::string& json) {
  auto p = Projection::Make(from, to);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  Value out;
  if (p.ok()) {
    EXPECT_TRUE(p->Apply(Read(json, from), &out).ok());
  }
  return out;
}

const char* kV1 = R"({"type":"record","name":"Order","fields":[
  {"name":"id","type":"long"},{"name":"qty","type":"int"}]})";
const char* kV2 = R"({"type":"record","name":"Order","fields":[
  {"name":"id","type":"long"},{"name":"qty","type":"int"},
  {"name":"currency","type":"string","default":"EUR"}]})";

TEST(ProjectionTest, AddedFieldTakesItsDefault) {
  Value v = Project(Parse(kV1), Parse(kV2), R"({"id":7,"qty":2})");
  ASSERT_EQ(v.items.size(), 3u);
  EXPECT_EQ(v.items[0].i, 7);
  EXPECT_EQ(v.items[1].i, 2);
  EXPECT_EQ(v.items[2].kind, Value::Kind::kBytes);
  EXPECT_EQ(v.items[2].s, "EUR");
}

TEST(ProjectionTest, RemovedFieldIsDropped) {
  Value v = Project(Parse(kV2), Parse(kV1), R"({"id":7,"qty":2,"currency":"USD"})");
  ASSERT_EQ(v.items.size(), 2u);
  EXPECT_EQ(v.items[0].i, 7);
  EXPECT_EQ(v.items[1].i, 2);
}

TEST(ProjectionTest, AddedFieldWithoutDefaultDoesNotProject) {
  Schema to = Parse(R"({"type":"record","name":"Order","fields":[
    {"name":"id","type":"long"},{"name":"qty","type":"int"},{"name":"sku","type":"string"}]})");
  auto p = Projection::Make(Parse(kV1), to);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("sku"), std::string::npos) << p.status().message();
  EXPECT_NE(p.status().message().find("no default"), std::string::npos);
}

TEST(ProjectionTest, AddedOptionalFieldWithoutDefaultIsNull) {
  Schema to = Parse(R"({"type":"record","name":"Order","fields":[
    {"name":"id","type":"long"},{"name":"qty","type":"int"},{"name":"note","type":["null","string"]}]})");
  Value v = Project(Parse(kV1), to, R"({"id":1,"qty":1})");
  ASSERT_EQ(v.items.size(), 3u);
  EXPECT_EQ(v.items[2].kind, Value::Kind::kNull);
}

TEST(ProjectionTest, PromotesNumbersUpTheChain) {
  auto rec = [](const char* a, const char* b, const char* c) {
    return Parse(fmt::format(R"({{"type":"record","name":"N","fields":[
      {{"name":"a","type":"{}"}},{{"name":"b","type":"{}"}},{{"name":"c","type":"{}"}}]}})",
                             a, b, c));
  };
  // int → long, int → float, long → double; float → double.
  Value v = Project(rec("int", "int", "long"), rec("long", "float", "double"),
                    R"({"a":5,"b":6,"c":9007199254740993})");
  EXPECT_EQ(v.items[0].kind, Value::Kind::kInt);
  EXPECT_EQ(v.items[0].i, 5);
  EXPECT_EQ(v.items[1].kind, Value::Kind::kDouble);
  EXPECT_EQ(v.items[1].d, 6.0);
  EXPECT_EQ(v.items[2].kind, Value::Kind::kDouble);
  EXPECT_EQ(v.items[2].d, 9007199254740992.0);
  Value w = Project(rec("float", "int", "int"), rec("double", "double", "int"),
                    R"({"a":1.5,"b":3,"c":4})");
  EXPECT_EQ(w.items[0].d, 1.5);
  EXPECT_EQ(w.items[1].d, 3.0);
  // Never down the chain.
  auto down = Projection::Make(rec("long", "int", "int"), rec("int", "int", "int"));
  ASSERT_FALSE(down.ok());
  EXPECT_NE(down.status().message().find("a: long"), std::string::npos) << down.status().message();
  EXPECT_FALSE(Projection::Make(rec("double", "int", "int"), rec("float", "int", "int")).ok());
  EXPECT_FALSE(Projection::Make(rec("string", "int", "int"), rec("long", "int", "int")).ok());
}

TEST(ProjectionTest, OptionalChanges) {
  Schema req = Parse(R"({"type":"record","name":"R","fields":[{"name":"x","type":"int"}]})");
  Schema opt =
      Parse(R"({"type":"record","name":"R","fields":[{"name":"x","type":["null","int"]}]})");
  Schema req_default =
      Parse(R"({"type":"record","name":"R","fields":[{"name":"x","type":"int","default":-1}]})");
  // required → optional: always.
  EXPECT_EQ(Project(req, opt, R"({"x":3})").items[0].i, 3);
  // optional → required: only with a default, which a null becomes.
  auto p = Projection::Make(opt, req);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("x: optional"), std::string::npos) << p.status().message();
  Value v = Project(opt, req_default, R"({"x":null})");
  EXPECT_EQ(v.items[0].kind, Value::Kind::kInt);
  EXPECT_EQ(v.items[0].i, -1);
  EXPECT_EQ(Project(opt, req_default, R"({"x":4})").items[0].i, 4);
}

TEST(ProjectionTest, NestedRecordsArraysAndMaps) {
  Schema from = Parse(R"({"type":"record","name":"R","fields":[
    {"name":"addr","type":{"type":"record","name":"Addr","fields":[{"name":"zip","type":"int"}]}},
    {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
      {"name":"n","type":"int"}]}}},
    {"name":"tags","type":{"type":"map","values":"int"}}]})");
  Schema to = Parse(R"({"type":"record","name":"R","fields":[
    {"name":"addr","type":{"type":"record","name":"Addr","fields":[{"name":"zip","type":"long"},
      {"name":"city","type":"string","default":"?"}]}},
    {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
      {"name":"n","type":"double"}]}}},
    {"name":"tags","type":{"type":"map","values":"long"}}]})");
  Value v = Project(from, to, R"({"addr":{"zip":1000},"lines":[{"n":1},{"n":2}],"tags":{"a":1}})");
  ASSERT_EQ(v.items[0].items.size(), 2u);
  EXPECT_EQ(v.items[0].items[0].i, 1000);
  EXPECT_EQ(v.items[0].items[1].s, "?");
  ASSERT_EQ(v.items[1].items.size(), 2u);
  EXPECT_EQ(v.items[1].items[1].items[0].kind, Value::Kind::kDouble);
  EXPECT_EQ(v.items[1].items[1].items[0].d, 2.0);
  ASSERT_EQ(v.items[2].keys, std::vector<std::string>{"a"});
  EXPECT_EQ(v.items[2].items[0].i, 1);
  // A nested required field without a default names its path.
  Schema bad = to;
  bad.fields[0].schema.fields[1].props.clear();
  auto p = Projection::Make(from, bad);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("addr.city"), std::string::npos) << p.status().message();
}

TEST(ProjectionTest, RecordNamesAndEnumSymbols) {
  Schema a = Parse(R"({"type":"record","name":"A","fields":[{"name":"x","type":"int"}]})");
  Schema b = Parse(R"({"type":"record","name":"B","fields":[{"name":"x","type":"int"}]})");
  EXPECT_FALSE(Projection::Make(a, b).ok());
  Schema e1 = Parse(R"({"type":"record","name":"R","fields":[{"name":"c",
    "type":{"type":"enum","name":"C","symbols":["RED","BLUE"]}}]})");
  Schema e2 = Parse(R"({"type":"record","name":"R","fields":[{"name":"c",
    "type":{"type":"enum","name":"C","symbols":["GREEN","BLUE","RED"]}}]})");
  EXPECT_EQ(Project(e1, e2, R"({"c":"RED"})").items[0].i, 2);
  EXPECT_EQ(Project(e1, e2, R"({"c":"BLUE"})").items[0].i, 1);
  EXPECT_FALSE(Projection::Make(e2, e1).ok());  // GREEN has no place
}

TEST(SchemaCompatibilityTest, DecidesAsTheConnector) {
  Schema v1 = Parse(kV1), v2 = Parse(kV2);
  using D = SchemaDecision;
  for (auto mode : {SchemaCompatibility::kNone, SchemaCompatibility::kBackward,
                    SchemaCompatibility::kForward, SchemaCompatibility::kFull}) {
    EXPECT_EQ(DecideSchema(mode, v1, 1, v1, 1), D::kSame);
    EXPECT_EQ(DecideSchema(mode, v1, 1, v1, 5), D::kSame);  // equal schemas, other id
  }
  EXPECT_EQ(DecideSchema(SchemaCompatibility::kNone, v1, 1, v2, 2), D::kNewFile);
  EXPECT_EQ(DecideSchema(SchemaCompatibility::kNone, v2, 2, v1, 1), D::kNewFile);
  // BACKWARD and FULL keep the newest schema: a newer record rotates, an older projects.
  for (auto mode : {SchemaCompatibility::kBackward, SchemaCompatibility::kFull}) {
    EXPECT_EQ(DecideSchema(mode, v1, 1, v2, 2), D::kNewFile);
    EXPECT_EQ(DecideSchema(mode, v2, 2, v1, 1), D::kProject);
  }
  // FORWARD keeps the older: an older record rotates, a newer projects.
  EXPECT_EQ(DecideSchema(SchemaCompatibility::kForward, v1, 1, v2, 2), D::kProject);
  EXPECT_EQ(DecideSchema(SchemaCompatibility::kForward, v2, 2, v1, 1), D::kNewFile);
}

TEST(SchemaCompatibilityTest, ParsesNamesAndVersions) {
  EXPECT_EQ(*ParseSchemaCompatibility("backward"), SchemaCompatibility::kBackward);
  EXPECT_EQ(*ParseSchemaCompatibility("FULL"), SchemaCompatibility::kFull);
  auto bad = ParseSchemaCompatibility("FULL_TRANSITIVE");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("schema.compatibility"), std::string::npos);
  Schema s = Parse(R"({"type":"record","name":"R","connect.version":3,"fields":[]})");
  EXPECT_EQ(SchemaVersion(s, 41), 3);
  EXPECT_EQ(SchemaVersion(Parse(kV1), 41), 41);
}

TEST(WideningTest, WidensForNewFieldsNumbersAndNulls) {
  SchemaInferrer inf;
  ASSERT_TRUE(inf.Add(R"({"id":1,"price":2,"tags":[1],"addr":{"zip":"1000"}})").ok());
  Schema file = inf.Current("Value");
  auto same = WidenInferredSchema(file, R"({"id":2,"price":3,"tags":[],"addr":{"zip":"x"}})");
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, file);
  auto w = WidenInferredSchema(
      file, R"({"id":2,"price":2.5,"tags":[1.5],"addr":{"zip":"1","geo":{"lat":1.5}},"new":true})");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_EQ(w->fields.size(), 5u);
  EXPECT_EQ(w->fields[1].schema.type, SchemaType::kDouble);
  EXPECT_EQ(w->fields[2].schema.items().type, SchemaType::kDouble);
  const Schema& addr = w->fields[3].schema;
  ASSERT_EQ(addr.fields.size(), 2u);
  EXPECT_EQ(addr.fields[1].name, "geo");
  EXPECT_EQ(addr.fields[1].schema.name, "Value_addr_geo");
  EXPECT_TRUE(addr.fields[1].schema.optional);
  EXPECT_EQ(w->fields[4].name, "new");
  EXPECT_EQ(w->fields[4].schema.type, SchemaType::kBoolean);
  EXPECT_TRUE(w->fields[4].schema.optional);
  // The widened schema reads the record.
  JsonValueReader reader(/*reject_unknown_fields=*/true);
  Value v;
  EXPECT_TRUE(
      reader
          .Read(
              R"({"id":2,"price":2.5,"tags":[1.5],"addr":{"zip":"1","geo":{"lat":1.5}},"new":true})",
              *w, &v)
          .ok());
  // null into a required value makes it optional.
  Schema required = RecordOf("R", {Field{"x", Primitive(SchemaType::kLong), {}}});
  auto n = WidenInferredSchema(required, R"({"x":null})");
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(n->fields[0].schema.optional);
}

TEST(WideningTest, ConflictsNameTheField) {
  SchemaInferrer inf;
  ASSERT_TRUE(inf.Add(R"({"id":1,"addr":{"zip":1}})").ok());
  Schema file = inf.Current("Value");
  auto w = WidenInferredSchema(file, R"({"id":1,"addr":"Main street"})");
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("addr: a string does not fit"), std::string::npos)
      << w.status().message();
  auto n = WidenInferredSchema(file, R"({"id":"seven"})");
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("id:"), std::string::npos);
  EXPECT_FALSE(WidenInferredSchema(file, R"({"addr":{"zip":[1]}})").ok());
  EXPECT_FALSE(WidenInferredSchema(file, "[1]").ok());
}

}  // namespace
}  // namespace tributary
