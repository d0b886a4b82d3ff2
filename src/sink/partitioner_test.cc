#include "sink/partitioner.h"

#include <gtest/gtest.h>

#include "config/sink_keys.h"
#include "sink/object_naming.h"
#include "sink/sink_config.h"
#include "sink/time_zone.h"

namespace tributary {
namespace {

constexpr int64_t kHour = 3600000;

int64_t Utc(int64_t y, int m, int d, int h = 0, int mi = 0) {
  return DaysFromCivil(y, m, d) * 24 * kHour + h * kHour + mi * 60000;
}

RawConfig Base() {
  return {{"name", "s"},
          {"topics", "orders"},
          {"bootstrap.servers", "127.0.0.1:9092"},
          {"s3.bucket.name", "lake"},
          {"format.class", "JsonFormat"},
          {"flush.size", "10"}};
}

// Parses `extra` on top of a valid sink config, then builds the partitioner.
Result<PartitionerOptions> Options(RawConfig extra) {
  RawConfig raw = Base();
  for (auto& [k, v] : extra) raw[k] = v;
  ASSIGN_OR_RETURN(Config cfg, Config::Parse(SinkConfigTable(), raw));
  return ParsePartitionerOptions(cfg);
}

std::unique_ptr<Partitioner> Make(RawConfig extra) {
  auto o = Options(std::move(extra));
  EXPECT_TRUE(o.ok()) << o.status().ToString();
  if (!o.ok()) return nullptr;
  auto p = MakePartitioner(*o);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::move(p).value() : nullptr;
}

Record Rec(std::optional<std::string_view> value, int64_t ts = -1, int64_t offset = 0) {
  Record r;
  r.topic = "orders";
  r.partition = Partition(0);
  r.offset = Offset(offset);
  r.timestamp_ms = ts;
  r.value = value;
  return r;
}

std::string Encode(const Partitioner& p, const Record& r, int64_t now = 0) {
  auto e = p.Encode(r, now);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return e.ok() ? *e : std::string("<error>");
}

std::string EncodeError(const Partitioner& p, const Record& r) {
  auto e = p.Encode(r, 0);
  EXPECT_FALSE(e.ok()) << *e;
  return e.ok() ? std::string() : e.status().message();
}

std::string Key(std::string_view encoded) {
  return DataObjectKey({}, {"orders", Partition(0)}, encoded, Offset(0), ".json");
}

TEST(DefaultPartitionerTest, KafkaPartition) {
  auto p = Make({});
  Record r = Rec(std::string_view("{}"));
  r.partition = Partition(3);
  EXPECT_EQ(Encode(*p, r), "partition=3");
  EXPECT_EQ(p->timestamp_extractor(), nullptr);
  EXPECT_TRUE(p->deterministic());
  // A default-constructed options struct is the default partitioner (the writer's tests).
  auto d = MakePartitioner(PartitionerOptions{});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(Encode(**d, r), "partition=3");
}

TEST(FieldPartitionerTest, ConnectorGoldenKey) {
  for (const char* cls :
       {"FieldPartitioner", "io.confluent.connect.storage.partitioner.FieldPartitioner"}) {
    auto p = Make({{"partitioner.class", cls}, {"partition.field.name", "country,city"}});
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(Key(Encode(*p, Rec(R"({"id":1,"country":"US","city":"NYC"})"))),
              "topics/orders/country=US/city=NYC/orders+0+0000000000.json");
  }
}

TEST(FieldPartitionerTest, NestedIntBoolNullAndEscaping) {
  auto p = Make({{"partitioner.class", "FieldPartitioner"},
                 {"partition.field.name", "address.city, n, ok, gone, address.zip"}});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(
      Encode(*p,
             Rec(R"({"address":{"city":"São Paulo","zip":null},"n":-42,"ok":true,"gone":null})")),
      "address.city=São Paulo/n=-42/ok=true/gone=null/address.zip=null");
  // A null along the path is null too, as the connector writes it.
  EXPECT_EQ(Encode(*p, Rec(R"({"address":null,"n":0,"ok":false,"gone":1})")),
            "address.city=null/n=0/ok=false/gone=1/address.zip=null");
  // Values that would add directories or confuse readers are %-escaped.
  auto q = Make({{"partitioner.class", "FieldPartitioner"}, {"partition.field.name", "v"}});
  EXPECT_EQ(Encode(*q, Rec(R"({"v":"a/b=c%d\n"})")), "v=a%2Fb%3Dc%25d%0A");
  EXPECT_EQ(Encode(*q, Rec(R"({"v":""})")), "v=");
}

TEST(FieldPartitionerTest, ErrorsNameRecordAndField) {
  auto p = Make({{"partitioner.class", "FieldPartitioner"}, {"partition.field.name", "a.b"}});
  ASSERT_NE(p, nullptr);
  std::string missing = EncodeError(*p, Rec(R"({"a":{"c":1}})", -1, 41));
  EXPECT_NE(missing.find("orders-0@41"), std::string::npos) << missing;
  EXPECT_NE(missing.find("'a.b'"), std::string::npos) << missing;
  EXPECT_NE(missing.find("missing"), std::string::npos) << missing;
  std::string flt = EncodeError(*p, Rec(R"({"a":{"b":1.5}})"));
  EXPECT_NE(flt.find("floating-point"), std::string::npos) << flt;
  EXPECT_NE(EncodeError(*p, Rec(R"({"a":{"b":[1]}})")).find("an array"), std::string::npos);
  EXPECT_NE(EncodeError(*p, Rec(R"({"a":7})")).find("not an object"), std::string::npos);
  EXPECT_NE(EncodeError(*p, Rec("not json")).find("orders-0@0"), std::string::npos);
  EXPECT_NE(EncodeError(*p, Rec("[1,2]")).find("not a JSON object"), std::string::npos);
  EXPECT_NE(EncodeError(*p, Rec(std::nullopt)).find("null"), std::string::npos);
}

TEST(FieldPartitionerTest, ReadsThePayloadOfJsonConverterEnvelopes) {
  const char* env = R"({"schema":{"type":"struct","fields":[{"field":"country","type":"string"}]},)"
                    R"("payload":{"country":"DE"}})";
  // schemas.enable not set: detected by the two members.
  auto detect =
      Make({{"partitioner.class", "FieldPartitioner"}, {"partition.field.name", "country"}});
  EXPECT_EQ(Encode(*detect, Rec(env)), "country=DE");
  EXPECT_EQ(Encode(*detect, Rec(R"({"country":"FR"})")), "country=FR");
  auto on = Make({{"partitioner.class", "FieldPartitioner"},
                  {"partition.field.name", "country"},
                  {"value.converter.schemas.enable", "true"}});
  EXPECT_EQ(Encode(*on, Rec(env)), "country=DE");
  EXPECT_NE(EncodeError(*on, Rec(R"({"country":"FR"})")).find("payload"), std::string::npos);
  // schemas.enable=false: an object that happens to look like an envelope is the value.
  auto off = Make({{"partitioner.class", "FieldPartitioner"},
                   {"partition.field.name", "payload.country"},
                   {"value.converter.schemas.enable", "false"}});
  EXPECT_EQ(Encode(*off, Rec(env)), "payload.country=DE");
  // StringConverter never wraps.
  auto str = Make({{"partitioner.class", "FieldPartitioner"},
                   {"partition.field.name", "payload.country"},
                   {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}});
  EXPECT_EQ(Encode(*str, Rec(env)), "payload.country=DE");
}

TEST(TimeBasedPartitionerTest, ConnectorGoldenKeyWithRecordTime) {
  auto p =
      Make({{"partitioner.class", "io.confluent.connect.storage.partitioner.TimeBasedPartitioner"},
            {"partition.duration.ms", "3600000"},
            {"path.format", "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH/"},
            {"locale", "en-US"},
            {"timezone", "UTC"},
            {"timestamp.extractor", "Record"}});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(Key(Encode(*p, Rec("{}", Utc(2024, 1, 15, 10, 42)))),
            "topics/orders/year=2024/month=01/day=15/hour=10/orders+0+0000000000.json");
  ASSERT_NE(p->timestamp_extractor(), nullptr);
  EXPECT_TRUE(p->deterministic());
  EXPECT_EQ(*p->timestamp_extractor()->Extract(Rec("{}", 1234), 99), 1234);
  std::string err = EncodeError(*p, Rec("{}", -1, 7));
  EXPECT_NE(err.find("orders-0@7"), std::string::npos) << err;
  EXPECT_NE(err.find("timestamp"), std::string::npos) << err;
}

TEST(TimeBasedPartitionerTest, WallclockUsesProcessingTime) {
  auto p = Make({{"partitioner.class", "TimeBasedPartitioner"},
                 {"partition.duration.ms", "86400000"},
                 {"path.format", "YYYY/MM/dd"},
                 {"locale", "en"},
                 {"timezone", "America/New_York"}});
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->deterministic());
  // 2024-07-01 03:00Z is still June 30th in New York.
  EXPECT_EQ(Encode(*p, Rec("{}", Utc(2020, 1, 1)), Utc(2024, 7, 1, 3)), "2024/06/30");
}

TEST(TimeBasedPartitionerTest, HourlyAndDailyPresetsFollowDelimAndZone) {
  auto hourly = Make({{"partitioner.class", "HourlyPartitioner"},
                      {"locale", "en"},
                      {"timezone", "Europe/Berlin"},
                      {"timestamp.extractor", "Record"},
                      // Ignored, as by the connector: the preset wins.
                      {"path.format", "YYYY"},
                      {"partition.duration.ms", "60000"}});
  ASSERT_NE(hourly, nullptr);
  EXPECT_EQ(Encode(*hourly, Rec("{}", Utc(2024, 3, 31, 1, 30))),
            "year=2024/month=03/day=31/hour=03");
  auto daily =
      Make({{"partitioner.class", "io.confluent.connect.storage.partitioner.DailyPartitioner"},
            {"locale", "en"},
            {"timezone", "Europe/Berlin"},
            {"directory.delim", "_"},
            {"timestamp.extractor", "Record"}});
  ASSERT_NE(daily, nullptr);
  EXPECT_EQ(Encode(*daily, Rec("{}", Utc(2024, 10, 26, 22, 30))), "year=2024_month=10_day=27");
}

TEST(TimeBasedPartitionerTest, RecordFieldFormats) {
  auto p = Make({{"partitioner.class", "HourlyPartitioner"},
                 {"locale", "en"},
                 {"timezone", "UTC"},
                 {"timestamp.extractor", "RecordField"},
                 {"timestamp.field", "meta.ts"}});
  ASSERT_NE(p, nullptr);
  const std::string want = "year=2024/month=01/day=15/hour=10";
  EXPECT_EQ(Encode(*p, Rec(R"({"meta":{"ts":1705314600000}})")), want);
  EXPECT_EQ(Encode(*p, Rec(R"({"meta":{"ts":"1705314600000"}})")), want);
  EXPECT_EQ(Encode(*p, Rec(R"({"meta":{"ts":1705314600000.9}})")), want);
  EXPECT_EQ(Encode(*p, Rec(R"({"meta":{"ts":"2024-01-15T10:30:00Z"}})")), want);
  EXPECT_EQ(Encode(*p, Rec(R"({"meta":{"ts":"2024-01-15T11:30:00.5+01:00"}})")), want);
  EXPECT_EQ(Encode(*p, Rec(R"({"schema":{},"payload":{"meta":{"ts":1705314600000}}})")), want);
  // The Kafka timestamp is not used.
  EXPECT_EQ(Encode(*p, Rec(R"({"meta":{"ts":1705314600000}})", Utc(2000, 1, 1))), want);
  for (const char* bad : {R"({"meta":{}})", R"({"meta":{"ts":null}})", R"({"meta":{"ts":"soon"}})",
                          R"({"meta":{"ts":true}})", "garbage"}) {
    std::string err = EncodeError(*p, Rec(bad, -1, 9));
    EXPECT_NE(err.find("orders-0@9"), std::string::npos) << bad << ": " << err;
    EXPECT_NE(err.find("meta.ts"), std::string::npos) << bad << ": " << err;
  }
  EXPECT_NE(EncodeError(*p, Rec(std::nullopt)).find("null"), std::string::npos);
  // The connector's full extractor class names are accepted.
  auto full = Make({{"partitioner.class", "DailyPartitioner"},
                    {"locale", "en"},
                    {"timezone", "UTC"},
                    {"timestamp.extractor",
                     "io.confluent.connect.storage.partitioner.TimeBasedPartitioner$"
                     "RecordFieldTimestampExtractor"}});
  ASSERT_NE(full, nullptr);
  EXPECT_EQ(Encode(*full, Rec(R"({"timestamp":"2024-01-15"})")), "year=2024/month=01/day=15");
}

TEST(FieldAndTimePartitionerTest, FieldsThenTime) {
  RawConfig cfg = {{"partitioner.class", "FieldAndTimeBasedPartitioner"},
                   {"partition.field.name", "country"},
                   {"partition.duration.ms", "86400000"},
                   {"path.format", "'year'=YYYY/'month'=MM/'day'=dd"},
                   {"locale", "en"},
                   {"timezone", "UTC"},
                   {"timestamp.extractor", "RecordField"},
                   {"timestamp.field", "at"}};
  auto p = Make(cfg);
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->deterministic());
  ASSERT_NE(p->timestamp_extractor(), nullptr);
  EXPECT_EQ(Encode(*p, Rec(R"({"country":"US","at":"2024-01-15T10:00:00Z"})")),
            "country=US/year=2024/month=01/day=15");
  // One pass reads fields and time; errors still name the key that failed.
  EXPECT_NE(EncodeError(*p, Rec(R"({"country":"US"})")).find("timestamp.field 'at'"),
            std::string::npos);
  EXPECT_NE(EncodeError(*p, Rec(R"({"at":"2024-01-15T10:00:00Z"})")).find("partition.field.name"),
            std::string::npos);
  EXPECT_NE(EncodeError(*p, Rec(R"({"country":"US","at":"noon"})")).find("timestamp.field 'at'"),
            std::string::npos);
  cfg["partition.field.format.path"] = "false";
  cfg["partitioner.class"] = "com.canelmas.kafka.connect.FieldAndTimeBasedPartitioner";
  auto bare = Make(cfg);
  ASSERT_NE(bare, nullptr);
  EXPECT_EQ(Encode(*bare, Rec(R"({"country":"US","at":"2024-01-15T10:00:00Z"})")),
            "US/year=2024/month=01/day=15");
}

