// Test helpers: records and a write-everything loop. Only for *_test.cc.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>

#include "format/format_options.h"
#include "format/output_stream.h"
#include "format/record.h"

namespace tributary::testing_records {

inline Record Rec(std::optional<std::string_view> value, int64_t offset = 0,
                  std::optional<std::string_view> key = std::nullopt, int64_t timestamp_ms = -1,
                  std::vector<RecordHeader> headers = {}) {
  return Record{.topic = "orders",
                .partition = Partition(2),
                .offset = Offset(offset),
                .timestamp_ms = timestamp_ms,
                .key = key,
                .value = value,
                .headers = std::move(headers)};
}

// Writes `records` with a writer of `options` and returns the file's bytes.
inline std::string WriteAll(const FormatOptions& options, const std::vector<Record>& records) {
  auto format = MakeFormat(options);
  EXPECT_TRUE(format.ok()) << format.status().ToString();
  if (!format.ok()) return "";
  StringOutputStream out;
  auto writer = (*format)->NewWriter(&out);
  for (const Record& r : records) {
    Status st = writer->Write(r);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  EXPECT_TRUE(writer->Close().ok());
  return out.Release();
}

// Runs `cmd` with popen; returns its stdout without the final newline and sets *rc to the
// exit status. For the independent readers (node, /usr/bin/python3).
inline std::string RunCommand(const std::string& cmd, int* rc) {
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  *rc = pclose(p);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// `s` single-quoted for the shell: SQL and JSON keep their quotes and '$' as they are.
inline std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// A fresh directory for this test process (ctest runs tests in parallel).
inline std::filesystem::path ProcessTempDir(const std::string& name) {
  auto dir =
      std::filesystem::path(::testing::TempDir()) / (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// True when tests/node has its modules (DuckDB, hyparquet) and node runs.
inline bool HaveNodeReaders(const std::filesystem::path& node_dir) {
  return std::system("node --version >/dev/null 2>&1") == 0 &&
         std::filesystem::exists(node_dir / "node_modules" / "@duckdb" / "node-api");
}

}  // namespace tributary::testing_records
