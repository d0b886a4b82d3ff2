#include "sink/topic_partition_writer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/strings.h"
#include "format/jsonl/json_format.h"

namespace tributary {
namespace {

class TopicPartitionWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("tributary-tpw-" + RandomHex(8));
    config_.flush_size = 3;
    config_.store = {.url = "file://" + root_.string(), .bucket = "lake"};
    store_ = std::move(OpenObjectStore(config_.store)).value();
    ASSERT_TRUE(store_->CheckBucket().ok());
    format_ = MakeJsonFormat(ValueEncoding::kJson);
    partitioner_ = MakePartitioner(PartitionerOptions{}).value();
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::unique_ptr<TopicPartitionWriter> NewWriter() {
    return std::make_unique<TopicPartitionWriter>(TopicPartition{"orders", Partition(1)}, &config_,
                                                  format_.get(), partitioner_.get(), store_.get(),
                                                  &pool_);
  }
  static Record R(int64_t offset, std::optional<std::string_view> value) {
    return Record{
        .topic = "orders", .partition = Partition(1), .offset = Offset(offset), .value = value};
  }

  std::filesystem::path root_;
  SinkConfig config_;
  std::unique_ptr<ObjectStore> store_;
  std::unique_ptr<Format> format_;
  std::unique_ptr<Partitioner> partitioner_;
  UploadPool pool_{2, 64 << 20};
};

TEST_F(TopicPartitionWriterTest, RotatesAfterFlushSizeRecords) {
  auto w = NewWriter();
  std::vector<WrittenObject> written;
  for (int64_t off = 10; off < 17; ++off) {
    auto r = w->Write(R(off, fmt::format("{{\"n\":{}}}", off)));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (r->has_value()) written.push_back(**r);
  }
  ASSERT_EQ(written.size(), 2u);
  EXPECT_EQ(written[0].key, "topics/orders/partition=1/orders+1+0000000010.json");
  EXPECT_EQ(written[0].first, Offset(10));
  EXPECT_EQ(written[0].last, Offset(12));
  EXPECT_EQ(written[1].key, "topics/orders/partition=1/orders+1+0000000013.json");
  EXPECT_EQ(w->buffered_records(), 1u);
  EXPECT_EQ(*store_->Get(written[0].key), "{\"n\":10}\n{\"n\":11}\n{\"n\":12}\n");
  auto head = store_->Head(written[1].key);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->metadata["tributary-first-offset"], "13");
  EXPECT_EQ(head->metadata["tributary-last-offset"], "15");
  EXPECT_EQ(head->metadata["tributary-record-count"], "3");
}

TEST_F(TopicPartitionWriterTest, NullValueFailsNamingTheRecordByDefault) {
  auto w = NewWriter();
  auto r = w->Write(R(42, std::nullopt));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("orders-1@42"), std::string::npos);
  EXPECT_NE(r.status().message().find("behavior.on.null.values"), std::string::npos);
}

TEST_F(TopicPartitionWriterTest, NullValueSkippedWhenIgnored) {
  config_.on_null = NullValueBehavior::kIgnore;
  auto w = NewWriter();
  ASSERT_TRUE(w->Write(R(0, "1")).ok());
  ASSERT_TRUE(w->Write(R(1, std::nullopt)).ok());
  ASSERT_TRUE(w->Write(R(2, "2")).ok());
  auto r = w->Write(R(3, "3"));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->records, 3u);
  EXPECT_EQ(*store_->Get((*r)->key), "1\n2\n3\n");
}

TEST_F(TopicPartitionWriterTest, InvalidJsonStopsWithoutWriting) {
  auto w = NewWriter();
  ASSERT_TRUE(w->Write(R(0, "{}")).ok());
  auto r = w->Write(R(1, "not json"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("orders-1@1"), std::string::npos);
  EXPECT_TRUE(store_->ListAll("")->empty());
}

TEST_F(TopicPartitionWriterTest, DiscardDropsTheOpenFile) {
  auto w = NewWriter();
  ASSERT_TRUE(w->Write(R(0, "{}")).ok());
  w->Discard();
  EXPECT_EQ(w->buffered_records(), 0u);
  // The next file starts at the next record it receives.
  ASSERT_TRUE(w->Write(R(5, "{}")).ok());
  ASSERT_TRUE(w->Write(R(6, "{}")).ok());
  auto r = w->Write(R(7, "{}"));
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((*r)->first, Offset(5));
}

}  // namespace
}  // namespace tributary
