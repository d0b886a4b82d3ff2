#include "common/status.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/strings.h"
#include "common/types.h"

namespace tributary {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return InvalidArgument("flush.size: expected an integer > 0, got '{}'", v);
  return v;
}

Status UseParsed(int v, int* out) {
  ASSIGN_OR_RETURN(*out, ParsePositive(v));
  return Status::OK();
}

TEST(StatusTest, OkAndErrorCarryCodeAndMessage) {
  EXPECT_TRUE(Status::OK().ok());
  Status s = NotFound("bucket '{}' does not exist", "lake");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "NotFound: bucket 'lake' does not exist");
  EXPECT_EQ(s.WithContext("put topics/a").message(), "put topics/a: bucket 'lake' does not exist");
}

TEST(StatusTest, RetriableOnlyForTransientCodes) {
  EXPECT_TRUE(Unavailable("503").IsRetriable());
  EXPECT_TRUE(IOError("reset").IsRetriable());
  EXPECT_FALSE(InvalidArgument("x").IsRetriable());
  EXPECT_FALSE(PreconditionFailed("etag").IsRetriable());
}

TEST(ResultTest, AssignOrReturnPropagatesErrors) {
  int out = 0;
  EXPECT_TRUE(UseParsed(5, &out).ok());
  EXPECT_EQ(out, 5);
  Status bad = UseParsed(0, &out);
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(out, 5);
}

TEST(TypesTest, OffsetsOrderAndAdvance) {
  Offset a(41);
  EXPECT_EQ(a.Next(), Offset(42));
  EXPECT_LT(a, a.Next());
  TopicPartition tp{"orders", Partition(2)};
  EXPECT_EQ(tp.ToString(), "orders-2");
}

TEST(StringsTest, SplitListTrimsAndDropsEmpty) {
  auto v = SplitList(" a, b,,c ,");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], "a");
  EXPECT_EQ(v[2], "c");
  EXPECT_EQ(RandomHex(12).size(), 12u);
}

TEST(StringsTest, RandomHexDiffersAcrossForkedProcesses) {
  (void)RandomHex(8);  // initialise whatever per-thread state there is
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string child = RandomHex(32);
    (void)!write(fds[1], child.data(), child.size());
    _exit(0);
  }
  std::string parent = RandomHex(32);
  std::string child(32, '\0');
  ASSERT_EQ(read(fds[0], child.data(), child.size()), 32);
  waitpid(pid, nullptr, 0);
  close(fds[0]);
  close(fds[1]);
  EXPECT_NE(parent, child);
}

}  // namespace
}  // namespace tributary
