// Spill: staging of part data on local disk instead of memory (buffer.spill.dir).
//
// With spilling on, an open file's encoded bytes that do not yet fill a part
// (s3.part.size) wait in a file under the spill directory instead of in memory; only a
// small staging buffer per open file stays in memory, so thousands of open files cost
// disk, not RAM, and files can grow to their rotation size instead of being closed early.
// A part is read back into memory only to be sent (parts in flight stay bounded by the
// upload pool).
//
// Layout: `<buffer.spill.dir>/<sink name>/` holds `LOCK` (an flock held for the life of
// the process, so two sinks never share a directory) and one `<n>.spill` file per open
// file. Spill files hold nothing that is not also re-read from Kafka after a crash (the
// committed offsets precede them), so SpillArea::Open deletes whatever an earlier,
// killed process left behind.
//
// Limit: `buffer.spill.max.bytes` bounds the bytes in spill files; over it, the sink
// relieves the largest spilled file as it does for memory (send a part, or close early).
//
// Thread safety: a SpillFile is used by one thread; SpillArea::used() may be read from
// any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tributary {

class SpillArea;

// One spill file; deleted when destroyed.
class SpillFile {
 public:
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Appends `bytes` at the end of the file.
  Status Append(std::string_view bytes);
  // Reads the whole file into `out` (appended) and empties the file.
  Status TakeAll(std::string* out);
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  friend class SpillArea;
  SpillFile(SpillArea* area, std::string path, int fd)
      : area_(area), path_(std::move(path)), fd_(fd) {}

  SpillArea* area_;
  std::string path_;
  int fd_;
  uint64_t size_ = 0;
};

class SpillArea {
 public:
  // Creates `<dir>/<name>/` if needed, takes its lock (FailedPrecondition naming the
  // directory when another process holds it) and deletes leftover spill files.
  static Result<std::unique_ptr<SpillArea>> Open(const std::string& dir, const std::string& name,
                                                 uint64_t limit_bytes);
  ~SpillArea();

  Result<std::unique_ptr<SpillFile>> Create();

  // Bytes in spill files now, and the limit (buffer.spill.max.bytes).
  uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  uint64_t limit() const { return limit_; }
  bool over_limit() const { return used() > limit_; }
  const std::string& path() const { return path_; }

  // What Open found and removed (for tests and the start-up log).
  uint64_t removed_files() const { return removed_files_; }
  uint64_t removed_bytes() const { return removed_bytes_; }

 private:
  friend class SpillFile;
  SpillArea(std::string path, int lock_fd, uint64_t limit)
      : path_(std::move(path)), lock_fd_(lock_fd), limit_(limit) {}

  std::string path_;
  int lock_fd_;
  const uint64_t limit_;
  std::atomic<uint64_t> used_{0};
  uint64_t next_ = 0;
  uint64_t removed_files_ = 0;
  uint64_t removed_bytes_ = 0;
};

}  // namespace tributary
