// ObjectStore: the only way any module touches storage (DESIGN.md §7).
//
// One ObjectStore instance is bound to one bucket. Keys are S3 object keys
// ("topics/orders/partition=0/orders+0+0000000000.json"). Implementations:
//   s3/     S3 over libcurl with SigV4 (store.url=http(s)://..., or AWS when unset)
//   local/  a directory tree with S3's semantics (store.url=file:///root)
// Both pass the same conformance suite (conformance_test.cc).
//
// Semantics every implementation guarantees:
//   - A Put is atomic: readers see the old object, or the whole new one, never a part.
//   - Conditional puts: kIfNoneMatch fails with kPreconditionFailed (or kAlreadyExists
//     from stores that say so) when the key exists; kIfMatch fails with
//     kPreconditionFailed unless the current ETag equals `if_match_etag`.
//   - List returns keys in ascending byte order, `max_keys` at most per page.
//
// Errors: Status codes are classified once, here: kNotFound (no such key or bucket),
// kPreconditionFailed (a condition lost), kPermissionDenied (credentials refused),
// kUnavailable / kIOError (retriable: the implementation already retried with backoff
// before returning them), kInvalidArgument (a request the store rejects as malformed).
// Messages name the bucket, the key and the store's own error code; they never contain
// credentials.
//
// Thread safety: implementations are safe to call from several threads at once.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tributary {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string etag;                             // without quotes
  int64_t last_modified_ms = 0;                 // Unix epoch milliseconds
  std::map<std::string, std::string> metadata;  // user metadata (x-amz-meta-*), Head only
};

struct PutOptions {
  enum class Condition { kNone, kIfNoneMatch, kIfMatch };
  Condition condition = Condition::kNone;
  std::string if_match_etag;  // used with kIfMatch
  std::string content_type = "application/octet-stream";
  // User metadata, stored as x-amz-meta-<name>. Names are lowercase ASCII.
  std::map<std::string, std::string> metadata;
  // Object tags (x-amz-tagging). At most 10 (S3's limit).
  std::map<std::string, std::string> tags;
};

// Multipart uploads (S3's CreateMultipartUpload ... CompleteMultipartUpload).
// Part numbers run from 1 to 10,000; every part but the last must be at least
// kMinPartSize; no part may exceed kMaxPartSize. The object appears atomically at
// Complete, with the metadata and tags given at Create.
inline constexpr uint64_t kMinPartSize = 5ull << 20;  // 5 MiB: S3's minimum part size
inline constexpr uint64_t kMaxPartSize = 5ull << 30;  // 5 GiB: S3's maximum part size
inline constexpr int kMaxParts = 10'000;              // S3's maximum part count

struct PartInfo {
  int part_number = 0;
  std::string etag;  // without quotes
  uint64_t size = 0;
};

struct MultipartUploadInfo {
  std::string key;
  std::string upload_id;
  int64_t initiated_ms = 0;
};

struct PutResult {
  std::string etag;  // without quotes
};

// A byte range [first, last], inclusive, as in HTTP Range.
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
};

struct ListOptions {
  std::string prefix;
  std::string delimiter;           // "" lists recursively
  std::string start_after;         // only keys strictly greater
  std::string continuation_token;  // from the previous page's next_token
  int max_keys = 1000;
};

struct ListPage {
  std::vector<ObjectInfo> objects;           // ascending by key
  std::vector<std::string> common_prefixes;  // with a delimiter only
  std::string next_token;                    // empty when this is the last page
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // "s3://bucket (endpoint http://127.0.0.1:7480)" or "file:///root/bucket": for logs.
  virtual std::string Describe() const = 0;

  // Checks that the bucket exists and the credentials are accepted. Called once at
  // start-up so that a wrong bucket or key fails before any work starts.
  virtual Status CheckBucket() = 0;

  virtual Result<PutResult> Put(std::string_view key, std::string_view body,
                                const PutOptions& options) = 0;
  Result<PutResult> Put(std::string_view key, std::string_view body) {
    return Put(key, body, PutOptions{});
  }

  // The whole object, or `range` of it.
  virtual Result<std::string> Get(std::string_view key,
                                  std::optional<ByteRange> range = std::nullopt) = 0;

  virtual Result<ObjectInfo> Head(std::string_view key) = 0;

  virtual Result<ListPage> List(const ListOptions& options) = 0;

  // Deleting a key that does not exist succeeds (as in S3).
  virtual Status Delete(std::string_view key) = 0;

