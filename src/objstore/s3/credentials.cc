#include "objstore/s3/credentials.h"

#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>
#include <pugixml.hpp>

#include "common/strings.h"
#include "objstore/s3/http_client.h"
#include "objstore/s3/ini_file.h"

namespace tributary::s3 {
namespace {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

// credentials.h: temporary credentials are refreshed when fewer than 5 minutes remain.
constexpr auto kRefreshAhead = std::chrono::minutes(5);
// After a failed refresh while the cached credentials are still valid, callers keep the
// cached ones for this long before one of them tries again (so that an STS outage does not
// turn every Get() into a network call).
constexpr auto kRefreshRetryDelay = std::chrono::seconds(10);

// STS API reference, "Common Parameters": the API version of every STS query request.
constexpr std::string_view kStsApiVersion = "2011-06-15";
// STS AssumeRole: DurationSeconds defaults to 3600 (1 h), the most every role allows.
constexpr int kAssumeRoleDurationSeconds = 3600;
// STS without a region: the global endpoint, which signs for us-east-1.
constexpr std::string_view kStsDefaultRegion = "us-east-1";
// Attempts per STS / container / IMDS call for retriable failures (transport, 5xx), and
// the delay before the second attempt (doubled for each further one).
constexpr int kMaxAttempts = 3;
constexpr auto kFirstRetryDelay = std::chrono::milliseconds(200);

// EC2 User Guide, "Use the Instance Metadata Service to access instance metadata": the
// IMDS address, the IMDSv2 session-token request and header names, and the longest token
// lifetime (21600 s = 6 h).
constexpr std::string_view kImdsDefaultEndpoint = "http://169.254.169.254";
constexpr std::string_view kImdsTokenPath = "/latest/api/token";
constexpr std::string_view kImdsRolesPath = "/latest/meta-data/iam/security-credentials/";
constexpr std::string_view kImdsTokenTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
constexpr std::string_view kImdsTokenHeader = "X-aws-ec2-metadata-token";
constexpr std::string_view kImdsTokenTtlSeconds = "21600";
// IMDS answers in milliseconds on EC2; anywhere else the address does not answer at all,
// so a short connect timeout keeps the chain from stalling on a laptop.
constexpr auto kImdsConnectTimeout = std::chrono::milliseconds(1000);
constexpr auto kImdsStallTime = std::chrono::seconds(2);

// AWS SDKs and Tools Reference, "Container credential provider": the ECS agent's address
// for AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, and the hosts an http:// FULL_URI may name
// (loopback, the ECS address, the EKS Pod Identity agent's addresses).
constexpr std::string_view kContainerRelativeBase = "http://169.254.170.2";
constexpr std::string_view kContainerAllowedHttpHosts[] = {
    "127.0.0.1", "localhost", "[::1]", "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]"};

// Credential timeouts for STS and the container endpoint: local or regional services.
constexpr auto kServiceConnectTimeout = std::chrono::milliseconds(5000);
constexpr auto kServiceStallTime = std::chrono::seconds(10);

// Profiles may chain role_arn -> source_profile; deeper than this is taken for a loop.
constexpr int kMaxProfileDepth = 8;

std::optional<std::string> GetEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::string EnvOr(const char* name, std::string fallback) {
  std::optional<std::string> value = GetEnv(name);
  return value ? *value : std::move(fallback);
}

Result<std::string> ReadWholeFile(const std::string& path, std::string_view what) {
  auto text = ReadFile(path);
  if (!text.ok()) return IOError("{}", text.status().WithContext(what).message());
  return text;
}

// "2026-11-22T07:00:00Z", with optional fractional seconds and a "+hh:mm" offset instead
// of Z: the forms STS, ECS and IMDS use for Expiration.
Result<TimePoint> ParseIso8601(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, consumed = 0;
  const std::string str(text);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) !=
      6) {
    return InvalidArgument("expected an ISO 8601 time, got '{}'", text);
  }
  std::string_view rest = text.substr(static_cast<size_t>(consumed));
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') rest.remove_prefix(1);
  }
  std::chrono::minutes offset{0};
  if (rest == "Z" || rest == "z") {
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = 0, om = 0;
    if (std::sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &oh, &om) != 2) {
      return InvalidArgument("expected an ISO 8601 time, got '{}'", text);
    }
    offset = std::chrono::minutes(oh * 60 + om) * (rest[0] == '-' ? -1 : 1);
  } else {
    return InvalidArgument("expected an ISO 8601 time in UTC, got '{}'", text);
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(mo),
                                        std::chrono::day(d)};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) {
    return InvalidArgument("expected an ISO 8601 time, got '{}'", text);
  }
  return TimePoint(std::chrono::sys_days(ymd)) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(s) - offset;
}

std::string FormatTime(TimePoint t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::floor<std::chrono::seconds>(t));
}

// The pieces of an absolute http(s) URL that requests need.
struct Url {
  std::string scheme;    // "http" or "https"
  std::string host;      // host[:port] as in the URL (the Host header)
  std::string hostname;  // without the port
  std::string path;      // "/" when the URL has none; query included if present
};

