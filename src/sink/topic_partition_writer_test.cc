#include "sink/topic_partition_writer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/strings.h"
#include "format/jsonl/json_format.h"
#include "sink/audit.h"

namespace tributary {
namespace {

// Routes a record by the first character of its value ("a..." to dir=a), so tests can
// open several files in one topic-partition without the time and field partitioners.
class FirstLetterPartitioner final : public Partitioner {
 public:
  Result<std::string> Encode(const Record& r, int64_t) const override {
    return "dir=" + std::string(r.value->substr(0, 1));
  }
};

class TopicPartitionWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("tributary-tpw-" + RandomHex(8));
    config_.name = "s";
    config_.flush_size = 3;
    config_.store = {.url = "file://" + root_.string(), .bucket = "lake"};
    store_ = std::move(OpenObjectStore(config_.store)).value();
    ASSERT_TRUE(store_->CheckBucket().ok());
    format_ = MakeJsonFormat(ValueEncoding::kJson);
    partitioner_ = MakePartitioner(PartitionerOptions{}).value();
    journal_ = std::make_unique<Journal>(store_.get(), "_tributary/journal", "s");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // deterministic mode
  std::unique_ptr<TopicPartitionWriter> NewWriter() {
    return std::make_unique<TopicPartitionWriter>(tp_, &config_, format_.get(), partitioner_.get(),
                                                  store_.get(), &pool_, nullptr, JournalIdentity{});
  }
  // journal mode, recovered
  std::unique_ptr<TopicPartitionWriter> NewJournaledWriter(const std::string& instance,
                                                           std::optional<Offset>* start = nullptr) {
    auto w = std::make_unique<TopicPartitionWriter>(tp_, &config_, format_.get(),
                                                    partitioner_.get(), store_.get(), &pool_,
                                                    journal_.get(), JournalIdentity{instance, "h"});
    auto uploads = store_->ListMultipartUploads("topics/orders/");
    EXPECT_TRUE(uploads.ok());
    auto from = w->Recover(std::nullopt, *uploads);
    EXPECT_TRUE(from.ok()) << from.status().ToString();
    if (start != nullptr && from.ok()) *start = *from;
    return w;
  }
  static Record R(int64_t offset, std::optional<std::string_view> value) {
    return Record{
        .topic = "orders", .partition = Partition(1), .offset = Offset(offset), .value = value};
  }
  std::vector<WrittenObject> Objects(TopicPartitionWriter& w) {
    std::vector<WrittenObject> out;
    for (auto& f : w.TakeFlushes()) {
      for (auto& o : f.objects) out.push_back(o);
    }
    return out;
  }
  JournalRecord ReadJournal() {
    auto j = journal_->Read(tp_);
    EXPECT_TRUE(j.ok() && j->has_value());
    return (*j)->record;
  }

  const TopicPartition tp_{"orders", Partition(1)};
  std::filesystem::path root_;
  SinkConfig config_;
  std::unique_ptr<ObjectStore> store_;
  std::unique_ptr<Format> format_;
  std::unique_ptr<Partitioner> partitioner_;
  std::unique_ptr<Journal> journal_;
  UploadPool pool_{2, 64 << 20};
};

TEST_F(TopicPartitionWriterTest, RotatesAfterFlushSizeRecords) {
  auto w = NewWriter();
  for (int64_t off = 10; off < 17; ++off) {
    ASSERT_TRUE(w->Write(R(off, fmt::format("{{\"n\":{}}}", off)), 0).ok());
  }
  auto flushes = w->TakeFlushes();
  ASSERT_EQ(flushes.size(), 2u);
  EXPECT_EQ(flushes[0].next, Offset(13));
  EXPECT_EQ(flushes[0].reason, "flush.size");
  const WrittenObject& a = flushes[0].objects.at(0);
  const WrittenObject& b = flushes[1].objects.at(0);
  EXPECT_EQ(a.key, "topics/orders/partition=1/orders+1+0000000010.json");
  EXPECT_EQ(a.first, Offset(10));
  EXPECT_EQ(a.last, Offset(12));
  EXPECT_EQ(b.key, "topics/orders/partition=1/orders+1+0000000013.json");
  EXPECT_EQ(w->buffered_records(), 1u);
  EXPECT_EQ(*store_->Get(a.key), "{\"n\":10}\n{\"n\":11}\n{\"n\":12}\n");
  auto head = store_->Head(b.key);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->metadata["tributary-first-offset"], "13");
  EXPECT_EQ(head->metadata["tributary-last-offset"], "15");
  EXPECT_EQ(head->metadata["tributary-record-count"], "3");
}

