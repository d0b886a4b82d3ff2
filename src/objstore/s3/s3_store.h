// The S3 ObjectStore: S3's REST API over libcurl, requests signed with SigV4 (sigv4.h).
// Works with AWS S3 and with S3-compatible servers (Ceph radosgw, MinIO, ...).
//
// Addressing: the endpoint is StoreOptions.url when set ("http(s)://host[:port][/base]"),
// else https://s3.<region>.amazonaws.com. Path-style requests go to
// <endpoint>/<bucket>/<key>; virtual-hosted ones to <scheme>://<bucket>.<host>/<key>.
//
// Credentials: a CredentialsProvider (credentials.h) built from StoreOptions's
// access_key_id / secret_access_key / session_token and sts_*; asked for credentials on
// every attempt of every request, so refreshed temporary credentials are picked up.
//
// Retries, as the AWS SDKs' "standard" mode: transport failures (connect, reset, DNS,
// timeouts, stalled transfers), HTTP 408/429/500/502/503/504, the S3 codes SlowDown,
// RequestTimeout and InternalError (also inside a 200 CompleteMultipartUpload answer), and
// 409 ConditionalRequestConflict on conditional writes. At most 1 + options.part_retries
// attempts; before retry n (1, 2, ...) the store sleeps a uniformly random time in
// [0, min(20 s, options.retry_backoff_ms * 2^(n-1))] ("full jitter"). Each retry also
// takes tokens from a process-wide retry budget (5, or 10 for a timeout, out of 500;
// a request that succeeds at once returns 1, one that succeeds after retries returns what
// its last retry took): when an endpoint is down, the budget runs dry and requests fail
// after their first attempt instead of multiplying the load. After the last attempt, or
// with the budget empty, the call returns kUnavailable. Other 4xx are never retried. Every
// retry is logged at info ("retrying PutObject of key 'k' in bucket 'b' (attempt 2/4):
// HTTP 503 SlowDown") and counted in RetryCounters(). A conditional Put that fails with
// 412 after an earlier attempt's outcome was unknown (its response lost) checks whether
// the object now holds exactly this body (ETag == MD5) and then reports success, so a
// retry does not turn the caller's own write into a lost condition; CompleteMultipartUpload
// does the same with the multipart ETag (MD5 of the parts' MD5s, "-N").
//
// Conditional puts send "If-Match: \"<etag>\"". Servers that match only the unquoted
// ETag (Ceph radosgw) are detected on the first such 412 by a HEAD showing that ETag; the
// store then sends If-Match unquoted (README.md). If-Match on a missing key (AWS: 404) is
// kPreconditionFailed.
//
// Write options (StoreOptions), on every write: s3.ssea.name (+ s3.sse.kms.key.id) as
// x-amz-server-side-encryption(-aws-kms-key-id), s3.acl.canned as x-amz-acl,
// s3.storage.class as x-amz-storage-class, user metadata and tags on PutObject and
// CreateMultipartUpload; SSE-C (s3.sse.customer.key) on PutObject, CreateMultipartUpload,
// UploadPart, CompleteMultipartUpload, GetObject and HeadObject; Content-MD5 (s3.send.digest)
// and x-amz-checksum-crc32c (s3.checksum.algorithm=CRC32C) on PutObject and UploadPart.
//
// Multipart: CompleteMultipartUpload with If-None-Match: * for Condition::kIfNoneMatch
// (kIfMatch is rejected: the interface has no ETag for it). An <Error> in a 200 answer is
// an error. NoSuchUpload is kNotFound. radosgw answers 500 for an unknown or
// already-completed upload id: after the retries the store HEADs the key, reports success
// if the object there has this upload's multipart ETag, and otherwise returns kUnavailable
// saying that the caller must HEAD the key to know whether the upload completed.
// DeleteMany sends DeleteObjects (quiet, 1,000 keys a request, with Content-MD5); keys
// that fail with InternalError or SlowDown are sent again like a retried request.
//
// Errors are classified as object_store.h says; messages name the S3 operation, the
// bucket, the key, the HTTP status, S3's error code and message and the request id, and
// never a secret.
//
// Thread safety: a store returned by OpenS3Store may be used from several threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "objstore/object_store.h"

