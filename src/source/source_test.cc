// Unit tests of the source's readers (against the sink's own writers), the JSON scanner
// and checkpoints. (Names, ordering and config are in source_config_test.cc: the sink's
// config headers and the reader interface cannot share a translation unit.)
// The replay itself is tested end to end in tests/e2e/source_*_e2e.py.
#include <gtest/gtest.h>

#include "format/output_stream.h"
#include "format/record_writer.h"
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
    o.value_schema =
        R"({"type":"record","name":"Order","fields":[{"name":"id","type":"long"},)"
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
    EXPECT_EQ(r.key, i == 0 ? std::optional<std::string>(binary_key)
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
