// FaultStore: wraps another ObjectStore and injects the failures a real S3 produces, for
// tests (DESIGN.md §7). Configured from a sink's config keys fault.* (StoreOptions::fault,
// keys without the "fault." prefix), so scenario tests need no special build; see
// objstore/fault/README.md for every key.
//
// Each call of an eligible operation (fault.operations) first sleeps fault.latency.ms,
// then, with probability fault.error.rate, fails with one of fault.error.kinds chosen
// uniformly:
//   slowdown  kUnavailable "SlowDown (injected)"            (S3 503 SlowDown)
//   internal  kUnavailable "InternalError (injected)"       (S3 500)
//   reset     kIOError "connection reset (injected)"        (reset mid-body)
//   timeout   kIOError "timeout (injected)"                 (no response in time)
// slowdown and internal never apply the operation. reset and timeout of a mutating
// operation (put, delete, delete_many, create/upload_part/complete/abort multipart) apply
// it to the wrapped store first with probability fault.reset.applied.rate (a lost
// response: the write happened, the caller sees an error), otherwise not at all.
//
// fault.crash.after=N with fault.crash.operation=K ends the process with std::_Exit(86)
// at the N-th call of operation K: before calling the wrapped store
// (fault.crash.when=before) or once it has returned (after, the default). Exit code 86
// lets a recovery test tell the planned crash from a real one.
//
// fault.ignore.conditions=true drops If-None-Match/If-Match from puts and completes: a
// store that does not honour conditional writes, for ProbeConditionalWrites' tests.
//
// Every injection is counted (counters()) and logged at debug; the destructor logs a
// summary at info. With fault.seed set, the sequence of decisions is deterministic for a
// deterministic sequence of calls.
//
// Thread safety: safe for concurrent use if the wrapped store is; the random source is
// behind a mutex, counters are atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "objstore/object_store.h"

namespace tributary {

// The operations of ObjectStore, by their fault.operations / fault.crash.operation names.
enum class StoreOperation {
  kCheckBucket,        // check_bucket
  kPut,                // put
  kGet,                // get
  kHead,               // head
  kList,               // list
  kDelete,             // delete
  kDeleteMany,         // delete_many
  kCreateMultipart,    // create_multipart
  kUploadPart,         // upload_part
  kCompleteMultipart,  // complete_multipart
  kAbortMultipart,     // abort_multipart
  kListUploads,        // list_uploads
  kListParts,          // list_parts
};
inline constexpr int kStoreOperationCount = 13;

enum class FaultKind { kSlowDown, kInternal, kReset, kTimeout };

struct FaultOptions {
  double error_rate = 0;               // fault.error.rate, 0..1
  std::vector<FaultKind> error_kinds;  // fault.error.kinds; default all four
  double reset_applied_rate = 0;       // fault.reset.applied.rate, 0..1
  int64_t latency_ms = 0;              // fault.latency.ms, >= 0
  std::optional<uint64_t> seed;        // fault.seed; unset: random
  std::vector<bool> operations;        // fault.operations, by StoreOperation; default all
  int64_t crash_after = 0;             // fault.crash.after; 0: never
  std::optional<StoreOperation> crash_operation;  // fault.crash.operation
  bool crash_before = false;                      // fault.crash.when=before
  bool ignore_conditions = false;                 // fault.ignore.conditions
};

// Parses the fault.* keys (given without the prefix). kInvalidArgument naming the key
// ("fault.error.rate: expected a number in [0, 1], got 'x'") for an unknown key or a bad
// value; fault.crash.after without fault.crash.operation is an error too.
Result<FaultOptions> ParseFaultOptions(const std::map<std::string, std::string>& keys);

struct FaultCounters {
  std::atomic<uint64_t> calls{0};  // calls of eligible operations
  std::atomic<uint64_t> slowdown{0};
  std::atomic<uint64_t> internal{0};
  std::atomic<uint64_t> reset{0};
  std::atomic<uint64_t> timeout{0};
  std::atomic<uint64_t> applied_then_failed{0};  // resets/timeouts after the op applied
  std::atomic<uint64_t> conditions_ignored{0};

  uint64_t injected() const { return slowdown + internal + reset + timeout; }
};

class FaultStore final : public ObjectStore {
 public:
  FaultStore(std::unique_ptr<ObjectStore> inner, FaultOptions options);
  ~FaultStore() override;  // logs the summary at info

  // Valid for the lifetime of this store.
  const FaultCounters& counters() const { return counters_; }

  std::string Describe() const override;
  Status CheckBucket() override;
  Result<PutResult> Put(std::string_view key, std::string_view body,
                        const PutOptions& options) override;
  using ObjectStore::Put;
  Result<std::string> Get(std::string_view key, std::optional<ByteRange> range) override;
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
  // What to do with one call, decided before it runs.
  struct Decision {
    std::optional<FaultKind> fault;
    bool apply = true;         // call the wrapped store (false: fail without applying)
    bool crash_after = false;  // this is the fault.crash.after-th call: exit after it
  };

  Decision Before(StoreOperation op, std::string_view key);
  void After(StoreOperation op, const Decision& d);
  Status Injected(const Decision& d, StoreOperation op, std::string_view key) const;
  template <typename Fn>
  auto Run(StoreOperation op, std::string_view key, Fn&& fn) -> decltype(fn());

  const std::unique_ptr<ObjectStore> inner_;
  const FaultOptions options_;
  FaultCounters counters_;
  std::mutex rng_mu_;
  std::mt19937_64 rng_;  // guarded by rng_mu_
  std::atomic<int64_t> crash_op_calls_{0};
};

// Wraps `inner` in a FaultStore configured by `fault_keys` (StoreOptions::fault).
Result<std::unique_ptr<ObjectStore>> WrapWithFaults(
    std::unique_ptr<ObjectStore> inner, const std::map<std::string, std::string>& fault_keys);

}  // namespace tributary
