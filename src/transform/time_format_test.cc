#include "transform/time_format.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

// 2019-04-25T15:02:16.007Z
constexpr int64_t kInstant = 1556204536007;

TEST(TimeFormatTest, FormatsSimpleDateFormatPatternsInUtc) {
  auto f = TimeFormat::Compile("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").value();
  EXPECT_EQ(f.Format(kInstant), "2019-04-25T15:02:16.007Z");
  EXPECT_EQ(TimeFormat::Compile("yyyyMMdd").value().Format(kInstant), "20190425");
  EXPECT_EQ(TimeFormat::Compile("EEE, d MMM yy hh:mm a").value().Format(kInstant),
            "Thu, 25 Apr 19 03:02 PM");
  EXPECT_EQ(TimeFormat::Compile("EEEE MMMM D 'o''clock' Z").value().Format(0),
            "Thursday January 1 o'clock +0000");
  // Before the epoch: floor division, not truncation.
  EXPECT_EQ(TimeFormat::Compile("yyyy-MM-dd HH:mm:ss.SSS").value().Format(-1),
            "1969-12-31 23:59:59.999");
}

TEST(TimeFormatTest, ParsesWhatItFormats) {
  for (const char* p : {"yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "yyyyMMddHHmmssSSS",
                        "dd MMM yyyy hh:mm:ss.SSS a", "yyyy-MM-dd HH:mm:ss.SSS Z"}) {
    auto f = TimeFormat::Compile(p).value();
    auto back = f.Parse(f.Format(kInstant));
    ASSERT_TRUE(back.ok()) << p << ": " << back.status().ToString();
    EXPECT_EQ(*back, kInstant) << p;
  }
  EXPECT_EQ(TimeFormat::Compile("yyyy-MM-dd").value().Parse("2023-10-05").value(), 1696464000000);
  EXPECT_EQ(
      TimeFormat::Compile("yyyy-MM-dd'T'HH:mmXXX").value().Parse("2023-10-05T02:00+02:00").value(),
      1696464000000);
}

TEST(TimeFormatTest, ErrorsSayWhatWasExpected) {
  auto bad = TimeFormat::Compile("yyyy-qq");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'q'"), std::string::npos);
  auto parsed = TimeFormat::Compile("yyyy-MM-dd").value().Parse("2023/10/05");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("position 4"), std::string::npos)
      << parsed.status().message();
}

}  // namespace
}  // namespace tributary
