#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "broker/framed_log.h"
#include "broker/group_coordinator.h"
#include "broker/kafka_errors.h"
#include "broker/object_format.h"
#include "broker/request_handler.h"
#include "broker/storage.h"
#include "broker/wal.h"
#include "common/crc32c.h"
#include "kafka/protocol/codec.h"
#include "kafka/protocol/record_batch.h"
#include "kafka/protocol/test_batches.h"
#include "objstore/object_store.h"

namespace tributary::broker {
namespace {

std::string TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "broker-test-XXXXXX").string();
  return mkdtemp(tmpl.data());
}

std::string MakeBatch(int count, int64_t producer_id = -1, int16_t epoch = -1, int32_t seq = -1) {
  return kafka::MakeTestBatch(count, producer_id, epoch, seq);
}

struct Fixture {
  std::string dir = TempDir();
  std::unique_ptr<ObjectStore> store;
  std::unique_ptr<Storage> storage;

  Fixture() {
    std::filesystem::create_directories(dir + "/store");
    StoreOptions o;
    o.url = "file://" + dir + "/store";
    o.bucket = "b";
    store = std::move(OpenObjectStore(o).value());
    EXPECT_TRUE(store->CheckBucket().ok());
    Reopen();
  }
  ~Fixture() {
    storage.reset();
    std::filesystem::remove_all(dir);
  }
  uint64_t snapshot_after_bytes = 4ull << 20;
  void Reopen() {
    storage.reset();
    StorageOptions o;
    o.snapshot_after_bytes = snapshot_after_bytes;
    o.data_dir = dir + "/data";
    o.store = store.get();
    o.pack_interval_ms = 3600000;  // packing only when a test asks
    auto s = Storage::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    storage = std::move(s).value();
  }
  PendingAppend Produce(const std::string& topic, std::string batch) {
    PendingAppend p = storage->Append(topic, 0, std::move(batch));
    std::vector<PendingAppend*> v{&p};
    storage->AwaitDurable(v);
    return p;
  }
};