Result<Url> ParseUrl(std::string_view url) {
  Url out;
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return InvalidArgument("'{}' is not an absolute URL", url);
  out.scheme = ToLower(url.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") {
    return InvalidArgument("expected an http:// or https:// URL, got scheme '{}'", out.scheme);
  }
  std::string_view rest = url.substr(sep + 3);
  const size_t slash = rest.find_first_of("/?");
  out.host = std::string(rest.substr(0, slash));
  out.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.path.front() == '?') out.path.insert(out.path.begin(), '/');
  if (out.host.find('@') != std::string::npos) {
    // Not echoed: user info may hold a password.
    return InvalidArgument("a URL with user info (user:password@) is not accepted here");
  }
  if (out.host.empty()) return InvalidArgument("'{}': expected scheme://host[:port][/path]", url);
  out.hostname = out.host;
  if (out.hostname.front() == '[') {
    out.hostname = out.hostname.substr(0, out.hostname.find(']') + 1);
  } else if (const size_t colon = out.hostname.rfind(':'); colon != std::string::npos) {
    out.hostname.resize(colon);
  }
  return out;
}

// Sends `request`, again after a pause when the exchange failed or the server answered
// 5xx/429, up to kMaxAttempts times.
Result<HttpResponse> SendWithRetries(HttpClient& http, const HttpRequest& request) {
  auto delay = kFirstRetryDelay;
  for (int attempt = 1;; ++attempt) {
    Result<HttpResponse> response = http.Send(request);
    const bool retriable = response.ok() ? (response->status >= 500 || response->status == 429)
                                         : response.status().IsRetriable();
    if (!retriable || attempt == kMaxAttempts) return response;
    std::this_thread::sleep_for(delay);
    delay *= 2;
  }
}

// Credentials and, for temporary ones, when they expire.
struct TimedCredentials {
  Credentials credentials;
  std::optional<TimePoint> expiration;
};

// One way of obtaining credentials, without caching. Fetch() does the work every time.
class CredentialsSource {
 public:
  virtual ~CredentialsSource() = default;
  virtual Result<TimedCredentials> Fetch() = 0;
  virtual std::string Describe() const = 0;
};

// Caches a source's credentials and refreshes them as credentials.h describes.
class CachingProvider final : public CredentialsProvider {
 public:
  explicit CachingProvider(std::unique_ptr<CredentialsSource> source)
      : source_(std::move(source)) {}

  Result<Credentials> Get() override {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      const TimePoint now = Clock::now();
      const bool valid = cached_ && (!cached_->expiration || now < *cached_->expiration);
      const bool fresh =
          cached_ && (!cached_->expiration || now + kRefreshAhead < *cached_->expiration);
      if (fresh) return cached_->credentials;
      if (refreshing_) {
        if (valid) return cached_->credentials;  // someone else refreshes; these still work
        const uint64_t generation = generation_;
        cv_.wait(lock, [&] { return !refreshing_; });
        if (generation_ != generation && !last_error_.ok()) return last_error_;
        continue;
      }
      if (valid && now < retry_after_) return cached_->credentials;

      refreshing_ = true;
      lock.unlock();
      Result<TimedCredentials> fetched = source_->Fetch();
      lock.lock();
      refreshing_ = false;
      ++generation_;
      cv_.notify_all();
      if (fetched.ok()) {
        last_error_ = Status::OK();
        cached_ = std::move(fetched).value();
        return cached_->credentials;
      }
      last_error_ = fetched.status().WithContext(source_->Describe());
      if (cached_ && (!cached_->expiration || Clock::now() < *cached_->expiration)) {
        retry_after_ = Clock::now() + kRefreshRetryDelay;
        spdlog::warn("refreshing credentials failed ({}); keeping the current ones, valid until {}",
                     last_error_.ToString(), FormatTime(*cached_->expiration));
        return cached_->credentials;
      }
      return last_error_;
    }
  }

  std::string Describe() const override { return source_->Describe(); }

 private:
  const std::unique_ptr<CredentialsSource> source_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<TimedCredentials> cached_;  // guarded by mu_
  bool refreshing_ = false;                 // guarded by mu_: a Fetch() is under way
  uint64_t generation_ = 0;                 // guarded by mu_: finished fetches
  Status last_error_;                       // guarded by mu_: of the last fetch
  TimePoint retry_after_;                   // guarded by mu_
};

std::shared_ptr<CredentialsProvider> Cached(std::unique_ptr<CredentialsSource> source) {
  return std::make_shared<CachingProvider>(std::move(source));
}

// Long-term keys that never change.
class StaticSource final : public CredentialsSource {
 public:
  StaticSource(Credentials credentials, std::string description)
      : credentials_(std::move(credentials)), description_(std::move(description)) {}
  Result<TimedCredentials> Fetch() override { return TimedCredentials{credentials_, {}}; }
  std::string Describe() const override { return description_; }

 private:
  const Credentials credentials_;
  const std::string description_;
};

// ---- STS ----

// Where STS requests go and which region they are signed for.
struct StsEndpoint {
  std::string url;
  Url parsed;
  std::string region;
};

