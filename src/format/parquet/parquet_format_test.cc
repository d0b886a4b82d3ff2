// ParquetFormat: exact bytes where the specification fixes them (RLE hybrid, Thrift compact),
// and a type matrix × codecs read back by DuckDB (every value compared) and hyparquet.
#include "format/parquet/parquet_format.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "format/columnar_test_matrix.h"
#include "format/parquet/file_writer.h"
#include "format/parquet/rle.h"
#include "format/parquet/thrift_compact.h"
#include "format/test_records.h"

namespace tributary {
namespace {

using testing_records::HaveNodeReaders;
using testing_records::kMatrixSchema;
using testing_records::kMatrixValues;
using testing_records::ProcessTempDir;
using testing_records::Rec;
using testing_records::RunCommand;
using testing_records::ShellQuote;

const std::filesystem::path kNodeDir = TRIBUTARY_NODE_DIR;

TEST(ParquetEncodingTest, RleHybridMatchesTheSpecExamples) {
  using parquet::AppendHybrid;
  std::vector<uint32_t> ones(10, 1);
  std::string out;
  AppendHybrid(ones.data(), ones.size(), 1, &out);
  EXPECT_EQ(out, "\x14\x01");  // RLE run: 10 << 1, value 1
  // Encodings.md bit-packing example: 0..7 with bit width 3.
  std::vector<uint32_t> seq = {0, 1, 2, 3, 4, 5, 6, 7};
  out.clear();
  AppendHybrid(seq.data(), seq.size(), 3, &out);
  EXPECT_EQ(out, "\x03\x88\xc6\xfa");
  // Three literals are padded to one group of 8.
  std::vector<uint32_t> three = {1, 0, 1};
  out.clear();
  AppendHybrid(three.data(), three.size(), 1, &out);
  EXPECT_EQ(out, "\x03\x05");
  EXPECT_EQ(parquet::BitWidth(0), 0);
  EXPECT_EQ(parquet::BitWidth(1), 1);
  EXPECT_EQ(parquet::BitWidth(3), 2);
  EXPECT_EQ(parquet::BitWidth(4), 3);
}

TEST(ParquetEncodingTest, ThriftCompactMatchesTheWorkedPageHeader) {
  // shared/reference/formats-s3-iceberg.md §1.2: PageHeader{DATA_PAGE, 100, 60,
  // DataPageHeader{10, PLAIN, RLE, RLE}}.
  std::string out;
  parquet::CompactWriter w(&out);
  w.I32(1, 0);
  w.I32(2, 100);
  w.I32(3, 60);
  w.BeginStruct(5);
  w.I32(1, 10);
  w.I32(2, 0);
  w.I32(3, 3);
  w.I32(4, 3);
  w.EndStruct();
  w.End();
  EXPECT_EQ(
      out,
      std::string("\x15\x00\x15\xc8\x01\x15\x78\x2c\x15\x14\x15\x00\x15\x06\x15\x06\x00\x00", 18));
  // Long field header when the delta exceeds 15; bools in the type nibble; lists.
  out.clear();
  parquet::CompactWriter l(&out);
  l.Bool(1, true);
  l.I64(20, -1);
  l.BeginList(21, parquet::CompactWriter::kI32, 2);
  l.ElementI32(1);
  l.ElementI32(-1);
  l.End();
  EXPECT_EQ(out, std::string("\x11\x06\x28\x01\x19\x25\x02\x01\x00", 9));
}

class ParquetFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveNodeReaders(kNodeDir))
      GTEST_SKIP() << "node or " << kNodeDir << "/node_modules missing";
    dir_ = ProcessTempDir("tributary_parquet_test");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const FormatOptions& options,
                    const std::vector<std::string>& values) {
    auto format = MakeFormat(options);
    EXPECT_TRUE(format.ok()) << format.status().ToString();
    StringOutputStream out;
    auto writer = (*format)->NewWriter(&out);
    for (size_t i = 0; i < values.size(); ++i) {
      Status st = writer->Write(Rec(values[i], 100 + static_cast<int64_t>(i)));
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    EXPECT_TRUE(writer->Close().ok());
    std::string path = (dir_ / (name + (*format)->Extension())).string();
    std::ofstream(path, std::ios::binary) << out.buffer();
    return path;
  }

  static std::string Duck(const std::string& sql) {
    int rc;
    std::string out = RunCommand(
        "node " + (kNodeDir / "duckdb_query.mjs").string() + " " + ShellQuote(sql) + " 2>&1", &rc);
    EXPECT_EQ(rc, 0) << out;
    return out;
  }
  static std::string Hyparquet(const std::string& path) {
    int rc;
    std::string out = RunCommand(
        "node " + (kNodeDir / "hyparquet_read.mjs").string() + " " + ShellQuote(path) + " 2>&1",
        &rc);
    EXPECT_EQ(rc, 0) << out;
    return out;
  }

  std::filesystem::path dir_;
};

