// The S3 ObjectStore: S3's REST API over libcurl, requests signed with SigV4 (sigv4.h).
// Works with AWS S3 and with S3-compatible servers (Ceph radosgw, MinIO, ...).
//
// Addressing: the endpoint is StoreOptions.url when set ("http(s)://host[:port][/base]"),
// else https://s3.<region>.amazonaws.com. Path-style requests go to
// <endpoint>/<bucket>/<key>; virtual-hosted ones to <scheme>://<bucket>.<host>/<key>.
//
// Credentials: StoreOptions.access_key_id / secret_access_key / session_token; when the
// key id is empty, the environment's AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN. They are read once, at OpenS3Store().
//
// Retries: transport failures, HTTP 408/429/500/502/503/504 and the S3 codes SlowDown,
// RequestTimeout and InternalError are retried with jittered exponential backoff, the
// request signed afresh each time; after the last attempt the call returns kUnavailable.
// Other 4xx are never retried. A conditional Put that fails with 412 after an earlier
// attempt's outcome was unknown (its response lost) checks whether the object now holds
// exactly this body (ETag == MD5) and then reports success, so a retry does not turn the
// caller's own write into a lost condition.
//
// Conditional puts send "If-Match: \"<etag>\"". Servers that match only the unquoted
// ETag (Ceph radosgw) are detected on the first such 412 by a HEAD showing that ETag; the
// store then sends If-Match unquoted (README.md).
//
// Errors are classified as object_store.h says; messages name the S3 operation, the
// bucket, the key, the HTTP status, S3's error code and message and the request id, and
// never a secret.
//
// Thread safety: a store returned by OpenS3Store may be used from several threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "objstore/object_store.h"

namespace tributary {

// Opens the S3 store for `options.bucket`. Does no I/O (call CheckBucket() for that).
// InvalidArgument for a malformed URL, an empty bucket or region, or no credentials.
Result<std::unique_ptr<ObjectStore>> OpenS3Store(const StoreOptions& options);

namespace s3 {

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
