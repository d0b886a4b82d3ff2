// The scenario table for schema-bearing records that come through the Schema Registry
// (value.converter=AvroConverter): each transform whose result depends on the schema,
// and the predicates, on Avro inputs in Confluent's wire format. Expected outputs are
// what Kafka Connect does to the same records (AvroConverter turns the Avro record into
// a Connect Struct, the SMT runs with Connect's schema-bearing semantics, and the S3
// sink's AvroData turns the result back into an Avro schema), written as the Avro schema
// and the datum the writers receive.
//
// The registry here is an in-memory map from schema id to schema: the HTTP client is
// covered by format/registry_format_test.cc and tests/e2e/transform_avro_e2e.py.
#include <gtest/gtest.h>

#include "format/avro/avro_container.h"
#include "format/format_options.h"
#include "format/output_stream.h"
#include "format/reader/columnar_json.h"
#include "schema/avro_decoder.h"
#include "schema/avro_schema.h"
#include "schema/json_value.h"
#include "schema/registry_client.h"
#include "transform/schema_codec.h"
#include "transform/transform_chain.h"

namespace tributary {
namespace {

using Props = std::map<std::string, std::string>;

// The registry: schemas by id, in memory (AvroConverter's decoding is the real one).
class MapRegistry {
 public:
  void Add(int32_t id, std::string_view avro) {
    auto parsed = ParseAvroSchema(avro);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    schemas_[id] = std::make_shared<const Schema>(*parsed);
  }
  const std::shared_ptr<const Schema>& schema(int32_t id) const { return schemas_.at(id); }
  std::shared_ptr<const SchemaCodec> Codec() const {
    return MakeAvroCodec([this](int32_t id) -> Result<std::shared_ptr<const Schema>> {
      auto it = schemas_.find(id);
      if (it == schemas_.end()) return NotFound("schema id {} not found", id);
      return it->second;
    });
  }

 private:
  std::map<int32_t, std::shared_ptr<const Schema>> schemas_;
};

constexpr std::string_view kOrder = R"({"type":"record","name":"Order","namespace":"shop","fields":[
  {"name":"id","type":"int"},
  {"name":"email","type":"string"},
  {"name":"ssn","type":["null","string"],"default":null},
  {"name":"price","type":"double"},
  {"name":"created","type":{"type":"long","logicalType":"timestamp-millis"}},
  {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}}]})";
constexpr std::string_view kOrderDatum =
    R"({"id":42,"email":"ann@example.com","ssn":"123-45-6789","price":9.5,"created":1556204536007,"status":"PAID"})";

constexpr std::string_view kNested = R"({"type":"record","name":"Customer","fields":[
  {"name":"id","type":"long"},
  {"name":"address","type":{"type":"record","name":"Address","fields":[
    {"name":"city","type":"string"},
    {"name":"zip","type":["null","string"],"default":null}]}}]})";
constexpr std::string_view kNestedDatum = R"({"id":7,"address":{"city":"Oslo","zip":null}})";

constexpr std::string_view kLogical = R"({"type":"record","name":"Payment","fields":[
  {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
  {"name":"day","type":{"type":"int","logicalType":"date"}},
  {"name":"ref","type":{"type":"string","logicalType":"uuid"}},
  {"name":"at","type":{"type":"long","logicalType":"timestamp-micros"}}]})";
constexpr std::string_view kLogicalDatum =
    R"({"amount":"12.34","day":18000,"ref":"6f1c1c2e-1b7a-4b8e-9b1a-2f4c5d6e7f80","at":1556204536007123})";

constexpr std::string_view kDefaults = R"({"type":"record","name":"Setting","fields":[
  {"name":"key","type":"string"},
  {"name":"retries","type":"int","default":3},
  {"name":"region","type":["string","null"],"default":"eu"},
  {"name":"note","type":["null","string"],"default":null}]})";
constexpr std::string_view kDefaultsDatum = R"({"key":"k","retries":5,"region":null,"note":"n"})";