TEST(NullRoutingTest, TombstonesGoToTheirOwnDirectory) {
  auto o = Options({{"partitioner.class", "FieldPartitioner"}, {"partition.field.name", "c"}});
  ASSERT_TRUE(o.ok());
  o->route_null_values = true;
  auto p = MakePartitioner(*o);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(Key(Encode(**p, Rec(std::nullopt))),
            "topics/orders/tombstone/orders+0+0000000000.json");
  EXPECT_EQ(Encode(**p, Rec(R"({"c":"x"})")), "c=x");
  o->tombstone_partition = "deleted";
  auto q = MakePartitioner(*o);
  EXPECT_EQ(Encode(**q, Rec(std::nullopt)), "deleted");
  // The wrapper keeps the time-based partitioner's extractor for rotation.
  auto t = Options({{"partitioner.class", "HourlyPartitioner"},
                    {"locale", "en"},
                    {"timezone", "UTC"},
                    {"timestamp.extractor", "Record"}});
  ASSERT_TRUE(t.ok());
  t->route_null_values = true;
  auto tp = MakePartitioner(*t);
  ASSERT_TRUE(tp.ok());
  EXPECT_NE((*tp)->timestamp_extractor(), nullptr);
  EXPECT_EQ(Encode(**tp, Rec(std::nullopt, -1)), "tombstone");
}

