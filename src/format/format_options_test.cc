#include "format/format_options.h"

#include <gtest/gtest.h>

#include "format/test_records.h"

namespace tributary {
namespace {

using testing_records::Rec;
using testing_records::WriteAll;

TEST(UnescapeSeparatorTest, DecodesJavaEscapes) {
  EXPECT_EQ(*UnescapeSeparator("\\n"), "\n");
  EXPECT_EQ(*UnescapeSeparator("\\r\\n"), "\r\n");
  EXPECT_EQ(*UnescapeSeparator("a\\tb\\\\c"), "a\tb\\c");
  EXPECT_EQ(*UnescapeSeparator("||"), "||");
  EXPECT_EQ(*UnescapeSeparator(""), "");
  EXPECT_EQ(*UnescapeSeparator("\\u001e"), "\x1e");
  EXPECT_EQ(*UnescapeSeparator("\\u00e9"), "\xc3\xa9");
  EXPECT_EQ(*UnescapeSeparator("\\u20AC"), "\xe2\x82\xac");
  EXPECT_EQ(*UnescapeSeparator("\\uD83D\\uDE00"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(*UnescapeSeparator("\\0"), std::string(1, '\0'));
  EXPECT_EQ(*UnescapeSeparator("\\012x"), "\nx");
  EXPECT_EQ(*UnescapeSeparator("\\377"), "\xff");
  EXPECT_EQ(*UnescapeSeparator("\\400"), " 0");  // \40 is a space; '0' stays
  EXPECT_EQ(*UnescapeSeparator("\\1\\2"), "\x01\x02");
}

TEST(UnescapeSeparatorTest, RejectsBadEscapesNamingTheKey) {
  for (std::string_view bad : {"\\x41", "abc\\", "\\u12", "\\u12G4", "\\uD83D", "\\uDE00x"}) {
    auto r = UnescapeSeparator(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("format.bytearray.separator"), std::string::npos)
        << r.status().message();
  }
}

TEST(ParseOutputFieldsTest, ParsesAivenFieldLists) {
  auto f = ParseOutputFields("key, value,offset ,timestamp,headers");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(*f,
            (std::vector<OutputField>{OutputField::kKey, OutputField::kValue, OutputField::kOffset,
                                      OutputField::kTimestamp, OutputField::kHeaders}));
  EXPECT_EQ(*ParseOutputFields("value"), std::vector<OutputField>{OutputField::kValue});
  for (std::string_view bad : {"", "value,value", "value,partition", "Value"}) {
    auto r = ParseOutputFields(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("format.output.fields"), std::string::npos);
  }
}

TEST(ParseFieldEncodingTest, AcceptsBase64AndNone) {
  EXPECT_EQ(*ParseFieldEncoding("base64"), FieldEncoding::kBase64);
  EXPECT_EQ(*ParseFieldEncoding("none"), FieldEncoding::kNone);
  auto r = ParseFieldEncoding("hex");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("format.output.fields.value.encoding"), std::string::npos);
}

TEST(MakeFormatTest, ExtensionsByKind) {
  auto ext = [](FormatOptions o) { return (*MakeFormat(o))->Extension(); };
  EXPECT_EQ(ext({.kind = FormatKind::kJson}), ".json");
  EXPECT_EQ(ext({.kind = FormatKind::kJsonArray}), ".json");
  EXPECT_EQ(ext({.kind = FormatKind::kCsv}), ".csv");
  EXPECT_EQ(ext({.kind = FormatKind::kText}), ".txt");
  EXPECT_EQ(ext({.kind = FormatKind::kBytes}), ".bin");
  EXPECT_EQ(ext({.kind = FormatKind::kBytes, .bytes_extension = ".data"}), ".data");
}

TEST(MakeFormatTest, RejectsUnusableOptions) {
  auto bad_regex = MakeFormat({.kind = FormatKind::kText, .text_filter_regex = "(unclosed"});
  ASSERT_FALSE(bad_regex.ok());
  EXPECT_EQ(bad_regex.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_regex.status().message().find("regex"), std::string::npos);
  EXPECT_NE(bad_regex.status().message().find("(unclosed"), std::string::npos);

  auto no_fields = MakeFormat({.kind = FormatKind::kCsv, .csv_fields = {}});
  ASSERT_FALSE(no_fields.ok());
  EXPECT_NE(no_fields.status().message().find("format.output.fields"), std::string::npos);

  EXPECT_FALSE(MakeFormat({.kind = FormatKind::kCsv, .csv_line_terminator = "\r"}).ok());
}

TEST(JsonArrayFormatTest, WritesOneElementPerLine) {
  FormatOptions o{.kind = FormatKind::kJsonArray};
  EXPECT_EQ(WriteAll(o, {Rec(R"({"id":1})", 0), Rec("{\n \"id\": 2\n}", 1), Rec("3", 2)}),
            "[\n{\"id\":1},\n{\"id\":2},\n3\n]");
  EXPECT_EQ(WriteAll(o, {Rec("true")}), "[\ntrue\n]");
}

TEST(JsonArrayFormatTest, EmptyFileIsAnEmptyArray) {
  EXPECT_EQ(WriteAll({.kind = FormatKind::kJsonArray}, {}), "[]");
  EXPECT_EQ(WriteAll({.kind = FormatKind::kJson}, {}), "");
}

TEST(JsonArrayFormatTest, StreamsBeforeClose) {
  auto format =
      MakeFormat({.kind = FormatKind::kJsonArray, .value_encoding = ValueEncoding::kString});
  StringOutputStream out;
  auto w = (*format)->NewWriter(&out);
  ASSERT_TRUE(w->Write(Rec("a")).ok());
  EXPECT_EQ(out.buffer(), "[\n\"a\"");
  ASSERT_TRUE(w->Write(Rec("b")).ok());
  EXPECT_EQ(out.buffer(), "[\n\"a\",\n\"b\"");
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(out.buffer(), "[\n\"a\",\n\"b\"\n]");
}

TEST(JsonArrayFormatTest, InvalidJsonLeavesTheFileUntouched) {
  auto format = MakeFormat({.kind = FormatKind::kJsonArray});
  StringOutputStream out;
  auto w = (*format)->NewWriter(&out);
  ASSERT_TRUE(w->Write(Rec("1")).ok());
  Status st = w->Write(Rec("{", 1041));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("orders-2@1041"), std::string::npos);
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(out.buffer(), "[\n1\n]");
}

TEST(JsonFormatTest, EnvelopeLinesAndArray) {
  std::vector<Record> recs = {Rec(R"({"a":1})", 5, "k1", 1700000000000)};
  EXPECT_EQ(
      WriteAll({.kind = FormatKind::kJson, .envelope = true}, recs),
      R"({"key":"k1","value":{"a":1},"headers":{},"metadata":{"topic":"orders","partition":2,"offset":5,"timestamp":1700000000000}})"
      "\n");
  EXPECT_EQ(
      WriteAll({.kind = FormatKind::kJsonArray, .envelope = true}, recs),
      "[\n"
      R"({"key":"k1","value":{"a":1},"headers":{},"metadata":{"topic":"orders","partition":2,"offset":5,"timestamp":1700000000000}})"
      "\n]");
}

TEST(JsonFormatTest, EnvelopeWritesNullValues) {
  // Tombstones reach the writer when behavior.on.null.values=write; the envelope keeps them.
  EXPECT_EQ(
      WriteAll({.kind = FormatKind::kJson, .envelope = true}, {Rec(std::nullopt, 1, "k")}),
      R"({"key":"k","value":null,"headers":{},"metadata":{"topic":"orders","partition":2,"offset":1,"timestamp":null}})"
      "\n");
}

TEST(JsonFormatTest, AivenFieldsInJsonLinesAndArray) {
  FormatOptions o{.kind = FormatKind::kJson,
                  .json_fields = {OutputField::kKey, OutputField::kValue, OutputField::kOffset}};
  std::vector<Record> recs = {Rec(R"({"a":1})", 7, "k"), Rec("2", 8)};
  EXPECT_EQ(WriteAll(o, recs),
            "{\"key\":\"k\",\"value\":{\"a\":1},\"offset\":7}\n"
            "{\"key\":null,\"value\":2,\"offset\":8}");
  o.kind = FormatKind::kJsonArray;
  o.json_fields = {OutputField::kValue};
  EXPECT_EQ(WriteAll(o, recs), "[\n{\"value\":{\"a\":1}},\n{\"value\":2}\n]");
  o.json_fields_envelope = false;
  EXPECT_EQ(WriteAll(o, recs), "[\n{\"a\":1},\n2\n]");
}

TEST(JsonFormatTest, AivenFieldsRejectContradictions) {
  auto both = MakeFormat(
      {.kind = FormatKind::kJson, .envelope = true, .json_fields = {OutputField::kValue}});
  EXPECT_EQ(both.status().code(), StatusCode::kInvalidArgument);
  auto unwrap_two = MakeFormat({.kind = FormatKind::kJson,
                                .json_fields = {OutputField::kKey, OutputField::kValue},
                                .json_fields_envelope = false});
  ASSERT_FALSE(unwrap_two.ok());
  EXPECT_NE(unwrap_two.status().message().find("format.output.envelope"), std::string::npos);
}

}  // namespace
}  // namespace tributary