TEST_F(TopicPartitionWriterTest, NullValueFailsNamingTheRecordByDefault) {
  auto w = NewWriter();
  Status st = w->Write(R(42, std::nullopt), 0);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("orders-1@42"), std::string::npos);
  EXPECT_NE(st.message().find("behavior.on.null.values"), std::string::npos);
}

TEST_F(TopicPartitionWriterTest, NullValueSkippedWhenIgnored) {
  config_.on_null = NullValueBehavior::kIgnore;
  auto w = NewWriter();
  for (auto [off, v] : std::vector<std::pair<int, std::optional<std::string_view>>>{
           {0, "1"}, {1, std::nullopt}, {2, "2"}, {3, "3"}}) {
    ASSERT_TRUE(w->Write(R(off, v), 0).ok());
  }
  auto objects = Objects(*w);
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].records, 3u);
  EXPECT_EQ(*store_->Get(objects[0].key), "1\n2\n3\n");
}

TEST_F(TopicPartitionWriterTest, InvalidJsonStopsWithoutWriting) {
  auto w = NewWriter();
  ASSERT_TRUE(w->Write(R(0, "{}"), 0).ok());
  Status st = w->Write(R(1, "not json"), 0);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("orders-1@1"), std::string::npos);
  EXPECT_TRUE(store_->ListAll("")->empty());
}

TEST_F(TopicPartitionWriterTest, DiscardDropsTheOpenFile) {
  auto w = NewWriter();
  ASSERT_TRUE(w->Write(R(0, "{}"), 0).ok());
  w->Discard();
  EXPECT_EQ(w->buffered_records(), 0u);
  // The next file starts at the next record it receives.
  for (int off : {5, 6, 7}) ASSERT_TRUE(w->Write(R(off, "{}"), 0).ok());
  auto objects = Objects(*w);
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].first, Offset(5));
}

