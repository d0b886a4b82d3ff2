#include "sink/audit.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/strings.h"
#include "format/codec/decompress.h"
#include "format/jsonl/json_format.h"
#include "sink/journal.h"

namespace tributary {
namespace {

std::optional<int64_t> MetaInt(const std::map<std::string, std::string>& m, const char* name) {
  auto it = m.find(name);
  if (it == m.end() || it->second.empty()) return std::nullopt;
  int64_t v = 0;
  for (char c : it->second) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Counts the records of a row-format object (one per line). Other codecs and
// formats are not read.
Result<std::optional<uint64_t>> CountRecords(ObjectStore& store, const std::string& key) {
  std::string body;
  if (EndsWithIgnoreCase(key, ".json") || EndsWithIgnoreCase(key, ".bin") ||
      EndsWithIgnoreCase(key, ".txt") || EndsWithIgnoreCase(key, ".jsonl")) {
    ASSIGN_OR_RETURN(body, store.Get(key));
  } else if (EndsWithIgnoreCase(key, ".gz") || EndsWithIgnoreCase(key, ".zst")) {
    ASSIGN_OR_RETURN(std::string raw, store.Get(key));
    ASSIGN_OR_RETURN(body, Decompress(CodecFromKey(key).first, raw, key));
  } else {
    return std::optional<uint64_t>();
  }
  uint64_t n = static_cast<uint64_t>(std::count(body.begin(), body.end(), '\n'));
  if (!body.empty() && body.back() != '\n') ++n;
  return std::optional<uint64_t>(n);
}

std::string Range(int64_t a, int64_t b) {
  return a == b ? std::to_string(a) : fmt::format("{}..{}", a, b);
}

void AnalysePartition(PartitionAudit& p) {
  std::sort(p.objects.begin(), p.objects.end(), [](const AuditedObject& a, const AuditedObject& b) {
    return a.first != b.first ? a.first < b.first : a.key < b.key;
  });
  std::map<int64_t, Segment> flushes;  // by flush-first
  std::vector<Segment> segments;
  for (const auto& o : p.objects) {
    p.bytes += o.bytes;
    if (o.records) p.records += *o.records;
    if (o.records && o.records_read && *o.records != *o.records_read) {
      p.problems.push_back(fmt::format("{}: metadata says {} records, the object holds {}", o.key,
                                       *o.records, *o.records_read));
    }
    if (o.last && o.records && static_cast<uint64_t>(*o.last - o.first + 1) < *o.records) {
      p.problems.push_back(fmt::format("{}: {} records cannot fit in offsets {}", o.key, *o.records,
                                       Range(o.first, *o.last)));
    }
    if (o.flush_first) {
      Segment& s = flushes[*o.flush_first];
      if (s.keys.empty()) {
        s.first = *o.flush_first;
        s.last = INT64_MIN;
        s.end_inferred = true;
      }
      if (o.flush_next) {
        s.last = *o.flush_next - 1;
        s.end_inferred = false;
      } else if (s.end_inferred) {
        s.last = std::max(s.last, o.last.value_or(o.first));
      }
      s.keys.push_back(o.key);
      if (o.first < *o.flush_first) {
        p.problems.push_back(fmt::format("{}: starts at {}, before its flush's first offset {}",
                                         o.key, o.first, *o.flush_first));
      }
    } else {
      Segment s;
      s.first = o.first;
      s.last = o.last.value_or(o.first);
      s.end_inferred = !o.last;
      s.keys.push_back(o.key);
      segments.push_back(std::move(s));
    }
  }
  for (auto& [first, s] : flushes) segments.push_back(std::move(s));
  std::sort(segments.begin(), segments.end(),
            [](const Segment& a, const Segment& b) { return a.first < b.first; });
  size_t inferred = 0;
  for (size_t i = 0; i < segments.size(); ++i) {
    Segment& s = segments[i];
    if (!s.end_inferred) continue;
    ++inferred;
    if (i + 1 < segments.size()) {
      s.last = std::max(s.last, segments[i + 1].first - 1);
    } else if (p.journal_committed && *p.journal_committed - 1 >= s.last) {
      s.last = *p.journal_committed - 1;
    }
  }
  if (inferred > 0) {
    p.notes.push_back(fmt::format(
        "{} object(s) or flush(es) without a recorded last offset (files larger than "
        "s3.part.size, or written by another tool): their end was taken from the next one's "
        "start",
        inferred));
  }
  for (size_t i = 1; i < segments.size(); ++i) {
    const Segment& a = segments[i - 1];
    const Segment& b = segments[i];
    if (b.first > a.last + 1) {
      p.problems.push_back(fmt::format("gap: offsets {} are in no object (between {} and {})",
                                       Range(a.last + 1, b.first - 1), a.keys.back(),
                                       b.keys.front()));
    } else if (b.first <= a.last) {
      p.problems.push_back(fmt::format("overlap: offsets {} are in {} and in {}",
                                       Range(b.first, std::min(a.last, b.last)),
                                       fmt::join(a.keys, ", "), fmt::join(b.keys, ", ")));
    }
  }
  // Records of one flush cannot outnumber its offsets.
  for (const auto& s : segments) {
    if (s.keys.size() < 2) continue;
    uint64_t n = 0;
    bool known = true;
    for (const auto& o : p.objects) {
      if (std::find(s.keys.begin(), s.keys.end(), o.key) == s.keys.end()) continue;
      if (!o.records) known = false;
      n += o.records.value_or(0);
    }
    if (known && !s.end_inferred && n > static_cast<uint64_t>(s.last - s.first + 1)) {
      p.problems.push_back(
          fmt::format("flush {}: {} records in {} offsets: records are "
                      "duplicated among {}",
                      Range(s.first, s.last), n, s.last - s.first + 1, fmt::join(s.keys, ", ")));
    }
  }
  if (p.journal_committed && !segments.empty()) {
    const int64_t end = segments.back().last + 1;
    if (end < *p.journal_committed) {
      p.problems.push_back(
          fmt::format("the journal says offsets before {} are written, but the objects end at {}",
                      *p.journal_committed, end));
    } else if (end > *p.journal_committed) {
      p.notes.push_back(
          fmt::format("objects reach offset {}, past the journal's committed {} "
                      "(a flush the next owner finishes)",
                      end - 1, *p.journal_committed));
    }
  }
  p.segments = std::move(segments);
}

}  // namespace

std::optional<std::pair<int32_t, int64_t>> ParseDataObjectName(std::string_view name,
                                                               std::string_view topic,
                                                               std::string_view file_delim) {
  if (!name.starts_with(topic) ||
      name.substr(topic.size()).substr(0, file_delim.size()) != file_delim) {
    return std::nullopt;
  }
  name.remove_prefix(topic.size() + file_delim.size());
  auto digits = [](std::string_view s, size_t* n) {
    *n = 0;
    int64_t v = 0;
    while (*n < s.size() && s[*n] >= '0' && s[*n] <= '9' && *n < 19) v = v * 10 + (s[(*n)++] - '0');
    return v;
  };
  size_t n = 0;
  const int64_t partition = digits(name, &n);
  if (n == 0 || name.substr(n, file_delim.size()) != file_delim) return std::nullopt;
  name.remove_prefix(n + file_delim.size());
  const int64_t offset = digits(name, &n);
  if (n == 0 || (n < name.size() && name[n] != '.')) return std::nullopt;
  return std::pair<int32_t, int64_t>(static_cast<int32_t>(partition), offset);
}

Result<AuditReport> Audit(ObjectStore& store, const AuditOptions& options) {
  AuditReport report;
  report.topic = options.topic;
  const std::string prefix =
      (options.topics_dir.empty() ? "" : options.topics_dir + options.directory_delim) +
      options.topic + options.directory_delim;
  std::map<int32_t, PartitionAudit> partitions;
  ListOptions list;
  list.prefix = prefix;
  // Key and header side files (store.kafka.keys/headers) repeat their data file's range:
  // only a key file without a data file (the tombstone path) stands for its records.
  std::set<std::string> data_bases;
  std::vector<std::pair<std::string, std::pair<int32_t, int64_t>>> key_files;
  auto add = [&](const std::string& key, std::pair<int32_t, int64_t> parsed) -> Status {
    ASSIGN_OR_RETURN(ObjectInfo head, store.Head(key));
    AuditedObject o;
    o.key = key;
    o.first = parsed.second;
    o.bytes = head.size;
    o.last = MetaInt(head.metadata, "tributary-last-offset");
    if (auto c = MetaInt(head.metadata, "tributary-record-count")) o.records = *c;
    o.flush_first = MetaInt(head.metadata, "tributary-flush-first");
    o.flush_next = MetaInt(head.metadata, "tributary-flush-next");
    PartitionAudit& p = partitions[parsed.first];
    p.partition = parsed.first;
    if (auto meta_first = MetaInt(head.metadata, "tributary-first-offset");
        meta_first && *meta_first != o.first) {
      p.problems.push_back(
          fmt::format("{}: its name says offset {}, its metadata {}", o.key, o.first, *meta_first));
    }
    if (options.deep) {
      ASSIGN_OR_RETURN(o.records_read, CountRecords(store, key));
    }
    p.objects.push_back(std::move(o));
    return Status::OK();
  };
  while (true) {
    ASSIGN_OR_RETURN(ListPage page, store.List(list));
    for (const auto& info : page.objects) {
      const size_t cut = info.key.rfind(options.directory_delim);
      std::string_view name = info.key;
      if (cut != std::string::npos) name.remove_prefix(cut + options.directory_delim.size());
      auto parsed = ParseDataObjectName(name, options.topic, options.file_delim);
      if (!parsed) {
        report.unrecognised.push_back(info.key);
        continue;
      }
      if (options.partition && *options.partition != parsed->first) continue;
      const std::string_view suffix =
          name.substr(std::min(name.size(), name.find('.', name.rfind(options.file_delim))));
      const std::string base = info.key.substr(0, info.key.size() - suffix.size());
      if (suffix.starts_with(".headers.")) continue;
      if (suffix.starts_with(".keys.")) {
        key_files.emplace_back(info.key, *parsed);
        continue;
      }
      data_bases.insert(base);
      RETURN_IF_ERROR(add(info.key, *parsed));
    }
    if (page.next_token.empty()) break;
    list.continuation_token = page.next_token;
  }
  for (const auto& [key, parsed] : key_files) {
    if (data_bases.count(key.substr(0, key.rfind(".keys.")))) continue;
    RETURN_IF_ERROR(add(key, parsed));
  }
  if (!options.sink_name.empty()) {
    Journal journal(&store, options.journal_prefix, options.sink_name);
    for (auto& [partition, p] : partitions) {
      // Flush manifests complete the metadata of objects uploaded while being written.
      ASSIGN_OR_RETURN(std::vector<PendingFlush> manifests,
                       journal.ReadManifests({options.topic, Partition(partition)}));
      for (const auto& m : manifests) {
        for (const auto& f : m.files) {
          for (auto& o : p.objects) {
            if (o.key != f.key) continue;
            if (!o.last) o.last = f.last;
            if (!o.records) o.records = f.records;
            if (!o.flush_next) o.flush_next = m.next;
          }
        }
      }
      auto j = journal.Read({options.topic, Partition(partition)});
      if (!j.ok()) return j.status();
      if (j->has_value()) {
        p.journal_committed = (*j)->record.committed;
        if ((*j)->record.pending) {
          p.notes.push_back(
              fmt::format("the journal holds a pending flush of offsets {}..{}; "
                          "the next owner completes it",
                          (*j)->record.pending->first, (*j)->record.pending->next - 1));
        }
      }
    }
  }
  for (auto& [partition, p] : partitions) {
    // A deep count stands in only where neither metadata nor a manifest gave one, so that
    // a manifest's count is checked against the object too.
    for (auto& o : p.objects) {
      if (!o.records && o.records_read) o.records = o.records_read;
    }
    AnalysePartition(p);
    report.partitions.push_back(std::move(p));
  }
  return report;
}

bool AuditReport::ok() const {
  for (const auto& p : partitions) {
    if (!p.problems.empty()) return false;
  }
  return true;
}

std::string AuditReport::ToText() const {
  std::string out;
  if (partitions.empty()) out += fmt::format("{}: no data objects found\n", topic);
  for (const auto& p : partitions) {
    std::string covered =
        p.segments.empty() ? "nothing" : Range(p.segments.front().first, p.segments.back().last);
    out += fmt::format("{}-{}: {} objects, {} bytes, {} records, offsets {}: {}\n", topic,
                       p.partition, p.objects.size(), p.bytes, p.records, covered,
                       p.problems.empty() ? "no gap, no overlap" : "PROBLEMS");
    if (p.journal_committed) out += fmt::format("  journal committed: {}\n", *p.journal_committed);
    for (const auto& s : p.problems) out += "  problem: " + s + "\n";
    for (const auto& s : p.notes) out += "  note: " + s + "\n";
  }
  if (!unrecognised.empty()) {
    out += fmt::format("{} object(s) under the topic are not data objects (e.g. {})\n",
                       unrecognised.size(), unrecognised.front());
  }
  out += ok() ? "OK\n" : "FAILED\n";
  return out;
}

std::string AuditReport::ToJson() const {
  std::string out = "{\"topic\":";
  AppendJsonString(topic, &out);
  fmt::format_to(std::back_inserter(out), ",\"ok\":{},\"partitions\":[", ok() ? "true" : "false");
  for (size_t i = 0; i < partitions.size(); ++i) {
    const PartitionAudit& p = partitions[i];
    if (i > 0) out += ",";
    fmt::format_to(std::back_inserter(out),
                   "{{\"partition\":{},\"objects\":{},\"bytes\":{},\"records\":{},", p.partition,
                   p.objects.size(), p.bytes, p.records);
    if (p.journal_committed) {
      fmt::format_to(std::back_inserter(out), "\"journal_committed\":{},", *p.journal_committed);
    }
    out += "\"segments\":[";
    for (size_t k = 0; k < p.segments.size(); ++k) {
      if (k > 0) out += ",";
      fmt::format_to(std::back_inserter(out),
                     "{{\"first\":{},\"last\":{},\"end_inferred\":{},\"objects\":{}}}",
                     p.segments[k].first, p.segments[k].last,
                     p.segments[k].end_inferred ? "true" : "false", p.segments[k].keys.size());
    }
    out += "],\"problems\":[";
    for (size_t k = 0; k < p.problems.size(); ++k) {
      if (k > 0) out += ",";
      AppendJsonString(p.problems[k], &out);
    }
    out += "],\"notes\":[";
    for (size_t k = 0; k < p.notes.size(); ++k) {
      if (k > 0) out += ",";
      AppendJsonString(p.notes[k], &out);
    }
    out += "]}";
  }
  fmt::format_to(std::back_inserter(out), "],\"unrecognised\":{}}}\n", unrecognised.size());
  return out;
}

}  // namespace tributary
