#include "broker/framed_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/crc32c.h"
#include "kafka/protocol/record_batch.h"

namespace tributary::broker {

using kafka::GetBE16;
using kafka::GetBE32;
using kafka::GetBE64;

void AppendFramed(uint8_t type, std::string_view payload, std::string* out) {
  kafka::PutBE32(out, static_cast<uint32_t>(payload.size() + 1));
  std::string body;
  body.reserve(payload.size() + 1);
  body.push_back(static_cast<char>(type));
  body.append(payload);
  kafka::PutBE32(out, Crc32c(body));
  out->append(body);
}

Status ReadFramedFile(const std::string& path,
                      const std::function<Status(uint8_t, std::string_view)>& fn,
                      uint64_t* truncated_bytes) {
  *truncated_bytes = 0;
  int fd = open(path.c_str(), O_RDWR);
  if (fd < 0) {
    if (errno == ENOENT) return Status::OK();
    return IOError("{}: open: {}", path, std::strerror(errno));
  }
  std::string data;
  char buf[1 << 16];
  while (true) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      close(fd);
      return IOError("{}: read: {}", path, std::strerror(errno));
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  size_t pos = 0;
  Status result;
  while (pos + 9 <= data.size()) {
    uint32_t len = GetBE32(data.data() + pos);
    uint32_t crc = GetBE32(data.data() + pos + 4);
    if (len == 0 || pos + 8 + len > data.size()) break;
    std::string_view body(data.data() + pos + 8, len);
    if (Crc32c(body) != crc) break;
    result = fn(static_cast<uint8_t>(body[0]), body.substr(1));
    if (!result.ok()) break;
    pos += 8 + len;
  }
  if (result.ok() && pos < data.size()) {
    *truncated_bytes = data.size() - pos;
    if (ftruncate(fd, static_cast<off_t>(pos)) != 0 || fsync(fd) != 0) {
      result = IOError("{}: truncating the torn tail: {}", path, std::strerror(errno));
    }
  }
  close(fd);
  return result;
}

Status WriteAll(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IOError("{}: write: {}", what, std::strerror(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

Status SyncDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return IOError("{}: open: {}", dir, std::strerror(errno));
  int rc = fsync(fd);
  close(fd);
  if (rc != 0) return IOError("{}: fsync: {}", dir, std::strerror(errno));
  return Status::OK();
}

PayloadWriter& PayloadWriter::U8(uint8_t v) {
  data_.push_back(static_cast<char>(v));
  return *this;
}
PayloadWriter& PayloadWriter::I16(int16_t v) {
  kafka::PutBE16(&data_, static_cast<uint16_t>(v));
  return *this;
}
PayloadWriter& PayloadWriter::I32(int32_t v) {
  kafka::PutBE32(&data_, static_cast<uint32_t>(v));
  return *this;
}
PayloadWriter& PayloadWriter::I64(int64_t v) {
  kafka::PutBE64(&data_, static_cast<uint64_t>(v));
  return *this;
}
PayloadWriter& PayloadWriter::Str(std::string_view s) {
  kafka::PutBE16(&data_, static_cast<uint16_t>(s.size()));
  data_.append(s);
  return *this;
}
PayloadWriter& PayloadWriter::Raw(std::string_view s) {
  data_.append(s);
  return *this;
}

bool PayloadReader::Raw(size_t n, std::string_view* s) {
  if (remaining() < n) return false;
  *s = data_.substr(pos_, n);
  pos_ += n;
  return true;
}
bool PayloadReader::U8(uint8_t* v) {
  std::string_view s;
  if (!Raw(1, &s)) return false;
  *v = static_cast<uint8_t>(s[0]);
  return true;
}
bool PayloadReader::I16(int16_t* v) {
  std::string_view s;
  if (!Raw(2, &s)) return false;
  *v = static_cast<int16_t>(GetBE16(s.data()));
  return true;
}
bool PayloadReader::I32(int32_t* v) {
  std::string_view s;
  if (!Raw(4, &s)) return false;
  *v = static_cast<int32_t>(GetBE32(s.data()));
  return true;
}
bool PayloadReader::I64(int64_t* v) {
  std::string_view s;
  if (!Raw(8, &s)) return false;
  *v = static_cast<int64_t>(GetBE64(s.data()));
  return true;
}
bool PayloadReader::Str(std::string* out) {
  int16_t n = 0;
  std::string_view s;
  if (!I16(&n) || !Raw(static_cast<uint16_t>(n), &s)) return false;
  out->assign(s);
  return true;
}

}  // namespace tributary::broker