TEST(FramedLogTest, TornTailIsDroppedAndTruncated) {
  std::string dir = TempDir();
  std::string path = dir + "/log";
  std::string data;
  AppendFramed(1, "first", &data);
  AppendFramed(1, "second", &data);
  std::string torn;
  AppendFramed(1, "third, never acknowledged", &torn);
  data += torn.substr(0, torn.size() - 3);
  std::ofstream(path, std::ios::binary) << data;
  std::vector<std::string> seen;
  uint64_t truncated = 0;
  ASSERT_TRUE(ReadFramedFile(
                  path,
                  [&](uint8_t, std::string_view p) {
                    seen.emplace_back(p);
                    return Status::OK();
                  },
                  &truncated)
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(truncated, torn.size() - 3);
  EXPECT_EQ(std::filesystem::file_size(path), data.size() - (torn.size() - 3));
  std::filesystem::remove_all(dir);
}

TEST(WalTest, GroupCommitMakesAppendsDurableAndReplays) {
  std::string dir = TempDir();
  {
    Wal wal(dir);
    ASSERT_TRUE(wal.Replay([](uint64_t, uint8_t, std::string_view) { return Status::OK(); }).ok());
    ASSERT_TRUE(wal.Start().ok());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&wal, t] {
        for (int i = 0; i < 50; ++i) {
          auto seq = wal.Append(1, fmt::format("{}-{}", t, i));
          ASSERT_TRUE(seq.ok());
          ASSERT_TRUE(wal.WaitDurable(*seq).ok());
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_LT(wal.fsync_count(), 200u) << "fsyncs should be shared between appends";
    auto boundary = wal.Roll();
    ASSERT_TRUE(boundary.ok());
    ASSERT_TRUE(wal.Append(1, "after-roll").ok());
  }
  Wal wal(dir);
  int count = 0;
  std::string last;
  ASSERT_TRUE(wal.Replay([&](uint64_t seq, uint8_t, std::string_view p) {
                   EXPECT_EQ(seq, static_cast<uint64_t>(count + 1));
                   ++count;
                   last = std::string(p);
                   return Status::OK();
                 })
                  .ok());
  EXPECT_EQ(count, 201);
  EXPECT_EQ(last, "after-roll");
  std::filesystem::remove_all(dir);
}

TEST(StorageTest, OffsetsSurvivePackingAndRestart) {
  Fixture f;
  std::string msg;
  ASSERT_EQ(f.storage->CreateTopic("orders", 2, false, &msg), kNone) << msg;
  EXPECT_EQ(f.Produce("orders", MakeBatch(3)).base_offset, 0);
  EXPECT_EQ(f.Produce("orders", MakeBatch(2)).base_offset, 3);
  ASSERT_TRUE(f.storage->PackNow().ok());
  EXPECT_EQ(f.storage->object_count(), 1u);
  EXPECT_EQ(f.Produce("orders", MakeBatch(1)).base_offset, 5);
  f.Reopen();
  // Offsets 0-4 now come from the object through its index, 5 from the WAL.
  ReadResult r = f.storage->Read("orders", 0, 4, 1 << 20, true);
  ASSERT_EQ(r.error, 0);
  EXPECT_EQ(r.high_watermark, 6);
  auto batches = kafka::ValidateBatches(r.records);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  ASSERT_EQ(batches->size(), 2u);  // the whole batch holding offset 4, then the next one
  EXPECT_EQ((*batches)[0].base_offset, 3);
  EXPECT_EQ((*batches)[1].base_offset, 5);
  EXPECT_EQ(f.Produce("orders", MakeBatch(1)).base_offset, 6);
  EXPECT_EQ(f.storage->Read("orders", 0, 8, 100, true).error, kOffsetOutOfRange);
}

TEST(StorageTest, IdempotentProducerDuplicatesAndGaps) {
  Fixture f;
  std::string msg;
  ASSERT_EQ(f.storage->CreateTopic("t", 1, false, &msg), kNone);
  auto first = f.Produce("t", MakeBatch(2, 7, 0, 0));
  ASSERT_EQ(first.error, 0);
  auto dup = f.Produce("t", MakeBatch(2, 7, 0, 0));
  EXPECT_EQ(dup.error, 0);
  EXPECT_EQ(dup.base_offset, first.base_offset) << "a retry is acknowledged with its first offset";
  auto gap = f.Produce("t", MakeBatch(1, 7, 0, 5));
  EXPECT_EQ(gap.error, kOutOfOrderSequenceNumber);
  EXPECT_EQ(f.Produce("t", MakeBatch(1, 7, 0, 2)).base_offset, 2);
  f.Reopen();  // producer state comes back from the WAL
  EXPECT_EQ(f.Produce("t", MakeBatch(1, 7, 0, 2)).base_offset, 2);
  EXPECT_EQ(f.storage->ListOffset("t", 0, -1).offset, 3);
}

TEST(StorageTest, CorruptBatchIsRejected) {
  Fixture f;
  std::string msg;
  ASSERT_EQ(f.storage->CreateTopic("t", 1, false, &msg), kNone);
  std::string b = MakeBatch(1);
  b.back() ^= 0x40;
  auto r = f.Produce("t", b);
  EXPECT_EQ(r.error, kCorruptMessage);
  EXPECT_NE(r.message.find("CRC-32C"), std::string::npos) << r.message;
}

TEST(StorageTest, CommittedOffsetsAndDeleteRecordsAreDurable) {
  Fixture f;
  std::string msg;
  ASSERT_EQ(f.storage->CreateTopic("t", 1, false, &msg), kNone);
  for (int i = 0; i < 4; ++i) f.Produce("t", MakeBatch(1));
  ASSERT_TRUE(f.storage->CommitOffsets("g", {{"t", 0, {3, -1, "m"}}}).ok());
  EXPECT_EQ(f.storage->DeleteRecords("t", 0, 2).offset, 2);
  f.Reopen();
  auto c = f.storage->FetchOffset("g", "t", 0);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->offset, 3);
  EXPECT_EQ(c->metadata, "m");
  EXPECT_EQ(f.storage->ListOffset("t", 0, -2).offset, 2);
  EXPECT_EQ(f.storage->Read("t", 0, 1, 100, true).error, kOffsetOutOfRange);
}

TEST(StorageTest, MetadataSnapshotReplacesTheLog) {
  Fixture f;
  f.snapshot_after_bytes = 200;
  f.Reopen();
  std::string msg;
  ASSERT_EQ(f.storage->CreateTopic("a", 1, false, &msg), kNone);
  ASSERT_EQ(f.storage->CreateTopic("b", 2, false, &msg), kNone);
  ASSERT_EQ(f.storage->DeleteTopic("a"), kNone);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(f.storage->CommitOffsets("g", {{"b", i % 2, {i, -1, ""}}}).ok());
  }
  f.Produce("b", MakeBatch(2));
  f.Produce("b", MakeBatch(2));
  ASSERT_TRUE(f.storage->DeleteRecords("b", 0, 1).error == 0);
  ASSERT_TRUE(f.storage->PackNow().ok());  // packing writes the snapshot (log > 200 bytes)
  std::string meta = f.dir + "/data/meta";
  EXPECT_TRUE(std::filesystem::exists(meta + "/snapshot"));
  EXPECT_EQ(std::filesystem::file_size(meta + "/meta.log"), 0u);
  f.Produce("b", MakeBatch(1));
  f.Reopen();
  EXPECT_FALSE(f.storage->FindTopic("a").has_value());
  ASSERT_TRUE(f.storage->FindTopic("b").has_value());
  EXPECT_EQ(f.storage->FetchOffset("g", "b", 0)->offset, 18);
  EXPECT_EQ(f.storage->FetchOffset("g", "b", 1)->offset, 19);
  EXPECT_EQ(f.storage->ListOffset("b", 0, -2).offset, 1);
  EXPECT_EQ(f.storage->ListOffset("b", 0, -1).offset, 5);
  ReadResult r = f.storage->Read("b", 0, 1, 1 << 20, true);
  ASSERT_EQ(r.error, 0);
  EXPECT_EQ(kafka::ValidateBatches(r.records)->size(), 3u);
  // The metadata copy next to the data.
  EXPECT_TRUE(f.store->Head("broker/metadata/snapshot").ok());
}

