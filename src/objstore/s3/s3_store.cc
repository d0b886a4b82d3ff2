#include "objstore/s3/s3_store.h"

#include "common/strings.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/crc32c.h"
#include "objstore/s3/credentials.h"
#include "objstore/s3/http_client.h"
#include "objstore/s3/s3_protocol.h"
#include "objstore/s3/sigv4.h"

namespace tributary {
namespace s3 {
namespace {

// Retry policy: the AWS SDKs' "standard" retry mode (AWS SDKs and Tools reference guide,
// "Retry behavior"). The backoff before retry n is drawn uniformly from
// [0, min(kMaxBackoff, base * 2^(n-1))]; base = s3.retry.backoff.ms.
constexpr std::chrono::milliseconds kMaxBackoff{20'000};  // the SDKs' MAX_BACKOFF
// The retry budget (token bucket) of standard mode: INITIAL_RETRY_TOKENS,
// RETRY_COST, RETRY_TIMEOUT_COST, NO_RETRY_INCREMENT.
constexpr int kRetryBudgetCapacity = 500;
constexpr int kRetryCost = 5;
constexpr int kTimeoutRetryCost = 10;
constexpr int kNoRetryIncrement = 1;

// S3's limit on a key: 1024 bytes of UTF-8 (S3 user guide, "Naming objects").
constexpr size_t kMaxKeyBytes = 1024;
// ListObjectsV2 returns at most 1000 keys a page whatever max-keys asks.
constexpr int kMaxListKeys = 1000;
// S3 allows at most 10 tags per object (S3 user guide, "Categorizing your storage using
// tags").
constexpr size_t kMaxTags = 10;
// SSE-C keys are AES-256 keys (S3 user guide, "Using server-side encryption with
// customer-provided keys").
constexpr size_t kSseCustomerKeyBytes = 32;

constexpr std::string_view kUserMetadataPrefix = "x-amz-meta-";

// The process-wide retry budget. Lock-free: a compare-and-swap loop on the token count.
class RetryBudget {
 public:
  bool TryAcquire(int cost) {
    int tokens = tokens_.load(std::memory_order_relaxed);
    do {
      if (tokens < cost) return false;
    } while (!tokens_.compare_exchange_weak(tokens, tokens - cost, std::memory_order_relaxed));
    return true;
  }
  void Release(int amount) {
    int tokens = tokens_.load(std::memory_order_relaxed);
    int refilled;
    do {
      refilled = std::min(kRetryBudgetCapacity, tokens + amount);
    } while (!tokens_.compare_exchange_weak(tokens, refilled, std::memory_order_relaxed));
  }
  int tokens() const { return tokens_.load(std::memory_order_relaxed); }
  void Reset() { tokens_.store(kRetryBudgetCapacity); }

 private:
  std::atomic<int> tokens_{kRetryBudgetCapacity};
};

RetryBudget& GlobalRetryBudget() {
  static RetryBudget* budget = new RetryBudget();  // never destroyed: used until exit
  return *budget;
}

RetryStats& MutableRetryCounters() {
  static RetryStats* stats = new RetryStats();  // never destroyed: used until exit
  return *stats;
}

enum class RetryReason { kNone, kThrottled, kServerError, kTimeout, kConnection, kConflict };

// Why a response is worth sending again, or kNone. `conditional`: the request carries
// If-Match / If-None-Match, so a 409 ConditionalRequestConflict may be retried.
RetryReason RetryReasonFor(long status, std::string_view code, bool conditional) {
  if (conditional && status == 409 && code == "ConditionalRequestConflict") {
    return RetryReason::kConflict;
  }
  if (!IsRetriableHttpError(status, code)) return RetryReason::kNone;
  if (code == "SlowDown" || status == 503 || status == 429) return RetryReason::kThrottled;
  if (code == "RequestTimeout" || status == 408) return RetryReason::kTimeout;
  return RetryReason::kServerError;
}

void CountRetry(RetryReason reason) {
  RetryStats& stats = MutableRetryCounters();
  stats.retries.fetch_add(1, std::memory_order_relaxed);
  switch (reason) {
    case RetryReason::kThrottled:
      stats.throttled.fetch_add(1, std::memory_order_relaxed);
      break;
    case RetryReason::kServerError:
      stats.server_errors.fetch_add(1, std::memory_order_relaxed);
      break;
    case RetryReason::kTimeout:
      stats.timeouts.fetch_add(1, std::memory_order_relaxed);
      break;
    case RetryReason::kConnection:
      stats.connection_errors.fetch_add(1, std::memory_order_relaxed);
      break;
    case RetryReason::kConflict:
      stats.conflicts.fetch_add(1, std::memory_order_relaxed);
      break;
    case RetryReason::kNone:
      break;
  }
}

std::chrono::milliseconds BackoffDelay(int retry, std::chrono::milliseconds base) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int shift = std::min(retry - 1, 20);
  const auto ceiling =
      std::min<std::chrono::milliseconds>(kMaxBackoff, base * (int64_t{1} << shift));
  std::uniform_int_distribution<int64_t> dist(0, std::max<int64_t>(0, ceiling.count()));
  return std::chrono::milliseconds(dist(rng));
}

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Status ValidateKey(std::string_view key) {
  if (key.empty()) return InvalidArgument("S3 object key is empty");
  if (key.size() > kMaxKeyBytes) {
    return InvalidArgument("S3 object key '{}...' is {} bytes, more than S3's {}",
                           key.substr(0, 64), key.size(), kMaxKeyBytes);
  }
  return Status::OK();
}

// A header value must not carry control characters (CR/LF would split the request).
bool IsSafeHeaderValue(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t') || c == 0x7f;
  });
}

bool IsMetadataName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

// The headers StoreOptions adds to requests, computed once at OpenS3Store.
struct WriteHeaders {
  // PutObject and CreateMultipartUpload: SSE-S3/KMS, canned ACL, storage class.
  std::vector<NameValue> object;
  // SSE-C: every request that reads or writes object data.
  std::vector<NameValue> sse_customer;
  bool send_digest = false;  // Content-MD5 on PutObject and UploadPart
  bool crc32c = false;       // x-amz-checksum-crc32c on PutObject and UploadPart
};

// One S3 request, as the store describes it before signing.
struct S3Call {
  std::string_view operation = {};  // S3's name for it: "PutObject", "HeadBucket", ...
  std::string method = {};
  std::string_view key = {};  // "" for a bucket-level request
  std::vector<NameValue> query = {};
  std::vector<NameValue> headers = {};  // signed and sent
  std::string_view body = {};
  // If-Match / If-None-Match: 409 ConditionalRequestConflict is retried.
  bool conditional = false;
  // S3 may answer 200 with an <Error> document (CompleteMultipartUpload): check for it.
  bool error_in_200 = false;
};

// The final response of a call, and whether an earlier attempt may have taken effect
// (it failed in transport or with a 5xx after the server may have applied it).
struct Exchange {
  HttpResponse response;
  int attempts = 0;
  bool earlier_outcome_unknown = false;
};

// The HTTP status S3 would give an error code met in a 200 answer or a per-key
// DeleteObjects error, for ClassifyHttpError.
long StatusForCode(std::string_view code) {
  if (code == "NoSuchKey" || code == "NoSuchUpload" || code == "NoSuchBucket") return 404;
  if (code == "PreconditionFailed") return 412;
  if (code == "AccessDenied" || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch") {
    return 403;
  }
  if (code == "InternalError") return 500;
  if (code == "SlowDown" || code == "ServiceUnavailable") return 503;
  return 400;
}

class S3Store final : public ObjectStore {
 public:
  S3Store(BucketAddress address, std::shared_ptr<CredentialsProvider> credentials,
          std::string region, const StoreOptions& options, WriteHeaders write_headers,
          HttpClientOptions http_options)
      : address_(std::move(address)),
        credentials_(std::move(credentials)),
        region_(std::move(region)),
        max_attempts_(1 + options.part_retries),
        backoff_base_(options.retry_backoff_ms),
        write_headers_(std::move(write_headers)),
        http_(std::move(http_options)) {}

