// The scenario table: each built-in transform and predicate with inputs and expected
// outputs from Kafka Connect's documentation (the examples of docs.confluent.io's SMT
// reference pages where they exist; Tributary-specific rows say so), schemaless and with
// JsonConverter schemas.enable=true envelopes.
#include "transform/transform_chain.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

using Props = std::map<std::string, std::string>;
using Headers = std::vector<OwnedHeader>;

constexpr int64_t kTimestamp = 1556204536007;  // 2019-04-25T15:02:16.007Z

// A one-step chain "t" of class `type` with `options`.
Props Chain(const std::string& type, const Props& options = {}) {
  Props p = {{"transforms", "t"}, {"transforms.t.type", type}};
  for (const auto& [k, v] : options) {
    p[k.rfind("predicates", 0) == 0 || k.rfind("transforms", 0) == 0 ? k : "transforms.t." + k] = v;
  }
  return p;
}
Props With(Props p, const Props& more) {
  for (const auto& [k, v] : more) p[k] = v;
  return p;
}
const Props kSchemas = {{"value.converter.schemas.enable", "true"}};

std::string Env(const std::string& schema, const std::string& payload) {
  return R"({"schema":)" + schema + R"(,"payload":)" + payload + "}";
}
std::string Field(const std::string& type, const std::string& name, bool optional = false) {
  return R"({"type":")" + type + R"(","optional":)" + (optional ? "true" : "false") +
         R"(,"field":")" + name + R"("})";
}
std::string Struct(const std::vector<std::string>& fields, const std::string& tail = "") {
  std::string s = R"({"type":"struct","fields":[)";
  for (size_t i = 0; i < fields.size(); ++i) s += (i ? "," : "") + fields[i];
  return s + R"(],"optional":false)" + tail + "}";
}

struct Scenario {
  std::string name;
  Props config;
  std::optional<std::string> value;
  std::optional<std::string> want_value;
  std::string topic = "orders";
  std::string want_topic = "";  // "": unchanged
  std::optional<std::string> key = std::nullopt;
  std::optional<std::optional<std::string>> want_key = std::nullopt;  // nullopt: unchecked
  Headers headers = {};
  std::optional<Headers> want_headers = std::nullopt;
  bool dropped = false;
  std::string error = "";  // a substring of the expected error
  int64_t timestamp = kTimestamp;
};

void PrintTo(const Scenario& s, std::ostream* os) { *os << s.name; }

const std::string kRFs = Struct({Field("int32", "c1"), Field("string", "c2")}, R"(,"name":"rec")");

