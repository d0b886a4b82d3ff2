#include "broker/metadata_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "broker/framed_log.h"
#include "common/strings.h"

namespace tributary::broker {

MetadataLog::MetadataLog(std::string dir) : dir_(std::move(dir)) {}

MetadataLog::~MetadataLog() {
  if (fd_ >= 0) close(fd_);
}

Status MetadataLog::Open(const std::function<Status(uint8_t, std::string_view)>& fn) {
  mkdir(dir_.c_str(), 0755);
  uint64_t torn = 0;
  RETURN_IF_ERROR(ReadFramedFile(dir_ + "/snapshot", fn, &torn));
  if (torn) return Corruption("{}/snapshot: corrupt (snapshots are written atomically)", dir_);
  RETURN_IF_ERROR(ReadFramedFile(dir_ + "/meta.log", fn, &torn));
  if (torn) spdlog::warn("metadata log: dropped a torn tail of {} bytes", torn);
  std::string path = dir_ + "/meta.log";
  std::lock_guard lock(mu_);
  fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) return IOError("{}: open: {}", path, std::strerror(errno));
  struct stat st {};
  fstat(fd_, &st);
  log_bytes_ = static_cast<uint64_t>(st.st_size);
  return SyncDir(dir_);
}

Status MetadataLog::Append(const std::vector<MetaRecord>& records) {
  std::string framed;
  for (const MetaRecord& r : records) AppendFramed(r.type, r.payload, &framed);
  std::lock_guard lock(mu_);
  if (fd_ < 0) return Unavailable("metadata log is not open");
  RETURN_IF_ERROR(WriteAll(fd_, framed, dir_ + "/meta.log"));
  if (fdatasync(fd_) != 0) return IOError("{}/meta.log: fdatasync: {}", dir_, std::strerror(errno));
  log_bytes_ += framed.size();
  return Status::OK();
}

uint64_t MetadataLog::log_bytes() const {
  std::lock_guard lock(mu_);
  return log_bytes_;
}

Status MetadataLog::WriteSnapshot(const std::vector<MetaRecord>& state) {
  std::string framed;
  for (const MetaRecord& r : state) AppendFramed(r.type, r.payload, &framed);
  std::lock_guard lock(mu_);
  std::string tmp = dir_ + "/snapshot.tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IOError("{}: open: {}", tmp, std::strerror(errno));
  Status st = WriteAll(fd, framed, tmp);
  if (st.ok() && fsync(fd) != 0) st = IOError("{}: fsync: {}", tmp, std::strerror(errno));
  close(fd);
  RETURN_IF_ERROR(st);
  if (rename(tmp.c_str(), (dir_ + "/snapshot").c_str()) != 0) {
    return IOError("{}: rename: {}", tmp, std::strerror(errno));
  }
  RETURN_IF_ERROR(SyncDir(dir_));
  // The snapshot holds everything the log held: start the log again.
  if (ftruncate(fd_, 0) != 0 || fsync(fd_) != 0) {
    return IOError("{}/meta.log: truncate: {}", dir_, std::strerror(errno));
  }
  log_bytes_ = 0;
  return Status::OK();
}

Result<std::string> MetadataLog::ReadAll() const {
  std::lock_guard lock(mu_);
  std::string out;
  auto snap = ReadFile(dir_ + "/snapshot");
  if (snap.ok()) out = *snap;
  ASSIGN_OR_RETURN(std::string log, ReadFile(dir_ + "/meta.log"));
  return out + log;
}

}  // namespace tributary::broker
