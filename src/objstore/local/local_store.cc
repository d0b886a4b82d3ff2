#include "objstore/local/local_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>

#include "common/strings.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kStagingDir = ".tributary-staging";
constexpr std::string_view kMetaXattrPrefix = "user.tributary.meta.";
// S3's ListObjectsV2 returns at most 1000 keys per page.
constexpr int kMaxKeysPerPage = 1000;

Status ErrnoStatus(std::string_view what, const std::string& path, int err) {
  if (err == ENOENT) return NotFound("{} {}: {}", what, path, std::strerror(err));
  if (err == EACCES || err == EPERM) {
    return PermissionDenied("{} {}: {}", what, path, std::strerror(err));
  }
  return IOError("{} {}: {}", what, path, std::strerror(err));
}

Status ValidateKey(std::string_view key) {
  if (key.empty()) return InvalidArgument("object key is empty");
  if (key.front() == '/') return InvalidArgument("object key '{}' starts with '/'", key);
  if (key.find('\0') != std::string_view::npos) {
    return InvalidArgument("object key contains a NUL byte");
  }
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view seg = key.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..") {
      return InvalidArgument(
          "object key '{}' has an empty, '.' or '..' segment, which the local store cannot "
          "map to a file",
          key);
    }
    start = end + 1;
  }
  return Status::OK();
}

// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string EtagOf(const struct stat& st) {
  return fmt::format("{:x}-{:x}-{:x}{:09x}", static_cast<uint64_t>(st.st_ino),
                     static_cast<uint64_t>(st.st_size), static_cast<uint64_t>(st.st_mtim.tv_sec),
                     static_cast<uint64_t>(st.st_mtim.tv_nsec));
}

class LocalStore final : public ObjectStore {
 public:
  LocalStore(std::string root, std::string bucket)
      : root_(std::move(root)), bucket_(std::move(bucket)), bucket_dir_(root_ + "/" + bucket_) {}

  std::string Describe() const override { return fmt::format("file://{}", bucket_dir_); }

  Status CheckBucket() override {
    std::error_code ec;
    if (!fs::is_directory(root_, ec)) {
      std::error_code mk;
      fs::create_directories(root_, mk);
      if (mk) {
        return IOError("store.url root '{}' is not a directory and cannot be created: {}", root_,
                       mk.message());
      }
    }
    fs::create_directories(bucket_dir_, ec);
    if (ec) return IOError("cannot create bucket directory '{}': {}", bucket_dir_, ec.message());
    fs::create_directories(StagingDir(), ec);
    if (ec) return IOError("cannot create '{}': {}", StagingDir(), ec.message());
    return Status::OK();
  }

  Result<PutResult> Put(std::string_view key, std::string_view body,
                        const PutOptions& options) override {
    RETURN_IF_ERROR(ValidateKey(key));
    const std::string path = PathOf(key);
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    if (ec) return IOError("put {}: cannot create directory: {}", path, ec.message());
    fs::create_directories(StagingDir(), ec);

    const std::string tmp = fmt::format("{}/{}.tmp", StagingDir(), RandomHex(24));
    RETURN_IF_ERROR(WriteStaged(tmp, body, options));

    Status st;
    switch (options.condition) {
      case PutOptions::Condition::kNone:
        if (::rename(tmp.c_str(), path.c_str()) != 0) st = ErrnoStatus("put", path, errno);
        break;
      case PutOptions::Condition::kIfNoneMatch:
        if (::link(tmp.c_str(), path.c_str()) != 0) {
          st = errno == EEXIST
                   ? PreconditionFailed("put {}/{} If-None-Match: *: the object exists",
                                        bucket_, key)
                   : ErrnoStatus("put", path, errno);
        }
        ::unlink(tmp.c_str());
        break;
      case PutOptions::Condition::kIfMatch:
        st = RenameIfMatch(key, tmp, path, options.if_match_etag);
        break;
    }
    if (!st.ok()) {
      ::unlink(tmp.c_str());
      return st;
    }
    struct stat sb;
    if (::stat(path.c_str(), &sb) != 0) return ErrnoStatus("stat", path, errno);
    return PutResult{EtagOf(sb)};
  }

