#include "objstore/fault/fault_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <thread>

#include "common/strings.h"

namespace tributary {
namespace {

// Indexed by StoreOperation.
constexpr std::array<std::string_view, kStoreOperationCount> kOperationNames = {
    "check_bucket",
    "put",
    "get",
    "head",
    "list",
    "delete",
    "delete_many",
    "create_multipart",
    "upload_part",
    "complete_multipart",
    "abort_multipart",
    "list_uploads",
    "list_parts"};

constexpr std::string_view kKnownKeys =
    "error.rate, error.kinds, reset.applied.rate, latency.ms, seed, operations, crash.after, "
    "crash.operation, crash.when, ignore.conditions";

// The exit status of a planned crash (fault.crash.after).
constexpr int kCrashExitCode = 86;

std::string_view NameOf(StoreOperation op) { return kOperationNames[static_cast<size_t>(op)]; }

std::optional<StoreOperation> OperationNamed(std::string_view name) {
  for (size_t i = 0; i < kOperationNames.size(); ++i) {
    if (kOperationNames[i] == name) return static_cast<StoreOperation>(i);
  }
  return std::nullopt;
}

std::string_view NameOf(FaultKind kind) {
  switch (kind) {
    case FaultKind::kSlowDown:
      return "slowdown";
    case FaultKind::kInternal:
      return "internal";
    case FaultKind::kReset:
      return "reset";
    case FaultKind::kTimeout:
      return "timeout";
  }
  return "?";
}

bool IsMutating(StoreOperation op) {
  switch (op) {
    case StoreOperation::kPut:
    case StoreOperation::kDelete:
    case StoreOperation::kDeleteMany:
    case StoreOperation::kCreateMultipart:
    case StoreOperation::kUploadPart:
    case StoreOperation::kCompleteMultipart:
    case StoreOperation::kAbortMultipart:
      return true;
    default:
      return false;
  }
}

Result<double> ParseRate(std::string_view key, const std::string& value) {
  std::string_view v = Trim(value);
  double d = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || !(d >= 0 && d <= 1)) {
    return InvalidArgument("fault.{}: expected a number in [0, 1], got '{}'", key, value);
  }
  return d;
}

Result<int64_t> ParseInt(std::string_view key, const std::string& value, int64_t min) {
  std::string_view v = Trim(value);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n < min) {
    return InvalidArgument("fault.{}: expected an integer >= {}, got '{}'", key, min, value);
  }
  return n;
}

// Fills what a default-constructed FaultOptions leaves empty: every kind, every operation.
FaultOptions WithDefaults(FaultOptions o) {
  if (o.error_kinds.empty()) {
    o.error_kinds = {FaultKind::kSlowDown, FaultKind::kInternal, FaultKind::kReset,
                     FaultKind::kTimeout};
  }
  if (o.operations.size() != kStoreOperationCount) o.operations.assign(kStoreOperationCount, true);
  return o;
}

}  // namespace

Result<FaultOptions> ParseFaultOptions(const std::map<std::string, std::string>& keys) {
  FaultOptions o = WithDefaults({});
  for (const auto& [key, value] : keys) {
    if (key == "error.rate") {
      ASSIGN_OR_RETURN(o.error_rate, ParseRate(key, value));
    } else if (key == "reset.applied.rate") {
      ASSIGN_OR_RETURN(o.reset_applied_rate, ParseRate(key, value));
    } else if (key == "error.kinds") {
      o.error_kinds.clear();
      for (const auto& name : SplitList(value)) {
        if (name == "slowdown")
          o.error_kinds.push_back(FaultKind::kSlowDown);
        else if (name == "internal")
          o.error_kinds.push_back(FaultKind::kInternal);
        else if (name == "reset")
          o.error_kinds.push_back(FaultKind::kReset);
        else if (name == "timeout")
          o.error_kinds.push_back(FaultKind::kTimeout);
        else {
          return InvalidArgument(
              "fault.error.kinds: unknown kind '{}'; expected a list of slowdown, internal, "
              "reset, timeout",
              name);
        }
      }
      if (o.error_kinds.empty()) {
        return InvalidArgument("fault.error.kinds: expected at least one kind, got '{}'", value);
      }
    } else if (key == "latency.ms") {
      ASSIGN_OR_RETURN(o.latency_ms, ParseInt(key, value, 0));
    } else if (key == "seed") {
      ASSIGN_OR_RETURN(int64_t seed, ParseInt(key, value, 0));
      o.seed = static_cast<uint64_t>(seed);
    } else if (key == "operations") {
      o.operations.assign(kStoreOperationCount, false);
      auto names = SplitList(value);
      if (names.empty()) {
        return InvalidArgument("fault.operations: expected a list of operations, got '{}'", value);
      }
      for (const auto& name : names) {
        auto op = OperationNamed(name);
        if (!op) {
          return InvalidArgument("fault.operations: unknown operation '{}'; expected some of {}",
                                 name, fmt::join(kOperationNames, ", "));
        }
        o.operations[static_cast<size_t>(*op)] = true;
      }
    } else if (key == "crash.after") {
      ASSIGN_OR_RETURN(o.crash_after, ParseInt(key, value, 1));
    } else if (key == "crash.operation") {
      o.crash_operation = OperationNamed(Trim(value));
      if (!o.crash_operation) {
        return InvalidArgument("fault.crash.operation: unknown operation '{}'; expected one of {}",
                               value, fmt::join(kOperationNames, ", "));
      }
    } else if (key == "crash.when") {
      if (value == "before")
        o.crash_before = true;
      else if (value == "after")
        o.crash_before = false;
      else
        return InvalidArgument("fault.crash.when: expected before or after, got '{}'", value);
    } else if (key == "ignore.conditions") {
      if (value == "true")
        o.ignore_conditions = true;
      else if (value == "false")
        o.ignore_conditions = false;
      else {
        return InvalidArgument("fault.ignore.conditions: expected true or false, got '{}'", value);
      }
    } else {
      return InvalidArgument("fault.{}: unknown fault option; known: {}", key, kKnownKeys);
    }
  }
  if (o.crash_after > 0 && !o.crash_operation) {
    return InvalidArgument("fault.crash.after: needs fault.crash.operation (which operation)");
  }
  if (o.crash_operation && o.crash_after == 0) {
    return InvalidArgument("fault.crash.operation: needs fault.crash.after (after how many)");
  }
  return o;
}