// Confluent's wire format: magic 0, the schema id big-endian, the Avro binary datum.
std::string Wire(int32_t id, const Schema& schema, std::string_view json) {
  Value v;
  JsonValueReader reader;
  Status st = reader.Read(json, schema, &v);
  EXPECT_TRUE(st.ok()) << st.ToString();
  std::string out(1, '\0');
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((id >> shift) & 0xff));
  st = EncodeAvro(schema, v, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

std::shared_ptr<MapRegistry> Registry() {
  auto registry = std::make_shared<MapRegistry>();
  registry->Add(1, kOrder);
  registry->Add(2, kNested);
  registry->Add(3, kLogical);
  registry->Add(4, kDefaults);
  return registry;
}

struct AvroScenario {
  std::string name;
  Props config;
  int32_t schema_id = 1;
  std::optional<std::string> datum;  // JSON of the input datum; nullopt: a tombstone
  std::string want_schema = "";      // Avro schema JSON of the output; "": the input's
  std::string want_datum = "";       // JSON of the output datum; "": the input datum
  bool want_untouched = false;       // the chain returns the input record itself
  bool want_tombstone = false;
  bool dropped = false;
  std::optional<std::string> want_key = std::nullopt;
  std::string error = "";
  std::string topic = "orders";
};

void PrintTo(const AvroScenario& s, std::ostream* os) { *os << s.name; }

Props Chain(const std::string& type, const Props& options = {}) {
  Props p = {{"transforms", "t"}, {"transforms.t.type", type}};
  for (const auto& [k, v] : options) {
    p[k.rfind("predicates", 0) == 0 || k.rfind("transforms", 0) == 0 ? k : "transforms.t." + k] = v;
  }
  return p;
}

std::vector<AvroScenario> Scenarios() {
  // The enum inherits the record's namespace ("shop"): printed with it only under
  // another namespace.
  const std::string order_fields_tail =
      R"({"name":"created","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}})";
  const std::string order_fields_tail_ns =
      R"({"name":"created","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"status","type":{"type":"enum","name":"Status","namespace":"shop","symbols":["NEW","PAID"]}})";
  return {
      // --- ReplaceField: dropped fields leave the schema, renames rename them ---
      {.name = "ReplaceFieldExcludeAndRename",
       .config = Chain("org.apache.kafka.connect.transforms.ReplaceField$Value",
                       {{"exclude", "ssn,price"}, {"renames", "id:order_id"}}),
       .datum = std::string(kOrderDatum),
       .want_schema =
           R"({"type":"record","name":"Order","namespace":"shop","fields":[{"name":"order_id","type":"int"},{"name":"email","type":"string"},)" +
           order_fields_tail + "]}",
       .want_datum =
           R"({"order_id":42,"email":"ann@example.com","created":1556204536007,"status":"PAID"})"},
      {.name = "ReplaceFieldInclude",
       .config = Chain("ReplaceField$Value", {{"include", "id,ssn"}}),
       .datum = std::string(kOrderDatum),
       .want_schema =
           R"({"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"int"},{"name":"ssn","type":["null","string"],"default":null}]})",
       .want_datum = R"({"id":42,"ssn":"123-45-6789"})"},
      {.name = "ReplaceFieldKeepsFieldDefaults",
       .config = Chain("ReplaceField$Value", {{"exclude", "note"}}),
       .schema_id = 4,
       .datum = std::string(kDefaultsDatum),
       .want_schema =
           R"({"type":"record","name":"Setting","fields":[{"name":"key","type":"string"},{"name":"retries","type":"int","default":3},{"name":"region","type":["string","null"],"default":"eu"}]})",
       .want_datum = R"({"key":"k","retries":5,"region":null})"},
      // --- MaskField: the schema is unchanged (the decoded schema object itself) ---
      {.name = "MaskFieldKeepsTheSchema",
       .config = Chain("MaskField$Value", {{"fields", "id,email,price,ssn"}}),
       .datum = std::string(kOrderDatum),
       .want_datum =
           R"({"id":0,"email":"","ssn":"","price":0,"created":1556204536007,"status":"PAID"})"},
      {.name = "MaskFieldReplacement",
       .config = Chain("MaskField$Value", {{"fields", "email"}, {"replacement", "***"}}),
       .datum = std::string(kOrderDatum),
       .want_datum =
           R"({"id":42,"email":"***","ssn":"123-45-6789","price":9.5,"created":1556204536007,"status":"PAID"})"},
      {.name = "MaskFieldLogicalTypes",
       .config = Chain("MaskField$Value", {{"fields", "amount,day"}}),
       .schema_id = 3,
       .datum = std::string(kLogicalDatum),
       .want_datum =
           R"({"amount":0.00,"day":0,"ref":"6f1c1c2e-1b7a-4b8e-9b1a-2f4c5d6e7f80","at":1556204536007123})"},
      // --- InsertField: optional fields appended (required with '!') ---
      {.name = "InsertFieldOffsetTopicTimestamp",
       .config = Chain("InsertField$Value", {{"offset.field", "kafka_offset"},
                                             {"topic.field", "kafka_topic"},
                                             {"timestamp.field", "kafka_ts!"}}),
       .datum = std::string(kOrderDatum),
       .want_schema =
           R"({"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"int"},{"name":"email","type":"string"},{"name":"ssn","type":["null","string"],"default":null},{"name":"price","type":"double"},)" +
           order_fields_tail +
           R"(,{"name":"kafka_topic","type":["null","string"],"default":null},{"name":"kafka_offset","type":["null","long"],"default":null},{"name":"kafka_ts","type":{"type":"long","logicalType":"timestamp-millis"}}]})",
       .want_datum =
           R"({"id":42,"email":"ann@example.com","ssn":"123-45-6789","price":9.5,"created":1556204536007,"status":"PAID","kafka_topic":"orders","kafka_offset":1041,"kafka_ts":1556204536007})"},
      {.name = "InsertFieldStatic",
       .config = Chain("InsertField$Value", {{"static.field", "source"}, {"static.value", "shop"}}),
       .schema_id = 2,
       .datum = std::string(kNestedDatum),
       .want_schema =
           R"({"type":"record","name":"Customer","fields":[{"name":"id","type":"long"},{"name":"address","type":{"type":"record","name":"Address","fields":[{"name":"city","type":"string"},{"name":"zip","type":["null","string"],"default":null}]}},{"name":"source","type":["null","string"],"default":null}]})",
       .want_datum = R"({"id":7,"address":{"city":"Oslo","zip":null},"source":"shop"})"},
      // --- Cast: the cast fields get the new primitive type ---
      {.name = "CastFields",
       .config = Chain("Cast$Value", {{"spec", "id:int64,price:string,status:string"}}),
       .datum = std::string(kOrderDatum),
       .want_schema =
           R"({"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"email","type":"string"},{"name":"ssn","type":["null","string"],"default":null},{"name":"price","type":"string"},{"name":"created","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"status","type":"string"}]})",
       .want_datum =
           R"({"id":42,"email":"ann@example.com","ssn":"123-45-6789","price":"9.5","created":1556204536007,"status":"PAID"})"},
      // --- TimestampConverter: Timestamp → string / unix / Date ---
      {.name = "TimestampConverterToString",
       .config =
           Chain("TimestampConverter$Value",
                 {{"field", "created"}, {"target.type", "string"}, {"format", "yyyy-MM-dd HH:mm"}}),
       .datum = std::string(kOrderDatum),
       .want_schema =
           R"({"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"int"},{"name":"email","type":"string"},{"name":"ssn","type":["null","string"],"default":null},{"name":"price","type":"double"},{"name":"created","type":"string"},{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}}]})",
       .want_datum =
           R"({"id":42,"email":"ann@example.com","ssn":"123-45-6789","price":9.5,"created":"2019-04-25 15:02","status":"PAID"})"},
      {.name = "TimestampConverterToDate",
       .config = Chain("TimestampConverter$Value", {{"field", "created"}, {"target.type", "Date"}}),
       .datum = std::string(kOrderDatum),
       .want_schema =
           R"({"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"int"},{"name":"email","type":"string"},{"name":"ssn","type":["null","string"],"default":null},{"name":"price","type":"double"},{"name":"created","type":{"type":"int","logicalType":"date"}},{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}}]})",
       .want_datum =
           R"({"id":42,"email":"ann@example.com","ssn":"123-45-6789","price":9.5,"created":18011,"status":"PAID"})"},
      // --- Flatten: nested struct fields joined with the delimiter ---
      {.name = "FlattenNestedRecord",
       .config = Chain("Flatten$Value", {{"delimiter", "_"}}),
       .schema_id = 2,
       .datum = std::string(kNestedDatum),
       .want_schema =
           R"({"type":"record","name":"Customer","fields":[{"name":"id","type":"long"},{"name":"address_city","type":"string"},{"name":"address_zip","type":["null","string"],"default":null}]})",
       .want_datum = R"({"id":7,"address_city":"Oslo","address_zip":null})"},
      // --- HoistField: the value wrapped in an unnamed struct ---
      {.name = "HoistFieldWrapsTheRecord",
       .config = Chain("HoistField$Value", {{"field", "customer"}}),
       .schema_id = 2,
       .datum = std::string(kNestedDatum),
       .want_schema =
           R"({"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"customer","type":{"type":"record","name":"Customer","namespace":"","fields":[{"name":"id","type":"long"},{"name":"address","type":{"type":"record","name":"Address","fields":[{"name":"city","type":"string"},{"name":"zip","type":["null","string"],"default":null}]}}]}}]})",
       .want_datum = R"({"customer":{"id":7,"address":{"city":"Oslo","zip":null}}})"},
      // --- ExtractField: the field's schema becomes the value's ---
      {.name = "ExtractFieldStruct",
       .config = Chain("ExtractField$Value", {{"field", "address"}}),
       .schema_id = 2,
       .datum = std::string(kNestedDatum),
       .want_schema =
           R"({"type":"record","name":"Address","fields":[{"name":"city","type":"string"},{"name":"zip","type":["null","string"],"default":null}]})",
       .want_datum = R"({"city":"Oslo","zip":null})"},
      // --- SetSchemaMetadata: name and version ---
      {.name = "SetSchemaMetadata",
       .config = Chain("SetSchemaMetadata$Value",
                       {{"schema.name", "shop.v2.OrderV2"}, {"schema.version", "2"}}),
       .datum = std::string(kOrderDatum),
       .want_schema =
           R"({"type":"record","name":"OrderV2","namespace":"shop.v2","fields":[{"name":"id","type":"int"},{"name":"email","type":"string"},{"name":"ssn","type":["null","string"],"default":null},{"name":"price","type":"double"},)" +
           order_fields_tail_ns + R"(],"connect.version":2})",
       .want_datum = std::string(kOrderDatum)},
      // --- ValueToKey: the key is a struct of value fields (JSON text for a string key) ---
      {.name = "ValueToKey",
       .config = Chain("ValueToKey", {{"fields", "id,email"}}),
       .datum = std::string(kOrderDatum),
       .want_key = R"({"id":42,"email":"ann@example.com"})"},
      // --- Filter and the predicates ---
      {.name = "FilterWithTopicPredicateDrops",
       .config = Chain("Filter", {{"transforms.t.predicate", "p"},
                                  {"predicates", "p"},
                                  {"predicates.p.type", "TopicNameMatches"},
                                  {"predicates.p.pattern", "ord.*"}}),
       .datum = std::string(kOrderDatum),
       .dropped = true},
      {.name = "PredicateSkipsWithoutDecoding",
       .config = Chain("MaskField$Value", {{"fields", "email"},
                                           {"transforms.t.predicate", "p"},
                                           {"predicates", "p"},
                                           {"predicates.p.type", "TopicNameMatches"},
                                           {"predicates.p.pattern", "other"}}),
       .datum = std::string(kOrderDatum),
       .want_untouched = true},
      {.name = "RecordIsTombstoneNegatedPassesTombstones",
       .config = Chain("MaskField$Value", {{"fields", "email"},
                                           {"transforms.t.predicate", "p"},
                                           {"transforms.t.negate", "true"},
                                           {"predicates", "p"},
                                           {"predicates.p.type", "RecordIsTombstone"}}),
       .datum = std::nullopt,
       .want_untouched = true},
      {.name = "HasHeaderKeyAppliesWhenPresent",
       .config = Chain("MaskField$Value", {{"fields", "email"},
                                           {"transforms.t.predicate", "p"},
                                           {"predicates", "p"},
                                           {"predicates.p.type", "HasHeaderKey"},
                                           {"predicates.p.name", "pii"}}),
       .datum = std::string(kOrderDatum),
       .want_datum =
           R"({"id":42,"email":"","ssn":"123-45-6789","price":9.5,"created":1556204536007,"status":"PAID"})"},
      // --- routers never decode the value ---
      {.name = "TimestampRouterLeavesTheBytes",
       .config = Chain("TimestampRouter", {{"topic.format", "${topic}-${timestamp}"},
                                           {"timestamp.format", "yyyyMMdd"}}),
       .datum = std::string(kOrderDatum),
       .want_untouched = false},
      // --- errors ---
      {.name = "UnknownSchemaIdIsARecordError",
       .config = Chain("MaskField$Value", {{"fields", "email"}}),
       .schema_id = 99,
       .datum = std::string(kOrderDatum),
       .error = "value (AvroConverter): schema id 99 not found"},
      {.name = "ExtractFieldOfAPrimitiveNeedsAStruct",
       .config = {{"transforms", "a,b"},
                  {"transforms.a.type", "ExtractField$Value"},
                  {"transforms.a.field", "email"},
                  {"transforms.b.type", "MaskField$Value"},
                  {"transforms.b.fields", "x"}},
       .datum = std::string(kOrderDatum),
       .error = "transform 'b' (MaskField$Value): only Struct objects supported for [masking "
                "fields], found: string"},
  };
}