  std::string Describe() const override {
    return fmt::format("s3://{} (endpoint {})", address_.bucket(), address_.endpoint());
  }

  Status CheckBucket() override;
  Result<PutResult> Put(std::string_view key, std::string_view body,
                        const PutOptions& options) override;
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
  // Signs and sends `call`, retrying as s3_store.h describes. Returns the final response
  // whatever its status, except when retries ran out (kUnavailable) or the transport
  // failed for good.
  Result<Exchange> Send(const S3Call& call);

  // "PutObject of key 'k' in bucket 'b'" / "HeadBucket of bucket 'b'".
  std::string Where(const S3Call& call) const;

  // The Status for an HTTP error response to `call`.
  Status ErrorFromResponse(const S3Call& call, const HttpResponse& response) const;

  // Adds content type, metadata and tags of `options` and the store's object write
  // headers to `call`. InvalidArgument for values that cannot be sent.
  Status AddObjectHeaders(const PutOptions& options, S3Call* call) const;
  // Adds Content-MD5 / x-amz-checksum-crc32c for `body` as configured.
  void AddDigestHeaders(std::string_view body, S3Call* call) const;
  void AddSseCustomerHeaders(S3Call* call) const {
    call->headers.insert(call->headers.end(), write_headers_.sse_customer.begin(),
                         write_headers_.sse_customer.end());
  }

  // Every part of an upload, following pages; `crc32c` (may be null) receives the parts'
  // CRC32C checksums the server reports.
  Result<std::vector<PartInfo>> ListAllParts(std::string_view key, std::string_view upload_id,
                                             std::map<int, std::string>* crc32c);

  // After an ambiguous CompleteMultipartUpload failure: true when the key now holds the
  // object these parts make (its ETag is their multipart ETag).
  bool CompletedAlready(std::string_view key, const std::vector<PartInfo>& parts,
                        std::string* etag);

