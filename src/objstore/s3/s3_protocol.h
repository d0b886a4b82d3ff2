// The parts of the S3 REST protocol that need no network: parsing response bodies and
// headers, and classifying errors. Kept apart from the HTTP client so that they can be
// tested from literal responses (s3_protocol_test.cc).
//
// Sources: S3 API reference, "ListObjectsV2", "Error responses" (ErrorResponses.html),
// "Retry behavior" in the AWS SDKs reference guide.
//
// Errors: parsers return kCorruption for a body that is not what S3 sends; no function
// here throws.
//
// Thread safety: all functions are reentrant.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "objstore/object_store.h"

namespace tributary::s3 {

// The fields of an S3 error document:
//   <Error><Code>NoSuchKey</Code><Message>...</Message><RequestId>...</RequestId>...</Error>
// Empty strings for the fields absent (HEAD responses carry no body at all).
struct S3Error {
  std::string code;
  std::string message;
  std::string request_id;
  std::string region;  // <Region>, sent with a wrong-region error
};

// Parses an error document. A body that is empty or not an <Error> document gives an
// S3Error with empty fields: the HTTP status still classifies the failure.
S3Error ParseErrorBody(std::string_view body);

// Parses a ListObjectsV2 result (<ListBucketResult>). Objects and common prefixes are
// returned in document order (S3 sends them ascending); `next_token` is
// <NextContinuationToken> when <IsTruncated> is true, else "". ObjectInfo.metadata is left
// empty (List does not return it).
Result<ListPage> ParseListObjectsV2(std::string_view xml);

// Strips the double quotes S3 puts around ETags ("\"abc\"" -> "abc"); a weak prefix W/ is
// dropped too. Anything else is returned unchanged.
std::string UnquoteEtag(std::string_view etag);

// Milliseconds since the Unix epoch of an HTTP date ("Wed, 12 Oct 2009 17:50:00 GMT",
// RFC 9110 IMF-fixdate, as in Last-Modified) or of an ISO 8601 UTC timestamp
// ("2009-10-12T17:50:30.000Z", as in list results). kCorruption when malformed.
Result<int64_t> ParseHttpDateMs(std::string_view date);
Result<int64_t> ParseIso8601Ms(std::string_view timestamp);

// True when a request that failed with `http_status` (and S3 error `code`, possibly
// empty) may succeed if sent again: 408, 429, 500, 502, 503, 504, and the codes SlowDown,
// RequestTimeout (S3 sends it with 400) and InternalError. Other 4xx never are.
bool IsRetriableHttpError(long http_status, std::string_view code);

// The StatusCode for a final (not retried, or retried to exhaustion) HTTP error:
//   retriable (above)                      -> kUnavailable
//   404                                    -> kNotFound
//   412, 409 ConditionalRequestConflict    -> kPreconditionFailed
//   401, 403, ExpiredToken/InvalidToken    -> kPermissionDenied
//   other 5xx except 501                   -> kUnavailable
//   anything else (400, 405, 416, 501...)  -> kInvalidArgument
StatusCode ClassifyHttpError(long http_status, std::string_view code);

}  // namespace tributary::s3
