#include "cli/sink_runner.h"

#include <spdlog/spdlog.h>

#include "common/logging.h"
#include "config/sink_keys.h"
#include "objstore/s3/s3_store.h"

namespace tributary {

namespace {

// Folds one task's progress into a total: counts add up, the newer offsets win.
void AddProgress(const SinkProgress& p, SinkProgress* total) {
  total->records_consumed += p.records_consumed;
  total->records_written += p.records_written;
  total->objects_written += p.objects_written;
  total->bytes_written += p.bytes_written;
  total->store_retries += p.store_retries;
  total->flushes += p.flushes;
  total->fenced += p.fenced;
  total->early_rotations += p.early_rotations;
  total->records_skipped += p.records_skipped;
  total->records_to_dlq += p.records_to_dlq;
  total->buffered_bytes = p.buffered_bytes;  // of the running task
  total->spilled_bytes = p.spilled_bytes;
  total->paused_partitions = p.paused_partitions;
  total->memory_pauses += p.memory_pauses;
  total->partitions = p.partitions;  // of the running task
  total->paused = p.paused;
  if (!p.exactly_once.empty()) total->exactly_once = p.exactly_once;
  for (const auto& [tp, off] : p.committed) total->committed[tp] = off;
}

// How often the lag monitor asks the brokers: often enough for a live view, rare
// enough to be no load (two small requests per topic).
constexpr auto kLagInterval = std::chrono::milliseconds(2000);

}  // namespace

SinkRunner::SinkRunner(SinkConfig config, RawConfig raw, SinkMetrics* metrics, bool keep_failed)
    : config_(std::move(config)),
      raw_(std::move(raw)),
      metrics_(metrics),
      keep_failed_(keep_failed) {}

SinkRunner::~SinkRunner() = default;

int SinkRunner::Run(const std::atomic<bool>& stop, std::atomic<bool>* task_stop) {
  if (metrics_) lag_ = std::make_unique<LagMonitor>(config_, kLagInterval);
  int code = RunTasks(stop, task_stop);
  if (lag_) lag_->Stop();  // inside the caller's shutdown deadline
  return code;
}

int SinkRunner::RunTasks(const std::atomic<bool>& stop, std::atomic<bool>* task_stop) {
  bool first = true;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      task_stop_ = task_stop;
      // Failed and waiting for a REST restart.
      while (!stop.load() && state_ == ConnectorState::kFailed && !restart_requested_) {
        cv_.wait_for(lock, std::chrono::milliseconds(100));
      }
      restart_requested_ = false;
      // Cleared before `stop` is checked: a signal after this point reaches the task.
      task_stop->store(false);
    }
    if (stop.load()) break;
    auto created = SinkTask::Create(config_, metrics_);
    if (!created.ok()) {
      spdlog::error("{}", created.status().message());
      if (first) return created.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
      if (!keep_failed_) return 1;
      std::lock_guard<std::mutex> lock(mu_);
      state_ = ConnectorState::kFailed;
      trace_ = created.status().message();
      continue;
    }
    std::unique_ptr<SinkTask> task = std::move(created).value();
    {
      std::lock_guard<std::mutex> lock(mu_);
      task_ = task.get();
      task->Pause(pause_requested_);
      state_ = pause_requested_ ? ConnectorState::kPaused : ConnectorState::kRunning;
      trace_.clear();
      started_unix_ms_ = NowUnixMs();
    }
    if (metrics_) {
      if (!first) metrics_->task_restarts->Inc();
      metrics_->task_running->Set(state_ == ConnectorState::kRunning ? 1 : 0);
    }
    first = false;
    Status st = task->Run(*task_stop);
    {
      std::lock_guard<std::mutex> lock(mu_);
      AddProgress(task_->Progress(), &finished_);
      finished_.partitions.clear();  // a task that ended holds no partitions
      task_ = nullptr;
      if (!st.ok()) {
        state_ = ConnectorState::kFailed;
        trace_ = st.message();
      }
    }
    if (metrics_) metrics_->task_running->Set(0);
    task.reset();  // closes the consumer: leaves the group
    if (!st.ok() && !keep_failed_) return 1;
    if (stop.load()) break;
    if (!st.ok()) {
      spdlog::error("sink '{}' failed; it stays down until POST /connectors/{}/restart",
                    config_.name, config_.name);
    } else {
      spdlog::info("sink '{}' restarting", config_.name);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  return state_ == ConnectorState::kFailed ? 1 : 0;
}

SinkProgress SinkRunner::TotalProgressLocked() const {
  SinkProgress total = finished_;
  if (task_) AddProgress(task_->Progress(), &total);
  return total;
}

std::vector<std::pair<std::string, std::string>> SinkRunner::RedactedConfig() const {
  return RedactConfig(raw_, SinkConfigTable());
}

std::vector<std::string> SinkRunner::Topics() const {
  if (!config_.topics_regex.empty()) return {};
  return config_.topics;
}

ConnectorSnapshot SinkRunner::Snapshot() const {
  ConnectorSnapshot s;
  std::map<TopicPartition, LagMonitor::Entry> lag;
  if (lag_) lag = lag_->Snapshot();
  {
    std::lock_guard<std::mutex> lock(mu_);
    SinkProgress p = TotalProgressLocked();
    s.state = state_;
    // PAUSED once the task has stopped fetching (within a poll of the request), so that a
    // client that sees PAUSED knows no record produced from now on is consumed.
    if (state_ == ConnectorState::kPaused && task_ != nullptr && !p.paused) {
      s.state = ConnectorState::kRunning;
    }
    s.trace = trace_;
    s.started_unix_ms = started_unix_ms_;
    s.records_consumed = p.records_consumed;
    s.records_written = p.records_written;
    s.objects_written = p.objects_written;
    s.bytes_written = p.bytes_written;
    s.store_retries = p.store_retries;
    s.flushes = p.flushes;
    s.fenced = p.fenced;
    s.early_rotations = p.early_rotations;
    s.records_skipped = p.records_skipped;
    s.records_to_dlq = p.records_to_dlq;
    s.buffered_bytes = p.buffered_bytes;
    s.spilled_bytes = p.spilled_bytes;
    s.paused_partitions = p.paused_partitions;
    s.memory_pauses = p.memory_pauses;
    s.exactly_once = p.exactly_once;
    if (p.records_consumed != last_seen_records_ || p.objects_written != last_seen_objects_) {
      last_seen_records_ = p.records_consumed;
      last_seen_objects_ = p.objects_written;
      last_progress_unix_ms_ = NowUnixMs();
    }
    s.last_progress_unix_ms = last_progress_unix_ms_;
    s.assigned = task_ != nullptr && !p.partitions.empty();
    std::map<TopicPartition, PartitionStatus> parts;
    for (const auto& [tp, e] : lag) {
      PartitionStatus& ps = parts[tp];
      ps.tp = tp;
      ps.committed_offset = e.committed;
      ps.high_watermark = e.high_watermark;
    }
    for (const auto& [tp, off] : p.committed) {
      PartitionStatus& ps = parts[tp];
      ps.tp = tp;
      // This process's durable offset is at least as new as what the group has.
      if (!ps.committed_offset || *ps.committed_offset < off.value()) {
        ps.committed_offset = off.value();
      }
    }
    for (const auto& [tp, pp] : p.partitions) {  // assigned to the running task
      PartitionStatus& ps = parts[tp];
      ps.tp = tp;
      ps.open_files = pp.open_files;
      ps.buffered_records = pp.buffered_records;
      ps.buffered_bytes = pp.buffered_bytes;
      ps.last_object = pp.last_object;
      ps.last_object_unix_ms = pp.last_object_unix_ms;
      ps.oldest_open_file_unix_ms = pp.open_since_unix_ms;
      ps.rotation_waiting_for = pp.waiting_for;
    }
    int64_t input = 0;
    for (const auto& [tp, ps] : parts) input += ps.high_watermark.value_or(0);
    if (input != last_seen_input_) {
      last_seen_input_ = input;
      last_input_unix_ms_ = NowUnixMs();
    }
    s.last_input_unix_ms = last_input_unix_ms_;
    for (auto& [tp, ps] : parts) {
      if (ps.committed_offset && ps.high_watermark) {
        ps.lag = std::max<int64_t>(0, *ps.high_watermark - *ps.committed_offset);
      } else if (ps.high_watermark && *ps.high_watermark == 0) {
        ps.lag = 0;  // an empty partition
      }
      s.partitions.push_back(ps);
    }
    if (lag_) {
      std::vector<TopicPartition> written;
      for (const auto& [tp, off] : p.committed) written.push_back(tp);
      lag_->Watch(written);
    }
  }
  s.recent_problems = RecentLogProblems();
  return s;
}

void SinkRunner::CollectMetrics() {
  if (!metrics_) return;
  ConnectorSnapshot s = Snapshot();
  std::lock_guard<std::mutex> lock(mu_);
  // Counters move by the difference to what was exported before: totals only grow
  // (finished tasks are folded in), so the counters stay monotonic across restarts.
  auto bump = [](const std::shared_ptr<Counter>& c, uint64_t now, uint64_t& before) {
    if (now > before) c->Inc(now - before);
    before = std::max(before, now);
  };
  bump(metrics_->records_consumed, s.records_consumed, exported_.records_consumed);
  bump(metrics_->records_written, s.records_written, exported_.records_written);
  bump(metrics_->objects_written, s.objects_written, exported_.objects_written);
  bump(metrics_->bytes_written, s.bytes_written, exported_.bytes_written);
  // Retries by reason, parts and their times come from the task itself (RetryingStore);
  // the S3 client's own retries inside one operation are process-wide counters.
  const s3::RetryStats& s3 = s3::RetryCounters();
  bump(metrics_->StoreRetries("throttled"), s3.throttled.load(), exported_s3_.throttled);
  bump(metrics_->StoreRetries("server_error"), s3.server_errors.load(), exported_s3_.server_errors);
  bump(metrics_->StoreRetries("timeout"), s3.timeouts.load(), exported_s3_.timeouts);
  bump(metrics_->StoreRetries("connection"), s3.connection_errors.load(),
       exported_s3_.connection_errors);
  bump(metrics_->StoreRetries("conflict"), s3.conflicts.load(), exported_s3_.conflicts);
  if (s.exactly_once == "journal") {
    bump(metrics_->journal_commits, s.flushes, exported_.flushes);
  }
  bump(metrics_->fencing_events, s.fenced, exported_.fenced);
  bump(metrics_->EarlyRotations("memory"), s.early_rotations, exported_.early_rotations);
  bump(metrics_->records_skipped, s.records_skipped, exported_.records_skipped);
  bump(metrics_->dlq_records, s.records_to_dlq, exported_.records_to_dlq);
  metrics_->buffered_bytes->Set(static_cast<double>(s.buffered_bytes));
  metrics_->spilled_bytes->Set(static_cast<double>(s.spilled_bytes));
  metrics_->memory_paused_partitions->Set(static_cast<double>(s.paused_partitions));
  bump(metrics_->memory_pauses, s.memory_pauses, exported_.memory_pauses);
  std::set<TopicPartition> present;
  std::set<TopicPartition> assigned;
  for (const auto& p : s.partitions) {
    present.insert(p.tp);
    if (p.committed_offset) {
      metrics_->CommittedOffset(p.tp)->Set(static_cast<double>(*p.committed_offset));
    }
    if (p.lag) metrics_->ConsumerLag(p.tp)->Set(static_cast<double>(*p.lag));
    if (!p.open_files) continue;  // not assigned to this process
    assigned.insert(p.tp);
    metrics_->OpenFiles(p.tp)->Set(static_cast<double>(*p.open_files));
    metrics_->BufferedRecords(p.tp)->Set(static_cast<double>(p.buffered_records.value_or(0)));
    metrics_->BufferedBytes(p.tp)->Set(static_cast<double>(p.buffered_bytes.value_or(0)));
    if (p.last_object_unix_ms) {
      metrics_->LastObjectTime(p.tp)->Set(static_cast<double>(*p.last_object_unix_ms) / 1000);
    }
  }
  for (const auto& tp : exported_partitions_) {
    if (!present.count(tp)) metrics_->DropPartition(tp);
  }
  for (const auto& tp : exported_assigned_) {
    if (present.count(tp) && !assigned.count(tp)) metrics_->DropPartition(tp, /*files_only=*/true);
  }
  exported_partitions_ = present;
  exported_assigned_ = assigned;
  metrics_->partitions_assigned->Set(static_cast<double>(assigned.size()));
}

Status SinkRunner::Pause() {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ == ConnectorState::kFailed) {
    return PreconditionFailed("connector {} has failed; restart it instead", config_.name);
  }
  pause_requested_ = true;
  if (task_) {
    task_->Pause(true);
    state_ = ConnectorState::kPaused;
    if (metrics_) metrics_->task_running->Set(0);
  }
  return Status::OK();
}

Status SinkRunner::Resume() {
  std::lock_guard<std::mutex> lock(mu_);
  pause_requested_ = false;  // resuming a running connector does nothing, as in Connect
  if (task_) {
    task_->Pause(false);
    if (state_ == ConnectorState::kPaused) state_ = ConnectorState::kRunning;
    if (metrics_ && state_ == ConnectorState::kRunning) metrics_->task_running->Set(1);
  }
  return Status::OK();
}

Status SinkRunner::Restart() {
  std::lock_guard<std::mutex> lock(mu_);
  if (pause_requested_) {
    return PreconditionFailed("connector {} is paused; resume it to start it again", config_.name);
  }
  restart_requested_ = true;
  if (task_stop_) task_stop_->store(true);
  cv_.notify_all();
  return Status::OK();
}

}  // namespace tributary
