#include "server/http.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace tributary {

namespace {

bool IsTokenChar(char c) {
  // RFC 9110 §5.6.2 tchar.
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

HttpParseResult Error(int status, std::string message) {
  HttpParseResult r;
  r.state = HttpParseResult::kError;
  r.error_status = status;
  r.error = std::move(message);
  return r;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::optional<std::string> HttpRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return std::nullopt;
}

std::optional<std::string> HttpRequest::Query(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

bool HttpRequest::KeepAlive() const {
  std::string connection = ToLower(Header("connection").value_or(""));
  bool close = false;
  bool keep = false;
  for (const auto& token : SplitList(connection)) {
    if (token == "close") close = true;
    if (token == "keep-alive") keep = true;
  }
  if (close) return false;
  return version_minor >= 1 || keep;
}

HttpParseResult ParseHttpRequest(std::string_view buffer, const HttpLimits& limits) {
  // Tolerate empty lines before the request line (RFC 9112 §2.2).
  size_t start = 0;
  while (start + 1 < buffer.size() && buffer[start] == '\r' && buffer[start + 1] == '\n') {
    start += 2;
  }
  size_t end = buffer.find("\r\n\r\n", start);
  if (end == std::string_view::npos) {
    if (buffer.size() - start > limits.max_header_bytes) {
      return Error(431, "request header section is too large");
    }
    return {};
  }
  if (end - start > limits.max_header_bytes) {
    return Error(431, "request header section is too large");
  }
  std::string_view head = buffer.substr(start, end - start);
  size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);

  HttpParseResult result;
  HttpRequest& req = result.request;
  // request-line = method SP request-target SP HTTP-version
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos ||
      line.find(' ', sp2 + 1) != std::string_view::npos) {
    return Error(400, "malformed request line");
  }
  req.method = std::string(line.substr(0, sp1));
  req.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  std::string_view version = line.substr(sp2 + 1);
  if (req.method.empty()) return Error(400, "empty method");
  for (char c : req.method) {
    if (!IsTokenChar(c)) return Error(400, "malformed method");
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9') {
    return Error(400, "malformed HTTP version");
  }
  if (version[5] != '1') return Error(505, "only HTTP/1.x is supported");
  req.version_minor = version[7] - '0';
  if (req.target.empty() || req.target[0] != '/') {
    // Absolute-form targets are for proxies; asterisk-form only for OPTIONS.
    if (req.target != "*") return Error(400, "request target must start with '/'");
  }
  for (char c : req.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Error(400, "control character in request target");
    }
  }
  size_t q = req.target.find('?');
  auto path = PercentDecode(std::string_view(req.target).substr(0, q), false);
  if (!path) return Error(400, "malformed percent-escape in path");
  req.path = std::move(*path);
  if (q != std::string::npos) {
    for (const auto& pair : SplitList(std::string_view(req.target).substr(q + 1), '&')) {
      size_t eq = pair.find('=');
      auto k = PercentDecode(std::string_view(pair).substr(0, eq), true);
      auto v =
          PercentDecode(eq == std::string::npos ? "" : std::string_view(pair).substr(eq + 1), true);
      if (!k || !v) return Error(400, "malformed percent-escape in query");
      req.query.emplace(std::move(*k), std::move(*v));
    }
  }

  // header-field = field-name ":" OWS field-value OWS
  size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t eol = head.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = head.size();
    std::string_view field = head.substr(pos, eol - pos);
    pos = eol + 2;
    if (!field.empty() && (field[0] == ' ' || field[0] == '\t')) {
      return Error(400, "obsolete header line folding");
    }
    size_t colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) return Error(400, "malformed header");
    std::string_view name = field.substr(0, colon);
    for (char c : name) {
      if (!IsTokenChar(c)) return Error(400, "malformed header name");
    }
    std::string_view value = Trim(field.substr(colon + 1));
    for (char c : value) {
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
        return Error(400, "control character in header value");
      }
    }
    req.headers.emplace_back(ToLower(name), std::string(value));
  }

  size_t body_len = 0;
  if (req.Header("transfer-encoding")) {
    return Error(501, "chunked request bodies are not supported; send Content-Length");
  }
  if (auto cl = req.Header("content-length")) {
    if (cl->empty() || cl->size() > 18) return Error(400, "malformed Content-Length");
    for (char c : *cl) {
      if (c < '0' || c > '9') return Error(400, "malformed Content-Length");
    }
    // Differing repeated Content-Length headers are a request-smuggling vector.
    for (const auto& [k, v] : req.headers) {
      if (k == "content-length" && v != *cl) return Error(400, "conflicting Content-Length");
    }
    body_len = std::stoull(*cl);
    if (body_len > limits.max_body_bytes) return Error(413, "request body is too large");
  }
  size_t body_start = end + 4;
  if (buffer.size() - body_start < body_len) return {};
  req.body = std::string(buffer.substr(body_start, body_len));
  result.state = HttpParseResult::kDone;
  result.consumed = body_start + body_len;
  return result;
}

std::string_view HttpReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

HttpResponse HttpResponse::Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::Text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

std::string SerializeHttpResponse(const HttpResponse& response, bool keep_alive, bool head) {
  std::string out =
      fmt::format("HTTP/1.1 {} {}\r\n", response.status, HttpReasonPhrase(response.status));
  // 204 and 304 carry neither a body nor a Content-Length (RFC 9110 §8.6).
  const bool no_body = response.status == 204 || response.status == 304;
  if (!no_body) {
    if (!response.content_type.empty()) {
      out += fmt::format("Content-Type: {}\r\n", response.content_type);
    }
    out += fmt::format("Content-Length: {}\r\n", response.body.size());
  }
  out += "Cache-Control: no-store\r\n";
  for (const auto& [k, v] : response.headers) out += fmt::format("{}: {}\r\n", k, v);
  out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  out += "\r\n";
  if (!head && !no_body) out += response.body;
  return out;
}

}  // namespace tributary