  const BucketAddress address_;
  const std::shared_ptr<CredentialsProvider> credentials_;
  const std::string region_;
  const int max_attempts_;
  const std::chrono::milliseconds backoff_base_;
  const WriteHeaders write_headers_;
  // Set once the server has shown that it matches If-Match only without quotes.
  std::atomic<bool> if_match_unquoted_{false};
  HttpClient http_;
};

std::string S3Store::Where(const S3Call& call) const {
  if (call.key.empty()) return fmt::format("{} of bucket '{}'", call.operation, address_.bucket());
  return fmt::format("{} of key '{}' in bucket '{}'", call.operation, call.key, address_.bucket());
}

Result<Exchange> S3Store::Send(const S3Call& call) {
  const std::string payload_hash = Sha256Hex(call.body);
  SigningInput input;
  input.method = call.method;
  input.path = address_.Path(call.key);
  input.query = call.query;
  input.headers.reserve(call.headers.size() + 1);
  input.headers.emplace_back("Host", address_.host());
  input.headers.insert(input.headers.end(), call.headers.begin(), call.headers.end());
  input.payload_sha256 = payload_hash;
  const std::string url = address_.Url(input.path, CanonicalQueryString(call.query));
  RetryBudget& budget = GlobalRetryBudget();

  Exchange exchange;
  int last_retry_cost = 0;  // what the latest retry took from the budget
  for (int attempt = 1;; ++attempt) {
    exchange.attempts = attempt;
    // Asked every attempt: a provider refreshes temporary credentials before they expire.
    Result<Credentials> credentials = credentials_->Get();
    if (!credentials.ok()) {
      return credentials.status().WithContext(
          fmt::format("{}: credentials from {}", Where(call), credentials_->Describe()));
    }
    // Signed afresh each attempt: the signature covers the time, and S3 rejects requests
    // more than 15 minutes off.
    SigningResult signed_request =
        SignV4(input, *credentials, region_, std::chrono::system_clock::now());
    HttpRequest request;
    request.method = call.method;
    request.url = url;
    request.headers = input.headers;
    request.headers.insert(request.headers.end(), signed_request.headers.begin(),
                           signed_request.headers.end());
    request.body = call.body;

    TransportFailure transport = TransportFailure::kNone;
    Result<HttpResponse> result = http_.Send(request, &transport);
    std::string failure;  // why this attempt is worth repeating
    RetryReason reason = RetryReason::kNone;
    if (!result.ok()) {
      if (result.status().code() != StatusCode::kUnavailable ||
          transport == TransportFailure::kPermanent) {
        return result.status().WithContext(
            fmt::format("{} at {}", Where(call), address_.endpoint()));
      }
      failure = result.status().message();
      reason = transport == TransportFailure::kTimeout ? RetryReason::kTimeout
                                                       : RetryReason::kConnection;
    } else {
      const long status = result->status;
      S3Error error;
      if (status < 300 || status == 304) {
        if (call.error_in_200 && status == 200) error = ParseErrorBody(result->body);
        if (error.code.empty()) {
          budget.Release(last_retry_cost > 0 ? last_retry_cost : kNoRetryIncrement);
          exchange.response = std::move(result).value();
          return exchange;
        }
      } else {
        error = ParseErrorBody(result->body);
      }
      reason = RetryReasonFor(status == 200 ? StatusForCode(error.code) : status, error.code,
                              call.conditional);
      if (reason == RetryReason::kNone) {
        exchange.response = std::move(result).value();
        return exchange;
      }
      failure = fmt::format("HTTP {}{}{}", status, error.code.empty() ? "" : " ", error.code);
      const std::string request_id =
          error.request_id.empty() ? result->Header("x-amz-request-id") : error.request_id;
      if (!request_id.empty()) failure += fmt::format(", request id {}", request_id);
    }
    if (attempt >= max_attempts_) {
      MutableRetryCounters().gave_up.fetch_add(1, std::memory_order_relaxed);
      return Unavailable("{} at {}: {}; gave up after {} attempts", Where(call),
                         address_.endpoint(), failure, attempt);
    }
    const int cost = reason == RetryReason::kTimeout ? kTimeoutRetryCost : kRetryCost;
    if (!budget.TryAcquire(cost)) {
      MutableRetryCounters().budget_exhausted.fetch_add(1, std::memory_order_relaxed);
      return Unavailable(
          "{} at {}: {}; not retried after attempt {}: the process-wide S3 retry budget is "
          "exhausted (many requests failed recently)",
          Where(call), address_.endpoint(), failure, attempt);
    }
    last_retry_cost = cost;
    CountRetry(reason);
    exchange.earlier_outcome_unknown = true;
    const auto delay = BackoffDelay(attempt, backoff_base_);
    spdlog::info("retrying {} (attempt {}/{}): {}", Where(call), attempt + 1, max_attempts_,
                 failure);
    spdlog::debug("{}: attempt {} failed ({}); sleeping {} ms; retry budget {} tokens", Where(call),
                  attempt, failure, delay.count(), budget.tokens());
    std::this_thread::sleep_for(delay);
  }
}

Status S3Store::ErrorFromResponse(const S3Call& call, const HttpResponse& response) const {
  const S3Error error = ParseErrorBody(response.body);
  std::string detail = fmt::format("HTTP {}", response.status);
  if (!error.code.empty()) detail += " " + error.code;
  if (!error.message.empty()) detail += ": " + error.message;
  const std::string request_id =
      error.request_id.empty() ? response.Header("x-amz-request-id") : error.request_id;
  if (!request_id.empty()) detail += fmt::format(", request id {}", request_id);
  std::string bucket_region =
      error.region.empty() ? response.Header("x-amz-bucket-region") : error.region;
  if (!bucket_region.empty() && bucket_region != region_) {
    detail += fmt::format("; the bucket is in region '{}', not '{}'", bucket_region, region_);
  }

  const StatusCode code = ClassifyHttpError(response.status, error.code);
  switch (code) {
    case StatusCode::kNotFound:
      if (call.key.empty() || error.code == "NoSuchBucket") {
        return NotFound("{}: bucket '{}' does not exist at {} ({})", Where(call), address_.bucket(),
                        address_.endpoint(), detail);
      }
      if (error.code == "NoSuchUpload" ||
          std::any_of(call.query.begin(), call.query.end(),
                      [](const NameValue& q) { return q.first == "uploadId"; })) {
        // radosgw answers NoSuchKey for ListParts of an unknown upload.
        return NotFound("{}: no such upload ({})", Where(call), detail);
      }
      return NotFound("{}: no such key '{}' in bucket '{}' ({})", Where(call), call.key,
                      address_.bucket(), detail);
    case StatusCode::kPermissionDenied:
      return PermissionDenied(
          "{} at {}: credentials rejected or access denied (credentials from {}): {}", Where(call),
          address_.endpoint(), credentials_->Describe(), detail);
    default:
      return Status(code, fmt::format("{} at {}: {}", Where(call), address_.endpoint(), detail));
  }
}

Status S3Store::AddObjectHeaders(const PutOptions& options, S3Call* call) const {
  if (!options.content_type.empty()) {
    if (!IsSafeHeaderValue(options.content_type)) {
      return InvalidArgument("{}: content type has control characters", Where(*call));
    }
    call->headers.emplace_back("Content-Type", options.content_type);
  }
  for (const auto& [name, value] : options.metadata) {
    if (!IsMetadataName(name) || !IsSafeHeaderValue(value)) {
      return InvalidArgument(
          "{}: metadata '{}' must have a name of letters, digits, '-', "
          "'_', '.' and a value without control characters",
          Where(*call), name);
    }
    call->headers.emplace_back(std::string(kUserMetadataPrefix) + ToLower(name), value);
  }
  if (!options.tags.empty()) {
    if (options.tags.size() > kMaxTags) {
      return InvalidArgument("{}: {} tags, more than S3's {}", Where(*call), options.tags.size(),
                             kMaxTags);
    }
    call->headers.emplace_back("x-amz-tagging", EncodeTagging(options.tags));
  }
  call->headers.insert(call->headers.end(), write_headers_.object.begin(),
                       write_headers_.object.end());
  return Status::OK();
}

void S3Store::AddDigestHeaders(std::string_view body, S3Call* call) const {
  if (write_headers_.send_digest) call->headers.emplace_back("Content-MD5", Md5Base64(body));
  if (write_headers_.crc32c) {
    call->headers.emplace_back("x-amz-checksum-crc32c", Crc32cBase64(body));
    call->headers.emplace_back("x-amz-sdk-checksum-algorithm", "CRC32C");
  }
}

Status S3Store::CheckBucket() {
  S3Call call{.operation = "HeadBucket", .method = "HEAD"};
  ASSIGN_OR_RETURN(Exchange exchange, Send(call));
  const HttpResponse& response = exchange.response;
  if (response.status >= 200 && response.status < 300) return Status::OK();
  // A wrong region shows as 301 (or 400) with the bucket's region in a header.
  const std::string bucket_region = response.Header("x-amz-bucket-region");
  if (!bucket_region.empty() && bucket_region != region_) {
    return InvalidArgument(
        "bucket '{}' at {} is in region '{}', but the store is configured "
        "for region '{}' (HTTP {})",
        address_.bucket(), address_.endpoint(), bucket_region, region_, response.status);
  }
  return ErrorFromResponse(call, response);
}

Result<PutResult> S3Store::Put(std::string_view key, std::string_view body,
                               const PutOptions& options) {
  RETURN_IF_ERROR(ValidateKey(key));
  S3Call call{.operation = "PutObject", .method = "PUT", .key = key, .body = body};
  RETURN_IF_ERROR(AddObjectHeaders(options, &call));
  AddSseCustomerHeaders(&call);
  AddDigestHeaders(body, &call);
  switch (options.condition) {
    case PutOptions::Condition::kNone:
      break;
    case PutOptions::Condition::kIfNoneMatch:
      call.headers.emplace_back("If-None-Match", "*");
      call.conditional = true;
      break;
    case PutOptions::Condition::kIfMatch: {
      const std::string etag = UnquoteEtag(options.if_match_etag);
      if (etag.empty() || !IsSafeHeaderValue(etag)) {
        return InvalidArgument("PutObject of key '{}': If-Match needs a valid ETag, got '{}'", key,
                               options.if_match_etag);
      }
      call.headers.emplace_back("If-Match", if_match_unquoted_ ? etag : "\"" + etag + "\"");
      call.conditional = true;
      break;
    }
  }
  ASSIGN_OR_RETURN(Exchange exchange, Send(call));
  if (options.condition == PutOptions::Condition::kIfMatch && exchange.response.status == 412 &&
      !if_match_unquoted_) {
    // Some S3 implementations (Ceph radosgw up to at least 16.2, DigitalOcean Spaces)
    // compare If-Match on PUT with the stored ETag without its quotes, so the standard,
    // quoted form never matches there. When the object does carry the ETag asked for,
    // learn that and send the condition again unquoted; it is still checked by the server.
    const std::string etag = UnquoteEtag(options.if_match_etag);
    Result<ObjectInfo> current = Head(key);
    if (current.ok() && current->etag == etag) {
      if (!if_match_unquoted_.exchange(true)) {
        spdlog::info("{}: the server ignores quoted ETags in If-Match; sending them unquoted",
                     Describe());
      }
      for (auto& [name, value] : call.headers) {
        if (name == "If-Match") value = etag;
      }
      ASSIGN_OR_RETURN(exchange, Send(call));
    }
  }
  const HttpResponse& response = exchange.response;
  if (response.status >= 200 && response.status < 300) {
    return PutResult{UnquoteEtag(response.Header("etag"))};
  }
  const S3Error error = ParseErrorBody(response.body);
  const StatusCode code = ClassifyHttpError(response.status, error.code);
  if (options.condition != PutOptions::Condition::kNone &&
      code == StatusCode::kPreconditionFailed && exchange.earlier_outcome_unknown) {
    // An earlier attempt may have written this very body, and this attempt lost its
    // condition to it. The ETag of a single-part, unencrypted or SSE-S3 object is the MD5
    // of its body.
    Result<ObjectInfo> current = Head(key);
    if (current.ok() && current->etag == Md5Hex(body)) {
      spdlog::debug(
          "{}: condition lost to an earlier attempt of this call; the object holds "
          "this body",
          Where(call));
      return PutResult{current->etag};
    }
  }
  if (options.condition == PutOptions::Condition::kIfMatch && code == StatusCode::kNotFound &&
      error.code != "NoSuchBucket") {
    // AWS answers If-Match on a missing key with 404; the interface calls it a lost
    // condition.
    return PreconditionFailed("{}: If-Match \"{}\" but the key does not exist ({})", Where(call),
                              UnquoteEtag(options.if_match_etag),
                              error.code.empty() ? "HTTP 404" : error.code);
  }
  return ErrorFromResponse(call, response);
}

Result<std::string> S3Store::Get(std::string_view key, std::optional<ByteRange> range) {
  RETURN_IF_ERROR(ValidateKey(key));
  S3Call call{.operation = "GetObject", .method = "GET", .key = key};
  AddSseCustomerHeaders(&call);
  if (range.has_value()) {
    if (range->first > range->last) {
      return InvalidArgument("GetObject of key '{}': empty range [{}, {}]", key, range->first,
                             range->last);
    }
    call.headers.emplace_back("Range", fmt::format("bytes={}-{}", range->first, range->last));
  }
  ASSIGN_OR_RETURN(Exchange exchange, Send(call));
  HttpResponse& response = exchange.response;
  if (response.status == 206) return std::move(response.body);
  if (response.status >= 200 && response.status < 300) {
    if (range.has_value()) {
      // The server sent the whole object (HTTP allows ignoring Range): cut the range out.
      if (range->first >= response.body.size()) {
        return InvalidArgument(
            "GetObject of key '{}': range [{}, {}] starts past the end "
            "of the {}-byte object",
            key, range->first, range->last, response.body.size());
      }
      const uint64_t last = std::min<uint64_t>(range->last, response.body.size() - 1);
      return response.body.substr(range->first, last - range->first + 1);
    }
    return std::move(response.body);
  }
  return ErrorFromResponse(call, response);
}

Result<ObjectInfo> S3Store::Head(std::string_view key) {
  RETURN_IF_ERROR(ValidateKey(key));
  S3Call call{.operation = "HeadObject", .method = "HEAD", .key = key};
  AddSseCustomerHeaders(&call);
  ASSIGN_OR_RETURN(Exchange exchange, Send(call));
  const HttpResponse& response = exchange.response;
  if (response.status < 200 || response.status >= 300) {
    return ErrorFromResponse(call, response);
  }
  ObjectInfo info;
  info.key = std::string(key);
  info.etag = UnquoteEtag(response.Header("etag"));
  const std::string length = response.Header("content-length");
  auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), info.size);
  if (length.empty() || ec != std::errc() || end != length.data() + length.size()) {
    return Corruption("{}: bad Content-Length '{}'", Where(call), length);
  }
  const std::string modified = response.Header("last-modified");
  if (!modified.empty()) {
    ASSIGN_OR_RETURN(info.last_modified_ms, ParseHttpDateMs(modified));
  }
  for (const auto& [name, value] : response.headers) {
    if (name.size() > kUserMetadataPrefix.size() && name.starts_with(kUserMetadataPrefix)) {
      info.metadata.emplace(name.substr(kUserMetadataPrefix.size()), value);
    }
  }
  return info;
}