std::vector<Scenario> Scenarios() {
  // Filter, negated: drops every record without a "keep" header.
  const Props drop_unless_keep = Chain("Filter", {{"transforms.t.predicate", "keep"},
                                                  {"transforms.t.negate", "true"},
                                                  {"predicates", "keep"},
                                                  {"predicates.keep.type", "HasHeaderKey"},
                                                  {"predicates.keep.name", "keep"}});
  const std::string ts_schema =
      R"({"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"ts"})";
  return {
      // --- InsertField ---
      {.name = "InsertFieldStatic",
       .config =
           Chain("org.apache.kafka.connect.transforms.InsertField$Value",
                 {{"static.field", "MessageSource"}, {"static.value", "Kafka Connect framework"}}),
       .value = R"({"author": "Philip K. Dick", "character": "Palmer Eldritch"})",
       .want_value =
           R"({"author":"Philip K. Dick","character":"Palmer Eldritch","MessageSource":"Kafka Connect framework"})"},
      {.name = "InsertFieldRecordMetadata",
       .config = Chain("InsertField$Value", {{"topic.field", "t"},
                                             {"partition.field", "p"},
                                             {"offset.field", "o!"},
                                             {"timestamp.field", "ts?"}}),
       .value = R"({"a":1})",
       .want_value = R"({"a":1,"t":"orders","p":2,"o":1041,"ts":1556204536007})"},
      {.name = "InsertFieldPassesTombstones",
       .config = Chain("InsertField$Value", {{"offset.field", "o"}}),
       .value = std::nullopt,
       .want_value = std::nullopt},
      {.name = "InsertFieldNeedsAnObject",
       .config = Chain("InsertField$Value", {{"offset.field", "o"}}),
       .value = R"("text")",
       .error = "only JSON objects (maps) are supported for [field insertion], found: string"},
      {.name = "InsertFieldWithSchema",
       .config = With(Chain("InsertField", {{"offset.field", "o"},
                                            {"timestamp.field", "ts!"},
                                            {"static.field", "src"},
                                            {"static.value", "k"}}),
                      kSchemas),
       .value = Env(Struct({Field("int32", "c1")}), R"({"c1":22})"),
       .want_value = Env(Struct({Field("int32", "c1"), Field("int64", "o", true), ts_schema,
                                 Field("string", "src", true)}),
                         R"({"c1":22,"o":1041,"ts":1556204536007,"src":"k"})")},
      // --- ReplaceField ---
      {.name = "ReplaceFieldExclude",
       .config =
           Chain("org.apache.kafka.connect.transforms.ReplaceField$Value", {{"exclude", "c2"}}),
       .value = R"({"c1":22,"c2":"foo"})",
       .want_value = R"({"c1":22})"},
      {.name = "ReplaceFieldRenames",
       .config = Chain("ReplaceField$Value", {{"renames", "foo:c1,bar:c2"}}),
       .value = R"({"foo":22,"bar":"baz"})",
       .want_value = R"({"c1":22,"c2":"baz"})"},
      {.name = "ReplaceFieldOldWhitelistBlacklistNames",
       .config = Chain("ReplaceField$Value", {{"whitelist", "a,b"}, {"blacklist", "b"}}),
       .value = R"({"a":1,"b":2,"c":3})",
       .want_value = R"({"a":1})"},
      {.name = "ReplaceFieldWithSchema",
       .config =
           With(Chain("ReplaceField$Value", {{"exclude", "c2"}, {"renames", "c1:id"}}), kSchemas),
       .value = Env(kRFs, R"({"c1":22,"c2":"foo"})"),
       .want_value = Env(Struct({Field("int32", "id")}, R"(,"name":"rec")"), R"({"id":22})")},
      {.name = "ReplaceFieldOnKey",
       .config = Chain("ReplaceField$Key", {{"include", "id"}}),
       .value = R"({"v":1})",
       .want_value = R"({"v":1})",
       .key = R"({"id":"k1","secret":"s"})",
       .want_key = R"({"id":"k1"})"},
      // --- MaskField ---
      {.name = "MaskFieldDefault",
       .config = Chain("org.apache.kafka.connect.transforms.MaskField$Value",
                       {{"fields", "string_field"}}),
       .value = R"({"integer_field":22, "string_field":"foo"})",
       .want_value = R"({"integer_field":22,"string_field":""})"},
      {.name = "MaskFieldReplacement",
       .config = Chain("MaskField$Value", {{"fields", "SSN"}, {"replacement", "***-***-****"}}),
       .value = R"({"SSN":"123-45-6789","name":"Ann"})",
       .want_value = R"({"SSN":"***-***-****","name":"Ann"})"},
      {.name = "MaskFieldValidNullPerType",
       .config = Chain("MaskField$Value", {{"fields", "i,d,b,arr,obj,missing"}}),
       .value = R"({"i":5,"d":2.5,"b":true,"arr":[1],"obj":{"x":1}})",
       .want_value = R"({"i":0,"d":0.0,"b":false,"arr":[],"obj":{},"missing":null})"},
      {.name = "MaskFieldNumericReplacement",
       .config = Chain("MaskField$Value", {{"fields", "i,d"}, {"replacement", "123"}}),
       .value = R"({"i":5,"d":2.5})",
       .want_value = R"({"i":123,"d":123.0})"},
      {.name = "MaskFieldReplacementMustFitTheType",
       .config = Chain("MaskField$Value", {{"fields", "i"}, {"replacement", "***"}}),
       .value = R"({"i":5})",
       .error = "replacement '***' is not a valid integer"},
      {.name = "MaskFieldWithSchema",
       .config = With(Chain("MaskField$Value", {{"fields", "c1,c2,f"}}), kSchemas),
       .value = Env(Struct({Field("int32", "c1"), Field("string", "c2"), Field("double", "f")}),
                    R"({"c1":22,"c2":"foo","f":1.5})"),
       .want_value =
           Env(Struct({Field("int32", "c1"), Field("string", "c2"), Field("double", "f")}),
               R"({"c1":0,"c2":"","f":0.0})")},
      // --- Cast ---
      {.name = "CastFields",
       .config = Chain("org.apache.kafka.connect.transforms.Cast$Value",
                       {{"spec", "id:string,score:float64,flag:boolean,small:int8,f:int32"}}),
       .value = R"({"id":42,"score":4,"flag":"TRUE","small":300,"f":-2.7})",
       .want_value = R"({"id":"42","score":4.0,"flag":true,"small":44,"f":-2})"},
      {.name = "CastDocumentedFields",
       .config = Chain("org.apache.kafka.connect.transforms.Cast$Value",
                       {{"spec", "ID:string,score:float64"}}),
       .value = R"({"ID":46920,"score":4761})",
       .want_value = R"({"ID":"46920","score":4761.0})"},
      {.name = "CastDocumentedWholeValueToString",
       .config = Chain("Cast$Value", {{"spec", "string"}}),
       .value = "63521704.02",
       .want_value = R"("63521704.02")"},
      {.name = "CastWholeValue",
       .config = Chain("Cast$Value", {{"spec", "int64"}}),
       .value = R"("42")",
       .want_value = "42"},
      {.name = "CastRejectsBadNumbers",
       .config = Chain("Cast$Value", {{"spec", "a:int32"}}),
       .value = R"({"a":"x"})",
       .error = "field 'a': cannot cast string 'x' to int32"},
      {.name = "CastWithSchema",
       .config = With(Chain("Cast$Value", {{"spec", "c1:string"}}), kSchemas),
       .value = Env(kRFs, R"({"c1":22,"c2":"foo"})"),
       .want_value = Env(Struct({Field("string", "c1"), Field("string", "c2")}, R"(,"name":"rec")"),
                         R"({"c1":"22","c2":"foo"})")},
      // --- TimestampConverter ---
      {.name = "TimestampConverterUnixToString",
       .config = Chain(
           "org.apache.kafka.connect.transforms.TimestampConverter$Value",
           {{"format", "yyyy-MM-dd"}, {"target.type", "string"}, {"unix.precision", "seconds"}}),
       .value = "1696521093",
       .want_value = R"("2023-10-05")"},
      {.name = "TimestampConverterStringFieldToUnix",
       .config =
           Chain("TimestampConverter$Value",
                 {{"field", "ts"}, {"format", "yyyy-MM-dd HH:mm:ss"}, {"target.type", "unix"}}),
       .value = R"({"ts":"2019-04-25 15:02:16","x":1})",
       .want_value = R"({"ts":1556204536000,"x":1})"},
      {.name = "TimestampConverterMicrosToDateSchemaless",
       .config =
           Chain("TimestampConverter$Value",
                 {{"field", "ts"}, {"unix.precision", "microseconds"}, {"target.type", "Date"}}),
       .value = R"({"ts":1556204536007000})",
       .want_value = R"({"ts":1556150400000})"},
      {.name = "TimestampConverterWithSchemaToDate",
       .config = With(Chain("TimestampConverter$Value", {{"field", "ts"}, {"target.type", "Date"}}),
                      kSchemas),
       .value = Env(Struct({ts_schema}), R"({"ts":1556204536007})"),
       .want_value = Env(
           Struct(
               {R"({"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"ts"})"}),
           R"({"ts":18011})")},
      {.name = "TimestampConverterWithSchemaToString",
       .config = With(Chain("TimestampConverter$Value", {{"field", "ts"},
                                                         {"target.type", "string"},
                                                         {"format", "yyyy-MM-dd'T'HH:mm:ss.SSSX"}}),
                      kSchemas),
       .value = Env(Struct({ts_schema}), R"({"ts":1556204536007})"),
       .want_value = Env(Struct({Field("string", "ts")}), R"({"ts":"2019-04-25T15:02:16.007Z"})")},
      // --- ExtractField ---
      {.name = "ExtractField",
       .config = Chain("org.apache.kafka.connect.transforms.ExtractField$Value", {{"field", "id"}}),
       .value = R"({"id":42,"cost":4000})",
       .want_value = "42"},
      {.name = "ExtractFieldOfStringKey",
       .config = Chain("ExtractField$Key", {{"field", "id"}}),
       .value = "{}",
       .want_value = "{}",
       .key = R"({"id":"k1"})",
       .want_key = "k1"},
      {.name = "ExtractFieldWithSchema",
       .config = With(Chain("ExtractField$Value", {{"field", "c1"}}), kSchemas),
       .value = Env(kRFs, R"({"c1":22,"c2":"foo"})"),
       .want_value = Env(R"({"type":"int32","optional":false})", "22")},
      // --- ValueToKey ---
      {.name = "ValueToKey",
       .config = Chain("org.apache.kafka.connect.transforms.ValueToKey",
                       {{"fields", "userId,city,state"}}),
       .value = R"({"userId":123,"city":"Palo Alto","state":"CA","other":"x"})",
       .want_value = R"({"userId":123,"city":"Palo Alto","state":"CA","other":"x"})",
       .key = std::nullopt,
       .want_key = R"({"userId":123,"city":"Palo Alto","state":"CA"})"},
      {.name = "ValueToKeyWithSchemas",
       .config = With(Chain("ValueToKey", {{"fields", "c1"}}),
                      {{"value.converter.schemas.enable", "true"},
                       {"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
                       {"key.converter.schemas.enable", "true"}}),
       .value = Env(kRFs, R"({"c1":22,"c2":"foo"})"),
       .want_value = Env(kRFs, R"({"c1":22,"c2":"foo"})"),
       .want_key = Env(Struct({Field("int32", "c1")}), R"({"c1":22})")},
      // --- HoistField ---
      {.name = "HoistField",
       .config = Chain("org.apache.kafka.connect.transforms.HoistField$Value", {{"field", "line"}}),
       .value = "42",
       .want_value = R"({"line":42})"},
      {.name = "HoistFieldWithSchema",
       .config = With(Chain("HoistField$Value", {{"field", "line"}}), kSchemas),
       .value = Env(R"({"type":"string","optional":false})", R"("hi")"),
       .want_value = Env(Struct({Field("string", "line")}), R"({"line":"hi"})")},
      // --- Flatten ---
      {.name = "Flatten",
       .config = Chain("org.apache.kafka.connect.transforms.Flatten$Value", {{"delimiter", "."}}),
       .value = R"({"content":{"id":42,"name":{"first":"David","middle":null,"last":"Wong"}}})",
       .want_value =
           R"({"content.id":42,"content.name.first":"David","content.name.middle":null,"content.name.last":"Wong"})"},
      {.name = "FlattenUnderscoreKeepsArrays",
       .config = Chain("Flatten$Value", {{"delimiter", "_"}}),
       .value = R"({"a":{"b":[1,{"c":2}],"e":{}},"f":1})",
       .want_value = R"({"a_b":[1,{"c":2}],"f":1})"},
      {.name = "FlattenWithSchemaPropagatesOptional",
       .config = With(Chain("Flatten$Value"), kSchemas),
       .value = Env(Struct({Field("int32", "id"), R"({"type":"struct","fields":[)" +
                                                      Field("string", "first") +
                                                      R"(],"optional":true,"field":"name"})"},
                           R"(,"name":"person")"),
                    R"({"id":1,"name":{"first":"Ann"}})"),
       .want_value = Env(Struct({Field("int32", "id"), Field("string", "name.first", true)},
                                R"(,"name":"person")"),
                         R"({"id":1,"name.first":"Ann"})")},
      // --- Filter and predicates ---
      {.name = "FilterTopicNameMatches",
       .config = Chain("org.apache.kafka.connect.transforms.Filter",
                       {{"transforms.t.predicate", "IsFoo"},
                        {"predicates", "IsFoo"},
                        {"predicates.IsFoo.type",
                         "org.apache.kafka.connect.transforms.predicates.TopicNameMatches"},
                        {"predicates.IsFoo.pattern", "foo.*"}}),
       .value = "{}",
       .want_value = std::nullopt,
       .topic = "foo-1",
       .dropped = true},
      {.name = "FilterTopicNameDoesNotMatch",
       .config = Chain("Filter", {{"transforms.t.predicate", "IsFoo"},
                                  {"predicates", "IsFoo"},
                                  {"predicates.IsFoo.type", "TopicNameMatches"},
                                  {"predicates.IsFoo.pattern", "foo.*"}}),
       .value = R"({"kept":true})",
       .want_value = R"({"kept":true})",
       .topic = "bar"},
      {.name = "FilterNegatedHasHeaderKey",
       .config = drop_unless_keep,
       .value = "{}",
       .want_value = std::nullopt,
       .headers = {{"other", "1"}},
       .dropped = true},
      {.name = "FilterNegatedHasHeaderKeyKeeps",
       .config = drop_unless_keep,
       .value = "{}",
       .want_value = "{}",
       .headers = {{"keep", std::nullopt}}},
      {.name = "FilterTombstones",
       .config = Chain("Filter", {{"transforms.t.predicate", "tomb"},
                                  {"predicates", "tomb"},
                                  {"predicates.tomb.type", "RecordIsTombstone"}}),
       .value = std::nullopt,
       .want_value = std::nullopt,
       .dropped = true},
      // --- headers ---
      {.name = "HeaderFromCopy",
       .config =
           Chain("org.apache.kafka.connect.transforms.HeaderFrom$Value",
                 {{"fields", "id,ts"}, {"headers", "record_id,event_ts"}, {"operation", "copy"}}),
       .value = R"({"id":7,"ts":"2019","v":1})",
       .want_value = R"({"id":7,"ts":"2019","v":1})",
       .headers = {{"h", "x"}},
       .want_headers = Headers{{"h", "x"}, {"record_id", "7"}, {"event_ts", "2019"}}},
      {.name = "HeaderFromMoveWithSchema",
       .config = With(Chain("HeaderFrom$Value",
                            {{"fields", "c2"}, {"headers", "kind"}, {"operation", "move"}}),
                      kSchemas),
       .value = Env(kRFs, R"({"c1":22,"c2":"foo"})"),
       .want_value = Env(Struct({Field("int32", "c1")}, R"(,"name":"rec")"), R"({"c1":22})"),
       .want_headers = Headers{{"kind", "foo"}}},
      {.name = "InsertHeader",
       .config = Chain("org.apache.kafka.connect.transforms.InsertHeader",
                       {{"header", "MyHeader"}, {"value.literal", "MyValue"}}),
       .value = "{}",
       .want_value = "{}",
       .want_headers = Headers{{"MyHeader", "MyValue"}}},
      {.name = "DropHeaders",
       .config = Chain("org.apache.kafka.connect.transforms.DropHeaders", {{"headers", "foo,bar"}}),
       .value = "{}",
       .want_value = "{}",
       .headers = {{"foo", "1"}, {"baz", "2"}, {"bar", std::nullopt}, {"foo", "3"}},
       .want_headers = Headers{{"baz", "2"}}},
      // --- routers ---
      {.name = "RegexRouter",
       .config = Chain("org.apache.kafka.connect.transforms.RegexRouter",
                       {{"regex", "soe-(.*)"}, {"replacement", "$1"}}),
       .value = "{}",
       .want_value = "{}",
       .topic = "soe-Order",
       .want_topic = "Order"},
      {.name = "RegexRouterWholeNameOnly",
       .config = Chain("RegexRouter", {{"regex", "soe-(.*)"}, {"replacement", "$1"}}),
       .value = "{}",
       .want_value = "{}",
       .topic = "x-soe-Order",
       .want_topic = "x-soe-Order"},
      {.name = "TimestampRouter",
       .config =
           Chain("org.apache.kafka.connect.transforms.TimestampRouter",
                 {{"topic.format", "foo-${topic}-${timestamp}"}, {"timestamp.format", "YYYYMM"}}),
       .value = "{}",
       .want_value = "{}",
       .want_topic = "foo-orders-201904"},
      {.name = "TimestampRouterDefaults",
       .config = Chain("TimestampRouter"),
       .value = "{}",
       .want_value = "{}",
       .want_topic = "orders-20190425"},
      {.name = "TimestampRouterNeedsATimestamp",
       .config = Chain("TimestampRouter"),
       .value = "{}",
       .error = "timestamp missing on record",
       .timestamp = -1},
      // --- SetSchemaMetadata ---
      {.name = "SetSchemaMetadata",
       .config = With(Chain("org.apache.kafka.connect.transforms.SetSchemaMetadata$Value",
                            {{"schema.name", "order-value"}, {"schema.version", "2"}}),
                      kSchemas),
       .value = Env(Struct({Field("int32", "c1")}), R"({"c1":22})"),
       .want_value = Env(Struct({Field("int32", "c1")}, R"(,"name":"order-value","version":2)"),
                         R"({"c1":22})")},
      {.name = "SetSchemaMetadataNeedsASchema",
       .config = Chain("SetSchemaMetadata$Value", {{"schema.name", "x"}}),
       .value = R"({"c1":22})",
       .error = "schema required for [updating schema metadata]"},
      // --- converters ---
      {.name = "SchemasEnableRequiresAnEnvelope",
       .config = With(Chain("MaskField$Value", {{"fields", "a"}}), kSchemas),
       .value = R"({"a":"x"})",
       .error = "requires \"schema\" and \"payload\" fields"},
      {.name = "StringConverterJsonText",
       .config = With(Chain("MaskField$Value", {{"fields", "a"}}),
                      {{"value.converter", "org.apache.kafka.connect.storage.StringConverter"}}),
       .value = R"({ "a": "x", "b": 1 })",
       .want_value = R"({"a":"","b":1})"},
      {.name = "StringConverterPlainTextHoisted",
       .config = With(Chain("HoistField$Value", {{"field", "line"}}),
                      {{"value.converter", "StringConverter"}}),
       .value = "plain text",
       .want_value = R"({"line":"plain text"})"},
      {.name = "ByteArrayConverterValuesHaveNoFields",
       .config = With(Chain("MaskField$Value", {{"fields", "a"}}),
                      {{"value.converter", "ByteArrayConverter"}}),
       .value = "\x01\x02",
       .error = "opaque bytes (ByteArrayConverter)"},
  };
}

