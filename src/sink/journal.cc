#include "sink/journal.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "format/jsonl/json_format.h"

namespace tributary {
namespace {

void AppendKey(std::string_view name, std::string* out) {
  AppendJsonString(name, out);
  out->push_back(':');
}

void AppendFile(const JournalFile& f, std::string* out) {
  out->append("{");
  AppendKey("key", out);
  AppendJsonString(f.key, out);
  out->append(",");
  AppendKey("upload_id", out);
  AppendJsonString(f.upload_id, out);
  fmt::format_to(std::back_inserter(*out),
                 ",\"first\":{},\"last\":{},\"records\":{},\"bytes\":{},\"parts\":[", f.first,
                 f.last, f.records, f.bytes);
  for (size_t i = 0; i < f.parts.size(); ++i) {
    if (i > 0) out->push_back(',');
    fmt::format_to(std::back_inserter(*out), "{{\"n\":{},\"etag\":", f.parts[i].part_number);
    AppendJsonString(f.parts[i].etag, out);
    fmt::format_to(std::back_inserter(*out), ",\"size\":{}}}", f.parts[i].size);
  }
  out->append("]");
  if (f.partial_metadata) out->append(",\"partial_metadata\":true");
  out->append("}");
}

std::string SerializeManifest(const TopicPartition& tp, const PendingFlush& flush) {
  std::string out;
  fmt::format_to(std::back_inserter(out), "{{\"version\":{},", kJournalVersion);
  AppendKey("topic", &out);
  AppendJsonString(tp.topic, &out);
  fmt::format_to(std::back_inserter(out), ",\"partition\":{},\"first\":{},\"next\":{},\"files\":[",
                 tp.partition.value(), flush.first, flush.next);
  for (size_t i = 0; i < flush.files.size(); ++i) {
    const JournalFile& f = flush.files[i];
    if (i > 0) out.push_back(',');
    out.append("{");
    AppendKey("key", &out);
    AppendJsonString(f.key, &out);
    fmt::format_to(std::back_inserter(out),
                   ",\"first\":{},\"last\":{},\"records\":{},\"bytes\":{}}}", f.first, f.last,
                   f.records, f.bytes);
  }
  out.append("]}\n");
  return out;
}

// simdjson accessors that turn a missing or mistyped field into one clear error.
class Reader {
 public:
  explicit Reader(std::string_view where) : where_(where) {}

  template <typename T>
  Status Get(simdjson::dom::element obj, const char* field, T* out) {
    auto v = obj[field];
    if (v.error() == simdjson::NO_SUCH_FIELD) {
      return Status(StatusCode::kCorruption,
                    fmt::format("journal {}: field '{}' is missing", where_, field));
    }
    if constexpr (std::is_same_v<T, std::string>) {
      std::string_view s;
      if (v.get(s) != simdjson::SUCCESS) return Bad(field, "a string");
      *out = std::string(s);
    } else if constexpr (std::is_same_v<T, uint64_t>) {
      if (v.get(*out) != simdjson::SUCCESS) return Bad(field, "a non-negative integer");
    } else {
      int64_t i = 0;
      if (v.get(i) != simdjson::SUCCESS) return Bad(field, "an integer");
      *out = static_cast<T>(i);
    }
    return Status::OK();
  }

  Status Bad(const char* field, const char* expected) const {
    return Status(StatusCode::kCorruption,
                  fmt::format("journal {}: field '{}' is not {}", where_, field, expected));
  }

 private:
  std::string_view where_;
};

// A flush: its range and files. A journal's pending flush also names each file's upload
// and parts (`with_uploads`); a flush manifest only the ranges and counts.
Status ParseFlush(Reader& rd, simdjson::dom::element e, bool with_uploads, PendingFlush* out) {
  RETURN_IF_ERROR(rd.Get(e, "first", &out->first));
  RETURN_IF_ERROR(rd.Get(e, "next", &out->next));
  simdjson::dom::array files;
  if (e["files"].get(files) != simdjson::SUCCESS) return rd.Bad("files", "an array");
  for (simdjson::dom::element fe : files) {
    JournalFile f;
    RETURN_IF_ERROR(rd.Get(fe, "key", &f.key));
    RETURN_IF_ERROR(rd.Get(fe, "first", &f.first));
    RETURN_IF_ERROR(rd.Get(fe, "last", &f.last));
    RETURN_IF_ERROR(rd.Get(fe, "records", &f.records));
    RETURN_IF_ERROR(rd.Get(fe, "bytes", &f.bytes));
    if (with_uploads) {
      RETURN_IF_ERROR(rd.Get(fe, "upload_id", &f.upload_id));
      simdjson::dom::array parts;
      if (fe["parts"].get(parts) != simdjson::SUCCESS) return rd.Bad("parts", "an array");
      for (simdjson::dom::element pe : parts) {
        PartInfo part;
        RETURN_IF_ERROR(rd.Get(pe, "n", &part.part_number));
        RETURN_IF_ERROR(rd.Get(pe, "etag", &part.etag));
        RETURN_IF_ERROR(rd.Get(pe, "size", &part.size));
        f.parts.push_back(std::move(part));
      }
      bool partial = false;
      if (fe["partial_metadata"].get(partial) == simdjson::SUCCESS) f.partial_metadata = partial;
    }
    out->files.push_back(std::move(f));
  }
  return Status::OK();
}

std::string TrimSlashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

bool JournalFile::operator==(const JournalFile& o) const {
  if (key != o.key || upload_id != o.upload_id || first != o.first || last != o.last ||
      records != o.records || bytes != o.bytes || parts.size() != o.parts.size() ||
      partial_metadata != o.partial_metadata) {
    return false;
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].part_number != o.parts[i].part_number || parts[i].etag != o.parts[i].etag ||
        parts[i].size != o.parts[i].size) {
      return false;
    }
  }
  return true;
}

