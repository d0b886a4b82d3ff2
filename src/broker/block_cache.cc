#include "broker/block_cache.h"

#include <algorithm>

namespace tributary::broker {

Result<std::shared_ptr<const std::string>> BlockCache::Block(const std::string& key,
                                                             uint64_t object_size, uint64_t index) {
  BlockKey bk{key, index};
  {
    std::lock_guard lock(mu_);
    auto it = blocks_.find(bk);
    if (it != blocks_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.second);
      return it->second.first;
    }
  }
  uint64_t first = index * kBlockSize;
  uint64_t last = std::min(object_size, first + kBlockSize) - 1;
  ASSIGN_OR_RETURN(std::string data, store_->Get(key, ByteRange{first, last}));
  if (data.size() != last - first + 1) {
    return Corruption("object {}: range {}-{} returned {} bytes", key, first, last, data.size());
  }
  auto block = std::make_shared<const std::string>(std::move(data));
  std::lock_guard lock(mu_);
  if (blocks_.count(bk)) return blocks_[bk].first;
  lru_.push_front(bk);
  blocks_[bk] = {block, lru_.begin()};
  bytes_ += block->size();
  while (bytes_ > capacity_ && lru_.size() > 1) {
    auto victim = blocks_.find(lru_.back());
    bytes_ -= victim->second.first->size();
    blocks_.erase(victim);
    lru_.pop_back();
  }
  return block;
}

Result<std::string> BlockCache::Read(const std::string& key, uint64_t object_size,
                                     uint64_t position, uint64_t size) {
  if (position + size > object_size) {
    return Corruption("object {}: range {}+{} beyond its {} bytes", key, position, size,
                      object_size);
  }
  std::string out;
  out.reserve(size);
  uint64_t pos = position;
  while (pos < position + size) {
    uint64_t index = pos / kBlockSize;
    ASSIGN_OR_RETURN(auto block, Block(key, object_size, index));
    uint64_t offset_in_block = pos - index * kBlockSize;
    uint64_t take = std::min<uint64_t>(block->size() - offset_in_block, position + size - pos);
    out.append(*block, offset_in_block, take);
    pos += take;
  }
  return out;
}

}  // namespace tributary::broker
