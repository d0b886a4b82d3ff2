// The write-ahead log: segments of framed records on local disk, group-committed with
// fsync (docs/broker-storage.md, "WAL").
//
// Append writes a record to the current segment (page cache) and returns its sequence
// number; a sync thread fsyncs whatever was written since its last fsync, so one fsync
// covers every append that arrived while the previous one ran. WaitDurable blocks until
// the record is on disk: the produce path answers only after it returns.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace tributary::broker {

class Wal {
 public:
  // Opens (creating) `dir`. Call Replay, then Start.
  explicit Wal(std::string dir);
  ~Wal();
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  // Calls `fn(sequence, type, payload)` for every intact record, oldest first,
  // truncating a torn tail. Sequences continue after the last replayed record.
  Status Replay(const std::function<Status(uint64_t, uint8_t, std::string_view)>& fn);
  // Opens a new segment and starts the sync thread.
  Status Start();
  void Stop();

  // Appends one record; returns its sequence. The record is durable once
  // WaitDurable(sequence) returns OK.
  Result<uint64_t> Append(uint8_t type, std::string_view payload);
  Status WaitDurable(uint64_t sequence);

  // Closes the current segment and starts a new one; returns the first sequence of the
  // new segment (every earlier record lives in older segments).
  Result<uint64_t> Roll();
  // Deletes every segment whose records all have sequences below `sequence`.
  Status TrimBefore(uint64_t sequence);

  // Figures for logs and tests.
  uint64_t fsync_count() const;
  uint64_t bytes_since_roll() const;

 private:
  Status OpenSegmentLocked(uint64_t first_sequence);
  void SyncLoop();

  const std::string dir_;
  mutable std::mutex mu_;
  std::condition_variable durable_cv_;
  std::condition_variable work_cv_;
  int fd_ = -1;                     // current segment
  std::vector<int> retired_fds_;    // rolled segments, closed by the sync thread
  std::vector<uint64_t> segments_;  // first sequences, ascending (incl. current)
  uint64_t next_sequence_ = 1;
  uint64_t written_ = 0;  // highest sequence written
  uint64_t durable_ = 0;  // highest sequence fsync'ed
  uint64_t bytes_since_roll_ = 0;
  uint64_t fsyncs_ = 0;
  Status failed_;  // a failed fsync poisons the WAL
  bool stop_ = false;
  std::thread sync_thread_;
};

}  // namespace tributary::broker
