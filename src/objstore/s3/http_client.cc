#include "objstore/s3/http_client.h"

#include "common/strings.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>

#include <strings.h>

#include <curl/curl.h>
#include <spdlog/spdlog.h>

namespace tributary::s3 {
namespace {

constexpr char kUserAgent[] = "tributary/0.1";

std::once_flag curl_init_once;
CURLcode curl_init_result = CURLE_OK;

// curl_global_init is not safe to race with other curl calls: run it once, before the
// first handle exists.
Status EnsureCurlInitialised() {
  std::call_once(curl_init_once, [] { curl_init_result = curl_global_init(CURL_GLOBAL_ALL); });
  if (curl_init_result != CURLE_OK) {
    return Internal("curl_global_init failed: {}", curl_easy_strerror(curl_init_result));
  }
  return Status::OK();
}

struct UploadSource {
  std::string_view body;
  size_t offset = 0;
};

size_t ReadBody(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* src = static_cast<UploadSource*>(userdata);
  const size_t n = std::min(size * nitems, src->body.size() - src->offset);
  std::memcpy(buffer, src->body.data() + src->offset, n);
  src->offset += n;
  return n;
}

// Lets curl rewind the body when it must send it again on the same call.
int SeekBody(void* userdata, curl_off_t offset, int origin) {
  auto* src = static_cast<UploadSource*>(userdata);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > src->body.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  src->offset = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

size_t WriteBody(char* data, size_t size, size_t nmemb, void* userdata) {
  static_cast<HttpResponse*>(userdata)->body.append(data, size * nmemb);
  return size * nmemb;
}

size_t WriteHeader(char* data, size_t size, size_t nitems, void* userdata) {
  auto* response = static_cast<HttpResponse*>(userdata);
  std::string_view line(data, size * nitems);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    // A new response begins (after "100 Continue"): forget the previous one's headers.
    response->headers.clear();
    return size * nitems;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * nitems;
  std::string name = ToLower(line.substr(0, colon));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  auto [it, inserted] = response->headers.try_emplace(std::move(name), value);
  if (!inserted) {
    it->second += ", ";
    it->second += value;
  }
  return size * nitems;
}

// Failures that sending again will not cure.
bool IsPermanentCurlError(CURLcode code) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return true;
    default:
      return false;
  }
}

bool IsTimeout(CURLcode code) { return code == CURLE_OPERATION_TIMEDOUT; }

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

struct HttpClient::Handle {
  CURL* curl = nullptr;
  ~Handle() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
  if (!options_.verify_tls) {
    spdlog::warn(
        "TLS certificate and host name verification is DISABLED (s3.ssl.verify=false): "
        "anyone on the network path can impersonate the S3 endpoint");
  }
}

HttpClient::~HttpClient() = default;

std::unique_ptr<HttpClient::Handle> HttpClient::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Handle> handle = std::move(idle_.back());
      idle_.pop_back();
      return handle;
    }
  }
  auto handle = std::make_unique<Handle>();
  handle->curl = curl_easy_init();
  if (handle->curl == nullptr) return nullptr;
  return handle;
}

void HttpClient::Release(std::unique_ptr<Handle> handle) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(handle));
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request, TransportFailure* failure) {
  TransportFailure ignored;
  if (failure == nullptr) failure = &ignored;
  *failure = TransportFailure::kNone;
  RETURN_IF_ERROR(EnsureCurlInitialised());
  std::unique_ptr<Handle> handle = Acquire();
  if (handle == nullptr) return Internal("curl_easy_init failed");
  CURL* curl = handle->curl;
  // Clears the options of the previous exchange but keeps live connections and caches.
  curl_easy_reset(curl);

  HttpResponse response;
  UploadSource upload{request.body, 0};
  char error_buffer[CURL_ERROR_SIZE] = {0};

  std::unique_ptr<curl_slist, SlistDeleter> headers;
  auto append_header = [&headers](const std::string& line) {
    curl_slist* list = curl_slist_append(headers.get(), line.c_str());
    if (list != nullptr) {
      (void)headers.release();
      headers.reset(list);
    }
    return list != nullptr;
  };
  bool headers_ok = true;
  bool has_content_type = false;
  for (const auto& [name, value] : request.headers) {
    has_content_type |= strcasecmp(name.c_str(), "content-type") == 0;
    // "Name;" is curl's spelling of a header with an empty value ("Name:" would remove it).
    headers_ok &= append_header(value.empty() ? name + ";" : name + ": " + value);
  }
  const bool has_body = request.method == "PUT" || request.method == "POST";
  if (has_body && request.body.size() < options_.expect_continue_threshold) {
    headers_ok &= append_header("Expect:");  // removes curl's "Expect: 100-continue"
  }
  if (request.method == "POST" && !has_content_type) {
    headers_ok &= append_header("Content-Type:");  // removes curl's form content type
  }
  if (!headers_ok) return Internal("curl_slist_append failed (out of memory)");

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: thread-safe
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes_per_second);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                   static_cast<long>(options_.low_speed_time.count()));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
  if (!options_.ca_bundle.empty()) {
    curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  }
  if (!options_.proxy_url.empty()) {
    curl_easy_setopt(curl, CURLOPT_PROXY, options_.proxy_url.c_str());
    if (!options_.proxy_user.empty()) {
      // Separate user and password options: either may contain ':'.
      curl_easy_setopt(curl, CURLOPT_PROXYUSERNAME, options_.proxy_user.c_str());
      curl_easy_setopt(curl, CURLOPT_PROXYPASSWORD, options_.proxy_password.c_str());
    }
  }
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  // Keys may contain "/./" and "/../": send the path exactly as encoded.
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);

  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, SeekBody);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &upload);
  } else if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    // Never NULL: that would make curl read the body from a callback.
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS,
                     request.body.data() != nullptr ? request.body.data() : "");
  } else if (request.method == "DELETE") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "DELETE");
  } else {
    Release(std::move(handle));
    return InvalidArgument("unsupported HTTP method '{}'", request.method);
  }

  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  if (code == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  // Forget pointers to this call's stack before the handle goes back to the pool.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  Release(std::move(handle));

  if (code != CURLE_OK) {
    const std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    if (IsPermanentCurlError(code)) {
      *failure = TransportFailure::kPermanent;
      return InvalidArgument("HTTP {} failed: {} (curl error {})", request.method, detail,
                             static_cast<int>(code));
    }
    *failure = IsTimeout(code) ? TransportFailure::kTimeout : TransportFailure::kConnection;
    return Unavailable("HTTP {} failed: {} (curl error {})", request.method, detail,
                       static_cast<int>(code));
  }
  response.status = status;
  return response;
}

}  // namespace tributary::s3
