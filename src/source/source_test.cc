// Unit tests of the source's readers (against the sink's own writers), the JSON scanner
// and checkpoints. (Names, ordering and config are in source_config_test.cc: the sink's
// config headers and the reader interface cannot share a translation unit.)
// The replay itself is tested end to end in tests/e2e/source_*_e2e.py.
#include <gtest/gtest.h>

#include "format/codec/codec.h"
#include "format/output_stream.h"
#include "format/reader/parquet_reader.h"
#include "format/record_writer.h"
#include "source/byte_stream.h"
#include "source/checkpoint.h"
#include "source/json_scan.h"
#include "source/object_reader.h"
#include "source/row_readers.h"

namespace tributary {
namespace {

std::vector<ReadRecord> ReadAll(const FormatOptions& o, std::string bytes) {
  auto reader = MakeRowReader(o, "obj", std::move(bytes));
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<ReadRecord> out;
  ReadRecord r;
  while (true) {
    auto got = (*reader)->Next(&r);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (!got.ok() || !*got) break;
    out.push_back(r);
  }
  return out;
}

// Writes `records` with the sink's writer for `o`.
std::string Write(const FormatOptions& o, const std::vector<Record>& records) {
  auto format = MakeFormat(o);
  EXPECT_TRUE(format.ok()) << format.status().ToString();
  StringOutputStream out;
  auto writer = (*format)->NewWriter(&out);
  for (const auto& r : records) EXPECT_TRUE(writer->Write(r).ok());
  EXPECT_TRUE(writer->Close().ok());
  return out.Release();
}

std::vector<Record> Sample() {
  std::vector<Record> v;
  Record a{.topic = "orders",
           .partition = Partition(2),
           .offset = Offset(41),
           .timestamp_ms = 1700000000123,
           .key = "k1",
           .value = R"({"id": 7, "s":"a\nb"})"};
  a.headers = {{"trace", "abc"}, {"gone", std::nullopt}};
  Record b{.topic = "orders",
           .partition = Partition(2),
           .offset = Offset(43),
           .timestamp_ms = -1,
           .key = std::nullopt,
           .value = "[1,2]"};
  Record c{.topic = "orders",
           .partition = Partition(2),
           .offset = Offset(44),
           .timestamp_ms = 5,
           .key = "k\"3",
           .value = std::nullopt};
  v.push_back(a);
  v.push_back(b);
  v.push_back(c);
  return v;
}

TEST(RowReaders, EnvelopeJsonLinesRoundTripFromTheSinkWriter) {
  FormatOptions o{.kind = FormatKind::kJson, .envelope = true};
  auto recs = ReadAll(o, Write(o, Sample()));
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_TRUE(recs[0].has_offset && recs[0].has_key && recs[0].has_headers &&
              recs[0].has_timestamp);
  EXPECT_EQ(recs[0].offset, 41);
  EXPECT_EQ(recs[0].partition, 2);
  EXPECT_EQ(recs[0].topic, "orders");
  EXPECT_EQ(recs[0].timestamp_ms, 1700000000123);
  EXPECT_EQ(recs[0].key, "k1");
  // The JSON value comes back as written (the writer compacted only multi-line JSON).
  EXPECT_EQ(recs[0].value, R"({"id": 7, "s":"a\nb"})");
  ASSERT_EQ(recs[0].headers.size(), 2u);
  EXPECT_EQ(recs[0].headers[0].first, "trace");
  EXPECT_EQ(recs[0].headers[0].second, "abc");
  EXPECT_EQ(recs[0].headers[1].second, std::nullopt);
  EXPECT_EQ(recs[1].key, std::nullopt);
  EXPECT_FALSE(recs[1].has_timestamp);
  EXPECT_EQ(recs[1].offset, 43);
  EXPECT_EQ(recs[2].key, "k\"3");
  EXPECT_EQ(recs[2].value, std::nullopt);  // tombstone kept
}

TEST(RowReaders, EnvelopeWithBytesAndStringEncodings) {
  FormatOptions o{.kind = FormatKind::kJsonArray,
                  .value_encoding = ValueEncoding::kBytes,
                  .key_encoding = ValueEncoding::kBytes,
                  .envelope = true};
  std::vector<Record> in = Sample();
  std::string binary("\x00\xff\x10", 3);
  in[1].value = binary;
  auto recs = ReadAll(o, Write(o, in));
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[1].value, binary);
  EXPECT_EQ(recs[0].key, "k1");
  o.value_encoding = ValueEncoding::kString;
  o.kind = FormatKind::kBytes;
  recs = ReadAll(o, Write(o, Sample()));
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].value, R"({"id": 7, "s":"a\nb"})");
}

