#include "objstore/s3/ini_file.h"

#include <gtest/gtest.h>

namespace tributary::s3 {
namespace {

TEST(IniFileTest, ParsesSectionsKeysCommentsAndSubProperties) {
  const auto file = IniFile::Parse(
      "# leading comment\n"
      "[default]\n"
      "aws_access_key_id = AKIDDEFAULT\r\n"
      "  aws_secret_access_key=with = equals  \n"
      "; another comment\n"
      "\n"
      "[ profile prod ]\n"
      "role_arn = arn:aws:iam::123456789012:role/r\n"
      "s3 =\n"
      "  max_concurrent_requests = 20\n"
      "region = eu-west-1\n",
      "config");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const IniSection* def = file->Find("default");
  ASSERT_NE(def, nullptr);
  EXPECT_EQ(def->at("aws_access_key_id"), "AKIDDEFAULT");
  EXPECT_EQ(def->at("aws_secret_access_key"), "with = equals");
  const IniSection* prod = file->Find("profile prod");
  ASSERT_NE(prod, nullptr);
  EXPECT_EQ(prod->at("role_arn"), "arn:aws:iam::123456789012:role/r");
  EXPECT_EQ(prod->at("s3.max_concurrent_requests"), "20");
  EXPECT_EQ(prod->at("region"), "eu-west-1");
  EXPECT_EQ(prod->count("max_concurrent_requests"), 0u);
  EXPECT_EQ(file->Find("prod"), nullptr);
}

TEST(IniFileTest, RepeatedSectionsMergeAndLastValueWins) {
  const auto file = IniFile::Parse("[a]\nx = 1\ny = 2\n[b]\nz = 3\n[a]\nx = 4\n", "f");
  ASSERT_TRUE(file.ok());
  const IniSection* a = file->Find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->at("x"), "4");
  EXPECT_EQ(a->at("y"), "2");
  EXPECT_EQ(file->sections().size(), 2u);
}

TEST(IniFileTest, MalformedLineNamesFileAndLineButNotTheText) {
  const auto file = IniFile::Parse("[default]\naws_secret_access_key SECRETVALUE\n", "/h/creds");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(file.status().message().find("/h/creds:2"), std::string::npos);
  EXPECT_EQ(file.status().message().find("SECRETVALUE"), std::string::npos);

  EXPECT_FALSE(IniFile::Parse("key = value\n", "f").ok());  // before any section
  EXPECT_FALSE(IniFile::Parse("[unterminated\n", "f").ok());
  EXPECT_FALSE(IniFile::Parse("[]\n", "f").ok());
}

TEST(IniFileTest, LoadReportsMissingFileAsNotFound) {
  const auto file = IniFile::Load("/nonexistent/dir/credentials");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace tributary::s3