class AvroScenarioTest : public ::testing::TestWithParam<AvroScenario> {};

TEST_P(AvroScenarioTest, MatchesConnect) {
  const AvroScenario& s = GetParam();
  auto codec = Registry();
  TransformChainOptions options;
  options.value.format = DataFormat::kSchemaCodec;
  options.value.codec = codec->Codec();
  auto chain = TransformChain::Create(s.config, options);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();

  // The input: encoded with schema 1..3 (an unknown id is encoded with schema 1).
  const int32_t encode_with = s.schema_id == 99 ? 1 : s.schema_id;
  std::string bytes;
  if (s.datum) bytes = Wire(s.schema_id, *codec->schema(encode_with), *s.datum);
  Record in;
  in.topic = s.topic;
  in.partition = Partition(2);
  in.offset = Offset(1041);
  in.timestamp_ms = 1556204536007;
  if (s.datum) in.value = bytes;
  in.headers.push_back({"pii", std::string_view("1")});

  TransformScratch scratch;
  auto out = (*chain)->Apply(in, &scratch);
  if (!s.error.empty()) {
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.status().message().find(s.error), std::string::npos) << out.status().message();
    EXPECT_EQ(out.status().message().rfind("orders-2@1041: ", 0), 0u) << out.status().message();
    EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
    return;
  }
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  if (s.dropped) {
    EXPECT_EQ(*out, nullptr);
    return;
  }
  ASSERT_NE(*out, nullptr);
  const Record& r = **out;
  if (s.want_untouched) {
    EXPECT_EQ(&r, &in);  // no decoding, no copy
    return;
  }
  if (s.want_key) {
    ASSERT_TRUE(r.key.has_value());
    EXPECT_EQ(*r.key, *s.want_key);
  }
  if (s.name == "TimestampRouterLeavesTheBytes") {
    EXPECT_EQ(r.topic, "orders-20190425");
    EXPECT_EQ(r.value_datum, nullptr);  // the writer decodes the original bytes itself
    EXPECT_EQ(r.value, in.value);
    return;
  }
  ASSERT_NE(r.value_datum, nullptr);
  ASSERT_TRUE(r.value.has_value());
  EXPECT_EQ(*r.value, bytes);  // the bytes stay the input's
  const SchemaDatum& d = *r.value_datum;
  if (s.want_schema.empty()) {
    // An unchanged schema is the decoded object itself: every attribute kept.
    EXPECT_EQ(d.schema, codec->schema(s.schema_id));
  } else {
    EXPECT_EQ(AvroSchemaJson(*d.schema), s.want_schema);
    // It is a valid Avro schema, and the datum encodes with it.
    EXPECT_TRUE(ParseAvroSchema(AvroSchemaJson(*d.schema)).ok());
  }
  std::string json;
  reader::AppendValueJson(*d.schema, d.value, &json);
  EXPECT_EQ(json, s.want_datum.empty() ? std::string(*s.datum) : s.want_datum);
  std::string encoded;
  EXPECT_TRUE(EncodeAvro(*d.schema, d.value, &encoded).ok());
}