Result<ListPage> S3Store::List(const ListOptions& options) {
  if (options.max_keys <= 0) {
    return InvalidArgument("ListObjectsV2 of bucket '{}': max_keys must be > 0, got {}",
                           address_.bucket(), options.max_keys);
  }
  S3Call call{.operation = "ListObjectsV2", .method = "GET"};
  call.query.emplace_back("list-type", "2");
  call.query.emplace_back("max-keys", std::to_string(std::min(options.max_keys, kMaxListKeys)));
  if (!options.prefix.empty()) call.query.emplace_back("prefix", options.prefix);
  if (!options.delimiter.empty()) call.query.emplace_back("delimiter", options.delimiter);
  if (!options.start_after.empty()) call.query.emplace_back("start-after", options.start_after);
  if (!options.continuation_token.empty()) {
    call.query.emplace_back("continuation-token", options.continuation_token);
  }
  ASSIGN_OR_RETURN(Exchange exchange, Send(call));
  const HttpResponse& response = exchange.response;
  if (response.status != 200) return ErrorFromResponse(call, response);
  Result<ListPage> page = ParseListObjectsV2(response.body);
  if (!page.ok()) {
    return page.status().WithContext(fmt::format("{} at {}", Where(call), address_.endpoint()));
  }
  return page;
}

