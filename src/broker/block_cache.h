// BlockCache: reads byte ranges of objects through a cache of 1 MiB blocks, so a
// consumer catching up through packed data costs one ranged GET per block, not per batch.
//
// Thread safety: safe for concurrent use; GETs run outside the internal lock (two
// readers missing the same block may both fetch it).
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "objstore/object_store.h"

namespace tributary::broker {

class BlockCache {
 public:
  static constexpr uint64_t kBlockSize = 1 << 20;

  BlockCache(ObjectStore* store, uint64_t capacity_bytes)
      : store_(store), capacity_(capacity_bytes) {}

  // `size` bytes at `position` of object `key`, whose total size is `object_size`.
  Result<std::string> Read(const std::string& key, uint64_t object_size, uint64_t position,
                           uint64_t size);

 private:
  using BlockKey = std::pair<std::string, uint64_t>;
  Result<std::shared_ptr<const std::string>> Block(const std::string& key, uint64_t object_size,
                                                   uint64_t index);

  ObjectStore* store_;
  const uint64_t capacity_;
  std::mutex mu_;
  std::list<BlockKey> lru_;  // front = most recent
  std::map<BlockKey, std::pair<std::shared_ptr<const std::string>, std::list<BlockKey>::iterator>>
      blocks_;
  uint64_t bytes_ = 0;
};

}  // namespace tributary::broker
