// The Avro and Parquet readers: Tributary's own files read back to the JSON that was
// written (every type of the columnar test matrix, every codec, many blocks / pages / row
// groups), files written by independent writers (python3-avro, DuckDB) compared with what
// those tools say the rows are, and damaged files (truncated, bytes flipped) that must
// give errors naming the object, never a crash.
#include "format/reader/columnar_reader.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "format/columnar_test_matrix.h"
#include "format/parquet/rle.h"
#include "format/parquet/thrift_compact.h"
#include "format/reader/parquet_decoding.h"
#include "format/reader/thrift_compact_reader.h"
#include "format/test_records.h"
#include "schema/avro_schema.h"

namespace tributary {
namespace {

using testing_records::HaveNodeReaders;
using testing_records::kMatrixSchema;
using testing_records::kMatrixValues;
using testing_records::ProcessTempDir;
using testing_records::Rec;
using testing_records::RunCommand;
using testing_records::ShellQuote;

const std::filesystem::path kSourceDir = TRIBUTARY_SOURCE_DIR;
const std::filesystem::path kNodeDir = TRIBUTARY_NODE_DIR;

// kMatrixValues as the readers give them back: dates as days, times and timestamps as
// counts in the schema's unit, decimals with exactly their scale's digits, bytes base64,
// enums and uuids as text, unions as the plain value. Worked out by hand from the inputs
// (2024-02-29 is day 19782; 2024-02-29T12:00:00.5+01:00 is 1709204400500 ms).
const std::vector<std::string> kMatrixRows = {
    R"({"id":1,"ok":true,"qty":5,"f":1.5,"d":2.25,"raw":"AAEC","name":"héllo \"q\"",)"
    R"("day":19782,"tm":3723004,"tu":3723000005,"ts":1709204400500,"tsu":1,"lts":1704164645006,)"
    R"("price":-12.30,"small":-1234.5,"big":12345678901234567890123456789.0123,)"
    R"("uid":"123e4567-e89b-12d3-a456-426614174000","color":"GREEN","tags":["a",null,"b"],)"
    R"("attrs":{"k":1,"n":null},"addr":{"city":"Oslo","zip":150},)"
    R"("lines":[{"sku":"x","n":1,"opts":[1,2]},{"sku":"y","n":2,"opts":[]}]})",
    R"({"id":-2,"ok":false,"qty":null,"f":-0.25,"d":null,"raw":"","name":"","day":0,"tm":0,)"
    R"("tu":0,"ts":-1,"tsu":null,"lts":0,"price":0.00,"small":0.0,"big":-1.0000,)"
    R"("uid":"00000000-0000-0000-0000-000000000000","color":"RED","tags":[],"attrs":{},)"
    R"("addr":{"city":"x","zip":null},"lines":[]})",
    R"({"id":9007199254740993,"ok":true,"qty":null,"f":3,"d":null,"raw":"/w==","name":"z",)"
    R"("day":-1,"tm":86399999,"tu":1,"ts":0,"tsu":null,"lts":1,"price":99999999.99,)"
    R"("small":9999.9,"big":-99999999999999999999999999999999.9999,)"
    R"("uid":"ffffffff-ffff-ffff-ffff-ffffffffffff","color":"RED","tags":null,"attrs":null,)"
    R"("addr":null,"lines":[{"sku":"","n":-2147483648,"opts":[7]}]})",
};

std::vector<std::string> Repeat(const std::vector<std::string>& v, int times) {
  std::vector<std::string> out;
  for (int k = 0; k < times; ++k) out.insert(out.end(), v.begin(), v.end());
  return out;
}

// Writes `values` (offsets 100, 101, ...) with a writer of `options`.
std::string WriteFile(const FormatOptions& options, const std::vector<std::string>& values) {
  std::vector<Record> records;
  for (size_t i = 0; i < values.size(); ++i)
    records.push_back(Rec(values[i], 100 + static_cast<int64_t>(i)));
  return testing_records::WriteAll(options, records);
}

// Every row of a file, or the first error (from making the reader or from Next).
Result<std::vector<std::string>> ReadAll(FormatKind kind, std::string bytes,
                                         ColumnarFileInfo* info = nullptr,
                                         std::string name = "obj") {
  ASSIGN_OR_RETURN(auto reader, MakeColumnarReader(kind, std::move(name), std::move(bytes), info));
  std::vector<std::string> rows;
  ReadRecord r;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&r));
    if (!more) break;
    EXPECT_TRUE(r.value.has_value());
    EXPECT_FALSE(r.has_key || r.has_headers || r.has_offset || r.has_timestamp || r.has_topic ||
                 r.has_partition);
    rows.push_back(r.value.value_or(""));
  }
  return rows;
}