TEST(RowReaders, BareValues) {
  FormatOptions json{.kind = FormatKind::kJson};
  auto recs = ReadAll(json, "{\"a\":1}\n\"x\"\n");
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_FALSE(recs[0].has_offset);
  EXPECT_EQ(recs[1].value, "\"x\"");
  FormatOptions bytes{.kind = FormatKind::kBytes, .bytes_separator = "||"};
  Record x{.topic = "t", .value = "a|b"};
  Record y{.topic = "t", .value = ""};
  recs = ReadAll(bytes, Write(bytes, {x, y, x}));
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].value, "a|b");
  EXPECT_EQ(recs[1].value, "");
}

TEST(RowReaders, TextUnescapes) {
  FormatOptions text{.kind = FormatKind::kText};
  Record r{.topic = "t", .value = "a\\b\nc\rd"};
  auto recs = ReadAll(text, Write(text, {r, r}));
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].value, "a\\b\nc\rd");
}

TEST(RowReaders, CsvBothDialects) {
  FormatOptions csv{.kind = FormatKind::kCsv,
                    .csv_header = true,
                    .csv_fields = {OutputField::kKey, OutputField::kValue, OutputField::kOffset,
                                   OutputField::kTimestamp, OutputField::kHeaders},
                    .csv_value_encoding = FieldEncoding::kNone,
                    .csv_key_encoding = FieldEncoding::kNone};
  std::vector<Record> in = Sample();
  in[2].value = "x,\"y\"\nz";
  auto recs = ReadAll(csv, Write(csv, in));
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].key, "k1");
  EXPECT_EQ(recs[0].offset, 41);
  EXPECT_EQ(recs[0].timestamp_ms, 1700000000123);
  EXPECT_EQ(recs[0].headers.size(), 2u);
  EXPECT_EQ(recs[2].value, "x,\"y\"\nz");
  FormatOptions aiven{
      .kind = FormatKind::kCsv, .csv_dialect = CsvDialect::kAiven, .csv_fields = csv.csv_fields};
  recs = ReadAll(aiven, Write(aiven, Sample()));
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].value, R"({"id": 7, "s":"a\nb"})");
  EXPECT_EQ(recs[0].headers[0].second, "abc");
  EXPECT_EQ(recs[1].offset, 43);
}

TEST(RowReaders, AivenJsonRecords) {
  FormatOptions o{.kind = FormatKind::kJson,
                  .json_fields = {OutputField::kKey, OutputField::kValue, OutputField::kOffset,
                                  OutputField::kTimestamp, OutputField::kHeaders}};
  auto recs = ReadAll(o, Write(o, Sample()));
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].timestamp_ms, 1700000000123);
  EXPECT_EQ(recs[0].offset, 41);
  EXPECT_EQ(recs[0].key, "k1");
  EXPECT_EQ(recs[0].headers.size(), 2u);
}

TEST(RowReaders, MixedEnvelopeAndBareIsAnErrorNamingTheObject) {
  FormatOptions o{.kind = FormatKind::kJson};
  std::string text = Write({.kind = FormatKind::kJson, .envelope = true}, Sample()) + "{\"a\":1}\n";
  auto reader = MakeRowReader(o, "topics/x.json", text);
  ASSERT_TRUE(reader.ok());
  ReadRecord r;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(*(*reader)->Next(&r));
  auto bad = (*reader)->Next(&r);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("topics/x.json: record 3"), std::string::npos);
}

