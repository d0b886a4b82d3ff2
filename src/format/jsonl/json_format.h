// JsonFormat (io.confluent.connect.s3.format.json.JsonFormat): one JSON value per line,
// newline-terminated, extension ".json" — the layout the Confluent connector writes and
// DuckDB, Spark and Athena read as JSON lines.
//
// Values by encoding:
//   kJson    written as given, compacted to one line when it spans several; a value that
//            is not valid JSON is an InvalidArgument naming the record.
//   kString  written as a JSON string.
//   kBytes   written as a base64 JSON string (as Connect's JsonConverter writes bytes).
// Null values never reach the writer: the sink applies behavior.on.null.values first.
#pragma once

#include <memory>

#include "format/record_writer.h"

namespace tributary {

std::unique_ptr<Format> MakeJsonFormat(ValueEncoding encoding);

// Appends `s` as a quoted JSON string with RFC 8259 escapes. Exposed for tests.
void AppendJsonString(std::string_view s, std::string* out);
// Standard base64 with padding. Exposed for tests.
void AppendBase64(std::string_view s, std::string* out);

}  // namespace tributary
