#include "sink/object_naming.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

TEST(ObjectNamingTest, MatchesConfluentDefaultLayout) {
  EXPECT_EQ(DataObjectKey({}, {"orders", Partition(2)}, "partition=2", Offset(1000), ".json"),
            "topics/orders/partition=2/orders+2+0000001000.json");
}

TEST(ObjectNamingTest, HonoursTopicsDirAndPadWidth) {
  EXPECT_EQ(DataObjectKey({.topics_dir = "", .offset_pad_width = 3}, {"t", Partition(0)},
                          "partition=0", Offset(7), ".json"),
            "t/partition=0/t+0+007.json");
  EXPECT_EQ(DataObjectKey({.topics_dir = "raw/kafka", .offset_pad_width = 0}, {"t", Partition(11)},
                          "partition=11", Offset(123456), ".json"),
            "raw/kafka/t/partition=11/t+11+123456.json");
  // Offsets wider than the padding are written in full, as Java's %0Nd does.
  EXPECT_EQ(DataObjectKey({.topics_dir = "topics", .offset_pad_width = 2}, {"t", Partition(0)},
                          "partition=0", Offset(12345), ".json"),
            "topics/t/partition=0/t+0+12345.json");
}

TEST(ObjectNamingTest, HonoursDelimiters) {
  NamingOptions options;
  options.directory_delim = "_";
  options.file_delim = "#";
  EXPECT_EQ(DataObjectKey(options, {"t", Partition(3)}, "partition=3", Offset(5), ".json"),
            "topics_t_partition=3_t#3#0000000005.json");
}

}  // namespace
}  // namespace tributary