TEST_F(TopicPartitionWriterTest, ScheduledRotationClosesAnIdlePartitionOnTheGrid) {
  config_.flush_size = 1000;
  config_.rotate_schedule_interval_ms = 10'000;
  auto w = NewWriter();
  ASSERT_TRUE(w->Write(R(0, "1"), 12'000).ok());
  ASSERT_TRUE(w->Write(R(1, "2"), 15'000).ok());
  ASSERT_TRUE(w->Tick(19'999).ok());
  EXPECT_FALSE(w->has_flushes());
  ASSERT_TRUE(w->Tick(20'000).ok());  // the next multiple of the interval
  auto flushes = w->TakeFlushes();
  ASSERT_EQ(flushes.size(), 1u);
  EXPECT_EQ(flushes[0].reason, "rotate.schedule.interval.ms");
  EXPECT_EQ(flushes[0].next, Offset(2));
  // A record after the slot starts a file with a new slot.
  ASSERT_TRUE(w->Write(R(2, "3"), 21'000).ok());
  ASSERT_TRUE(w->Tick(29'000).ok());
  EXPECT_FALSE(w->has_flushes());
  ASSERT_TRUE(w->Write(R(3, "4"), 30'500).ok());  // rotates before appending
  flushes = w->TakeFlushes();
  ASSERT_EQ(flushes.size(), 1u);
  EXPECT_EQ(flushes[0].objects.at(0).last, Offset(2));
}

TEST_F(TopicPartitionWriterTest, ScheduledRotationAlignsToMidnightInTheTimezone) {
  config_.flush_size = 1000;
  config_.rotate_schedule_interval_ms = 7 * 3'600'000;  // 7 h: 00:00, 07:00, 14:00, 21:00
  config_.partitioner.timezone = "Asia/Kolkata";        // UTC+05:30
  auto w = NewWriter();
  // 2024-01-15T06:00:00Z is 11:30 in Kolkata: the next slot is 14:00 local, 08:30Z.
  const int64_t t = 1705298400000;
  ASSERT_TRUE(w->Write(R(0, "1"), t).ok());
  ASSERT_TRUE(w->Tick(t + 9'000'000 - 1).ok());  // 08:29:59.999Z
  EXPECT_FALSE(w->has_flushes());
  ASSERT_TRUE(w->Tick(t + 9'000'000).ok());
  EXPECT_EQ(w->TakeFlushes().size(), 1u);
}

TEST_F(TopicPartitionWriterTest, RotateIntervalWithTheWallClock) {
  config_.flush_size = 1000;
  config_.rotate_interval_ms = 5'000;
  config_.rotate_on_partition_change = false;
  auto w = NewWriter();
  ASSERT_TRUE(w->Write(R(0, "1"), 1'000).ok());
  ASSERT_TRUE(w->Write(R(1, "2"), 5'999).ok());
  EXPECT_FALSE(w->has_flushes());
  ASSERT_TRUE(w->Write(R(2, "3"), 6'000).ok());  // 5 s after the file's first record
  auto flushes = w->TakeFlushes();
  ASSERT_EQ(flushes.size(), 1u);
  EXPECT_EQ(flushes[0].next, Offset(2));
  // Idle: the wall clock alone closes the file.
  ASSERT_TRUE(w->Tick(10'999).ok());
  EXPECT_FALSE(w->has_flushes());
  ASSERT_TRUE(w->Tick(11'000).ok());
  EXPECT_EQ(w->TakeFlushes().size(), 1u);
}

// "Why did this file not rotate?" (TopicPartitionWriter::WaitingFor, the diagnostic
// log line and /status).
TEST_F(TopicPartitionWriterTest, WaitingForNamesEveryPendingRotationCondition) {
  config_.flush_size = 1000;
  auto w = NewWriter();
  EXPECT_EQ(w->WaitingFor(), "");
  EXPECT_EQ(w->open_since_ms(), std::nullopt);
  ASSERT_TRUE(w->Write(R(0, "{}"), 5'000).ok());
  ASSERT_TRUE(w->Write(R(1, "{}"), 6'000).ok());
  EXPECT_EQ(w->open_since_ms(), 5'000);
  EXPECT_EQ(w->WaitingFor(),
            "flush.size: 2 of 1000 records; no time-based rotation configured "
            "(rotate.interval.ms and rotate.schedule.interval.ms are off), so only the size "
            "limits close this file");
  w->Discard();
  // Scheduled rotation: 2024-01-15T06:10:00Z, the next hourly slot is 07:00. One line
  // of 3 bytes is open.
  config_.rotate_schedule_interval_ms = 3'600'000;
  config_.flush_bytes = 1 << 20;
  w = NewWriter();
  ASSERT_TRUE(w->Write(R(2, "{}"), 1705299000000).ok());
  EXPECT_EQ(w->WaitingFor(),
            "flush.size: 1 of 1000 records; flush.bytes: 3 of 1048576 bytes; "
            "rotate.schedule.interval.ms=3600000: next scheduled rotation at "
            "2024-01-15T07:00:00Z");
}

TEST_F(TopicPartitionWriterTest, WaitingForRecordTimeRotationNamesTheTimestampNeeded) {
  config_.flush_size = 1000;
  config_.rotate_interval_ms = 600'000;
  PartitionerOptions time_based;
  time_based.kind = PartitionerKind::kTimeBased;
  time_based.path_format = "'dt'=YYYY-MM-dd";
  time_based.partition_duration_ms = 86'400'000;
  time_based.locale = "en-US";
  time_based.timezone = "UTC";
  time_based.extractor = TimestampExtractorKind::kRecord;
  partitioner_ = MakePartitioner(time_based).value();
  auto w = NewWriter();
  Record r = R(0, "{}");
  r.timestamp_ms = 1705299000000;  // 06:10:00Z
  ASSERT_TRUE(w->Write(r, 1).ok());
  r = R(1, "{}");
  r.timestamp_ms = 1705299060000;  // 06:11:00Z
  ASSERT_TRUE(w->Write(r, 2).ok());
  EXPECT_EQ(w->WaitingFor(),
            "flush.size: 2 of 1000 records; rotate.interval.ms=600000: a record with a "
            "timestamp at or after 2024-01-15T06:20:00Z (the newest so far is "
            "2024-01-15T06:11:00Z); rotation follows record time, not the wall clock");
}

TEST_F(TopicPartitionWriterTest, FlushBytesAndMaxOpenFiles) {
  config_.flush_size = 1000;
  config_.flush_bytes = 10;
  auto w = NewWriter();
  ASSERT_TRUE(w->Write(R(0, "\"abcd\""), 0).ok());  // 7 bytes with the newline
  EXPECT_FALSE(w->has_flushes());
  ASSERT_TRUE(w->Write(R(1, "\"ef\""), 0).ok());  // 12 bytes
  auto flushes = w->TakeFlushes();
  ASSERT_EQ(flushes.size(), 1u);
  EXPECT_EQ(flushes[0].reason, "flush.bytes");

  config_.flush_bytes = -1;
  config_.max_open_files = 2;
  FirstLetterPartitioner letters;
  TopicPartitionWriter w2(tp_, &config_, format_.get(), &letters, store_.get(), &pool_, nullptr,
                          {});
  ASSERT_TRUE(w2.Write(R(10, "1"), 0).ok());
  ASSERT_TRUE(w2.Write(R(11, "2"), 0).ok());
  ASSERT_TRUE(w2.Write(R(12, "1"), 0).ok());
  EXPECT_EQ(w2.open_files(), 2u);
  ASSERT_TRUE(w2.Write(R(13, "3"), 0).ok());  // a third path: the two open files close
  flushes = w2.TakeFlushes();
  ASSERT_EQ(flushes.size(), 1u);
  EXPECT_EQ(flushes[0].reason, "partitioner.max.open.files");
  ASSERT_EQ(flushes[0].objects.size(), 2u);
  EXPECT_EQ(flushes[0].objects[0].key, "topics/orders/dir=1/orders+1+0000000010.json");
  EXPECT_EQ(flushes[0].objects[1].key, "topics/orders/dir=2/orders+1+0000000011.json");
  EXPECT_EQ(*store_->Get(flushes[0].objects[0].key), "1\n1\n");
  EXPECT_EQ(w2.open_files(), 1u);
}

TEST_F(TopicPartitionWriterTest, JournalRecordsEachFlushAndObjectsCarryTheirFlush) {
  std::optional<Offset> start;
  FirstLetterPartitioner letters;
  TopicPartitionWriter w(tp_, &config_, format_.get(), &letters, store_.get(), &pool_,
                         journal_.get(), {"inst-a", "h"});
  auto from = w.Recover(Offset(100), {});
  ASSERT_TRUE(from.ok()) << from.status().ToString();
  EXPECT_EQ(*from, std::optional<Offset>(Offset(100)));  // the group's offset, no journal yet
  JournalRecord j = ReadJournal();
  EXPECT_EQ(j.owner.instance, "inst-a");
  EXPECT_EQ(j.owner.epoch, 1);
  EXPECT_EQ(j.committed, std::optional<int64_t>(100));

  ASSERT_TRUE(w.Write(R(100, "1"), 0).ok());
  ASSERT_TRUE(w.Write(R(101, "2"), 0).ok());
  ASSERT_TRUE(w.Write(R(102, "1"), 0).ok());
  auto flushes = w.TakeFlushes();
  ASSERT_EQ(flushes.size(), 1u);
  ASSERT_EQ(flushes[0].objects.size(), 2u);
  j = ReadJournal();
  EXPECT_EQ(j.committed, std::optional<int64_t>(103));
  EXPECT_FALSE(j.pending.has_value());
  EXPECT_EQ(j.flushes, 1u);
  auto head = store_->Head("topics/orders/dir=2/orders+1+0000000101.json");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->metadata["tributary-first-offset"], "101");
  EXPECT_EQ(head->metadata["tributary-last-offset"], "101");
  EXPECT_EQ(head->metadata["tributary-flush-first"], "100");
  EXPECT_EQ(head->metadata["tributary-flush-next"], "103");
  EXPECT_EQ(*store_->Get("topics/orders/dir=1/orders+1+0000000100.json"), "1\n1\n");
  // Nothing left unfinished.
  EXPECT_TRUE(store_->ListMultipartUploads("")->empty());
}

TEST_F(TopicPartitionWriterTest, NewOwnerStartsAtTheJournalNotTheGroupOffset) {
  {
    auto w = NewJournaledWriter("inst-a");
    for (int off : {0, 1, 2}) ASSERT_TRUE(w->Write(R(off, "{}"), 0).ok());
  }
  TopicPartitionWriter w(tp_, &config_, format_.get(), partitioner_.get(), store_.get(), &pool_,
                         journal_.get(), {"inst-b", "h"});
  // The group was reset to 0 by an operator: the journal wins.
  auto from = w.Recover(Offset(0), {});
  ASSERT_TRUE(from.ok());
  EXPECT_EQ(*from, std::optional<Offset>(Offset(3)));
  JournalRecord j = ReadJournal();
  EXPECT_EQ(j.owner.instance, "inst-b");
  EXPECT_EQ(j.owner.epoch, 2);
}

TEST_F(TopicPartitionWriterTest, ReplacedWriterIsFencedAndWritesNothing) {
  auto zombie = NewJournaledWriter("inst-a");
  ASSERT_TRUE(zombie->Write(R(0, "{\"old\":0}"), 0).ok());
  ASSERT_TRUE(zombie->Write(R(1, "{\"old\":1}"), 0).ok());
  auto owner = NewJournaledWriter("inst-b");          // takes over; the zombie does not know
  Status st = zombie->Write(R(2, "{\"old\":2}"), 0);  // completes a file: must fail
  ASSERT_EQ(st.code(), StatusCode::kPreconditionFailed) << st.ToString();
  EXPECT_NE(st.message().find("fenced"), std::string::npos) << st.message();
  EXPECT_FALSE(zombie->has_flushes());
  EXPECT_TRUE(store_->ListAll("topics/")->empty());
  EXPECT_TRUE(store_->ListMultipartUploads("")->empty());  // its upload was aborted
  // The owner writes the same offsets normally.
  for (int off : {0, 1, 2}) ASSERT_TRUE(owner->Write(R(off, "{}"), 0).ok());
  EXPECT_EQ(owner->TakeFlushes().size(), 1u);
  EXPECT_EQ(ReadJournal().committed, std::optional<int64_t>(3));
}

TEST_F(TopicPartitionWriterTest, PendingFlushIsRolledForwardByTheNextOwner) {
  auto first = NewJournaledWriter("inst-a");
  // A flush that crashed after its journal write: uploads prepared, journal pending.
  const std::string key_a = "topics/orders/partition=1/orders+1+0000000000.json";
  const std::string key_b = "topics/orders/partition=1/orders+1+0000000002.json";
  PendingFlush pending{.first = 0, .next = 4};
  for (auto [key, first_off, body] :
       {std::tuple{key_a, 0, std::string("a\n")}, std::tuple{key_b, 2, std::string("bb\n")}}) {
    PutOptions o;
    o.metadata = {{"tributary-first-offset", std::to_string(first_off)},
                  {"tributary-flush-first", "0"}};
    auto id = store_->CreateMultipartUpload(key, o);
    ASSERT_TRUE(id.ok());
    auto part = store_->UploadPart(key, *id, 1, body);
    ASSERT_TRUE(part.ok());
    pending.files.push_back({.key = key,
                             .upload_id = *id,
                             .first = first_off,
                             .last = first_off + 1,
                             .records = 2,
                             .bytes = body.size(),
                             .parts = {*part}});
  }
  // One of them was completed before the crash.
  ASSERT_TRUE(
      store_->CompleteMultipartUpload(key_a, pending.files[0].upload_id, pending.files[0].parts)
          .ok());
  auto j = journal_->Read(tp_);
  ASSERT_TRUE(j.ok() && j->has_value());
  JournalRecord rec = (*j)->record;
  rec.pending = pending;
  ASSERT_TRUE(journal_->Write(tp_, rec, (*j)->etag).ok());
  // A stray upload of this partition (never journaled) and one of another partition.
  auto stray = store_->CreateMultipartUpload("topics/orders/partition=1/orders+1+0000000004.json",
                                             PutOptions{});
  auto other = store_->CreateMultipartUpload("topics/orders/partition=2/orders+2+0000000004.json",
                                             PutOptions{});
  ASSERT_TRUE(stray.ok() && other.ok());

  std::optional<Offset> start;
  auto next = NewJournaledWriter("inst-b", &start);
  EXPECT_EQ(start, std::optional<Offset>(Offset(4)));
  EXPECT_EQ(*store_->Get(key_a), "a\n");
  EXPECT_EQ(*store_->Get(key_b), "bb\n");
  JournalRecord after = ReadJournal();
  EXPECT_FALSE(after.pending.has_value());
  EXPECT_EQ(after.committed, std::optional<int64_t>(4));
  auto left = store_->ListMultipartUploads("");
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].key, "topics/orders/partition=2/orders+2+0000000004.json");
}

TEST_F(TopicPartitionWriterTest, PendingFlushWithAMissingObjectStopsTheSink) {
  auto first = NewJournaledWriter("inst-a");
  auto j = journal_->Read(tp_);
  ASSERT_TRUE(j.ok() && j->has_value());
  JournalRecord rec = (*j)->record;
  rec.pending = PendingFlush{.first = 0,
                             .next = 2,
                             .files = {{.key = "topics/orders/partition=1/orders+1+0000000000.json",
                                        .upload_id = "gone",
                                        .first = 0,
                                        .last = 1,
                                        .records = 2,
                                        .bytes = 4,
                                        .parts = {{.part_number = 1, .etag = "x", .size = 4}}}}};
  ASSERT_TRUE(journal_->Write(tp_, rec, (*j)->etag).ok());
  TopicPartitionWriter w(tp_, &config_, format_.get(), partitioner_.get(), store_.get(), &pool_,
                         journal_.get(), {"inst-b", "h"});
  auto from = w.Recover(std::nullopt, {});
  ASSERT_FALSE(from.ok());
  EXPECT_EQ(from.status().code(), StatusCode::kCorruption);
  EXPECT_NE(from.status().message().find("orders+1+0000000000.json"), std::string::npos);
  EXPECT_TRUE(ReadJournal().pending.has_value());  // left for a person to look at
}

// Skipped records (dead-lettered, ignored tombstones) stay inside the flush's range, so
// the objects account for every consumed offset; the barrier runs before the flush.
TEST_F(TopicPartitionWriterTest, SkippedRecordsBelongToTheFlushRange) {
  int barriers = 0;
  auto w = NewJournaledWriter("inst-a");
  w->set_skip_barrier([&] {
    ++barriers;
    return Status::OK();
  });
  w->Skip(R(0, "bad"));
  ASSERT_TRUE(w->Write(R(1, "{}"), 0).ok());
  w->Skip(R(2, "bad"));
  ASSERT_TRUE(w->Write(R(3, "{}"), 0).ok());
  Status bad = w->Write(R(4, "not json"), 0);  // the writer rejects it and stays usable
  ASSERT_EQ(bad.code(), StatusCode::kInvalidArgument);
  w->Skip(R(4, "not json"));
  ASSERT_TRUE(w->Write(R(5, "{}"), 0).ok());
  auto flushes = w->TakeFlushes();
  ASSERT_EQ(flushes.size(), 1u);
  EXPECT_EQ(barriers, 1);
  EXPECT_EQ(flushes[0].next, Offset(6));
  const WrittenObject& o = flushes[0].objects.at(0);
  EXPECT_EQ(o.first, Offset(1));
  EXPECT_EQ(o.records, 3u);
  auto head = store_->Head(o.key);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->metadata["tributary-flush-first"], "0");
  EXPECT_EQ(head->metadata["tributary-flush-next"], "6");
  EXPECT_EQ(*store_->Get(o.key), "{}\n{}\n{}\n");

  // A failing barrier stops the flush: nothing becomes visible.
  w->set_skip_barrier([] { return Unavailable("dead-letter topic unreachable"); });
  w->Skip(R(6, "bad"));
  ASSERT_TRUE(w->Write(R(7, "{}"), 0).ok());
  ASSERT_TRUE(w->Write(R(8, "{}"), 0).ok());
  Status st = w->Write(R(9, "{}"), 0);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_NE(st.message().find("skipped record"), std::string::npos) << st.message();
  EXPECT_EQ(ReadJournal().committed, std::optional<int64_t>(6));
}

TEST_F(TopicPartitionWriterTest, ReleasesMemoryByAPartOrAnEarlyFlush) {
  config_.flush_size = 1'000'000;
  config_.part_size = 25ull << 20;
  FirstLetterPartitioner letters;
  TopicPartitionWriter w(tp_, &config_, format_.get(), &letters, store_.get(), &pool_,
                         journal_.get(), {"inst-a", "h"});
  ASSERT_TRUE(w.Recover(std::nullopt, {}).ok());
  const std::string big = "\"" + std::string(1 << 20, 'x') + "\"";  // 1 MiB records
  const std::string small = "1";
  int64_t off = 0;
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(w.Write(R(off++, big), 0).ok());  // path dir="
  ASSERT_TRUE(w.Write(R(off++, small), 0).ok());                            // path dir=1
  const uint64_t held = w.buffered_bytes();
  EXPECT_GT(held, 6u << 20);
  // The file of big records has more than 5 MiB: a part goes out, nothing closes.
  ASSERT_TRUE(w.ReleaseMemory().ok());
  EXPECT_LT(w.buffered_bytes(), held - (6u << 20) + 1);
  EXPECT_EQ(w.early_rotations(), 0u);
  EXPECT_FALSE(w.has_flushes());
  // Now no file has 5 MiB: the files close early, exactly.
  ASSERT_TRUE(w.ReleaseMemory().ok());
  EXPECT_EQ(w.early_rotations(), 1u);
  EXPECT_EQ(w.buffered_bytes(), 0u);
  auto flushes = w.TakeFlushes();
  ASSERT_EQ(flushes.size(), 1u);
  EXPECT_EQ(flushes[0].reason, "buffer.memory.bytes");
  EXPECT_EQ(flushes[0].next, Offset(7));
  ASSERT_EQ(flushes[0].objects.size(), 2u);
  auto head = store_->Head(flushes[0].objects[0].key);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->size, 6 * ((1u << 20) + 3));
  EXPECT_EQ(ReadJournal().committed, std::optional<int64_t>(7));
}

// A file larger than a part starts its upload before its end is known; its flush gets
// a manifest, and `tributary verify` (Audit) reads exact ranges from it.
TEST_F(TopicPartitionWriterTest, LargeFileFlushGetsAManifestThatVerifyUses) {
  config_.flush_size = 7;
  config_.part_size = kMinPartSize;
  auto w = NewJournaledWriter("inst-a");
  const std::string big = "\"" + std::string(1 << 20, 'x') + "\"";  // 1 MiB records
  for (int64_t off = 0; off < 7; ++off) ASSERT_TRUE(w->Write(R(off, big), 0).ok());
  auto flushes = w->TakeFlushes();
  ASSERT_EQ(flushes.size(), 1u);
  const std::string key = flushes[0].objects.at(0).key;
  auto head = store_->Head(key);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->metadata.count("tributary-last-offset"), 0u);  // fixed at upload start
  auto manifests = journal_->ReadManifests(tp_);
  ASSERT_TRUE(manifests.ok()) << manifests.status().ToString();
  ASSERT_EQ(manifests->size(), 1u);
  EXPECT_EQ((*manifests)[0].next, 7);
  EXPECT_EQ((*manifests)[0].files.at(0).last, 6);

  AuditOptions audit;
  audit.topic = "orders";
  audit.sink_name = "s";
  audit.journal_prefix = "_tributary/journal";
  auto report = Audit(*store_, audit);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_TRUE(report->ok()) << report->ToText();
  const PartitionAudit& p = report->partitions.at(0);
  EXPECT_EQ(p.records, 7u);
  EXPECT_TRUE(p.notes.empty()) << report->ToText();  // nothing inferred
  EXPECT_EQ(p.segments.at(0).last, 6);
}

TEST(JournalFormatTest, RoundTripsAndRejectsUnknownVersions) {
  JournalRecord r;
  r.sink = "s\"1";
  r.topic = "orders";
  r.partition = 7;
  r.owner = {"abc", 3, "host", 42};
  r.committed = 1000;
  r.flushes = 9;
  r.pending = PendingFlush{.first = 1000,
                           .next = 1100,
                           .files = {{.key = "k",
                                      .upload_id = "u",
                                      .first = 1000,
                                      .last = 1099,
                                      .records = 100,
                                      .bytes = 5,
                                      .parts = {{1, "e1", 5}}}}};
  r.updated_ms = 77;
  auto back = ParseJournal(SerializeJournal(r), "j");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, r);
  r.pending.reset();
  r.committed.reset();
  back = ParseJournal(SerializeJournal(r), "j");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, r);

  std::string v2 = SerializeJournal(r);
  v2.replace(v2.find("\"version\":1"), 11, "\"version\":2");
  auto bad = ParseJournal(v2, "_tributary/journal/s/orders/7.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
  EXPECT_NE(bad.status().message().find("version 2"), std::string::npos);
  EXPECT_FALSE(ParseJournal("{\"version\":1}", "j").ok());
}

}  // namespace
}  // namespace tributary
