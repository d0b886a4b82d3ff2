// CSV (Aiven's format.output.type=csv), extension ".csv".
//
// One row per record; its fields are options.csv_fields in that order:
//   key, value  base64 (padded) or the raw bytes, by csv_key_encoding/csv_value_encoding;
//               a null key or value is an empty field.
//   offset      decimal.
//   timestamp   epoch milliseconds, decimal; empty when the record has none.
//   headers     the headers as one JSON object (envelope/envelope.h's shape).
// With options.envelope the row has one field, "envelope", holding the envelope JSON.
//
// Quoting follows RFC 4180 §2: a field containing a comma, a double quote, CR or LF is
// enclosed in double quotes, and each double quote inside is doubled; other fields are
// written bare. Rows end with options.csv_line_terminator ("\n" by default, "\r\n" as
// RFC 4180 writes it; readers accept both). With csv_header the first row names the
// fields ("key,value,offset,timestamp,headers" or "envelope"); a file without records
// then holds only that row.
//
// CsvDialect::kAiven writes the bytes of Aiven's CSV writer instead (read from its
// plainwriter sources): no quoting at all (raw values are written as they are, commas and
// newlines included), records *separated* by "\n" (no newline after the last), no header
// row, and the headers field as "base64(name):base64(value);" per header (a null value
// empty). Key, value, offset and timestamp are as above; Aiven's defaults (base64 key and
// value) make that output unambiguous.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "format/format_options.h"

namespace tributary {

// Requires options.csv_fields to be non-empty (MakeFormat checks).
std::unique_ptr<Format> MakeCsvFormat(const FormatOptions& options);

// Appends `field`, quoted when RFC 4180 requires it. Exposed for tests.
void AppendCsvField(std::string_view field, std::string* out);

}  // namespace tributary