TEST(PartitionerValidationTest, TimeBasedNeedsAllFourKeys) {
  auto o = Options({{"partitioner.class", "TimeBasedPartitioner"}});
  ASSERT_FALSE(o.ok());
  const std::string& m = o.status().message();
  for (const char* key : {"partition.duration.ms", "path.format", "locale", "timezone"}) {
    EXPECT_NE(m.find(std::string("\n  ") + key), std::string::npos) << key << " in " << m;
  }
  // Hourly only needs locale and timezone.
  auto h = Options({{"partitioner.class", "HourlyPartitioner"}});
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().message().find("partition.duration.ms"), std::string::npos);
  EXPECT_NE(h.status().message().find("locale"), std::string::npos);
  EXPECT_NE(h.status().message().find("timezone"), std::string::npos);
}

TEST(PartitionerValidationTest, OtherCrossChecks) {
  auto no_field = Options({{"partitioner.class", "FieldPartitioner"}});
  ASSERT_FALSE(no_field.ok());
  EXPECT_NE(no_field.status().message().find("partition.field.name"), std::string::npos);
  auto blank_ts = Options({{"partitioner.class", "DailyPartitioner"},
                           {"locale", "en"},
                           {"timezone", "UTC"},
                           {"timestamp.extractor", "RecordField"},
                           {"timestamp.field", " "}});
  ASSERT_FALSE(blank_ts.ok());
  EXPECT_NE(blank_ts.status().message().find("timestamp.field"), std::string::npos);
  auto custom = Options({{"partitioner.class", "DailyPartitioner"},
                         {"locale", "en"},
                         {"timezone", "UTC"},
                         {"timestamp.extractor", "com.example.MyExtractor"}});
  ASSERT_FALSE(custom.ok());
  EXPECT_NE(custom.status().message().find("timestamp.extractor"), std::string::npos);
  // Partitioners that are not time-based ignore the extractor keys, as the connector does.
  EXPECT_TRUE(Options({{"timestamp.extractor", "com.example.MyExtractor"}}).ok());
  EXPECT_TRUE(Options({{"timestamp.extractor", "RecordField"}, {"timestamp.field", ""}}).ok());
  auto schedule = Options({{"rotate.schedule.interval.ms", "600000"}});
  if (SinkConfigTable().Find("rotate.schedule.interval.ms")) {
    ASSERT_FALSE(schedule.ok());
    EXPECT_NE(schedule.status().message().find("rotate.schedule.interval.ms and timezone"),
              std::string::npos);
  } else {
    // Not declared yet (the rotation keys come with the writer): only an unused key.
    EXPECT_TRUE(schedule.ok()) << schedule.status().ToString();
  }
  EXPECT_TRUE(Options({{"rotate.schedule.interval.ms", "600000"}, {"timezone", "UTC"}}).ok());
  EXPECT_TRUE(Options({{"rotate.schedule.interval.ms", "-1"}}).ok());
  // The key table rejects classes it does not know.
  EXPECT_FALSE(Options({{"partitioner.class", "com.example.MyPartitioner"}}).ok());
}

