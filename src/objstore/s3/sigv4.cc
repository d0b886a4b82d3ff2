#include "objstore/s3/sigv4.h"

#include "common/strings.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace tributary::s3 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

// Trims the value and collapses each run of spaces and tabs into one space.
std::string CanonicalHeaderValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool pending_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), len);
}

std::string UriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xF]);
    }
  }
  return out;
}

std::string CanonicalUri(std::string_view path) {
  if (path.empty()) return "/";
  std::string encoded = UriEncode(path, /*keep_slash=*/true);
  if (encoded.front() != '/') encoded.insert(encoded.begin(), '/');
  return encoded;
}

std::string CanonicalQueryString(const std::vector<NameValue>& query) {
  std::vector<NameValue> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string FormatAmzDate(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(time);
  const auto day = floor<days>(secs);
  const year_month_day ymd(day);
  const hh_mm_ss hms(secs - day);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string FormatDateStamp(std::chrono::system_clock::time_point time) {
  return FormatAmzDate(time).substr(0, 8);
}

std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date_stamp,
                             std::string_view region, std::string_view service) {
  std::string key = HmacSha256("AWS4" + std::string(secret_access_key), date_stamp);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  return HmacSha256(key, kTerminator);
}

SigningResult SignV4(const SigningInput& input, const Credentials& credentials,
                     std::string_view region, std::chrono::system_clock::time_point time,
                     std::string_view service) {
  const std::string amz_date = FormatAmzDate(time);
  const std::string date_stamp = amz_date.substr(0, 8);

  // Lowercased name -> canonical value; repeated headers are joined with ',' as HTTP
  // allows. std::map keeps them sorted by name, as the canonical form wants.
  std::map<std::string, std::string> canonical;
  for (const auto& [name, value] : input.headers) {
    std::string lower = ToLower(name);
    if (lower == "x-amz-date" || lower == "x-amz-content-sha256" ||
        lower == "x-amz-security-token" || lower == "authorization") {
      continue;  // the signer owns these
    }
    auto [it, inserted] = canonical.try_emplace(lower, CanonicalHeaderValue(value));
    if (!inserted) it->second += "," + CanonicalHeaderValue(value);
  }
  SigningResult result;
  result.headers.emplace_back("x-amz-date", amz_date);
  result.headers.emplace_back("x-amz-content-sha256", input.payload_sha256);
  canonical["x-amz-date"] = amz_date;
  canonical["x-amz-content-sha256"] = input.payload_sha256;
  if (!credentials.session_token.empty()) {
    result.headers.emplace_back("x-amz-security-token", credentials.session_token);
    canonical["x-amz-security-token"] = credentials.session_token;
  }

  std::string canonical_headers;
  for (const auto& [name, value] : canonical) {
    canonical_headers += name;
    canonical_headers.push_back(':');
    canonical_headers += value;
    canonical_headers.push_back('\n');
    if (!result.signed_headers.empty()) result.signed_headers.push_back(';');
    result.signed_headers += name;
  }

  result.canonical_request =
      fmt::format("{}\n{}\n{}\n{}\n{}\n{}", input.method, CanonicalUri(input.path),
                  CanonicalQueryString(input.query), canonical_headers, result.signed_headers,
                  input.payload_sha256);

  const std::string scope = fmt::format("{}/{}/{}/{}", date_stamp, region, service, kTerminator);
  result.string_to_sign = fmt::format("{}\n{}\n{}\n{}", kAlgorithm, amz_date, scope,
                                      Sha256Hex(result.canonical_request));

  const std::string key =
      DeriveSigningKey(credentials.secret_access_key, date_stamp, region, service);
  result.signature = HexEncode(HmacSha256(key, result.string_to_sign));

  result.headers.emplace_back(
      "Authorization",
      fmt::format("{} Credential={}/{},SignedHeaders={},Signature={}", kAlgorithm,
                  credentials.access_key_id, scope, result.signed_headers, result.signature));
  return result;
}

}  // namespace tributary::s3
