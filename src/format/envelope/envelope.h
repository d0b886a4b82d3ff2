// JSON encodings of a record's parts shared by every row format: a key or value as one
// JSON value, the headers as one JSON object, and the envelope
//
//   {"key":K,"value":V,"headers":{"name":"v",...},
//    "metadata":{"topic":"orders","partition":2,"offset":1041,"timestamp":1700000000000}}
//
// (field order fixed as shown; the exact rules are in src/format/README.md, "Envelope").
//
// Key and value by encoding:
//   kJson    the bytes as JSON, validated; compacted to one line when they span several.
//            Invalid JSON is an InvalidArgument naming the record and "key"/"value".
//   kString  a JSON string (RFC 8259 escapes).
//   kBytes   a base64 JSON string (padded, standard alphabet), as JsonConverter writes bytes.
//   null     JSON null.
// Headers: a JSON object, one member per header name in first-seen order; when a name
// repeats, the last value wins (as a Connect header map would). A value that is valid
// UTF-8 is a JSON string, any other value a base64 string, a null value JSON null.
// Timestamp: epoch milliseconds, null when the record has none (-1).
//
// Thread safety: an encoder is used by one thread (it owns a reusable parser).
#pragma once

#include <string>
#include <string_view>

#include <simdjson.h>

#include "format/format_options.h"
#include "format/record.h"
#include "format/record_writer.h"

namespace tributary {

class JsonValueEncoder {
 public:
  // Appends `bytes` (the record's `part`, "key" or "value") as one JSON value.
  Status Append(const Record& record, std::string_view part, std::string_view bytes,
                ValueEncoding encoding, std::string* out);
  // As Append, JSON null for nullopt.
  Status AppendNullable(const Record& record, std::string_view part,
                        std::optional<std::string_view> bytes, ValueEncoding encoding,
                        std::string* out);

  // Validation parses with one simdjson parser per thread, not one per encoder: a
  // parser keeps buffers of its largest document and its maximum depth (tens of KiB),
  // and a sink holds an encoder per open file — thousands of them.
};

// Appends the headers object ("{}" when there are none).
void AppendHeadersJson(const Record& record, std::string* out);

// Appends `timestamp_ms` as java.time's ISO_INSTANT prints it: "2023-11-14T22:13:20Z",
// with ".SSS" only when the milliseconds are not zero.
void AppendIsoInstant(int64_t timestamp_ms, std::string* out);

// Aiven's JSON record object: `fields` in order — "key"/"value" by encoding (null when
// null), "offset" a number, "timestamp" ISO_INSTANT or null, "headers" an array of
// {"key":name,"value":v} (v a string when valid UTF-8, else base64; null when null). With
// `wrap` false, only the first field's value.
Status AppendAivenRecord(const Record& record, const std::vector<OutputField>& fields, bool wrap,
                         ValueEncoding key_encoding, ValueEncoding value_encoding,
                         JsonValueEncoder* values, std::string* out);

class EnvelopeEncoder {
 public:
  EnvelopeEncoder(ValueEncoding key_encoding, ValueEncoding value_encoding)
      : key_encoding_(key_encoding), value_encoding_(value_encoding) {}
  // Appends the envelope object of `record`, on one line, without a newline.
  Status Append(const Record& record, std::string* out);

 private:
  ValueEncoding key_encoding_;
  ValueEncoding value_encoding_;
  JsonValueEncoder values_;
};

}  // namespace tributary
