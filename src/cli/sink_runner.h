// SinkRunner: runs SinkTasks for `tributary sink` and is the ConnectorControl the REST
// API, /metrics and /ui read (server/connector_control.h).
//
// Pause and resume are Connect's: SinkTask::Pause stops consumption of every assigned
// partition while the task keeps polling (it stays in the group, files rotate on time),
// and resume continues from the next record. Restart stops the task the way SIGTERM
// does (offsets of durable objects committed, open files dropped) and starts a fresh
// one, which re-reads from the committed offsets: nothing is lost.
//
// Per-partition figures come from Progress() (committed offsets; for the partitions
// assigned to the running task, open files, buffered bytes, the last object and what
// the open files wait for) and the LagMonitor (high watermarks and the group's
// committed offsets of the configured topics).
//
// Thread safety: Run() on the main thread; everything else from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>

#include "cli/lag_monitor.h"
#include "config/config.h"
#include "server/connector_control.h"
#include "sink/sink_config.h"
#include "sink/sink_metrics.h"
#include "sink/sink_task.h"

namespace tributary {

class SinkRunner final : public ConnectorControl {
 public:
  // `keep_failed`: when a task fails, stay up in FAILED (for REST restart) instead of
  // returning. `metrics` may be null (no REST listener).
  SinkRunner(SinkConfig config, RawConfig raw, SinkMetrics* metrics, bool keep_failed);
  ~SinkRunner() override;

  // Runs tasks until `stop` is set; returns the process exit code (0 stopped cleanly,
  // 1 a task failed, 2 the config was rejected when the first task was created).
  // `task_stop` is the flag the running task watches: the signal handler sets it too
  // (with `stop`), and pause/restart set it alone.
  int Run(const std::atomic<bool>& stop, std::atomic<bool>* task_stop);

  // Pulls the figures SinkTask::Progress() has into `metrics` (a collect hook).
  void CollectMetrics();

  // ConnectorControl.
  std::string Name() const override { return config_.name; }
  std::vector<std::pair<std::string, std::string>> RedactedConfig() const override;
  std::vector<std::string> Topics() const override;
  ConnectorSnapshot Snapshot() const override;
  Status Pause() override;
  Status Resume() override;
  Status Restart() override;

 private:
  int RunTasks(const std::atomic<bool>& stop, std::atomic<bool>* task_stop);
  SinkProgress TotalProgressLocked() const;  // finished tasks + the running one

  const SinkConfig config_;
  const RawConfig raw_;
  SinkMetrics* const metrics_;
  const bool keep_failed_;
  std::unique_ptr<LagMonitor> lag_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool>* task_stop_ = nullptr;  // set by Run
  SinkTask* task_ = nullptr;                // the running task, guarded by mu_
  ConnectorState state_ = ConnectorState::kUnassigned;
  std::string trace_;
  bool pause_requested_ = false;
  bool restart_requested_ = false;
  int64_t started_unix_ms_ = 0;
  SinkProgress finished_;  // totals of tasks that ended
  // Last progress seen, to find when it last moved (for /ready).
  mutable uint64_t last_seen_records_ = 0;
  mutable uint64_t last_seen_objects_ = 0;
  mutable std::optional<int64_t> last_progress_unix_ms_;
  mutable int64_t last_seen_input_ = 0;  // sum of the high watermarks
  mutable std::optional<int64_t> last_input_unix_ms_;
  // What CollectMetrics last exported, to turn totals into counter increments.
  SinkProgress exported_;
  struct {
    uint64_t throttled = 0, server_errors = 0, timeouts = 0, connection_errors = 0, conflicts = 0;
  } exported_s3_;  // the S3 client's process-wide retry counters
  std::set<TopicPartition> exported_partitions_;
  std::set<TopicPartition> exported_assigned_;  // with per-partition file gauges
};

}  // namespace tributary
