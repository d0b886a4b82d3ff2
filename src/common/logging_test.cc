#include "common/logging.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <thread>

namespace tributary {
namespace {

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(SetUpLogging("info").ok()); }
};

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) {
    ++n;
  }
  return n;
}

TEST_F(LoggingTest, RepeatedErrorsAreRateLimitedWithACount) {
  ASSERT_TRUE(ConfigureLogging("text", std::chrono::milliseconds(300)).ok());
  testing::internal::CaptureStderr();
  for (int i = 0; i < 50; ++i) spdlog::error("upload of part {} failed: 503 SlowDown", i);
  spdlog::warn("a different problem");
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  spdlog::error("upload of part {} failed: 503 SlowDown", 99);
  spdlog::default_logger()->flush();
  std::string out = testing::internal::GetCapturedStderr();
  // The first is logged; the 49 repeats inside the window are counted, and the count is
  // logged either with the next occurrence or by the periodic flush once the window
  // ends (whichever comes first, so 2 or 3 lines).
  EXPECT_GE(Count(out, "SlowDown"), 2u) << out;
  EXPECT_LE(Count(out, "SlowDown"), 3u) << out;
  EXPECT_NE(out.find("upload of part 0 failed"), std::string::npos);
  EXPECT_EQ(Count(out, "SlowDown (repeated 49 more time(s), not logged"), 1u) << out;
  EXPECT_EQ(Count(out, "a different problem"), 1u);
  auto recent = RecentLogProblems();
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent.back().repeats, 51u);  // newest last: the SlowDown line came back
  EXPECT_EQ(recent.back().level, "error");
  EXPECT_GE(LoggedCount("error"), 51u);
}

TEST_F(LoggingTest, JsonLinesParseAndEscape) {
  ASSERT_TRUE(ConfigureLogging("json", std::chrono::milliseconds(0)).ok());
  testing::internal::CaptureStderr();
  spdlog::info("object \"{}\" written", "topics/a\nb");
  std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(out.rfind("{\"ts\":\"", 0), 0u) << out;
  EXPECT_NE(out.find(R"("level":"info","msg":"object \"topics/a\nb\" written"})"),
            std::string::npos)
      << out;
  EXPECT_EQ(Count(out, "\n"), 1u);  // one line per event
  EXPECT_FALSE(ConfigureLogging("xml", std::chrono::milliseconds(0)).ok());
}

}  // namespace
}  // namespace tributary