TEST(PartitionerValidationTest, MakePartitionerChecksZoneAndPattern) {
  auto bad_zone = Options(
      {{"partitioner.class", "DailyPartitioner"}, {"locale", "en"}, {"timezone", "Mars/Base"}});
  ASSERT_TRUE(bad_zone.ok());
  auto p = MakePartitioner(*bad_zone);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("timezone"), std::string::npos);
  auto bad_pattern = Options({{"partitioner.class", "TimeBasedPartitioner"},
                              {"partition.duration.ms", "60000"},
                              {"path.format", "year=YYYY"},
                              {"locale", "en"},
                              {"timezone", "UTC"}});
  ASSERT_TRUE(bad_pattern.ok());
  auto q = MakePartitioner(*bad_pattern);
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.status().message().find("path.format"), std::string::npos);
  // SinkConfig::FromRaw builds the partitioner, so the sink never starts with it.
  RawConfig raw = Base();
  raw["partitioner.class"] = "HourlyPartitioner";
  raw["locale"] = "en";
  raw["timezone"] = "Nowhere/Else";
  auto sink = SinkConfig::FromRaw(raw);
  ASSERT_FALSE(sink.ok());
  EXPECT_NE(sink.status().message().find("Nowhere/Else"), std::string::npos);
}

}  // namespace
}  // namespace tributary