std::string SerializeJournal(const JournalRecord& r) {
  std::string out;
  fmt::format_to(std::back_inserter(out), "{{\"version\":{},", r.version);
  AppendKey("sink", &out);
  AppendJsonString(r.sink, &out);
  out.append(",");
  AppendKey("topic", &out);
  AppendJsonString(r.topic, &out);
  fmt::format_to(std::back_inserter(out), ",\"partition\":{},\"owner\":{{", r.partition);
  AppendKey("instance", &out);
  AppendJsonString(r.owner.instance, &out);
  fmt::format_to(std::back_inserter(out), ",\"epoch\":{},", r.owner.epoch);
  AppendKey("host", &out);
  AppendJsonString(r.owner.host, &out);
  fmt::format_to(std::back_inserter(out), ",\"since_ms\":{}}}", r.owner.since_ms);
  if (r.committed) fmt::format_to(std::back_inserter(out), ",\"committed\":{}", *r.committed);
  fmt::format_to(std::back_inserter(out), ",\"flushes\":{}", r.flushes);
  if (r.pending) {
    fmt::format_to(std::back_inserter(out), ",\"pending\":{{\"first\":{},\"next\":{},\"files\":[",
                   r.pending->first, r.pending->next);
    for (size_t i = 0; i < r.pending->files.size(); ++i) {
      if (i > 0) out.push_back(',');
      AppendFile(r.pending->files[i], &out);
    }
    out.append("]}");
  }
  fmt::format_to(std::back_inserter(out), ",\"updated_ms\":{}}}\n", r.updated_ms);
  return out;
}

Result<JournalRecord> ParseJournal(std::string_view json, std::string_view where) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc;
  if (auto err = parser.parse(padded).get(doc); err) {
    return Status(StatusCode::kCorruption, fmt::format("journal {} is not valid JSON: {}", where,
                                                       simdjson::error_message(err)));
  }
  Reader rd(where);
  JournalRecord r;
  RETURN_IF_ERROR(rd.Get(doc, "version", &r.version));
  if (r.version != kJournalVersion) {
    return Status(StatusCode::kCorruption,
                  fmt::format("journal {} has version {}; this Tributary reads version {} "
                              "(upgrade Tributary to read it)",
                              where, r.version, kJournalVersion));
  }
  RETURN_IF_ERROR(rd.Get(doc, "sink", &r.sink));
  RETURN_IF_ERROR(rd.Get(doc, "topic", &r.topic));
  RETURN_IF_ERROR(rd.Get(doc, "partition", &r.partition));
  simdjson::dom::element owner;
  if (doc["owner"].get(owner) != simdjson::SUCCESS) return rd.Bad("owner", "an object");
  RETURN_IF_ERROR(rd.Get(owner, "instance", &r.owner.instance));
  RETURN_IF_ERROR(rd.Get(owner, "epoch", &r.owner.epoch));
  RETURN_IF_ERROR(rd.Get(owner, "host", &r.owner.host));
  RETURN_IF_ERROR(rd.Get(owner, "since_ms", &r.owner.since_ms));
  if (doc["committed"].error() != simdjson::NO_SUCH_FIELD) {
    int64_t c = 0;
    RETURN_IF_ERROR(rd.Get(doc, "committed", &c));
    r.committed = c;
  }
  RETURN_IF_ERROR(rd.Get(doc, "flushes", &r.flushes));
  RETURN_IF_ERROR(rd.Get(doc, "updated_ms", &r.updated_ms));
  simdjson::dom::element pending;
  if (doc["pending"].get(pending) == simdjson::SUCCESS) {
    PendingFlush p;
    RETURN_IF_ERROR(ParseFlush(rd, pending, /*with_uploads=*/true, &p));
    r.pending = std::move(p);
  }
  return r;
}

Journal::Journal(ObjectStore* store, std::string prefix, std::string sink)
    : store_(store), prefix_(TrimSlashes(std::move(prefix))), sink_(std::move(sink)) {}

