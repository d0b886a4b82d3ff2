#include "sink/topic_partition_writer.h"

#include <spdlog/spdlog.h>
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_estimateCStreamSize (stable since zstd 1.4)
#include <zstd.h>

#include <fmt/chrono.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace tributary {
namespace {

// rotate.interval.ms needs a clock; a partitioner that is not time-based has none, so
// the files' age is measured with the wall clock (the connector ignores the key then).
class WallclockExtractor final : public TimestampExtractor {
 public:
  Result<int64_t> Extract(const Record&, int64_t now_ms) const override { return now_ms; }
  bool deterministic() const override { return false; }
};

// Memory one open file holds besides its unsent bytes: the record writer and the
// codec's state (zlib's deflate state at the default memLevel, zstd's own estimate for
// the level, the block buffers of snappy framing and lz4 frames).
uint64_t FileOverhead(Codec codec, int level) {
  constexpr uint64_t kBase = 8 << 10;
  switch (codec) {
    case Codec::kNone:
      return kBase;
    case Codec::kGzip:
      // deflate's window and hash tables at windowBits 15, memLevel 8 (256 KiB) plus
      // the stream's 64 KiB output buffer (format/codec/codec.cc).
      return kBase + (320 << 10);
    case Codec::kZstd:
      return kBase + ZSTD_estimateCStreamSize(level < 1 ? ZSTD_CLEVEL_DEFAULT : level);
    case Codec::kSnappy:
    case Codec::kSnappyJava:
      return kBase + (160 << 10);
    case Codec::kLz4:
      return kBase + (192 << 10);
  }
  return kBase;
}

// The first slot of the rotate.schedule.interval.ms grid after `now_ms`: multiples of
// the interval from midnight of the current day in `tz`, as the connector aligns it.
int64_t NextSlot(int64_t now_ms, int64_t interval_ms, const TimeZone& tz) {
  constexpr int64_t kDay = 86'400'000;
  const int64_t local_midnight = FloorDiv(now_ms + tz.OffsetMs(now_ms), kDay) * kDay;
  const int64_t day_start = tz.LocalToUtc(local_midnight);
  return day_start + (FloorDiv(now_ms - day_start, interval_ms) + 1) * interval_ms;
}

TimeZone LoadZone(const std::string& id) {
  if (id.empty()) return TimeZone::Utc();
  auto tz = TimeZone::Load(id);  // validated with the config
  return tz.ok() ? std::move(*tz) : TimeZone::Utc();
}

std::string OffsetText(Offset o) { return std::to_string(o.value()); }

// Prefixes the encoded partition of a record a transform routed to another topic.
constexpr char kRoutedTopicSeparator = '\x1f';
// Separates the encoded partition from a schema version's slot in the open files' keys.
constexpr char kVersionSeparator = '\x1e';

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TopicPartitionWriter::TopicPartitionWriter(TopicPartition tp, const SinkConfig* config,
                                           const Format* format, const Partitioner* partitioner,
                                           ObjectStore* store, UploadPool* pool, Journal* journal,
                                           JournalIdentity identity)
    : tp_(std::move(tp)),
      config_(config),
      format_(format),
      partitioner_(partitioner),
      store_(store),
      pool_(pool),
      journal_(journal),
      identity_(std::move(identity)),
      naming_{config->topics_dir, config->offset_pad_width, config->directory_delim,
              config->file_delim, config->partitioner.file_name_template},
      wallclock_(std::make_unique<WallclockExtractor>()),
      end_offset_naming_(KeyNeedsEndOffset(naming_)),
      file_overhead_(FileOverhead(config->codec, config->compression_level)),
      zone_(LoadZone(config->partitioner.timezone)) {}

TopicPartitionWriter::~TopicPartitionWriter() { Discard(); }

const TimestampExtractor* TopicPartitionWriter::rotation_clock() const {
  const TimestampExtractor* ex = partitioner_->timestamp_extractor();
  return ex != nullptr ? ex : wallclock_.get();
}

uint64_t TopicPartitionWriter::OpenFile::Buffered() const {
  uint64_t n = 0;
  for (const Stream& s : streams) n += s.upload->buffered_bytes();
  return n;
}

uint64_t TopicPartitionWriter::OpenFile::Size() const {
  uint64_t n = 0;
  for (const Stream& s : streams) n += s.upload->Size();
  return n;
}

Status TopicPartitionWriter::Write(const Record& record, int64_t now_ms) {
  if (!record.value) {
    if (config_->on_null == NullValueBehavior::kIgnore) {
      Skip(record);
      return Status::OK();
    }
    if (config_->on_null != NullValueBehavior::kWrite) {
      return InvalidArgument(
          "{}: the value is null (a tombstone) and behavior.on.null.values=fail; set "
          "behavior.on.null.values=ignore to skip tombstones or =write to store their keys",
          record.Where());
    }
  }
  ASSIGN_OR_RETURN(std::string encoded, partitioner_->Encode(record, now_ms));
  if (record.topic != tp_.topic) {
    // A transform routed the record to another topic name (RegexRouter,
    // TimestampRouter): its files are that topic's, as in the connector.
    encoded.insert(0, std::string(record.topic) + kRoutedTopicSeparator);
  }
  int64_t ts = 0;
  if (config_->rotate_interval_ms > 0) {
    if (!record.value && record.timestamp_ms >= 0 && rotation_clock()->deterministic()) {
      // A tombstone has no fields: its Kafka timestamp is its time, as the connector's
      // TombstoneTimestampExtractor means it to be.
      ts = record.timestamp_ms;
    } else {
      ASSIGN_OR_RETURN(ts, rotation_clock()->Extract(record, now_ms));
    }
  }

  // Rules checked before the record is appended, in the connector's order.
  std::string file_key = encoded;  // one of the encoded partition's schema versions
  std::shared_ptr<const Schema> seed;
  if (records_ > 0) {
    std::string reason;
    if (config_->rotate_interval_ms > 0) {
      if (ts - base_ts_ >= config_->rotate_interval_ms) {
        reason = "rotate.interval.ms";
      } else if (config_->rotate_on_partition_change && encoded != current_encoded_) {
        reason = "rotate.interval.ms (encoded partition changed)";
      }
    }
    if (reason.empty() && config_->rotate_schedule_interval_ms > 0 &&
        now_ms >= next_scheduled_ms_) {
      reason = "rotate.schedule.interval.ms";
    }
    if (reason.empty()) file_key = PlaceBySchema(encoded, record, &reason, &seed);
    if (reason.empty() && config_->max_open_files > 0 && !files_.count(encoded) &&
        files_.size() >= static_cast<size_t>(config_->max_open_files)) {
      reason = "partitioner.max.open.files";
    }
    if (!reason.empty()) RETURN_IF_ERROR(DoFlush(std::move(reason)));
  }

  if (!flush_started_) {
    flush_first_ = record.offset;
    flush_started_ = true;
  }
  if (records_ == 0) {
    base_ts_ = ts;
    opened_ms_ = now_ms;
    if (config_->rotate_schedule_interval_ms > 0) {
      next_scheduled_ms_ = NextSlot(now_ms, config_->rotate_schedule_interval_ms, zone_);
    }
  }
  ASSIGN_OR_RETURN(OpenFile * file, FileFor(file_key, encoded, record));
  if (seed && file->records == 0 && !file->tombstones) {
    file->streams.front().writer->StartWith(seed);  // the widened schema
  }
  const uint64_t before = file->Buffered();
  Status written;
  if (file->tombstones != !record.value) {
    written = InvalidArgument(
        "{}: a {} value in the file of {} under '{}' (tombstone.encoded.partition collides "
        "with a partition of the data)",
        record.Where(), record.value ? "non-null" : "null",
        file->tombstones ? "tombstones" : "values", encoded);
  }
  // A record the side files refuse (null key, no headers) is refused before any stream
  // takes it, so no file gets a record ahead of the others; the data file, which may
  // refuse a value, is written first.
  if (written.ok()) written = CheckSideRecord(config_->side_files, record);
  for (size_t i = 0; i < file->streams.size() && written.ok(); ++i) {
    written = file->streams[i].writer->Write(record);
  }
  buffered_ = buffered_ + file->Buffered() - before;
  if (!written.ok()) {
    if (file->records == 0) {  // a file opened for this record alone: nothing to keep
      buffered_ -= file->Buffered() + file_overhead_ * file->streams.size();
      for (Stream& st : file->streams) st.upload->Abort();
      files_.erase(file_key);
    }
    return written;
  }
  file->last = record.offset;
  ++file->records;
  if (record.timestamp_ms >= 0) {
    file->min_ts = std::min(file->min_ts, record.timestamp_ms);
    file->max_ts = std::max(file->max_ts, record.timestamp_ms);
  }
  last_ = record.offset;
  last_ts_ = ts;
  ++records_;
  current_encoded_ = std::move(encoded);

  if (records_ >= static_cast<uint64_t>(config_->flush_size)) return DoFlush("flush.size");
  if (config_->flush_bytes > 0 && file->Size() >= static_cast<uint64_t>(config_->flush_bytes)) {
    return DoFlush("flush.bytes");
  }
  if (end_offset_naming_ && file->Size() >= config_->part_size) {
    return DoFlush("s3.part.size (file.name.template names files by {{end_offset}})");
  }
  return Status::OK();
}

void TopicPartitionWriter::Skip(const Record& record) {
  if (!flush_started_) {
    flush_first_ = record.offset;
    flush_started_ = true;
  }
  ++skipped_;
}

Status TopicPartitionWriter::Tick(int64_t now_ms) {
  if (records_ == 0) return Status::OK();
  if (config_->rotate_schedule_interval_ms > 0 && now_ms >= next_scheduled_ms_) {
    return DoFlush("rotate.schedule.interval.ms");
  }
  // With the wall clock as the extractor, time passes without records: close the
  // files when the interval is over instead of waiting for the next record.
  if (config_->rotate_interval_ms > 0 && !rotation_clock()->deterministic() &&
      now_ms - base_ts_ >= config_->rotate_interval_ms) {
    return DoFlush("rotate.interval.ms");
  }
  return Status::OK();
}

std::string TopicPartitionWriter::WaitingFor() const {
  if (records_ == 0) return "";
  auto utc = [](int64_t ms) {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                       std::chrono::sys_seconds(std::chrono::seconds(FloorDiv(ms, 1000))));
  };
  std::vector<std::string> waits;
  waits.push_back(fmt::format("flush.size: {} of {} records", records_, config_->flush_size));
  if (config_->flush_bytes > 0) {
    uint64_t largest = 0;
    for (const auto& [encoded, f] : files_) largest = std::max(largest, f.Size());
    waits.push_back(fmt::format("flush.bytes: {} of {} bytes", largest, config_->flush_bytes));
  }
  if (config_->rotate_interval_ms > 0) {
    if (rotation_clock()->deterministic()) {
      waits.push_back(fmt::format(
          "rotate.interval.ms={}: a record with a timestamp at or after {} (the newest so far "
          "is {}); rotation follows record time, not the wall clock",
          config_->rotate_interval_ms, utc(base_ts_ + config_->rotate_interval_ms), utc(last_ts_)));
    } else {
      waits.push_back(fmt::format("rotate.interval.ms={}: at {} (wall clock)",
                                  config_->rotate_interval_ms,
                                  utc(base_ts_ + config_->rotate_interval_ms)));
    }
  }
  if (config_->rotate_schedule_interval_ms > 0) {
    waits.push_back(fmt::format("rotate.schedule.interval.ms={}: next scheduled rotation at {}",
                                config_->rotate_schedule_interval_ms, utc(next_scheduled_ms_)));
  }
  if (config_->rotate_interval_ms <= 0 && config_->rotate_schedule_interval_ms <= 0) {
    waits.push_back(
        "no time-based rotation configured (rotate.interval.ms and rotate.schedule.interval.ms "
        "are off), so only the size limits close this file");
  }
  return fmt::format("{}", fmt::join(waits, "; "));
}