// DuckDB's rows for kMatrixValues (values checked one by one against the input).
constexpr const char* kMatrixDuck =
    R"({"id":"1","ok":true,"qty":5,"f":1.5,"d":2.25,"raw":"\\x00\\x01\\x02","name":"héllo \"q\"","day":"2024-02-29","tm":"01:02:03.004+00","tu":"01:02:03.000005+00","ts":"2024-02-29 11:00:00.5+00","tsu":"1970-01-01 00:00:00.000001+00","lts":"2024-01-02 03:04:05.006","price":"-12.30","small":"-1234.5","big":"12345678901234567890123456789.0123","uid":"123e4567-e89b-12d3-a456-426614174000","color":"GREEN","tags":["a",null,"b"],"attrs":[{"key":"k","value":"1"},{"key":"n","value":null}],"addr":{"city":"Oslo","zip":150},"lines":[{"sku":"x","n":1,"opts":[1,2]},{"sku":"y","n":2,"opts":[]}]},)"
    R"({"id":"-2","ok":false,"qty":null,"f":-0.25,"d":null,"raw":"","name":"","day":"1970-01-01","tm":"00:00:00+00","tu":"00:00:00+00","ts":"1969-12-31 23:59:59.999+00","tsu":null,"lts":"1970-01-01 00:00:00","price":"0.00","small":"0.0","big":"-1.0000","uid":"00000000-0000-0000-0000-000000000000","color":"RED","tags":[],"attrs":[],"addr":{"city":"x","zip":null},"lines":[]},)"
    R"({"id":"9007199254740993","ok":true,"qty":null,"f":3,"d":null,"raw":"\\xFF","name":"z","day":"1969-12-31","tm":"23:59:59.999+00","tu":"00:00:00.000001+00","ts":"1970-01-01 00:00:00+00","tsu":null,"lts":"1970-01-01 00:00:00.001","price":"99999999.99","small":"9999.9","big":"-99999999999999999999999999999999.9999","uid":"ffffffff-ffff-ffff-ffff-ffffffffffff","color":"RED","tags":null,"attrs":null,"addr":null,"lines":[{"sku":"","n":-2147483648,"opts":[7]}]})";

std::vector<std::string> Repeat(const std::vector<std::string>& v, int times) {
  std::vector<std::string> out;
  for (int k = 0; k < times; ++k) out.insert(out.end(), v.begin(), v.end());
  return out;
}

TEST_F(ParquetFormatTest, TypeMatrixReadsBackInDuckDbWithEveryCodec) {
  constexpr int kTimes = 40;  // 120 rows a file: several pages and row groups below
  const std::vector<std::pair<std::string, std::string>> codecs = {{"none", "UNCOMPRESSED"},
                                                                   {"snappy", "SNAPPY"},
                                                                   {"gzip", "GZIP"},
                                                                   {"zstd", "ZSTD"},
                                                                   {"lz4_raw", "LZ4_RAW"}};
  // One DuckDB run reads every file, in list order (node start-up dominates the test's time).
  std::string files, expected_rows, expected_meta;
  for (size_t c = 0; c < codecs.size(); ++c) {
    FormatOptions o{.kind = FormatKind::kParquet};
    o.value_schema = kMatrixSchema;
    o.parquet_codec = codecs[c].first;
    o.parquet_page_bytes = 64;        // many pages per chunk
    o.parquet_block_bytes = 8 << 10;  // several row groups
    std::string path = Write("matrix_" + std::to_string(c), o, Repeat(kMatrixValues, kTimes));
    files += (c ? ",'" : "'") + path + "'";
    for (int k = 0; k < kTimes; ++k)
      expected_rows += (expected_rows.empty() ? "" : ",") + std::string(kMatrixDuck);
    expected_meta += fmt::format(R"({}{{"f":"matrix_{}","several":true,"c":"{}"}})", c ? "," : "",
                                 c, codecs[c].second);
  }
  EXPECT_EQ(Duck("SELECT * FROM read_parquet([" + files + "])"), "[" + expected_rows + "]");
  EXPECT_EQ(Duck("SELECT split_part(parse_filename(file_name), '.', 1) AS f, count(DISTINCT "
                 "row_group_id) > 1 "
                 "AS several, min(compression) AS c FROM parquet_metadata([" +
                 files + "]) GROUP BY ALL ORDER BY f"),
            "[" + expected_meta + "]");
}

