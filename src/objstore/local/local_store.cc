#include "objstore/local/local_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <tuple>
#include <utility>

#include <openssl/evp.h>

#include "common/strings.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kStagingDir = ".tributary-staging";
constexpr std::string_view kUploadsDir = "uploads";
constexpr std::string_view kManifestName = "manifest";
constexpr std::string_view kManifestMagic = "tributary-multipart-upload 1\n";
constexpr std::string_view kMetaXattrPrefix = "user.tributary.meta.";
constexpr std::string_view kTagXattrPrefix = "user.tributary.tag.";
constexpr std::string_view kPartMd5Xattr = "user.tributary.md5";
// S3's ListObjectsV2 returns at most 1000 keys per page.
constexpr int kMaxKeysPerPage = 1000;
// S3 allows at most 10 tags per object.
constexpr size_t kMaxTags = 10;
constexpr size_t kUploadIdLength = 32;
constexpr size_t kCopyBufferSize = 1 << 20;

// Random lowercase hex from getrandom(2). Not RandomHex: a user-space generator's state
// is copied by fork(), so two processes sharing the root could pick the same staging
// name or upload id.
std::string UniqueHex(size_t n) {
  std::string bytes((n + 1) / 2, '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t got = ::getrandom(bytes.data() + done, bytes.size() - done, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      // No kernel entropy interface: fall back, made distinct per process.
      return fmt::format("{:08x}", static_cast<uint32_t>(::getpid())) + RandomHex(n).substr(8);
    }
    done += static_cast<size_t>(got);
  }
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  out.resize(n);
  return out;
}

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

// Upload ids are ours (UniqueHex); anything else cannot name an upload, and checking
// keeps a caller's string out of the staging paths.
bool IsUploadId(std::string_view id) {
  return id.size() == kUploadIdLength && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string StripQuotes(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
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

std::string HexOf(const unsigned char* data, size_t n) {
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) out += fmt::format("{:02x}", data[i]);
  return out;
}

std::string Md5Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
  return HexOf(digest, len);
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", path, errno);
    }
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

// A rename or link is durable only once the directory holding the new name is synced.
Status FsyncDir(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus("open directory", dir, errno);
  if (::fsync(fd.get()) != 0) return ErrnoStatus("fsync directory", dir, errno);
  return Status::OK();
}

// mkdir -p that syncs the parent of every directory it creates, so that a file renamed
// into a new directory survives a crash together with the directory entries above it.
// A concurrent Delete may remove a directory (left empty) as we go: start again.
Status MakeDirsDurably(const fs::path& dir) {
  struct stat sb;
  if (::stat(dir.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode)) return Status::OK();
  Status st;
  for (int attempt = 0; attempt < 5; ++attempt) {
    st = Status::OK();
    fs::path sofar;
    for (const auto& part : dir) {
      sofar /= part;
      if (part == "/" || part.empty()) continue;
      if (::mkdir(sofar.c_str(), 0755) == 0) {
        st = FsyncDir(sofar.parent_path().string());
      } else if (errno != EEXIST) {
        st = ErrnoStatus("mkdir", sofar.string(), errno);
      }
      if (!st.ok()) break;
    }
    if (st.code() != StatusCode::kNotFound) return st;
  }
  return st;
}

// FsyncDir after a rename or unlink in `dir`; a directory that is gone already (removed
// by a concurrent Delete once empty) has nothing left to make durable.
Status FsyncDirIfExists(const std::string& dir) {
  Status st = FsyncDir(dir);
  return st.code() == StatusCode::kNotFound ? Status::OK() : st;
}

Status SetXattrs(int fd, std::string_view prefix, const std::map<std::string, std::string>& kv,
                 const std::string& path) {
  for (const auto& [name, value] : kv) {
    std::string attr = fmt::format("{}{}", prefix, name);
    if (::fsetxattr(fd, attr.c_str(), value.data(), value.size(), 0) != 0) {
      return IOError("{}: cannot store '{}' as a user extended attribute: {}", path, name,
                     std::strerror(errno));
    }
  }
  return Status::OK();
}

