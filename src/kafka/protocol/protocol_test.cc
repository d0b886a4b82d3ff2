#include <dirent.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "common/crc32c.h"
#include "kafka/protocol/api_versions.h"
#include "kafka/protocol/codec.h"
#include "kafka/protocol/record_batch.h"
#include "kafka/protocol/schema.h"
#include "kafka/protocol/test_batches.h"

namespace tributary::kafka {
namespace {

const MessageTable& Table() { return MessageTable::Builtin(); }

TEST(MessageTableTest, BuiltinServesTheFirstReleaseVersions) {
  // The versions issue #8 asks for; the table is the only source of truth for them.
  std::map<int, std::pair<int, int>> want = {{18, {0, 3}}, {3, {0, 12}}, {0, {3, 9}},  {1, {4, 13}},
                                             {2, {1, 7}},  {10, {0, 4}}, {11, {0, 7}}, {14, {0, 5}},
                                             {12, {0, 4}}, {13, {0, 4}}, {8, {2, 8}},  {9, {1, 8}},
                                             {22, {0, 4}}, {19, {2, 7}}, {20, {1, 6}}, {32, {1, 4}},
                                             {15, {0, 5}}, {16, {0, 4}}, {21, {0, 2}}};
  ASSERT_EQ(Table().apis().size(), want.size());
  for (auto [key, range] : want) {
    const ApiDef* api = Table().Find(key);
    ASSERT_NE(api, nullptr) << key;
    EXPECT_EQ(api->versions.min, range.first) << api->name;
    EXPECT_EQ(api->versions.max, range.second) << api->name;
  }
}

TEST(MessageTableTest, ParseErrorsNameTheLine) {
  auto bad = MessageTable::Parse("api X key=1 versions=0-1 flexible=9+\nrequest\n  A widget\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 3"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("unknown type"), std::string::npos);
}

TEST(CodecTest, ApiVersionsResponseComesFromTheTable) {
  const ApiDef* api = Table().Find(kApiVersionsKey);
  for (int v = 0; v <= 3; ++v) {
    Struct resp(api->response.get());
    FillApiVersions(Table(), 0, &resp);
    std::string frame = EncodeResponseFrame(7, kApiVersionsKey, v, api->IsFlexible(v), resp);
    // Response header v0: size, correlation id, then straight into the body.
    ASSERT_GE(frame.size(), 10u);
    EXPECT_EQ(GetBE32(frame.data() + 4), 7u);
    auto decoded = DecodeStruct(*api->response, v, api->IsFlexible(v), frame.substr(8));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(decoded->Array("ApiKeys").size(), Table().apis().size());
    std::set<int> keys;
    for (const Struct& k : decoded->Array("ApiKeys"))
      keys.insert(static_cast<int>(k.Int("ApiKey")));
    EXPECT_TRUE(keys.count(0) && keys.count(1) && keys.count(18) && keys.count(22));
  }
}

TEST(CodecTest, FlexibleRoundTripKeepsUnknownTaggedFields) {
  const ApiDef* api = Table().Find(3);  // Metadata
  Struct req(api->request.get());
  req.Append("Topics").SetStr("Name", "orders");
  req.unknown_tags().push_back({7, "xyz"});
  std::string bytes;
  EncodeStruct(req, 12, true, &bytes);
  auto back = DecodeStruct(*api->request, 12, true, bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->Array("Topics")[0].Str("Name"), "orders");
  ASSERT_EQ(back->unknown_tags().size(), 1u);
  EXPECT_EQ(back->unknown_tags()[0].bytes, "xyz");
  std::string again;
  EncodeStruct(*back, 12, true, &again);
  EXPECT_EQ(again, bytes);
}

TEST(CodecTest, NullableArraysAndVersionGatedFields) {
  const ApiDef* api = Table().Find(3);
  Struct req(api->request.get());
  req.SetNull("Topics");  // all topics (v1+)
  req.SetBool("AllowAutoTopicCreation", false);
  std::string v1, v4;
  EncodeStruct(req, 1, false, &v1);
  EncodeStruct(req, 4, false, &v4);
  EXPECT_EQ(v1, std::string("\xff\xff\xff\xff", 4));  // v1 has no AllowAutoTopicCreation
  EXPECT_EQ(v4, std::string("\xff\xff\xff\xff\x00", 5));
  auto back = DecodeStruct(*api->request, 1, false, v1);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->IsNull("Topics"));
  EXPECT_TRUE(back->Bool("AllowAutoTopicCreation"));  // default for versions without it
}

TEST(CodecTest, TruncationNamesTheFieldPath) {
  const ApiDef* api = Table().Find(0);  // Produce
  Struct req(api->request.get());
  req.SetInt("Acks", -1);
  Struct& topic = req.Append("TopicData");
  topic.SetStr("Name", "t");
  topic.Append("PartitionData").SetStr("Records", std::string(100, 'x'));
  std::string bytes;
  EncodeStruct(req, 9, true, &bytes);
  auto bad = DecodeStruct(*api->request, 9, true, bytes.substr(0, bytes.size() - 10));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("TopicData[0]: PartitionData[0]: Records: truncated"),
            std::string::npos)
      << bad.status().message();
  auto extra = DecodeStruct(*api->request, 9, true, bytes + "!");
  ASSERT_FALSE(extra.ok());
  EXPECT_NE(extra.status().message().find("left over"), std::string::npos);
}

