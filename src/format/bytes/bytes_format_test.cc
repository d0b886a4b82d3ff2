#include "format/bytes/bytes_format.h"

#include <gtest/gtest.h>

#include "format/test_records.h"

namespace tributary {
namespace {

using testing_records::Rec;
using testing_records::WriteAll;

TEST(BytesFormatTest, SeparatorFollowsEveryRecord) {
  EXPECT_EQ(WriteAll({.kind = FormatKind::kBytes}, {Rec("a"), Rec("bc")}), "a\nbc\n");
  EXPECT_EQ(WriteAll({.kind = FormatKind::kBytes}, {}), "");
}

TEST(BytesFormatTest, RawBytesAndCustomSeparators) {
  std::string_view binary("\x00\x01\n\xff", 4);
  EXPECT_EQ(WriteAll({.kind = FormatKind::kBytes, .bytes_separator = "||"},
                     {Rec(binary), Rec(std::nullopt), Rec("z")}),
            std::string(binary) + "||||z||");
  EXPECT_EQ(WriteAll({.kind = FormatKind::kBytes, .bytes_separator = ""}, {Rec("a"), Rec("b")}),
            "ab");
  EXPECT_EQ(WriteAll({.kind = FormatKind::kBytes, .bytes_separator = *UnescapeSeparator("\\r\\n")},
                     {Rec("a"), Rec("b")}),
            "a\r\nb\r\n");
}

TEST(BytesFormatTest, EnvelopeThenSeparator) {
  FormatOptions o{.kind = FormatKind::kBytes,
                  .value_encoding = ValueEncoding::kBytes,
                  .envelope = true,
                  .bytes_separator = "\n"};
  EXPECT_EQ(
      WriteAll(o, {Rec("hi", 9, "k", 1)}),
      R"({"key":"k","value":"aGk=","headers":{},"metadata":{"topic":"orders","partition":2,"offset":9,"timestamp":1}})"
      "\n");
}

}  // namespace
}  // namespace tributary
