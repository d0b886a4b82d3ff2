#include "format/jsonl/json_format.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

Record R(std::optional<std::string_view> value, int64_t offset = 7) {
  return Record{
      .topic = "orders", .partition = Partition(2), .offset = Offset(offset), .value = value};
}

std::string WriteAll(ValueEncoding enc, std::vector<std::string_view> values) {
  StringOutputStream out;
  auto w = MakeJsonFormat(enc)->NewWriter(&out);
  int64_t off = 0;
  for (auto v : values) EXPECT_TRUE(w->Write(R(v, off++)).ok());
  EXPECT_TRUE(w->Close().ok());
  return out.Release();
}

TEST(JsonFormatTest, WritesOneCompactValuePerLine) {
  EXPECT_EQ(
      WriteAll(ValueEncoding::kJson, {R"({"id":1})", "{\n  \"id\": 2,\n  \"a\": [1, 2]\n}", "3"}),
      "{\"id\":1}\n{\"id\":2,\"a\":[1,2]}\n3\n");
  EXPECT_EQ(MakeJsonFormat(ValueEncoding::kJson)->Extension(), ".json");
}

TEST(JsonFormatTest, InvalidJsonNamesTheRecord) {
  StringOutputStream out;
  auto w = MakeJsonFormat(ValueEncoding::kJson)->NewWriter(&out);
  Status st = w->Write(R("{\"id\": 1", 1041));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("orders-2@1041"), std::string::npos) << st.message();
  EXPECT_EQ(out.Size(), 0u);
}

TEST(JsonFormatTest, StringsAreEscaped) {
  EXPECT_EQ(WriteAll(ValueEncoding::kString, {"say \"hi\"\n\x01"}),
            "\"say \\\"hi\\\"\\n\\u0001\"\n");
}

TEST(JsonFormatTest, BytesAreBase64) {
  EXPECT_EQ(WriteAll(ValueEncoding::kBytes, {"", "f", "fo", "foo", "foob"}),
            "\"\"\n\"Zg==\"\n\"Zm8=\"\n\"Zm9v\"\n\"Zm9vYg==\"\n");
}

}  // namespace
}  // namespace tributary
