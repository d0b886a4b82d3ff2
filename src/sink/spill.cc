#include "sink/spill.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <spdlog/spdlog.h>

namespace tributary {

namespace fs = std::filesystem;

namespace {

Status ErrnoError(std::string_view what, const std::string& path) {
  return Status(StatusCode::kIOError,
                fmt::format("buffer.spill.dir: {} {}: {}", what, path, std::strerror(errno)));
}

}  // namespace

SpillFile::~SpillFile() {
  area_->used_.fetch_sub(size_, std::memory_order_relaxed);
  ::close(fd_);
  ::unlink(path_.c_str());
}

Status SpillFile::Append(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write", path_);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    size_ += static_cast<uint64_t>(n);
    area_->used_.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
  }
  return Status::OK();
}

Status SpillFile::TakeAll(std::string* out) {
  const size_t start = out->size();
  out->resize(start + size_);
  uint64_t done = 0;
  while (done < size_) {
    const ssize_t n =
        ::pread(fd_, out->data() + start + done, size_ - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      out->resize(start);
      return n < 0 ? ErrnoError("read", path_)
                   : Status(StatusCode::kCorruption,
                            fmt::format("buffer.spill.dir: {} is shorter than the {} bytes "
                                        "written to it",
                                        path_, size_));
    }
    done += static_cast<uint64_t>(n);
  }
  if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0) {
    return ErrnoError("truncate", path_);
  }
  area_->used_.fetch_sub(size_, std::memory_order_relaxed);
  size_ = 0;
  return Status::OK();
}

Result<std::unique_ptr<SpillArea>> SpillArea::Open(const std::string& dir, const std::string& name,
                                                   uint64_t limit_bytes) {
  const std::string path = (fs::path(dir) / name).string();
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) {
    return Status(StatusCode::kIOError,
                  fmt::format("buffer.spill.dir: cannot create {}: {}", path, ec.message()));
  }
  const std::string lock_path = path + "/LOCK";
  const int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) return ErrnoError("open", lock_path);
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd);
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("buffer.spill.dir: {} is in use by another running sink named "
                              "'{}'; give each sink process its own directory",
                              path, name));
  }
  std::unique_ptr<SpillArea> area(new SpillArea(path, lock_fd, limit_bytes));
  // Whatever is here was left by a process that is gone (it held the lock): its data
  // is re-read from Kafka, so the files are only garbage.
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    if (entry.path().extension() != ".spill") continue;
    std::error_code size_ec;
    const uint64_t bytes = entry.file_size(size_ec);
    if (fs::remove(entry.path(), size_ec)) {
      ++area->removed_files_;
      if (!size_ec) area->removed_bytes_ += bytes;
    }
  }
  if (ec) {
    return Status(StatusCode::kIOError,
                  fmt::format("buffer.spill.dir: cannot list {}: {}", path, ec.message()));
  }
  if (area->removed_files_ > 0) {
    spdlog::info(
        "buffer.spill.dir: removed {} spill file(s) ({} bytes) left by an earlier run "
        "in {}",
        area->removed_files_, area->removed_bytes_, path);
  }
  return area;
}

SpillArea::~SpillArea() {
  ::flock(lock_fd_, LOCK_UN);
  ::close(lock_fd_);
}

Result<std::unique_ptr<SpillFile>> SpillArea::Create() {
  const std::string file = fmt::format("{}/{}.spill", path_, next_++);
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError("create", file);
  return std::unique_ptr<SpillFile>(new SpillFile(this, file, fd));
}

}  // namespace tributary
