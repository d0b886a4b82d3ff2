#include "sink/sink_task.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <future>

#include "common/strings.h"

#include "format/format_options.h"
#include "objstore/probe.h"

namespace tributary {
namespace {

// How long one Poll waits: bounds how quickly a stop request is noticed.
constexpr auto kPollTimeout = std::chrono::milliseconds(100);
// How often progress is logged while records flow.
constexpr auto kProgressInterval = std::chrono::seconds(10);
// How long a failing store operation is retried before the sink stops (nothing is lost
// when it does: offsets are committed only after objects exist). It runs on the poll
// thread, so it must stay well inside max.poll.interval.ms (the consumer's default is
// 10 minutes, kafka/client/consumer.cc) or the group would evict this member.
constexpr auto kStoreRetryWindow = std::chrono::minutes(2);
// Durable offsets are re-sent this often, so an asynchronous commit that failed is
// repaired without waiting for the partition's next object.
constexpr auto kCommitInterval = std::chrono::seconds(5);
// Uploader threads, and the parts each may hold in flight: parallel enough to fill a
// link to S3 from one process, bounded so a slow store applies backpressure.
constexpr int kUploadThreads = 4;
constexpr uint64_t kPartsInFlightPerThread = 2;
// Where the start-up probe of conditional writes puts its (deleted) object: beside the
// journal (DESIGN.md §4), outside topics.dir, so lake readers never see it.
constexpr std::string_view kProbePrefix = "_tributary/probe/";
// How often time-based rotation is checked on partitions that receive no records.
constexpr auto kTickInterval = std::chrono::milliseconds(200);
// How often per-partition figures (open files, buffered bytes) are refreshed for status
// and metrics.
constexpr auto kReportInterval = std::chrono::seconds(1);
// The "file open unusually long" lines name at most this many partitions per interval.
constexpr size_t kMaxDiagnosticLines = 20;
// Journal recoveries run in parallel on assignment, this many at a time.
constexpr size_t kRecoveryThreads = 16;
// How long the group's committed offsets may take to arrive on assignment.
constexpr auto kCommittedTimeout = std::chrono::seconds(30);

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The rotations counter's label for a Flush::reason; empty for the early ones
// (buffer.memory.bytes), which have their own counter.
std::string_view RotationLabel(std::string_view reason) {
  if (reason == "flush.size") return "flush_size";
  if (reason == "flush.bytes") return "flush_bytes";
  if (reason == "rotate.interval.ms") return "rotate_interval";
  if (reason.starts_with("rotate.interval.ms (")) return "partition_change";
  if (reason == "rotate.schedule.interval.ms") return "rotate_schedule";
  if (reason == "partitioner.max.open.files") return "max_open_files";
  if (reason.starts_with("schema.compatibility")) return "schema_compatibility";
  if (reason.starts_with("schema.max.open.versions")) return "schema_max_open_versions";
  if (reason.starts_with("schema.inference")) return "schema_inference";
  return "";
}

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "unknown";
  return buf;
}

}  // namespace