std::string TopicPartitionWriter::PlaceBySchema(const std::string& encoded, const Record& record,
                                                std::string* reason,
                                                std::shared_ptr<const Schema>* seed) {
  if (!record.value) return encoded;
  const int versions = std::max(1, config_->schema_max_open_versions);
  for (int slot = 0; slot < versions; ++slot) {
    std::string key = slot == 0 ? encoded : fmt::format("{}{}{}", encoded, kVersionSeparator, slot);
    auto it = files_.find(key);
    if (it == files_.end() || it->second.tombstones) return key;  // a new file for this version
    // The data file first, then side files whose own schema may change (registry keys).
    SchemaPlacement p;
    for (const Stream& stream : it->second.streams) {
      p = stream.writer->Place(record, config_->schema_compatibility);
      if (p.action != SchemaPlacement::Action::kAppend) break;
    }
    if (p.action == SchemaPlacement::Action::kAppend) return key;
    if (p.action == SchemaPlacement::Action::kRotate) {
      *reason = std::move(p.reason);
      *seed = std::move(p.schema);
      ++schema_rotations_;
      spdlog::info("{}: closing the open files: {}", tp_.ToString(), *reason);
      return encoded;
    }
  }
  *reason = fmt::format(
      "schema.max.open.versions: {} has a schema none of the {} open files of its encoded "
      "partition has",
      record.Where(), versions);
  ++schema_rotations_;
  spdlog::info("{}: closing the open files: {}", tp_.ToString(), *reason);
  return encoded;
}