  Result<std::string> Get(std::string_view key, std::optional<ByteRange> range) override {
    RETURN_IF_ERROR(ValidateKey(key));
    const std::string path = PathOf(key);
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
      if (errno == ENOENT || errno == EISDIR) {
        return NotFound("get {}/{}: no such object", bucket_, key);
      }
      return ErrnoStatus("get", path, errno);
    }
    struct stat sb;
    if (::fstat(fd.get(), &sb) != 0) return ErrnoStatus("stat", path, errno);
    if (!S_ISREG(sb.st_mode)) return NotFound("get {}/{}: no such object", bucket_, key);
    uint64_t size = static_cast<uint64_t>(sb.st_size);
    uint64_t first = 0, last = size == 0 ? 0 : size - 1;
    if (range) {
      if (range->first > range->last || range->first >= size) {
        return InvalidArgument("get {}/{}: range {}-{} not satisfiable for size {}", bucket_,
                               key, range->first, range->last, size);
      }
      first = range->first;
      last = std::min(range->last, size - 1);
    }
    std::string out(size == 0 ? 0 : last - first + 1, '\0');
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::pread(fd.get(), out.data() + done, out.size() - done,
                          static_cast<off_t>(first + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("read", path, errno);
      }
      if (n == 0) return Corruption("get {}: file shrank while reading", path);
      done += static_cast<size_t>(n);
    }
    return out;
  }

  Result<ObjectInfo> Head(std::string_view key) override {
    RETURN_IF_ERROR(ValidateKey(key));
    const std::string path = PathOf(key);
    struct stat sb;
    if (::stat(path.c_str(), &sb) != 0 || !S_ISREG(sb.st_mode)) {
      return NotFound("head {}/{}: no such object", bucket_, key);
    }
    ObjectInfo info = InfoOf(std::string(key), sb);
    RETURN_IF_ERROR(ReadMetadata(path, &info.metadata));
    return info;
  }

  Result<ListPage> List(const ListOptions& options) override {
    // Walk only the directory that holds every key with this prefix.
    std::string dir_part;
    if (size_t slash = options.prefix.rfind('/'); slash != std::string::npos) {
      dir_part = options.prefix.substr(0, slash);
    }
    const fs::path start = dir_part.empty() ? fs::path(bucket_dir_) : fs::path(PathOf(dir_part));
    std::vector<std::pair<std::string, struct stat>> files;
    std::error_code ec;
    if (fs::is_directory(start, ec)) {
      for (auto it = fs::recursive_directory_iterator(start, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        std::string rel = fs::relative(it->path(), bucket_dir_, ec).generic_string();
        if (rel.rfind(options.prefix, 0) != 0) continue;
        struct stat sb;
        if (::stat(it->path().c_str(), &sb) != 0) continue;  // deleted meanwhile
        files.emplace_back(std::move(rel), sb);
      }
      if (ec) return IOError("list {}: {}", start.string(), ec.message());
    }
    std::sort(files.begin(), files.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });

    // Keys (or common prefixes) strictly after this marker are returned.
    const std::string& after = options.continuation_token.empty() ? options.start_after
                                                                   : options.continuation_token;
    ListPage page;
    if (options.max_keys <= 0) {
      return InvalidArgument("list {}: max_keys must be positive, got {}", bucket_,
                             options.max_keys);
    }
    const int max_keys = std::min(options.max_keys, kMaxKeysPerPage);
    int count = 0;
    std::string last_emitted;
    for (auto& [key, sb] : files) {
      std::string entry = key;
      bool is_prefix = false;
      if (!options.delimiter.empty()) {
        size_t d = key.find(options.delimiter, options.prefix.size());
        if (d != std::string::npos) {
          entry = key.substr(0, d + options.delimiter.size());
          is_prefix = true;
        }
      }
      if (!after.empty() && entry <= after) continue;
      if (is_prefix && !page.common_prefixes.empty() && page.common_prefixes.back() == entry) {
        continue;
      }
      if (count == max_keys) {
        page.next_token = last_emitted;
        break;
      }
      if (is_prefix) {
        page.common_prefixes.push_back(entry);
      } else {
        page.objects.push_back(InfoOf(key, sb));
      }
      last_emitted = entry;
      ++count;
    }
    return page;
  }

  Status Delete(std::string_view key) override {
    RETURN_IF_ERROR(ValidateKey(key));
    const std::string path = PathOf(key);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("delete", path, errno);
    // Remove directories left empty, as S3 has no directories to leave behind.
    fs::path dir = fs::path(path).parent_path();
    while (dir.string().size() > bucket_dir_.size() && ::rmdir(dir.c_str()) == 0) {
      dir = dir.parent_path();
    }
    return Status::OK();
  }

 private:
  std::string PathOf(std::string_view key) const { return fmt::format("{}/{}", bucket_dir_, key); }
  std::string StagingDir() const { return fmt::format("{}/{}", root_, kStagingDir); }

  ObjectInfo InfoOf(std::string key, const struct stat& sb) const {
    ObjectInfo info;
    info.key = std::move(key);
    info.size = static_cast<uint64_t>(sb.st_size);
    info.etag = EtagOf(sb);
    info.last_modified_ms = static_cast<int64_t>(sb.st_mtim.tv_sec) * 1000 +
                            sb.st_mtim.tv_nsec / 1000000;
    return info;
  }

  Status WriteStaged(const std::string& tmp, std::string_view body, const PutOptions& options) {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (fd.get() < 0) return ErrnoStatus("create", tmp, errno);
    size_t done = 0;
    while (done < body.size()) {
      ssize_t n = ::write(fd.get(), body.data() + done, body.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        Status st = ErrnoStatus("write", tmp, errno);
        ::unlink(tmp.c_str());
        return st;
      }
      done += static_cast<size_t>(n);
    }
    for (const auto& [name, value] : options.metadata) {
      std::string attr = fmt::format("{}{}", kMetaXattrPrefix, name);
      if (::fsetxattr(fd.get(), attr.c_str(), value.data(), value.size(), 0) != 0) {
        Status st = IOError(
            "local store {}: cannot store metadata '{}' as a user extended attribute: {}",
            root_, name, std::strerror(errno));
        ::unlink(tmp.c_str());
        return st;
      }
    }
    // Durable before visible: the rename must never expose a file the OS may lose.
    if (::fdatasync(fd.get()) != 0) {
      Status st = ErrnoStatus("fsync", tmp, errno);
      ::unlink(tmp.c_str());
      return st;
    }
    return Status::OK();
  }

  Status ReadMetadata(const std::string& path, std::map<std::string, std::string>* out) {
    ssize_t len = ::listxattr(path.c_str(), nullptr, 0);
    if (len <= 0) return Status::OK();
    std::string names(static_cast<size_t>(len), '\0');
    len = ::listxattr(path.c_str(), names.data(), names.size());
    if (len < 0) return Status::OK();
    names.resize(static_cast<size_t>(len));
    for (size_t pos = 0; pos < names.size();) {
      std::string name(names.c_str() + pos);
      pos += name.size() + 1;
      if (name.rfind(kMetaXattrPrefix, 0) != 0) continue;
      ssize_t vlen = ::getxattr(path.c_str(), name.c_str(), nullptr, 0);
      if (vlen < 0) continue;
      std::string value(static_cast<size_t>(vlen), '\0');
      vlen = ::getxattr(path.c_str(), name.c_str(), value.data(), value.size());
      if (vlen < 0) continue;
      value.resize(static_cast<size_t>(vlen));
      (*out)[name.substr(kMetaXattrPrefix.size())] = std::move(value);
    }
    return Status::OK();
  }

  Status RenameIfMatch(std::string_view key, const std::string& tmp, const std::string& path,
                       const std::string& etag) {
    const std::string lock_path =
        fmt::format("{}/{:016x}.lock", StagingDir(), std::hash<std::string>()(path));
    Fd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (lock.get() < 0) return ErrnoStatus("open lock", lock_path, errno);
    if (::flock(lock.get(), LOCK_EX) != 0) return ErrnoStatus("lock", lock_path, errno);
    struct stat sb;
    if (::stat(path.c_str(), &sb) != 0) {
      return PreconditionFailed("put {}/{} If-Match: \"{}\": the object does not exist",
                                bucket_, key, etag);
    }
    if (EtagOf(sb) != etag) {
      return PreconditionFailed("put {}/{} If-Match: \"{}\": the object's ETag is \"{}\"",
                                bucket_, key, etag, EtagOf(sb));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) return ErrnoStatus("put", path, errno);
    return Status::OK();  // the lock is released when `lock` closes
  }

  const std::string root_;
  const std::string bucket_;
  const std::string bucket_dir_;
};

}  // namespace

std::unique_ptr<ObjectStore> OpenLocalStore(std::string root, std::string bucket) {
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return std::make_unique<LocalStore>(std::move(root), std::move(bucket));
}

}  // namespace tributary