TEST_F(ParquetFormatTest, TypeMatrixReadsBackInHyparquet) {
  // hyparquet reads decimals as doubles, timestamps as millisecond Dates and ENUM columns
  // as bytes (shown as hex); the rest is compared exactly. It decodes none and snappy itself; gzip
  // pages go through zlib.
  for (const char* codec : {"none", "snappy", "gzip"}) {
    SCOPED_TRACE(codec);
    FormatOptions o{.kind = FormatKind::kParquet};
    o.value_schema = kMatrixSchema;
    o.parquet_codec = codec;
    o.parquet_page_bytes = 64;
    std::string path = Write(std::string("hyp_") + codec, o, Repeat(kMatrixValues, 2));
    std::string out = Hyparquet(path);
    EXPECT_NE(out.find(R"("version":1,"num_rows":"6","created_by":"tributary version )"),
              std::string::npos)
        << out.substr(0, 300);
    size_t rows = out.find(R"("rows":)");
    ASSERT_NE(rows, std::string::npos) << out;
    std::string one =
        R"({"id":"1","ok":true,"qty":5,"f":1.5,"d":2.25,"raw":"000102","name":"héllo \"q\"","day":"2024-02-29T00:00:00.000Z","tm":3723004,"tu":"3723000005","ts":"2024-02-29T11:00:00.500Z","tsu":"1970-01-01T00:00:00.000Z","lts":"2024-01-02T03:04:05.006Z","price":-12.3,"small":-1234.5,"big":1.2345678901234568e+28,"uid":"123e4567-e89b-12d3-a456-426614174000","color":"475245454e","tags":["a",null,"b"],"attrs":{"k":"1","n":null},"addr":{"city":"Oslo","zip":150},"lines":[{"sku":"x","n":1,"opts":[1,2]},{"sku":"y","n":2,"opts":[]}]},)"
        R"({"id":"-2","ok":false,"qty":null,"f":-0.25,"d":null,"raw":"","name":"","day":"1970-01-01T00:00:00.000Z","tm":0,"tu":"0","ts":"1969-12-31T23:59:59.999Z","tsu":null,"lts":"1970-01-01T00:00:00.000Z","price":0,"small":0,"big":-0.9999999999999999,"uid":"00000000-0000-0000-0000-000000000000","color":"524544","tags":[],"attrs":{},"addr":{"city":"x","zip":null},"lines":[]},)"
        R"({"id":"9007199254740993","ok":true,"qty":null,"f":3,"d":null,"raw":"ff","name":"z","day":"1969-12-31T00:00:00.000Z","tm":86399999,"tu":"1","ts":"1970-01-01T00:00:00.000Z","tsu":null,"lts":"1970-01-01T00:00:00.001Z","price":99999999.99,"small":9999.900000000001,"big":-9.999999999999999e+31,"uid":"ffffffff-ffff-ffff-ffff-ffffffffffff","color":"524544","tags":null,"attrs":null,"addr":null,"lines":[{"sku":"","n":-2147483648,"opts":[7]}]})";
    EXPECT_EQ(out.substr(rows), R"("rows":[)" + one + "," + one + "]}");
  }
}

