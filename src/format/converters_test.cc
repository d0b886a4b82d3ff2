// ProtobufConverter and JsonSchemaConverter values (Schema Registry wire format, by id, by
// GUID and by the __value_schema_id header) written as Parquet and Avro. No real Schema
// Registry can run here (it is a JVM service): the registry is a small local HTTP responder
// implementing the documented endpoints (tests/columnar/fake_registry.py). The payloads are
// encoded by protoc + python3-protobuf and by Python's json
// (tests/converters/converter_payloads.py); the files are read back by DuckDB and
// python3-avro and compared value by value (tests/converters/check_rows.py).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "format/format_options.h"
#include "format/registry_responder_test.h"
#include "format/test_records.h"
#include "schema/json_schema.h"
#include "schema/protobuf_schema.h"
#include "schema/registry_client.h"

namespace tributary {
namespace {

using testing_records::FromHex;
using testing_records::HaveNodeReaders;
using testing_records::ProcessTempDir;
using testing_records::Rec;
using testing_records::RegistryResponder;
using testing_records::RunCommand;
using testing_records::ShellQuote;

const std::filesystem::path kSourceDir = TRIBUTARY_SOURCE_DIR;
const std::filesystem::path kNodeDir = kSourceDir / "tests" / "node";

TEST(FramedValueTest, ReadsIdsGuidsAndHeaders) {
  const std::string by_id("\x00\x00\x00\x01\x02rest", 9);
  auto id = ParseFramedValue(by_id);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->ref.id, 258);
  EXPECT_EQ(id->ref.Describe(), "schema id 258");
  EXPECT_EQ(id->payload, "rest");
  std::string guid_bytes = FromHex("9f3c0f4e5b6a4c1d8e2f0a1b2c3d4e5f");
  const std::string by_guid = "\x01" + guid_bytes + "rest";
  auto guid = ParseFramedValue(by_guid);
  ASSERT_TRUE(guid.ok());
  EXPECT_EQ(guid->ref.guid, "9f3c0f4e-5b6a-4c1d-8e2f-0a1b2c3d4e5f");
  EXPECT_EQ(guid->payload, "rest");
  // The header wins; the value is then the payload as it is.
  std::string header = "\x01" + guid_bytes + std::string("\x00", 1);
  auto in_header = ParseFramedValue("payload", header);
  ASSERT_TRUE(in_header.ok());
  EXPECT_TRUE(in_header->from_header);
  EXPECT_EQ(in_header->payload, "payload");
  EXPECT_EQ(in_header->after_ref, std::string("\x00", 1));
  auto bad = ParseFramedValue("{\"a\":1}");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("magic byte 0x7b"), std::string::npos);
  EXPECT_FALSE(ParseFramedValue("\x01" + guid_bytes.substr(0, 10)).ok());
  EXPECT_FALSE(ParseFramedValue("x", std::string("\x02", 1)).ok());
}

TEST(MessageIndexesTest, ReadsZigZagVarints) {
  std::string_view one("\x00rest", 5);
  auto first = ReadMessageIndexes(&one);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, std::vector<int>{0});
  EXPECT_EQ(one, "rest");
  std::string_view nested("\x04\x02\x00m", 4);  // count 2: [1, 0]
  auto path = ReadMessageIndexes(&nested);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(*path, (std::vector<int>{1, 0}));
  EXPECT_EQ(nested, "m");
  std::string_view truncated("\x04\x02", 2);
  EXPECT_FALSE(ReadMessageIndexes(&truncated).ok());
  std::string_view negative("\x01", 1);  // count -1
  EXPECT_FALSE(ReadMessageIndexes(&negative).ok());
}

