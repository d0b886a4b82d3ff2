// JsonFormat (io.confluent.connect.s3.format.json.JsonFormat): one JSON value per line,
// newline-terminated, extension ".json" — the layout the Confluent connector writes and
// DuckDB, Spark and Athena read as JSON lines.
//
// Values by encoding:
//   kJson    written as given, compacted to one line when it spans several; a value that
//            is not valid JSON is an InvalidArgument naming the record.
//   kString  written as a JSON string.
//   kBytes   written as a base64 JSON string (as Connect's JsonConverter writes bytes).
// Null values never reach the writer: the sink applies behavior.on.null.values first
// (with options.envelope a null value is written as JSON null).
//
// Aiven's record shape (options.json_fields, from format.output.fields): each record is
//   {"key":K,"value":V,"offset":1041,"timestamp":"2023-11-14T22:13:20.123Z",
//    "headers":[{"key":"h","value":"v"}]}
// with the configured fields in the configured order (envelope/envelope.h,
// AppendAivenRecord), or only the single field's value with json_fields_envelope false.
// As Aiven's jsonl writer does, lines are then *separated* by "\n": none after the last.
//
// JSON array (Aiven's format.output.type=json), extension ".json": the same values, or
// envelopes, as the elements of one array, one element per line:
//   "[\n" elem ( ",\n" elem )* "\n]"      and "[]" for a file without records
// — byte for byte what Aiven's JSON writer produces (no newline after "]").
// "[" and the first element are written with the first record, the rest at Close(), so
// the array streams like the other row formats.
#pragma once

#include <memory>

#include "common/base64.h"  // AppendBase64, used by every writer
#include "format/format_options.h"
#include "format/record_writer.h"

namespace tributary {

// JSON lines of bare values (no envelope): what the sink used before MakeFormat.
std::unique_ptr<Format> MakeJsonFormat(ValueEncoding encoding);
// JSON lines or a JSON array (by options.kind), bare values or envelopes.
std::unique_ptr<Format> MakeJsonFormat(const FormatOptions& options);

// Appends `s` as a quoted JSON string with RFC 8259 escapes. Exposed for tests.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace tributary
