// Schema Registry framed Avro values (AvroConverter) written as Parquet and Avro. No real
// Schema Registry can run here (it is a JVM service): the registry is a small local HTTP
// responder implementing the documented endpoints (tests/columnar/fake_registry.py), and the
// payloads are encoded by python3-avro (tests/columnar/registry_payloads.py). The files are
// read back by DuckDB and python3-avro.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "format/format_options.h"
#include "format/registry_responder_test.h"
#include "format/test_records.h"
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

TEST(WireFormatTest, SplitsThePrefixAndRejectsOtherFraming) {
  auto h = ParseWireFormat(std::string("\x00\x00\x00\x01\x02payload", 12));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->schema_id, 258);
  EXPECT_EQ(h->payload, "payload");
  EXPECT_FALSE(ParseWireFormat("").ok());
  EXPECT_FALSE(ParseWireFormat(std::string("\x00\x00\x01", 3)).ok());
  auto json = ParseWireFormat(R"({"a":1})");
  ASSERT_FALSE(json.ok());
  EXPECT_NE(json.status().message().find("magic byte 0x7b"), std::string::npos);
  EXPECT_FALSE(ParseWireFormat(std::string("\x01", 1) + std::string(16, 'g')).ok());
}

class RegistryFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("/usr/bin/python3 -c 'import avro' >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "python3-avro missing";
    }
    dir_ = ProcessTempDir("tributary_registry_test");
    std::string schemas = (dir_ / "schemas.json").string();
    int rc;
    std::string hex = RunCommand("/usr/bin/python3 " +
                                     (kSourceDir / "tests/columnar/registry_payloads.py").string() +
                                     " " + schemas,
                                 &rc);
    ASSERT_EQ(rc, 0) << hex;
    size_t start = 0;
    while (start < hex.size()) {
      size_t end = hex.find('\n', start);
      if (end == std::string::npos) end = hex.size();
      payloads_.push_back(FromHex(hex.substr(start, end - start)));
      start = end + 1;
    }
    ASSERT_EQ(payloads_.size(), 3u);
    ASSERT_TRUE(registry_.Start(kSourceDir, schemas, "registry-user:s3cret-pass"));
    url_ = registry_.url();
  }

  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::shared_ptr<SchemaRegistryClient> Client(const std::string& credentials) {
    return std::make_shared<SchemaRegistryClient>(
        RegistryOptions{.url = url_ + "/", .credentials = credentials});
  }

  std::string WriteFile(const std::string& name, FormatOptions o,
                        const std::vector<std::string>& values) {
    auto format = MakeFormat(o);
    EXPECT_TRUE(format.ok()) << format.status().ToString();
    StringOutputStream out;
    auto w = (*format)->NewWriter(&out);
    for (size_t i = 0; i < values.size(); ++i) {
      Status st = w->Write(Rec(values[i], 10 + static_cast<int64_t>(i)));
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    EXPECT_TRUE(w->Close().ok());
    std::string path = (dir_ / (name + (*format)->Extension())).string();
    std::ofstream(path, std::ios::binary) << out.buffer();
    return path;
  }

  std::filesystem::path dir_;
  RegistryResponder registry_;
  std::string url_;
  std::vector<std::string> payloads_;
};

TEST_F(RegistryFormatTest, ClientAuthenticatesCachesAndReportsUnknownIds) {
  auto client = Client("registry-user:s3cret-pass");
  auto s = client->AvroSchemaById(7);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->FullName(), "shop.Payment");
  EXPECT_EQ((*s)->fields[4].schema.logical, LogicalType::kDecimal);
  ASSERT_TRUE(client->AvroSchemaById(7).ok());
  EXPECT_EQ(client->requests(), 1);  // the second lookup came from the cache
  auto missing = client->AvroSchemaById(99);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("schema id 99"), std::string::npos);

  auto wrong = Client("registry-user:wrong-pass")->AvroSchemaById(7);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(wrong.status().message().find("wrong-pass"), std::string::npos);

  auto down = std::make_shared<SchemaRegistryClient>(RegistryOptions{.url = "http://127.0.0.1:1"})
                  ->AvroSchemaById(7);
  ASSERT_FALSE(down.ok());
  EXPECT_TRUE(down.status().IsRetriable()) << down.status().ToString();
}

