#include "format/envelope/envelope.h"

#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "format/jsonl/json_format.h"

namespace tributary {

namespace {

void AppendHeaderValue(const std::optional<std::string_view>& v, std::string* out) {
  if (!v) {
    out->append("null");
  } else if (simdjson::validate_utf8(v->data(), v->size())) {
    AppendJsonString(*v, out);
  } else {
    out->push_back('"');
    AppendBase64(*v, out);
    out->push_back('"');
  }
}

}  // namespace

namespace {

simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

}  // namespace

Status JsonValueEncoder::Append(const Record& record, std::string_view part, std::string_view bytes,
                                ValueEncoding encoding, std::string* out) {
  switch (encoding) {
    case ValueEncoding::kJson: {
      // Validate: one bad value would make the whole object unreadable to lake engines.
      simdjson::dom::element doc;
      if (auto err = ThreadParser().parse(bytes.data(), bytes.size()).get(doc); err) {
        return InvalidArgument(
            "{}: {} is not valid JSON ({}); with {}.converter=JsonConverter "
            "every {} must be JSON",
            record.Where(), part, simdjson::error_message(err), part, part);
      }
      // Two vectorised memchr scans: string_view::find_first_of calls memchr on the
      // two-character set once per byte (13% of the sink's CPU on JSON, perf).
      if (std::memchr(bytes.data(), '\n', bytes.size()) == nullptr &&
          std::memchr(bytes.data(), '\r', bytes.size()) == nullptr) {
        out->append(bytes);
      } else {
        out->append(simdjson::minify(doc));
      }
      break;
    }
    case ValueEncoding::kString:
      AppendJsonString(bytes, out);
      break;
    case ValueEncoding::kBytes:
      out->push_back('"');
      AppendBase64(bytes, out);
      out->push_back('"');
      break;
  }
  return Status::OK();
}

Status JsonValueEncoder::AppendNullable(const Record& record, std::string_view part,
                                        std::optional<std::string_view> bytes,
                                        ValueEncoding encoding, std::string* out) {
  if (!bytes) {
    out->append("null");
    return Status::OK();
  }
  return Append(record, part, *bytes, encoding, out);
}

void AppendHeadersJson(const Record& record, std::string* out) {
  out->push_back('{');
  const auto& hs = record.headers;
  bool first = true;
  for (size_t i = 0; i < hs.size(); ++i) {
    // Names repeat rarely and lists are short: find the last header of this name, and
    // write it at the position of the first.
    bool seen_before = false;
    for (size_t j = 0; j < i && !seen_before; ++j) seen_before = hs[j].name == hs[i].name;
    if (seen_before) continue;
    size_t last = i;
    for (size_t j = i + 1; j < hs.size(); ++j) {
      if (hs[j].name == hs[i].name) last = j;
    }
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(hs[i].name, out);
    out->push_back(':');
    AppendHeaderValue(hs[last].value, out);
  }
  out->push_back('}');
}

void AppendIsoInstant(int64_t timestamp_ms, std::string* out) {
  int64_t seconds = timestamp_ms / 1000;
  int64_t millis = timestamp_ms % 1000;
  if (millis < 0) {  // floor for times before 1970
    millis += 1000;
    seconds -= 1;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  fmt::format_to(std::back_inserter(*out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (millis != 0) fmt::format_to(std::back_inserter(*out), ".{:03}", millis);
  out->push_back('Z');
}

Status AppendAivenRecord(const Record& record, const std::vector<OutputField>& fields, bool wrap,
                         ValueEncoding key_encoding, ValueEncoding value_encoding,
                         JsonValueEncoder* values, std::string* out) {
  if (wrap) out->push_back('{');
  bool first = true;
  for (OutputField field : fields) {
    if (wrap) {
      if (!first) out->push_back(',');
      AppendJsonString(OutputFieldName(field), out);
      out->push_back(':');
    }
    first = false;
    switch (field) {
      case OutputField::kKey:
        RETURN_IF_ERROR(values->AppendNullable(record, "key", record.key, key_encoding, out));
        break;
      case OutputField::kValue:
        RETURN_IF_ERROR(values->AppendNullable(record, "value", record.value, value_encoding, out));
        break;
      case OutputField::kOffset:
        fmt::format_to(std::back_inserter(*out), "{}", record.offset.value());
        break;
      case OutputField::kTimestamp:
        if (record.timestamp_ms < 0) {
          out->append("null");
        } else {
          out->push_back('"');
          AppendIsoInstant(record.timestamp_ms, out);
          out->push_back('"');
        }
        break;
      case OutputField::kHeaders: {
        out->push_back('[');
        bool first_header = true;
        for (const RecordHeader& h : record.headers) {
          if (!first_header) out->push_back(',');
          first_header = false;
          out->append("{\"key\":");
          AppendJsonString(h.name, out);
          out->append(",\"value\":");
          AppendHeaderValue(h.value, out);
          out->push_back('}');
        }
        out->push_back(']');
        break;
      }
    }
    if (!wrap) break;
  }
  if (wrap) out->push_back('}');
  return Status::OK();
}

Status EnvelopeEncoder::Append(const Record& record, std::string* out) {
  out->append("{\"key\":");
  RETURN_IF_ERROR(values_.AppendNullable(record, "key", record.key, key_encoding_, out));
  out->append(",\"value\":");
  RETURN_IF_ERROR(values_.AppendNullable(record, "value", record.value, value_encoding_, out));
  out->append(",\"headers\":");
  AppendHeadersJson(record, out);
  out->append(",\"metadata\":{\"topic\":");
  AppendJsonString(record.topic, out);
  fmt::format_to(std::back_inserter(*out),
                 ",\"partition\":{},\"offset\":{},\"timestamp\":", record.partition.value(),
                 record.offset.value());
  if (record.timestamp_ms < 0) {
    out->append("null");
  } else {
    fmt::format_to(std::back_inserter(*out), "{}", record.timestamp_ms);
  }
  out->append("}}");
  return Status::OK();
}

}  // namespace tributary
