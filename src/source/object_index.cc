#include "source/object_index.h"

#include <algorithm>
#include <charconv>
#include <set>

#include <re2/re2.h>

#include "common/strings.h"
#include "source/source_config.h"

namespace tributary {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

template <typename T>
bool ToInt(std::string_view s, T* v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size();
}

std::optional<int64_t> MetaInt(const std::map<std::string, std::string>& m, const char* name) {
  auto it = m.find(name);
  int64_t v = 0;
  if (it == m.end() || !ToInt(std::string_view(it->second), &v)) return std::nullopt;
  return v;
}

bool IsSideFile(std::string_view ext) {
  return ext.starts_with(".keys.") || ext.starts_with(".headers.") || ext == ".keys" ||
         ext == ".headers";
}

}  // namespace

Result<ObjectNameParser> ObjectNameParser::Create(const SinkConfig& c) {
  ObjectNameParser p;
  p.topics_dir_ = c.topics_dir;
  p.directory_delim_ = c.directory_delim;
  p.file_delim_ = c.file_delim;
  const std::string& tmpl = c.partitioner.file_name_template;
  if (tmpl.empty()) return p;
  // Aiven: the template becomes an anchored pattern with named groups.
  std::string pattern = "^";
  bool first_var = true;
  size_t pos = 0;
  while (true) {
    const size_t open = tmpl.find("{{", pos);
    const size_t close = open == std::string::npos ? open : tmpl.find("}}", open);
    if (open == std::string::npos || close == std::string::npos) {
      pattern += RE2::QuoteMeta(tmpl.substr(pos));
      if (first_var) p.template_prefix_ = tmpl.substr(pos);
      break;
    }
    const std::string literal = tmpl.substr(pos, open - pos);
    std::string var(Trim(std::string_view(tmpl).substr(open + 2, close - open - 2)));
    var = std::string(Trim(var.substr(0, var.find(':'))));
    pattern += RE2::QuoteMeta(literal);
    if (first_var) {
      p.template_prefix_ = literal;
      p.topic_in_prefix_ = var == "topic";
      first_var = false;
    }
    if (var == "topic") {
      pattern += "(?P<topic>[A-Za-z0-9._-]+)";
    } else if (var == "partition") {
      pattern += "(?P<partition>[0-9]+)";
    } else if (var == "start_offset") {
      pattern += "(?P<start>[0-9]+)";
    } else if (var == "end_offset" || var == "timestamp") {
      pattern += "[0-9]+";
    } else {
      pattern += ".*?";
    }
    pos = close + 2;
  }
  p.template_regex_ = pattern + "$";
  return p;
}

std::optional<ParsedObjectName> ObjectNameParser::Parse(std::string_view key) const {
  ParsedObjectName out;
  if (!template_regex_.empty()) {
    RE2 re(template_regex_);
    std::vector<re2::StringPiece> groups(re.NumberOfCapturingGroups() + 1);
    if (!re.Match(re2::StringPiece(key.data(), key.size()), 0, key.size(), RE2::ANCHOR_BOTH,
                  groups.data(), static_cast<int>(groups.size()))) {
      return std::nullopt;
    }
    const auto& names = re.NamedCapturingGroups();
    auto group = [&](const char* n) {
      const re2::StringPiece g = groups[names.at(n)];
      return std::string_view(g.data(), g.size());
    };
    out.topic = std::string(group("topic"));
    if (!ToInt(group("partition"), &out.partition) || !ToInt(group("start"), &out.start_offset)) {
      return std::nullopt;
    }
    return out;
  }
  // Confluent: [<topics.dir>/]<topic>/<encoded partition>/<topic>+<p>+<offset><ext>
  if (!topics_dir_.empty()) {
    if (!key.starts_with(topics_dir_) ||
        key.substr(topics_dir_.size()).find(directory_delim_) != 0) {
      return std::nullopt;
    }
    key.remove_prefix(topics_dir_.size() + directory_delim_.size());
  }
  const size_t slash = key.rfind(directory_delim_);
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view dir_topic = key.substr(0, key.find(directory_delim_));
  std::string_view file = key.substr(slash + directory_delim_.size());
  // <topic><fd><p><fd><offset><ext>: the topic may not contain the delimiter.
  const size_t d1 = file.find(file_delim_);
  if (d1 == std::string_view::npos) return std::nullopt;
  const size_t d2 = file.find(file_delim_, d1 + file_delim_.size());
  if (d2 == std::string_view::npos) return std::nullopt;
  out.topic = std::string(file.substr(0, d1));
  std::string_view part = file.substr(d1 + file_delim_.size(), d2 - d1 - file_delim_.size());
  std::string_view tail = file.substr(d2 + file_delim_.size());
  size_t digits = 0;
  while (digits < tail.size() && tail[digits] >= '0' && tail[digits] <= '9') ++digits;
  std::string_view offset = tail.substr(0, digits);
  std::string_view ext = tail.substr(digits);
  if (out.topic != dir_topic || !AllDigits(part) || !AllDigits(offset) || IsSideFile(ext) ||
      (!ext.empty() && ext.front() != '.')) {
    return std::nullopt;
  }
  if (!ToInt(part, &out.partition) || !ToInt(offset, &out.start_offset)) return std::nullopt;
  out.extension = std::string(ext);
  return out;
}