INSTANTIATE_TEST_SUITE_P(AvroConverter, AvroScenarioTest, ::testing::ValuesIn(Scenarios()),
                         [](const auto& info) { return info.param.name; });

TEST(AvroTransformTest, RecordsOfOneSchemaShareTheTransformedSchema) {
  auto codec = Registry();
  TransformChainOptions options;
  options.value.format = DataFormat::kSchemaCodec;
  options.value.codec = codec->Codec();
  auto chain = TransformChain::Create(Chain("ReplaceField$Value", {{"exclude", "ssn"}}), options);
  ASSERT_TRUE(chain.ok());
  std::string a = Wire(1, *codec->schema(1), kOrderDatum);
  std::string b = Wire(1, *codec->schema(1), kOrderDatum);
  Record ra, rb;
  ra.topic = rb.topic = "orders";
  ra.value = a;
  rb.value = b;
  auto oa = (*chain)->Transform(ra);
  auto ob = (*chain)->Transform(rb);
  ASSERT_TRUE(oa.ok() && ob.ok());
  ASSERT_TRUE((*oa)->value_datum && (*ob)->value_datum);
  // One schema object: the writer compares file schemas by pointer.
  EXPECT_EQ((*oa)->value_datum->schema, (*ob)->value_datum->schema);
}