FaultStore::FaultStore(std::unique_ptr<ObjectStore> inner, FaultOptions options)
    : inner_(std::move(inner)),
      options_(WithDefaults(std::move(options))),
      rng_(options_.seed ? *options_.seed : std::random_device{}()) {}

FaultStore::~FaultStore() {
  spdlog::info(
      "fault injection on {}: {} eligible calls, {} faults injected (slowdown {}, internal {}, "
      "reset {}, timeout {}; {} applied before failing), {} conditions ignored",
      inner_->Describe(), counters_.calls.load(), counters_.injected(), counters_.slowdown.load(),
      counters_.internal.load(), counters_.reset.load(), counters_.timeout.load(),
      counters_.applied_then_failed.load(), counters_.conditions_ignored.load());
}

std::string FaultStore::Describe() const {
  return fmt::format("{} (with fault injection)", inner_->Describe());
}

FaultStore::Decision FaultStore::Before(StoreOperation op, std::string_view key) {
  Decision d;
  if (options_.crash_operation == op) {
    int64_t n = ++crash_op_calls_;
    if (n == options_.crash_after) {
      if (options_.crash_before) {
        fmt::print(stderr, "fault injection: crashing before {} #{} ('{}'), exit {}\n", NameOf(op),
                   n, key, kCrashExitCode);
        std::fflush(stderr);
        std::_Exit(kCrashExitCode);
      }
      d.crash_after = true;
    }
  }
  if (!options_.operations[static_cast<size_t>(op)]) return d;
  ++counters_.calls;
  if (options_.latency_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.latency_ms));
  }
  if (options_.error_rate <= 0) return d;
  {
    std::lock_guard<std::mutex> lock(rng_mu_);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    if (uniform(rng_) >= options_.error_rate) return d;
    std::uniform_int_distribution<size_t> pick(0, options_.error_kinds.size() - 1);
    d.fault = options_.error_kinds[pick(rng_)];
    d.apply = false;
    if ((*d.fault == FaultKind::kReset || *d.fault == FaultKind::kTimeout) && IsMutating(op) &&
        options_.reset_applied_rate > 0) {
      d.apply = uniform(rng_) < options_.reset_applied_rate;
    }
  }
  switch (*d.fault) {
    case FaultKind::kSlowDown:
      ++counters_.slowdown;
      break;
    case FaultKind::kInternal:
      ++counters_.internal;
      break;
    case FaultKind::kReset:
      ++counters_.reset;
      break;
    case FaultKind::kTimeout:
      ++counters_.timeout;
      break;
  }
  if (d.apply) ++counters_.applied_then_failed;
  spdlog::debug("fault injection: {} on {} '{}' ({})", NameOf(*d.fault), NameOf(op), key,
                d.apply ? "applied, response lost" : "not applied");
  return d;
}

void FaultStore::After(StoreOperation op, const Decision& d) {
  if (!d.crash_after) return;
  fmt::print(stderr, "fault injection: crashing after {} #{}, exit {}\n", NameOf(op),
             options_.crash_after, kCrashExitCode);
  std::fflush(stderr);
  std::_Exit(kCrashExitCode);
}