class ScenarioTest : public ::testing::TestWithParam<Scenario> {};

TEST_P(ScenarioTest, ProducesConnectsDocumentedOutput) {
  const Scenario& s = GetParam();
  auto options = TransformChainOptions::FromConfig(s.config);
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  auto chain = TransformChain::Create(s.config, *options);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  EXPECT_TRUE((*chain)->unused_keys().empty())
      << fmt::format("{}", fmt::join((*chain)->unused_keys(), ","));

  Record in;
  in.topic = s.topic;
  in.partition = Partition(2);
  in.offset = Offset(1041);
  in.timestamp_ms = s.timestamp;
  if (s.key) in.key = *s.key;
  if (s.value) in.value = *s.value;
  for (const auto& h : s.headers) {
    in.headers.push_back(
        {h.name, h.value ? std::optional<std::string_view>(*h.value) : std::nullopt});
  }
  auto out = (*chain)->Transform(in);
  if (!s.error.empty()) {
    ASSERT_FALSE(out.ok()) << "expected an error containing: " << s.error;
    const std::string& msg = out.status().message();
    EXPECT_NE(msg.find(s.error), std::string::npos) << msg;
    // Every record error names the record and the transform alias.
    EXPECT_EQ(msg.rfind(s.topic + "-2@1041: transform 't' (", 0), 0u) << msg;
    return;
  }
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  if (s.dropped) {
    EXPECT_FALSE(out->has_value());
    return;
  }
  ASSERT_TRUE(out->has_value()) << "the record was dropped";
  const OwnedRecord& r = **out;
  EXPECT_EQ(r.value, s.want_value);
  EXPECT_EQ(r.topic, s.want_topic.empty() ? s.topic : s.want_topic);
  EXPECT_EQ(r.partition, Partition(2));
  EXPECT_EQ(r.offset, Offset(1041));
  EXPECT_EQ(r.timestamp_ms, s.timestamp);
  EXPECT_EQ(r.key, s.want_key ? *s.want_key : s.key);
  EXPECT_EQ(r.headers, s.want_headers ? *s.want_headers : s.headers);
}