std::optional<std::string> GetXattr(const std::string& path, std::string_view name) {
  std::string attr(name);
  ssize_t len = ::getxattr(path.c_str(), attr.c_str(), nullptr, 0);
  if (len < 0) return std::nullopt;
  std::string value(static_cast<size_t>(len), '\0');
  len = ::getxattr(path.c_str(), attr.c_str(), value.data(), value.size());
  if (len < 0) return std::nullopt;
  value.resize(static_cast<size_t>(len));
  return value;
}

// What CreateMultipartUpload records, in <staging>/uploads/<id>/manifest. Encoded as
// records "<tag> <len>\n<bytes>\n" so that keys and values may hold any byte.
struct UploadManifest {
  std::string bucket;
  std::string key;
  int64_t initiated_ms = 0;
  std::map<std::string, std::string> metadata;
  std::map<std::string, std::string> tags;
};

void AppendRecord(std::string* out, char tag, std::string_view value) {
  *out += fmt::format("{} {}\n", tag, value.size());
  out->append(value);
  out->push_back('\n');
}

std::string EncodeManifest(const UploadManifest& m) {
  std::string out(kManifestMagic);
  AppendRecord(&out, 'B', m.bucket);
  AppendRecord(&out, 'K', m.key);
  AppendRecord(&out, 'I', std::to_string(m.initiated_ms));
  for (const auto& [k, v] : m.metadata) {
    AppendRecord(&out, 'M', k);
    AppendRecord(&out, 'V', v);
  }
  for (const auto& [k, v] : m.tags) {
    AppendRecord(&out, 'T', k);
    AppendRecord(&out, 'V', v);
  }
  return out;
}