Result<StsEndpoint> ResolveStsEndpoint(const CredentialsOptions& options) {
  StsEndpoint sts;
  sts.region = !options.sts_region.empty() ? options.sts_region
               : !options.region.empty()   ? options.region
                                           : EnvOr("AWS_REGION", EnvOr("AWS_DEFAULT_REGION", ""));
  if (!options.sts_endpoint.empty()) {
    sts.url = options.sts_endpoint;
  } else if (std::optional<std::string> env = GetEnv("AWS_ENDPOINT_URL_STS")) {
    sts.url = *env;
  } else if (sts.region.empty()) {
    sts.url = "https://sts.amazonaws.com";  // the global endpoint
  } else {
    // AWS General Reference, "AWS STS endpoints": sts.<region>.amazonaws.com, and
    // amazonaws.com.cn in the China regions.
    sts.url = fmt::format("https://sts.{}.amazonaws.com{}", sts.region,
                          sts.region.rfind("cn-", 0) == 0 ? ".cn" : "");
  }
  if (sts.region.empty()) sts.region = std::string(kStsDefaultRegion);
  Result<Url> parsed = ParseUrl(sts.url);
  if (!parsed.ok()) return parsed.status().WithContext("STS endpoint");
  sts.parsed = std::move(parsed).value();
  return sts;
}

std::string XmlChildText(const pugi::xml_node& node, const char* name) {
  return node.child(name).text().as_string();
}

// Parses the <Credentials> element of an AssumeRole / AssumeRoleWithWebIdentity response.
Result<TimedCredentials> ParseStsCredentials(const std::string& body, std::string_view action) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) {
    return Corruption("STS {}: the response is not XML", action);
  }
  const pugi::xml_node creds = doc.find_node([](const pugi::xml_node& n) {
    return std::string_view(n.name()) == "Credentials" && n.child("AccessKeyId");
  });
  if (!creds) return Corruption("STS {}: no Credentials in the response", action);
  TimedCredentials out;
  out.credentials.access_key_id = XmlChildText(creds, "AccessKeyId");
  out.credentials.secret_access_key = XmlChildText(creds, "SecretAccessKey");
  out.credentials.session_token = XmlChildText(creds, "SessionToken");
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty()) {
    return Corruption("STS {}: the response lacks AccessKeyId or SecretAccessKey", action);
  }
  const std::string expiration = XmlChildText(creds, "Expiration");
  if (!expiration.empty()) {
    Result<TimePoint> t = ParseIso8601(expiration);
    if (!t.ok()) return t.status().WithContext(fmt::format("STS {}: Expiration", action));
    out.expiration = *t;
  }
  return out;
}

