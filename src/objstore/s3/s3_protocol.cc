#include "objstore/s3/s3_protocol.h"

#include <array>
#include <charconv>
#include <chrono>
#include <exception>

#include <pugixml.hpp>

namespace tributary::s3 {
namespace {

// Whitespace-only text is kept (a key may be " ") and line ends are left alone (a key
// may contain '\r'); entities are decoded.
constexpr unsigned int kXmlParseOptions =
    (pugi::parse_default | pugi::parse_ws_pcdata) & ~pugi::parse_eol;

bool ParseXml(std::string_view xml, pugi::xml_document* doc) {
  pugi::xml_parse_result parsed =
      doc->load_buffer(xml.data(), xml.size(), kXmlParseOptions, pugi::encoding_utf8);
  return static_cast<bool>(parsed);
}

template <typename Int>
bool ParseInt(std::string_view s, Int* out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::chrono::year_month_day Date(int y, unsigned m, unsigned d) {
  return std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m},
                                     std::chrono::day{d}};
}

int64_t EpochMs(int y, unsigned m, unsigned d, int hour, int minute, int second, int millis) {
  using namespace std::chrono;
  const auto tp = sys_days{Date(y, m, d)} + hours(hour) + minutes(minute) + seconds(second) +
                  milliseconds(millis);
  return duration_cast<milliseconds>(tp.time_since_epoch()).count();
}

bool ValidTime(int y, unsigned m, unsigned d, int hour, int minute, int second) {
  const std::chrono::year_month_day ymd = Date(y, m, d);
  // 60 allows a leap second, which S3 never sends but HTTP permits.
  return ymd.ok() && hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 &&
         second <= 60;
}

}  // namespace

S3Error ParseErrorBody(std::string_view body) {
  S3Error error;
  if (body.empty()) return error;
  try {
    pugi::xml_document doc;
    if (!ParseXml(body, &doc)) return error;
    pugi::xml_node root = doc.child("Error");
    if (!root) return error;
    error.code = root.child_value("Code");
    error.message = root.child_value("Message");
    error.request_id = root.child_value("RequestId");
    error.region = root.child_value("Region");
  } catch (const std::exception&) {
    return S3Error{};  // only std::bad_alloc: report the HTTP status alone
  }
  return error;
}

Result<ListPage> ParseListObjectsV2(std::string_view xml) {
  try {
    pugi::xml_document doc;
    if (!ParseXml(xml, &doc)) {
      return Corruption("ListObjectsV2 response is not XML ({} bytes)", xml.size());
    }
    pugi::xml_node root = doc.child("ListBucketResult");
    if (!root) {
      return Corruption("ListObjectsV2 response has no <ListBucketResult> element");
    }
    ListPage page;
    for (pugi::xml_node node : root.children("Contents")) {
      ObjectInfo info;
      info.key = node.child_value("Key");
      info.etag = UnquoteEtag(node.child_value("ETag"));
      if (!ParseInt(std::string_view(node.child_value("Size")), &info.size)) {
        return Corruption("ListObjectsV2: key '{}' has a bad <Size> '{}'", info.key,
                          node.child_value("Size"));
      }
      std::string_view modified = node.child_value("LastModified");
      if (!modified.empty()) {
        Result<int64_t> ms = ParseIso8601Ms(modified);
        if (!ms.ok())
          return ms.status().WithContext(fmt::format("ListObjectsV2: key '{}'", info.key));
        info.last_modified_ms = *ms;
      }
      page.objects.push_back(std::move(info));
    }
    for (pugi::xml_node node : root.children("CommonPrefixes")) {
      page.common_prefixes.emplace_back(node.child_value("Prefix"));
    }
    if (std::string_view(root.child_value("IsTruncated")) == "true") {
      page.next_token = root.child_value("NextContinuationToken");
      if (page.next_token.empty()) {
        return Corruption("ListObjectsV2: <IsTruncated> is true without <NextContinuationToken>");
      }
    }
    return page;
  } catch (const std::exception& e) {
    return Corruption("ListObjectsV2: cannot parse the response: {}", e.what());
  }
}