TEST(JsonSchemaTest, MapsTypesOptionalityAndReferences) {
  auto s = ParseJsonSchema(R"({"title":"a.B","type":"object","properties":{
      "i":{"type":"integer","connect.index":1},
      "n":{"oneOf":[{"type":"null"},{"type":"number","connect.type":"float32"}],"connect.index":0},
      "d":{"type":"string","format":"date"},
      "ts":{"type":"integer","title":"org.apache.kafka.connect.data.Timestamp"},
      "m":{"type":"object","additionalProperties":{"type":"boolean"}},
      "r":{"$ref":"#/$defs/R"},
      "u":{"type":["string","integer"]},
      "dec":{"type":"number","title":"org.apache.kafka.connect.data.Decimal",
             "connect.parameters":{"scale":"3","connect.decimal.precision":"12"}}},
    "required":["i","r"],
    "$defs":{"R":{"type":"object","properties":{"x":{"type":"array","items":{"type":"string"}}}}}})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->fields.size(), 8u);
  EXPECT_EQ(s->name, "a_B");
  EXPECT_EQ(s->fields[0].name, "n");  // connect.index orders the fields
  EXPECT_EQ(s->fields[0].schema.type, SchemaType::kFloat);
  EXPECT_TRUE(s->fields[0].schema.optional);
  EXPECT_EQ(s->fields[1].name, "i");
  EXPECT_EQ(s->fields[1].schema.type, SchemaType::kLong);
  EXPECT_FALSE(s->fields[1].schema.optional);  // required
  EXPECT_EQ(s->fields[2].schema.logical, LogicalType::kDate);
  EXPECT_TRUE(s->fields[2].schema.optional);  // not required
  EXPECT_EQ(s->fields[3].schema.logical, LogicalType::kTimestampMillis);
  EXPECT_EQ(s->fields[4].schema.type, SchemaType::kMap);
  EXPECT_EQ(s->fields[4].schema.values().type, SchemaType::kBoolean);
  EXPECT_EQ(s->fields[5].schema.type, SchemaType::kRecord);
  EXPECT_EQ(s->fields[5].schema.name, "R");
  EXPECT_FALSE(s->fields[5].schema.optional);
  EXPECT_EQ(s->fields[5].schema.fields[0].schema.type, SchemaType::kArray);
  EXPECT_EQ(s->fields[6].schema.type, SchemaType::kString);  // a union: its JSON text
  EXPECT_EQ(Describe(s->fields[7].schema), "optional decimal(12,3)");
  EXPECT_FALSE(ParseJsonSchema(R"({"type":"string"})").ok());  // not a record
  auto recursive = ParseJsonSchema(R"({"type":"object","properties":{"next":{"$ref":"#"}}})");
  ASSERT_FALSE(recursive.ok());
  EXPECT_NE(recursive.status().message().find("recursive"), std::string::npos);
  auto external = ParseJsonSchema(R"({"type":"object","properties":{"x":{"$ref":"other.json"}}})");
  ASSERT_FALSE(external.ok());
  EXPECT_NE(external.status().message().find("properties.x"), std::string::npos);
}

struct Framed {
  std::string value;
  std::optional<std::string> header;
};

class ConvertersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("/usr/bin/python3 -c 'import google.protobuf, avro' >/dev/null 2>&1") != 0 ||
        std::system("protoc --version >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "protoc, python3-protobuf or python3-avro missing";
    }
    dir_ = ProcessTempDir("tributary_converters_test");
    int rc;
    std::string out = RunCommand(
        "/usr/bin/python3 " + (kSourceDir / "tests/converters/converter_payloads.py").string() +
            " " + dir_.string() + " 2>&1",
        &rc);
    ASSERT_EQ(rc, 0) << out;
    for (const char* name : {"protobuf", "jsonschema"}) {
      std::ifstream in(dir_ / (std::string(name) + ".records"));
      std::string value, header;
      while (in >> value >> header) {
        records_[name].push_back(
            Framed{FromHex(value), header == "-" ? std::nullopt : std::optional(FromHex(header))});
      }
    }
    ASSERT_EQ(records_["protobuf"].size(), 4u);
    ASSERT_EQ(records_["jsonschema"].size(), 3u);
    ASSERT_TRUE(registry_.Start(kSourceDir, (dir_ / "registry.json").string()));
    url_ = registry_.url();
  }

  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  FormatOptions Options(FormatKind kind, RegistrySchemaType type) {
    FormatOptions o{.kind = kind, .value_encoding = ValueEncoding::kBytes};
    o.registry = std::make_shared<SchemaRegistryClient>(RegistryOptions{.url = url_, .type = type});
    return o;
  }

  static Record WithHeader(Record r, const Framed& f) {
    if (f.header)
      r.headers.push_back(RecordHeader{"__value_schema_id", std::string_view(*f.header)});
    return r;
  }

  std::string WriteFile(const std::string& name, const FormatOptions& o,
                        const std::vector<Framed>& values) {
    auto format = MakeFormat(o);
    EXPECT_TRUE(format.ok()) << format.status().ToString();
    StringOutputStream out;
    auto w = (*format)->NewWriter(&out);
    for (size_t i = 0; i < values.size(); ++i) {
      Status st =
          w->Write(WithHeader(Rec(values[i].value, 10 + static_cast<int64_t>(i)), values[i]));
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    EXPECT_TRUE(w->Close().ok());
    std::string path = (dir_ / (name + (*format)->Extension())).string();
    std::ofstream(path, std::ios::binary) << out.buffer();
    return path;
  }

  // The first `n` expected rows of `name`, as a file.
  std::string Expected(const std::string& name, size_t first, size_t n) {
    std::ifstream in(dir_ / (name + ".expected"));
    std::string line, text;
    for (size_t k = 0; std::getline(in, line); ++k) {
      if (k >= first && k < first + n) text += line + "\n";
    }
    std::string path = (dir_ / (name + std::to_string(first) + ".want")).string();
    std::ofstream(path) << text;
    return path;
  }

  void CheckDuckDb(const std::string& expected, const std::string& select) {
    int rc;
    std::string rows = RunCommand(
        "node " + (kNodeDir / "duckdb_query.mjs").string() + " " +
            ShellQuote("SELECT to_json(t)::VARCHAR AS j FROM (" + select + ") t") + " 2>&1",
        &rc);
    ASSERT_EQ(rc, 0) << rows;
    Check(expected, "duckdb", rows);
  }

  void CheckAvro(const std::string& expected, const std::string& path) {
    int rc;
    std::string rows =
        RunCommand("/usr/bin/python3 " + (kSourceDir / "tests/columnar/read_avro.py").string() +
                       " " + path + " 2>&1",
                   &rc);
    ASSERT_EQ(rc, 0) << rows;
    Check(expected, "avro", rows);
  }

  void Check(const std::string& expected, const std::string& kind, const std::string& rows,
             const std::string& micros = "") {
    std::string actual = (dir_ / ("actual." + kind)).string();
    std::ofstream(actual) << rows;
    int rc;
    std::string out =
        RunCommand("/usr/bin/python3 " + (kSourceDir / "tests/converters/check_rows.py").string() +
                       " " + expected + " " + kind + " " + actual + " " + micros + " 2>&1",
                   &rc);
    EXPECT_EQ(rc, 0) << out << "\n" << rows;
  }

  std::filesystem::path dir_;
  RegistryResponder registry_;
  std::string url_;
  std::map<std::string, std::vector<Framed>> records_;
};

TEST_F(ConvertersTest, ProtobufBecomesParquetReadByDuckDb) {
  if (!HaveNodeReaders(kNodeDir)) GTEST_SKIP() << "node modules missing";
  const auto& pb = records_["protobuf"];
  std::string path =
      WriteFile("orders", Options(FormatKind::kParquet, RegistrySchemaType::kProtobuf),
                {pb[0], pb[1], pb[2]});
  CheckDuckDb(Expected("protobuf", 0, 3),
              "SELECT * REPLACE (lower(hex(blob)) AS blob, epoch_ms(created) AS created, "
              "day::VARCHAR AS day) FROM read_parquet('" +
                  path + "')");
  // The second message of the file (message indexes [1]) has a schema of its own.
  std::string refund =
      WriteFile("refunds", Options(FormatKind::kParquet, RegistrySchemaType::kProtobuf), {pb[3]});
  CheckDuckDb(Expected("protobuf", 3, 1), "SELECT * FROM read_parquet('" + refund + "')");
}

TEST_F(ConvertersTest, ProtobufBecomesAvroReadByPythonAvro) {
  const auto& pb = records_["protobuf"];
  FormatOptions o = Options(FormatKind::kAvro, RegistrySchemaType::kProtobuf);
  o.avro_codec = "deflate";
  CheckAvro(Expected("protobuf", 0, 3), WriteFile("orders", o, {pb[0], pb[1], pb[2]}));
}

