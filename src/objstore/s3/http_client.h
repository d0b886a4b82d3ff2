// HttpClient: one HTTP/1.1 exchange over libcurl, with connections kept alive between
// exchanges. It knows nothing about S3: no signing, no retries, no error bodies.
//
// Each call borrows a curl easy handle from a pool owned by the client (one handle per
// concurrent caller; a handle keeps its connection cache, so a thread that calls again
// reuses its connection). TLS peers are verified against the system's CA store, or the
// CA bundle given; an HTTP proxy may be set (else curl's environment variables apply).
//
// Errors: an HTTP response of any status is a success of Send(); only a failed exchange is
// an error: kUnavailable for failures that may pass (connect, DNS, reset, timeout, stalled
// transfer), kInvalidArgument for those that will not (malformed URL, unsupported scheme,
// TLS certificate rejected). Messages carry curl's description, never header values.
//
// Thread safety: Send() may be called from several threads at once.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "objstore/s3/sigv4.h"

namespace tributary::s3 {

struct HttpRequest {
  std::string method;              // GET, HEAD, PUT, POST or DELETE
  std::string url;                 // absolute, already percent-encoded
  std::vector<NameValue> headers;  // sent as given; an empty value is sent as empty
  std::string_view body;           // PUT/POST body; borrowed until Send() returns
};

struct HttpResponse {
  long status = 0;  // HTTP status code of the final response
  // Lowercased names; a repeated header's values are joined with ", ".
  std::map<std::string, std::string> headers;
  std::string body;

  // The header's value, or "" when absent. `name` must be lowercase.
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpClientOptions {
  // Connecting (TCP + TLS) must finish within this.
  std::chrono::milliseconds connect_timeout{10'000};
  // A transfer slower than `low_speed_bytes_per_second` for `low_speed_time` is aborted
  // as stalled. There is no limit on a transfer's total time: large objects take long.
  long low_speed_bytes_per_second = 1024;
  std::chrono::seconds low_speed_time{30};
  // Bodies smaller than this are sent without "Expect: 100-continue" (saving a round
  // trip); larger ones wait for the server's go-ahead so that a rejected request does not
  // upload its body first.
  size_t expect_continue_threshold = 1 << 20;

  // "http://proxy:3128"; "" = curl's default (http_proxy / https_proxy / no_proxy).
  std::string proxy_url;
  std::string proxy_user;
  std::string proxy_password;  // a secret: handed to curl only, never logged
  // PEM file of CA certificates; "" = the system's store.
  std::string ca_bundle;
  // false disables TLS peer and host name verification (tests against self-signed
  // endpoints only; HttpClient logs a warning when constructed so).
  bool verify_tls = true;
};

// Why an exchange failed in transport, for retry accounting.
enum class TransportFailure {
  kNone,
  kTimeout,     // connect or transfer timed out, or stalled below the low-speed limit
  kConnection,  // refused, reset, DNS, or any other failure that may pass
  kPermanent,   // will not pass by retrying (malformed URL, certificate rejected)
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();  // no Send() may be in progress
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Performs one exchange. Does not follow redirects. When `failure` is not null it is set
  // to why the exchange failed (kNone on success). A POST without a Content-Type header
  // is sent without one (curl would add a form type).
  Result<HttpResponse> Send(const HttpRequest& request, TransportFailure* failure = nullptr);

 private:
  struct Handle;  // a CURL* easy handle

  std::unique_ptr<Handle> Acquire();
  void Release(std::unique_ptr<Handle> handle);

  const HttpClientOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Handle>> idle_;  // guarded by mu_
};

}  // namespace tributary::s3