// Sends one STS query action as a form-encoded POST, signed with `signer` when given (for
// AssumeRole) and unsigned otherwise (AssumeRoleWithWebIdentity needs no credentials).
Result<TimedCredentials> CallSts(HttpClient& http, const StsEndpoint& sts,
                                 std::vector<NameValue> params, const Credentials* signer) {
  const std::string action = params.front().second;
  params.emplace_back("Version", std::string(kStsApiVersion));
  // Form encoding with %20 for spaces is RFC 3986 encoding, which this function produces.
  const std::string body = CanonicalQueryString(params);
  HttpRequest request;
  request.method = "POST";
  request.url = sts.url;
  request.headers = {{"Host", sts.parsed.host},
                     {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = body;
  if (signer != nullptr) {
    SigningInput input;
    input.method = request.method;
    const size_t query = sts.parsed.path.find('?');
    input.path = sts.parsed.path.substr(0, query);
    input.headers = request.headers;
    input.payload_sha256 = Sha256Hex(body);
    const SigningResult signed_request =
        SignV4(input, *signer, sts.region, Clock::now(), kStsService);
    request.headers.insert(request.headers.end(), signed_request.headers.begin(),
                           signed_request.headers.end());
  }
  Result<HttpResponse> response = SendWithRetries(http, request);
  if (!response.ok()) {
    return response.status().WithContext(fmt::format("STS {} at {}", action, sts.url));
  }
  if (response->status == 200) return ParseStsCredentials(response->body, action);

  // STS API reference, "Common Errors": <ErrorResponse><Error><Code/><Message/></Error>.
  std::string code, message;
  pugi::xml_document doc;
  if (doc.load_buffer(response->body.data(), response->body.size())) {
    const pugi::xml_node error = doc.find_node(
        [](const pugi::xml_node& n) { return std::string_view(n.name()) == "Error"; });
    code = XmlChildText(error, "Code");
    message = XmlChildText(error, "Message");
  }
  const std::string what =
      fmt::format("STS {} at {}: HTTP {}{}{}{}", action, sts.url, response->status,
                  code.empty() ? "" : " ", code, message.empty() ? "" : ": " + message);
  if (response->status >= 500 || response->status == 429 || code == "Throttling") {
    return Unavailable("{}", what);
  }
  if (response->status == 401 || response->status == 403 || code == "AccessDenied" ||
      code == "ExpiredTokenException" || code == "InvalidIdentityToken") {
    return PermissionDenied("{}", what);
  }
  return InvalidArgument("{}", what);
}

std::string DefaultSessionName() { return "tributary-" + RandomHex(12); }

// STS AssumeRole signed with the credentials of `base`.
class AssumeRoleSource final : public CredentialsSource {
 public:
  struct Params {
    std::string role_arn;
    std::string session_name;
    std::string external_id;
    int duration_seconds = kAssumeRoleDurationSeconds;
  };
  AssumeRoleSource(Params params, std::shared_ptr<CredentialsProvider> base, StsEndpoint sts,
                   std::shared_ptr<HttpClient> http)
      : params_(std::move(params)),
        base_(std::move(base)),
        sts_(std::move(sts)),
        http_(std::move(http)) {}

  Result<TimedCredentials> Fetch() override {
    Result<Credentials> base = base_->Get();
    if (!base.ok()) return base.status().WithContext("source credentials");
    std::vector<NameValue> params = {{"Action", "AssumeRole"},
                                     {"RoleArn", params_.role_arn},
                                     {"RoleSessionName", params_.session_name},
                                     {"DurationSeconds", std::to_string(params_.duration_seconds)}};
    if (!params_.external_id.empty()) params.emplace_back("ExternalId", params_.external_id);
    return CallSts(*http_, sts_, std::move(params), &base.value());
  }

  std::string Describe() const override {
    return fmt::format("assume role {} with credentials from {}", params_.role_arn,
                       base_->Describe());
  }

 private:
  const Params params_;
  const std::shared_ptr<CredentialsProvider> base_;
  const StsEndpoint sts_;
  const std::shared_ptr<HttpClient> http_;
};

// STS AssumeRoleWithWebIdentity with the token in a file (re-read at each refresh: the
// token is rotated by whoever writes it, e.g. the EKS service-account token projection).
class WebIdentitySource final : public CredentialsSource {
 public:
  WebIdentitySource(std::string token_file, std::string role_arn, std::string session_name,
                    StsEndpoint sts, std::shared_ptr<HttpClient> http)
      : token_file_(std::move(token_file)),
        role_arn_(std::move(role_arn)),
        session_name_(std::move(session_name)),
        sts_(std::move(sts)),
        http_(std::move(http)) {}

  Result<TimedCredentials> Fetch() override {
    Result<std::string> token = ReadWholeFile(token_file_, "web identity token file");
    if (!token.ok()) return token.status();
    const std::string trimmed(Trim(*token));
    if (trimmed.empty()) return InvalidArgument("web identity token file {} is empty", token_file_);
    return CallSts(*http_, sts_,
                   {{"Action", "AssumeRoleWithWebIdentity"},
                    {"RoleArn", role_arn_},
                    {"RoleSessionName", session_name_},
                    {"WebIdentityToken", trimmed}},
                   /*signer=*/nullptr);
  }

  std::string Describe() const override {
    return fmt::format("web identity (role {}, token file {})", role_arn_, token_file_);
  }

 private:
  const std::string token_file_;
  const std::string role_arn_;
  const std::string session_name_;
  const StsEndpoint sts_;
  const std::shared_ptr<HttpClient> http_;
};

// ---- JSON credential endpoints (container, IMDS) ----

// {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"} and, from IMDS, "Code".
Result<TimedCredentials> ParseJsonCredentials(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    return Corruption("the response is not a JSON object");
  }
  auto field = [&doc](const char* name) {
    std::string_view value;
    if (doc[name].get(value) != simdjson::SUCCESS) return std::string();
    return std::string(value);
  };
  if (const std::string code = field("Code"); !code.empty() && code != "Success") {
    return Unavailable("the endpoint answered Code '{}'", code);
  }
  TimedCredentials out;
  out.credentials.access_key_id = field("AccessKeyId");
  out.credentials.secret_access_key = field("SecretAccessKey");
  out.credentials.session_token = field("Token");
  if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty()) {
    return Corruption("the response lacks AccessKeyId or SecretAccessKey");
  }
  if (const std::string expiration = field("Expiration"); !expiration.empty()) {
    Result<TimePoint> t = ParseIso8601(expiration);
    if (!t.ok()) return t.status().WithContext("Expiration");
    out.expiration = *t;
  }
  return out;
}

// The short reason an HTTP credentials endpoint refused, with its JSON "code"/"message"
// fields when it sent them (never the body itself).
Status HttpEndpointError(const HttpResponse& response, std::string_view what) {
  std::string detail;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(response.body).get(doc) == simdjson::SUCCESS && doc.is_object()) {
    std::string_view code, message;
    if (doc["code"].get(code) == simdjson::SUCCESS) detail += fmt::format(" {}", code);
    if (doc["message"].get(message) == simdjson::SUCCESS) detail += fmt::format(": {}", message);
  }
  const std::string text = fmt::format("{}: HTTP {}{}", what, response.status, detail);
  if (response.status >= 500 || response.status == 429) return Unavailable("{}", text);
  if (response.status == 401 || response.status == 403) return PermissionDenied("{}", text);
  return InvalidArgument("{}", text);
}

// The ECS / EKS Pod Identity credentials endpoint.
class ContainerSource final : public CredentialsSource {
 public:
  ContainerSource(std::string url, std::string token_file, std::string token,
                  std::shared_ptr<HttpClient> http)
      : url_(std::move(url)),
        token_file_(std::move(token_file)),
        token_(std::move(token)),
        http_(std::move(http)) {}

