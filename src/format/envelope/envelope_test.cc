#include "format/envelope/envelope.h"

#include <gtest/gtest.h>

#include "format/test_records.h"

namespace tributary {
namespace {

using testing_records::Rec;

std::string Envelope(const Record& r, ValueEncoding key, ValueEncoding value) {
  EnvelopeEncoder enc(key, value);
  std::string out;
  Status st = enc.Append(r, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

TEST(EnvelopeTest, ExactShapeWithEveryPart) {
  Record r = Rec("{\n  \"id\": 7,\n  \"tags\": [\"a\", \"b\"]\n}", 1041, "user-\"9\"",
                 1700000000123, {{"trace", "abc"}, {"empty", ""}, {"gone", std::nullopt}});
  EXPECT_EQ(
      Envelope(r, ValueEncoding::kString, ValueEncoding::kJson),
      R"({"key":"user-\"9\"","value":{"id":7,"tags":["a","b"]},)"
      R"("headers":{"trace":"abc","empty":"","gone":null},)"
      R"("metadata":{"topic":"orders","partition":2,"offset":1041,"timestamp":1700000000123}})");
}

TEST(EnvelopeTest, NullKeyAndMissingTimestamp) {
  EXPECT_EQ(
      Envelope(Rec("hi", 0), ValueEncoding::kString, ValueEncoding::kString),
      R"({"key":null,"value":"hi","headers":{},"metadata":{"topic":"orders","partition":2,"offset":0,"timestamp":null}})");
}

TEST(EnvelopeTest, BytesAreBase64) {
  EXPECT_EQ(
      Envelope(Rec(std::string_view("\x00\xff", 2), 3, "foo"), ValueEncoding::kBytes,
               ValueEncoding::kBytes),
      R"({"key":"Zm9v","value":"AP8=","headers":{},"metadata":{"topic":"orders","partition":2,"offset":3,"timestamp":null}})");
}

TEST(EnvelopeTest, JsonKeysAreEmbeddedAsJson) {
  EXPECT_EQ(
      Envelope(Rec("1", 3, R"({"id": 5})"), ValueEncoding::kJson, ValueEncoding::kJson),
      R"({"key":{"id": 5},"value":1,"headers":{},"metadata":{"topic":"orders","partition":2,"offset":3,"timestamp":null}})");
}

TEST(EnvelopeTest, InvalidJsonNamesRecordAndPart) {
  EnvelopeEncoder enc(ValueEncoding::kJson, ValueEncoding::kJson);
  std::string out;
  Status st = enc.Append(Rec("1", 1041, "not json"), &out);
  ASSERT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("orders-2@1041"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("key is not valid JSON"), std::string::npos) << st.message();
}

TEST(HeadersJsonTest, RepeatedNamesKeepTheLastValueAtTheFirstPosition) {
  Record r =
      Rec("v", 0, std::nullopt, -1, {{"a", "1"}, {"b", "x"}, {"a", "2"}, {"a", std::nullopt}});
  std::string out;
  AppendHeadersJson(r, &out);
  EXPECT_EQ(out, R"({"a":null,"b":"x"})");
}

TEST(HeadersJsonTest, NonUtf8ValuesAreBase64AndNamesEscaped) {
  Record r =
      Rec("v", 0, std::nullopt, -1, {{"bin", std::string_view("\xff\xfe", 2)}, {"q\"\n", "é"}});
  std::string out;
  AppendHeadersJson(r, &out);
  EXPECT_EQ(out, "{\"bin\":\"//4=\",\"q\\\"\\n\":\"\xc3\xa9\"}");
}

TEST(IsoInstantTest, PrintsLikeJavaIsoInstant) {
  auto iso = [](int64_t ms) {
    std::string out;
    AppendIsoInstant(ms, &out);
    return out;
  };
  EXPECT_EQ(iso(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso(1700000000000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(iso(1700000000123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(iso(1700000000100), "2023-11-14T22:13:20.100Z");
  EXPECT_EQ(iso(1709164800005), "2024-02-29T00:00:00.005Z");
}

TEST(AivenRecordTest, FieldsInConfiguredOrder) {
  JsonValueEncoder values;
  std::string out;
  Record r = Rec(R"({"a":1})", 42, "k", 1700000000123, {{"h", "v"}, {"n", std::nullopt}});
  ASSERT_TRUE(AppendAivenRecord(r,
                                {OutputField::kValue, OutputField::kKey, OutputField::kOffset,
                                 OutputField::kTimestamp, OutputField::kHeaders},
                                true, ValueEncoding::kString, ValueEncoding::kJson, &values, &out)
                  .ok());
  EXPECT_EQ(out, R"({"value":{"a":1},"key":"k","offset":42,"timestamp":"2023-11-14T22:13:20.123Z",)"
                 R"("headers":[{"key":"h","value":"v"},{"key":"n","value":null}]})");
  out.clear();
  ASSERT_TRUE(AppendAivenRecord(Rec("x", 1), {OutputField::kTimestamp, OutputField::kHeaders}, true,
                                ValueEncoding::kString, ValueEncoding::kString, &values, &out)
                  .ok());
  EXPECT_EQ(out, R"({"timestamp":null,"headers":[]})");
  out.clear();
  ASSERT_TRUE(AppendAivenRecord(Rec(R"({"a":1})", 1), {OutputField::kValue}, false,
                                ValueEncoding::kString, ValueEncoding::kJson, &values, &out)
                  .ok());
  EXPECT_EQ(out, R"({"a":1})");
}

}  // namespace
}  // namespace tributary