Status S3Store::Delete(std::string_view key) {
  RETURN_IF_ERROR(ValidateKey(key));
  S3Call call{.operation = "DeleteObject", .method = "DELETE", .key = key};
  ASSIGN_OR_RETURN(Exchange exchange, Send(call));
  const HttpResponse& response = exchange.response;
  if (response.status >= 200 && response.status < 300) return Status::OK();
  if (response.status == 404 && ParseErrorBody(response.body).code != "NoSuchBucket") {
    return Status::OK();  // already gone
  }
  return ErrorFromResponse(call, response);
}

Status S3Store::DeleteMany(const std::vector<std::string>& keys) {
  for (const std::string& key : keys) RETURN_IF_ERROR(ValidateKey(key));
  for (size_t begin = 0; begin < keys.size(); begin += kMaxDeleteObjectsKeys) {
    const size_t end = std::min(keys.size(), begin + kMaxDeleteObjectsKeys);
    std::vector<std::string> batch(keys.begin() + static_cast<ptrdiff_t>(begin),
                                   keys.begin() + static_cast<ptrdiff_t>(end));
    // Keys that fail with a retriable per-key code (InternalError, SlowDown) are sent
    // again, within the same attempt limit and retry budget as whole requests.
    for (int attempt = 1;; ++attempt) {
      const std::string body = BuildDeleteObjects(batch);
      S3Call call{.operation = "DeleteObjects", .method = "POST", .body = body};
      call.query.emplace_back("delete", "");
      call.headers.emplace_back("Content-Type", "application/xml");
      // S3 requires Content-MD5 (or an x-amz-checksum-*) on DeleteObjects.
      call.headers.emplace_back("Content-MD5", Md5Base64(body));
      ASSIGN_OR_RETURN(Exchange exchange, Send(call));
      const HttpResponse& response = exchange.response;
      if (response.status != 200) return ErrorFromResponse(call, response);
      Result<std::vector<DeleteFailure>> failures = ParseDeleteObjectsResult(response.body);
      if (!failures.ok()) {
        return failures.status().WithContext(
            fmt::format("{} at {}", Where(call), address_.endpoint()));
      }
      if (failures->empty()) break;
      std::vector<std::string> retry_keys;
      const DeleteFailure* fatal = nullptr;
      for (const DeleteFailure& failure : *failures) {
        if (!failure.key.empty() &&
            IsRetriableHttpError(StatusForCode(failure.code), failure.code)) {
          retry_keys.push_back(failure.key);
        } else if (fatal == nullptr) {
          fatal = &failure;
        }
      }
      const RetryReason reason = retry_keys.empty()
                                     ? RetryReason::kNone
                                     : RetryReasonFor(StatusForCode(failures->front().code),
                                                      failures->front().code, false);
      if (fatal == nullptr && attempt < max_attempts_ &&
          GlobalRetryBudget().TryAcquire(kRetryCost)) {
        CountRetry(reason == RetryReason::kNone ? RetryReason::kServerError : reason);
        spdlog::info("retrying {} (attempt {}/{}): {} keys failed with {}", Where(call),
                     attempt + 1, max_attempts_, retry_keys.size(), failures->front().code);
        std::this_thread::sleep_for(BackoffDelay(attempt, backoff_base_));
        batch = std::move(retry_keys);
        continue;
      }
      const DeleteFailure& first = fatal != nullptr ? *fatal : failures->front();
      const StatusCode code = ClassifyHttpError(StatusForCode(first.code), first.code);
      std::string more;
      if (failures->size() > 1) more = fmt::format(" (and {} more keys)", failures->size() - 1);
      if (first.key.empty()) {
        return Status(code, fmt::format("{} at {}: {} {}{}", Where(call), address_.endpoint(),
                                        first.code, first.message, more));
      }
      return Status(code,
                    fmt::format("{} at {}: key '{}' not deleted: {} {}{}", Where(call),
                                address_.endpoint(), first.key, first.code, first.message, more));
    }
  }
  return Status::OK();
}

Result<std::string> S3Store::CreateMultipartUpload(std::string_view key,
                                                   const PutOptions& options) {
  RETURN_IF_ERROR(ValidateKey(key));
  S3Call call{.operation = "CreateMultipartUpload", .method = "POST", .key = key};
  call.query.emplace_back("uploads", "");
  RETURN_IF_ERROR(AddObjectHeaders(options, &call));
  AddSseCustomerHeaders(&call);
  // Parts can carry a checksum only if the upload was created with its algorithm.
  if (write_headers_.crc32c) call.headers.emplace_back("x-amz-checksum-algorithm", "CRC32C");
  ASSIGN_OR_RETURN(Exchange exchange, Send(call));
  const HttpResponse& response = exchange.response;
  if (response.status != 200) return ErrorFromResponse(call, response);
  Result<std::string> upload_id = ParseInitiateMultipartUpload(response.body);
  if (!upload_id.ok()) {
    return upload_id.status().WithContext(
        fmt::format("{} at {}", Where(call), address_.endpoint()));
  }
  return upload_id;
}

Result<PartInfo> S3Store::UploadPart(std::string_view key, std::string_view upload_id,
                                     int part_number, std::string_view body) {
  RETURN_IF_ERROR(ValidateKey(key));
  if (part_number < 1 || part_number > kMaxParts) {
    return InvalidArgument("UploadPart of key '{}': part number {} is outside [1, {}]", key,
                           part_number, kMaxParts);
  }
  if (body.size() > kMaxPartSize) {
    return InvalidArgument("UploadPart of key '{}': part {} is {} bytes, more than S3's {}", key,
                           part_number, body.size(), kMaxPartSize);
  }
  if (upload_id.empty()) return InvalidArgument("UploadPart of key '{}': empty upload id", key);
  S3Call call{.operation = "UploadPart", .method = "PUT", .key = key, .body = body};
  call.query.emplace_back("partNumber", std::to_string(part_number));
  call.query.emplace_back("uploadId", std::string(upload_id));
  AddSseCustomerHeaders(&call);
  AddDigestHeaders(body, &call);
  ASSIGN_OR_RETURN(Exchange exchange, Send(call));
  const HttpResponse& response = exchange.response;
  if (response.status < 200 || response.status >= 300) {
    return ErrorFromResponse(call, response);
  }
  PartInfo part{part_number, UnquoteEtag(response.Header("etag")), body.size()};
  if (part.etag.empty()) {
    return Corruption("{} at {}: part {} answered without an ETag", Where(call),
                      address_.endpoint(), part_number);
  }
  return part;
}

