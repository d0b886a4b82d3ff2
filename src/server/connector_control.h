// ConnectorControl: what the REST API, /metrics, /ui and `tributary status` need from a
// running connector. The sink runtime implements it (today the CLI's SinkRunner, on top
// of SinkTask); the server only reads snapshots and forwards pause/resume/restart.
//
// Snapshot() must be cheap and must never block on I/O: it is called on the HTTP
// server's thread for every request.
//
// Thread safety: every method may be called from any thread, concurrently with the
// connector running.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/logging.h"
#include "common/status.h"
#include "common/types.h"
#include "config/config.h"

namespace tributary {

// Connect's connector and task states (org.apache.kafka.connect.runtime.AbstractStatus).
enum class ConnectorState { kUnassigned, kRunning, kPaused, kFailed };
std::string_view ConnectorStateName(ConnectorState state);  // "RUNNING", ...

// Milliseconds since the Unix epoch, the unit of every time in a snapshot.
int64_t NowUnixMs();

struct PartitionStatus {
  TopicPartition tp;
  // Unknown figures are nullopt (shown as null in JSON, left out of /metrics).
  std::optional<int64_t> committed_offset;  // next offset to consume; all before it durable
  std::optional<int64_t> high_watermark;    // offset after the partition's last record
  std::optional<int64_t> lag;               // high_watermark - committed_offset
  std::optional<uint64_t> open_files;
  std::optional<uint64_t> buffered_records;
  std::optional<uint64_t> buffered_bytes;
  std::string last_object;                     // key of the newest object; empty: none known
  std::optional<int64_t> last_object_unix_ms;  // when it became visible
  // "Why did this file not rotate?": when the partition's oldest open file was opened,
  // and the rotation condition it waits for, in words ("flush.size: 340 of 1000
  // records"). Empty/nullopt: no open file, or not reported.
  std::optional<int64_t> oldest_open_file_unix_ms;
  std::string rotation_waiting_for;
};

struct ConnectorSnapshot {
  ConnectorState state = ConnectorState::kUnassigned;
  std::string trace;                             // FAILED: why (Connect's "trace" field)
  bool assigned = false;                         // has partitions (or, until wired, has consumed)
  int64_t started_unix_ms = 0;                   // when the current task started
  std::optional<int64_t> last_progress_unix_ms;  // last record consumed or object written
  // Last time new records arrived in the partitions (their high watermarks grew), if
  // known: lag with no new input is an idle partition waiting to fill a file, not a
  // stalled sink.
  std::optional<int64_t> last_input_unix_ms;
  uint64_t records_consumed = 0;  // totals since the process started (across restarts)
  uint64_t records_written = 0;
  uint64_t objects_written = 0;
  uint64_t bytes_written = 0;
  uint64_t store_retries = 0;
  uint64_t flushes = 0;            // flushes made visible (journal commits in journal mode)
  uint64_t fenced = 0;             // partitions given up to another instance
  uint64_t early_rotations = 0;    // files closed early for buffer.memory.bytes
  uint64_t records_skipped = 0;    // tolerated errors, ignored tombstones, filtered records
  uint64_t records_to_dlq = 0;     // of those, sent to the dead-letter topic
  uint64_t buffered_bytes = 0;     // buffer.memory.bytes in use now
  uint64_t spilled_bytes = 0;      // bytes in buffer.spill.dir now
  uint64_t memory_pauses = 0;      // times partitions were paused for memory
  uint64_t paused_partitions = 0;  // paused for memory now
  std::string exactly_once;        // "journal" or "deterministic"
  std::vector<PartitionStatus> partitions;     // sorted by topic, partition
  std::vector<LoggedProblem> recent_problems;  // newest last
};

class ConnectorControl {
 public:
  virtual ~ConnectorControl() = default;

  virtual std::string Name() const = 0;
  // The configuration as given, every secret replaced by "[hidden]" (RedactConfig).
  virtual std::vector<std::pair<std::string, std::string>> RedactedConfig() const = 0;
  // Topics named by the config (empty with topics.regex) and the regex, if any.
  virtual std::vector<std::string> Topics() const = 0;
  virtual ConnectorSnapshot Snapshot() const = 0;

  // Asynchronous, like Connect's: they return once the request is accepted. The
  // transition shows in Snapshot().state. Errors: PreconditionFailed when the request
  // makes no sense in the current state (409), Unavailable when it cannot be served now
  // (503).
  virtual Status Pause() = 0;
  virtual Status Resume() = 0;
  virtual Status Restart() = 0;
};

// `raw` as (key, value) pairs, every value of a kPassword key in `table`, and of any
// key that LooksSecret(), replaced by "[hidden]" (an empty value stays empty); the
// password of any URL with user information too ("http://u:[hidden]@host").
std::vector<std::pair<std::string, std::string>> RedactConfig(const RawConfig& raw,
                                                              const ConfigTable& table);

}  // namespace tributary