// store.envelope with the columnar formats: key, headers (repeats, null values, bytes that
// are not UTF-8), topic, partition, offset and timestamp survive; the value comes back as
// the row's JSON.
void ExpectColumnarEnvelope(FormatKind kind, bool inferred) {
  SCOPED_TRACE(fmt::format("kind {} inferred {}", static_cast<int>(kind), inferred));
  FormatOptions o{.kind = kind, .envelope = true};
  if (inferred) {
    o.schema_inference = true;
  } else {
    o.value_schema = R"({"type":"record","name":"Order","fields":[{"name":"id","type":"long"},)"
                     R"({"name":"s","type":"string"}]})";
  }
  std::vector<Record> in;
  const std::string binary_key("\xff\x00k", 3);
  for (int i = 0; i < 3; ++i) {
    Record r{.topic = "orders",
             .partition = Partition(2),
             .offset = Offset(40 + 2 * i),  // gaps, as compaction leaves them
             .timestamp_ms = i == 1 ? -1 : 1700000000000 + i};
    if (i == 0) r.key = binary_key;
    if (i == 2) r.key = "k2";
    r.value = i == 0 ? R"({"id": 7, "s": "a"})" : R"({"id":8,"s":"b"})";
    if (i != 1) r.headers = {{"h", "1"}, {"h", std::nullopt}, {"bin", binary_key}};
    in.push_back(r);
  }
  auto reader = OpenColumnar(kind, "obj", Write(o, in));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ReadRecord r;
  for (int i = 0; i < 3; ++i) {
    auto got = (*reader)->Next(&r);
    ASSERT_TRUE(got.ok() && *got) << got.status().ToString();
    EXPECT_TRUE(r.has_offset && r.has_key && r.has_headers && r.has_topic && r.has_partition);
    EXPECT_EQ(r.offset, 40 + 2 * i);
    EXPECT_EQ(r.topic, "orders");
    EXPECT_EQ(r.partition, 2);
    EXPECT_EQ(r.has_timestamp, i != 1);
    if (i != 1) {
      EXPECT_EQ(r.timestamp_ms, 1700000000000 + i);
    }
    EXPECT_EQ(r.key, i == 0   ? std::optional<std::string>(binary_key)
                     : i == 2 ? std::optional<std::string>("k2")
                              : std::nullopt);
    EXPECT_EQ(r.value, i == 0 ? R"({"id":7,"s":"a"})" : R"({"id":8,"s":"b"})");
    using H = std::vector<std::pair<std::string, std::optional<std::string>>>;
    const H want = i == 1 ? H{} : H{{"h", "1"}, {"h", std::nullopt}, {"bin", binary_key}};
    EXPECT_EQ(r.headers, want);
  }
  auto end = (*reader)->Next(&r);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
}

TEST(ColumnarEnvelope, AvroAndParquetDeclaredAndInferred) {
  for (FormatKind kind : {FormatKind::kAvro, FormatKind::kParquet}) {
    for (bool inferred : {false, true}) ExpectColumnarEnvelope(kind, inferred);
  }
}

TEST(ColumnarEnvelope, WithoutEnvelopeOnlyValues) {
  FormatOptions o{.kind = FormatKind::kParquet, .schema_inference = true};
  Record rec{.topic = "t", .partition = Partition(0), .offset = Offset(3), .timestamp_ms = 9};
  rec.value = R"({"a":1})";
  auto reader = OpenColumnar(FormatKind::kParquet, "obj", Write(o, {rec}));
  ASSERT_TRUE(reader.ok());
  ReadRecord r;
  ASSERT_TRUE(*(*reader)->Next(&r));
  EXPECT_FALSE(r.has_offset || r.has_key || r.has_timestamp || r.has_headers);
  EXPECT_EQ(r.value, R"({"a":1})");
}

// Yields `bytes` `step` bytes at a time, as ranged GETs of a small chunk size would.
class ChunkedStream final : public ByteStream {
 public:
  ChunkedStream(std::string bytes, size_t step) : bytes_(std::move(bytes)), step_(step) {}
  Result<bool> Read(std::string* out) override {
    if (pos_ >= bytes_.size()) return false;
    out->append(bytes_, pos_, step_);
    pos_ += step_;
    return true;
  }