TEST_F(ParquetFormatTest, DictionaryWhenSmallPlainFallbackPastTheLimitStatsAndFooter) {
  FormatOptions o{.kind = FormatKind::kParquet};
  o.value_schema = R"({"type":"record","name":"R","fields":[
      {"name":"low","type":"string"},{"name":"high","type":"string"},
      {"name":"n","type":["null","long"]},{"name":"x","type":"double"},{"name":"b","type":"boolean"}]})";
  o.parquet_dictionary_bytes = 4096;
  std::vector<std::string> values;
  for (int i = 0; i < 3000; ++i) {
    values.push_back(fmt::format(
        R"({{"low":"{}","high":"unique-{:06}","n":{},"x":{},"b":{}}})",
        i % 3 == 0 ? "alpha" : "beta", i, i % 5 == 0 ? "null" : std::to_string(i - 1000),
        i % 7 == 0 ? "-0.0" : std::to_string(i) + ".5", i % 2 ? "true" : "false"));
  }
  std::string path = Write("dict", o, values);
  EXPECT_EQ(
      Duck("SELECT path_in_schema AS p, encodings AS e, dictionary_page_offset IS NOT NULL AS d, "
           "stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls, num_values AS "
           "nv "
           "FROM parquet_metadata('" +
           path + "') ORDER BY column_id"),
      R"([{"p":"low","e":"PLAIN, RLE, RLE_DICTIONARY","d":true,"lo":"alpha","hi":"beta","nulls":"0","nv":"3000"},)"
      R"({"p":"high","e":"PLAIN, RLE","d":false,"lo":"unique-000000","hi":"unique-002999","nulls":"0","nv":"3000"},)"
      R"({"p":"n","e":"PLAIN, RLE","d":false,"lo":"-999","hi":"1999","nulls":"600","nv":"3000"},)"
      R"({"p":"x","e":"PLAIN, RLE","d":false,"lo":"-0.0","hi":"2999.5","nulls":"0","nv":"3000"},)"
      R"({"p":"b","e":"PLAIN, RLE","d":false,"lo":"false","hi":"true","nulls":"0","nv":"3000"}])");
  EXPECT_EQ(Duck("SELECT count(*) AS n, count(DISTINCT high) AS u, sum(n) AS s, "
                 "sum(CASE WHEN low = 'alpha' THEN 1 ELSE 0 END) AS a, sum(b::INT) AS t FROM "
                 "read_parquet('" +
                 path + "')"),
            R"([{"n":"3000","u":"3000","s":"1200000","a":"1000","t":"1500"}])");
  EXPECT_EQ(
      Duck("SELECT created_by, format_version, num_rows FROM parquet_file_metadata('" + path + "')")
          .substr(0, 45),
      R"([{"created_by":"tributary version 0.1.0 (buil)");
  EXPECT_EQ(
      Duck("SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('" + path +
           "') WHERE decode(key) LIKE 'tributary.%' AND decode(key) <> 'tributary.avro.schema'"),
      R"([{"k":"tributary.topic","v":"orders"},{"k":"tributary.partition","v":"2"},)"
      R"({"k":"tributary.offset.first","v":"100"},{"k":"tributary.offset.last","v":"3099"},)"
      R"({"k":"tributary.record.count","v":"3000"}])");
}

TEST_F(ParquetFormatTest, SchemalessJsonWithInference) {
  FormatOptions o{.kind = FormatKind::kParquet, .value_encoding = ValueEncoding::kString};
  o.schema_inference = true;
  std::string path = Write("inferred", o,
                           {R"({"id":1,"user":{"name":"a","tags":["x"]},"score":1})",
                            R"({"id":2,"user":{"name":"b","age":30},"score":2.5,"note":null})",
                            R"({"id":3,"user":null,"score":"n/a","extra":{"k":true}})"});
  EXPECT_EQ(
      Duck("SELECT * FROM read_parquet('" + path + "')"),
      R"([{"id":"1","user":{"name":"a","tags":["x"],"age":null},"score":"1","note":null,"extra":null},)"
      R"({"id":"2","user":{"name":"b","tags":null,"age":"30"},"score":"2.5","note":null,"extra":null},)"
      R"({"id":"3","user":null,"score":"n/a","note":null,"extra":{"k":true}}])");
  EXPECT_EQ(
      Duck("SELECT name, type, repetition_type AS r FROM parquet_schema('" + path +
           "') WHERE name IN ('id','score','age')"),
      R"([{"name":"id","type":"INT64","r":"OPTIONAL"},{"name":"age","type":"INT64","r":"OPTIONAL"},)"
      R"({"name":"score","type":"BYTE_ARRAY","r":"OPTIONAL"}])");
}

TEST_F(ParquetFormatTest, InferredSchemaIsFixedAfterTheFirstRowGroup) {
  FormatOptions o{.kind = FormatKind::kParquet};
  o.schema_inference = true;
  o.parquet_block_bytes = 64;  // the first record fixes the schema
  auto format = MakeFormat(o);
  ASSERT_TRUE(format.ok());
  StringOutputStream out;
  auto w = (*format)->NewWriter(&out);
  ASSERT_TRUE(
      w
          ->Write(Rec(
              R"({"a":1,"pad":"0123456789012345678901234567890123456789012345678901234567890123"})",
              1))
          .ok());
  Status st = w->Write(Rec(R"({"a":2,"b":3})", 2));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("orders-2@2"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("'b'"), std::string::npos) << st.message();
  st = w->Write(Rec(R"({"a":{"x":1}})", 3));
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(w->Write(Rec(R"({"a":4.5})", 4)).ok());  // a was inferred as long
  EXPECT_TRUE(w->Write(Rec(R"({"a":5})", 5)).ok());
  ASSERT_TRUE(w->Close().ok());
}