std::string ReadFileBytes(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void WriteText(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

std::string Lines(const std::vector<std::string>& rows) {
  std::string out;
  for (const auto& r : rows) out += r + "\n";
  return out;
}

bool HavePythonAvro() {
  return std::system("/usr/bin/python3 -c 'import avro' >/dev/null 2>&1") == 0;
}

FormatOptions AvroOptions(const char* codec) {
  FormatOptions o{.kind = FormatKind::kAvro};
  o.value_schema = kMatrixSchema;
  o.avro_codec = codec;
  o.avro_block_bytes = 200;  // several blocks, a sync marker after each
  return o;
}

FormatOptions ParquetOptions(const std::string& codec) {
  FormatOptions o{.kind = FormatKind::kParquet};
  o.value_schema = kMatrixSchema;
  o.parquet_codec = codec;
  o.parquet_page_bytes = 64;        // many pages per chunk
  o.parquet_block_bytes = 8 << 10;  // several row groups
  return o;
}

TEST(ParquetDecodingTest, HybridMatchesTheSpecAndTheWriter) {
  // Encodings.md's bit-packing example: 0..7 with bit width 3.
  std::vector<uint32_t> got;
  ASSERT_TRUE(reader::DecodeHybrid(std::string_view("\x03\x88\xc6\xfa", 4), 3, 8, &got));
  EXPECT_EQ(got, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  // An RLE run of ten 1s, asked for fewer values than the run holds.
  std::vector<uint8_t> levels;
  ASSERT_TRUE(reader::DecodeHybrid(std::string_view("\x14\x01", 2), 1, 4, &levels));
  EXPECT_EQ(levels, (std::vector<uint8_t>{1, 1, 1, 1}));
  EXPECT_FALSE(reader::DecodeHybrid(std::string_view("\x14", 1), 1, 4, &levels));  // value missing
  EXPECT_FALSE(
      reader::DecodeHybrid(std::string_view("\x05\xff", 2), 8, 16, &levels));  // groups missing
  // Whatever the writer's encoder makes, for every bit width it uses.
  for (int bw = 1; bw <= 20; ++bw) {
    std::vector<uint32_t> values;
    for (uint32_t k = 0; k < 1000; ++k)
      values.push_back(k % 37 < 20 ? 5u % (1u << bw) : (k * 2654435761u) % (1u << bw));
    std::string bytes;
    parquet::AppendHybrid(values.data(), values.size(), bw, &bytes);
    ASSERT_TRUE(reader::DecodeHybrid(bytes, bw, values.size(), &got)) << bw;
    EXPECT_EQ(got, values) << bw;
  }
}

TEST(ParquetDecodingTest, DeltaBinaryPackedByHand) {
  // 7 5 3 1 2 3 4 5: block size 128, 4 miniblocks, 8 values, first 7 (zigzag 14); min delta
  // -2 (zigzag 3), bit widths 2 0 0 0; the first miniblock holds the deltas minus the
  // minimum, 0 0 0 3 3 3 3, two bits each, least significant first.
  std::string bytes("\x80\x01\x04\x08\x0e\x03\x02\x00\x00\x00\xc0\x3f\x00\x00\x00\x00\x00\x00", 18);
  std::string_view in = bytes;
  std::vector<int64_t> got;
  ASSERT_TRUE(reader::DecodeDeltaBinaryPacked(&in, 8, &got));
  EXPECT_EQ(got, (std::vector<int64_t>{7, 5, 3, 1, 2, 3, 4, 5}));
  EXPECT_TRUE(in.empty());
  in = bytes;
  EXPECT_FALSE(reader::DecodeDeltaBinaryPacked(&in, 7, &got));  // more values than allowed
  in = std::string_view(bytes).substr(0, 12);
  EXPECT_FALSE(reader::DecodeDeltaBinaryPacked(&in, 8, &got));  // miniblock cut short
}

TEST(ParquetDecodingTest, ThriftCompactReadsWhatTheWriterWrites) {
  std::string out;
  parquet::CompactWriter w(&out);
  w.I32(1, 0);
  w.I32(2, 100);
  w.BeginStruct(5);
  w.I32(1, 10);
  w.EndStruct();
  w.Bool(6, true);
  w.I64(20, -1);  // a long field header (delta > 15)
  w.BeginList(21, parquet::CompactWriter::kBinary, 2);
  w.ElementBinary("a");
  w.ElementBinary("bc");
  w.Binary(22, "xyz");
  w.End();
  std::string_view in = out;
  reader::ThriftValue v;
  ASSERT_TRUE(reader::ReadThriftStruct(&in, &v));
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(v.Int(1, -5), 0);
  EXPECT_EQ(v.Int(2), 100);
  ASSERT_NE(v.Field(5), nullptr);
  EXPECT_EQ(v.Field(5)->Int(1), 10);
  EXPECT_EQ(v.Int(6), 1);
  EXPECT_EQ(v.Int(20), -1);
  ASSERT_NE(v.Field(21), nullptr);
  ASSERT_EQ(v.Field(21)->list.size(), 2u);
  EXPECT_EQ(v.Field(21)->list[1].binary, "bc");
  EXPECT_EQ(v.Binary(22), "xyz");
  EXPECT_FALSE(v.Has(3));
  for (size_t cut = 0; cut < out.size(); ++cut) {
    std::string_view part = std::string_view(out).substr(0, cut);
    EXPECT_FALSE(reader::ReadThriftStruct(&part, &v)) << cut;
  }
  std::string deep(200, '\x1c');  // struct in struct in struct ...: refused, not a stack overflow
  in = deep;
  EXPECT_FALSE(reader::ReadThriftStruct(&in, &v));
}

TEST(AvroReaderTest, ReadsTheTypeMatrixWithEveryCodec) {
  for (const char* codec : {"null", "deflate", "snappy", "zstandard"}) {
    SCOPED_TRACE(codec);
    std::string file = WriteFile(AvroOptions(codec), Repeat(kMatrixValues, 5));
    ColumnarFileInfo info;
    auto rows = ReadAll(FormatKind::kAvro, file, &info);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(*rows, Repeat(kMatrixRows, 5));
    EXPECT_EQ(info.format, "avro");
    EXPECT_EQ(info.codec, codec);
    EXPECT_EQ(info.rows, 15);
    EXPECT_GT(info.blocks, 3);
    EXPECT_EQ(*ParseAvroSchema(info.schema_json), *ParseAvroSchema(kMatrixSchema));
    EXPECT_EQ(info.created_by.rfind("tributary version ", 0), 0u) << info.created_by;
    auto origin = info.TributaryOrigin();
    ASSERT_TRUE(origin.has_value());
    EXPECT_EQ(origin->topic, "orders");
    EXPECT_EQ(origin->partition, 2);
    EXPECT_EQ(origin->first_offset, 100);
    EXPECT_EQ(origin->last_offset, -1);  // Avro headers are written before the last offset is known
  }
}

TEST(ParquetReaderTest, ReadsTheTypeMatrixWithEveryCodec) {
  for (const std::string codec : {"none", "snappy", "gzip", "zstd", "lz4_raw"}) {
    SCOPED_TRACE(codec);
    std::string file = WriteFile(ParquetOptions(codec), Repeat(kMatrixValues, 40));
    ColumnarFileInfo info;
    auto rows = ReadAll(FormatKind::kParquet, file, &info);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(*rows, Repeat(kMatrixRows, 40));
    EXPECT_EQ(info.format, "parquet");
    EXPECT_EQ(info.rows, 120);
    EXPECT_GT(info.blocks, 1);
    EXPECT_EQ(*ParseAvroSchema(info.schema_json), *ParseAvroSchema(kMatrixSchema));
    auto origin = info.TributaryOrigin();
    ASSERT_TRUE(origin.has_value());
    EXPECT_EQ(origin->topic, "orders");
    EXPECT_EQ(origin->partition, 2);
    EXPECT_EQ(origin->first_offset, 100);
    EXPECT_EQ(origin->last_offset, 219);
    EXPECT_EQ(origin->records, 120);
  }
}

TEST(ParquetReaderTest, DictionaryPlainFallbackNullsAndManyRowGroups) {
  FormatOptions o{.kind = FormatKind::kParquet};
  o.value_schema = R"({"type":"record","name":"R","fields":[
      {"name":"low","type":"string"},{"name":"high","type":"string"},
      {"name":"n","type":["null","long"]},{"name":"x","type":"double"},{"name":"b","type":"boolean"},
      {"name":"xs","type":["null",{"type":"array","items":["null","long"]}]}]})";
  o.parquet_dictionary_bytes = 4096;  // "low" stays a dictionary, "high" falls back to PLAIN
  o.parquet_block_bytes = 32 << 10;
  o.parquet_codec = "snappy";
  std::vector<std::string> values;
  for (int i = 0; i < 3000; ++i) {
    std::string xs = i % 4 == 0 ? "null" : i % 4 == 1 ? "[]" : fmt::format("[{},null,{}]", i, -i);
    values.push_back(fmt::format(
        R"({{"low":"{}","high":"unique-{:06}","n":{},"x":{},"b":{},"xs":{}}})",
        i % 3 == 0 ? "alpha" : "beta", i, i % 5 == 0 ? "null" : std::to_string(i - 1000),
        i % 7 == 0 ? "-0.5" : std::to_string(i) + ".25", i % 2 ? "true" : "false", xs));
  }
  ColumnarFileInfo info;
  auto rows = ReadAll(FormatKind::kParquet, WriteFile(o, values), &info);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, values);  // the inputs are already in the readers' canonical form
  EXPECT_GT(info.blocks, 2);
  EXPECT_EQ(info.codec, "SNAPPY");
}