Result<std::vector<PartInfo>> S3Store::ListAllParts(std::string_view key,
                                                    std::string_view upload_id,
                                                    std::map<int, std::string>* crc32c) {
  RETURN_IF_ERROR(ValidateKey(key));
  std::vector<PartInfo> parts;
  int marker = 0;
  for (;;) {
    S3Call call{.operation = "ListParts", .method = "GET", .key = key};
    call.query.emplace_back("uploadId", std::string(upload_id));
    if (marker > 0) call.query.emplace_back("part-number-marker", std::to_string(marker));
    ASSIGN_OR_RETURN(Exchange exchange, Send(call));
    const HttpResponse& response = exchange.response;
    if (response.status != 200) return ErrorFromResponse(call, response);
    Result<PartsPage> page = ParsePartsPage(response.body);
    if (!page.ok()) {
      return page.status().WithContext(fmt::format("{} at {}", Where(call), address_.endpoint()));
    }
    parts.insert(parts.end(), page->parts.begin(), page->parts.end());
    if (crc32c != nullptr) crc32c->insert(page->crc32c.begin(), page->crc32c.end());
    if (!page->truncated) break;
    if (page->next_part_number_marker <= marker) {
      return Corruption("{} at {}: the part number marker does not advance ({})", Where(call),
                        address_.endpoint(), page->next_part_number_marker);
    }
    marker = page->next_part_number_marker;
  }
  std::sort(parts.begin(), parts.end(),
            [](const PartInfo& a, const PartInfo& b) { return a.part_number < b.part_number; });
  return parts;
}

Result<std::vector<PartInfo>> S3Store::ListParts(std::string_view key, std::string_view upload_id) {
  return ListAllParts(key, upload_id, nullptr);
}

bool S3Store::CompletedAlready(std::string_view key, const std::vector<PartInfo>& parts,
                               std::string* etag) {
  const std::optional<std::string> expected = MultipartEtag(parts);
  if (!expected.has_value()) return false;
  Result<ObjectInfo> current = Head(key);
  if (!current.ok() || current->etag != *expected) return false;
  *etag = current->etag;
  return true;
}

Result<PutResult> S3Store::CompleteMultipartUpload(std::string_view key, std::string_view upload_id,
                                                   const std::vector<PartInfo>& parts,
                                                   PutOptions::Condition condition) {
  RETURN_IF_ERROR(ValidateKey(key));
  if (upload_id.empty()) {
    return InvalidArgument("CompleteMultipartUpload of key '{}': empty upload id", key);
  }
  if (parts.empty() || parts.size() > static_cast<size_t>(kMaxParts)) {
    return InvalidArgument("CompleteMultipartUpload of key '{}': {} parts, expected 1 to {}", key,
                           parts.size(), kMaxParts);
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].part_number <= parts[i - 1].part_number) {
      return InvalidArgument(
          "CompleteMultipartUpload of key '{}': part numbers must ascend, got {} after {}", key,
          parts[i].part_number, parts[i - 1].part_number);
    }
  }
  if (condition == PutOptions::Condition::kIfMatch) {
    return InvalidArgument(
        "CompleteMultipartUpload of key '{}': only If-None-Match is supported as a condition", key);
  }
  std::map<int, std::string> crc32c;
  if (write_headers_.crc32c) {
    // An upload created with a checksum algorithm must list each part's checksum.
    ASSIGN_OR_RETURN(std::vector<PartInfo> uploaded, ListAllParts(key, upload_id, &crc32c));
    (void)uploaded;
  }
  const std::string body = BuildCompleteMultipartUpload(parts, crc32c);
  S3Call call{.operation = "CompleteMultipartUpload", .method = "POST", .key = key, .body = body};
  call.query.emplace_back("uploadId", std::string(upload_id));
  call.headers.emplace_back("Content-Type", "application/xml");
  AddSseCustomerHeaders(&call);
  if (condition == PutOptions::Condition::kIfNoneMatch) {
    call.headers.emplace_back("If-None-Match", "*");
    call.conditional = true;
  }
  call.error_in_200 = true;

  Result<Exchange> sent = Send(call);
  std::string etag;
  if (!sent.ok()) {
    if (sent.status().code() != StatusCode::kUnavailable) return sent.status();
    // radosgw answers 500 for an upload id it does not know, which includes one completed
    // already (perhaps by an attempt whose answer was lost).
    if (CompletedAlready(key, parts, &etag)) {
      spdlog::info("{}: upload {} had completed already (the key has its ETag)", Where(call),
                   upload_id);
      return PutResult{etag};
    }
    return Unavailable(
        "{}; the upload may be unknown to the server or completed already: HEAD the key to "
        "find out whether the object exists",
        sent.status().message());
  }
  const Exchange& exchange = *sent;
  const HttpResponse& response = exchange.response;
  if (response.status == 200) {
    Result<CompleteMultipartResult> result = ParseCompleteMultipartUpload(response.body);
    if (!result.ok()) {
      return result.status().WithContext(fmt::format("{} at {}", Where(call), address_.endpoint()));
    }
    if (result->error.code.empty()) {
      if (result->etag.empty()) result->etag = UnquoteEtag(response.Header("etag"));
      if (result->etag.empty()) {
        // radosgw 16.2 answers a first completion with an empty <ETag/>. The ETag is the
        // multipart ETag of the parts (it does send that on a repeated completion);
        // HEAD the key when the parts' ETags are not MD5s.
        std::optional<std::string> computed = MultipartEtag(parts);
        if (computed.has_value()) {
          result->etag = *computed;
        } else {
          Result<ObjectInfo> current = Head(key);
          if (current.ok()) result->etag = current->etag;
        }
      }
      return PutResult{result->etag};
    }
    const S3Error& error = result->error;
    const StatusCode code = ClassifyHttpError(StatusForCode(error.code), error.code);
    return Status(code, fmt::format("{} at {}: HTTP 200 with error {}: {}{}", Where(call),
                                    address_.endpoint(), error.code, error.message,
                                    error.request_id.empty()
                                        ? std::string()
                                        : fmt::format(", request id {}", error.request_id)));
  }
  const S3Error error = ParseErrorBody(response.body);
  if (exchange.earlier_outcome_unknown &&
      (response.status == 412 || error.code == "NoSuchUpload") &&
      CompletedAlready(key, parts, &etag)) {
    // An earlier attempt completed the upload and its answer was lost.
    spdlog::debug("{}: an earlier attempt completed the upload", Where(call));
    return PutResult{etag};
  }
  Status status = ErrorFromResponse(call, response);
  if (error.code == "NoSuchUpload" && exchange.earlier_outcome_unknown) {
    return status.WithContext(
        "an earlier attempt may have completed the upload: HEAD the key to find out");
  }
  return status;
}