Result<TopicPartitionWriter::OpenFile*> TopicPartitionWriter::FileFor(const std::string& key,
                                                                      const std::string& encoded,
                                                                      const Record& record) {
  auto it = files_.find(key);
  if (it != files_.end()) return &it->second;
  OpenFile f;
  f.first = record.offset;
  f.tombstones = !record.value;
  PutOptions options;
  options.metadata = {{"tributary-first-offset", OffsetText(f.first)}};
  options.metadata["tributary-flush-first"] = OffsetText(flush_first_);
  if (config_->object_tagging) {
    // Confluent's tag names (s3.object.tagging).
    options.tags = config_->extra_tags;
    options.tags["startOffset"] = OffsetText(f.first);
  }
  f.named = tp_;
  f.path = encoded;
  if (const size_t cut = encoded.find(kRoutedTopicSeparator); cut != std::string::npos) {
    f.named.topic = encoded.substr(0, cut);
    f.path.erase(0, cut + 1);
  }
  // The base name: the data file's key before its extension (side files add theirs).
  const std::string base = DataObjectKey(naming_, f.named, f.path, f.first, "");
  if (!f.tombstones) {
    // Aiven's template is the whole key: no extension is added.
    const std::string ext = naming_.file_name_template.empty()
                                ? format_->Extension() + CodecExtension(config_->codec)
                                : std::string();
    RETURN_IF_ERROR(AddStream(&f, base + ext, options, config_->codec != Codec::kNone, -1));
  }
  const SideFileOptions& side = config_->side_files;
  for (SideKind kind : {SideKind::kKeys, SideKind::kHeaders}) {
    if (!(kind == SideKind::kKeys ? side.store_keys : side.store_headers)) continue;
    RETURN_IF_ERROR(AddStream(&f, base + SideFileSuffix(kind, side, config_->codec), options,
                              SideFileUsesCodec(kind, side), static_cast<int>(kind)));
  }
  return &files_.emplace(key, std::move(f)).first->second;
}