TEST(ParquetReaderTest, ReplayedJsonWritesTheSameFile) {
  // What the reader yields is what the writer accepts: writing the rows read back gives the
  // identical file. ("big" is left out: the writer reads JSON numbers of more than 17
  // digits through a double, so a 38-digit decimal number does not survive it.)
  std::string schema = kMatrixSchema;
  size_t big = schema.find(R"(  {"name":"big")");
  schema.erase(big, schema.find('\n', big) - big + 1);
  FormatOptions o = ParquetOptions("zstd");
  o.value_schema = schema;
  std::string first = WriteFile(o, Repeat(kMatrixValues, 10));
  auto rows = ReadAll(FormatKind::kParquet, first);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::string second = WriteFile(o, *rows);
  EXPECT_EQ(first.size(), second.size());
  EXPECT_TRUE(first == second);
  o.kind = FormatKind::kAvro;
  auto avro_rows = ReadAll(FormatKind::kAvro, WriteFile(o, *rows));
  ASSERT_TRUE(avro_rows.ok()) << avro_rows.status().ToString();
  EXPECT_EQ(*avro_rows, *rows);
}

TEST(ColumnarReaderTest, EmptyFilesAndOtherKinds) {
  FormatOptions o = ParquetOptions("snappy");
  ColumnarFileInfo info;
  auto rows = ReadAll(FormatKind::kParquet, WriteFile(o, {}), &info);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_TRUE(rows->empty());
  EXPECT_EQ(info.rows, 0);
  EXPECT_FALSE(info.TributaryOrigin().has_value());  // no records, no origin
  rows = ReadAll(FormatKind::kAvro, WriteFile(AvroOptions("deflate"), {}), &info);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_TRUE(rows->empty());
  EXPECT_EQ(info.blocks, 0);
  auto json = MakeColumnarReader(FormatKind::kJson, "x.json", "{}\n");
  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(json.status().message().find("x.json"), std::string::npos);
}