Result<UploadManifest> DecodeManifest(std::string_view in, const std::string& path) {
  auto corrupt = [&](std::string_view why) {
    return Corruption("multipart manifest {}: {}", path, why);
  };
  if (in.substr(0, kManifestMagic.size()) != kManifestMagic) return corrupt("bad header");
  in.remove_prefix(kManifestMagic.size());
  UploadManifest m;
  std::map<std::string, std::string>* pending_map = nullptr;
  std::string pending_name;
  while (!in.empty()) {
    size_t nl = in.find('\n');
    if (nl == std::string_view::npos || nl < 3 || in[1] != ' ') return corrupt("bad record");
    char tag = in[0];
    size_t len = 0;
    for (char c : in.substr(2, nl - 2)) {
      if (c < '0' || c > '9') return corrupt("bad record length");
      len = len * 10 + static_cast<size_t>(c - '0');
    }
    in.remove_prefix(nl + 1);
    if (in.size() < len + 1 || in[len] != '\n') return corrupt("truncated record");
    std::string value(in.substr(0, len));
    in.remove_prefix(len + 1);
    switch (tag) {
      case 'B':
        m.bucket = std::move(value);
        break;
      case 'K':
        m.key = std::move(value);
        break;
      case 'I':
        m.initiated_ms = std::strtoll(value.c_str(), nullptr, 10);
        break;
      case 'M':
        pending_map = &m.metadata;
        pending_name = std::move(value);
        break;
      case 'T':
        pending_map = &m.tags;
        pending_name = std::move(value);
        break;
      case 'V':
        if (pending_map == nullptr) return corrupt("value without a name");
        (*pending_map)[pending_name] = std::move(value);
        pending_map = nullptr;
        break;
      default:
        return corrupt("unknown record");
    }
  }
  if (m.key.empty()) return corrupt("no key");
  return m;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
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
    Status st = MakeDirsDurably(bucket_dir_);
    if (!st.ok())
      return st.WithContext(fmt::format("cannot create bucket directory '{}'", bucket_dir_));
    st = MakeDirsDurably(UploadsDir());
    if (!st.ok()) return st.WithContext(fmt::format("cannot create '{}'", UploadsDir()));
    return Status::OK();
  }

  Result<PutResult> Put(std::string_view key, std::string_view body,
                        const PutOptions& options) override {
    RETURN_IF_ERROR(ValidateKey(key));
    RETURN_IF_ERROR(ValidateTags(key, options.tags));
    RETURN_IF_ERROR(MakeDirsDurably(StagingDir()));
    const std::string tmp = fmt::format("{}/{}.tmp", StagingDir(), UniqueHex(24));
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (fd.get() < 0) return ErrnoStatus("create", tmp, errno);
    Status st = WriteAll(fd.get(), body, tmp);
    struct stat sb {};
    if (st.ok()) st = FinishStaged(fd.get(), tmp, options.metadata, options.tags, &sb);
    if (st.ok()) st = Publish(key, tmp, options.condition, options.if_match_etag);
    if (!st.ok()) {
      ::unlink(tmp.c_str());
      return st;
    }
    return PutResult{EtagOf(sb)};
  }

  Result<std::string> Get(std::string_view key, std::optional<ByteRange> range) override {
    RETURN_IF_ERROR(ValidateKey(key));
    const std::string path = PathOf(key);
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
      if (errno == ENOENT || errno == EISDIR || errno == ENOTDIR) {
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
      // As S3: a range starting past the end is 416 (InvalidRange); one ending past the
      // end is clipped.
      if (range->first > range->last || range->first >= size) {
        return InvalidArgument("get {}/{}: InvalidRange: range {}-{} not satisfiable for size {}",
                               bucket_, key, range->first, range->last, size);
      }
      first = range->first;
      last = std::min(range->last, size - 1);
    }
    std::string out(size == 0 ? 0 : last - first + 1, '\0');
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n =
          ::pread(fd.get(), out.data() + done, out.size() - done, static_cast<off_t>(first + done));
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
    ReadXattrs(path, kMetaXattrPrefix, &info.metadata);
    return info;
  }

  Result<ListPage> List(const ListOptions& options) override {
    if (options.max_keys <= 0) {
      return InvalidArgument("list {}: max_keys must be positive, got {}", bucket_,
                             options.max_keys);
    }
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
    const std::string& after =
        options.continuation_token.empty() ? options.start_after : options.continuation_token;
    ListPage page;
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
    fs::path dir = fs::path(path).parent_path();
    if (::unlink(path.c_str()) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return Status::OK();
      return ErrnoStatus("delete", path, errno);
    }
    RETURN_IF_ERROR(FsyncDirIfExists(dir.string()));
    // Remove directories left empty, as S3 has no directories to leave behind.
    while (dir.string().size() > bucket_dir_.size() && ::rmdir(dir.c_str()) == 0) {
      dir = dir.parent_path();
    }
    return Status::OK();
  }

  Status DeleteMany(const std::vector<std::string>& keys) override {
    for (const auto& key : keys) {
      Status st = Delete(key);
      if (!st.ok()) {
        return st.WithContext(
            fmt::format("delete {} keys from {}: key '{}'", keys.size(), Describe(), key));
      }
    }
    return Status::OK();
  }

  // --- Multipart ---

  Result<std::string> CreateMultipartUpload(std::string_view key,
                                            const PutOptions& options) override {
    RETURN_IF_ERROR(ValidateKey(key));
    RETURN_IF_ERROR(ValidateTags(key, options.tags));
    RETURN_IF_ERROR(MakeDirsDurably(UploadsDir()));
    const std::string id = UniqueHex(kUploadIdLength);
    const std::string dir = UploadDir(id);
    if (::mkdir(dir.c_str(), 0755) != 0) return ErrnoStatus("create upload", dir, errno);
    UploadManifest m{bucket_, std::string(key), NowMs(), options.metadata, options.tags};
    const std::string tmp = dir + "/manifest.tmp";
    Status st;
    {
      Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
      if (fd.get() < 0) {
        st = ErrnoStatus("create", tmp, errno);
      } else {
        st = WriteAll(fd.get(), EncodeManifest(m), tmp);
        if (st.ok() && ::fsync(fd.get()) != 0) st = ErrnoStatus("fsync", tmp, errno);
      }
    }
    const std::string manifest = fmt::format("{}/{}", dir, kManifestName);
    if (st.ok() && ::rename(tmp.c_str(), manifest.c_str()) != 0) {
      st = ErrnoStatus("rename", manifest, errno);
    }
    if (st.ok()) st = FsyncDir(dir);
    if (st.ok()) st = FsyncDir(UploadsDir());
    if (!st.ok()) {
      std::error_code ec;
      fs::remove_all(dir, ec);
      return st;
    }
    return id;
  }

  Result<PartInfo> UploadPart(std::string_view key, std::string_view upload_id, int part_number,
                              std::string_view body) override {
    RETURN_IF_ERROR(ValidateKey(key));
    if (part_number < 1 || part_number > kMaxParts) {
      return InvalidArgument("upload part of {}/{}: part number {} is outside 1..{}", bucket_, key,
                             part_number, kMaxParts);
    }
    if (body.size() > kMaxPartSize) {
      return InvalidArgument("upload part of {}/{}: EntityTooLarge: part {} is {} bytes, over {}",
                             bucket_, key, part_number, body.size(), kMaxPartSize);
    }
    ASSIGN_OR_RETURN(OpenedUpload upload, OpenUpload(key, upload_id, LOCK_SH));
    const std::string part = PartPath(upload.dir, part_number);
    const std::string tmp = fmt::format("{}.{}.tmp", part, UniqueHex(12));
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (fd.get() < 0) return ErrnoStatus("create", tmp, errno);
    PartInfo info{part_number, Md5Hex(body), body.size()};
    Status st = WriteAll(fd.get(), body, tmp);
    if (st.ok()) {
      std::string attr(kPartMd5Xattr);
      if (::fsetxattr(fd.get(), attr.c_str(), info.etag.data(), info.etag.size(), 0) != 0) {
        st = IOError("{}: cannot store the part's MD5 as an extended attribute: {}", tmp,
                     std::strerror(errno));
      }
    }
    if (st.ok() && ::fsync(fd.get()) != 0) st = ErrnoStatus("fsync", tmp, errno);
    if (st.ok() && ::rename(tmp.c_str(), part.c_str()) != 0)
      st = ErrnoStatus("rename", part, errno);
    if (st.ok()) st = FsyncDir(upload.dir);
    if (!st.ok()) {
      ::unlink(tmp.c_str());
      return st;
    }
    return info;
  }

  Result<PutResult> CompleteMultipartUpload(std::string_view key, std::string_view upload_id,
                                            const std::vector<PartInfo>& parts,
                                            PutOptions::Condition condition) override {
    RETURN_IF_ERROR(ValidateKey(key));
    if (condition == PutOptions::Condition::kIfMatch) {
      return InvalidArgument("complete {}/{}: only If-None-Match is supported on Complete", bucket_,
                             key);
    }
    if (parts.empty()) {
      return InvalidArgument("complete {}/{}: MalformedXML: the part list is empty", bucket_, key);
    }
    for (size_t i = 1; i < parts.size(); ++i) {
      if (parts[i].part_number <= parts[i - 1].part_number) {
        return InvalidArgument("complete {}/{}: InvalidPartOrder: part {} follows part {}", bucket_,
                               key, parts[i].part_number, parts[i - 1].part_number);
      }
    }
    ASSIGN_OR_RETURN(OpenedUpload upload, OpenUpload(key, upload_id, LOCK_EX));
    std::vector<std::string> part_paths;
    for (size_t i = 0; i < parts.size(); ++i) {
      const PartInfo& want = parts[i];
      const std::string path = PartPath(upload.dir, want.part_number);
      struct stat sb;
      if (want.part_number < 1 || want.part_number > kMaxParts || ::stat(path.c_str(), &sb) != 0) {
        return InvalidArgument("complete {}/{} upload {}: InvalidPart: part {} was not uploaded",
                               bucket_, key, upload_id, want.part_number);
      }
      std::string etag = PartEtag(path);
      if (etag != StripQuotes(want.etag)) {
        return InvalidArgument(
            "complete {}/{} upload {}: InvalidPart: part {} has ETag \"{}\", not \"{}\"", bucket_,
            key, upload_id, want.part_number, etag, StripQuotes(want.etag));
      }
      if (i + 1 < parts.size() && static_cast<uint64_t>(sb.st_size) < kMinPartSize) {
        return InvalidArgument(
            "complete {}/{} upload {}: EntityTooSmall: part {} is {} bytes; every part but the "
            "last must be at least {} bytes (5 MiB)",
            bucket_, key, upload_id, want.part_number, sb.st_size, kMinPartSize);
      }
      part_paths.push_back(path);
    }

    RETURN_IF_ERROR(MakeDirsDurably(StagingDir()));
    const std::string tmp = fmt::format("{}/{}.tmp", StagingDir(), UniqueHex(24));
    Fd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (out.get() < 0) return ErrnoStatus("create", tmp, errno);
    struct stat sb {};
    Status st = Concatenate(part_paths, out.get(), tmp);
    if (st.ok())
      st = FinishStaged(out.get(), tmp, upload.manifest.metadata, upload.manifest.tags, &sb);
    if (st.ok()) st = Publish(key, tmp, condition, "");
    if (!st.ok()) {
      ::unlink(tmp.c_str());
      return st;  // the upload stays, as in S3: the caller may retry or abort it
    }
    RETURN_IF_ERROR(RemoveUpload(upload.dir));
    return PutResult{EtagOf(sb)};
  }

  Status AbortMultipartUpload(std::string_view key, std::string_view upload_id) override {
    RETURN_IF_ERROR(ValidateKey(key));
    ASSIGN_OR_RETURN(OpenedUpload upload, OpenUpload(key, upload_id, LOCK_EX));
    return RemoveUpload(upload.dir);
  }

  Result<std::vector<MultipartUploadInfo>> ListMultipartUploads(std::string_view prefix) override {
    std::vector<MultipartUploadInfo> out;
    std::error_code ec;
    if (!fs::is_directory(UploadsDir(), ec)) return out;
    for (auto it = fs::directory_iterator(UploadsDir(), ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      std::string id = it->path().filename().string();
      if (!IsUploadId(id)) continue;
      auto text = ReadFile(ManifestPath(it->path().string()));
      if (!text.ok()) continue;  // being created or removed meanwhile
      auto m = DecodeManifest(*text, ManifestPath(it->path().string()));
      if (!m.ok()) return m.status();
      if (m->bucket != bucket_ || m->key.rfind(prefix, 0) != 0) continue;
      out.push_back(MultipartUploadInfo{m->key, id, m->initiated_ms});
    }
    if (ec) return IOError("list uploads in {}: {}", UploadsDir(), ec.message());
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return std::tie(a.key, a.initiated_ms, a.upload_id) <
             std::tie(b.key, b.initiated_ms, b.upload_id);
    });
    return out;
  }

  Result<std::vector<PartInfo>> ListParts(std::string_view key,
                                          std::string_view upload_id) override {
    RETURN_IF_ERROR(ValidateKey(key));
    ASSIGN_OR_RETURN(OpenedUpload upload, OpenUpload(key, upload_id, LOCK_SH));
    std::vector<PartInfo> out;
    std::error_code ec;
    for (auto it = fs::directory_iterator(upload.dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      std::string name = it->path().filename().string();
      // "part-NNNNN" exactly; "part-NNNNN.<random>.tmp" are uploads in flight.
      if (name.size() != 10 || name.rfind("part-", 0) != 0) continue;
      int number = std::atoi(name.c_str() + 5);
      struct stat sb;
      if (::stat(it->path().c_str(), &sb) != 0) continue;
      out.push_back(
          PartInfo{number, PartEtag(it->path().string()), static_cast<uint64_t>(sb.st_size)});
    }
    if (ec) return IOError("list parts in {}: {}", upload.dir, ec.message());
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.part_number < b.part_number; });
    return out;
  }

 private:
  // An upload found and locked: `lock` holds an flock(2) on its manifest, shared for
  // UploadPart/ListParts, exclusive for Complete/Abort (which remove the upload).
  struct OpenedUpload {
    Fd lock;
    std::string dir;
    UploadManifest manifest;
  };

  std::string PathOf(std::string_view key) const { return fmt::format("{}/{}", bucket_dir_, key); }
  std::string StagingDir() const { return fmt::format("{}/{}", root_, kStagingDir); }
  std::string UploadsDir() const { return fmt::format("{}/{}", StagingDir(), kUploadsDir); }
  std::string UploadDir(std::string_view id) const {
    return fmt::format("{}/{}", UploadsDir(), id);
  }
  static std::string ManifestPath(const std::string& dir) {
    return fmt::format("{}/{}", dir, kManifestName);
  }
  static std::string PartPath(const std::string& dir, int number) {
    return fmt::format("{}/part-{:05d}", dir, number);
  }

  Status ValidateTags(std::string_view key, const std::map<std::string, std::string>& tags) const {
    if (tags.size() > kMaxTags) {
      return InvalidArgument("put {}/{}: {} tags; S3 allows at most {}", bucket_, key, tags.size(),
                             kMaxTags);
    }
    return Status::OK();
  }

  Result<OpenedUpload> OpenUpload(std::string_view key, std::string_view upload_id, int lock_mode) {
    auto no_such = [&] {
      return NotFound("{}/{}: NoSuchUpload: no multipart upload '{}'", bucket_, key, upload_id);
    };
    if (!IsUploadId(upload_id)) return no_such();
    OpenedUpload u;
    u.dir = UploadDir(upload_id);
    const std::string manifest = ManifestPath(u.dir);
    u.lock = Fd(::open(manifest.c_str(), O_RDONLY | O_CLOEXEC));
    if (u.lock.get() < 0) {
      if (errno == ENOENT) return no_such();
      return ErrnoStatus("open", manifest, errno);
    }
    if (::flock(u.lock.get(), lock_mode) != 0) return ErrnoStatus("lock", manifest, errno);
    // Completed or aborted while we waited for the lock.
    struct stat sb;
    if (::fstat(u.lock.get(), &sb) != 0) return ErrnoStatus("stat", manifest, errno);
    if (sb.st_nlink == 0) return no_such();
    ASSIGN_OR_RETURN(std::string text, ReadFile(manifest));
    ASSIGN_OR_RETURN(u.manifest, DecodeManifest(text, manifest));
    if (u.manifest.bucket != bucket_ || u.manifest.key != key) return no_such();
    return u;
  }

  Status RemoveUpload(const std::string& dir) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (ec) return IOError("remove upload {}: {}", dir, ec.message());
    return FsyncDir(UploadsDir());
  }

  static std::string PartEtag(const std::string& path) {
    if (auto md5 = GetXattr(path, kPartMd5Xattr)) return *md5;
    auto body = ReadFile(path);
    return body.ok() ? Md5Hex(*body) : std::string();
  }

  static Status Concatenate(const std::vector<std::string>& paths, int out,
                            const std::string& tmp) {
    std::string buf(kCopyBufferSize, '\0');
    for (const auto& path : paths) {
      Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
      if (in.get() < 0) return ErrnoStatus("open", path, errno);
      while (true) {
        ssize_t n = ::read(in.get(), buf.data(), buf.size());
        if (n < 0) {
          if (errno == EINTR) continue;
          return ErrnoStatus("read", path, errno);
        }
        if (n == 0) break;
        RETURN_IF_ERROR(WriteAll(out, std::string_view(buf.data(), static_cast<size_t>(n)), tmp));
      }
    }
    return Status::OK();
  }

  // Sets metadata and tags on a staged file, then makes it durable before it becomes
  // visible: the rename must never expose a file the OS may lose. fsync, not fdatasync:
  // the extended attributes are metadata fdatasync need not flush. `sb` receives the
  // staged file's stat, from which the ETag derives (rename and link keep the inode).
  Status FinishStaged(int fd, const std::string& tmp,
                      const std::map<std::string, std::string>& metadata,
                      const std::map<std::string, std::string>& tags, struct stat* sb) {
    RETURN_IF_ERROR(SetXattrs(fd, kMetaXattrPrefix, metadata, tmp));
    RETURN_IF_ERROR(SetXattrs(fd, kTagXattrPrefix, tags, tmp));
    if (::fsync(fd) != 0) return ErrnoStatus("fsync", tmp, errno);
    if (::fstat(fd, sb) != 0) return ErrnoStatus("stat", tmp, errno);
    return Status::OK();
  }

  // Moves a durable staged file to `key`, honouring `condition`, then syncs the key's
  // directory so the new name survives a crash. The caller unlinks `tmp` on failure.
  Status Publish(std::string_view key, const std::string& tmp, PutOptions::Condition condition,
                 const std::string& if_match_etag) {
    const std::string path = PathOf(key);
    const std::string dir = fs::path(path).parent_path().string();
    // A concurrent Delete may remove the key's directory, left empty, between our mkdir
    // and rename: make it again and retry (ENOENT can mean nothing else here).
    Status st;
    for (int attempt = 0; attempt < 3; ++attempt) {
      RETURN_IF_ERROR(MakeDirsDurably(dir));
      st = PublishOnce(key, tmp, path, condition, if_match_etag);
      if (st.code() != StatusCode::kNotFound || condition == PutOptions::Condition::kIfMatch) break;
    }
    RETURN_IF_ERROR(st);
    return FsyncDirIfExists(dir);
  }

  Status PublishOnce(std::string_view key, const std::string& tmp, const std::string& path,
                     PutOptions::Condition condition, const std::string& if_match_etag) {
    switch (condition) {
      case PutOptions::Condition::kNone:
        if (::rename(tmp.c_str(), path.c_str()) != 0) return ErrnoStatus("put", path, errno);
        return Status::OK();
      case PutOptions::Condition::kIfNoneMatch:
        // link(2) fails atomically if the name exists, across threads and processes.
        if (::link(tmp.c_str(), path.c_str()) != 0) {
          return errno == EEXIST
                     ? PreconditionFailed("put {}/{} If-None-Match: *: the object exists", bucket_,
                                          key)
                     : ErrnoStatus("put", path, errno);
        }
        ::unlink(tmp.c_str());
        return Status::OK();
      case PutOptions::Condition::kIfMatch:
        return RenameIfMatch(key, tmp, path, StripQuotes(if_match_etag));
    }
    return Internal("put {}/{}: unknown condition", bucket_, key);
  }

  ObjectInfo InfoOf(std::string key, const struct stat& sb) const {
    ObjectInfo info;
    info.key = std::move(key);
    info.size = static_cast<uint64_t>(sb.st_size);
    info.etag = EtagOf(sb);
    info.last_modified_ms =
        static_cast<int64_t>(sb.st_mtim.tv_sec) * 1000 + sb.st_mtim.tv_nsec / 1000000;
    return info;
  }

  static void ReadXattrs(const std::string& path, std::string_view prefix,
                         std::map<std::string, std::string>* out) {
    ssize_t len = ::listxattr(path.c_str(), nullptr, 0);
    if (len <= 0) return;
    std::string names(static_cast<size_t>(len), '\0');
    len = ::listxattr(path.c_str(), names.data(), names.size());
    if (len < 0) return;
    names.resize(static_cast<size_t>(len));
    for (size_t pos = 0; pos < names.size();) {
      std::string name(names.c_str() + pos);
      pos += name.size() + 1;
      if (name.rfind(prefix, 0) != 0) continue;
      if (auto value = GetXattr(path, name)) (*out)[name.substr(prefix.size())] = std::move(*value);
    }
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
      return PreconditionFailed("put {}/{} If-Match: \"{}\": the object does not exist", bucket_,
                                key, etag);
    }
    if (EtagOf(sb) != etag) {
      return PreconditionFailed("put {}/{} If-Match: \"{}\": the object's ETag is \"{}\"", bucket_,
                                key, etag, EtagOf(sb));
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