INSTANTIATE_TEST_SUITE_P(Connect, ScenarioTest, ::testing::ValuesIn(Scenarios()),
                         [](const auto& info) { return info.param.name; });

// --- the chain itself --------------------------------------------------------------------

Result<std::unique_ptr<TransformChain>> Make(const Props& p) {
  auto options = TransformChainOptions::FromConfig(p);
  if (!options.ok()) return options.status();
  return TransformChain::Create(p, *options);
}

std::string ConfigError(const Props& p) {
  auto chain = Make(p);
  EXPECT_FALSE(chain.ok());
  return chain.ok() ? "" : chain.status().message();
}

TEST(TransformChainTest, EmptyChainReturnsTheInputWithoutCopying) {
  auto chain = Make({});
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE((*chain)->empty());
  Record in;
  in.topic = "t";
  in.value = "{}";
  TransformScratch scratch;
  auto out = (*chain)->Apply(in, &scratch);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, &in);
}

TEST(TransformChainTest, RecordsEveryPredicateSkipsAreNotCopied) {
  auto chain = Make(Chain("MaskField$Value", {{"fields", "a"},
                                              {"transforms.t.predicate", "p"},
                                              {"predicates", "p"},
                                              {"predicates.p.type", "TopicNameMatches"},
                                              {"predicates.p.pattern", "other"}}));
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  Record in;
  in.topic = "orders";
  in.value = R"({"a":"secret"})";
  TransformScratch scratch;
  auto out = (*chain)->Apply(in, &scratch);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, &in);
}

