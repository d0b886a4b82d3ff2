// AvroFormat: exact bytes where the specification fixes them, and whole files read back by
// python3-avro (tests/columnar/read_avro.py) with every value compared, for every codec.
#include "format/avro/avro_format.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "format/avro/avro_container.h"
#include "format/columnar_test_matrix.h"
#include "format/test_records.h"

namespace tributary {
namespace {

using testing_records::kMatrixSchema;
using testing_records::kMatrixValues;
using testing_records::ProcessTempDir;
using testing_records::Rec;
using testing_records::RunCommand;
using testing_records::ShellQuote;
using testing_records::WriteAll;

const std::filesystem::path kSourceDir = TRIBUTARY_SOURCE_DIR;

// What python3-avro reads back (read_avro.py's canonical form); python3-avro 1.11 returns
// local-timestamp-millis as the plain long.
constexpr const char* kMatrixExpected = R"([
 {"id":1,"ok":true,"qty":5,"f":1.5,"d":2.25,"raw":"000102","name":"héllo \"q\"",
  "day":"2024-02-29","tm":"01:02:03.004000","tu":"01:02:03.000005",
  "ts":"2024-02-29T11:00:00.500000+00:00","tsu":"1970-01-01T00:00:00.000001+00:00",
  "lts":1704164645006,"price":"-12.30","small":"-1234.5",
  "big":"12345678901234567890123456789.0123",
  "uid":"123e4567-e89b-12d3-a456-426614174000","color":"GREEN","tags":["a",null,"b"],
  "attrs":{"k":1,"n":null},"addr":{"city":"Oslo","zip":150},
  "lines":[{"sku":"x","n":1,"opts":[1,2]},{"sku":"y","n":2,"opts":[]}]},
 {"id":-2,"ok":false,"qty":null,"f":-0.25,"d":null,"raw":"","name":"",
  "day":"1970-01-01","tm":"00:00:00","tu":"00:00:00","ts":"1969-12-31T23:59:59.999000+00:00",
  "tsu":null,"lts":0,"price":"0.00","small":"0.0","big":"-1.0000",
  "uid":"00000000-0000-0000-0000-000000000000","color":"RED","tags":[],
  "attrs":{},"addr":{"city":"x","zip":null},"lines":[]},
 {"id":9007199254740993,"ok":true,"qty":null,"f":3.0,"d":null,"raw":"ff","name":"z",
  "day":"1969-12-31","tm":"23:59:59.999000","tu":"00:00:00.000001",
  "ts":"1970-01-01T00:00:00+00:00","tsu":null,"lts":1,"price":"99999999.99","small":"9999.9",
  "big":"-99999999999999999999999999999999.9999",
  "uid":"ffffffff-ffff-ffff-ffff-ffffffffffff","color":"RED","tags":null,
  "attrs":null,"addr":null,"lines":[{"sku":"","n":-2147483648,"opts":[7]}]}
])";

class AvroFormatTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = ProcessTempDir("tributary_avro_test"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::vector<Record> Records(const std::vector<std::string>& values) {
    std::vector<Record> records;
    for (size_t i = 0; i < values.size(); ++i) records.push_back(Rec(values[i], 100 + i));
    return records;
  }

  // Runs read_avro.py; returns its exit status and stdout+stderr.
  std::pair<int, std::string> ReadBack(const std::string& bytes, const std::string& expected) {
    std::string path = (dir_ / "f.avro").string();
    std::ofstream(path, std::ios::binary) << bytes;
    std::string cmd = "/usr/bin/python3 " + (kSourceDir / "tests/columnar/read_avro.py").string() +
                      " " + path + " " + ShellQuote(expected) + " 2>&1";
    int rc;
    std::string out = RunCommand(cmd, &rc);
    return {rc, out};
  }

  std::filesystem::path dir_;
};

TEST(AvroEncodingTest, LongsAreZigzagVarints) {
  auto enc = [](int64_t v) {
    std::string s;
    AppendAvroLong(v, &s);
    return s;
  };
  EXPECT_EQ(enc(0), std::string("\x00", 1));
  EXPECT_EQ(enc(-1), "\x01");
  EXPECT_EQ(enc(1), "\x02");
  EXPECT_EQ(enc(-64), "\x7f");
  EXPECT_EQ(enc(64), "\x80\x01");
  EXPECT_EQ(enc(INT64_MIN), "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01");
}

TEST(AvroEncodingTest, DecimalsAreMinimalTwosComplementAndFixedIsSignExtended) {
  auto s = Primitive(SchemaType::kBytes, LogicalType::kDecimal);
  s.precision = 10;
  std::string out;
  ASSERT_TRUE(EncodeAvro(s, Value::Decimal(-1230), &out).ok());
  EXPECT_EQ(out, "\x04\xfb\x32");  // length 2, 0xFB32 = -1230
  out.clear();
  ASSERT_TRUE(EncodeAvro(s, Value::Decimal(128), &out).ok());
  EXPECT_EQ(out, std::string("\x04\x00\x80", 3));
  Schema f = Primitive(SchemaType::kFixed, LogicalType::kDecimal);
  f.fixed_size = 4;
  f.precision = 9;
  out.clear();
  ASSERT_TRUE(EncodeAvro(f, Value::Decimal(-2), &out).ok());
  EXPECT_EQ(out, "\xff\xff\xff\xfe");
  out.clear();
  EXPECT_FALSE(EncodeAvro(s, Value::Null(), &out).ok());
}