TEST_F(RegistryFormatTest, AvroPayloadsBecomeParquetReadByDuckDb) {
  if (!HaveNodeReaders(kNodeDir)) GTEST_SKIP() << "node modules missing";
  FormatOptions o{.kind = FormatKind::kParquet, .value_encoding = ValueEncoding::kBytes};
  o.registry = Client("registry-user:s3cret-pass");
  std::string path = WriteFile("payments", o, payloads_);
  int rc;
  std::string out =
      RunCommand("node " + (kNodeDir / "duckdb_query.mjs").string() + " " +
                     ShellQuote("SELECT * FROM read_parquet('" + path + "')") + " 2>&1",
                 &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(
      out,
      R"([{"id":"1","who":"ann","amount":2.5,"day":"2024-02-29","price":"12.30","tags":["a","b"],"attrs":[{"key":"x","value":"1"}],"addr":{"city":"Oslo"}},)"
      R"({"id":"2","who":"bo","amount":null,"day":"1970-01-01","price":"-0.05","tags":[],"attrs":[],"addr":null},)"
      R"({"id":"3","who":"","amount":-1,"day":"1969-12-31","price":"9999999.99","tags":["z"],"attrs":[{"key":"p","value":"-7"},{"key":"q","value":"8"}],"addr":{"city":""}}])");
}

TEST_F(RegistryFormatTest, AvroPayloadsAreAppendedToAvroFilesAsTheyAre) {
  FormatOptions o{.kind = FormatKind::kAvro, .value_encoding = ValueEncoding::kBytes};
  o.registry = Client("registry-user:s3cret-pass");
  o.avro_codec = "snappy";
  std::string path = WriteFile("payments", o, payloads_);
  int rc;
  std::string out = RunCommand(
      "/usr/bin/python3 " + (kSourceDir / "tests/columnar/read_avro.py").string() + " " + path +
          " " +
          ShellQuote(
              R"([{"id":1,"who":"ann","amount":2.5,"day":"2024-02-29","price":"12.30","tags":["a","b"],"attrs":{"x":1},"addr":{"city":"Oslo"}},)"
              R"({"id":2,"who":"bo","amount":null,"day":"1970-01-01","price":"-0.05","tags":[],"attrs":{},"addr":null},)"
              R"({"id":3,"who":"","amount":-1.0,"day":"1969-12-31","price":"9999999.99","tags":["z"],"attrs":{"p":-7,"q":8},"addr":{"city":""}}])") +
          " 2>&1",
      &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find(R"("tributary.offset.first": "10")"), std::string::npos) << out;
}

TEST_F(RegistryFormatTest, BadPayloadsAreRecordErrors) {
  FormatOptions o{.kind = FormatKind::kParquet, .value_encoding = ValueEncoding::kBytes};
  o.registry = Client("registry-user:s3cret-pass");
  auto format = MakeFormat(o);
  ASSERT_TRUE(format.ok());
  StringOutputStream out;
  auto w = (*format)->NewWriter(&out);
  Status st = w->Write(Rec(R"({"id":1})", 41));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("orders-2@41"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("magic byte"), std::string::npos) << st.message();
  std::string unknown = payloads_[0];
  unknown[4] = 99;
  st = w->Write(Rec(unknown, 42));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);  // a bad record, not an outage
  EXPECT_NE(st.message().find("schema id 99"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("orders-2@42"), std::string::npos) << st.message();
  std::string truncated = payloads_[0].substr(0, payloads_[0].size() - 3);
  st = w->Write(Rec(truncated, 43));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("orders-2@43"), std::string::npos) << st.message();
  EXPECT_TRUE(w->Write(Rec(payloads_[1], 44)).ok());
  EXPECT_TRUE(w->Close().ok());
}

}  // namespace
}  // namespace tributary
