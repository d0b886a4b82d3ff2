#include "broker/wal.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>
#include "broker/framed_log.h"

namespace tributary::broker {
namespace {

std::string SegmentName(const std::string& dir, uint64_t first) {
  return fmt::format("{}/{:020}.wal", dir, first);
}

}  // namespace

Wal::Wal(std::string dir) : dir_(std::move(dir)) {}

Wal::~Wal() { Stop(); }

Status Wal::Replay(const std::function<Status(uint64_t, uint8_t, std::string_view)>& fn) {
  mkdir(dir_.c_str(), 0755);
  DIR* d = opendir(dir_.c_str());
  if (!d) return IOError("{}: opendir: {}", dir_, std::strerror(errno));
  std::vector<uint64_t> found;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() == 24 && name.substr(20) == ".wal")
      found.push_back(std::stoull(name.substr(0, 20)));
  }
  closedir(d);
  std::sort(found.begin(), found.end());
  uint64_t seq = found.empty() ? 1 : found.front();
  for (uint64_t first : found) {
    seq = std::max(seq, first);
    uint64_t torn = 0;
    RETURN_IF_ERROR(ReadFramedFile(
        SegmentName(dir_, first),
        [&](uint8_t type, std::string_view payload) { return fn(seq++, type, payload); }, &torn));
    if (torn) spdlog::warn("WAL segment {:020}: dropped a torn tail of {} bytes", first, torn);
  }
  std::lock_guard lock(mu_);
  segments_ = found;
  next_sequence_ = seq;
  written_ = durable_ = seq - 1;
  return Status::OK();
}

Status Wal::Start() {
  {
    std::lock_guard lock(mu_);
    RETURN_IF_ERROR(OpenSegmentLocked(next_sequence_));
  }
  sync_thread_ = std::thread([this] { SyncLoop(); });
  return Status::OK();
}

void Wal::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  work_cv_.notify_all();
  durable_cv_.notify_all();
  if (sync_thread_.joinable()) sync_thread_.join();
  std::lock_guard lock(mu_);
  if (fd_ >= 0) {
    fsync(fd_);
    close(fd_);
    fd_ = -1;
  }
  for (int old : retired_fds_) close(old);
  retired_fds_.clear();
}

Status Wal::OpenSegmentLocked(uint64_t first) {
  std::string path = SegmentName(dir_, first);
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return IOError("{}: open: {}", path, std::strerror(errno));
  if (fd_ >= 0) {
    // The old segment must be durable before anything in the new one can be.
    if (fsync(fd_) != 0) {
      close(fd);
      return IOError("WAL: fsync: {}", std::strerror(errno));
    }
    // The sync thread may be inside fdatasync on it: it closes retired descriptors.
    retired_fds_.push_back(fd_);
    durable_ = written_;
  }
  fd_ = fd;
  if (segments_.empty() || segments_.back() != first) segments_.push_back(first);
  bytes_since_roll_ = 0;
  return SyncDir(dir_);
}

Result<uint64_t> Wal::Append(uint8_t type, std::string_view payload) {
  std::string framed;
  AppendFramed(type, payload, &framed);
  std::unique_lock lock(mu_);
  if (!failed_.ok()) return failed_;
  if (fd_ < 0) return Unavailable("WAL is stopped");
  RETURN_IF_ERROR(WriteAll(fd_, framed, "WAL"));
  uint64_t seq = next_sequence_++;
  written_ = seq;
  bytes_since_roll_ += framed.size();
  lock.unlock();
  work_cv_.notify_one();
  return seq;
}

Status Wal::WaitDurable(uint64_t sequence) {
  std::unique_lock lock(mu_);
  durable_cv_.wait(lock, [&] { return durable_ >= sequence || !failed_.ok() || stop_; });
  if (!failed_.ok()) return failed_;
  if (durable_ < sequence) return Unavailable("WAL stopped before record {} was durable", sequence);
  return Status::OK();
}

void Wal::SyncLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    work_cv_.wait(lock, [&] { return stop_ || written_ > durable_ || !retired_fds_.empty(); });
    for (int old : retired_fds_) close(old);
    retired_fds_.clear();
    if (stop_) return;
    if (written_ <= durable_) continue;
    uint64_t target = written_;
    int fd = fd_;
    lock.unlock();
    int rc = fdatasync(fd);
    int err = errno;
    lock.lock();
    ++fsyncs_;
    if (rc != 0) {
      failed_ = IOError("WAL: fdatasync: {}", std::strerror(err));
      spdlog::error("{}", failed_.message());
    } else if (fd == fd_ || durable_ < target) {
      // A Roll in between fsync'ed the old segment itself; target is durable either way.
      durable_ = std::max(durable_, target);
    }
    durable_cv_.notify_all();
  }
}

Result<uint64_t> Wal::Roll() {
  std::lock_guard lock(mu_);
  if (!failed_.ok()) return failed_;
  RETURN_IF_ERROR(OpenSegmentLocked(next_sequence_));
  durable_cv_.notify_all();
  work_cv_.notify_one();
  return next_sequence_;
}

Status Wal::TrimBefore(uint64_t sequence) {
  std::vector<uint64_t> doomed;
  {
    std::lock_guard lock(mu_);
    // Segment i holds [segments_[i], segments_[i+1]); the current one is never trimmed.
    while (segments_.size() > 1 && segments_[1] <= sequence) {
      doomed.push_back(segments_.front());
      segments_.erase(segments_.begin());
    }
  }
  for (uint64_t first : doomed) {
    std::string path = SegmentName(dir_, first);
    if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      return IOError("{}: unlink: {}", path, std::strerror(errno));
    }
  }
  if (!doomed.empty()) return SyncDir(dir_);
  return Status::OK();
}

uint64_t Wal::fsync_count() const {
  std::lock_guard lock(mu_);
  return fsyncs_;
}

uint64_t Wal::bytes_since_roll() const {
  std::lock_guard lock(mu_);
  return bytes_since_roll_;
}

}  // namespace tributary::broker