Status TopicPartitionWriter::AddStream(OpenFile* f, const std::string& key,
                                       const PutOptions& options, bool compressed, int side) {
  Stream st;
  PutOptions o = options;
  const bool json = side < 0 ? config_->format.kind == FormatKind::kJson
                             : (side == static_cast<int>(SideKind::kKeys)
                                    ? config_->side_files.keys_format
                                    : config_->side_files.headers_format) == SideFormat::kJson;
  o.content_type = json ? "application/json" : "application/octet-stream";
  st.upload =
      std::make_unique<ObjectUpload>(store_, pool_, key, std::move(o), config_->part_size, spill_);
  if (end_offset_naming_) st.upload->HoldUntilClose();
  OutputStream* out = st.upload.get();
  if (compressed && config_->codec != Codec::kNone) {
    ASSIGN_OR_RETURN(st.compressor,
                     MakeCompressingStream(config_->codec, config_->compression_level, out));
    out = st.compressor.get();
  }
  st.writer = side < 0 ? format_->NewWriter(out)
                       : NewSideWriter(static_cast<SideKind>(side), config_->side_files, out);
  buffered_ += file_overhead_;
  f->streams.push_back(std::move(st));
  return Status::OK();
}

std::map<std::string, std::string> TopicPartitionWriter::FinalMetadata(const OpenFile& f) const {
  std::map<std::string, std::string> m = {{"tributary-last-offset", OffsetText(f.last)},
                                          {"tributary-record-count", std::to_string(f.records)}};
  m["tributary-flush-next"] = OffsetText(last_.Next());
  if (f.min_ts <= f.max_ts) {
    m["tributary-min-timestamp"] = std::to_string(f.min_ts);
    m["tributary-max-timestamp"] = std::to_string(f.max_ts);
  }
  return m;
}

