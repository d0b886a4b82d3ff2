// DuckDB as an independent reader of the row formats and codecs: files written here are
// queried with tests/node/duckdb_query.mjs. Skipped when node or its modules are missing.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "format/codec/codec.h"
#include "format/test_records.h"

namespace tributary {
namespace {

using testing_records::Rec;

const std::filesystem::path kNodeDir = TRIBUTARY_NODE_DIR;

class DuckDbReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("node --version >/dev/null 2>&1") != 0 ||
        !std::filesystem::exists(kNodeDir / "node_modules" / "@duckdb" / "node-api")) {
      GTEST_SKIP() << "node or " << kNodeDir << "/node_modules missing";
    }
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("tributary_duckdb_read_test-" +
            std::to_string(::getpid()));  // per process: tests run in parallel
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }

  // Writes `records` as `options` through `codec` to dir_/name; returns the path.
  std::string WriteFile(const std::string& name, const FormatOptions& options, Codec codec,
                        const std::vector<Record>& records) {
    auto format = MakeFormat(options);
    EXPECT_TRUE(format.ok());
    StringOutputStream file;
    auto stream = MakeCompressingStream(codec, -1, &file);
    EXPECT_TRUE(stream.ok());
    auto writer = (*format)->NewWriter(stream->get());
    for (const Record& r : records) EXPECT_TRUE(writer->Write(r).ok());
    EXPECT_TRUE(writer->Close().ok());
    EXPECT_TRUE((*stream)->Close().ok());
    std::string path = (dir_ / (name + (*format)->Extension() + CodecExtension(codec))).string();
    std::ofstream(path, std::ios::binary) << file.buffer();
    return path;
  }

  static std::string Query(const std::string& sql) {
    // Single-quoted for the shell: SQL keeps its quotes and '$' as they are.
    std::string quoted = "'";
    for (char c : sql) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    quoted += "'";
    std::string cmd = "node " + (kNodeDir / "duckdb_query.mjs").string() + " " + quoted;
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
    EXPECT_EQ(pclose(p), 0) << cmd;
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  std::filesystem::path dir_;
};

TEST_F(DuckDbReadTest, ReadsGzippedCsvWithQuotedFields) {
  FormatOptions o{.kind = FormatKind::kCsv,
                  .csv_header = true,
                  .csv_fields = {OutputField::kKey, OutputField::kValue, OutputField::kOffset,
                                 OutputField::kHeaders},
                  .csv_value_encoding = FieldEncoding::kNone,
                  .csv_key_encoding = FieldEncoding::kNone};
  std::string path = WriteFile(
      "orders+0+0000000000", o, Codec::kGzip,
      {Rec("a, \"quoted\" value", 0, "k0", -1, {{"h", "1"}}), Rec("two\nlines", 1, std::nullopt)});
  EXPECT_EQ(Query("SELECT key, value, \"offset\", json_extract_string(headers, '$.h') AS h "
                  "FROM read_csv('" +
                  path +
                  "', header=true, all_varchar=true) "
                  "ORDER BY \"offset\""),
            R"([{"key":"k0","value":"a, \"quoted\" value","offset":"0","h":"1"},)"
            R"({"key":null,"value":"two\nlines","offset":"1","h":null}])");
}

TEST_F(DuckDbReadTest, ReadsJsonArrayEnvelopes) {
  FormatOptions o{.kind = FormatKind::kJsonArray, .envelope = true};
  std::string path = WriteFile("arr", o, Codec::kNone,
                               {Rec(R"({"id":1})", 10, "k", 1700000000000, {{"h", "v"}}),
                                Rec(R"({"id":2})", 11, std::nullopt)});
  EXPECT_EQ(Query("SELECT key, value.id AS id, headers.h AS h, metadata.topic AS t, "
                  "metadata.offset AS o FROM read_json_auto('" +
                  path + "') ORDER BY o"),
            R"([{"key":"k","id":"1","h":"v","t":"orders","o":"10"},)"
            R"({"key":null,"id":"2","h":null,"t":"orders","o":"11"}])");
}

TEST_F(DuckDbReadTest, ReadsZstdJsonLines) {
  std::vector<Record> recs;
  std::vector<std::string> values;
  for (int i = 0; i < 1000; ++i) values.push_back(R"({"n":)" + std::to_string(i) + "}");
  for (int i = 0; i < 1000; ++i) recs.push_back(Rec(values[i], i));
  std::string path = WriteFile("lines", {.kind = FormatKind::kJson}, Codec::kZstd, recs);
  EXPECT_EQ(Query("SELECT count(*) AS c, sum(n) AS s FROM read_json_auto('" + path + "')"),
            R"([{"c":"1000","s":"499500"}])");
}

}  // namespace
}  // namespace tributary