namespace tributary {

// Opens the S3 store for `options.bucket`. Does no I/O (call CheckBucket() for that).
// InvalidArgument, naming the config key, for a malformed URL, an empty bucket or
// region, missing or contradictory credentials, an unknown s3.ssea.name or
// s3.checksum.algorithm, an s3.sse.customer.key that is not base64 of 32 bytes (the key
// itself is never printed), SSE-C together with s3.ssea.name, negative s3.part.retries
// or s3.retry.backoff.ms. With options.wan_mode and no options.url, the endpoint is
// https://s3-accelerate.amazonaws.com, always virtual-hosted (S3 Transfer Acceleration
// supports nothing else).
Result<std::unique_ptr<ObjectStore>> OpenS3Store(const StoreOptions& options);

namespace s3 {

// Process-wide counts of the S3 stores' retries, by reason; for logs and metrics. A
// request retried twice counts 2 in `retries` and in its reasons' counters.
struct RetryStats {
  std::atomic<uint64_t> retries{0};            // retries made, all reasons
  std::atomic<uint64_t> throttled{0};          // 503, 429, SlowDown
  std::atomic<uint64_t> server_errors{0};      // 500, 502, 504, InternalError, other 5xx
  std::atomic<uint64_t> timeouts{0};           // 408, RequestTimeout, transport timeouts
  std::atomic<uint64_t> connection_errors{0};  // refused, reset, DNS, other transport errors
  std::atomic<uint64_t> conflicts{0};          // 409 ConditionalRequestConflict
  std::atomic<uint64_t> budget_exhausted{0};   // retries not made: the budget was empty
  std::atomic<uint64_t> gave_up{0};            // requests failed after their last attempt

  // "retries=7 (throttled=5 server_errors=1 timeouts=0 connection_errors=1 conflicts=0)
  // budget_exhausted=0 gave_up=1"
  std::string ToString() const;
};

// The counters of every S3 store in the process. Never destroyed; read them with
// .load() from any thread.
const RetryStats& RetryCounters();

// The process-wide retry budget's tokens now (500 when idle). For tests and metrics.
int RetryBudgetTokens();

// Refills the budget and zeroes the counters. Tests only: never while requests run.
void ResetRetryStateForTesting();

// Where a bucket's requests go. Exposed for tests.
class BucketAddress {
 public:
  // From options.url (or the AWS endpoint of options.region), options.bucket and
  // options.path_style. InvalidArgument for a malformed URL (one with user info, a query
  // or a fragment, a scheme other than http/https, a bad port).
  static Result<BucketAddress> Make(const StoreOptions& options);

  // "http://127.0.0.1:7480": the endpoint, for messages.
  const std::string& endpoint() const { return endpoint_; }
  const std::string& bucket() const { return bucket_; }

  // The Host header: "127.0.0.1:7480", "bucket.s3.us-west-2.amazonaws.com".
  const std::string& host() const { return host_; }

  // The unencoded absolute path of `key` ("" for the bucket itself):
  // "/bucket/key" path-style, "/key" virtual-hosted; prefixed with the URL's base path.
  std::string Path(std::string_view key) const;

  // The full URL for `path` (from Path()) and an already canonical query string.
  std::string Url(std::string_view path, std::string_view canonical_query) const;

 private:
  std::string endpoint_;
  std::string bucket_;
  std::string scheme_;     // "http" or "https"
  std::string host_;       // Host header value, with the port when it is not the default
  std::string base_path_;  // "" or "/base" (no trailing slash)
  bool path_style_ = true;
};

}  // namespace s3
}  // namespace tributary