TEST_F(AvroFormatTest, HeaderCarriesSchemaCodecAndOrigin) {
  FormatOptions o{.kind = FormatKind::kAvro};
  o.value_schema = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})";
  std::string file = WriteAll(o, Records({R"({"a":1})", R"({"a":2})"}));
  ASSERT_EQ(file.substr(0, 4), std::string("Obj\x01", 4));
  EXPECT_NE(file.find("avro.codec\x08null"), std::string::npos);
  // One block of two records: count 2 (0x04), size 2 (0x04), zigzag 1 and 2, then the sync
  // marker, which also ends the header.
  std::string sync = file.substr(file.size() - 16);
  EXPECT_EQ(file.substr(file.size() - 16 - 4, 4), "\x04\x04\x02\x04");
  EXPECT_EQ(file.find(sync), file.size() - 16 - 4 - 16);
  auto [rc, out] = ReadBack(file, R"([{"a":1},{"a":2}])");
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find(R"("tributary.topic": "orders")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("tributary.offset.first": "100")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("tributary.created.by": "tributary version )"), std::string::npos) << out;
}

TEST_F(AvroFormatTest, TypeMatrixReadsBackWithEveryCodec) {
  if (std::system("/usr/bin/python3 -c 'import avro' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3-avro missing";
  }
  for (const char* codec : {"null", "deflate", "snappy", "zstandard"}) {
    SCOPED_TRACE(codec);
    FormatOptions o{.kind = FormatKind::kAvro};
    o.value_schema = kMatrixSchema;
    o.avro_codec = codec;
    o.avro_block_bytes = 200;  // several blocks, a sync marker after each
    std::vector<std::string> values;
    for (int rep = 0; rep < 5; ++rep)
      values.insert(values.end(), kMatrixValues.begin(), kMatrixValues.end());
    std::string file = WriteAll(o, Records(values));
    std::string expected = "[";
    for (int rep = 0; rep < 5; ++rep) {
      std::string one = std::string(kMatrixExpected);
      one = one.substr(one.find('[') + 1, one.rfind(']') - one.find('[') - 1);
      expected += (rep ? "," : "") + one;
    }
    expected += "]";
    auto [rc, out] = ReadBack(file, expected);
    ASSERT_EQ(rc, 0) << out.substr(out.rfind('}') > 3000 ? out.rfind('}') - 3000 : 0);
    EXPECT_NE(out.find(std::string("\"codec\": \"") + codec + "\""), std::string::npos);
    // Logical types survive in the written schema.
    EXPECT_NE(out.find(R"("logicalType": "decimal", "name": "Big", "precision": 38, "scale": 4)"),
              std::string::npos);
    EXPECT_NE(out.find(R"("logicalType": "timestamp-micros")"), std::string::npos);
  }
}

TEST_F(AvroFormatTest, InferredSchemaFromSchemalessJson) {
  FormatOptions o{.kind = FormatKind::kAvro, .value_encoding = ValueEncoding::kString};
  o.schema_inference = true;
  std::string file = WriteAll(o, Records({R"({"a":1,"b":"x"})", R"({"a":2.5,"c":[true]})"}));
  auto [rc, out] = ReadBack(file, R"([{"a":1.0,"b":"x","c":null},{"a":2.5,"b":null,"c":[true]}])");
  ASSERT_EQ(rc, 0) << out;
}

TEST_F(AvroFormatTest, BadRecordsNameTheRecordAndField) {
  FormatOptions o{.kind = FormatKind::kAvro};
  o.value_schema = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})";
  auto format = MakeFormat(o);
  ASSERT_TRUE(format.ok());
  StringOutputStream out;
  auto w = (*format)->NewWriter(&out);
  Status st = w->Write(Rec(R"({"a":"nope"})", 7));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("orders-2@7"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("a:"), std::string::npos) << st.message();
  EXPECT_TRUE(w->Write(Rec(R"({"a":3})", 8)).ok());
  EXPECT_TRUE(w->Close().ok());

  o.value_schema.clear();
  auto no_schema = MakeFormat(o);
  ASSERT_FALSE(no_schema.ok());
  EXPECT_NE(no_schema.status().message().find("value.schema"), std::string::npos);
  o.value_schema = "{";
  EXPECT_FALSE(MakeFormat(o).ok());
  o.value_schema = R"("int")";
  o.avro_codec = "brotli";
  auto bad_codec = MakeFormat(o);
  ASSERT_FALSE(bad_codec.ok());
  EXPECT_NE(bad_codec.status().message().find("avro.codec"), std::string::npos);
}

}  // namespace
}  // namespace tributary
