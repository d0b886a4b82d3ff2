// The sink's side of schema evolution (docs/schema-evolution.md): open files per schema
// version under schema.compatibility=NONE, bounded by schema.max.open.versions, and
// rotations a writer asks for, all through the exactly-once journal. The format here is
// a small test writer whose "schema" is the value's text before ':' (the registry and
// inference writers are tested in format/ and by tests/e2e/schema_evolution_e2e.py).
#include <gtest/gtest.h>

#include <deque>
#include <filesystem>

#include "common/strings.h"
#include "sink/topic_partition_writer.h"

namespace tributary {
namespace {

class VersionWriter final : public RecordWriter {
 public:
  explicit VersionWriter(OutputStream* out) : out_(out) {}
  SchemaPlacement Place(const Record& r, SchemaCompatibility mode) override {
    const std::string v(r.value->substr(0, r.value->find(':')));
    SchemaPlacement p;
    if (version_.empty() || v == version_) return p;
    if (mode == SchemaCompatibility::kNone) {
      p.action = SchemaPlacement::Action::kOtherFile;
    } else {
      p.action = SchemaPlacement::Action::kRotate;
      p.reason = "schema.compatibility=BACKWARD: " + v + " is newer";
      p.schema = std::make_shared<const Schema>(RecordOf(v, {}));
    }
    return p;
  }
  void StartWith(std::shared_ptr<const Schema> s) override { seeded_ = s->name; }
  Status Write(const Record& r) override {
    const std::string v(r.value->substr(0, r.value->find(':')));
    if (!version_.empty() && v != version_) return Internal("{} in a file of {}", v, version_);
    if (version_.empty()) {
      version_ = v;
      RETURN_IF_ERROR(out_->Append("schema " + v + (seeded_.empty() ? "" : " (seeded)") + "\n"));
    }
    return out_->Append(std::string(*r.value) + "\n");
  }
  Status Close() override { return Status::OK(); }

 private:
  OutputStream* out_;
  std::string version_;
  std::string seeded_;
};

class VersionFormat final : public Format {
 public:
  std::string Extension() const override { return ".txt"; }
  std::unique_ptr<RecordWriter> NewWriter(OutputStream* out) const override {
    return std::make_unique<VersionWriter>(out);
  }
};

class SchemaVersionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("tributary-versions-" + RandomHex(8));
    config_.name = "s";
    config_.flush_size = 8;
    config_.store = {.url = "file://" + root_.string(), .bucket = "lake"};
    store_ = std::move(OpenObjectStore(config_.store)).value();
    ASSERT_TRUE(store_->CheckBucket().ok());
    partitioner_ = MakePartitioner(PartitionerOptions{}).value();
    journal_ = std::make_unique<Journal>(store_.get(), "_tributary/journal", "s");
    writer_ = std::make_unique<TopicPartitionWriter>(tp_, &config_, &format_, partitioner_.get(),
                                                     store_.get(), &pool_, journal_.get(),
                                                     JournalIdentity{"inst", "h"});
    ASSERT_TRUE(writer_->Recover(Offset(0), {}).ok());
  }
  void TearDown() override {
    writer_.reset();
    std::filesystem::remove_all(root_);
  }
  Status Write(int64_t offset, const std::string& value) {
    values_.push_back(value);
    return writer_->Write(Record{.topic = "orders",
                                 .partition = Partition(0),
                                 .offset = Offset(offset),
                                 .value = values_.back()},
                          0);
  }
  std::string Object(int64_t first) {
    auto got = store_->Get(fmt::format("topics/orders/partition=0/orders+0+{:010d}.txt", first));
    return got.ok() ? *got : got.status().ToString();
  }
  int64_t Committed() {
    auto j = journal_->Read(tp_);
    return j.ok() && j->has_value() ? (*j)->record.committed.value_or(-1) : -2;
  }

