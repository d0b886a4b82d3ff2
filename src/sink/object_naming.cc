#include "sink/object_naming.h"

#include <fmt/format.h>

#include <functional>
#include <set>

#include "common/strings.h"
#include "sink/partitioner.h"
#include "sink/time_zone.h"

namespace tributary {
namespace {

constexpr std::string_view kKey = "file.name.template";

struct Variable {
  std::string name;
  std::string param;  // "padding", "unit" or empty
  std::string value;
};

// Calls `text` for literal runs and `var` for each {{ name[:param=value] }}.
// Aiven's grammar: names and parameters are word characters; spaces inside the braces
// are allowed.
Status Scan(std::string_view t, const std::function<void(std::string_view)>& text,
            const std::function<Status(const Variable&, std::string_view raw)>& var) {
  size_t pos = 0;
  while (pos < t.size()) {
    size_t open = t.find("{{", pos);
    if (open == std::string_view::npos) break;
    size_t close = t.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    text(t.substr(pos, open - pos));
    std::string_view body = Trim(t.substr(open + 2, close - open - 2));
    Variable v;
    size_t colon = body.find(':');
    v.name = std::string(Trim(body.substr(0, colon)));
    if (colon != std::string_view::npos) {
      std::string_view p = body.substr(colon + 1);
      size_t eq = p.find('=');
      v.param = std::string(Trim(p.substr(0, eq)));
      if (eq != std::string_view::npos) v.value = std::string(Trim(p.substr(eq + 1)));
    }
    RETURN_IF_ERROR(var(v, t.substr(open, close + 2 - open)));
    pos = close + 2;
  }
  text(t.substr(pos));
  return Status::OK();
}

bool Padded(const Variable& v) { return v.param == "padding" && v.value == "true"; }

}  // namespace

Result<FileNameTemplate> FileNameTemplate::Parse(std::string_view text) {
  FileNameTemplate t;
  t.text_ = std::string(Trim(text));
  std::set<std::string> seen;
  RETURN_IF_ERROR(Scan(
      t.text_, [](std::string_view) {},
      [&](const Variable& v, std::string_view raw) -> Status {
        const bool offset_like =
            v.name == "partition" || v.name == "start_offset" || v.name == "end_offset";
        if (offset_like) {
          if (!v.param.empty() &&
              (v.param != "padding" || (v.value != "true" && v.value != "false"))) {
            return InvalidArgument("{}: {} accepts only padding=true or padding=false", kKey, raw);
          }
        } else if (v.name == "timestamp") {
          if (v.param != "unit" ||
              (v.value != "yyyy" && v.value != "MM" && v.value != "dd" && v.value != "HH")) {
            return InvalidArgument("{}: {} needs unit=yyyy, unit=MM, unit=dd or unit=HH", kKey,
                                   raw);
          }
        } else if (v.name == "topic" || v.name == "key") {
          if (!v.param.empty()) return InvalidArgument("{}: {} takes no parameter", kKey, raw);
        } else {
          return InvalidArgument(
              "{}: unknown variable {}; expected topic, partition, start_offset, end_offset, "
              "timestamp or key",
              kKey, raw);
        }
        seen.insert(v.name);
        return Status::OK();
      }));
  t.uses_key_ = seen.count("key") > 0;
  t.uses_timestamp_ = seen.count("timestamp") > 0;
  t.uses_end_offset_ = seen.count("end_offset") > 0;
  for (const char* required : {"topic", "partition", "start_offset"}) {
    if (!seen.count(required)) {
      if (t.uses_key_ && !seen.count("start_offset")) {
        return InvalidArgument(
            "{}: '{}' names files by record key without {{{{start_offset}}}} (Aiven's "
            "compaction mode, one object per key rewritten on every flush); Tributary writes "
            "each record once, so the template needs {{{{topic}}}}, {{{{partition}}}} and "
            "{{{{start_offset}}}}",
            kKey, t.text_);
      }
      return InvalidArgument(
          "{}: '{}' lacks {{{{{}}}}}; a template needs {{{{topic}}}}, {{{{partition}}}} and "
          "{{{{start_offset}}}} so that every file has its own key",
          kKey, t.text_, required);
    }
  }
  return t;
}

std::string FileNameTemplate::BindRecord(const TopicPartition& tp,
                                         std::optional<std::string_view> key, int64_t timestamp_ms,
                                         int64_t utc_offset_ms) const {
  const int64_t local = timestamp_ms + utc_offset_ms;
  const int64_t day_ms = 86400000;
  const int64_t days = FloorDiv(local, day_ms);
  const CivilDate date = CivilFromDays(days);
  const int64_t hour = (local - days * day_ms) / 3600000;
  std::string out;
  Status st = Scan(
      text_, [&](std::string_view s) { out += s; },
      [&](const Variable& v, std::string_view raw) -> Status {
        if (v.name == "topic") {
          out += tp.topic;
        } else if (v.name == "partition") {
          out += Padded(v) ? fmt::format("{:010d}", tp.partition.value())
                           : std::to_string(tp.partition.value());
        } else if (v.name == "key") {
          // Escaped like partition values: '/' must not add directories, and '{' never
          // survives to look like an offset variable.
          out += key ? EscapePartitionValue(*key, "/") : "null";
        } else if (v.name == "timestamp") {
          if (v.value == "yyyy") out += fmt::format("{:04d}", date.year);
          if (v.value == "MM") out += fmt::format("{:02d}", date.month);
          if (v.value == "dd") out += fmt::format("{:02d}", date.day);
          if (v.value == "HH") out += fmt::format("{:02d}", hour);
        } else {
          out += raw;  // offsets: bound when the file's offsets are known
        }
        return Status::OK();
      });
  (void)st;  // the callbacks never fail
  return out;
}

std::string FileNameTemplate::BindOffsets(std::string_view bound, Offset start,
                                          std::optional<Offset> end) {
  std::string out;
  Status st = Scan(
      bound, [&](std::string_view s) { out += s; },
      [&](const Variable& v, std::string_view raw) -> Status {
        std::optional<Offset> o;
        if (v.name == "start_offset") o = start;
        if (v.name == "end_offset") o = end;
        if (!o) {
          out += raw;
        } else {
          out += Padded(v) ? fmt::format("{:020d}", o->value()) : std::to_string(o->value());
        }
        return Status::OK();
      });
  (void)st;
  return out;
}

namespace {

std::string ConfluentKey(const NamingOptions& options, const TopicPartition& tp,
                         std::string_view encoded_partition, Offset start_offset,
                         std::string_view extension) {
  const std::string& dir = options.directory_delim;
  const std::string& file = options.file_delim;
  std::string key;
  if (!options.topics_dir.empty()) key += options.topics_dir + dir;
  fmt::format_to(std::back_inserter(key), "{}{}{}{}{}{}{}{}{:0{}d}{}", tp.topic, dir,
                 encoded_partition, dir, tp.topic, file, tp.partition.value(), file,
                 start_offset.value(), options.offset_pad_width, extension);
  return key;
}

}  // namespace

std::string DataObjectKey(const NamingOptions& options, const TopicPartition& tp,
                          std::string_view encoded_partition, Offset start_offset,
                          std::string_view extension) {
  if (!options.file_name_template.empty()) {
    // Aiven adds no extension to a configured template: users write it in.
    return FileNameTemplate::BindOffsets(encoded_partition, start_offset, std::nullopt);
  }
  return ConfluentKey(options, tp, encoded_partition, start_offset, extension);
}

std::string FinalObjectKey(const NamingOptions& options, const TopicPartition& tp,
                           std::string_view encoded_partition, Offset start_offset,
                           Offset end_offset, std::string_view extension) {
  if (!options.file_name_template.empty()) {
    return FileNameTemplate::BindOffsets(encoded_partition, start_offset, end_offset);
  }
  return ConfluentKey(options, tp, encoded_partition, start_offset, extension);
}

bool KeyNeedsEndOffset(const NamingOptions& options) {
  if (options.file_name_template.empty()) return false;
  auto t = FileNameTemplate::Parse(options.file_name_template);
  return t.ok() && t->uses_end_offset();
}

}  // namespace tributary