 private:
  std::string bytes_;
  size_t step_;
  size_t pos_ = 0;
};

std::string Compress(Codec codec, const std::string& plain, int members = 1) {
  StringOutputStream out;
  const size_t per = plain.size() / members + 1;
  for (int m = 0; m < members; ++m) {  // concatenated gzip members / zstd frames
    auto c = MakeCompressingStream(codec, -1, &out);
    EXPECT_TRUE(c.ok());
    EXPECT_TRUE(
        (*c)->Append(std::string_view(plain).substr(std::min(plain.size(), m * per), per)).ok());
    EXPECT_TRUE((*c)->Close().ok());
  }
  return out.Release();
}

// Streaming readers give exactly what whole-object readers give, whatever the piece
// boundaries (records, CSV quotes, "\r\n" and multi-byte separators straddling them).
TEST(StreamingRowReaders, SameRecordsAsWholeObjectsForEveryPieceSize) {
  std::vector<Record> in;
  std::vector<std::string> values;
  for (int i = 0; i < 40; ++i) {
    values.push_back(fmt::format(R"({{"id":{},"s":"a,\"b\"\n{}"}})", i, std::string(i % 7, 'x')));
  }
  for (int i = 0; i < 40; ++i) {
    Record r{.topic = "t", .partition = Partition(0), .offset = Offset(i), .timestamp_ms = i};
    r.key = fmt::format("k{}", i);
    r.value = values[i];
    in.push_back(r);
  }
  std::vector<FormatOptions> formats;
  formats.push_back({.kind = FormatKind::kJson, .envelope = true});
  formats.push_back({.kind = FormatKind::kJson});
  FormatOptions csv{.kind = FormatKind::kCsv, .envelope = true};
  csv.csv_line_terminator = "\r\n";
  formats.push_back(csv);
  FormatOptions aiven{.kind = FormatKind::kCsv};
  aiven.csv_dialect = CsvDialect::kAiven;
  aiven.csv_fields = {OutputField::kKey, OutputField::kValue, OutputField::kOffset};
  formats.push_back(aiven);
  FormatOptions bytes{.kind = FormatKind::kBytes};
  bytes.bytes_separator = "|#|";
  formats.push_back(bytes);
  formats.push_back({.kind = FormatKind::kText});
  for (const FormatOptions& o : formats) {
    const std::string plain = Write(o, in);
    const std::vector<ReadRecord> whole = ReadAll(o, plain);
    ASSERT_EQ(whole.size(), 40u) << static_cast<int>(o.kind);
    for (Codec codec : {Codec::kNone, Codec::kGzip, Codec::kZstd, Codec::kLz4}) {
      const std::string stored = Compress(codec, plain, codec == Codec::kLz4 ? 1 : 3);
      for (size_t step : {1, 2, 3, 7, 64, 100000}) {
        SCOPED_TRACE(fmt::format("kind {} codec {} step {}", static_cast<int>(o.kind),
                                 CodecName(codec), step));
        auto stream = Decompressing(std::make_unique<ChunkedStream>(stored, step), codec, "obj");
        ASSERT_TRUE(stream.ok()) << stream.status().ToString();
        auto reader = MakeRowReader(o, "obj", std::move(*stream));
        ASSERT_TRUE(reader.ok());
        ReadRecord r;
        size_t n = 0;
        while (true) {
          auto got = (*reader)->Next(&r);
          ASSERT_TRUE(got.ok()) << got.status().ToString();
          if (!*got) break;
          ASSERT_LT(n, whole.size());
          EXPECT_EQ(r.value, whole[n].value);
          EXPECT_EQ(r.key, whole[n].key);
          EXPECT_EQ(r.offset, whole[n].offset);
          ++n;
        }
        EXPECT_EQ(n, whole.size());
      }
    }
  }
}

