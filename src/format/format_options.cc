#include "format/format_options.h"

#include <algorithm>

#include "common/strings.h"
#include "format/avro/avro_format.h"
#include "format/bytes/bytes_format.h"
#include "format/csv/csv_format.h"
#include "format/jsonl/json_format.h"
#include "format/parquet/parquet_format.h"
#include "format/text/text_format.h"
#include "schema/avro_schema.h"

namespace tributary {
namespace {

constexpr std::string_view kSeparatorKey = "format.bytearray.separator";

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Reads the 4 hex digits of a \uXXXX escape at s[i..i+4).
Result<uint32_t> ReadHex4(std::string_view s, size_t i) {
  if (i + 4 > s.size()) {
    return InvalidArgument("{}: '\\u' must be followed by 4 hex digits in '{}'", kSeparatorKey, s);
  }
  uint32_t v = 0;
  for (size_t k = i; k < i + 4; ++k) {
    int d = HexDigit(s[k]);
    if (d < 0) {
      return InvalidArgument("{}: '\\u' must be followed by 4 hex digits in '{}'", kSeparatorKey,
                             s);
    }
    v = v << 4 | static_cast<uint32_t>(d);
  }
  return v;
}

}  // namespace

Result<std::string> UnescapeSeparator(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out.push_back(s[i]);
      continue;
    }
    if (++i == s.size()) {
      return InvalidArgument("{}: '{}' ends with a lone backslash (write \\\\ for one)",
                             kSeparatorKey, s);
    }
    switch (s[i]) {
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '"':
        out.push_back('"');
        break;
      case '\'':
        out.push_back('\'');
        break;
      case 'u': {
        ASSIGN_OR_RETURN(uint32_t cp, ReadHex4(s, i + 1));
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {  // high surrogate: a low one must follow
          if (i + 2 < s.size() && s[i + 1] == '\\' && s[i + 2] == 'u') {
            ASSIGN_OR_RETURN(uint32_t low, ReadHex4(s, i + 3));
            if (low >= 0xDC00 && low <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
              i += 6;
              AppendUtf8(cp, &out);
              break;
            }
          }
          return InvalidArgument("{}: unpaired surrogate \\u{:04X} in '{}'", kSeparatorKey, cp, s);
        }
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return InvalidArgument("{}: unpaired surrogate \\u{:04X} in '{}'", kSeparatorKey, cp, s);
        }
        AppendUtf8(cp, &out);
        break;
      }
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        // Java octal escape: up to three digits when the first is 0..3, else up to two
        // (so the value stays within \377).
        size_t max_digits = s[i] <= '3' ? 3 : 2;
        uint32_t v = 0;
        size_t n = 0;
        while (n < max_digits && i < s.size() && s[i] >= '0' && s[i] <= '7') {
          v = v * 8 + static_cast<uint32_t>(s[i] - '0');
          ++i;
          ++n;
        }
        --i;  // the loop's ++i moves past the last digit
        out.push_back(static_cast<char>(v));
        break;
      }
      default:
        return InvalidArgument(
            "{}: unknown escape '\\{}' in '{}'; expected \\n \\r \\t \\b \\f \\\\ \\\" \\', "
            "octal \\0..\\377 or \\uXXXX",
            kSeparatorKey, s[i], s);
    }
  }
  return out;
}

std::string_view OutputFieldName(OutputField field) {
  switch (field) {
    case OutputField::kKey:
      return "key";
    case OutputField::kValue:
      return "value";
    case OutputField::kOffset:
      return "offset";
    case OutputField::kTimestamp:
      return "timestamp";
    case OutputField::kHeaders:
      return "headers";
  }
  return "?";
}

Result<std::vector<OutputField>> ParseOutputFields(std::string_view list) {
  static constexpr OutputField kAll[] = {OutputField::kKey, OutputField::kValue,
                                         OutputField::kOffset, OutputField::kTimestamp,
                                         OutputField::kHeaders};
  std::vector<OutputField> fields;
  for (const std::string& name : SplitList(list)) {
    const OutputField* found = std::find_if(std::begin(kAll), std::end(kAll), [&](OutputField f) {
      return OutputFieldName(f) == name;
    });
    if (found == std::end(kAll)) {
      return InvalidArgument(
          "format.output.fields: unknown field '{}' in '{}'; expected a "
          "comma-separated list of key, value, offset, timestamp, headers",
          name, list);
    }
    if (std::find(fields.begin(), fields.end(), *found) != fields.end()) {
      return InvalidArgument("format.output.fields: '{}' is listed twice in '{}'", name, list);
    }
    fields.push_back(*found);
  }
  if (fields.empty()) {
    return InvalidArgument(
        "format.output.fields: expected at least one of key, value, offset, "
        "timestamp, headers; got '{}'",
        list);
  }
  return fields;
}

Result<FieldEncoding> ParseFieldEncoding(std::string_view value) {
  if (value == "base64") return FieldEncoding::kBase64;
  if (value == "none") return FieldEncoding::kNone;
  return InvalidArgument(
      "format.output.fields.value.encoding: expected 'base64' or 'none', got '{}'", value);
}

Result<std::unique_ptr<Format>> MakeFormat(const FormatOptions& options) {
  switch (options.kind) {
    case FormatKind::kJson:
    case FormatKind::kJsonArray:
      if (!options.json_fields.empty() && options.envelope) {
        return InvalidArgument(
            "format.output.fields: Aiven's record fields and Tributary's "
            "envelope are two shapes; choose one");
      }
      if (!options.json_fields_envelope && options.json_fields.size() != 1) {
        return InvalidArgument(
            "format.output.envelope: false needs exactly one field in "
            "format.output.fields, got {}",
            options.json_fields.size());
      }
      return MakeJsonFormat(options);
    case FormatKind::kCsv:
      if (options.csv_fields.empty() && !options.envelope) {
        return InvalidArgument("format.output.fields: the CSV format needs at least one field");
      }
      if (options.csv_line_terminator != "\n" && options.csv_line_terminator != "\r\n") {
        return InvalidArgument("CSV line terminator: expected \"\\n\" or \"\\r\\n\"");
      }
      if (options.csv_dialect == CsvDialect::kAiven && options.csv_header) {
        return InvalidArgument("CSV header row: Aiven's CSV dialect has no header row");
      }
      return MakeCsvFormat(options);
    case FormatKind::kText:
      return MakeTextFormat(options);
    case FormatKind::kBytes:
      return MakeBytesFormat(options);
    case FormatKind::kAvro:
      return MakeAvroFormat(options);
    case FormatKind::kParquet:
      return MakeParquetFormat(options);
  }
  return Internal("MakeFormat: unknown format kind {}", static_cast<int>(options.kind));
}

Result<std::optional<Schema>> ValueSchema(const FormatOptions& options,
                                          std::string_view format_name) {
  if (options.registry) return std::optional<Schema>();  // each value names its schema
  if (options.value_encoding == ValueEncoding::kBytes) {
    return InvalidArgument(
        "value.converter: {} needs JSON values (JsonConverter or StringConverter); "
        "ByteArrayConverter values have no structure to write",
        format_name);
  }
  if (options.value_schema.empty()) {
    if (options.schema_inference) return std::optional<Schema>();
    return InvalidArgument(
        "value.schema: {} needs the values' schema: set value.schema to an Avro schema "
        "(JSON) or schema.inference=true",
        format_name);
  }
  auto schema = ParseAvroSchema(options.value_schema);
  if (!schema.ok()) return InvalidArgument("value.schema: {}", schema.status().message());
  return std::optional<Schema>(std::move(*schema));
}

}  // namespace tributary
