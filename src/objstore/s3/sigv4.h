// AWS Signature Version 4, header-based ("Authorization: AWS4-HMAC-SHA256 ..."), for S3
// and, with the `service` argument, for the other AWS query APIs Tributary calls (STS).
//
// The rules implemented here are those of the S3 API reference, "Authenticating Requests:
// Using the Authorization Header (AWS Signature Version 4)":
//
//   CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
//                      SignedHeaders \n HexSha256(payload)
//   StringToSign     = "AWS4-HMAC-SHA256" \n AmzDate \n Scope \n HexSha256(CanonicalRequest)
//   Scope            = <yyyymmdd>/<region>/<service>/aws4_request
//   SigningKey       = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, yyyymmdd), region), service),
//                           "aws4_request")
//   Signature        = Hex(HMAC(SigningKey, StringToSign))
//
// S3 differs from the other AWS services in two ways that matter here: the path is
// URI-encoded once, not twice, and is not normalised ("a//b" and "./" are kept, since they
// are legal in keys); and every request carries x-amz-content-sha256. The path rules are
// S3's for every service; they agree with the general rules for the paths other services
// use ("/" for STS). x-amz-content-sha256 is sent for every service too; outside S3 it is
// just one more signed x-amz-* header (STS use is tested only against a local responder).
//
// Everything in this file is a pure function of its inputs (no clock, no environment), so
// that sigv4_test.cc can check it against AWS's published examples.
//
// Thread safety: all functions are reentrant.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::s3 {

// Long-term (access key id + secret) or temporary (plus session token) credentials.
// `secret_access_key` and `session_token` are secrets: never log them or put them in a
// Status message.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // "" for long-term credentials
};

// A header or query parameter: name and value, in the order given.
using NameValue = std::pair<std::string, std::string>;

// hex(SHA-256("")): the payload hash of every request without a body.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Lowercase hex of SHA-256(data).
std::string Sha256Hex(std::string_view data);

// Raw 32-byte HMAC-SHA-256(key, data).
std::string HmacSha256(std::string_view key, std::string_view data);

// Lowercase hex of arbitrary bytes.
std::string HexEncode(std::string_view bytes);

// Percent-encodes every byte outside RFC 3986's unreserved set (A-Z a-z 0-9 - _ . ~) as
// %XY with uppercase hex digits; a space becomes %20, never '+'. With
// `keep_slash`, '/' is left as is (for paths); without, it becomes %2F (for query names
// and values). Bytes >= 0x80 (UTF-8) are encoded one by one.
std::string UriEncode(std::string_view s, bool keep_slash);

// The canonical URI of an unencoded absolute path: "/" for "", otherwise each segment
// encoded once with UriEncode(keep_slash=true). "/bucket/a b" -> "/bucket/a%20b".
std::string CanonicalUri(std::string_view path);

// The canonical query string of unencoded parameters: each name and value UriEncoded
// (slash included), sorted by encoded name then encoded value, joined as
// "n1=v1&n2=v2"; a parameter without a value is "n=". The same string is valid on the
// wire, so callers use it to build the request URL too.
std::string CanonicalQueryString(const std::vector<NameValue>& query);

// "20130524T000000Z" (ISO 8601 basic, UTC) and "20130524" for `time`.
std::string FormatAmzDate(std::chrono::system_clock::time_point time);
std::string FormatDateStamp(std::chrono::system_clock::time_point time);

// What a request looks like to the signer.
struct SigningInput {
  std::string method;            // "GET", "PUT", ...
  std::string path;              // absolute and unencoded: "/bucket/key with space"
  std::vector<NameValue> query;  // unencoded names and values
  // The headers to sign, exactly as they will be sent. Must include "Host" (with the
  // port when it is not the scheme's default). Names in any case; values are trimmed and
  // inner runs of spaces collapsed for signing. Do not list headers an HTTP library may
  // rewrite (User-Agent, Expect, Content-Length, Transfer-Encoding, Accept): they are not
  // required by S3 and would break the signature if changed in flight. x-amz-date,
  // x-amz-content-sha256 and x-amz-security-token are supplied by the signer and ignored
  // here if present.
  std::vector<NameValue> headers;
  std::string payload_sha256;  // hex SHA-256 of the body (kEmptyPayloadSha256 for none)
};

struct SigningResult {
  // The headers to add to the request: x-amz-date, x-amz-content-sha256,
  // x-amz-security-token (with temporary credentials) and Authorization. The
  // Authorization value embeds the signature: send it, never log it.
  std::vector<NameValue> headers;
  // Intermediate values, for tests and for diagnosing SignatureDoesNotMatch (they hold no
  // secret except `signature`).
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;range;x-amz-content-sha256;x-amz-date"
  std::string signature;       // 64 lowercase hex digits
};

// The service names of the scope ("<date>/<region>/<service>/aws4_request").
inline constexpr std::string_view kS3Service = "s3";
inline constexpr std::string_view kStsService = "sts";

// The raw 32-byte signing key for `date_stamp` ("20130524"), `region` and `service`.
std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date_stamp,
                             std::string_view region, std::string_view service);

// Signs `input` for `service` ("s3" unless told) in `region` at `time` with `credentials`.
SigningResult SignV4(const SigningInput& input, const Credentials& credentials,
                     std::string_view region, std::chrono::system_clock::time_point time,
                     std::string_view service = kS3Service);

}  // namespace tributary::s3