TEST_F(ConvertersTest, JsonSchemaBecomesParquetAndAvro) {
  const auto& js = records_["jsonschema"];
  if (HaveNodeReaders(kNodeDir)) {
    std::string path =
        WriteFile("payments", Options(FormatKind::kParquet, RegistrySchemaType::kJson), js);
    CheckDuckDb(
        Expected("jsonschema", 0, 3),
        "SELECT * REPLACE (epoch_ms(\"at\") AS \"at\", day::VARCHAR AS day) FROM read_parquet('" +
            path + "')");
  }
  CheckAvro(Expected("jsonschema", 0, 3),
            WriteFile("payments", Options(FormatKind::kAvro, RegistrySchemaType::kJson), js));
}

// JsonFormat writes registry values as their JSON (Connect's JsonConverter shape), read
// back by Python's json.
TEST_F(ConvertersTest, RegistryValuesBecomeJsonLines) {
  for (auto [name, type] : {std::pair{"protobuf", RegistrySchemaType::kProtobuf},
                            std::pair{"jsonschema", RegistrySchemaType::kJson}}) {
    const auto& records = records_[name];
    std::string path =
        WriteFile(name, Options(FormatKind::kJson, type), {records[0], records[1], records[2]});
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    // JSON Schema's date-time is timestamp-micros, written as microseconds.
    Check(Expected(name, 0, 3), "jsonl", text.str(), type == RegistrySchemaType::kJson ? "at" : "");
  }
}

TEST_F(ConvertersTest, BadValuesAreRecordErrorsNamingTheRecord) {
  auto format = MakeFormat(Options(FormatKind::kParquet, RegistrySchemaType::kProtobuf));
  ASSERT_TRUE(format.ok());
  StringOutputStream out;
  auto w = (*format)->NewWriter(&out);
  const std::string good = records_["protobuf"][0].value;
  auto expect_error = [&](const std::string& value, int64_t offset, const std::string& why,
                          std::optional<std::string> header = std::nullopt) {
    const Framed framed{value, header};  // outlives the record, which borrows it
    Record r = WithHeader(Rec(framed.value, offset), framed);
    Status st = w->Write(r);
    ASSERT_FALSE(st.ok()) << why;
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
    EXPECT_NE(st.message().find("orders-2@" + std::to_string(offset)), std::string::npos)
        << st.message();
    EXPECT_NE(st.message().find(why), std::string::npos) << st.message();
  };
  expect_error("{\"id\":1}", 40, "magic byte 0x7b");
  std::string unknown = good;
  unknown[4] = 99;
  expect_error(unknown, 41, "schema id 99");
  expect_error("\x01" + std::string(16, '\x42') + std::string("\x00", 1), 42,
               "schema guid 42424242-4242-4242-4242-424242424242");
  expect_error(good.substr(0, good.size() - 3), 43, "shop.v1.Order");
  std::string no_message = good.substr(0, 5) + std::string("\x02\x0a", 2) + good.substr(6);
  expect_error(no_message, 44, "message indexes [5]");
  // A JSON Schema id where ProtobufConverter expects Protobuf.
  std::string json_id = records_["jsonschema"][0].value;
  expect_error(json_id, 45, "schema id 31 is a JSON schema");
  // The header form: a header naming an unknown GUID.
  expect_error("x", 46, "schema guid", "\x01" + std::string(16, '\x07') + std::string("\x00", 1));
  EXPECT_TRUE(w->Write(Rec(good, 47)).ok());  // the writer goes on
  EXPECT_TRUE(w->Close().ok());

  auto js_format = MakeFormat(Options(FormatKind::kAvro, RegistrySchemaType::kJson));
  ASSERT_TRUE(js_format.ok());
  StringOutputStream js_out;
  auto jw = (*js_format)->NewWriter(&js_out);
  std::string prefix = json_id.substr(0, 5);
  Status st = jw->Write(Rec(prefix + "{\"id\":", 50));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("orders-2@50"), std::string::npos) << st.message();
  st = jw->Write(
      Rec(prefix + R"({"id":"x","who":"a","price":1,"big":1,"day":"2024-01-01","tags":[]})", 51));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("id: expected an integer"), std::string::npos) << st.message();
  st = jw->Write(
      Rec(prefix + R"({"id":1,"who":"a","price":1.001,"big":1,"day":"2024-01-01","tags":[]})", 52));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("price"), std::string::npos) << st.message();
  EXPECT_TRUE(jw->Close().ok());
}

}  // namespace
}  // namespace tributary