  Result<TimedCredentials> Fetch() override {
    HttpRequest request;
    request.method = "GET";
    request.url = url_;
    std::string token = token_;
    if (!token_file_.empty()) {  // the file wins over the variable, and is re-read each time
      Result<std::string> text = ReadWholeFile(token_file_, "authorization token file");
      if (!text.ok()) return text.status();
      token = std::string(Trim(*text));
    }
    if (token.find_first_of("\r\n") != std::string::npos) {
      return InvalidArgument("the authorization token contains a line break");
    }
    if (!token.empty()) request.headers.emplace_back("Authorization", token);
    Result<HttpResponse> response = SendWithRetries(*http_, request);
    if (!response.ok()) return response.status();
    if (response->status != 200) return HttpEndpointError(*response, "credentials request");
    return ParseJsonCredentials(response->body);
  }

  std::string Describe() const override { return fmt::format("container endpoint {}", url_); }

 private:
  const std::string url_;
  const std::string token_file_;
  const std::string token_;
  const std::shared_ptr<HttpClient> http_;
};

// EC2 instance metadata, IMDSv2 only. NotFound means "not on EC2, or no role attached":
// the chain moves on to its end then.
class ImdsSource final : public CredentialsSource {
 public:
  ImdsSource(std::string endpoint, std::shared_ptr<HttpClient> http)
      : endpoint_(std::move(endpoint)), http_(std::move(http)) {
    while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
  }

  Result<TimedCredentials> Fetch() override {
    HttpRequest put;
    put.method = "PUT";
    put.url = endpoint_ + std::string(kImdsTokenPath);
    put.headers = {{std::string(kImdsTokenTtlHeader), std::string(kImdsTokenTtlSeconds)}};
    Result<HttpResponse> token = http_->Send(put);  // no retries: fail fast off EC2
    if (!token.ok()) {
      if (token.status().code() == StatusCode::kUnavailable) {
        return NotFound("not reachable ({})", token.status().message());
      }
      return token.status();
    }
    if (token->status != 200) return HttpEndpointError(*token, "session token request");

    const NameValue token_header{std::string(kImdsTokenHeader), std::string(Trim(token->body))};
    HttpRequest list;
    list.method = "GET";
    list.url = endpoint_ + std::string(kImdsRolesPath);
    list.headers = {token_header};
    Result<HttpResponse> roles = SendWithRetries(*http_, list);
    if (!roles.ok()) return roles.status();
    if (roles->status == 404) return NotFound("the instance has no IAM role attached");
    if (roles->status != 200) return HttpEndpointError(*roles, "IAM role request");
    std::string role(Trim(std::string_view(roles->body).substr(0, roles->body.find('\n'))));
    if (role.empty()) return NotFound("the instance has no IAM role attached");

    HttpRequest get;
    get.method = "GET";
    get.url = list.url + UriEncode(role, /*keep_slash=*/false);
    get.headers = {token_header};
    Result<HttpResponse> creds = SendWithRetries(*http_, get);
    if (!creds.ok()) return creds.status();
    if (creds->status != 200) {
      return HttpEndpointError(*creds, fmt::format("credentials request for role {}", role));
    }
    Result<TimedCredentials> parsed = ParseJsonCredentials(creds->body);
    if (!parsed.ok()) return parsed.status().WithContext(fmt::format("role {}", role));
    return parsed;
  }

  std::string Describe() const override {
    return fmt::format("EC2 instance metadata ({})", endpoint_);
  }

 private:
  std::string endpoint_;
  const std::shared_ptr<HttpClient> http_;
};

// ---- the chain ----

// What each link of the chain needs, fixed when the chain is built.
struct ChainContext {
  CredentialsOptions options;
  std::shared_ptr<HttpClient> service_http;  // STS and the container endpoint
  std::shared_ptr<HttpClient> imds_http;     // short timeouts
};

// A provider found configured, or nullptr with `why_not` saying why it was skipped.
using Detected = Result<std::shared_ptr<CredentialsProvider>>;