Status TopicPartitionWriter::DoFlush(std::string reason) {
  if (records_ == 0) return Status::OK();
  if (skipped_ > 0 && skip_barrier_) {
    RETURN_IF_ERROR(skip_barrier_().WithContext(
        fmt::format("{}: making {} skipped record(s) durable before offset {} is committed",
                    tp_.ToString(), skipped_, last_.Next().value())));
  }
  for (auto& [encoded, f] : files_) {
    for (Stream& s : f.streams) {
      Status st = s.writer->Close();
      if (st.ok() && s.compressor) st = s.compressor->Close();
      if (st.ok() && end_offset_naming_) {
        // {{end_offset}}: the key is known now; nothing was sent under the first one.
        const std::string_view old_key = s.upload->key();
        const std::string base = DataObjectKey(naming_, f.named, f.path, f.first, "");
        st = s.upload->Rename(FinalObjectKey(naming_, f.named, f.path, f.first, f.last, "") +
                              std::string(old_key.substr(base.size())));
      }
      if (!st.ok()) {
        return st.WithContext(fmt::format("{}: closing {}", tp_.ToString(), s.upload->key()));
      }
    }
  }
  Flush flush;
  flush.next = last_.Next();
  flush.reason = std::move(reason);
  for (const auto& [encoded, f] : files_) {
    for (const Stream& s : f.streams) {
      flush.objects.push_back({s.upload->key(), f.first, f.last, f.records, s.upload->Size(),
                               &s == &f.streams.front()});
    }
  }
  Status st = journal_ != nullptr ? FlushJournaled(&flush) : FlushDirect(&flush);
  if (!st.ok()) return st;
  for (const auto& w : flush.objects) {
    spdlog::debug("wrote {} (offsets {}..{}, {} records, {} bytes; {})", w.key, w.first.value(),
                  w.last.value(), w.records, w.bytes, flush.reason);
  }
  files_.clear();
  buffered_ = 0;
  records_ = 0;
  flush_started_ = false;
  skipped_ = 0;
  flushes_.push_back(std::move(flush));
  return Status::OK();
}

Status TopicPartitionWriter::FlushDirect(Flush* flush) {
  (void)flush;
  return ForEachStream([this](OpenFile& f, Stream& s) -> Status {
    auto put = s.upload->Finish(FinalMetadata(f), FinalTags(f));
    if (!put.ok()) {
      return put.status().WithContext(fmt::format("{}: writing offsets {}..{} to {}",
                                                  tp_.ToString(), f.first.value(), f.last.value(),
                                                  s.upload->key()));
    }
    return Status::OK();
  });
}

std::map<std::string, std::string> TopicPartitionWriter::FinalTags(const OpenFile& f) const {
  if (!config_->object_tagging) return {};
  return {{"endOffset", OffsetText(f.last)}, {"recordCount", std::to_string(f.records)}};
}

