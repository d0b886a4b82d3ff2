#include "sink/audit.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/strings.h"
#include "sink/journal.h"

namespace tributary {
namespace {

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("tributary-audit-" + RandomHex(8));
    store_ =
        std::move(OpenObjectStore({.url = "file://" + root_.string(), .bucket = "lake"})).value();
    ASSERT_TRUE(store_->CheckBucket().ok());
    options_.topic = "t";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // An object of partition 0 starting at `first`; metadata only for the values given.
  void Put(const std::string& dir, int64_t first, std::optional<int64_t> last,
           std::optional<int64_t> flush_first = std::nullopt,
           std::optional<int64_t> flush_next = std::nullopt, std::string body = "") {
    PutOptions o;
    o.metadata["tributary-first-offset"] = std::to_string(first);
    if (last) {
      o.metadata["tributary-last-offset"] = std::to_string(*last);
      o.metadata["tributary-record-count"] = std::to_string(*last - first + 1);
      if (body.empty()) {
        for (int64_t i = first; i <= *last; ++i) body += "{}\n";
      }
    }
    if (flush_first) o.metadata["tributary-flush-first"] = std::to_string(*flush_first);
    if (flush_next) o.metadata["tributary-flush-next"] = std::to_string(*flush_next);
    ASSERT_TRUE(store_->Put(fmt::format("topics/t/{}/t+0+{:010}.json", dir, first), body, o).ok());
  }
  AuditReport Run() {
    auto r = Audit(*store_, options_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }

  std::filesystem::path root_;
  std::unique_ptr<ObjectStore> store_;
  AuditOptions options_;
};

TEST_F(AuditTest, ConsecutiveObjectsPass) {
  Put("partition=0", 0, 9);
  Put("partition=0", 10, 19);
  AuditReport r = Run();
  ASSERT_EQ(r.partitions.size(), 1u);
  EXPECT_TRUE(r.ok()) << r.ToText();
  EXPECT_EQ(r.partitions[0].records, 20u);
  EXPECT_NE(r.ToText().find("offsets 0..19"), std::string::npos) << r.ToText();
  EXPECT_NE(r.ToJson().find("\"ok\":true"), std::string::npos);
}

TEST_F(AuditTest, GapsAndOverlapsAreProblems) {
  Put("partition=0", 0, 9);
  Put("partition=0", 20, 29);
  AuditReport gap = Run();
  EXPECT_FALSE(gap.ok());
  EXPECT_NE(gap.ToText().find("gap: offsets 10..19"), std::string::npos) << gap.ToText();

  Put("other=x", 5, 14);  // the same records written again under another path
  AuditReport overlap = Run();
  EXPECT_NE(overlap.ToText().find("overlap: offsets 5..9"), std::string::npos) << overlap.ToText();
  EXPECT_NE(overlap.ToJson().find("\"ok\":false"), std::string::npos);
}

TEST_F(AuditTest, InterleavedObjectsOfOneFlushCoverItsRange) {
  // A field partitioner: one flush of offsets 0..9 wrote two objects whose offsets
  // interleave (a: 0,2,4,6,8; b: 1,3,5,7,9).
  Put("f=a", 0, std::nullopt, 0, 10, "1\n2\n3\n4\n5\n");
  Put("f=b", 1, std::nullopt, 0, 10, "1\n2\n3\n4\n5\n");
  Put("f=a", 10, 19, 10, 20);
  AuditReport r = Run();
  EXPECT_TRUE(r.ok()) << r.ToText();
  ASSERT_EQ(r.partitions[0].segments.size(), 2u);
  EXPECT_EQ(r.partitions[0].segments[0].keys.size(), 2u);
  EXPECT_EQ(r.partitions[0].segments[0].last, 9);
}

TEST_F(AuditTest, ConfluentLayoutWithoutMetadataIsAuditedByNames) {
  for (int64_t first : {0, 100, 200}) {
    ASSERT_TRUE(
        store_->Put(fmt::format("topics/t/partition=0/t+0+{:010}.json", first), "{}\n").ok());
  }
  ASSERT_TRUE(store_->Put("topics/t/partition=0/README", "x").ok());
  AuditReport r = Run();
  EXPECT_TRUE(r.ok()) << r.ToText();
  EXPECT_EQ(r.unrecognised.size(), 1u);
  EXPECT_FALSE(r.partitions[0].notes.empty());  // ends were inferred, and it says so
}

TEST_F(AuditTest, DeepReadCatchesAWrongRecordCount) {
  Put("partition=0", 0, 2, std::nullopt, std::nullopt, "{}\n{}\n");  // 2 lines, says 3
  options_.deep = true;
  AuditReport r = Run();
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.ToText().find("metadata says 3 records, the object holds 2"), std::string::npos)
      << r.ToText();
}

// An object uploaded while it was written has no count in its metadata; its flush manifest
// has one, and --deep must compare the object with the manifest, not with itself.
TEST_F(AuditTest, DeepReadChecksTheManifestCount) {
  Put("partition=0", 0, std::nullopt, 0, 3, "{}\n{}\n");  // 2 lines, manifest says 3
  options_.sink_name = "s";
  options_.journal_prefix = "_tributary";
  Journal journal(store_.get(), options_.journal_prefix, options_.sink_name);
  PendingFlush flush{.first = 0, .next = 3, .files = {}};
  JournalFile file;
  file.key = "topics/t/partition=0/t+0+0000000000.json";
  file.first = 0;
  file.last = 2;
  file.records = 3;
  file.bytes = 6;
  file.partial_metadata = true;
  flush.files.push_back(file);
  ASSERT_TRUE(journal.WriteManifest({"t", Partition(0)}, flush).ok());
  options_.deep = true;
  AuditReport r = Run();
  EXPECT_FALSE(r.ok()) << r.ToText();
  EXPECT_NE(r.ToText().find("says 3 records, the object holds 2"), std::string::npos) << r.ToText();
}

TEST(AuditNameTest, ParsesConfluentNames) {
  auto p = ParseDataObjectName("orders+3+0000001200.json.gz", "orders", "+");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->first, 3);
  EXPECT_EQ(p->second, 1200);
  EXPECT_FALSE(ParseDataObjectName("orders2+3+0000001200.json", "orders", "+"));
  EXPECT_FALSE(ParseDataObjectName("orders+x+1.json", "orders", "+"));
  EXPECT_FALSE(ParseDataObjectName("orders+1+12abc", "orders", "+"));
  EXPECT_TRUE(ParseDataObjectName("a#b#7#0000000001.bin", "a#b", "#"));
}

}  // namespace
}  // namespace tributary
