#include "source/source_config.h"

#include <re2/re2.h>

#include "common/strings.h"
#include "config/sink_keys.h"

namespace tributary {

Result<SourceConfig> SourceConfig::FromRaw(RawConfig raw) {
  // Split the source's own keys from the sink's.
  RawConfig own;
  for (const auto& k : SourceConfigTable().keys()) {
    auto it = raw.find(k.name);
    if (it != raw.end()) {
      own[k.name] = it->second;
      raw.erase(it);
    }
  }
  // flush.size is required by the sink; the source never writes files.
  if (!raw.count("flush.size") && !raw.count("file.max.records")) raw["flush.size"] = "1";
  // Keys in side files and Aiven records decode by key.converter (the sink applies it to
  // envelopes only, to keep its other outputs as they were).
  const std::string key_converter = raw.count("key.converter") ? raw["key.converter"] : "";
  auto parsed_own = Config::Parse(SourceConfigTable(), own);
  auto sink = SinkConfig::FromRaw(std::move(raw));
  if (!parsed_own.ok() || !sink.ok()) {
    std::string msg = "invalid configuration:";
    for (const Status* st : {&parsed_own.status(), &sink.status()}) {
      if (st->ok()) continue;
      std::string m = st->message();
      if (m.starts_with("invalid configuration:")) m = m.substr(22);
      if (!m.starts_with("\n")) m = "\n  " + m;
      msg += m;
    }
    return InvalidArgument("{}", msg);
  }
  const Config& cfg = *parsed_own;
  SourceConfig c;
  c.sink = std::move(*sink);
  ReplaySettings& r = c.replay;
  r.name = c.sink.name;
  r.store = c.sink.store;
  r.format = c.sink.format;
  if (EndsWithIgnoreCase(Trim(key_converter), "ByteArrayConverter")) {
    r.format.key_encoding = ValueEncoding::kBytes;
  } else if (EndsWithIgnoreCase(Trim(key_converter), "JsonConverter")) {
    r.format.key_encoding = ValueEncoding::kJson;
  }
  r.codec = c.sink.codec;
  r.key_bytes_extension = c.sink.side_files.bytes_extension;
  r.key_bytes_separator = c.sink.side_files.bytes_separator;
  r.producer_overrides = c.sink.producer_overrides;
  for (const auto& t : c.sink.topics) {
    r.topics_description += (r.topics_description.empty() ? "" : ",") + t;
  }
  if (c.sink.format.kind == FormatKind::kBytes && c.sink.format.bytes_separator.empty()) {
    return InvalidArgument(
        "format.bytearray.separator: empty, so values were written back to back and cannot "
        "be split into records again");
  }
  for (const auto& pair : cfg.GetList("topic.mapping")) {
    size_t colon = pair.find(':');
    std::string from(Trim(pair.substr(0, colon == std::string::npos ? 0 : colon)));
    std::string to(colon == std::string::npos ? "" : Trim(pair.substr(colon + 1)));
    if (from.empty() || to.empty()) {
      return InvalidArgument("topic.mapping: expected from:to pairs separated by commas, got '{}'",
                             pair);
    }
    if (!r.topic_mapping.emplace(from, to).second) {
      return InvalidArgument("topic.mapping: source topic {} is mapped twice", from);
    }
  }
  auto target = cfg.GetList("target.bootstrap.servers");
  r.target_bootstrap =
      target.empty() ? c.sink.bootstrap_servers : cfg.GetString("target.bootstrap.servers");
  r.partitioning = ToLower(cfg.GetString("source.partitioning")) == "key_hash"
                       ? SourcePartitioning::kKeyHash
                       : SourcePartitioning::kOriginal;
  r.ordering = ToLower(cfg.GetString("source.ordering")) == "last_modified"
                   ? SourceOrdering::kLastModified
                   : SourceOrdering::kOffset;
  r.transactions = cfg.GetBool("source.transactions");
  r.max_poll_records = cfg.GetInt("source.max.poll.records");
  r.max_records_per_second = cfg.GetLong("source.max.records.per.second");
  r.max_bytes_per_second = cfg.GetLong("source.max.bytes.per.second");
  r.offset_from = cfg.GetLong("source.offset.from");
  r.offset_to = cfg.GetLong("source.offset.to");
  if (r.offset_to >= 0 && r.offset_to < r.offset_from) {
    return InvalidArgument("source.offset.to={} is below source.offset.from={}", r.offset_to,
                           r.offset_from);
  }
  r.timestamp_from = cfg.GetLong("source.timestamp.from.ms");
  r.timestamp_to = cfg.GetLong("source.timestamp.to.ms");
  if (r.timestamp_to >= 0 && r.timestamp_to <= r.timestamp_from) {
    return InvalidArgument(
        "source.timestamp.to.ms={} is not after source.timestamp.from.ms={}: the window is empty",
        r.timestamp_to, r.timestamp_from);
  }
  r.object_pattern = cfg.GetString("source.object.pattern");
  if (!r.object_pattern.empty()) {
    RE2 re(r.object_pattern, RE2::Quiet);
    if (!re.ok()) {
      return InvalidArgument("source.object.pattern: not a valid RE2 expression ({})", re.error());
    }
  }
  r.checkpoint_prefix = cfg.GetString("source.checkpoint.prefix");
  while (!r.checkpoint_prefix.empty() && r.checkpoint_prefix.back() == '/') {
    r.checkpoint_prefix.pop_back();
  }
  const std::string& dir = c.sink.topics_dir;
  if (r.checkpoint_prefix.empty() ||
      (!dir.empty() &&
       (r.checkpoint_prefix == dir || r.checkpoint_prefix.starts_with(dir + "/")))) {
    return InvalidArgument(
        "source.checkpoint.prefix='{}': expected a key prefix outside topics.dir={}",
        r.checkpoint_prefix, dir);
  }
  r.checkpoint_records = cfg.GetInt("source.checkpoint.records");
  r.checkpoint_interval_ms = cfg.GetLong("source.checkpoint.interval.ms");
  c.unused_keys = c.sink.unused_keys;
  return c;
}

}  // namespace tributary