Result<std::unique_ptr<SinkTask>> SinkTask::Create(SinkConfig config, SinkMetrics* metrics) {
  std::unique_ptr<SinkTask> self(new SinkTask());
  self->config_ = std::move(config);
  self->metrics_ = metrics;
  for (const auto& key : self->config_.unused_keys) {
    spdlog::warn("config key '{}' is not used by this version of Tributary", key);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectStore> store, OpenObjectStore(self->config_.store));
  self->store_ = std::make_unique<RetryingStore>(
      std::move(store), std::chrono::duration_cast<std::chrono::milliseconds>(kStoreRetryWindow));
  self->store_->set_metrics(metrics);
  // Parts in flight are memory too: buffer.memory.bytes is split between open files
  // (three quarters) and parts being uploaded (a quarter, but always room for one part),
  // so a flush of thousands of small files cannot pile its buffers up behind a slow
  // store beyond the budget.
  const uint64_t budget = self->config_.buffer_memory_bytes;
  const uint64_t in_flight = std::max<uint64_t>(
      self->config_.part_size,
      std::min<uint64_t>(kUploadThreads * kPartsInFlightPerThread * self->config_.part_size,
                         budget / 4));
  self->open_files_budget_ = budget - std::min(in_flight, budget / 4);
  self->pool_ = std::make_unique<UploadPool>(kUploadThreads, in_flight);
  if (!self->config_.spill_dir.empty()) {
    ASSIGN_OR_RETURN(self->spill_, SpillArea::Open(self->config_.spill_dir, self->config_.name,
                                                   self->config_.spill_max_bytes));
    spdlog::info("buffer.spill.dir: staging unsent part data in {} (at most {} bytes)",
                 self->spill_->path(), self->config_.spill_max_bytes);
  }
  Status st = self->store_->CheckBucket();
  if (!st.ok()) return st.WithContext(fmt::format("store {}", self->store_->Describe()));
  // Conditional writes fence zombies in the exactly-once journal; find out now, on a
  // probe object outside topics.dir, whether this store honours them.
  Status probe = ProbeConditionalWrites(*self->store_, kProbePrefix);
  SinkConfig& c = self->config_;
  if (probe.ok()) {
    spdlog::info("store {} honours conditional writes (If-None-Match, If-Match)",
                 self->store_->Describe());
  }
  switch (c.exactly_once) {
    case ExactlyOnceMode::kJournal:
      if (!probe.ok()) {
        return Status(StatusCode::kInvalidArgument,
                      fmt::format("exactly.once.mode=journal needs a store that honours "
                                  "conditional writes, and this one does not: {}. Use "
                                  "exactly.once.mode=deterministic with rotation that depends "
                                  "on the data alone",
                                  probe.message()));
      }
      self->mode_ = ExactlyOnceMode::kJournal;
      break;
    case ExactlyOnceMode::kDeterministic:
      self->mode_ = ExactlyOnceMode::kDeterministic;
      break;
    case ExactlyOnceMode::kAuto:
      if (probe.ok()) {
        self->mode_ = ExactlyOnceMode::kJournal;
      } else {
        spdlog::warn("{}; using exactly.once.mode=deterministic", probe.message());
        Status st = c.CheckDeterministicRotation();
        if (!st.ok()) {
          return st.WithContext(
              "the store cannot fence writers (no conditional writes), so only the "
              "deterministic mode is possible");
        }
        self->mode_ = ExactlyOnceMode::kDeterministic;
      }
      break;
  }
  if (self->mode_ == ExactlyOnceMode::kJournal) {
    self->journal_ = std::make_unique<Journal>(self->store_.get(), c.journal_prefix, c.name);
    self->identity_ = {RandomHex(16), HostName()};
    spdlog::info("exactly.once.mode=journal: journals under {}/{}/, instance {}", c.journal_prefix,
                 c.name, self->identity_.instance);
  } else {
    spdlog::info(
        "exactly.once.mode=deterministic: offsets are committed after objects are written; "
        "replays rewrite identical objects");
  }
  self->progress_.exactly_once =
      self->mode_ == ExactlyOnceMode::kJournal ? "journal" : "deterministic";
  ASSIGN_OR_RETURN(self->format_, MakeFormat(self->config_.format));
  ASSIGN_OR_RETURN(self->partitioner_, MakePartitioner(self->config_.partitioner));
  if (!c.dlq_topic.empty()) {
    std::map<std::string, std::string> props = c.producer_overrides;
    props.emplace("acks", "all");
    props.emplace("client.id", "tributary-" + c.name + "-dlq");
    ASSIGN_OR_RETURN(self->dlq_, Producer::Create(c.bootstrap_servers, props));
    spdlog::info("errors.tolerance=all: records that cannot be written go to topic {}",
                 c.dlq_topic);
  } else if (c.tolerate_errors) {
    spdlog::info(
        "errors.tolerance=all without a dead-letter topic: records that cannot be "
        "written are skipped{}",
        c.log_errors ? " and logged" : " (set errors.log.enable=true to log them)");
  }
  ConsumerOptions options;
  options.bootstrap_servers = self->config_.bootstrap_servers;
  options.group_id = self->config_.GroupId();
  options.client_id = "tributary-" + self->config_.name;
  options.overrides = self->config_.consumer_overrides;
  // librdkafka pre-fetches up to 64 MiB by default, outside buffer.memory.bytes; a
  // sink keeps up with less (consumer.override.queued.max.messages.kbytes raises it).
  options.overrides.emplace("queued.max.messages.kbytes", "16384");
  if (metrics != nullptr) {
    options.on_commit = [metrics](const Status& st) {
      metrics->OffsetCommits(st.ok())->Inc();
      if (!st.ok()) metrics->Errors("commit")->Inc();
    };
  }
  ASSIGN_OR_RETURN(self->consumer_, Consumer::Create(options, self.get()));
  return self;
}