// Ranged Parquet reads: the same rows as the whole-file reader, fetching the head, the
// tail and one row group at a time, never the whole file.
TEST(RangedParquet, RowGroupAtATime) {
  FormatOptions o{.kind = FormatKind::kParquet, .envelope = true, .schema_inference = true};
  o.parquet_block_bytes = 4096;
  std::vector<Record> in;
  std::vector<std::string> values;
  for (int i = 0; i < 2000; ++i)
    values.push_back(fmt::format(R"({{"id":{},"pad":"{}"}})", i, std::string(i % 50, 'p')));
  for (int i = 0; i < 2000; ++i) {
    Record r{.topic = "t", .partition = Partition(1), .offset = Offset(i), .timestamp_ms = i};
    r.value = values[i];
    in.push_back(r);
  }
  const std::string file = Write(o, in);
  ColumnarFileInfo info;
  std::vector<std::pair<uint64_t, uint64_t>> fetches;
  auto reader = MakeParquetRangedReader(
      "obj", file.size(),
      [&](uint64_t offset, uint64_t length) -> Result<std::string> {
        fetches.emplace_back(offset, length);
        return file.substr(offset, length);
      },
      &info);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_GT(info.blocks, 3);
  auto whole = MakeParquetReader("obj", file);
  ASSERT_TRUE(whole.ok());
  ReadRecord a, b;
  int n = 0;
  while (true) {
    auto ga = (*reader)->Next(&a);
    auto gb = (*whole)->Next(&b);
    ASSERT_TRUE(ga.ok() && gb.ok()) << ga.status().ToString();
    ASSERT_EQ(*ga, *gb);
    if (!*ga) break;
    EXPECT_EQ(a.value, b.value);
    ++n;
  }
  EXPECT_EQ(n, 2000);
  EXPECT_EQ(fetches.size(), static_cast<size_t>(2 + info.blocks));  // head, tail, row groups
  for (size_t i = 2; i < fetches.size(); ++i) EXPECT_LT(fetches[i].second, file.size() / 2);
}

TEST(StreamingRowReaders, TruncatedGzipIsCorruption) {
  std::string stored = Compress(Codec::kGzip, std::string(5000, 'a') + "\n");
  stored.resize(stored.size() - 6);
  auto stream = Decompressing(std::make_unique<ChunkedStream>(stored, 100), Codec::kGzip, "obj");
  ASSERT_TRUE(stream.ok());
  auto reader = MakeRowReader(FormatOptions{.kind = FormatKind::kJson}, "obj", std::move(*stream));
  ReadRecord r;
  Status st = Status::OK();
  while (st.ok()) {
    auto got = (*reader)->Next(&r);
    if (!got.ok())
      st = got.status();
    else if (!*got)
      break;
  }
  EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
}

TEST(JsonScan, SpansAndStrings) {
  auto m = JsonObjectMembers(R"( {"a" : [1, {"b":"]"}], "c\u00e9":"x\"y", "n":null} )");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->size(), 3u);
  EXPECT_EQ((*m)[0].second, R"([1, {"b":"]"}])");
  EXPECT_EQ((*m)[1].first, "c\xc3\xa9");
  EXPECT_EQ(*DecodeJsonString((*m)[1].second), "x\"y");
  EXPECT_EQ(*DecodeJsonString(R"("\ud83d\ude00")"), "\xf0\x9f\x98\x80");
  EXPECT_FALSE(JsonObjectMembers(R"({"a":[1})").ok());
}

TEST(CheckpointTest, JsonRoundTrip) {
  Checkpoint c;
  c.source = "s";
  c.batch = 500;
  c.positions[TopicPartition{"orders", Partition(1)}] = {
      .object = "k", .index = 3, .last_offset = 9, .read = 10};
  c.targets[TopicPartition{"copy", Partition(1)}] = 77;
  auto back = Checkpoint::FromJson(c.ToJson(), "ck");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->positions, c.positions);
  EXPECT_EQ(back->targets, c.targets);
  EXPECT_EQ(back->batch, 500);
  EXPECT_FALSE(Checkpoint::FromJson("{\"version\":2}", "ck").ok());
}

}  // namespace
}  // namespace tributary