std::string UnquoteEtag(std::string_view etag) {
  if (etag.substr(0, 2) == "W/") etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

Result<int64_t> ParseHttpDateMs(std::string_view date) {
  // "Wed, 12 Oct 2009 17:50:00 GMT": fixed positions after the day name and comma.
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto bad = [&] { return Corruption("malformed HTTP date '{}'", date); };
  const size_t comma = date.find(", ");
  if (comma == std::string_view::npos) return bad();
  std::string_view s = date.substr(comma + 2);
  if (s.size() != 24 || s[2] != ' ' || s[6] != ' ' || s[11] != ' ' || s[14] != ':' ||
      s[17] != ':' || s.substr(20) != " GMT") {
    return bad();
  }
  unsigned day = 0;
  int year = 0, hour = 0, minute = 0, second = 0;
  if (!ParseInt(s.substr(0, 2), &day) || !ParseInt(s.substr(7, 4), &year) ||
      !ParseInt(s.substr(12, 2), &hour) || !ParseInt(s.substr(15, 2), &minute) ||
      !ParseInt(s.substr(18, 2), &second)) {
    return bad();
  }
  unsigned month = 0;
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (s.substr(3, 3) == kMonths[i]) month = i + 1;
  }
  if (month == 0 || !ValidTime(year, month, day, hour, minute, second)) return bad();
  return EpochMs(year, month, day, hour, minute, second, 0);
}

Result<int64_t> ParseIso8601Ms(std::string_view ts) {
  // "2009-10-12T17:50:30.000Z"; the fraction is optional and may have 1-9 digits.
  auto bad = [&] { return Corruption("malformed ISO 8601 timestamp '{}'", ts); };
  if (ts.size() < 20 || ts[4] != '-' || ts[7] != '-' || ts[10] != 'T' || ts[13] != ':' ||
      ts[16] != ':' || ts.back() != 'Z') {
    return bad();
  }
  int year = 0, hour = 0, minute = 0, second = 0;
  unsigned month = 0, day = 0;
  if (!ParseInt(ts.substr(0, 4), &year) || !ParseInt(ts.substr(5, 2), &month) ||
      !ParseInt(ts.substr(8, 2), &day) || !ParseInt(ts.substr(11, 2), &hour) ||
      !ParseInt(ts.substr(14, 2), &minute) || !ParseInt(ts.substr(17, 2), &second)) {
    return bad();
  }
  int millis = 0;
  std::string_view rest = ts.substr(19, ts.size() - 20);  // between seconds and 'Z'
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10) return bad();
    std::string digits(rest.substr(1));
    for (char c : digits) {
      if (c < '0' || c > '9') return bad();
    }
    digits.resize(3, '0');  // to milliseconds: truncate or pad
    millis = (digits[0] - '0') * 100 + (digits[1] - '0') * 10 + (digits[2] - '0');
  }
  if (!ValidTime(year, month, day, hour, minute, second)) return bad();
  return EpochMs(year, month, day, hour, minute, second, millis);
}

bool IsRetriableHttpError(long http_status, std::string_view code) {
  if (code == "SlowDown" || code == "RequestTimeout" || code == "InternalError") return true;
  switch (http_status) {
    case 408:  // Request Timeout
    case 429:  // Too Many Requests
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

StatusCode ClassifyHttpError(long http_status, std::string_view code) {
  if (IsRetriableHttpError(http_status, code)) return StatusCode::kUnavailable;
  if (http_status == 404) return StatusCode::kNotFound;
  if (http_status == 412) return StatusCode::kPreconditionFailed;
  if (http_status == 409 && code == "ConditionalRequestConflict") {
    return StatusCode::kPreconditionFailed;
  }
  if (http_status == 401 || http_status == 403 || code == "ExpiredToken" ||
      code == "InvalidToken") {
    return StatusCode::kPermissionDenied;
  }
  if (http_status >= 500 && http_status != 501) return StatusCode::kUnavailable;
  return StatusCode::kInvalidArgument;
}

}  // namespace tributary::s3