TEST(GroupCoordinatorTest, MembersThatStopAreRemovedAfterTheirTimeouts) {
  GroupCoordinator g;
  JoinRequest a;
  a.group_id = "g";
  a.protocol_type = "consumer";
  a.protocols = {{"range", ""}};
  a.session_timeout_ms = 1000;
  a.rebalance_timeout_ms = 1000;
  JoinResult ra = g.Join(a);
  ASSERT_EQ(ra.error, 0);
  ASSERT_EQ(g.Sync("g", ra.generation, ra.member_id, std::nullopt, {}).error, 0);
  // B joins; A never rejoins: after A's rebalance timeout B gets a generation alone.
  JoinRequest b = a;
  auto start = std::chrono::steady_clock::now();
  JoinResult rb = g.Join(b);
  auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(rb.error, 0);
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_EQ(rb.leader, rb.member_id);
  EXPECT_EQ(rb.members.size(), 1u);
  EXPECT_EQ(g.Heartbeat("g", ra.generation, ra.member_id, std::nullopt), kUnknownMemberId);
  ASSERT_EQ(g.Sync("g", rb.generation, rb.member_id, std::nullopt, {}).error, 0);
  // B stops heartbeating: its session expires and the group becomes empty.
  std::this_thread::sleep_for(std::chrono::milliseconds(1400));
  EXPECT_EQ(g.Describe("g")->state, "Empty");
  EXPECT_EQ(g.Heartbeat("g", rb.generation, rb.member_id, std::nullopt), kUnknownMemberId);
}

// A Fetch at the high watermark waits up to MaxWaitMs for MinBytes, and returns as soon
// as a produce makes data visible.
TEST(RequestHandlerTest, FetchLongPollsUntilDataOrMaxWait) {
  Fixture f;
  std::string msg;
  ASSERT_EQ(f.storage->CreateTopic("t", 1, false, &msg), kNone);
  GroupCoordinator groups;
  RequestHandler handler(BrokerOptions{}, f.storage.get(), &groups);
  const kafka::ApiDef* api = kafka::MessageTable::Builtin().Find(1);
  auto fetch = [&](int64_t offset, int max_wait_ms) {
    kafka::Struct req(api->request.get());
    req.SetInt("MaxWaitMs", max_wait_ms).SetInt("MinBytes", 1).SetInt("MaxBytes", 1 << 20);
    kafka::Struct& t = req.Append("Topics");
    t.SetStr("Topic", "t");
    t.Append("Partitions")
        .SetInt("Partition", 0)
        .SetInt("FetchOffset", offset)
        .SetInt("PartitionMaxBytes", 1 << 20);
    std::string frame;
    kafka::RequestHeader h;
    h.api_key = 1;
    h.api_version = 11;
    h.correlation_id = 5;
    h.client_id = "test";
    kafka::EncodeRequestHeader(h, false, &frame);
    kafka::EncodeStruct(req, 11, false, &frame);
    auto reply = handler.Handle(frame, "/127.0.0.1");
    EXPECT_TRUE(reply.ok());
    std::string out = *(*reply)();
    auto resp = kafka::DecodeStruct(*api->response, 11, false, std::string_view(out).substr(8));
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    return resp->Array("Responses")[0].Array("Partitions")[0];
  };
  auto start = std::chrono::steady_clock::now();
  kafka::Struct empty = fetch(0, 300);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(290));
  EXPECT_EQ(empty.Str("Records"), "");
  EXPECT_EQ(empty.Int("HighWatermark"), 0);
  std::thread producer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    f.Produce("t", MakeBatch(2));
  });
  start = std::chrono::steady_clock::now();
  kafka::Struct got = fetch(0, 5000);
  auto waited = std::chrono::steady_clock::now() - start;
  producer.join();
  EXPECT_LT(waited, std::chrono::milliseconds(2000));
  EXPECT_EQ(got.Int("HighWatermark"), 2);
  EXPECT_EQ(kafka::ValidateBatches(got.Str("Records"))->size(), 1u);
  EXPECT_EQ(fetch(3, 0).Int("ErrorCode"), kOffsetOutOfRange);
}