Status FaultStore::Injected(const Decision& d, StoreOperation op, std::string_view key) const {
  const std::string where = fmt::format("{} {} '{}'", inner_->Describe(), NameOf(op), key);
  switch (*d.fault) {
    case FaultKind::kSlowDown:
      return Unavailable("{}: SlowDown (injected): HTTP 503, please reduce your request rate",
                         where);
    case FaultKind::kInternal:
      return Unavailable("{}: InternalError (injected): HTTP 500", where);
    case FaultKind::kReset:
      return IOError("{}: connection reset (injected) mid-body{}", where,
                     d.apply ? "; the request was applied" : "");
    case FaultKind::kTimeout:
      return IOError("{}: timeout (injected): no response{}", where,
                     d.apply ? "; the request was applied" : "");
  }
  return Internal("{}: unknown injected fault", where);
}

template <typename Fn>
auto FaultStore::Run(StoreOperation op, std::string_view key, Fn&& fn) -> decltype(fn()) {
  Decision d = Before(op, key);
  if (!d.apply) {
    After(op, d);
    return Injected(d, op, key);
  }
  auto result = fn();
  After(op, d);
  if (d.fault) return Injected(d, op, key);
  return result;
}

Status FaultStore::CheckBucket() {
  return Run(StoreOperation::kCheckBucket, "", [&] { return inner_->CheckBucket(); });
}

Result<PutResult> FaultStore::Put(std::string_view key, std::string_view body,
                                  const PutOptions& options) {
  return Run(StoreOperation::kPut, key, [&]() -> Result<PutResult> {
    if (options_.ignore_conditions && options.condition != PutOptions::Condition::kNone) {
      ++counters_.conditions_ignored;
      PutOptions unconditional = options;
      unconditional.condition = PutOptions::Condition::kNone;
      unconditional.if_match_etag.clear();
      return inner_->Put(key, body, unconditional);
    }
    return inner_->Put(key, body, options);
  });
}

Result<std::string> FaultStore::Get(std::string_view key, std::optional<ByteRange> range) {
  return Run(StoreOperation::kGet, key, [&] { return inner_->Get(key, range); });
}

Result<ObjectInfo> FaultStore::Head(std::string_view key) {
  return Run(StoreOperation::kHead, key, [&] { return inner_->Head(key); });
}

Result<ListPage> FaultStore::List(const ListOptions& options) {
  return Run(StoreOperation::kList, options.prefix, [&] { return inner_->List(options); });
}

Status FaultStore::Delete(std::string_view key) {
  return Run(StoreOperation::kDelete, key, [&] { return inner_->Delete(key); });
}

Status FaultStore::DeleteMany(const std::vector<std::string>& keys) {
  return Run(StoreOperation::kDeleteMany, keys.empty() ? "" : keys.front(),
             [&] { return inner_->DeleteMany(keys); });
}

Result<std::string> FaultStore::CreateMultipartUpload(std::string_view key,
                                                      const PutOptions& options) {
  return Run(StoreOperation::kCreateMultipart, key,
             [&] { return inner_->CreateMultipartUpload(key, options); });
}

Result<PartInfo> FaultStore::UploadPart(std::string_view key, std::string_view upload_id,
                                        int part_number, std::string_view body) {
  return Run(StoreOperation::kUploadPart, key,
             [&] { return inner_->UploadPart(key, upload_id, part_number, body); });
}

Result<PutResult> FaultStore::CompleteMultipartUpload(std::string_view key,
                                                      std::string_view upload_id,
                                                      const std::vector<PartInfo>& parts,
                                                      PutOptions::Condition condition) {
  return Run(StoreOperation::kCompleteMultipart, key, [&] {
    PutOptions::Condition c = condition;
    if (options_.ignore_conditions && c != PutOptions::Condition::kNone) {
      ++counters_.conditions_ignored;
      c = PutOptions::Condition::kNone;
    }
    return inner_->CompleteMultipartUpload(key, upload_id, parts, c);
  });
}

Status FaultStore::AbortMultipartUpload(std::string_view key, std::string_view upload_id) {
  return Run(StoreOperation::kAbortMultipart, key,
             [&] { return inner_->AbortMultipartUpload(key, upload_id); });
}

Result<std::vector<MultipartUploadInfo>> FaultStore::ListMultipartUploads(std::string_view prefix) {
  return Run(StoreOperation::kListUploads, prefix,
             [&] { return inner_->ListMultipartUploads(prefix); });
}

Result<std::vector<PartInfo>> FaultStore::ListParts(std::string_view key,
                                                    std::string_view upload_id) {
  return Run(StoreOperation::kListParts, key, [&] { return inner_->ListParts(key, upload_id); });
}

Result<std::unique_ptr<ObjectStore>> WrapWithFaults(
    std::unique_ptr<ObjectStore> inner, const std::map<std::string, std::string>& fault_keys) {
  ASSIGN_OR_RETURN(FaultOptions options, ParseFaultOptions(fault_keys));
  return std::unique_ptr<ObjectStore>(
      std::make_unique<FaultStore>(std::move(inner), std::move(options)));
}

}  // namespace tributary
