#include "transform/json_value.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

std::string RoundTrip(std::string_view text) {
  auto v = JsonValue::Parse(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? v->ToString() : "";
}

TEST(JsonValueTest, CompactsAndKeepsMemberOrder) {
  EXPECT_EQ(RoundTrip(R"( { "b" : 1, "a" : [ true, false, null ], "c": {"z": "y"} } )"),
            R"({"b":1,"a":[true,false,null],"c":{"z":"y"}})");
}

TEST(JsonValueTest, NumbersKeepTheirKind) {
  EXPECT_EQ(RoundTrip("[1,-7,18446744073709551615,1.5,2.0,1e20,0.0001,1234567.0,12345678.9]"),
            "[1,-7,18446744073709551615,1.5,2.0,1.0E20,1.0E-4,1234567.0,1.23456789E7]");
}

TEST(JsonValueTest, EscapesStrings) {
  EXPECT_EQ(RoundTrip(R"(["a\"b\\c\n\t\u0001", "é"])"), R"(["a\"b\\c\n\t\u0001","é"])");
}

TEST(JsonValueTest, SetReplacesInPlaceAndAppendsNewMembers) {
  auto v = JsonValue::Parse(R"({"a":1,"b":2})").value();
  v.Set("a", JsonValue::String("x"));
  v.Set("c", JsonValue::Bool(true));
  EXPECT_TRUE(v.Erase("b"));
  EXPECT_FALSE(v.Erase("missing"));
  EXPECT_EQ(v.ToString(), R"({"a":"x","c":true})");
}

TEST(JsonValueTest, RejectsInvalidJsonWithReason) {
  auto v = JsonValue::Parse("{\"a\":");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("not valid JSON"), std::string::npos);
}

}  // namespace
}  // namespace tributary