  // Deletes many keys (S3 DeleteObjects, 1,000 per request). Fails with the first key
  // that could not be deleted and why; keys that do not exist count as deleted.
  virtual Status DeleteMany(const std::vector<std::string>& keys) = 0;

  // --- Multipart uploads ---

  // Starts an upload; returns its upload id. `options.condition` and `if_match_etag`
  // are ignored here (see Complete).
  virtual Result<std::string> CreateMultipartUpload(std::string_view key,
                                                    const PutOptions& options) = 0;
  // Uploads part `part_number` (1-based). Re-uploading a part number replaces it.
  virtual Result<PartInfo> UploadPart(std::string_view key, std::string_view upload_id,
                                      int part_number, std::string_view body) = 0;
  // Makes the object visible, atomically, from `parts` (ascending part numbers).
  // `condition` kIfNoneMatch fails with kPreconditionFailed if the key exists. An
  // unknown upload id is kNotFound — but a store may not tell an upload that was
  // completed already from one that never existed (radosgw answers 500): callers that
  // need to know HEAD the key.
  virtual Result<PutResult> CompleteMultipartUpload(
      std::string_view key, std::string_view upload_id, const std::vector<PartInfo>& parts,
      PutOptions::Condition condition = PutOptions::Condition::kNone) = 0;
  // Discards an upload and its parts. Aborting an unknown upload is kNotFound.
  virtual Status AbortMultipartUpload(std::string_view key, std::string_view upload_id) = 0;
  // Uploads in progress whose key starts with `prefix`, ascending by key then initiation.
  virtual Result<std::vector<MultipartUploadInfo>> ListMultipartUploads(
      std::string_view prefix) = 0;
  // The parts uploaded so far, ascending by part number.
  virtual Result<std::vector<PartInfo>> ListParts(std::string_view key,
                                                  std::string_view upload_id) = 0;

  // Every object under `prefix`, following pages. For tools and tests; the sink's hot
  // paths never list.
  Result<std::vector<ObjectInfo>> ListAll(std::string_view prefix);
};

// Where and how to open a store; built from the sink's configuration. Comments name
// the config key each field comes from (docs/CONFIGURATION.md explains them).
struct StoreOptions {
  std::string url;                   // store.url: "" (AWS), "http(s)://host:port", "file:///root"
  std::string bucket;                // s3.bucket.name
  std::string region = "us-west-2";  // s3.region
  std::string access_key_id;         // aws.access.key.id; "" = the default chain
  std::string secret_access_key;     // aws.secret.access.key (a secret: never logged)
  std::string session_token;
  bool path_style = true;  // s3.path.style.access.enabled
  bool wan_mode = false;   // s3.wan.mode: the s3-accelerate endpoint

  // Transport.
  std::string proxy_url;       // s3.proxy.url
  std::string proxy_user;      // s3.proxy.user
  std::string proxy_password;  // s3.proxy.password (secret)
  std::string ca_bundle;       // s3.ssl.ca.bundle: PEM file; "" = system default
  bool verify_tls = true;      // s3.ssl.verify

  // Retries: the client's own attempts per request (SDK standard mode) ...
  int part_retries = 3;            // s3.part.retries: retries after the first attempt
  int64_t retry_backoff_ms = 200;  // s3.retry.backoff.ms: first backoff, full jitter

  // Writes.
  std::string sse_algorithm;       // s3.ssea.name: "", AES256, aws:kms, aws:kms:dsse
  std::string sse_kms_key_id;      // s3.sse.kms.key.id
  std::string sse_customer_key;    // s3.sse.customer.key: base64 256-bit key (secret), SSE-C
  std::string canned_acl;          // s3.acl.canned
  std::string storage_class;       // s3.storage.class
  bool send_digest = false;        // s3.send.digest: Content-MD5 on every upload
  std::string checksum_algorithm;  // s3.checksum.algorithm: "" or CRC32C

  // STS AssumeRole on top of the base credentials (sts.role.*, or aws.sts.role.*).
  std::string sts_role_arn;
  std::string sts_session_name;
  std::string sts_external_id;
  std::string sts_region;
  std::string sts_endpoint;  // aws.sts.config.endpoint; "" = regional STS endpoint

  // Fault injection for tests (keys fault.*, see objstore/fault/README.md); empty: none.
  std::map<std::string, std::string> fault;
};

// Opens the store that `options.url` names. InvalidArgument for an unsupported URL.
Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const StoreOptions& options);

}  // namespace tributary