Status S3Store::AbortMultipartUpload(std::string_view key, std::string_view upload_id) {
  RETURN_IF_ERROR(ValidateKey(key));
  if (upload_id.empty()) {
    return InvalidArgument("AbortMultipartUpload of key '{}': empty upload id", key);
  }
  S3Call call{.operation = "AbortMultipartUpload", .method = "DELETE", .key = key};
  call.query.emplace_back("uploadId", std::string(upload_id));
  ASSIGN_OR_RETURN(Exchange exchange, Send(call));
  const HttpResponse& response = exchange.response;
  if (response.status >= 200 && response.status < 300) return Status::OK();
  return ErrorFromResponse(call, response);
}

Result<std::vector<MultipartUploadInfo>> S3Store::ListMultipartUploads(std::string_view prefix) {
  std::vector<MultipartUploadInfo> uploads;
  std::string key_marker;
  std::string upload_id_marker;
  for (;;) {
    S3Call call{.operation = "ListMultipartUploads", .method = "GET"};
    call.query.emplace_back("uploads", "");
    if (!prefix.empty()) call.query.emplace_back("prefix", std::string(prefix));
    if (!key_marker.empty()) call.query.emplace_back("key-marker", key_marker);
    if (!upload_id_marker.empty()) call.query.emplace_back("upload-id-marker", upload_id_marker);
    ASSIGN_OR_RETURN(Exchange exchange, Send(call));
    const HttpResponse& response = exchange.response;
    if (response.status != 200) return ErrorFromResponse(call, response);
    Result<MultipartUploadsPage> page = ParseListMultipartUploads(response.body);
    if (!page.ok()) {
      return page.status().WithContext(fmt::format("{} at {}", Where(call), address_.endpoint()));
    }
    uploads.insert(uploads.end(), page->uploads.begin(), page->uploads.end());
    if (!page->truncated) break;
    if (page->next_key_marker == key_marker && page->next_upload_id_marker == upload_id_marker) {
      return Corruption("{} at {}: the listing markers do not advance", Where(call),
                        address_.endpoint());
    }
    key_marker = page->next_key_marker;
    upload_id_marker = page->next_upload_id_marker;
  }
  // Ascending by key, then by initiation, as the interface promises.
  std::stable_sort(uploads.begin(), uploads.end(),
                   [](const MultipartUploadInfo& a, const MultipartUploadInfo& b) {
                     return a.key != b.key ? a.key < b.key : a.initiated_ms < b.initiated_ms;
                   });
  return uploads;
}

// Splits "host", "host:port", "[v6]" or "[v6]:port" into host and port (0 = none).
Status SplitAuthority(std::string_view authority, std::string* host, int* port) {
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgument("unterminated IPv6 address");
    *host = std::string(authority.substr(0, close + 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return InvalidArgument("unexpected text after the IPv6 address");
      port_text = rest.substr(1);
      has_port = true;
    }
  } else {
    const size_t colon = authority.find(':');
    *host = ToLower(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      has_port = true;
    }
  }
  if (host->empty() || *host == "[]") return InvalidArgument("no host");
  *port = 0;
  if (has_port) {
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), *port);
    if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
        *port < 1 || *port > 65535) {
      return InvalidArgument("bad port '{}'", port_text);
    }
  }
  return Status::OK();
}

}  // namespace

Result<BucketAddress> BucketAddress::Make(const StoreOptions& options) {
  if (options.bucket.empty()) return InvalidArgument("s3.bucket.name is empty");
  // S3 Transfer Acceleration (s3.wan.mode) has one global endpoint and supports
  // virtual-hosted addressing only (S3 user guide, "Configuring fast, secure file
  // transfers using Amazon S3 Transfer Acceleration").
  const bool accelerate = options.url.empty() && options.wan_mode;
  const std::string url = accelerate ? std::string("https://s3-accelerate.amazonaws.com")
                          : options.url.empty()
                              ? fmt::format("https://s3.{}.amazonaws.com", options.region)
                              : options.url;
  const bool path_style = options.path_style && !accelerate;
  // A URL with user info may carry a password: never echo it.
  const bool has_user_info = url.find('@') != std::string::npos;
  const std::string shown = has_user_info ? "<URL with user info>" : url;
  auto bad = [&](std::string_view why) {
    return InvalidArgument("store.url '{}' is not a usable S3 endpoint: {}", shown, why);
  };
  if (has_user_info) return bad("credentials in the URL are not supported");
  if (url.find_first_of("?#") != std::string::npos) return bad("it has a query or fragment");
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return bad("expected http://host[:port] or https://...");

  BucketAddress address;
  address.bucket_ = options.bucket;
  address.path_style_ = path_style;
  address.scheme_ = ToLower(std::string_view(url).substr(0, scheme_end));
  if (address.scheme_ != "http" && address.scheme_ != "https") {
    return bad("the scheme must be http or https");
  }
  std::string_view rest = std::string_view(url).substr(scheme_end + 3);
  const size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string_view base = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  address.base_path_ = std::string(base);

  std::string host;
  int port = 0;
  Status split = SplitAuthority(authority, &host, &port);
  if (!split.ok()) return bad(split.message());
  const int default_port = address.scheme_ == "https" ? 443 : 80;
  std::string host_and_port = host;
  if (port != 0 && port != default_port) host_and_port += fmt::format(":{}", port);

  address.endpoint_ = fmt::format("{}://{}{}", address.scheme_, host_and_port, address.base_path_);
  if (path_style) {
    address.host_ = host_and_port;
  } else {
    if (host.front() == '[') return bad("virtual-hosted addressing needs a DNS name, not an IP");
    address.host_ = options.bucket + "." + host_and_port;
  }
  return address;
}

std::string BucketAddress::Path(std::string_view key) const {
  std::string path = base_path_;
  if (path_style_) {
    path += "/" + bucket_;
    if (!key.empty()) path += "/";
  } else {
    path += "/";
  }
  path += key;
  return path;
}

std::string BucketAddress::Url(std::string_view path, std::string_view canonical_query) const {
  std::string url = fmt::format("{}://{}{}", scheme_, host_, CanonicalUri(path));
  if (!canonical_query.empty()) {
    url.push_back('?');
    url += canonical_query;
  }
  return url;
}