TEST(AvroTransformTest, AvroKeysAreReadForKeyTransforms) {
  auto registry = Registry();
  TransformChainOptions options;
  options.key.format = DataFormat::kSchemaCodec;
  options.key.codec = registry->Codec();
  auto chain = TransformChain::Create(Chain("ExtractField$Key", {{"field", "email"}}), options);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  std::string key = Wire(1, *registry->schema(1), kOrderDatum);
  Record in;
  in.topic = "orders";
  in.key = key;
  in.value = "v";
  auto out = (*chain)->Transform(in);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  // A changed key is written as its Connect data's text; the value is untouched.
  EXPECT_EQ((*out)->key, std::optional<std::string>("ann@example.com"));
  EXPECT_EQ((*out)->value, std::optional<std::string>("v"));
  EXPECT_EQ((*out)->value_datum, nullptr);
}

TEST(AvroTransformTest, WritersTakeTheDatumAndKeepOneSchemaPerFile) {
  auto registry = Registry();
  FormatOptions parquet;
  parquet.kind = FormatKind::kParquet;
  parquet.registry = std::make_shared<SchemaRegistryClient>(RegistryOptions{"http://127.0.0.1:1"});
  auto format = MakeFormat(parquet);
  ASSERT_TRUE(format.ok()) << format.status().ToString();
  StringOutputStream out;
  auto writer = (*format)->NewWriter(&out);
  auto datum = [&](int32_t id, std::string_view json) {
    SchemaDatum d;
    d.schema = registry->schema(id);
    JsonValueReader reader;
    EXPECT_TRUE(reader.Read(json, *d.schema, &d.value).ok());
    return d;
  };
  SchemaDatum a = datum(1, kOrderDatum);
  // An equal schema in another object is the same schema.
  SchemaDatum b = a;
  b.schema = std::make_shared<const Schema>(*a.schema);
  SchemaDatum other = datum(2, kNestedDatum);
  Record r;
  r.topic = "orders";
  r.value = "unused: the writer takes the datum";
  r.value_datum = &a;
  ASSERT_TRUE(writer->Write(r).ok());
  r.value_datum = &b;
  ASSERT_TRUE(writer->Write(r).ok());
  r.value_datum = &other;
  r.offset = Offset(3);
  // The sink asks first: another file under NONE, a rotation under the other modes.
  EXPECT_EQ(writer->Place(r, SchemaCompatibility::kNone).action,
            SchemaPlacement::Action::kOtherFile);
  SchemaPlacement rotate = writer->Place(r, SchemaCompatibility::kBackward);
  EXPECT_EQ(rotate.action, SchemaPlacement::Action::kRotate);
  EXPECT_NE(rotate.reason.find("orders-0@3"), std::string::npos) << rotate.reason;
  r.value_datum = &b;
  EXPECT_EQ(writer->Place(r, SchemaCompatibility::kNone).action, SchemaPlacement::Action::kAppend);
  r.value_datum = &other;
  Status st = writer->Write(r);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("orders-0@3"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("schema differs"), std::string::npos) << st.message();
  ASSERT_TRUE(writer->Close().ok());
  EXPECT_GT(out.Size(), 0u);
}