// Truncations and flipped bytes at many positions: each read ends in an error naming the
// object (or, for a flip that still decodes, in rows), never in a crash. Run under ASan
// (-DTRIBUTARY_SANITIZE=ON) this also checks every read stays in bounds.
void Damage(FormatKind kind, const std::string& file, size_t rows) {
  const std::string name = "topics/orders/partition=2/damaged";
  auto check = [&](const std::string& bytes, const std::string& what, bool must_fail) {
    auto got = ReadAll(kind, bytes, nullptr, name);
    if (got.ok()) {
      EXPECT_FALSE(must_fail) << what << " read " << got->size() << " rows";
      return;
    }
    const Status& st = got.status();
    EXPECT_TRUE(st.code() == StatusCode::kCorruption || st.code() == StatusCode::kInvalidArgument)
        << what << ": " << st.ToString();
    EXPECT_EQ(st.message().rfind(name + ": ", 0), 0u) << what << ": " << st.ToString();
    if (st.code() == StatusCode::kInvalidArgument) {
      EXPECT_NE(st.message().find("not supported"), std::string::npos)
          << what << ": " << st.ToString();
    }
  };
  const size_t step = std::max<size_t>(1, file.size() / 300);
  for (size_t cut = 0; cut < file.size(); cut += step) {
    std::string bytes = file.substr(0, cut);
    if (kind == FormatKind::kAvro) {
      // Avro has no footer: a file cut right after a block's sync marker is a valid file
      // with fewer blocks. Anything else is an error.
      auto got = ReadAll(kind, bytes, nullptr, name);
      if (got.ok()) {
        EXPECT_LT(got->size(), rows) << "cut at " << cut;
        EXPECT_EQ(bytes.substr(bytes.size() - 16), file.substr(file.size() - 16))
            << "cut at " << cut;
      } else {
        check(bytes, "cut at " + std::to_string(cut), true);
      }
    } else {
      check(bytes, "cut at " + std::to_string(cut), true);
    }
  }
  for (size_t at = 0; at < file.size(); at += step / 2 + 1) {
    for (uint8_t mask : {0x01, 0x80, 0xFF}) {
      std::string bytes = file;
      bytes[at] = static_cast<char>(bytes[at] ^ mask);
      check(bytes, fmt::format("flip {:02x} at {}", mask, at), false);
    }
  }
}

