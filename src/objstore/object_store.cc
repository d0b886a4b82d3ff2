#include "objstore/object_store.h"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "objstore/fault/fault_store.h"
#include "objstore/local/local_store.h"
#include "objstore/s3/s3_store.h"

namespace tributary {

Result<std::vector<ObjectInfo>> ObjectStore::ListAll(std::string_view prefix) {
  std::vector<ObjectInfo> all;
  ListOptions options;
  options.prefix = std::string(prefix);
  while (true) {
    ASSIGN_OR_RETURN(ListPage page, List(options));
    for (auto& o : page.objects) all.push_back(std::move(o));
    if (page.next_token.empty()) break;
    options.continuation_token = std::move(page.next_token);
  }
  return all;
}

namespace {

Result<std::unique_ptr<ObjectStore>> OpenUnwrapped(const StoreOptions& options) {
  if (options.bucket.empty()) {
    return InvalidArgument("s3.bucket.name: expected a bucket name, got an empty value");
  }
  const std::string& url = options.url;
  if (url.rfind("file://", 0) == 0) {
    std::string path = url.substr(std::string_view("file://").size());
    if (path.empty()) return InvalidArgument("store.url '{}': expected file:///path", url);
    // file:///abs/dir is the standard form; file://relative/dir is accepted for the
    // quickstart and resolved against the working directory.
    std::filesystem::path p(path);
    if (p.is_relative()) {
      std::error_code ec;
      p = std::filesystem::absolute(p, ec);
      if (ec) {
        return InvalidArgument("store.url '{}': cannot resolve the path: {}", url, ec.message());
      }
    }
    return OpenLocalStore(p.lexically_normal().string(), options.bucket);
  }
  if (url.empty() || url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) {
    return OpenS3Store(options);
  }
  return InvalidArgument(
      "store.url '{}': expected an http:// or https:// S3 endpoint, or file:///path for a "
      "local directory",
      url);
}

}  // namespace

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const StoreOptions& options) {
  // Validate fault.* before opening, so a typo fails fast whatever the store.
  if (!options.fault.empty()) RETURN_IF_ERROR(ParseFaultOptions(options.fault).status());
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectStore> store, OpenUnwrapped(options));
  if (options.fault.empty()) return store;
  spdlog::warn("fault injection is ON for {} (fault.* keys set): for tests only",
               store->Describe());
  return WrapWithFaults(std::move(store), options.fault);
}

}  // namespace tributary
