#include "format/text/text_format.h"

#include <gtest/gtest.h>

#include "format/test_records.h"

namespace tributary {
namespace {

using testing_records::Rec;
using testing_records::WriteAll;

TEST(TextFormatTest, OneLinePerRecordWithEscapes) {
  EXPECT_EQ(WriteAll({.kind = FormatKind::kText},
                     {Rec("hello world"), Rec("two\nlines"), Rec("C:\\path\r\n"), Rec(std::nullopt),
                      Rec("tab\there é")}),
            "hello world\ntwo\\nlines\nC:\\\\path\\r\\n\n\ntab\there é\n");
}

TEST(TextFormatTest, FilterWritesMatchingRecordsAndCountsTheRest) {
  std::vector<int64_t> rejected;
  FormatOptions o{.kind = FormatKind::kText,
                  .text_filter_regex = "ERROR|WARN",
                  .on_filtered = [&](const Record& r) { rejected.push_back(r.offset.value()); }};
  auto format = MakeFormat(o);
  ASSERT_TRUE(format.ok());
  StringOutputStream out;
  auto w = (*format)->NewWriter(&out);
  int64_t off = 0;
  for (std::string_view v : {"INFO start", "ERROR disk\nfull", "debug", "WARN slow"}) {
    ASSERT_TRUE(w->Write(Rec(v, off++)).ok());
  }
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(out.buffer(), "ERROR disk\\nfull\nWARN slow\n");
  EXPECT_EQ(w->filtered(), 2u);
  EXPECT_EQ(rejected, (std::vector<int64_t>{0, 2}));
}

TEST(TextFormatTest, FilterIsAnUnanchoredSearchOnTheRawValue) {
  FormatOptions o{.kind = FormatKind::kText, .text_filter_regex = "^a.c$"};
  // "a\nc": '.' does not match a newline in RE2 by default, so it is filtered.
  EXPECT_EQ(WriteAll(o, {Rec("abc"), Rec("xabc"), Rec("a\nc")}), "abc\n");
  o.text_filter_regex = "b";
  EXPECT_EQ(WriteAll(o, {Rec("abc"), Rec("xyz"), Rec(std::nullopt)}), "abc\n");
}

TEST(TextFormatTest, WritersWithoutFilterCountNothing) {
  auto format = MakeFormat({.kind = FormatKind::kText});
  StringOutputStream out;
  auto w = (*format)->NewWriter(&out);
  ASSERT_TRUE(w->Write(Rec("x")).ok());
  EXPECT_EQ(w->filtered(), 0u);
}

TEST(TextFormatTest, EnvelopeLines) {
  FormatOptions o{.kind = FormatKind::kText,
                  .value_encoding = ValueEncoding::kString,
                  .envelope = true,
                  .text_filter_regex = "keep"};
  EXPECT_EQ(
      WriteAll(o, {Rec("keep\nme", 4), Rec("drop", 5)}),
      R"({"key":null,"value":"keep\nme","headers":{},"metadata":{"topic":"orders","partition":2,"offset":4,"timestamp":null}})"
      "\n");
}

}  // namespace
}  // namespace tributary