TEST(ColumnarReaderTest, DamagedAvroFilesGiveErrorsNotCrashes) {
  for (const char* codec : {"null", "deflate", "snappy", "zstandard"}) {
    SCOPED_TRACE(codec);
    Damage(FormatKind::kAvro, WriteFile(AvroOptions(codec), Repeat(kMatrixValues, 4)), 12);
  }
}

TEST(ColumnarReaderTest, DamagedParquetFilesGiveErrorsNotCrashes) {
  for (const std::string codec : {"none", "snappy", "gzip", "zstd", "lz4_raw"}) {
    SCOPED_TRACE(codec);
    Damage(FormatKind::kParquet, WriteFile(ParquetOptions(codec), Repeat(kMatrixValues, 6)), 18);
  }
}

TEST(ColumnarReaderTest, ErrorsNameTheBlockOrTheRowGroupAndColumn) {
  // Avro, snappy: a flipped byte in block 0 breaks its snappy data or its CRC-32.
  std::string avro = WriteFile(AvroOptions("snappy"), Repeat(kMatrixValues, 4));
  const std::string sync = avro.substr(avro.size() - 16);
  size_t block0_end = avro.find(sync, avro.find(sync) + 16);  // the sync after block 0
  ASSERT_NE(block0_end, std::string::npos);
  avro[block0_end - 6] ^= 0x5A;
  auto bad = ReadAll(FormatKind::kAvro, avro, nullptr, "a.avro");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  EXPECT_NE(bad.status().message().find("a.avro: block 0 (rows 0.."), std::string::npos)
      << bad.status().ToString();

  // Parquet: every error from a flip inside the column chunks names the row group and the
  // column; the footer's own damage names the footer.
  FormatOptions o{.kind = FormatKind::kParquet};
  o.value_schema = R"({"type":"record","name":"R","fields":[{"name":"s","type":"string"}]})";
  o.parquet_codec = "none";
  std::vector<std::string> values;
  for (int i = 0; i < 50; ++i) values.push_back(fmt::format(R"({{"s":"value-{}"}})", i));
  std::string pq = WriteFile(o, values);
  uint32_t footer_len;
  std::memcpy(&footer_len, pq.data() + pq.size() - 8, 4);
  const size_t footer_start = pq.size() - 8 - footer_len;
  int errors = 0;
  for (size_t at = 4; at < footer_start; ++at) {
    std::string bytes = pq;
    bytes[at] ^= 0x40;
    auto got = ReadAll(FormatKind::kParquet, bytes, nullptr, "p.parquet");
    if (got.ok()) continue;
    ++errors;
    EXPECT_NE(got.status().message().find("p.parquet: row group 0, column s: "), std::string::npos)
        << "flip at " << at << ": " << got.status().ToString();
  }
  EXPECT_GT(errors, 10);
  std::string bytes = pq;
  bytes[footer_start] = 0x0F;  // a field header of an unknown Thrift type
  auto footer = ReadAll(FormatKind::kParquet, bytes, nullptr, "p.parquet");
  ASSERT_FALSE(footer.ok());
  EXPECT_EQ(footer.status().code(), StatusCode::kCorruption);
  EXPECT_NE(footer.status().message().find("p.parquet: footer: "), std::string::npos)
      << footer.status().ToString();
  auto truncated = ReadAll(FormatKind::kParquet, pq.substr(0, pq.size() - 3), nullptr, "p.parquet");
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), StatusCode::kCorruption);
  EXPECT_NE(truncated.status().message().find("no PAR1"), std::string::npos);
}

class ColumnarReaderInteropTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = ProcessTempDir("tributary_reader_test"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs compare_rows.py on the expected rows (a file) and what the reader gave.
  void ExpectSameRows(const std::filesystem::path& expected, const std::vector<std::string>& actual,
                      const std::string& what) {
    auto actual_path = dir_ / "actual.jsonl";
    WriteText(actual_path, Lines(actual));
    int rc;
    std::string out =
        RunCommand("/usr/bin/python3 " + (kSourceDir / "tests/columnar/compare_rows.py").string() +
                       " " + expected.string() + " " + actual_path.string() + " 2>&1",
                   &rc);
    EXPECT_EQ(rc, 0) << what << ": " << out;
  }

  static std::string Duck(const std::string& sql) {
    int rc;
    std::string out = RunCommand(
        "node " + (kNodeDir / "duckdb_query.mjs").string() + " " + ShellQuote(sql) + " 2>&1", &rc);
    EXPECT_EQ(rc, 0) << out;
    return out;
  }

  std::filesystem::path dir_;
};

TEST_F(ColumnarReaderInteropTest, AvroWrittenByPythonAvro) {
  if (!HavePythonAvro()) GTEST_SKIP() << "python3-avro missing";
  for (const char* codec : {"null", "deflate", "snappy"}) {
    SCOPED_TRACE(codec);
    auto file = dir_ / (std::string("py_") + codec + ".avro");
    auto expected = dir_ / "expected.jsonl";
    int rc;
    std::string err =
        RunCommand("/usr/bin/python3 " + (kSourceDir / "tests/columnar/write_avro.py").string() +
                       " " + file.string() + " " + codec + " 300 > " + expected.string(),
                   &rc);
    ASSERT_EQ(rc, 0) << err;
    ColumnarFileInfo info;
    auto rows = ReadAll(FormatKind::kAvro, ReadFileBytes(file), &info);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(rows->size(), 300u);
    EXPECT_GT(info.blocks, 10);
    EXPECT_EQ(info.codec, codec);
    EXPECT_EQ(info.Get("tributary.topic").value_or(""), "from-python");
    ExpectSameRows(expected, *rows, codec);
  }
}