TEST(AvroTransformTest, APrimitiveValueIsWrittenByAvroAndRefusedByParquet) {
  auto registry = Registry();
  TransformChainOptions options;
  options.value.format = DataFormat::kSchemaCodec;
  options.value.codec = registry->Codec();
  auto chain = TransformChain::Create(Chain("ExtractField$Value", {{"field", "email"}}), options);
  ASSERT_TRUE(chain.ok());
  std::string bytes = Wire(1, *registry->schema(1), kOrderDatum);
  Record in;
  in.topic = "orders";
  in.value = bytes;
  auto out = (*chain)->Transform(in);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_NE((*out)->value_datum, nullptr);
  EXPECT_EQ(AvroSchemaJson(*(*out)->value_datum->schema), R"("string")");
  for (FormatKind kind : {FormatKind::kAvro, FormatKind::kParquet}) {
    FormatOptions fo;
    fo.kind = kind;
    fo.registry = std::make_shared<SchemaRegistryClient>(RegistryOptions{"http://127.0.0.1:1"});
    auto format = MakeFormat(fo);
    ASSERT_TRUE(format.ok());
    StringOutputStream sink;
    auto writer = (*format)->NewWriter(&sink);
    Status st = writer->Write((*out)->View());
    if (st.ok()) st = writer->Close();
    if (kind == FormatKind::kAvro) {
      EXPECT_TRUE(st.ok()) << st.ToString();
    } else {
      EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
      EXPECT_NE(st.message().find("orders-0@0: ParquetFormat"), std::string::npos) << st.message();
    }
  }
}

TEST(AvroTransformTest, AvroConverterNeedsTheRegistryUrl) {
  auto options = TransformChainOptions::FromConfig(
      {{"value.converter", "io.confluent.connect.avro.AvroConverter"}});
  ASSERT_FALSE(options.ok());
  EXPECT_NE(options.status().message().find("value.converter.schema.registry.url"),
            std::string::npos);
  auto ok = TransformChainOptions::FromConfig(
      {{"value.converter", "io.confluent.connect.avro.AvroConverter"},
       {"value.converter.schema.registry.url", "http://127.0.0.1:1"}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->value.format, DataFormat::kSchemaCodec);
  EXPECT_NE(ok->value.codec, nullptr);
  EXPECT_NE(ok->value.registry, nullptr);
}

}  // namespace
}  // namespace tributary