std::string Journal::Key(const TopicPartition& tp) const {
  return fmt::format("{}/{}/{}/{}.json", prefix_, sink_, tp.topic, tp.partition.value());
}

std::string Journal::ManifestPrefix(const TopicPartition& tp) const {
  return fmt::format("{}/{}/{}/{}.flushes/", prefix_, sink_, tp.topic, tp.partition.value());
}

Status Journal::WriteManifest(const TopicPartition& tp, const PendingFlush& flush) {
  const std::string key = fmt::format("{}{:020}.json", ManifestPrefix(tp), flush.first);
  PutOptions options;
  options.content_type = "application/json";
  auto put = store_->Put(key, SerializeManifest(tp, flush), options);
  if (!put.ok()) return put.status().WithContext("writing flush manifest " + key);
  return Status::OK();
}

Result<std::vector<PendingFlush>> Journal::ReadManifests(const TopicPartition& tp) {
  std::vector<PendingFlush> out;
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, store_->ListAll(ManifestPrefix(tp)));
  for (const auto& info : objects) {
    ASSIGN_OR_RETURN(std::string body, store_->Get(info.key));
    simdjson::dom::parser parser;
    simdjson::padded_string padded(body);
    simdjson::dom::element doc;
    if (parser.parse(padded).get(doc) != simdjson::SUCCESS) {
      return Status(StatusCode::kCorruption,
                    fmt::format("flush manifest {} is not valid JSON", info.key));
    }
    Reader rd(info.key);
    PendingFlush f;
    RETURN_IF_ERROR(ParseFlush(rd, doc, /*with_uploads=*/false, &f));
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::optional<VersionedJournal>> Journal::Read(const TopicPartition& tp) {
  const std::string key = Key(tp);
  // GET then HEAD would race a concurrent writer; instead the ETag of a single-PUT
  // object is compared with the one the store reports for the same bytes below.
  auto info = store_->Head(key);
  if (!info.ok()) {
    if (info.status().code() == StatusCode::kNotFound) return std::optional<VersionedJournal>();
    return info.status().WithContext("reading journal " + key);
  }
  for (int attempt = 0;; ++attempt) {
    auto body = store_->Get(key);
    if (!body.ok()) return body.status().WithContext("reading journal " + key);
    auto again = store_->Head(key);
    if (!again.ok()) return again.status().WithContext("reading journal " + key);
    if (again->etag != info->etag && attempt < 5) {
      info = std::move(again);  // written between HEAD and GET: read once more
      continue;
    }
    if (again->etag != info->etag) {
      return Unavailable("journal {} keeps changing while it is read", key);
    }
    ASSIGN_OR_RETURN(JournalRecord record, ParseJournal(*body, key));
    if (record.topic != tp.topic || record.partition != tp.partition.value()) {
      return Status(StatusCode::kCorruption,
                    fmt::format("journal {} is for {}-{}, not {}", key, record.topic,
                                record.partition, tp.ToString()));
    }
    return std::optional<VersionedJournal>(VersionedJournal{std::move(record), info->etag});
  }
}

Result<std::string> Journal::Write(const TopicPartition& tp, const JournalRecord& record,
                                   const std::string& etag) {
  const std::string key = Key(tp);
  const std::string body = SerializeJournal(record);
  PutOptions options;
  options.content_type = "application/json";
  if (etag.empty()) {
    options.condition = PutOptions::Condition::kIfNoneMatch;
  } else {
    options.condition = PutOptions::Condition::kIfMatch;
    options.if_match_etag = etag;
  }
  for (int attempt = 1;; ++attempt) {
    auto put = store_->Put(key, body, options);
    if (put.ok()) return put->etag;
    const Status& st = put.status();
    if (st.code() == StatusCode::kPreconditionFailed || st.code() == StatusCode::kAlreadyExists) {
      return Status(StatusCode::kPreconditionFailed,
                    fmt::format("journal {} was written by another instance (fenced)", key));
    }
    if (!st.IsRetriable() || attempt >= 8) return st.WithContext("writing journal " + key);
    // The outcome is unknown: the write may have happened. Read the journal back.
    spdlog::warn("writing journal {}: {}; reading it back to settle the outcome", key,
                 st.message());
    std::this_thread::sleep_for(std::chrono::milliseconds(100 << std::min(attempt, 6)));
    auto info = store_->Head(key);
    if (info.ok()) {
      auto current = store_->Get(key);
      if (current.ok() && *current == body) return info->etag;
      if (info->etag != etag) {
        return Status(StatusCode::kPreconditionFailed,
                      fmt::format("journal {} was written by another instance (fenced)", key));
      }
    } else if (info.status().code() == StatusCode::kNotFound && !etag.empty()) {
      return Status(StatusCode::kPreconditionFailed,
                    fmt::format("journal {} was deleted by someone else (fenced)", key));
    }
    // Unchanged (or unreadable): try the same conditional write again.
  }
}

}  // namespace tributary