TEST(RecordBatchTest, VerifiesCrcAndRewritesBaseOffset) {
  std::string b = MakeTestBatch(1);
  auto ok = ValidateBatches(b + b);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->size(), 2u);
  SetBaseOffset(&b, 0, 42);
  auto moved = ValidateBatches(b);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ((*moved)[0].base_offset, 42);
  b[b.size() - 1] ^= 1;
  auto bad = ValidateBatches(b);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("CRC-32C"), std::string::npos);
}

// Requests captured from real clients (kcat/librdkafka, kafka-python, kafkajs,
// confluent-kafka) talking to `tributary broker`, one frame per file (no size prefix):
// each must decode and re-encode byte-identically. See docs/broker-protocol.md.
TEST(CorpusTest, CapturedClientRequestsRoundTripByteIdentically) {
  DIR* dir = opendir(CORPUS_DIR);
  ASSERT_NE(dir, nullptr) << CORPUS_DIR;
  std::set<std::pair<int, int>> covered;
  int files = 0;
  while (dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (name.size() < 5 || name.substr(name.size() - 4) != ".bin") continue;
    std::ifstream in(std::string(CORPUS_DIR) + "/" + name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string frame = ss.str();
    auto header = DecodeRequestHeader(frame, Table());
    ASSERT_TRUE(header.ok()) << name << ": " << header.status().ToString();
    const ApiDef* api = Table().Find(header->api_key);
    ASSERT_NE(api, nullptr) << name;
    bool flexible = api->IsFlexible(header->api_version);
    auto body = DecodeStruct(*api->request, header->api_version, flexible,
                             std::string_view(frame).substr(header->size));
    ASSERT_TRUE(body.ok()) << name << ": " << body.status().ToString();
    std::string again;
    EncodeRequestHeader(*header, flexible, &again);
    EncodeStruct(*body, header->api_version, flexible, &again);
    EXPECT_EQ(again, frame) << name;
    covered.insert({header->api_key, header->api_version});
    ++files;
  }
  closedir(dir);
  EXPECT_GE(files, 20) << "the corpus should hold captures of every client";
  std::string list;
  for (auto [k, v] : covered) list += fmt::format(" {}v{}", Table().Find(k)->name, v);
  std::printf("corpus covers:%s\n", list.c_str());
  // Every served version is in the corpus except these, which no client available here
  // sends (docs/broker-protocol.md, "The captured corpus"): librdkafka 2.0.2, kafkajs
  // 2.2.4 and kafka-python 2.0.2 stop below them, @platformatic/kafka 1.35 starts above
  // them (and its Metadata v11 request is malformed: it writes a field v11 removed).
  const std::set<std::pair<int, int>> not_captured = {
      {19, 5}, {19, 6},           // CreateTopics
      {20, 4}, {20, 5},           // DeleteTopics
      {15, 4},                    // DescribeGroups
      {10, 3},                    // FindCoordinator
      {16, 3},                    // ListGroups
      {2, 4},                     // ListOffsets
      {3, 7},  {3, 8},  {3, 11},  // Metadata
  };
  for (const ApiDef& api : Table().apis()) {
    for (int v = api.versions.min; v <= api.versions.max; ++v) {
      bool in_corpus = covered.count({api.key, v}) > 0;
      bool excused = not_captured.count({api.key, v}) > 0;
      EXPECT_NE(in_corpus, excused) << api.name << " v" << v
                                    << (in_corpus ? ": captured now, remove it from not_captured"
                                                  : ": no captured request in the corpus");
    }
  }
}

}  // namespace
}  // namespace tributary::kafka

namespace tributary::kafka {
namespace {

// Fills every field present in `version` with a value unlike its default (one element
// per array), so the round trip below exercises every field of every version.
void FillAll(Struct& s, int version, int depth = 0) {
  const StructDef& def = *s.def();
  for (size_t i = 0; i < def.fields.size(); ++i) {
    const FieldDef& f = def.fields[i];
    if (!f.versions.Contains(version)) continue;
    Value& v = s.values()[i];
    switch (f.type) {
      case FieldType::kBool:
        v.i = !f.default_int;
        break;
      case FieldType::kStructArray:
        if (depth < 4) FillAll(s.Append(f.name), version, depth + 1);
        break;
      case FieldType::kArray:
        if (f.element == FieldType::kString) {
          v.strs = {"a", "bc"};
        } else if (f.element == FieldType::kUuid) {
          v.strs = {std::string(16, 'u')};
        } else {
          v.ints = {1, 2};
        }
        break;
      case FieldType::kUuid:
        v.s = std::string(16, 'i');
        break;
      case FieldType::kString:
      case FieldType::kBytes:
      case FieldType::kRecords:
        v.null = false;
        v.s = f.name + "-value";
        break;
      default:
        v.i = 7 + static_cast<int64_t>(i);
        break;
    }
  }
}

TEST(CodecTest, EveryApiAndVersionRoundTripsThroughTheTable) {
  int checked = 0;
  for (const ApiDef& api : MessageTable::Builtin().apis()) {
    for (int v = api.versions.min; v <= api.versions.max; ++v) {
      for (const auto& def : {api.request, api.response}) {
        Struct s(def.get());
        FillAll(s, v);
        std::string bytes;
        EncodeStruct(s, v, api.IsFlexible(v), &bytes);
        auto back = DecodeStruct(*def, v, api.IsFlexible(v), bytes);
        ASSERT_TRUE(back.ok()) << def->name << " v" << v << ": " << back.status().ToString();
        std::string again;
        EncodeStruct(*back, v, api.IsFlexible(v), &again);
        EXPECT_EQ(again, bytes) << def->name << " v" << v;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 2 * 120);  // 120 API versions served, request and response each
}

}  // namespace
}  // namespace tributary::kafka
