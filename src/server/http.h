// HTTP/1.1 messages for the operations endpoint: request parsing and response
// serialisation (RFC 9112), just enough for REST clients, curl, Prometheus and browsers.
//
// Supported: request line, headers, a body framed by Content-Length, keep-alive
// (HTTP/1.1's default; HTTP/1.0 only with `Connection: keep-alive`), pipelined requests.
// Not supported, answered with an error status: chunked request bodies (501), header
// sections over the limit (431),
// bodies over the limit (413), malformed request lines or headers (400), HTTP/2 or other
// versions (505).
//
// Thread safety: plain values and free functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary {

struct HttpRequest {
  std::string method;  // as sent, e.g. "GET" (methods are case-sensitive)
  std::string target;  // the request target as sent, e.g. "/connectors?expand=status"
  std::string path;    // target before '?', percent-decoded
  std::multimap<std::string, std::string> query;             // decoded; '+' is a space
  int version_minor = 1;                                     // HTTP/1.<minor>
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  // The first value of a header (name compared case-insensitively), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
  // The first value of a query parameter, or nullopt.
  std::optional<std::string> Query(std::string_view name) const;
  // Whether the connection stays open after the response (RFC 9112 §9.3).
  bool KeepAlive() const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  static HttpResponse Json(int status, std::string body);
  static HttpResponse Text(int status, std::string body);
};

struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;  // request line + headers
  size_t max_body_bytes = 1 << 20;      // PUT/POST bodies here are small JSON
};

struct HttpParseResult {
  enum State { kNeedMore, kDone, kError } state = kNeedMore;
  HttpRequest request;   // kDone
  size_t consumed = 0;   // kDone: bytes of `buffer` the request used
  int error_status = 0;  // kError: the status to answer with before closing
  std::string error;     // kError: what was wrong
};

// Parses the request at the start of `buffer`. kNeedMore when it is incomplete (and
// within the limits).
HttpParseResult ParseHttpRequest(std::string_view buffer, const HttpLimits& limits = {});

// The response as bytes, with Date-less minimal headers: status line, Content-Type,
// Content-Length, Connection (close unless keep_alive), Cache-Control: no-store, the
// extra headers. A HEAD response carries the length but no body.
std::string SerializeHttpResponse(const HttpResponse& response, bool keep_alive, bool head = false);

std::string_view HttpReasonPhrase(int status);

// Percent-decodes; nullopt on a malformed escape. With plus_is_space, '+' becomes ' '
// (query strings).
std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space);

}  // namespace tributary
