// Test helpers: records and a write-everything loop. Only for *_test.cc.
#pragma once

#include <string>
#include <vector>

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

}  // namespace tributary::testing_records