Status TopicPartitionWriter::ForEachStream(const std::function<Status(OpenFile&, Stream&)>& fn) {
  std::vector<std::pair<OpenFile*, Stream*>> streams;
  for (auto& [encoded, f] : files_) {
    for (Stream& s : f.streams) streams.emplace_back(&f, &s);
  }
  if (streams.size() <= 1) {
    return streams.empty() ? Status::OK() : fn(*streams[0].first, *streams[0].second);
  }
  // Each object's requests wait on the store's latency, not on CPU: run them side by
  // side (their parts still go through the upload pool, which bounds bytes in flight).
  std::vector<Status> results(streams.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < streams.size(); i = next++) {
      results[i] = fn(*streams[i].first, *streams[i].second);
    }
  };
  std::vector<std::thread> threads;
  const size_t n = std::min(streams.size(), kFlushParallelism) - 1;
  for (size_t t = 0; t < n; ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  for (auto& st : results) {
    if (!st.ok()) return st;  // the first in file order
  }
  return Status::OK();
}

Status TopicPartitionWriter::FlushJournaled(Flush* flush) {
  if (!journal_state_) {
    return Status(StatusCode::kInternal,
                  fmt::format("{}: flush before the journal was recovered", tp_.ToString()));
  }
  // 1. The last part of every file.
  PendingFlush pending;
  pending.first = flush_first_.value();
  pending.next = flush->next.value();
  // Side files are objects of the same flush: recovery completes or aborts them with
  // the data file.
  std::map<const Stream*, JournalFile> prepared;
  std::mutex prepared_mu;
  Status st = ForEachStream([&](OpenFile& f, Stream& s) -> Status {
    const bool partial = s.upload->multipart();  // its metadata was fixed at creation
    auto parts = s.upload->Prepare(FinalMetadata(f), FinalTags(f));
    if (!parts.ok()) {
      return parts.status().WithContext(fmt::format("{}: uploading offsets {}..{} to {}",
                                                    tp_.ToString(), f.first.value(), f.last.value(),
                                                    s.upload->key()));
    }
    JournalFile jf;
    jf.key = s.upload->key();
    jf.upload_id = s.upload->upload_id();
    jf.first = f.first.value();
    jf.last = f.last.value();
    jf.records = f.records;
    jf.bytes = s.upload->Size();
    jf.parts = *parts;
    jf.partial_metadata = partial;
    std::lock_guard<std::mutex> lock(prepared_mu);
    prepared.emplace(&s, std::move(jf));
    return Status::OK();
  });
  if (!st.ok()) return CheckFenced(st);
  for (auto& [encoded, f] : files_) {
    for (const Stream& s : f.streams) pending.files.push_back(std::move(prepared.at(&s)));
  }
  // 2. The journal names the flush: from now on it is rolled forward, never lost.
  JournalRecord record = journal_state_->record;
  record.pending = pending;
  record.updated_ms = NowMillis();
  auto etag = journal_->Write(tp_, record, journal_state_->etag);
  if (!etag.ok()) {
    if (etag.status().code() == StatusCode::kPreconditionFailed) {
      for (auto& [encoded, f] : files_) {
        for (Stream& s : f.streams) s.upload->Abort();
      }
    }
    return etag.status();
  }
  journal_state_ = VersionedJournal{record, *etag};
  RETURN_IF_ERROR(WriteManifestIfNeeded(pending));
  // 3. Every object becomes visible.
  RETURN_IF_ERROR(ForEachStream([this](OpenFile& f, Stream& s) -> Status {
    auto done = s.upload->Complete();
    if (!done.ok()) {
      return CheckFenced(done.status().WithContext(fmt::format(
          "{}: completing {} (offsets {}..{}); the journal's pending flush completes it on "
          "restart",
          tp_.ToString(), s.upload->key(), f.first.value(), f.last.value())));
    }
    return Status::OK();
  }));
  // 4. The journal moves on.
  record.pending.reset();
  record.committed = pending.next;
  ++record.flushes;
  record.updated_ms = NowMillis();
  ASSIGN_OR_RETURN(std::string committed_etag, journal_->Write(tp_, record, journal_state_->etag));
  journal_state_ = VersionedJournal{std::move(record), std::move(committed_etag)};
  return Status::OK();
}