  const TopicPartition tp_{"orders", Partition(0)};
  std::filesystem::path root_;
  SinkConfig config_;
  VersionFormat format_;
  std::unique_ptr<ObjectStore> store_;
  std::unique_ptr<Partitioner> partitioner_;
  std::unique_ptr<Journal> journal_;
  UploadPool pool_{2, 64 << 20};
  std::unique_ptr<TopicPartitionWriter> writer_;
  std::deque<std::string> values_;  // records borrow their values
};

TEST_F(SchemaVersionsTest, InterleavedVersionsShareOneFilePerVersionPerFlush) {
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(Write(i, fmt::format("v{}:{}", 1 + i % 2, i)).ok());
  auto flushes = writer_->TakeFlushes();
  ASSERT_EQ(flushes.size(), 1u);
  EXPECT_EQ(flushes[0].reason, "flush.size");
  ASSERT_EQ(flushes[0].objects.size(), 2u);  // not 8
  EXPECT_EQ(Object(0), "schema v1\nv1:0\nv1:2\nv1:4\nv1:6\n");
  EXPECT_EQ(Object(1), "schema v2\nv2:1\nv2:3\nv2:5\nv2:7\n");
  EXPECT_EQ(Committed(), 8);
  EXPECT_EQ(writer_->schema_rotations(), 0u);
}

TEST_F(SchemaVersionsTest, OneVersionTooManyClosesEveryFileThroughTheJournal) {
  config_.schema_max_open_versions = 2;
  ASSERT_TRUE(Write(0, "a:0").ok());
  ASSERT_TRUE(Write(1, "b:1").ok());
  ASSERT_TRUE(Write(2, "a:2").ok());
  EXPECT_EQ(writer_->open_files(), 2u);
  ASSERT_TRUE(Write(3, "c:3").ok());  // a third version: the flush of 0..2 closes first
  auto flushes = writer_->TakeFlushes();
  ASSERT_EQ(flushes.size(), 1u);
  EXPECT_EQ(flushes[0].reason.rfind("schema.max.open.versions: orders-0@3", 0), 0u)
      << flushes[0].reason;
  EXPECT_EQ(flushes[0].next, Offset(3));
  EXPECT_EQ(Committed(), 3);
  EXPECT_EQ(Object(0), "schema a\na:0\na:2\n");
  EXPECT_EQ(Object(1), "schema b\nb:1\n");
  EXPECT_EQ(writer_->open_files(), 1u);
  EXPECT_EQ(writer_->schema_rotations(), 1u);
  // The connector's behaviour with one open version: every change closes the files.
  config_.schema_max_open_versions = 1;
  ASSERT_TRUE(Write(4, "a:4").ok());
  EXPECT_EQ(writer_->TakeFlushes().size(), 1u);
  EXPECT_EQ(Committed(), 4);
}

TEST_F(SchemaVersionsTest, RotationAWriterAsksForSeedsTheNewFile) {
  config_.schema_compatibility = SchemaCompatibility::kBackward;
  ASSERT_TRUE(Write(0, "v1:0").ok());
  ASSERT_TRUE(Write(1, "v1:1").ok());
  ASSERT_TRUE(Write(2, "v2:2").ok());
  auto flushes = writer_->TakeFlushes();
  ASSERT_EQ(flushes.size(), 1u);
  EXPECT_EQ(flushes[0].reason, "schema.compatibility=BACKWARD: v2 is newer");
  EXPECT_EQ(Committed(), 2);
  EXPECT_EQ(Object(0), "schema v1\nv1:0\nv1:1\n");
  EXPECT_EQ(writer_->open_files(), 1u);  // BACKWARD never keeps a second version open
  for (int i = 3; i < 10; ++i) ASSERT_TRUE(Write(i, fmt::format("v2:{}", i)).ok());
  EXPECT_EQ(Committed(), 10);  // flush.size: 8 records
  EXPECT_EQ(Object(2), "schema v2 (seeded)\nv2:2\nv2:3\nv2:4\nv2:5\nv2:6\nv2:7\nv2:8\nv2:9\n");
}

}  // namespace
}  // namespace tributary
