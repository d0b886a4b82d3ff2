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
  std::string etag;              // without quotes
  int64_t last_modified_ms = 0;  // Unix epoch milliseconds
  std::map<std::string, std::string> metadata;  // user metadata (x-amz-meta-*), Head only
};

struct PutOptions {
  enum class Condition { kNone, kIfNoneMatch, kIfMatch };
  Condition condition = Condition::kNone;
  std::string if_match_etag;  // used with kIfMatch
  std::string content_type = "application/octet-stream";
  // User metadata, stored as x-amz-meta-<name>. Names are lowercase ASCII.
  std::map<std::string, std::string> metadata;
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
  std::vector<ObjectInfo> objects;          // ascending by key
  std::vector<std::string> common_prefixes;  // with a delimiter only
  std::string next_token;                   // empty when this is the last page
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

  // Every object under `prefix`, following pages. For tools and tests; the sink's hot
  // paths never list.
  Result<std::vector<ObjectInfo>> ListAll(std::string_view prefix);
};

// Where and how to open a store; built from the sink's configuration.
struct StoreOptions {
  std::string url;     // store.url: "" (AWS), "http(s)://host:port", "file:///root"
  std::string bucket;  // s3.bucket.name
  std::string region = "us-west-2";
  std::string access_key_id;      // aws.access.key.id; "" = use the environment
  std::string secret_access_key;  // aws.secret.access.key (a secret: never logged)
  std::string session_token;
  bool path_style = true;  // s3.path.style.access.enabled
};

// Opens the store that `options.url` names. InvalidArgument for an unsupported URL.
Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const StoreOptions& options);

}  // namespace tributary