std::vector<std::string> ObjectNameParser::ListPrefixes(
    const std::vector<std::string>& topics) const {
  if (!template_regex_.empty()) {
    if (topic_in_prefix_ && !topics.empty()) {
      std::vector<std::string> out;
      for (const auto& t : topics) out.push_back(template_prefix_ + t);
      return out;
    }
    return {template_prefix_};
  }
  const std::string root = topics_dir_.empty() ? "" : topics_dir_ + directory_delim_;
  if (topics.empty()) return {root};
  std::vector<std::string> out;
  for (const auto& t : topics) out.push_back(root + t + directory_delim_);
  return out;
}

void OrderObjects(std::vector<SourceObject>* objects, SourceOrdering ordering) {
  std::sort(objects->begin(), objects->end(), [&](const SourceObject& a, const SourceObject& b) {
    if (ordering == SourceOrdering::kLastModified && a.last_modified_ms != b.last_modified_ms) {
      return a.last_modified_ms < b.last_modified_ms;
    }
    if (a.start_offset != b.start_offset) return a.start_offset < b.start_offset;
    return a.key < b.key;
  });
}

Result<ObjectIndex> DiscoverObjects(ObjectStore& store, const SourceConfig& config) {
  ASSIGN_OR_RETURN(ObjectNameParser parser, ObjectNameParser::Create(config.sink));
  const SinkConfig& sink = config.sink;
  const bool regex = !sink.topics_regex.empty();
  std::unique_ptr<RE2> topic_re;
  if (regex) topic_re = std::make_unique<RE2>(sink.topics.front());
  std::unique_ptr<RE2> pattern;
  if (!config.replay.object_pattern.empty())
    pattern = std::make_unique<RE2>(config.replay.object_pattern);
  ObjectIndex index;
  std::set<std::string> listed_keys;
  for (const auto& prefix : parser.ListPrefixes(regex ? std::vector<std::string>{} : sink.topics)) {
    ASSIGN_OR_RETURN(auto listed, store.ListAll(prefix));
    for (const auto& info : listed) listed_keys.insert(info.key);
    for (auto& info : listed) {
      const std::string& key = info.key;
      if (key.starts_with(sink.journal_prefix + "/") ||
          key.starts_with(config.replay.checkpoint_prefix + "/")) {
        continue;
      }
      auto name = parser.Parse(key);
      bool selected = name.has_value();
      if (selected) {
        selected = regex ? RE2::FullMatch(name->topic, *topic_re)
                         : std::find(sink.topics.begin(), sink.topics.end(), name->topic) !=
                               sink.topics.end();
      }
      if (selected && pattern) selected = RE2::PartialMatch(key, *pattern);
      if (!selected) {
        ++index.skipped_keys;
        continue;
      }
      SourceObject o;
      o.key = key;
      o.tp = TopicPartition{name->topic, Partition(name->partition)};
      o.start_offset = name->start_offset;
      o.last_modified_ms = info.last_modified_ms;
      o.size = info.size;
      ASSIGN_OR_RETURN(ObjectInfo head, store.Head(key));
      if (auto first = MetaInt(head.metadata, "tributary-first-offset");
          first && *first != o.start_offset) {
        return Corruption("{}: the name says start offset {} but its metadata says {}", key,
                          o.start_offset, *first);
      }
      o.last_offset = MetaInt(head.metadata, "tributary-last-offset");
      o.record_count = MetaInt(head.metadata, "tributary-record-count");
      o.min_timestamp_ms = MetaInt(head.metadata, "tributary-min-timestamp");
      o.max_timestamp_ms = MetaInt(head.metadata, "tributary-max-timestamp");
      if (head.last_modified_ms > 0) o.last_modified_ms = head.last_modified_ms;
      // The key side file beside it (sink's store.kafka.keys with JsonFormat keys):
      // `<base>.keys.json`, with the codec's extension when the keys were compressed,
      // whatever the data file's format.
      const std::string base = key.substr(0, key.size() - name->extension.size());
      // Keys may also be raw bytes (keys.format.class=ByteArrayFormat): `<base>.keys.bin`
      // (format.bytearray.extension), with the codec's extension when compressed.
      auto side_file = [&](const std::string& kind) -> std::string {
        for (const char* ext :
             {".json", ".json.gz", ".json.zst", ".json.snappy", ".json.lz4", ".avro"}) {
          if (listed_keys.count(base + kind + ext)) return base + kind + ext;
        }
        if (kind == ".keys") {
          for (const char* codec : {"", ".gz", ".zst", ".snappy", ".lz4"}) {
            const std::string k = base + kind + config.replay.key_bytes_extension + codec;
            if (listed_keys.count(k)) return k;
          }
        }
        return "";
      };
      o.keys_key = side_file(".keys");
      o.headers_key = side_file(".headers");
      index.partitions[o.tp].push_back(std::move(o));
    }
  }
  for (auto& [tp, objects] : index.partitions) {
    for (auto& o : objects) {
      if (!o.keys_key.empty() && !listed_keys.count(o.keys_key)) o.keys_key.clear();
    }
    OrderObjects(&objects, config.replay.ordering);
  }
  return index;
}

}  // namespace tributary