Status TopicPartitionWriter::CheckFenced(Status error) {
  if (journal_ == nullptr || !journal_state_) return error;
  auto current = journal_->Read(tp_);
  if (current.ok() && current->has_value() &&
      ((*current)->record.owner.instance != identity_.instance ||
       (*current)->record.owner.epoch != journal_state_->record.owner.epoch)) {
    return Status(StatusCode::kPreconditionFailed,
                  fmt::format("{}: taken over by instance {} (epoch {}) while this one was "
                              "writing ({})",
                              tp_.ToString(), (*current)->record.owner.instance,
                              (*current)->record.owner.epoch, error.message()));
  }
  return error;
}

Status TopicPartitionWriter::WriteManifestIfNeeded(const PendingFlush& pending) {
  for (const auto& f : pending.files) {
    if (f.partial_metadata) return journal_->WriteManifest(tp_, pending);
  }
  return Status::OK();
}

Status TopicPartitionWriter::RollForward(const PendingFlush& pending) {
  RETURN_IF_ERROR(WriteManifestIfNeeded(pending));
  for (const auto& f : pending.files) {
    auto done = store_->CompleteMultipartUpload(f.key, f.upload_id, f.parts);
    if (done.ok()) {
      spdlog::info("{}: completed {} (offsets {}..{}) left pending by the previous owner",
                   tp_.ToString(), f.key, f.first, f.last);
      continue;
    }
    // Completed already (by the previous owner, or by an earlier attempt of ours)? The
    // upload is then gone, and radosgw reports that as a 500, not a 404: the object
    // itself decides.
    auto head = store_->Head(f.key);
    if (head.ok() && head->size == f.bytes &&
        head->metadata["tributary-first-offset"] == std::to_string(f.first) &&
        head->metadata["tributary-flush-first"] == std::to_string(pending.first)) {
      continue;
    }
    return Status(
        StatusCode::kCorruption,
        fmt::format("{}: the journal's pending flush names {} (offsets {}..{}, upload "
                    "{}), but the upload cannot be completed ({}) and the object is "
                    "not there; stopping rather than losing these records",
                    tp_.ToString(), f.key, f.first, f.last, f.upload_id, done.status().message()));
  }
  return Status::OK();
}

Result<std::optional<Offset>> TopicPartitionWriter::Recover(
    std::optional<Offset> group_committed, const std::vector<MultipartUploadInfo>& uploads) {
  if (journal_ == nullptr) return group_committed;
  Discard();
  std::vector<std::string> named;  // upload ids a journal names
  for (int attempt = 1;; ++attempt) {
    if (attempt > 20) {
      return Unavailable("{}: the journal {} keeps changing; another instance is writing it",
                         tp_.ToString(), journal_->Key(tp_));
    }
    ASSIGN_OR_RETURN(std::optional<VersionedJournal> current, journal_->Read(tp_));
    JournalRecord record;
    std::string etag;
    if (current) {
      record = std::move(current->record);
      etag = std::move(current->etag);
      if (record.pending) {
        for (const auto& f : record.pending->files) named.push_back(f.upload_id);
        RETURN_IF_ERROR(RollForward(*record.pending));
        record.committed = record.pending->next;
        ++record.flushes;
        record.pending.reset();
      }
    } else {
      record.sink = journal_->sink();
      record.topic = tp_.topic;
      record.partition = tp_.partition.value();
      if (group_committed) record.committed = group_committed->value();
    }
    const int64_t previous_epoch = record.owner.epoch;
    const std::string previous_owner = record.owner.instance;
    record.owner = {identity_.instance, previous_epoch + 1, identity_.host, NowMillis()};
    record.updated_ms = record.owner.since_ms;
    auto written = journal_->Write(tp_, record, etag);
    if (!written.ok()) {
      if (written.status().code() == StatusCode::kPreconditionFailed) continue;
      return written.status();
    }
    if (!current) {
      spdlog::info("{}: created journal {}; starting at {}", tp_.ToString(), journal_->Key(tp_),
                   record.committed ? std::to_string(*record.committed)
                                    : "auto.offset.reset (no committed offset)");
    } else {
      spdlog::info("{}: took over journal {} from {} (epoch {}); committed offset {}",
                   tp_.ToString(), journal_->Key(tp_),
                   previous_owner.empty() ? "nobody" : previous_owner, record.owner.epoch,
                   record.committed ? std::to_string(*record.committed) : "none yet");
    }
    journal_state_ = VersionedJournal{std::move(record), *written};
    break;
  }
  // Unfinished uploads of this topic-partition that no journal names belong to a writer
  // that crashed or was fenced: nothing will complete them.
  const std::string marker = fmt::format("{}{}{}{}", tp_.topic, config_->file_delim,
                                         tp_.partition.value(), config_->file_delim);
  for (const auto& u : uploads) {
    const size_t slash = u.key.rfind(config_->directory_delim);
    const std::string_view name =
        slash == std::string::npos
            ? std::string_view(u.key)
            : std::string_view(u.key).substr(slash + config_->directory_delim.size());
    if (!name.starts_with(marker)) continue;
    if (std::find(named.begin(), named.end(), u.upload_id) != named.end()) continue;
    Status st = store_->AbortMultipartUpload(u.key, u.upload_id);
    if (st.ok() || st.code() == StatusCode::kNotFound) {
      spdlog::info("{}: aborted a stray upload of {} (a previous writer's unfinished file)",
                   tp_.ToString(), u.key);
    } else {
      spdlog::warn("{}: aborting a stray upload of {}: {}", tp_.ToString(), u.key, st.message());
    }
  }
  const auto& committed = journal_state_->record.committed;
  if (!committed) return std::optional<Offset>();
  return std::optional<Offset>(Offset(*committed));
}