SinkTask::~SinkTask() {
  // The consumer must close (and run its last rebalance callbacks) while this object
  // is still whole.
  if (consumer_) consumer_->Close();
}

Status SinkTask::Run(const std::atomic<bool>& stop) {
  spdlog::info("sink '{}': consuming {} as group {} into {}", config_.name,
               fmt::join(config_.topics, ","), config_.GroupId(), store_->Describe());
  RETURN_IF_ERROR(consumer_->Subscribe(config_.topics));
  last_log_ = std::chrono::steady_clock::now();
  last_diagnostic_ = last_log_;
  Status result;
  while (!stop.load(std::memory_order_relaxed)) {
    if (pause_requested_.load(std::memory_order_relaxed) != pause_applied_) ApplyPause();
    auto polled = consumer_->Poll(kPollTimeout);
    if (!polled.ok()) {
      result = polled.status();
      break;
    }
    if (!assign_error_.ok()) {
      result = assign_error_;
      break;
    }
    if (polled->has_value()) {
      const Record source = (*polled)->record();
      // Records arrive in runs of one partition: reuse the last writer without building
      // a TopicPartition (a string) per record. Writers, offsets and the journal belong
      // to the source topic-partition, whatever a transform does to the record.
      if (last_writer_ == nullptr ||
          last_writer_->topic_partition().partition != source.partition ||
          last_writer_->topic_partition().topic != source.topic) {
        TopicPartition tp{std::string(source.topic), source.partition};
        if (!fenced_.empty() && fenced_.count(tp)) continue;  // fetched before the pause
        last_writer_ = &WriterFor(tp);
      }
      {
        std::lock_guard<std::mutex> lock(progress_mu_);
        ++progress_.records_consumed;
      }
      if (metrics_) {
        metrics_->bytes_consumed->Inc((source.key ? source.key->size() : 0) +
                                      (source.value ? source.value->size() : 0));
      }
      // The transform chain (transforms=...): the same record when there is none.
      auto transformed = config_.transforms->Apply(source, &transform_scratch_);
      Status st;
      if (!transformed.ok()) {
        st = transformed.status();
        if (metrics_) metrics_->Errors("transform")->Inc();
        if (st.code() == StatusCode::kInvalidArgument && config_.tolerate_errors) {
          st = SkipRecord(source, &st);
        }
      } else if (*transformed == nullptr) {
        last_writer_->Skip(source);  // dropped by a Filter or a SQL WHERE: accounted for
        if (metrics_) metrics_->records_filtered->Inc();
      } else if (const Record& record = **transformed;
                 !record.value && config_.on_null == NullValueBehavior::kIgnore) {
        st = SkipRecord(source, nullptr);  // the dead-letter topic gets what was consumed
      } else {
        const uint64_t before = last_writer_->buffered_bytes();
        st = last_writer_->Write(record, NowMillis());
        buffered_ = buffered_ + last_writer_->buffered_bytes() - before;
        intake_[last_writer_] += record.value->size() + (record.key ? record.key->size() : 0);
        if (st.code() == StatusCode::kInvalidArgument && metrics_) {
          metrics_->Errors("record")->Inc();
        }
        if (st.code() == StatusCode::kInvalidArgument && config_.tolerate_errors) {
          st = SkipRecord(source, &st);
        }
        if (st.ok() && buffered_ > open_files_budget_) st = EnforceMemoryBudget();
        if (st.ok() && spill_ && spill_->over_limit()) st = EnforceSpillLimit();
      }
      if (st.code() == StatusCode::kPreconditionFailed) {
        const TopicPartition tp = last_writer_->topic_partition();  // Fence destroys the writer
        Fence(tp, st);
        continue;
      }
      if (!st.ok()) {
        result = st;
        break;
      }
      if (last_writer_->has_flushes()) CollectFlushes(*last_writer_);
    }
    if (std::chrono::steady_clock::now() - last_tick_ >= kTickInterval) {
      Status st = TickWriters();
      if (!st.ok()) {
        result = st;
        break;
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (!to_commit_.empty() || (!durable_.empty() && now - last_commit_ >= kCommitInterval)) {
      // Every durable offset, not just the new ones: an asynchronous commit that failed
      // is repaired by the next one.
      Status st = consumer_->Commit(durable_, /*async=*/true);
      if (!st.ok()) spdlog::warn("{}", st.message());
      to_commit_.clear();
      last_commit_ = now;
    }
    BalanceConsumption();
    buffered_reported_.store(buffered_, std::memory_order_relaxed);
    if (now - last_report_ >= kReportInterval) ReportPartitions();
    LogProgress(false);
  }
  if (!result.ok() && metrics_) metrics_->Errors("task")->Inc();
  if (!result.ok()) spdlog::error("sink '{}' stopping: {}", config_.name, result.message());
  Shutdown();
  return result;
}

void SinkTask::Shutdown() {
  // Commit first: aborting open files may wait on a slow store, and a stop that is
  // killed meanwhile should still leave the group at the last durable offsets.
  Status st = consumer_->Commit(durable_, /*async=*/false);
  if (!st.ok()) spdlog::warn("final offset commit: {}", st.message());
  uint64_t dropped = 0;
  size_t open_files = 0;
  for (auto& [tp, w] : writers_) {
    if (w->buffered_records() > 0) ++open_files;
    dropped += w->buffered_records();
    w->Discard();
  }
  if (dropped > 0) {
    spdlog::info(
        "{} record(s) in {} open file(s) were not written; they are re-read from the committed "
        "offsets on restart",
        dropped, open_files);
  }
  consumer_->Close();
  LogProgress(true);
}

TopicPartitionWriter& SinkTask::WriterFor(const TopicPartition& tp) {
  auto it = writers_.find(tp);
  if (it == writers_.end()) {
    it = writers_
             .emplace(tp, std::make_unique<TopicPartitionWriter>(
                              tp, &config_, format_.get(), partitioner_.get(), store_.get(),
                              pool_.get(), journal_.get(), identity_))
             .first;
    if (spill_) it->second->set_spill(spill_.get());
    if (dlq_) {
      it->second->set_skip_barrier([this] { return dlq_->Flush(std::chrono::seconds(60)); });
    }
  }
  return *it->second;
}

void SinkTask::CollectFlushes(TopicPartitionWriter& writer) {
  const TopicPartition& tp = writer.topic_partition();
  std::lock_guard<std::mutex> lock(progress_mu_);
  for (Flush& f : writer.TakeFlushes()) {
    to_commit_[tp] = f.next;
    durable_[tp] = f.next;
    progress_.committed[tp] = f.next;
    ++progress_.flushes;
    if (!f.objects.empty()) {
      PartitionProgress& pp = progress_.partitions[tp];
      pp.last_object = f.objects.back().key;
      pp.last_object_unix_ms = NowMillis();
    }
    if (metrics_) {
      if (std::string_view label = RotationLabel(f.reason); !label.empty()) {
        metrics_->Rotations(label)->Inc(f.objects.size());
      }
    }
    for (const auto& w : f.objects) {
      if (w.counts_records) progress_.records_written += w.records;
      progress_.objects_written += 1;
      progress_.bytes_written += w.bytes;
    }
  }
}

Status SinkTask::SkipRecord(const Record& record, const Status* error) {
  TopicPartitionWriter& writer = *last_writer_;
  const bool to_dlq = dlq_ && (error != nullptr || config_.report_nulls_to_dlq);
  if (error != nullptr && config_.log_errors) {
    if (config_.log_error_messages) {
      const std::string_view v = record.value ? record.value->substr(0, 256) : "null";
      spdlog::warn("skipping {}: {} (key {}, value {})", record.Where(), error->message(),
                   record.key ? std::string(*record.key) : "null", v);
    } else {
      spdlog::warn("skipping {}: {}", record.Where(), error->message());
    }
  }
  if (to_dlq) {
    std::vector<Producer::Header> headers;
    for (const auto& h : record.headers) {
      headers.push_back(
          {std::string(h.name), h.value ? std::optional<std::string>(*h.value) : std::nullopt});
    }
    if (config_.dlq_context_headers) {
      const std::string message =
          error != nullptr ? error->message() : "null value (a tombstone) ignored";
      headers.push_back({"__connect.errors.topic", std::string(record.topic)});
      headers.push_back({"__connect.errors.partition", std::to_string(record.partition.value())});
      headers.push_back({"__connect.errors.offset", std::to_string(record.offset.value())});
      headers.push_back({"__connect.errors.connector.name", config_.name});
      headers.push_back({"__connect.errors.task.id", "0"});
      headers.push_back({"__connect.errors.stage", "TASK_PUT"});
      headers.push_back({"__connect.errors.class.name", "tributary.SinkTask"});
      headers.push_back({"__connect.errors.exception.class.name",
                         error != nullptr ? "org.apache.kafka.connect.errors.DataException"
                                          : "tributary.NullValue"});
      headers.push_back({"__connect.errors.exception.message", message});
    }
    Status st = dlq_->Produce(config_.dlq_topic, std::nullopt, record.key, record.value, headers);
    if (!st.ok()) {
      if (metrics_) metrics_->Errors("dlq")->Inc();
      return st.WithContext(fmt::format("{}: sending to the dead-letter topic {}", record.Where(),
                                        config_.dlq_topic));
    }
  }
  writer.Skip(record);
  std::lock_guard<std::mutex> lock(progress_mu_);
  ++progress_.records_skipped;
  if (to_dlq) ++progress_.records_to_dlq;
  return Status::OK();
}

Status SinkTask::EnforceMemoryBudget() {
  // Relieve down to 90% of the budget, so that the next records do not land right back
  // on the limit.
  const uint64_t target = open_files_budget_ / 10 * 9;
  for (int round = 0; buffered_ > target && round < 10'000; ++round) {
    TopicPartitionWriter* largest = nullptr;
    for (auto& [tp, w] : writers_) {
      if (!largest || w->buffered_bytes() > largest->buffered_bytes()) largest = w.get();
    }
    if (largest == nullptr || largest->buffered_bytes() == 0) break;
    RETURN_IF_ERROR(Relieve(*largest, &TopicPartitionWriter::ReleaseMemory));
  }
  return Status::OK();
}

Status SinkTask::EnforceSpillLimit() {
  const uint64_t target = spill_->limit() / 10 * 9;
  for (int round = 0; spill_->used() > target && round < 10'000; ++round) {
    TopicPartitionWriter* largest = nullptr;
    uint64_t largest_bytes = 0;
    for (auto& [tp, w] : writers_) {
      const uint64_t bytes = w->spilled_bytes();
      if (bytes > largest_bytes) largest = w.get(), largest_bytes = bytes;
    }
    if (largest == nullptr) break;
    RETURN_IF_ERROR(Relieve(*largest, &TopicPartitionWriter::ReleaseSpill));
  }
  return Status::OK();
}

Status SinkTask::Relieve(TopicPartitionWriter& writer, Status (TopicPartitionWriter::*release)()) {
  const uint64_t before = writer.buffered_bytes();
  const uint64_t rotations = writer.early_rotations();
  Status st = (writer.*release)();
  buffered_ = buffered_ + writer.buffered_bytes() - before;
  if (st.code() == StatusCode::kPreconditionFailed) {
    Fence(writer.topic_partition(), st);  // destroys the writer
    return Status::OK();
  }
  RETURN_IF_ERROR(st);
  if (writer.early_rotations() != rotations) {
    spdlog::debug("{}: closed {} bytes of open files early", writer.topic_partition().ToString(),
                  before);
    std::lock_guard<std::mutex> lock(progress_mu_);
    ++progress_.early_rotations;
  }
  if (writer.has_flushes()) CollectFlushes(writer);
  return Status::OK();
}

void SinkTask::BalanceConsumption() {
  const uint64_t budget = config_.buffer_memory_bytes;
  const uint64_t in_flight = pool_->bytes_in_flight();
  const uint64_t in_use = buffered_ + in_flight;
  if (!memory_paused_.empty()) {
    if (in_use > budget / 10 * 9 && in_flight > 0) return;
    // Not those the REST API paused meanwhile: they wait for its resume.
    std::vector<TopicPartition> resume;
    for (const auto& tp : memory_paused_) {
      if (!paused_.count(tp)) resume.push_back(tp);
    }
    if (!resume.empty()) consumer_->Resume(resume);
    spdlog::info("memory back to {} bytes (buffer.memory.bytes={}): resumed {} partition(s)",
                 in_use, budget, resume.size());
    memory_paused_.clear();
    intake_.clear();
    std::lock_guard<std::mutex> lock(progress_mu_);
    progress_.paused_partitions = 0;
    return;
  }
  if (in_use <= budget || in_flight == 0) return;
  // The hottest partitions, by bytes brought since the last decision, until they make
  // up half of that intake: pausing them frees the most, the slow ones keep flowing.
  std::vector<std::pair<uint64_t, TopicPartitionWriter*>> hot;
  uint64_t total = 0;
  for (const auto& [w, bytes] : intake_) {
    hot.emplace_back(bytes, w);
    total += bytes;
  }
  intake_.clear();
  std::sort(hot.begin(), hot.end(), std::greater<>());
  std::vector<TopicPartition> pause;
  uint64_t covered = 0;
  for (const auto& [bytes, w] : hot) {
    if (bytes == 0 || (covered * 2 >= total && !pause.empty())) break;
    // Only writers still assigned (intake_ may name a writer dropped since).
    auto it = std::find_if(writers_.begin(), writers_.end(),
                           [w = w](const auto& e) { return e.second.get() == w; });
    if (it == writers_.end() || fenced_.count(it->first) || paused_.count(it->first)) continue;
    pause.push_back(it->first);
    covered += bytes;
  }
  if (pause.empty()) return;
  consumer_->Pause(pause);
  memory_paused_.insert(pause.begin(), pause.end());
  spdlog::info(
      "memory at {} bytes ({} in open files, {} in parts being uploaded) is over "
      "buffer.memory.bytes={}: pausing {} partition(s) that fill fastest, {}{}",
      in_use, buffered_, in_flight, budget, pause.size(), pause.front().ToString(),
      pause.size() > 1 ? ", ..." : "");
  std::lock_guard<std::mutex> lock(progress_mu_);
  ++progress_.memory_pauses;
  progress_.paused_partitions = memory_paused_.size();
}

Status SinkTask::TickWriters() {
  last_tick_ = std::chrono::steady_clock::now();
  const int64_t now = NowMillis();
  std::vector<TopicPartition> fenced;
  for (auto& [tp, w] : writers_) {
    const uint64_t before = w->buffered_bytes();
    Status st = w->Tick(now);
    buffered_ = buffered_ + w->buffered_bytes() - before;
    if (st.code() == StatusCode::kPreconditionFailed) {
      spdlog::warn("{}", st.message());
      fenced.push_back(tp);
      continue;
    }
    RETURN_IF_ERROR(st);
    if (w->has_flushes()) CollectFlushes(*w);
  }
  for (const auto& tp : fenced) Fence(tp, Status(StatusCode::kPreconditionFailed, "fenced"));
  return Status::OK();
}

void SinkTask::Fence(TopicPartition tp, const Status& why) {
  spdlog::warn(
      "{}: fenced, another instance owns this partition now ({}); dropping its unwritten "
      "records and pausing it until the group assigns it again",
      tp.ToString(), why.message());
  auto it = writers_.find(tp);
  if (it != writers_.end()) {
    if (last_writer_ == it->second.get()) last_writer_ = nullptr;
    buffered_ -= it->second->buffered_bytes();
    intake_.erase(it->second.get());
    writers_.erase(it);  // aborts its unfinished uploads
  }
  consumer_->Pause({tp});
  memory_paused_.erase(tp);  // stays paused, as fenced
  fenced_.insert(tp);
  paused_.erase(tp);
  to_commit_.erase(tp);
  durable_.erase(tp);
  std::lock_guard<std::mutex> lock(progress_mu_);
  ++progress_.fenced;
  progress_.partitions.erase(tp);
}

std::map<TopicPartition, Offset> SinkTask::OnAssigned(
    const std::vector<TopicPartition>& partitions) {
  std::map<TopicPartition, Offset> start;
  for (const auto& tp : partitions) {
    if (fenced_.erase(tp)) consumer_->Resume({tp});
    WriterFor(tp);
  }
  if (metrics_) metrics_->Rebalances("assigned")->Inc();
  {
    std::lock_guard<std::mutex> lock(progress_mu_);
    for (const auto& tp : partitions) progress_.partitions.try_emplace(tp);
  }
  if (mode_ != ExactlyOnceMode::kJournal || !assign_error_.ok()) return start;

  // Journal mode: recover and own every partition before any of its records is read.
  std::map<TopicPartition, Offset> group;
  auto committed = consumer_->CommittedOffsets(partitions, kCommittedTimeout);
  if (committed.ok()) {
    group = std::move(*committed);
  } else {
    spdlog::warn(
        "reading the group's committed offsets: {}; partitions without a journal "
        "start at auto.offset.reset",
        committed.status().message());
  }
  std::map<std::string, std::vector<MultipartUploadInfo>> uploads;  // by topic
  for (const auto& tp : partitions) {
    if (uploads.count(tp.topic)) continue;
    std::string prefix = config_.topics_dir.empty() ? tp.topic + config_.directory_delim
                                                    : config_.topics_dir + config_.directory_delim +
                                                          tp.topic + config_.directory_delim;
    auto listed = store_->ListMultipartUploads(prefix);
    if (!listed.ok()) {
      assign_error_ = listed.status().WithContext("listing unfinished uploads under " + prefix);
      return start;
    }
    uploads[tp.topic] = std::move(*listed);
  }
  // Each recovery is a few small requests; run up to kRecoveryThreads at once so that
  // an assignment of many partitions does not take one round trip per request each.
  std::vector<std::future<Result<std::optional<Offset>>>> running;
  running.reserve(partitions.size());
  for (size_t i = 0; i < partitions.size(); ++i) {
    const TopicPartition& tp = partitions[i];
    std::optional<Offset> group_offset;
    if (auto it = group.find(tp); it != group.end()) group_offset = it->second;
    TopicPartitionWriter* writer = writers_[tp].get();
    const std::vector<MultipartUploadInfo>* topic_uploads = &uploads[tp.topic];
    if (i >= kRecoveryThreads) running[i - kRecoveryThreads].wait();
    running.push_back(std::async(std::launch::async, [writer, group_offset, topic_uploads] {
      return writer->Recover(group_offset, *topic_uploads);
    }));
  }
  for (size_t i = 0; i < partitions.size(); ++i) {
    auto from = running[i].get();
    const TopicPartition& tp = partitions[i];
    if (!from.ok()) {
      // Run() stops before any record of these partitions is consumed.
      if (assign_error_.ok()) {
        assign_error_ = from.status().WithContext(tp.ToString() + ": recovering the journal");
      }
      continue;
    }
    if (*from) {
      start[tp] = **from;
      std::lock_guard<std::mutex> lock(progress_mu_);
      progress_.committed[tp] = **from;
    }
  }
  return start;
}

void SinkTask::AfterAssigned(const std::vector<TopicPartition>& partitions) {
  // Paused: partitions assigned meanwhile are paused before any of their records is read.
  if (!pause_applied_) return;
  consumer_->Pause(partitions);
  paused_.insert(partitions.begin(), partitions.end());
}

void SinkTask::OnRevoked(const std::vector<TopicPartition>& partitions) {
  if (metrics_) metrics_->Rebalances(consumer_->assignment_lost() ? "lost" : "revoked")->Inc();
  {
    std::lock_guard<std::mutex> lock(progress_mu_);
    for (const auto& tp : partitions) progress_.partitions.erase(tp);
  }
  // librdkafka keeps a partition's pause across a reassignment: resume what this task
  // paused (Pause, or fenced) before it goes, or it would stay paused when it comes back.
  std::vector<TopicPartition> unpause;
  for (const auto& tp : partitions) {
    if (paused_.erase(tp) + fenced_.count(tp) + memory_paused_.count(tp) > 0) {
      unpause.push_back(tp);
    }
  }
  if (!unpause.empty()) consumer_->Resume(unpause);
  for (const auto& tp : partitions) {
    auto it = writers_.find(tp);
    if (it == writers_.end()) continue;
    if (it->second->buffered_records() > 0) {
      spdlog::info("revoked {}: dropping {} unwritten record(s); the next owner re-reads them",
                   tp.ToString(), it->second->buffered_records());
    }
    if (last_writer_ == it->second.get()) last_writer_ = nullptr;
    buffered_ -= it->second->buffered_bytes();
    intake_.erase(it->second.get());
    writers_.erase(it);
  }
  for (const auto& tp : partitions) {
    fenced_.erase(tp);
    memory_paused_.erase(tp);
  }
  // Offsets already durable were sent with each upload; nothing more may be committed
  // for these partitions by this member.
  for (const auto& tp : partitions) {
    to_commit_.erase(tp);
    durable_.erase(tp);
  }
}

SinkProgress SinkTask::Progress() const {
  std::lock_guard<std::mutex> lock(progress_mu_);
  SinkProgress p = progress_;
  p.store_retries = store_ ? store_->retries() : 0;
  p.buffered_bytes = buffered_reported_.load(std::memory_order_relaxed);
  p.spilled_bytes = spill_ ? spill_->used() : 0;
  return p;
}

void SinkTask::ApplyPause() {
  const bool want = pause_requested_.load();
  std::vector<TopicPartition> change;
  if (want) {
    for (const auto& [tp, w] : writers_) {
      if (!paused_.count(tp)) change.push_back(tp);
    }
    if (!change.empty()) consumer_->Pause(change);
    paused_.insert(change.begin(), change.end());
    if (!pause_applied_) {
      spdlog::info(
          "sink '{}' paused: not consuming its {} partition(s); still in the group, "
          "files still rotate on time",
          config_.name, paused_.size());
    }
  } else {
    // Partitions paused for memory stay paused until BalanceConsumption resumes them.
    for (const auto& tp : paused_) {
      if (!memory_paused_.count(tp)) change.push_back(tp);
    }
    if (!change.empty()) consumer_->Resume(change);
    paused_.clear();
    spdlog::info("sink '{}' resumed: consuming {} partition(s) from where it paused", config_.name,
                 change.size());
  }
  pause_applied_ = want;
  std::lock_guard<std::mutex> lock(progress_mu_);
  progress_.paused = want;
}

void SinkTask::ReportPartitions() {
  last_report_ = std::chrono::steady_clock::now();
  const int64_t now = NowMillis();
  const int64_t interval = config_.diagnostic_log_interval_ms;
  const bool diagnose =
      interval > 0 && last_report_ - last_diagnostic_ >= std::chrono::milliseconds(interval);
  if (diagnose) last_diagnostic_ = last_report_;
  size_t logged = 0, more = 0;
  std::lock_guard<std::mutex> lock(progress_mu_);
  for (const auto& [tp, w] : writers_) {
    PartitionProgress& pp = progress_.partitions[tp];
    pp.open_files = w->open_files();
    pp.buffered_records = w->buffered_records();
    pp.buffered_bytes = w->buffered_bytes();
    pp.open_since_unix_ms = w->open_since_ms();
    pp.waiting_for = w->WaitingFor();
    if (!diagnose || !pp.open_since_unix_ms || now - *pp.open_since_unix_ms < interval) continue;
    if (logged == kMaxDiagnosticLines) {
      ++more;
      continue;
    }
    ++logged;
    spdlog::info(
        "diagnostic: {}: {} file(s) open for {} s ({} records, {} bytes buffered); "
        "waiting for {}",
        tp.ToString(), pp.open_files, (now - *pp.open_since_unix_ms) / 1000, pp.buffered_records,
        pp.buffered_bytes, pp.waiting_for);
  }
  if (more > 0) {
    spdlog::info(
        "diagnostic: {} more partition(s) have files open longer than "
        "diagnostic.log.interval.ms={}",
        more, interval);
  }
}

void SinkTask::LogProgress(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_log_ < kProgressInterval) return;
  SinkProgress p = Progress();
  if (!force && p.records_consumed == last_logged_records_) return;
  std::string skipped;  // optional clauses
  if (p.early_rotations > 0) {
    skipped += fmt::format(", {} early rotations (buffer.memory.bytes)", p.early_rotations);
  }
  if (p.records_skipped > 0) {
    skipped += fmt::format(", {} skipped ({} to the dead-letter topic)", p.records_skipped,
                           p.records_to_dlq);
  }
  if (spill_) skipped += fmt::format(", {} bytes spilled", p.spilled_bytes);
  if (p.paused_partitions > 0) {
    skipped += fmt::format(", {} partition(s) paused for memory", p.paused_partitions);
  }
  spdlog::info(
      "progress: {} records consumed, {} written in {} objects ({} bytes){}, {} bytes "
      "buffered, {} store retries",
      p.records_consumed, p.records_written, p.objects_written, p.bytes_written, skipped,
      p.buffered_bytes, p.store_retries);
  last_log_ = now;
  last_logged_records_ = p.records_consumed;
}

}  // namespace tributary
