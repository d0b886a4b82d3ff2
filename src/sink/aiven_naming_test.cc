// Aiven's naming and format dialect: file.name.template, format.output.*,
// file.compression.type, file.max.records.
#include <gtest/gtest.h>

#include "format/format_options.h"
#include "sink/object_naming.h"
#include "sink/partitioner.h"
#include "sink/sink_config.h"
#include "sink/time_zone.h"

namespace tributary {
namespace {

RawConfig Aiven(RawConfig extra) {
  RawConfig raw = {{"name", "s"},
                   {"topics", "orders"},
                   {"bootstrap.servers", "127.0.0.1:9092"},
                   {"s3.bucket.name", "lake"}};
  for (auto& [k, v] : extra) raw[k] = v;
  return raw;
}

Record Rec(int32_t partition, int64_t offset, std::optional<std::string_view> key, int64_t ts) {
  Record r;
  r.topic = "orders";
  r.partition = Partition(partition);
  r.offset = Offset(offset);
  r.key = key;
  r.timestamp_ms = ts;
  r.value = "{}";
  return r;
}

const int64_t kTs = DaysFromCivil(2024, 1, 15) * 86400000 + 10 * 3600000 + 5 * 60000;

// The key the writer forms: the partitioner's encoded partition, then the offsets.
std::string KeyFor(const SinkConfig& c, const Record& r, int64_t now, std::optional<Offset> end) {
  auto p = MakePartitioner(c.partitioner);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  auto encoded = (*p)->Encode(r, now);
  EXPECT_TRUE(encoded.ok()) << encoded.status().ToString();
  NamingOptions naming;
  naming.file_name_template = c.partitioner.file_name_template;
  TopicPartition tp{std::string(r.topic), r.partition};
  return end ? FinalObjectKey(naming, tp, *encoded, r.offset, *end, ".ignored")
             : DataObjectKey(naming, tp, *encoded, r.offset, ".ignored");
}

TEST(FileNameTemplateTest, AivenDefaultAndPaddedForms) {
  auto c =
      SinkConfig::FromRaw(Aiven({{"file.name.template", "{{topic}}-{{partition}}-{{start_offset}}"},
                                 {"format.output.type", "jsonl"},
                                 {"file.max.records", "100"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(KeyFor(*c, Rec(3, 1000, "k", kTs), 0, std::nullopt), "orders-3-1000");
  auto padded = SinkConfig::FromRaw(
      Aiven({{"file.name.template",
              "dir1/{{ topic }}/{{partition:padding=true}}-{{start_offset:padding=true}}.gz"},
             {"format.output.type", "jsonl"},
             {"file.max.records", "100"}}));
  ASSERT_TRUE(padded.ok()) << padded.status().ToString();
  EXPECT_EQ(KeyFor(*padded, Rec(3, 1000, "k", kTs), 0, std::nullopt),
            "dir1/orders/0000000003-00000000000000001000.gz");
}

TEST(FileNameTemplateTest, TimestampKeyAndEndOffset) {
  const std::string with_end =
      "{{timestamp:unit=yyyy}}/{{timestamp:unit=MM}}/{{timestamp:unit=dd}}/{{timestamp:unit=HH}}/"
      "{{topic}}-{{partition}}-{{key}}-{{start_offset}}-{{end_offset:padding=true}}.csv";
  RawConfig raw = Aiven({{"file.name.template", with_end},
                         {"file.name.timestamp.source", "event"},
                         {"file.name.timestamp.timezone", "Europe/Berlin"},
                         {"format.output.type", "csv"},
                         {"file.max.records", "10"}});
  auto direct = SinkConfig::FromRaw(raw);
  if (!kWriterBindsEndOffset) {
    // Rejected until the writer forms keys when files close.
    ASSERT_FALSE(direct.ok());
    EXPECT_NE(direct.status().message().find("end_offset"), std::string::npos);
    raw["file.name.template"] = "{{topic}}-{{partition}}-{{start_offset}}";
  }
  auto c = SinkConfig::FromRaw(raw);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  c->partitioner.file_name_template = with_end;
  NamingOptions naming;
  naming.file_name_template = c->partitioner.file_name_template;
  EXPECT_TRUE(KeyNeedsEndOffset(naming));
  EXPECT_EQ(KeyFor(*c, Rec(0, 5, "user/7", kTs), 0, Offset(9)),
            "2024/01/15/11/orders-0-user%2F7-5-00000000000000000009.csv");
  // Without the end offset it stays unbound (the caller must use FinalObjectKey).
  EXPECT_NE(KeyFor(*c, Rec(0, 5, std::nullopt, kTs), 0, std::nullopt).find("{{end_offset"),
            std::string::npos);
  EXPECT_NE(KeyFor(*c, Rec(0, 5, std::nullopt, kTs), 0, Offset(5)).find("-null-5-"),
            std::string::npos);
  auto p = MakePartitioner(c->partitioner);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE((*p)->deterministic());
  EXPECT_FALSE((*p)->Encode(Rec(0, 5, "k", -1), 0).ok());  // event time needs a timestamp

  // Wall clock by default: `now` decides the directory, and keys are not repeatable.
  auto wall = SinkConfig::FromRaw(Aiven(
      {{"file.name.template", "{{timestamp:unit=HH}}/{{topic}}-{{partition}}-{{start_offset}}"},
       {"format.output.type", "jsonl"},
       {"file.max.records", "10"}}));
  ASSERT_TRUE(wall.ok());
  EXPECT_EQ(KeyFor(*wall, Rec(0, 1, "k", kTs), kTs + 3 * 3600000, std::nullopt), "13/orders-0-1");
  EXPECT_FALSE((*MakePartitioner(wall->partitioner))->deterministic());
}

TEST(FileNameTemplateTest, RejectsWhatAivenRejectsAndCompactionMode) {
  for (const char* bad : {"{{topic}}-{{partition}}",          // no start_offset
                          "{{key}}",                          // compaction mode
                          "{{topic}}-{{partition}}-{{key}}",  // compaction per partition
                          "{{topic}}-{{partition}}-{{start_offset}}-{{offset}}",
                          "{{topic}}-{{partition:padding=yes}}-{{start_offset}}",
                          "{{topic}}-{{partition}}-{{start_offset}}-{{timestamp}}",
                          "{{topic}}-{{partition}}-{{start_offset}}-{{timestamp:unit=mm}}"}) {
    auto t = FileNameTemplate::Parse(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_NE(t.status().message().find("file.name.template"), std::string::npos) << bad;
  }
  auto c = SinkConfig::FromRaw(Aiven(
      {{"file.name.template", "{{key}}"}, {"format.output.type", "jsonl"}, {"flush.size", "1"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("compaction"), std::string::npos);
  auto both =
      SinkConfig::FromRaw(Aiven({{"file.name.template", "{{topic}}-{{partition}}-{{start_offset}}"},
                                 {"partitioner.class", "FieldPartitioner"},
                                 {"partition.field.name", "a"},
                                 {"format.output.type", "jsonl"},
                                 {"flush.size", "1"}}));
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.status().message().find("file.name.template and partitioner.class"),
            std::string::npos);
}

TEST(AivenFormatKeysTest, MapOntoTheFormatOptions) {
  auto csv = SinkConfig::FromRaw(Aiven({{"format.output.type", "csv"},
                                        {"format.output.fields", "key,value,offset"},
                                        {"format.output.fields.value.encoding", "none"},
                                        {"file.max.records", "50"}}));
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(csv->format.kind, FormatKind::kCsv);
  EXPECT_EQ(csv->format.csv_dialect, CsvDialect::kAiven);
  EXPECT_EQ(
      csv->format.csv_fields,
      (std::vector<OutputField>{OutputField::kKey, OutputField::kValue, OutputField::kOffset}));
  EXPECT_EQ(csv->format.csv_value_encoding, FieldEncoding::kNone);
  EXPECT_EQ(csv->flush_size, 50);
  EXPECT_EQ(csv->codec, Codec::kGzip);  // Aiven's default compression

  auto json = SinkConfig::FromRaw(Aiven({{"format.output.type", "json"},
                                         {"format.output.fields", "value"},
                                         {"format.output.envelope", "false"},
                                         {"file.compression.type", "snappy"},
                                         {"flush.size", "5"}}));
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(json->format.kind, FormatKind::kJsonArray);
  EXPECT_FALSE(json->format.json_fields_envelope);
  EXPECT_EQ(json->codec, Codec::kSnappyJava);

  auto jsonl = SinkConfig::FromRaw(Aiven({{"format.output.type", "jsonl"},
                                          {"file.compression.type", "none"},
                                          {"file.max.records", "5"}}));
  ASSERT_TRUE(jsonl.ok()) << jsonl.status().ToString();
  EXPECT_EQ(jsonl->format.kind, FormatKind::kJson);
  EXPECT_EQ(jsonl->format.json_fields, std::vector<OutputField>{OutputField::kValue});
  EXPECT_EQ(jsonl->codec, Codec::kNone);

  // A template without a format is Aiven's default, CSV of the base64 value, gzipped.
  auto bare =
      SinkConfig::FromRaw(Aiven({{"file.name.template", "{{topic}}-{{partition}}-{{start_offset}}"},
                                 {"file.max.records", "5"}}));
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_EQ(bare->format.kind, FormatKind::kCsv);
  EXPECT_EQ(bare->format.csv_fields, std::vector<OutputField>{OutputField::kValue});
  EXPECT_EQ(bare->format.csv_value_encoding, FieldEncoding::kBase64);
  EXPECT_EQ(bare->codec, Codec::kGzip);

  // A Confluent config is unaffected by the Aiven defaults.
  auto confluent =
      SinkConfig::FromRaw(Aiven({{"format.class", "JsonFormat"}, {"flush.size", "3"}}));
  ASSERT_TRUE(confluent.ok()) << confluent.status().ToString();
  EXPECT_EQ(confluent->codec, Codec::kNone);
  EXPECT_TRUE(confluent->format.json_fields.empty());
}

TEST(AivenFormatKeysTest, ContradictionsAndUnsupportedValues) {
  auto check = [](RawConfig extra, const char* want) {
    auto c = SinkConfig::FromRaw(Aiven(std::move(extra)));
    ASSERT_FALSE(c.ok()) << want;
    EXPECT_NE(c.status().message().find(want), std::string::npos) << c.status().message();
  };
  check({{"format.output.type", "jsonl"}, {"format.class", "JsonFormat"}, {"flush.size", "1"}},
        "format.class and format.output.type");
  check({{"format.output.type", "jsonl"}, {"file.max.records", "5"}, {"flush.size", "6"}},
        "flush.size and file.max.records");
  check({{"format.output.type", "jsonl"},
         {"file.max.records", "5"},
         {"s3.compression.type", "zstd"},
         {"file.compression.type", "gzip"}},
        "s3.compression.type and file.compression.type");
  check({{"format.output.type", "parquet"}, {"file.max.records", "5"}}, "format.output.type");
  check({{"format.output.type", "csv"},
         {"format.output.fields", "value,bogus"},
         {"file.max.records", "5"}},
        "format.output.fields");
  check({{"format.output.type", "jsonl"},
         {"format.output.fields", "key,value"},
         {"format.output.envelope", "false"},
         {"file.max.records", "5"}},
        "format.output.envelope");
  // Neither flush.size nor file.max.records.
  check({{"format.output.type", "jsonl"}}, "flush.size");
}

}  // namespace
}  // namespace tributary