TEST(ObjectFormatTest, IndexRoundTripsAndDetectsCorruption) {
  ObjectBuilder b;
  IndexEntry e;
  e.topic = std::string(16, 'x');
  e.partition = 3;
  e.base_offset = 10;
  b.Add(e, "abc");
  e.base_offset = 11;
  b.Add(e, "defg");
  std::string obj = b.Finish();
  auto footer = ParseFooter(std::string_view(obj).substr(obj.size() - kObjectFooterSize), "k");
  ASSERT_TRUE(footer.ok());
  std::string index = obj.substr(footer->index_position, footer->index_length);
  auto entries = ParseIndex(index, *footer, "k");
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[1].position, 3u);
  EXPECT_EQ((*entries)[1].size, 4u);
  index[5] ^= 1;
  EXPECT_FALSE(ParseIndex(index, *footer, "k").ok());
}

TEST(GroupCoordinatorTest, TwoMembersRebalanceAndStaticRejoin) {
  GroupCoordinator g;
  JoinRequest a;
  a.group_id = "g";
  a.protocol_type = "consumer";
  a.protocols = {{"range", "ma"}};
  a.session_timeout_ms = 6000;
  a.rebalance_timeout_ms = 3000;
  a.instance_id = "instance-a";
  JoinResult ra = g.Join(a);
  ASSERT_EQ(ra.error, 0);
  EXPECT_EQ(ra.leader, ra.member_id);
  ASSERT_EQ(g.Sync("g", ra.generation, ra.member_id, a.instance_id, {{ra.member_id, "all"}}).error,
            0);
  // A second member joins: the first learns of the rebalance through its heartbeat.
  JoinResult rb;
  std::thread tb([&] {
    JoinRequest b = a;
    b.instance_id.reset();
    b.protocols = {{"range", "mb"}};
    rb = g.Join(b);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(g.Heartbeat("g", ra.generation, ra.member_id, a.instance_id), kRebalanceInProgress);
  a.member_id = ra.member_id;
  JoinResult ra2 = g.Join(a);
  tb.join();
  ASSERT_EQ(ra2.error, 0);
  ASSERT_EQ(rb.error, 0);
  EXPECT_EQ(ra2.generation, ra.generation + 1);
  EXPECT_EQ(ra2.members.size(), 2u);  // the leader sees both members' metadata
  EXPECT_TRUE(rb.members.empty());
  // The static member restarts with no member id: it replaces itself, no third member.
  a.member_id.clear();
  std::thread tb2([&] {
    JoinRequest b;
    b.group_id = "g";
    b.protocol_type = "consumer";
    b.protocols = {{"range", "mb"}};
    b.session_timeout_ms = 6000;
    b.member_id = rb.member_id;
    rb = g.Join(b);
  });
  JoinResult ra3 = g.Join(a);
  tb2.join();
  ASSERT_EQ(ra3.error, 0);
  EXPECT_NE(ra3.member_id, ra.member_id);
  EXPECT_EQ(g.Describe("g")->members.size(), 2u);
  EXPECT_EQ(g.Heartbeat("g", ra3.generation, ra.member_id, a.instance_id), kFencedInstanceId);
}

}  // namespace
}  // namespace tributary::broker
