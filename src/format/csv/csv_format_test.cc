#include "format/csv/csv_format.h"

#include <gtest/gtest.h>

#include "format/test_records.h"

namespace tributary {
namespace {

using testing_records::Rec;
using testing_records::WriteAll;

const std::vector<OutputField> kAllFields = {OutputField::kKey, OutputField::kValue,
                                             OutputField::kOffset, OutputField::kTimestamp,
                                             OutputField::kHeaders};

TEST(CsvFieldTest, QuotesOnlyWhenRfc4180Requires) {
  auto q = [](std::string_view s) {
    std::string out;
    AppendCsvField(s, &out);
    return out;
  };
  EXPECT_EQ(q("plain text"), "plain text");
  EXPECT_EQ(q(""), "");
  EXPECT_EQ(q("a,b"), "\"a,b\"");
  EXPECT_EQ(q("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(q("\""), "\"\"\"\"");
  EXPECT_EQ(q("line1\nline2"), "\"line1\nline2\"");
  EXPECT_EQ(q("cr\r"), "\"cr\r\"");
  EXPECT_EQ(q(" leading space"), " leading space");
}

TEST(CsvFormatTest, DefaultIsBase64ValueOnly) {
  EXPECT_EQ(WriteAll({.kind = FormatKind::kCsv}, {Rec("foo"), Rec("fo"), Rec(std::nullopt)}),
            "Zm9v\nZm8=\n\n");
}

TEST(CsvFormatTest, EveryFieldRawWithHeaderRow) {
  FormatOptions o{.kind = FormatKind::kCsv,
                  .csv_header = true,
                  .csv_fields = kAllFields,
                  .csv_value_encoding = FieldEncoding::kNone,
                  .csv_key_encoding = FieldEncoding::kNone};
  std::vector<Record> recs = {
      Rec("hello, \"world\"", 10, "k1", 1700000000000, {{"h", "v"}}),
      Rec("multi\nline", 11, std::nullopt, -1),
      Rec("plain", 12, "k,3", 5),
  };
  EXPECT_EQ(WriteAll(o, recs),
            "key,value,offset,timestamp,headers\n"
            "k1,\"hello, \"\"world\"\"\",10,1700000000000,\"{\"\"h\"\":\"\"v\"\"}\"\n"
            ",\"multi\nline\",11,,{}\n"
            "\"k,3\",plain,12,5,{}\n");
}

TEST(CsvFormatTest, FieldOrderFollowsTheOption) {
  FormatOptions o{.kind = FormatKind::kCsv,
                  .csv_fields = {OutputField::kOffset, OutputField::kValue, OutputField::kKey}};
  EXPECT_EQ(WriteAll(o, {Rec("v", 7, "k")}), "7,dg==,aw==\n");
}

TEST(CsvFormatTest, HeaderOnlyFileWhenNoRecords) {
  FormatOptions o{.kind = FormatKind::kCsv,
                  .csv_header = true,
                  .csv_fields = {OutputField::kKey, OutputField::kValue}};
  EXPECT_EQ(WriteAll(o, {}), "key,value\n");
  o.csv_header = false;
  EXPECT_EQ(WriteAll(o, {}), "");
}

TEST(CsvFormatTest, CrLfTerminator) {
  FormatOptions o{.kind = FormatKind::kCsv,
                  .csv_header = true,
                  .csv_fields = {OutputField::kValue, OutputField::kOffset},
                  .csv_value_encoding = FieldEncoding::kNone,
                  .csv_line_terminator = "\r\n"};
  EXPECT_EQ(WriteAll(o, {Rec("a", 1), Rec("b\r\nc", 2)}),
            "value,offset\r\na,1\r\n\"b\r\nc\",2\r\n");
}

TEST(CsvFormatTest, EnvelopeIsOneJsonColumn) {
  FormatOptions o{.kind = FormatKind::kCsv,
                  .value_encoding = ValueEncoding::kString,
                  .envelope = true,
                  .csv_header = true};
  EXPECT_EQ(
      WriteAll(o, {Rec("x", 1, "k", 2)}),
      "envelope\n"
      R"("{""key"":""k"",""value"":""x"",""headers"":{},""metadata"":{""topic"":""orders"",""partition"":2,""offset"":1,""timestamp"":2}}")"
      "\n");
}

TEST(CsvFormatTest, AivenDialectSeparatesRecordsAndNeverQuotes) {
  FormatOptions o{.kind = FormatKind::kCsv,
                  .csv_dialect = CsvDialect::kAiven,
                  .csv_fields = kAllFields,
                  .csv_value_encoding = FieldEncoding::kNone};
  std::vector<Record> recs = {
      Rec("a,\"b\"", 10, "k1", 1700000000000, {{"h1", "v1"}, {"h2", std::nullopt}}),
      Rec(std::nullopt, 11, std::nullopt, -1),
  };
  // key base64 ("k1" → azE=), value raw, headers base64(name):base64(value); per header.
  EXPECT_EQ(WriteAll(o, recs), "azE=,a,\"b\",10,1700000000000,aDE=:djE=;aDI=:;\n,,11,,");
  EXPECT_EQ(WriteAll(o, {}), "");
  o.csv_fields = {OutputField::kValue};
  o.csv_value_encoding = FieldEncoding::kBase64;
  EXPECT_EQ(WriteAll(o, {Rec("foo"), Rec("bar")}), "Zm9v\nYmFy");
}

TEST(CsvFormatTest, AivenDialectHasNoHeaderRow) {
  auto f =
      MakeFormat({.kind = FormatKind::kCsv, .csv_dialect = CsvDialect::kAiven, .csv_header = true});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
}

TEST(CsvFormatTest, FailedFirstRecordKeepsTheHeaderRow) {
  FormatOptions o{.kind = FormatKind::kCsv,
                  .value_encoding = ValueEncoding::kJson,
                  .envelope = true,
                  .csv_header = true};
  auto format = MakeFormat(o);
  StringOutputStream out;
  auto w = (*format)->NewWriter(&out);
  EXPECT_EQ(w->Write(Rec("{bad", 1)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(out.Size(), 0u);
  ASSERT_TRUE(w->Write(Rec("1", 2)).ok());
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(
      out.buffer(),
      "envelope\n"
      R"("{""key"":null,""value"":1,""headers"":{},""metadata"":{""topic"":""orders"",""partition"":2,""offset"":2,""timestamp"":null}}")"
      "\n");
}

}  // namespace
}  // namespace tributary