TEST_F(ParquetFormatTest, ReportsBufferedBytesUntilTheRowGroupIsWritten) {
  FormatOptions o{.kind = FormatKind::kParquet};
  o.value_schema = R"({"type":"record","name":"R","fields":[{"name":"s","type":"string"}]})";
  o.parquet_block_bytes = 10000;
  o.parquet_codec = "none";
  auto format = MakeFormat(o);
  ASSERT_TRUE(format.ok());
  StringOutputStream out;
  auto w = (*format)->NewWriter(&out);
  auto value = [](int i) {
    return R"({"s":")" + std::string(1000, static_cast<char>('a' + i)) + R"("})";
  };
  ASSERT_TRUE(w->Write(Rec(value(0), 0)).ok());
  EXPECT_GE(w->BufferedBytes(), 1000u);
  EXPECT_EQ(out.Size(), 4u);  // "PAR1" only
  for (int i = 1; i < 10; ++i) ASSERT_TRUE(w->Write(Rec(value(i), i)).ok());
  EXPECT_LT(w->BufferedBytes(), 1000u);  // the row group went to the stream
  EXPECT_GT(out.Size(), 1000u);
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(out.buffer().substr(out.Size() - 4), "PAR1");
}

TEST_F(ParquetFormatTest, ARowThatFailsHalfwayLeavesNoTrace) {
  Schema s = RecordOf("R", {Field{"a", Primitive(SchemaType::kLong), {}},
                            Field{"b", ArrayOf(Primitive(SchemaType::kInt)), {}},
                            Field{"c", Primitive(SchemaType::kString), {}}});
  auto ps = parquet::ParquetSchema::Make(s);
  ASSERT_TRUE(ps.ok());
  StringOutputStream out;
  parquet::ParquetFileWriter w(&out, *ps, parquet::WriterOptions{});
  Value good =
      Value::List({Value::Int(1), Value::List({Value::Int(2), Value::Int(3)}), Value::Bytes("x")});
  // Columns a and b take their entries before c rejects a number where a string belongs.
  Value bad = Value::List({Value::Int(9), Value::List({Value::Int(9)}), Value::Int(9)});
  // 2^40 does not fit the INT32 list element: rejected after a was written.
  Value big = Value::List({Value::Int(8), Value::List({Value::Int(1ll << 40)}), Value::Bytes("y")});
  ASSERT_TRUE(w.WriteRow(good).ok());
  EXPECT_FALSE(w.WriteRow(bad).ok());
  EXPECT_FALSE(w.WriteRow(big).ok());
  ASSERT_TRUE(w.WriteRow(good).ok());
  ASSERT_TRUE(w.Close({}, "tributary version 0.1.0 (build test)").ok());
  std::string path = (dir_ / "rollback.parquet").string();
  std::ofstream(path, std::ios::binary) << out.buffer();
  EXPECT_EQ(Duck("SELECT * FROM read_parquet('" + path + "')"),
            R"([{"a":"1","b":[2,3],"c":"x"},{"a":"1","b":[2,3],"c":"x"}])");
}

TEST_F(ParquetFormatTest, RejectsWhatParquetCannotHold) {
  FormatOptions o{.kind = FormatKind::kParquet};
  o.value_schema = R"("int")";
  EXPECT_FALSE(MakeFormat(o).ok());
  o.value_schema =
      R"({"type":"record","name":"R","fields":[{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":39,"scale":0}}]})";
  auto big = MakeFormat(o);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("38"), std::string::npos);
  o.value_schema = R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"}]})";
  o.parquet_codec = "lz4";
  auto lz4 = MakeFormat(o);
  ASSERT_FALSE(lz4.ok());
  EXPECT_NE(lz4.status().message().find("parquet.codec"), std::string::npos);
  o.parquet_codec = "snappy";
  o.value_encoding = ValueEncoding::kBytes;
  EXPECT_FALSE(MakeFormat(o).ok());
}

}  // namespace
}  // namespace tributary
