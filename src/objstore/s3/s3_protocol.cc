#include "objstore/s3/s3_protocol.h"

#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <exception>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <pugixml.hpp>

#include "objstore/s3/sigv4.h"

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

// Escapes text for an XML element's content. CR, LF and TAB become character references
// so that a parser's end-of-line normalisation cannot change a key.
std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("&#x{:X};", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

// Parses `xml` and returns its root element named `root_name`; an <Error> root is
// returned too (callers check the name). Corruption otherwise.
Result<pugi::xml_node> Root(pugi::xml_document* doc, std::string_view xml, const char* root_name,
                            std::string_view operation) {
  if (!ParseXml(xml, doc)) {
    return Corruption("{} response is not XML ({} bytes)", operation, xml.size());
  }
  pugi::xml_node root = doc->child(root_name);
  if (!root) root = doc->child("Error");
  if (!root) return Corruption("{} response has no <{}> element", operation, root_name);
  return root;
}

S3Error ErrorFromNode(pugi::xml_node node) {
  S3Error error;
  error.code = node.child_value("Code");
  error.message = node.child_value("Message");
  error.request_id = node.child_value("RequestId");
  error.region = node.child_value("Region");
  return error;
}

Status ErrorDocumentStatus(std::string_view operation, pugi::xml_node root) {
  const S3Error e = ErrorFromNode(root);
  return Corruption("{} answered with an <Error> document: {} {}", operation, e.code, e.message);
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
    error = ErrorFromNode(root);
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

Result<std::string> ParseInitiateMultipartUpload(std::string_view xml) {
  try {
    pugi::xml_document doc;
    ASSIGN_OR_RETURN(pugi::xml_node root,
                     Root(&doc, xml, "InitiateMultipartUploadResult", "CreateMultipartUpload"));
    if (std::string_view(root.name()) == "Error") {
      return ErrorDocumentStatus("CreateMultipartUpload", root);
    }
    std::string upload_id = root.child_value("UploadId");
    if (upload_id.empty()) return Corruption("CreateMultipartUpload response has no <UploadId>");
    return upload_id;
  } catch (const std::exception& e) {
    return Corruption("CreateMultipartUpload: cannot parse the response: {}", e.what());
  }
}

std::string BuildCompleteMultipartUpload(const std::vector<PartInfo>& parts,
                                         const std::map<int, std::string>& crc32c) {
  std::string xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (const PartInfo& part : parts) {
    xml += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>&quot;{}&quot;</ETag>",
                       part.part_number, XmlEscape(UnquoteEtag(part.etag)));
    auto it = crc32c.find(part.part_number);
    if (it != crc32c.end()) {
      xml += fmt::format("<ChecksumCRC32C>{}</ChecksumCRC32C>", XmlEscape(it->second));
    }
    xml += "</Part>";
  }
  xml += "</CompleteMultipartUpload>";
  return xml;
}

Result<CompleteMultipartResult> ParseCompleteMultipartUpload(std::string_view xml) {
  try {
    pugi::xml_document doc;
    ASSIGN_OR_RETURN(pugi::xml_node root,
                     Root(&doc, xml, "CompleteMultipartUploadResult", "CompleteMultipartUpload"));
    CompleteMultipartResult result;
    if (std::string_view(root.name()) == "Error") {
      result.error = ErrorFromNode(root);
      if (result.error.code.empty()) result.error.code = "UnknownError";
      return result;
    }
    result.etag = UnquoteEtag(root.child_value("ETag"));
    return result;
  } catch (const std::exception& e) {
    return Corruption("CompleteMultipartUpload: cannot parse the response: {}", e.what());
  }
}

Result<MultipartUploadsPage> ParseListMultipartUploads(std::string_view xml) {
  try {
    pugi::xml_document doc;
    ASSIGN_OR_RETURN(pugi::xml_node root,
                     Root(&doc, xml, "ListMultipartUploadsResult", "ListMultipartUploads"));
    if (std::string_view(root.name()) == "Error") {
      return ErrorDocumentStatus("ListMultipartUploads", root);
    }
    MultipartUploadsPage page;
    for (pugi::xml_node node : root.children("Upload")) {
      MultipartUploadInfo info;
      info.key = node.child_value("Key");
      info.upload_id = node.child_value("UploadId");
      if (info.key.empty() || info.upload_id.empty()) {
        return Corruption("ListMultipartUploads: an <Upload> lacks <Key> or <UploadId>");
      }
      std::string_view initiated = node.child_value("Initiated");
      if (!initiated.empty()) {
        Result<int64_t> ms = ParseIso8601Ms(initiated);
        if (!ms.ok()) {
          return ms.status().WithContext(fmt::format("ListMultipartUploads: key '{}'", info.key));
        }
        info.initiated_ms = *ms;
      }
      page.uploads.push_back(std::move(info));
    }
    page.truncated = std::string_view(root.child_value("IsTruncated")) == "true";
    if (page.truncated) {
      page.next_key_marker = root.child_value("NextKeyMarker");
      page.next_upload_id_marker = root.child_value("NextUploadIdMarker");
      if (page.next_key_marker.empty()) {
        return Corruption("ListMultipartUploads: <IsTruncated> is true without <NextKeyMarker>");
      }
    }
    return page;
  } catch (const std::exception& e) {
    return Corruption("ListMultipartUploads: cannot parse the response: {}", e.what());
  }
}

Result<PartsPage> ParsePartsPage(std::string_view xml) {
  try {
    pugi::xml_document doc;
    ASSIGN_OR_RETURN(pugi::xml_node root, Root(&doc, xml, "ListPartsResult", "ListParts"));
    if (std::string_view(root.name()) == "Error") return ErrorDocumentStatus("ListParts", root);
    PartsPage page;
    for (pugi::xml_node node : root.children("Part")) {
      PartInfo part;
      if (!ParseInt(std::string_view(node.child_value("PartNumber")), &part.part_number) ||
          !ParseInt(std::string_view(node.child_value("Size")), &part.size)) {
        return Corruption("ListParts: a <Part> has a bad <PartNumber> '{}' or <Size> '{}'",
                          node.child_value("PartNumber"), node.child_value("Size"));
      }
      part.etag = UnquoteEtag(node.child_value("ETag"));
      std::string checksum = node.child_value("ChecksumCRC32C");
      if (!checksum.empty()) page.crc32c.emplace(part.part_number, std::move(checksum));
      page.parts.push_back(std::move(part));
    }
    page.truncated = std::string_view(root.child_value("IsTruncated")) == "true";
    if (page.truncated && !ParseInt(std::string_view(root.child_value("NextPartNumberMarker")),
                                    &page.next_part_number_marker)) {
      return Corruption("ListParts: <IsTruncated> is true without a valid <NextPartNumberMarker>");
    }
    return page;
  } catch (const std::exception& e) {
    return Corruption("ListParts: cannot parse the response: {}", e.what());
  }
}

std::string BuildDeleteObjects(const std::vector<std::string>& keys) {
  std::string xml = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>";
  for (const std::string& key : keys) {
    xml += "<Object><Key>";
    xml += XmlEscape(key);
    xml += "</Key></Object>";
  }
  xml += "</Delete>";
  return xml;
}

Result<std::vector<DeleteFailure>> ParseDeleteObjectsResult(std::string_view xml) {
  try {
    pugi::xml_document doc;
    ASSIGN_OR_RETURN(pugi::xml_node root, Root(&doc, xml, "DeleteResult", "DeleteObjects"));
    std::vector<DeleteFailure> failures;
    if (std::string_view(root.name()) == "Error") {
      const S3Error e = ErrorFromNode(root);
      failures.push_back({"", e.code.empty() ? "UnknownError" : e.code, e.message});
      return failures;
    }
    for (pugi::xml_node node : root.children("Error")) {
      DeleteFailure failure{node.child_value("Key"), node.child_value("Code"),
                            node.child_value("Message")};
      if (failure.code == "NoSuchKey") continue;
      failures.push_back(std::move(failure));
    }
    return failures;
  } catch (const std::exception& e) {
    return Corruption("DeleteObjects: cannot parse the response: {}", e.what());
  }
}

std::string EncodeTagging(const std::map<std::string, std::string>& tags) {
  std::string out;
  for (const auto& [name, value] : tags) {
    if (!out.empty()) out.push_back('&');
    out += UriEncode(name, /*keep_slash=*/false);
    out.push_back('=');
    out += UriEncode(value, /*keep_slash=*/false);
  }
  return out;
}

std::string Md5(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), len);
}

std::string Md5Hex(std::string_view data) { return HexEncode(Md5(data)); }

std::string Md5Base64(std::string_view data) { return Base64Encode(Md5(data)); }

std::optional<std::string> MultipartEtag(const std::vector<PartInfo>& parts) {
  std::string digests;
  digests.reserve(parts.size() * 16);
  for (const PartInfo& part : parts) {
    const std::string etag = UnquoteEtag(part.etag);
    if (etag.size() != 32) return std::nullopt;
    for (size_t i = 0; i < 32; i += 2) {
      unsigned value = 0;
      auto [end, ec] = std::from_chars(etag.data() + i, etag.data() + i + 2, value, 16);
      if (ec != std::errc() || end != etag.data() + i + 2) return std::nullopt;
      digests.push_back(static_cast<char>(value));
    }
  }
  return fmt::format("{}-{}", Md5Hex(digests), parts.size());
}

}  // namespace tributary::s3
