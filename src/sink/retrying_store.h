// RetryingStore: the sink's outer retry policy around an ObjectStore.
//
// The S3 client already retries each request a few times within seconds (SDK standard
// mode). Outages last longer than that; the sink then keeps retrying the operation with
// exponential backoff (kFirstBackoff doubling to kMaxBackoff) for up to `max_elapsed`,
// logging every retry with its reason, before it gives up and stops with the error —
// which loses nothing, because offsets are committed only after objects exist.
//
// Ambiguous outcomes: when an attempt failed in a way that may have applied the
// operation (a connection reset after the request was sent), a retried
// CompleteMultipartUpload can find the upload gone. The key is then checked with HEAD:
// if the object is there, the earlier attempt completed it.
//
// Only retriable statuses (Status::IsRetriable: kUnavailable, kIOError) are retried, and
// conditional puts are not retried at all (their caller must interpret an ambiguous
// outcome; the S3 client already resolves the ones it can).
//
// Thread safety: as the wrapped store; the retry counter is atomic.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "objstore/object_store.h"

namespace tributary {

class SinkMetrics;

class RetryingStore final : public ObjectStore {
 public:
  RetryingStore(std::unique_ptr<ObjectStore> inner, std::chrono::milliseconds max_elapsed);

  // Retries performed so far (all operations), for logs and metrics.
  uint64_t retries() const { return retries_.load(std::memory_order_relaxed); }

  // Reports to `metrics` (may be null; set before the store is used): every retry by
  // reason (RetryReasonOf), and each part upload and unconditional object PUT that
  // succeeded, with its time including retries.
  void set_metrics(SinkMetrics* metrics) { metrics_ = metrics; }

  using ObjectStore::Put;  // the two-argument convenience form
  std::string Describe() const override { return inner_->Describe(); }
  Status CheckBucket() override;
  Result<PutResult> Put(std::string_view key, std::string_view body,
                        const PutOptions& options) override;
  Result<std::string> Get(std::string_view key,
                          std::optional<ByteRange> range = std::nullopt) override;
  Result<ObjectInfo> Head(std::string_view key) override;
  Result<ListPage> List(const ListOptions& options) override;
  Status Delete(std::string_view key) override;
  Status DeleteMany(const std::vector<std::string>& keys) override;
  Result<std::string> CreateMultipartUpload(std::string_view key,
                                            const PutOptions& options) override;
  Result<PartInfo> UploadPart(std::string_view key, std::string_view upload_id, int part_number,
                              std::string_view body) override;
  Result<PutResult> CompleteMultipartUpload(std::string_view key, std::string_view upload_id,
                                            const std::vector<PartInfo>& parts,
                                            PutOptions::Condition condition) override;
  Status AbortMultipartUpload(std::string_view key, std::string_view upload_id) override;
  Result<std::vector<MultipartUploadInfo>> ListMultipartUploads(std::string_view prefix) override;
  Result<std::vector<PartInfo>> ListParts(std::string_view key,
                                          std::string_view upload_id) override;

 private:
  // Calls `op` until it succeeds, fails for good, or `max_elapsed_` has passed.
  template <typename Op>
  auto Retry(std::string_view what, std::string_view key, Op op) -> decltype(op());

  std::unique_ptr<ObjectStore> inner_;
  const std::chrono::milliseconds max_elapsed_;
  std::atomic<uint64_t> retries_{0};
  SinkMetrics* metrics_ = nullptr;
};

// The `reason` label of a retried store error: "throttled" (503, 429, SlowDown),
// "timeout", "server_error" (other 5xx), "connection" (resets, refused, DNS), "other".
std::string_view RetryReasonOf(const Status& error);

}  // namespace tributary