Detected DetectEnvironment(std::string* why_not) {
  std::optional<std::string> id = GetEnv("AWS_ACCESS_KEY_ID");
  std::optional<std::string> secret = GetEnv("AWS_SECRET_ACCESS_KEY");
  if (!id && !secret) {
    *why_not = "environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set";
    return std::shared_ptr<CredentialsProvider>();
  }
  if (!id || !secret) {
    return InvalidArgument("environment: {} is set but {} is not",
                           id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
                           id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
  }
  return Cached(
      std::make_unique<StaticSource>(Credentials{*id, *secret, EnvOr("AWS_SESSION_TOKEN", "")},
                                     "environment (AWS_ACCESS_KEY_ID)"));
}

Detected DetectWebIdentity(const ChainContext& ctx, std::string* why_not) {
  std::optional<std::string> token_file = GetEnv("AWS_WEB_IDENTITY_TOKEN_FILE");
  std::optional<std::string> role_arn = GetEnv("AWS_ROLE_ARN");
  if (!token_file || !role_arn) {
    *why_not = "web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not both set";
    return std::shared_ptr<CredentialsProvider>();
  }
  Result<StsEndpoint> sts = ResolveStsEndpoint(ctx.options);
  if (!sts.ok()) return sts.status().WithContext("web identity");
  return Cached(std::make_unique<WebIdentitySource>(
      *token_file, *role_arn, EnvOr("AWS_ROLE_SESSION_NAME", DefaultSessionName()), *sts,
      ctx.service_http));
}

Detected DetectContainer(const ChainContext& ctx, std::string* why_not) {
  std::string url;
  if (std::optional<std::string> relative = GetEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    url = std::string(kContainerRelativeBase) + (relative->front() == '/' ? "" : "/") + *relative;
  } else if (std::optional<std::string> full = GetEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    Result<Url> parsed = ParseUrl(*full);
    if (!parsed.ok()) {
      return parsed.status().WithContext("container endpoint: AWS_CONTAINER_CREDENTIALS_FULL_URI");
    }
    bool allowed = parsed->scheme == "https";
    for (std::string_view host : kContainerAllowedHttpHosts) allowed |= parsed->hostname == host;
    if (!allowed) {
      return InvalidArgument(
          "container endpoint: AWS_CONTAINER_CREDENTIALS_FULL_URI {} must be https, or http "
          "on a loopback address, 169.254.170.2 or 169.254.170.23",
          *full);
    }
    url = *full;
  } else {
    *why_not =
        "container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
        "AWS_CONTAINER_CREDENTIALS_FULL_URI are not set";
    return std::shared_ptr<CredentialsProvider>();
  }
  return Cached(std::make_unique<ContainerSource>(
      url, EnvOr("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", ""),
      EnvOr("AWS_CONTAINER_AUTHORIZATION_TOKEN", ""), ctx.service_http));
}

bool ImdsDisabled() { return EqualsIgnoreCase(EnvOr("AWS_EC2_METADATA_DISABLED", ""), "true"); }

std::shared_ptr<CredentialsProvider> MakeImds(const ChainContext& ctx) {
  return Cached(std::make_unique<ImdsSource>(
      EnvOr("AWS_EC2_METADATA_SERVICE_ENDPOINT", std::string(kImdsDefaultEndpoint)),
      ctx.imds_http));
}

// The shared config and credentials files, read once per resolution.
class SharedFiles {
 public:
  static Result<SharedFiles> Load() {
    SharedFiles files;
    const std::string home = EnvOr("HOME", "");
    files.credentials_path_ = EnvOr("AWS_SHARED_CREDENTIALS_FILE", home + "/.aws/credentials");
    files.config_path_ = EnvOr("AWS_CONFIG_FILE", home + "/.aws/config");
    for (auto [path, file] : {std::pair{&files.credentials_path_, &files.credentials_},
                              std::pair{&files.config_path_, &files.config_}}) {
      Result<IniFile> loaded = IniFile::Load(*path);
      if (loaded.ok()) {
        *file = std::move(loaded).value();
      } else if (loaded.status().code() != StatusCode::kNotFound) {
        return loaded.status();
      }
    }
    return files;
  }

  // The profile's keys: the config file's "[profile name]" ("[default]" for the default
  // profile), overridden by the credentials file's "[name]". nullopt when neither has it.
  std::optional<IniSection> Profile(const std::string& name) const {
    std::optional<IniSection> merged;
    const IniSection* config = config_.Find(name == "default" ? "default" : "profile " + name);
    if (config == nullptr && name == "default") config = config_.Find("profile default");
    if (config != nullptr) merged = *config;
    if (const IniSection* creds = credentials_.Find(name)) {
      if (!merged) merged.emplace();
      for (const auto& [key, value] : *creds) (*merged)[key] = value;
    }
    return merged;
  }

  std::string Where(const std::string& profile) const {
    return fmt::format("profile '{}' in {} / {}", profile, credentials_path_, config_path_);
  }

 private:
  std::string credentials_path_;
  std::string config_path_;
  IniFile credentials_;
  IniFile config_;
};

std::string Lookup(const IniSection& section, const char* key) {
  auto it = section.find(key);
  return it == section.end() ? std::string() : it->second;
}

// The provider for `name`; nullptr (with `why_not`) when the profile holds no credentials.
// STS calls for a profile and its source profiles use `region` (the selected profile's
// "region" key) unless the options name one.
Detected ResolveProfile(const ChainContext& ctx, const SharedFiles& files, const std::string& name,
                        const std::string& region, int depth, std::string* why_not) {
  const std::string where = files.Where(name);
  if (depth > kMaxProfileDepth) {
    return InvalidArgument("shared files: {}: source_profile chain deeper than {} (a loop?)", where,
                           kMaxProfileDepth);
  }
  std::optional<IniSection> profile = files.Profile(name);
  if (!profile) {
    *why_not = fmt::format("shared files: no {}", where);
    return std::shared_ptr<CredentialsProvider>();
  }
  const std::string id = Lookup(*profile, "aws_access_key_id");
  const std::string secret = Lookup(*profile, "aws_secret_access_key");
  const std::string role_arn = Lookup(*profile, "role_arn");
  auto static_keys = [&]() -> Detected {
    if (id.empty() != secret.empty()) {
      return InvalidArgument("shared files: {} has {} but not {}", where,
                             id.empty() ? "aws_secret_access_key" : "aws_access_key_id",
                             id.empty() ? "aws_access_key_id" : "aws_secret_access_key");
    }
    if (id.empty()) return std::shared_ptr<CredentialsProvider>();
    return Cached(std::make_unique<StaticSource>(
        Credentials{id, secret, Lookup(*profile, "aws_session_token")}, where));
  };
  if (role_arn.empty()) {
    Detected keys = static_keys();
    if (keys.ok() && *keys == nullptr) {
      const bool unsupported = profile->count("credential_process") != 0 ||
                               profile->count("sso_session") != 0 ||
                               profile->count("sso_start_url") != 0;
      *why_not = fmt::format("shared files: {} has no aws_access_key_id or role_arn{}", where,
                             unsupported ? " (credential_process and SSO are not supported)" : "");
    }
    return keys;
  }

  // role_arn: AssumeRole with the credentials of source_profile or credential_source.
  const std::string source_profile = Lookup(*profile, "source_profile");
  const std::string credential_source = Lookup(*profile, "credential_source");
  std::shared_ptr<CredentialsProvider> base;
  if (!source_profile.empty() && !credential_source.empty()) {
    return InvalidArgument("shared files: {} sets both source_profile and credential_source",
                           where);
  }
  if (source_profile == name) {  // a profile may name itself to use its own keys
    ASSIGN_OR_RETURN(base, static_keys());
    if (base == nullptr) {
      return InvalidArgument("shared files: {} is its own source_profile but has no keys", where);
    }
  } else if (!source_profile.empty()) {
    std::string source_why_not;
    ASSIGN_OR_RETURN(
        base, ResolveProfile(ctx, files, source_profile, region, depth + 1, &source_why_not));
    if (base == nullptr) {
      return InvalidArgument("shared files: {}: source_profile '{}' has no credentials ({})", where,
                             source_profile, source_why_not);
    }
  } else if (credential_source == "Environment") {
    std::string source_why_not;
    ASSIGN_OR_RETURN(base, DetectEnvironment(&source_why_not));
    if (base == nullptr) {
      return InvalidArgument("shared files: {}: credential_source Environment: {}", where,
                             source_why_not);
    }
  } else if (credential_source == "EcsContainer") {
    std::string source_why_not;
    ASSIGN_OR_RETURN(base, DetectContainer(ctx, &source_why_not));
    if (base == nullptr) {
      return InvalidArgument("shared files: {}: credential_source EcsContainer: {}", where,
                             source_why_not);
    }
  } else if (credential_source == "Ec2InstanceMetadata") {
    base = MakeImds(ctx);
  } else if (!credential_source.empty()) {
    return InvalidArgument(
        "shared files: {}: credential_source '{}' is not one of Environment, EcsContainer, "
        "Ec2InstanceMetadata",
        where, credential_source);
  } else {
    return InvalidArgument("shared files: {} has role_arn but no source_profile", where);
  }

  AssumeRoleSource::Params params;
  params.role_arn = role_arn;
  params.session_name = Lookup(*profile, "role_session_name");
  if (params.session_name.empty()) params.session_name = DefaultSessionName();
  params.external_id = Lookup(*profile, "external_id");
  if (const std::string duration = Lookup(*profile, "duration_seconds"); !duration.empty()) {
    char* end = nullptr;
    const long seconds = std::strtol(duration.c_str(), &end, 10);
    // STS AssumeRole: DurationSeconds from 900 s to 12 h.
    if (*end != '\0' || seconds < 900 || seconds > 43200) {
      return InvalidArgument("shared files: {}: duration_seconds must be 900..43200, got '{}'",
                             where, duration);
    }
    params.duration_seconds = static_cast<int>(seconds);
  }
  CredentialsOptions sts_options = ctx.options;
  if (sts_options.sts_region.empty() && sts_options.region.empty()) {
    sts_options.region = region;
  }
  Result<StsEndpoint> sts = ResolveStsEndpoint(sts_options);
  if (!sts.ok()) return sts.status().WithContext(where);
  return Cached(std::make_unique<AssumeRoleSource>(std::move(params), std::move(base),
                                                   std::move(sts).value(), ctx.service_http));
}

Detected DetectSharedFiles(const ChainContext& ctx, std::string* why_not) {
  Result<SharedFiles> files = SharedFiles::Load();
  if (!files.ok()) return files.status().WithContext("shared files");
  std::optional<std::string> env_profile = GetEnv("AWS_PROFILE");
  const std::string name = env_profile.value_or("default");
  std::optional<IniSection> profile = files->Profile(name);
  const std::string region = profile ? Lookup(*profile, "region") : std::string();
  Detected found = ResolveProfile(ctx, *files, name, region, 0, why_not);
  if (found.ok() && *found == nullptr && env_profile && !profile) {
    // The user asked for this profile: not finding it is a mistake, not a skip. (One that
    // exists without credentials, say only a region, is skipped like any other.)
    return InvalidArgument("{} (AWS_PROFILE)", *why_not);
  }
  return found;
}

// Resolves on the first Get() and then sticks to what it found; a failed resolution is
// tried again on the next Get().
class DefaultChain final : public CredentialsProvider {
 public:
  explicit DefaultChain(ChainContext ctx) : ctx_(std::move(ctx)) {}

  Result<Credentials> Get() override {
    std::shared_ptr<CredentialsProvider> provider;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (resolved_ == nullptr) {
        // Resolution's own Get() is the answer: asking again could fetch twice when the
        // credentials are already within the refresh window.
        Credentials first;
        Result<std::shared_ptr<CredentialsProvider>> found = Resolve(&first);
        if (!found.ok()) return found.status();
        resolved_ = std::move(found).value();
        spdlog::info("AWS credentials from {}", resolved_->Describe());
        return first;
      }
      provider = resolved_;
    }
    return provider->Get();
  }

  std::string Describe() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return resolved_ ? resolved_->Describe() : "default credentials chain (not resolved yet)";
  }

 private:
  // The first configured provider that yields credentials, which go to `first`.
  Result<std::shared_ptr<CredentialsProvider>> Resolve(Credentials* first) {
    std::vector<std::string> tried = {
        "static keys: aws.access.key.id and aws.secret.access.key are not set"};
    using Detector = std::function<Detected(std::string*)>;
    const Detector detectors[] = {
        [](std::string* why) { return DetectEnvironment(why); },
        [this](std::string* why) { return DetectWebIdentity(ctx_, why); },
        [this](std::string* why) { return DetectSharedFiles(ctx_, why); },
        [this](std::string* why) { return DetectContainer(ctx_, why); },
    };
    for (const Detector& detect : detectors) {
      std::string why_not;
      ASSIGN_OR_RETURN(std::shared_ptr<CredentialsProvider> provider, detect(&why_not));
      if (provider == nullptr) {
        tried.push_back(std::move(why_not));
        continue;
      }
      Result<Credentials> got = provider->Get();
      if (!got.ok()) return got.status();  // configured but failing: stop here
      *first = std::move(got).value();
      return provider;
    }
    if (ImdsDisabled()) {
      tried.emplace_back("EC2 instance metadata: AWS_EC2_METADATA_DISABLED is true");
    } else {
      std::shared_ptr<CredentialsProvider> imds = MakeImds(ctx_);
      Result<Credentials> got = imds->Get();
      if (got.ok()) {
        *first = std::move(got).value();
        return imds;
      }
      if (got.status().code() != StatusCode::kNotFound) return got.status();
      tried.push_back(got.status().message());
    }
    std::string list;
    for (const std::string& line : tried) list += "\n  - " + line;
    return InvalidArgument(
        "no AWS credentials found: set aws.access.key.id and aws.secret.access.key, or "
        "configure one of the AWS default chain's sources. Tried:{}",
        list);
  }

  const ChainContext ctx_;
  mutable std::mutex mu_;
  std::shared_ptr<CredentialsProvider> resolved_;  // guarded by mu_
};

}  // namespace