TEST_F(ColumnarReaderInteropTest, AvroUnionsOfSeveralTypesAreNotSupported) {
  if (!HavePythonAvro()) GTEST_SKIP() << "python3-avro missing";
  auto file = dir_ / "union.avro";
  const std::string script =
      "import avro.datafile, avro.io, avro.schema, json, sys\n"
      "s = "
      "avro.schema.parse(json.dumps({'type':'record','name':'U','fields':[{'name':'v','type':['"
      "string','int']}]}))\n"
      "w = avro.datafile.DataFileWriter(open(sys.argv[1], 'wb'), avro.io.DatumWriter(), s)\n"
      "w.append({'v': 3}); w.close()\n";
  int rc;
  std::string out =
      RunCommand("/usr/bin/python3 -c " + ShellQuote(script) + " " + file.string() + " 2>&1", &rc);
  ASSERT_EQ(rc, 0) << out;
  auto rows = ReadAll(FormatKind::kAvro, ReadFileBytes(file), nullptr, "union.avro");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(rows.status().message().find("union.avro: writer schema not supported"),
            std::string::npos)
      << rows.status().ToString();
}

// DuckDB writes every type it has a Parquet mapping for; the expected rows are DuckDB's own
// reading of the file, converted by SQL to the readers' shape (epoch counts, base64).
constexpr const char* kDuckColumns = R"(
  i::INTEGER AS i32, (i * 1000000007)::BIGINT AS i64, (i % 100)::TINYINT AS i8, (i % 30000)::SMALLINT AS i16,
  (i * 7)::UBIGINT + 18446744073709500000::UBIGINT AS u64, (i % 250)::UTINYINT AS u8,
  (i * 3)::UINTEGER + 4000000000::UINTEGER AS u32, i % 3 = 0 AS b, (i * 0.5)::FLOAT AS f, (i * 0.25)::DOUBLE AS d,
  CASE WHEN i % 5 = 0 THEN NULL ELSE 'str-' || i || '-é' END AS s, 'x' || (i % 4) AS lowcard, ('b' || i)::BLOB AS bin,
  (i * 1.25)::DECIMAL(9,2) AS dec9, (i * 123456.789)::DECIMAL(18,3) AS dec18,
  (i * 12345678901234567.1234 - 9e20)::DECIMAL(38,4) AS dec38, DATE '2024-01-01' + i::INTEGER AS day,
  TIMESTAMP '2024-01-01 00:00:00' + to_seconds(i) AS ts, (TIMESTAMP '2024-01-01' + to_seconds(i))::TIMESTAMP_MS AS tsms,
  (TIMESTAMP '2024-01-01' + to_seconds(i))::TIMESTAMP_NS AS tsns, (TIMESTAMP '2024-01-01' + to_seconds(i))::TIMESTAMPTZ AS tstz,
  TIME '01:02:03' + to_seconds(i) AS tm, ('00000000-0000-0000-0000-' || lpad(i::VARCHAR, 12, '0'))::UUID AS id,
  CASE WHEN i % 7 = 0 THEN NULL WHEN i % 7 = 1 THEN [] ELSE [i, NULL, i + 1] END AS l, [[i, i + 1], [], NULL] AS ll,
  {'a': i, 'b': CASE WHEN i % 2 = 0 THEN NULL ELSE 'x' END, 'c': [{'d': i}]} AS st,
  CASE WHEN i % 9 = 0 THEN NULL ELSE MAP {'k' || i: i, 'z': NULL} END AS m, MAP {i: 'v'} AS im,
  ('{"n":' || i || ',"a":[true,null]}')::JSON AS js)";
constexpr const char* kDuckExpected = R"(
  to_json({'i32': i32, 'i64': i64, 'i8': i8, 'i16': i16, 'u64': u64, 'u8': u8, 'u32': u32, 'b': b, 'f': f, 'd': d,
  's': s, 'lowcard': lowcard, 'bin': base64(bin), 'dec9': dec9, 'dec18': dec18, 'dec38': dec38,
  'day': day - DATE '1970-01-01', 'ts': epoch_us(ts), 'tsms': epoch_ms(tsms), 'tsns': epoch_ns(tsns),
  'tstz': epoch_us(tstz),
  'tm': (extract('hour' FROM tm) * 3600 + extract('minute' FROM tm) * 60) * 1000000 + extract('microseconds' FROM tm),
  'id': id::VARCHAR, 'l': l, 'll': ll, 'st': st, 'm': m, 'im': im, 'js': js})::VARCHAR AS j)";