void TopicPartitionWriter::Discard() {
  flush_started_ = false;
  skipped_ = 0;
  // A prepared upload may be named by a pending flush in the journal (or its journal
  // write's outcome is unknown): only the journal's next reader may decide its fate.
  for (auto& [encoded, f] : files_) {
    for (Stream& s : f.streams) {
      if (!s.upload->prepared()) s.upload->Abort();
    }
  }
  files_.clear();
  buffered_ = 0;
  records_ = 0;
}

Status TopicPartitionWriter::ReleaseMemory() {
  ObjectUpload* largest = nullptr;
  for (auto& [encoded, f] : files_) {
    for (Stream& s : f.streams) {
      if (!largest || s.upload->buffered_bytes() > largest->buffered_bytes()) {
        largest = s.upload.get();
      }
    }
  }
  if (largest == nullptr) return Status::OK();
  if (spill_ != nullptr && largest->buffered_bytes() > 0) {
    ASSIGN_OR_RETURN(uint64_t freed, largest->SpillBuffered());
    buffered_ -= freed;
    return Status::OK();
  }
  // A file named by {{end_offset}} cannot send a part before it closes.
  if (!end_offset_naming_ && largest->unsent_bytes() >= kMinPartSize) {
    ASSIGN_OR_RETURN(uint64_t freed, largest->SendBufferedPart());
    buffered_ -= freed;
    return Status::OK();
  }
  ++early_rotations_;
  return DoFlush("buffer.memory.bytes");
}

uint64_t TopicPartitionWriter::spilled_bytes() const {
  uint64_t total = 0;
  for (const auto& [encoded, f] : files_) {
    for (const Stream& s : f.streams) total += s.upload->spilled_bytes();
  }
  return total;
}

Status TopicPartitionWriter::ReleaseSpill() {
  ObjectUpload* largest = nullptr;
  for (auto& [encoded, f] : files_) {
    for (Stream& s : f.streams) {
      if (!largest || s.upload->spilled_bytes() > largest->spilled_bytes()) {
        largest = s.upload.get();
      }
    }
  }
  if (largest == nullptr || largest->spilled_bytes() == 0) return Status::OK();
  if (!end_offset_naming_ && largest->unsent_bytes() >= kMinPartSize) {
    ASSIGN_OR_RETURN(uint64_t freed, largest->SendBufferedPart());
    buffered_ -= freed;
    return Status::OK();
  }
  ++early_rotations_;
  return DoFlush("buffer.spill.max.bytes");
}

}  // namespace tributary
