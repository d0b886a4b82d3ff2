#include "objstore/s3/s3_store.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include "objstore/s3/http_client.h"
#include "objstore/s3/s3_protocol.h"
#include "objstore/s3/sigv4.h"

namespace tributary {
namespace s3 {
namespace {

// Retry policy. Five attempts in all: with the delays below a request is given up after
// at most ~1.5 s of backoff, so an outage longer than that reaches the caller (whose own
// retry loop works on the scale of seconds to minutes) as kUnavailable.
constexpr int kMaxAttempts = 5;
// Delay before retry n (n = 1, 2, ...) is drawn uniformly from [d/2, d] with
// d = min(kBackoffCap, kBackoffBase * 2^(n-1)): exponential, with jitter so that clients
// throttled together do not retry together, and never so short that SlowDown is ignored.
constexpr std::chrono::milliseconds kBackoffBase{100};
constexpr std::chrono::milliseconds kBackoffCap{5'000};

// S3's limit on a key: 1024 bytes of UTF-8 (S3 user guide, "Naming objects").
constexpr size_t kMaxKeyBytes = 1024;
// ListObjectsV2 returns at most 1000 keys a page whatever max-keys asks.
constexpr int kMaxListKeys = 1000;

constexpr std::string_view kUserMetadataPrefix = "x-amz-meta-";

std::chrono::milliseconds BackoffDelay(int retry) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int shift = std::min(retry - 1, 20);
  const auto ceiling = std::min(kBackoffCap, kBackoffBase * (int64_t{1} << shift));
  std::uniform_int_distribution<int64_t> dist(ceiling.count() / 2, ceiling.count());
  return std::chrono::milliseconds(dist(rng));
}

std::string Md5Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string GetEnv(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
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

// One S3 request, as the store describes it before signing.
struct S3Call {
  std::string_view operation = {};  // S3's name for it: "PutObject", "HeadBucket", ...
  std::string method = {};
  std::string_view key = {};  // "" for a bucket-level request
  std::vector<NameValue> query = {};
  std::vector<NameValue> headers = {};  // signed and sent
  std::string_view body = {};
};

// The final response of a call, and whether an earlier attempt may have taken effect
// (it failed in transport or with a 5xx after the server may have applied it).
struct Exchange {
  HttpResponse response;
  int attempts = 0;
  bool earlier_outcome_unknown = false;
};

class S3Store final : public ObjectStore {
 public:
  S3Store(BucketAddress address, Credentials credentials, std::string credential_source,
          std::string region)
      : address_(std::move(address)),
        credentials_(std::move(credentials)),
        credential_source_(std::move(credential_source)),
        region_(std::move(region)) {}

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

 private:
  // Signs and sends `call`, retrying as s3_store.h describes. Returns the final response
  // whatever its status, except when retries ran out (kUnavailable) or the transport
  // failed for good.
  Result<Exchange> Send(const S3Call& call);

  // "PutObject of key 'k' in bucket 'b'" / "HeadBucket of bucket 'b'".
  std::string Where(const S3Call& call) const;

  // The Status for an HTTP error response to `call`.
  Status ErrorFromResponse(const S3Call& call, const HttpResponse& response) const;

  const BucketAddress address_;
  const Credentials credentials_;
  const std::string credential_source_;  // where the credentials came from, for messages
  const std::string region_;
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

  Exchange exchange;
  for (int attempt = 1;; ++attempt) {
    exchange.attempts = attempt;
    // Signed afresh each attempt: the signature covers the time, and S3 rejects requests
    // more than 15 minutes off.
    SigningResult signed_request =
        SignV4(input, credentials_, region_, std::chrono::system_clock::now());
    HttpRequest request;
    request.method = call.method;
    request.url = url;
    request.headers = input.headers;
    request.headers.insert(request.headers.end(), signed_request.headers.begin(),
                           signed_request.headers.end());
    request.body = call.body;

    Result<HttpResponse> result = http_.Send(request);
    std::string failure;  // why this attempt is worth repeating; "" when it is final
    if (!result.ok()) {
      if (result.status().code() != StatusCode::kUnavailable) {
        return result.status().WithContext(
            fmt::format("{} at {}", Where(call), address_.endpoint()));
      }
      failure = result.status().message();
    } else {
      const long status = result->status;
      if (status < 300 || status == 304) {
        exchange.response = std::move(result).value();
        return exchange;
      }
      const S3Error error = ParseErrorBody(result->body);
      if (!IsRetriableHttpError(status, error.code)) {
        exchange.response = std::move(result).value();
        return exchange;
      }
      failure = fmt::format("HTTP {}{}{}", status, error.code.empty() ? "" : " ", error.code);
      const std::string request_id =
          error.request_id.empty() ? result->Header("x-amz-request-id") : error.request_id;
      if (!request_id.empty()) failure += fmt::format(", request id {}", request_id);
    }
    if (attempt >= kMaxAttempts) {
      return Unavailable("{} at {}: {}; gave up after {} attempts", Where(call),
                         address_.endpoint(), failure, attempt);
    }
    exchange.earlier_outcome_unknown = true;
    const auto delay = BackoffDelay(attempt);
    spdlog::debug("{}: attempt {}/{} failed ({}); retrying in {} ms", Where(call), attempt,
                  kMaxAttempts, failure, delay.count());
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
      return NotFound("{}: no such key '{}' in bucket '{}' ({})", Where(call), call.key,
                      address_.bucket(), detail);
    case StatusCode::kPermissionDenied:
      return PermissionDenied(
          "{} at {}: credentials rejected or access denied (access key from {}): {}", Where(call),
          address_.endpoint(), credential_source_, detail);
    default:
      return Status(code, fmt::format("{} at {}: {}", Where(call), address_.endpoint(), detail));
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
  if (!options.content_type.empty()) {
    if (!IsSafeHeaderValue(options.content_type)) {
      return InvalidArgument("PutObject of key '{}': content type has control characters", key);
    }
    call.headers.emplace_back("Content-Type", options.content_type);
  }
  switch (options.condition) {
    case PutOptions::Condition::kNone:
      break;
    case PutOptions::Condition::kIfNoneMatch:
      call.headers.emplace_back("If-None-Match", "*");
      break;
    case PutOptions::Condition::kIfMatch: {
      const std::string etag = UnquoteEtag(options.if_match_etag);
      if (etag.empty() || !IsSafeHeaderValue(etag)) {
        return InvalidArgument("PutObject of key '{}': If-Match needs a valid ETag, got '{}'", key,
                               options.if_match_etag);
      }
      call.headers.emplace_back("If-Match", if_match_unquoted_ ? etag : "\"" + etag + "\"");
      break;
    }
  }
  for (const auto& [name, value] : options.metadata) {
    if (!IsMetadataName(name) || !IsSafeHeaderValue(value)) {
      return InvalidArgument(
          "PutObject of key '{}': metadata '{}' must have a name of letters, digits, '-', "
          "'_', '.' and a value without control characters",
          key, name);
    }
    call.headers.emplace_back(std::string(kUserMetadataPrefix) + ToLower(name), value);
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
  const std::string url = options.url.empty()
                              ? fmt::format("https://s3.{}.amazonaws.com", options.region)
                              : options.url;
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
  address.path_style_ = options.path_style;
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
  if (options.path_style) {
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

}  // namespace s3

Result<std::unique_ptr<ObjectStore>> OpenS3Store(const StoreOptions& options) {
  if (options.region.empty()) return InvalidArgument("S3 region is empty");
  ASSIGN_OR_RETURN(s3::BucketAddress address, s3::BucketAddress::Make(options));

  s3::Credentials credentials;
  std::string source;
  if (!options.access_key_id.empty()) {
    credentials = {options.access_key_id, options.secret_access_key, options.session_token};
    source = "store option aws.access.key.id";
    if (credentials.secret_access_key.empty()) {
      return InvalidArgument("aws.access.key.id is set but aws.secret.access.key is empty");
    }
  } else {
    // The rest of AWS's default chain (shared files, web identity, container and instance
    // metadata) is not implemented yet.
    credentials = {s3::GetEnv("AWS_ACCESS_KEY_ID"), s3::GetEnv("AWS_SECRET_ACCESS_KEY"),
                   s3::GetEnv("AWS_SESSION_TOKEN")};
    source = "environment variable AWS_ACCESS_KEY_ID";
    if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
      return InvalidArgument(
          "no S3 credentials for bucket '{}': set aws.access.key.id and "
          "aws.secret.access.key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
          options.bucket);
    }
  }
  return std::unique_ptr<ObjectStore>(std::make_unique<s3::S3Store>(
      std::move(address), std::move(credentials), std::move(source), options.region));
}

}  // namespace tributary
