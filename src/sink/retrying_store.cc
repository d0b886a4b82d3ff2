#include "sink/retrying_store.h"

#include <spdlog/spdlog.h>

#include "common/strings.h"
#include "sink/sink_metrics.h"

#include <random>
#include <thread>

namespace tributary {
namespace {

// Backoff between attempts of the outer policy: long enough that a throttled or
// restarting store recovers, short enough that a blip costs little.
constexpr std::chrono::milliseconds kFirstBackoff{250};
constexpr std::chrono::milliseconds kMaxBackoff{30'000};

const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}

std::chrono::milliseconds Jittered(std::chrono::milliseconds d) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int64_t> dist(d.count() / 2, d.count());
  return std::chrono::milliseconds(dist(rng));
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::string_view RetryReasonOf(const Status& error) {
  const std::string m = ToLower(error.message());
  auto has = [&m](std::string_view s) { return m.find(s) != std::string::npos; };
  if (has("slowdown") || has("http 503") || has("http 429") || has("reduce your request rate")) {
    return "throttled";
  }
  if (has("timeout") || has("timed out") || has("http 408")) return "timeout";
  if (has("http 5") || has("internalerror") || has("internal error")) return "server_error";
  if (has("connection") || has("reset") || has("refused") || has("resolve") || has("broken pipe")) {
    return "connection";
  }
  return "other";
}

RetryingStore::RetryingStore(std::unique_ptr<ObjectStore> inner,
                             std::chrono::milliseconds max_elapsed)
    : inner_(std::move(inner)), max_elapsed_(max_elapsed) {}

template <typename Op>
auto RetryingStore::Retry(std::string_view what, std::string_view key, Op op) -> decltype(op()) {
  const auto start = std::chrono::steady_clock::now();
  auto backoff = kFirstBackoff;
  for (int attempt = 1;; ++attempt) {
    auto result = op();
    const Status& st = StatusOf(result);
    if (st.ok() || !st.IsRetriable()) return result;
    if (std::chrono::steady_clock::now() - start + backoff > max_elapsed_) {
      spdlog::error("{} {}: giving up after {} attempts: {}", what, key, attempt, st.message());
      return result;
    }
    retries_.fetch_add(1, std::memory_order_relaxed);
    if (metrics_) metrics_->StoreRetries(RetryReasonOf(st))->Inc();
    spdlog::warn("retrying {} {} (attempt {} failed: {})", what, key, attempt, st.message());
    std::this_thread::sleep_for(Jittered(backoff));
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

Status RetryingStore::CheckBucket() {
  return Retry("check bucket", "", [&] { return inner_->CheckBucket(); });
}

Result<PutResult> RetryingStore::Put(std::string_view key, std::string_view body,
                                     const PutOptions& options) {
  // A conditional write is not retried here: after an attempt that was applied but whose
  // answer was lost, a retry would fail its own condition. The caller decides.
  if (options.condition != PutOptions::Condition::kNone) return inner_->Put(key, body, options);
  const auto start = std::chrono::steady_clock::now();
  auto put = Retry("put", key, [&] { return inner_->Put(key, body, options); });
  if (put.ok() && metrics_) metrics_->object_put_time->Observe(SecondsSince(start));
  return put;
}

Result<std::string> RetryingStore::Get(std::string_view key, std::optional<ByteRange> range) {
  return Retry("get", key, [&] { return inner_->Get(key, range); });
}

Result<ObjectInfo> RetryingStore::Head(std::string_view key) {
  return Retry("head", key, [&] { return inner_->Head(key); });
}

Result<ListPage> RetryingStore::List(const ListOptions& options) {
  return Retry("list", options.prefix, [&] { return inner_->List(options); });
}

Status RetryingStore::Delete(std::string_view key) {
  return Retry("delete", key, [&] { return inner_->Delete(key); });
}

Status RetryingStore::DeleteMany(const std::vector<std::string>& keys) {
  return Retry("delete", fmt::format("{} keys", keys.size()),
               [&] { return inner_->DeleteMany(keys); });
}

Result<std::string> RetryingStore::CreateMultipartUpload(std::string_view key,
                                                         const PutOptions& options) {
  return Retry("create upload", key, [&] { return inner_->CreateMultipartUpload(key, options); });
}

Result<PartInfo> RetryingStore::UploadPart(std::string_view key, std::string_view upload_id,
                                           int part_number, std::string_view body) {
  const auto start = std::chrono::steady_clock::now();
  auto part = Retry(fmt::format("upload part {} of", part_number), key,
                    [&] { return inner_->UploadPart(key, upload_id, part_number, body); });
  if (part.ok() && metrics_) {
    metrics_->parts_uploaded->Inc();
    metrics_->part_upload_time->Observe(SecondsSince(start));
  }
  return part;
}

Result<PutResult> RetryingStore::CompleteMultipartUpload(std::string_view key,
                                                         std::string_view upload_id,
                                                         const std::vector<PartInfo>& parts,
                                                         PutOptions::Condition condition) {
  // Set once an attempt failed in a way that may have applied it.
  bool uncertain = false;
  // True when an earlier attempt evidently completed the upload: the upload is gone and
  // the object exists. (The key alone is no proof: an earlier run may have written it.)
  auto completed_earlier = [&]() -> std::optional<PutResult> {
    auto listed = inner_->ListParts(key, upload_id);
    if (listed.ok() || listed.status().code() != StatusCode::kNotFound) return std::nullopt;
    auto head = inner_->Head(key);
    if (!head.ok()) return std::nullopt;
    // An older object at the key is not proof: the completed one has exactly our parts.
    uint64_t size = 0;
    for (const auto& p : parts) size += p.size;
    if (head->size != size) return std::nullopt;
    spdlog::info("complete upload {}: an earlier attempt completed it", key);
    return PutResult{head->etag};
  };
  return Retry("complete upload", key, [&]() -> Result<PutResult> {
    if (uncertain) {
      if (auto done = completed_earlier()) return *done;
    }
    auto r = inner_->CompleteMultipartUpload(key, upload_id, parts, condition);
    if (r.ok()) return r;
    if (r.status().IsRetriable()) {
      uncertain = true;
    } else if (uncertain) {
      if (auto done = completed_earlier()) return *done;
    }
    return r;
  });
}

Status RetryingStore::AbortMultipartUpload(std::string_view key, std::string_view upload_id) {
  return Retry("abort upload", key, [&] { return inner_->AbortMultipartUpload(key, upload_id); });
}

Result<std::vector<MultipartUploadInfo>> RetryingStore::ListMultipartUploads(
    std::string_view prefix) {
  return Retry("list uploads", prefix, [&] { return inner_->ListMultipartUploads(prefix); });
}

Result<std::vector<PartInfo>> RetryingStore::ListParts(std::string_view key,
                                                       std::string_view upload_id) {
  return Retry("list parts", key, [&] { return inner_->ListParts(key, upload_id); });
}

}  // namespace tributary
