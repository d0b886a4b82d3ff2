// The parts of the S3 REST protocol that need no network: parsing response bodies and
// headers, and classifying errors. Kept apart from the HTTP client so that they can be
// tested from literal responses (s3_protocol_test.cc).
//
// Sources: S3 API reference, "ListObjectsV2", "CreateMultipartUpload",
// "CompleteMultipartUpload", "ListMultipartUploads", "ListParts", "DeleteObjects",
// "Error responses" (ErrorResponses.html), "Retry behavior" in the AWS SDKs reference
// guide, RFC 1864 (Content-MD5), RFC 4648 (base64).
//
// Errors: parsers return kCorruption for a body that is not what S3 sends; no function
// here throws.
//
// Thread safety: all functions are reentrant.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base64.h"
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

// --- Multipart uploads and batch delete ---

// The <UploadId> of an <InitiateMultipartUploadResult>. kCorruption when absent.
Result<std::string> ParseInitiateMultipartUpload(std::string_view xml);

// The <CompleteMultipartUpload> request body: one <Part> with <PartNumber> and the
// quoted <ETag> per part, in the order given; <ChecksumCRC32C> too when `crc32c` has an
// entry (base64) for the part number (uploads created with a CRC32C checksum need it).
std::string BuildCompleteMultipartUpload(const std::vector<PartInfo>& parts,
                                         const std::map<int, std::string>& crc32c = {});

// A CompleteMultipartUpload response. S3 may answer 200 and still fail: the body is then
// an <Error> document, reported in `error` (error.code non-empty), `etag` empty.
struct CompleteMultipartResult {
  std::string etag;  // unquoted
  S3Error error;
};
Result<CompleteMultipartResult> ParseCompleteMultipartUpload(std::string_view xml);

// One page of ListMultipartUploads (<ListMultipartUploadsResult>). When `truncated`, the
// next page is asked for with key-marker = next_key_marker and upload-id-marker =
// next_upload_id_marker.
struct MultipartUploadsPage {
  std::vector<MultipartUploadInfo> uploads;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};
Result<MultipartUploadsPage> ParseListMultipartUploads(std::string_view xml);

// One page of ListParts (<ListPartsResult>). When `truncated`, the next page is asked for
// with part-number-marker = next_part_number_marker. `crc32c` holds the parts'
// <ChecksumCRC32C> values when the server sent them.
struct PartsPage {
  std::vector<PartInfo> parts;
  std::map<int, std::string> crc32c;
  bool truncated = false;
  int next_part_number_marker = 0;
};
Result<PartsPage> ParsePartsPage(std::string_view xml);

// At most this many keys per DeleteObjects request (S3 API reference, "DeleteObjects").
inline constexpr size_t kMaxDeleteObjectsKeys = 1000;

// The <Delete> request body, in quiet mode (the response lists only failures).
std::string BuildDeleteObjects(const std::vector<std::string>& keys);

// A key DeleteObjects could not delete (<DeleteResult><Error>).
struct DeleteFailure {
  std::string key;
  std::string code;
  std::string message;
};
// The failures in a <DeleteResult>. Failures with code NoSuchKey are dropped: a key that
// does not exist counts as deleted. An <Error> document instead of a <DeleteResult>
// fails the whole request: returned as one failure with an empty key.
Result<std::vector<DeleteFailure>> ParseDeleteObjectsResult(std::string_view xml);

// --- Header values ---

// The x-amz-tagging value: "k1=v1&k2=v2", names and values URI-encoded, sorted by name.
std::string EncodeTagging(const std::map<std::string, std::string>& tags);

// The raw 16-byte MD5 of `data`, and its lowercase hex and base64 forms. Base64 of the
// MD5 is the Content-MD5 header value (RFC 1864).
std::string Md5(std::string_view data);
std::string Md5Hex(std::string_view data);
std::string Md5Base64(std::string_view data);

// The ETag S3 gives an object completed from `parts`: hex(MD5(concatenated binary MD5s
// of the parts)) + "-" + the part count. std::nullopt when a part's ETag is not 32 hex
// digits (then it is not an MD5: SSE-KMS, SSE-C on AWS). Used to recognise, after an
// ambiguous failure, that an earlier attempt completed the upload.
std::optional<std::string> MultipartEtag(const std::vector<PartInfo>& parts);

}  // namespace tributary::s3