TEST_F(ColumnarReaderInteropTest, ParquetWrittenByDuckDb) {
  if (!HaveNodeReaders(kNodeDir)) GTEST_SKIP() << "node or " << kNodeDir << "/node_modules missing";
  // Data pages v1 (PLAIN, PLAIN_DICTIONARY) and v2 (DELTA_BINARY_PACKED,
  // DELTA_LENGTH_BYTE_ARRAY, BYTE_STREAM_SPLIT, RLE_DICTIONARY), each with a codec.
  const std::vector<std::pair<std::string, std::string>> variants = {
      {"v1_none", "COMPRESSION uncompressed"},
      {"v1_snappy", "COMPRESSION snappy"},
      {"v2_zstd", "COMPRESSION zstd, PARQUET_VERSION V2"},
      {"v2_gzip", "COMPRESSION gzip, PARQUET_VERSION V2"}};
  // One DuckDB run writes every file and reads them back (node's start-up dominates).
  std::string sql, expected_sql;
  for (size_t v = 0; v < variants.size(); ++v) {
    const std::string file = (dir_ / (variants[v].first + ".parquet")).string();
    sql += fmt::format(
        "COPY (SELECT {} FROM range(5000) t(i)) TO '{}' (FORMAT parquet, ROW_GROUP_SIZE 2048, "
        "{}); ",
        kDuckColumns, file, variants[v].second);
    expected_sql += fmt::format(
        "{}SELECT {} AS v, file_row_number AS r, {} FROM read_parquet('{}', file_row_number = "
        "true)",
        v ? " UNION ALL " : "", v, kDuckExpected, file);
  }
  // A small uncompressed v2 file for the damage test below: flipped bytes reach the DELTA
  // and BYTE_STREAM_SPLIT decoders instead of failing decompression.
  const auto small = dir_ / "v2_small.parquet";
  sql += fmt::format(
      "COPY (SELECT {} FROM range(300) t(i)) TO '{}' (FORMAT parquet, PARQUET_VERSION V2, "
      "COMPRESSION uncompressed); ",
      kDuckColumns, small.string());
  auto expected = dir_ / "expected.json";
  WriteText(expected, Duck(sql + "SELECT j FROM (" + expected_sql + ") ORDER BY v, r"));
  std::vector<std::string> all;
  for (const auto& [tag, options] : variants) {
    SCOPED_TRACE(tag);
    ColumnarFileInfo info;
    auto rows = ReadAll(FormatKind::kParquet, ReadFileBytes(dir_ / (tag + ".parquet")), &info, tag);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ(rows->size(), 5000u);
    EXPECT_GT(info.blocks, 1);
    EXPECT_EQ(info.created_by.rfind("DuckDB", 0), 0u) << info.created_by;
    all.insert(all.end(), rows->begin(), rows->end());
  }
  ExpectSameRows(expected, all, "the DuckDB files, in order");
  Damage(FormatKind::kParquet, ReadFileBytes(small), 300);
}

TEST_F(ColumnarReaderInteropTest, DuckDbIntervalIsNotSupported) {
  if (!HaveNodeReaders(kNodeDir)) GTEST_SKIP() << "node or " << kNodeDir << "/node_modules missing";
  auto file = dir_ / "interval.parquet";
  Duck("COPY (SELECT INTERVAL 3 DAY AS span) TO '" + file.string() + "' (FORMAT parquet)");
  auto rows = ReadAll(FormatKind::kParquet, ReadFileBytes(file), nullptr, "interval.parquet");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(
      rows.status().message().find("interval.parquet: column span: INTERVAL is not supported"),
      std::string::npos)
      << rows.status().ToString();
}

}  // namespace
}  // namespace tributary