std::string RetryStats::ToString() const {
  return fmt::format(
      "retries={} (throttled={} server_errors={} timeouts={} connection_errors={} conflicts={}) "
      "budget_exhausted={} gave_up={}",
      retries.load(), throttled.load(), server_errors.load(), timeouts.load(),
      connection_errors.load(), conflicts.load(), budget_exhausted.load(), gave_up.load());
}

const RetryStats& RetryCounters() { return MutableRetryCounters(); }

int RetryBudgetTokens() { return GlobalRetryBudget().tokens(); }

void ResetRetryStateForTesting() {
  GlobalRetryBudget().Reset();
  RetryStats& stats = MutableRetryCounters();
  for (std::atomic<uint64_t>* counter :
       {&stats.retries, &stats.throttled, &stats.server_errors, &stats.timeouts,
        &stats.connection_errors, &stats.conflicts, &stats.budget_exhausted, &stats.gave_up}) {
    counter->store(0);
  }
}

namespace {

// The headers the write options add, validated. Messages name the config key and never
// show a secret value.
Result<WriteHeaders> MakeWriteHeaders(const StoreOptions& options) {
  WriteHeaders headers;
  const std::string& sse = options.sse_algorithm;
  if (!sse.empty() && sse != "AES256" && sse != "aws:kms" && sse != "aws:kms:dsse") {
    return InvalidArgument("s3.ssea.name: expected AES256, aws:kms or aws:kms:dsse, got '{}'", sse);
  }
  const bool kms = sse == "aws:kms" || sse == "aws:kms:dsse";
  if (!options.sse_kms_key_id.empty() && !kms) {
    return InvalidArgument(
        "s3.sse.kms.key.id is set but s3.ssea.name is '{}'; expected aws:kms or aws:kms:dsse", sse);
  }
  for (const auto& [key, value] : {std::pair<std::string_view, const std::string&>{
                                       "s3.sse.kms.key.id", options.sse_kms_key_id},
                                   {"s3.acl.canned", options.canned_acl},
                                   {"s3.storage.class", options.storage_class}}) {
    if (!IsSafeHeaderValue(value)) {
      return InvalidArgument("{}: the value has control characters", key);
    }
  }
  if (!sse.empty()) headers.object.emplace_back("x-amz-server-side-encryption", sse);
  if (kms && !options.sse_kms_key_id.empty()) {
    headers.object.emplace_back("x-amz-server-side-encryption-aws-kms-key-id",
                                options.sse_kms_key_id);
  }
  if (!options.canned_acl.empty()) headers.object.emplace_back("x-amz-acl", options.canned_acl);
  if (!options.storage_class.empty()) {
    headers.object.emplace_back("x-amz-storage-class", options.storage_class);
  }

  if (!options.sse_customer_key.empty()) {
    if (!sse.empty()) {
      return InvalidArgument(
          "s3.sse.customer.key (SSE-C) and s3.ssea.name '{}' exclude each other: set one", sse);
    }
    const std::optional<std::string> key = Base64Decode(options.sse_customer_key);
    if (!key.has_value()) {
      return InvalidArgument(
          "s3.sse.customer.key: expected the base64 encoding of a 256-bit key; the value is "
          "not valid base64 (the value is not shown: it is a secret)");
    }
    if (key->size() != kSseCustomerKeyBytes) {
      return InvalidArgument(
          "s3.sse.customer.key: expected the base64 encoding of a 256-bit key ({} bytes); "
          "the value decodes to {} bytes (the value is not shown: it is a secret)",
          kSseCustomerKeyBytes, key->size());
    }
    headers.sse_customer.emplace_back("x-amz-server-side-encryption-customer-algorithm", "AES256");
    headers.sse_customer.emplace_back("x-amz-server-side-encryption-customer-key",
                                      options.sse_customer_key);
    headers.sse_customer.emplace_back("x-amz-server-side-encryption-customer-key-MD5",
                                      Md5Base64(*key));
  }

  headers.send_digest = options.send_digest;
  const std::string checksum = ToUpper(options.checksum_algorithm);
  if (!checksum.empty() && checksum != "CRC32C") {
    return InvalidArgument("s3.checksum.algorithm: expected CRC32C or nothing, got '{}'",
                           options.checksum_algorithm);
  }
  headers.crc32c = checksum == "CRC32C";
  return headers;
}

}  // namespace

}  // namespace s3

Result<std::unique_ptr<ObjectStore>> OpenS3Store(const StoreOptions& options) {
  if (options.region.empty()) return InvalidArgument("S3 region is empty");
  if (options.part_retries < 0) {
    return InvalidArgument("s3.part.retries: expected a number >= 0, got {}", options.part_retries);
  }
  if (options.retry_backoff_ms < 0) {
    return InvalidArgument("s3.retry.backoff.ms: expected a number >= 0, got {}",
                           options.retry_backoff_ms);
  }
  ASSIGN_OR_RETURN(s3::BucketAddress address, s3::BucketAddress::Make(options));
  ASSIGN_OR_RETURN(s3::WriteHeaders write_headers, s3::MakeWriteHeaders(options));

  s3::HttpClientOptions http_options;
  http_options.proxy_url = options.proxy_url;
  http_options.proxy_user = options.proxy_user;
  http_options.proxy_password = options.proxy_password;
  http_options.ca_bundle = options.ca_bundle;
  http_options.verify_tls = options.verify_tls;
  if (options.proxy_url.find('@') != std::string::npos) {
    return InvalidArgument(
        "s3.proxy.url must not contain user info: use s3.proxy.user and s3.proxy.password");
  }

  s3::CredentialsOptions credentials_options;
  credentials_options.access_key_id = options.access_key_id;
  credentials_options.secret_access_key = options.secret_access_key;
  credentials_options.session_token = options.session_token;
  credentials_options.role_arn = options.sts_role_arn;
  credentials_options.role_session_name = options.sts_session_name;
  credentials_options.external_id = options.sts_external_id;
  credentials_options.sts_region = options.sts_region;
  credentials_options.sts_endpoint = options.sts_endpoint;
  credentials_options.region = options.region;
  // STS calls go through the same proxy and trust the same CAs as S3 calls.
  credentials_options.http = http_options;
  ASSIGN_OR_RETURN(std::shared_ptr<s3::CredentialsProvider> credentials,
                   s3::MakeDefaultCredentialsChain(credentials_options));
  return std::unique_ptr<ObjectStore>(
      std::make_unique<s3::S3Store>(std::move(address), std::move(credentials), options.region,
                                    options, std::move(write_headers), std::move(http_options)));
}

}  // namespace tributary