TEST(TransformChainTest, TypicalChainParsesOnceAndKeepsOrder) {
  Props p = {{"transforms", "drop,mask,offset"},
             {"transforms.drop.type", "org.apache.kafka.connect.transforms.ReplaceField$Value"},
             {"transforms.drop.exclude", "ssn,internal"},
             {"transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value"},
             {"transforms.mask.fields", "email"},
             {"transforms.mask.replacement", "***"},
             {"transforms.offset.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
             {"transforms.offset.offset.field", "kafka_offset"}};
  auto chain = Make(p);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  EXPECT_EQ((*chain)->aliases(), (std::vector<std::string>{"drop", "mask", "offset"}));
  Record in;
  in.topic = "users";
  in.partition = Partition(0);
  in.offset = Offset(7);
  in.value = R"({"id":1,"email":"a@b.c","ssn":"1","internal":{"x":1},"name":"Ann"})";
  TransformScratch scratch;
  for (int i = 0; i < 3; ++i) {  // the scratch is reused across records
    auto out = (*chain)->Apply(in, &scratch);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ASSERT_NE(*out, nullptr);
    EXPECT_NE(*out, &in);
    EXPECT_EQ((*out)->value, R"({"id":1,"email":"***","name":"Ann","kafka_offset":7})");
    EXPECT_EQ((*out)->topic, "users");
  }
}

TEST(TransformChainTest, ErrorsNameTheRecordAndTheAlias) {
  auto chain = Make(Chain("MaskField$Value", {{"fields", "a"}}));
  ASSERT_TRUE(chain.ok());
  Record in;
  in.topic = "orders";
  in.partition = Partition(3);
  in.offset = Offset(99);
  in.value = "{not json";
  auto out = (*chain)->Transform(in);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(
      out.status().message().rfind("orders-3@99: transform 't' (MaskField$Value): value is not "
                                   "valid JSON",
                                   0),
      0u)
      << out.status().message();
}

TEST(TransformChainTest, ClassNamesWithAndWithoutPackageAndSide) {
  for (const char* type :
       {"org.apache.kafka.connect.transforms.HoistField$Value", "HoistField$Value", "HoistField",
        "org.apache.kafka.connect.transforms.HoistField"}) {
    auto chain = Make(Chain(type, {{"field", "f"}}));
    ASSERT_TRUE(chain.ok()) << type << ": " << chain.status().ToString();
    Record in;
    in.topic = "t";
    in.value = "1";
    EXPECT_EQ((*chain)->Transform(in).value()->value, R"({"f":1})") << type;
  }
}

TEST(TransformChainTest, InvalidConfigsNameTheKey) {
  const std::vector<std::pair<Props, std::string>> cases = {
      {{{"transforms", "a"}}, "transforms.a.type: required"},
      {Chain("com.example.Nope"), "transforms.t.type: unknown transform class 'com.example.Nope'"},
      {Chain("Filter$Value"), "Filter has no $Value variant"},
      {Chain("ReplaceField$Value", {{"renames", "a:b,c"}}),
       "transforms.t.renames: invalid rename mapping 'c'"},
      {Chain("MaskField$Value"), "transforms.t.fields: required"},
      {Chain("Cast$Value", {{"spec", "a:decimal"}}), "transforms.t.spec: invalid type 'decimal'"},
      {Chain("TimestampConverter$Value", {{"target.type", "string"}}),
       "transforms.t.format: required when target.type is string"},
      {Chain("TimestampConverter$Value", {{"target.type", "Datetime"}}),
       "transforms.t.target.type: expected one of"},
      {Chain("RegexRouter", {{"regex", "(unclosed"}, {"replacement", "x"}}),
       "transforms.t.regex: invalid regular expression"},
      {Chain("RegexRouter", {{"regex", "(a)"}, {"replacement", "$2"}}), "transforms.t.replacement"},
      {Chain("Filter", {{"transforms.t.predicate", "p"}}),
       "transforms.t.predicate: 'p' is not a predicate listed in 'predicates'"},
      {Chain("Filter", {{"transforms.t.negate", "true"}}),
       "transforms.t.negate: set without transforms.t.predicate"},
      {Chain("Filter", {{"predicates", "p"}, {"predicates.p.type", "IsFoo"}}),
       "predicates.p.type: unknown predicate class 'IsFoo'"},
      {Chain("HeaderFrom$Value", {{"fields", "a,b"}, {"headers", "a"}, {"operation", "copy"}}),
       "transforms.t.headers: expected as many header names"},
  };
  for (const auto& [config, fragment] : cases) {
    std::string error = ConfigError(config);
    EXPECT_NE(error.find(fragment), std::string::npos) << error;
  }
  // Every problem at once.
  std::string both = ConfigError({{"transforms", "a,b"}, {"transforms.b.type", "Nope"}});
  EXPECT_NE(both.find("transforms.a.type"), std::string::npos) << both;
  EXPECT_NE(both.find("transforms.b.type"), std::string::npos) << both;
}

TEST(TransformChainTest, ReportsOptionsNothingReads) {
  auto chain = Make(With(Chain("MaskField$Value", {{"fields", "a"}, {"fileds", "b"}}),
                         {{"transforms.unlisted.type", "Filter"}}));
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  EXPECT_EQ((*chain)->unused_keys(),
            (std::vector<std::string>{"transforms.t.fileds", "transforms.unlisted.type"}));
}

TEST(TransformChainTest, SchemasEnableMustBeBoolean) {
  auto options = TransformChainOptions::FromConfig({{"value.converter.schemas.enable", "yes"}});
  ASSERT_FALSE(options.ok());
  EXPECT_NE(options.status().message().find("value.converter.schemas.enable"), std::string::npos);
}

}  // namespace
}  // namespace tributary