Result<std::shared_ptr<CredentialsProvider>> MakeDefaultCredentialsChain(
    const CredentialsOptions& options) {
  const bool has_id = !options.access_key_id.empty();
  const bool has_secret = !options.secret_access_key.empty();
  if (has_id != has_secret) {
    return InvalidArgument(
        "{} is set but {} is not: set both, or neither to use the AWS "
        "default credentials chain",
        has_id ? "aws.access.key.id" : "aws.secret.access.key",
        has_id ? "aws.secret.access.key" : "aws.access.key.id");
  }
  if (!has_id && !options.session_token.empty()) {
    return InvalidArgument(
        "a session token is set without aws.access.key.id and aws.secret.access.key");
  }
  if (options.role_arn.empty() &&
      (!options.external_id.empty() || !options.role_session_name.empty())) {
    return InvalidArgument(
        "sts.role.external.id or sts.role.session.name is set without sts.role.arn");
  }

  ChainContext ctx;
  ctx.options = options;
  HttpClientOptions service_http = options.http;
  service_http.connect_timeout = kServiceConnectTimeout;
  service_http.low_speed_bytes_per_second = 1;
  service_http.low_speed_time = kServiceStallTime;
  ctx.service_http = std::make_shared<HttpClient>(service_http);
  HttpClientOptions imds_http;
  imds_http.connect_timeout = kImdsConnectTimeout;
  imds_http.low_speed_bytes_per_second = 1;
  imds_http.low_speed_time = kImdsStallTime;
  ctx.imds_http = std::make_shared<HttpClient>(imds_http);

  std::shared_ptr<CredentialsProvider> base;
  if (has_id) {
    base = Cached(std::make_unique<StaticSource>(
        Credentials{options.access_key_id, options.secret_access_key, options.session_token},
        "static keys from the config (aws.access.key.id)"));
  } else {
    base = std::make_shared<DefaultChain>(ctx);
  }
  if (options.role_arn.empty()) return base;

  Result<StsEndpoint> sts = ResolveStsEndpoint(options);
  if (!sts.ok()) return sts.status();
  AssumeRoleSource::Params params;
  params.role_arn = options.role_arn;
  params.session_name =
      options.role_session_name.empty() ? DefaultSessionName() : options.role_session_name;
  params.external_id = options.external_id;
  return Cached(std::make_unique<AssumeRoleSource>(std::move(params), std::move(base),
                                                   std::move(sts).value(), ctx.service_http));
}

}  // namespace tributary::s3
