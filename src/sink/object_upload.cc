#include "sink/object_upload.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tributary {

ObjectUpload::ObjectUpload(ObjectStore* store, UploadPool* pool, std::string key,
                           PutOptions options, uint64_t part_size, SpillArea* spill)
    : store_(store),
      pool_(pool),
      key_(std::move(key)),
      options_(std::move(options)),
      part_size_(part_size),
      spill_(spill) {}

ObjectUpload::~ObjectUpload() {
  if (!finished_ && !prepared_) Abort();
}

Status ObjectUpload::Append(std::string_view bytes) {
  RETURN_IF_ERROR(CollectParts(/*wait=*/false));
  buffer_.append(bytes);
  total_ += bytes.size();
  while (!hold_ && held() >= part_size_) {
    std::string part;
    if (spill_file_ == nullptr && buffer_.size() == part_size_) {
      part.swap(buffer_);
    } else {
      RETURN_IF_ERROR(TakeHeld(part_size_, &part));
    }
    RETURN_IF_ERROR(SendPart(std::move(part)));
  }
  if (spill_ != nullptr && buffer_.size() >= kSpillChunk)
    RETURN_IF_ERROR(SpillBuffered(/*release=*/false).status());
  // What remains is smaller than a part: do not keep a part-sized allocation for it.
  if (buffer_.capacity() > 2 * buffer_.size() + (1 << 20)) buffer_.shrink_to_fit();
  return Status::OK();
}

Result<uint64_t> ObjectUpload::SpillBuffered(bool release) {
  if (spill_ == nullptr) return uint64_t{0};
  const uint64_t before = buffered_bytes();
  if (!buffer_.empty()) {
    if (spill_file_ == nullptr) {
      ASSIGN_OR_RETURN(spill_file_, spill_->Create());
    }
    RETURN_IF_ERROR(spill_file_->Append(buffer_));
    buffer_.clear();
  }
  if (release) {
    std::string().swap(buffer_);
  } else if (buffer_.capacity() > 2 * kSpillChunk) {
    buffer_.shrink_to_fit();
  }
  return before - buffered_bytes();
}

Status ObjectUpload::TakeHeld(uint64_t n, std::string* out) {
  out->clear();
  if (spilled_bytes() == 0 && n == buffer_.size()) {  // all of it: no copy
    out->swap(buffer_);
    return Status::OK();
  }
  out->reserve(n);
  // Parts are cut as soon as a part's worth is held, so the spill file alone never
  // holds more than a part: all of it goes first.
  if (spill_file_ != nullptr && spill_file_->size() > 0) RETURN_IF_ERROR(spill_file_->TakeAll(out));
  const uint64_t from_memory = n - out->size();
  out->append(buffer_, 0, from_memory);
  buffer_.erase(0, from_memory);
  return Status::OK();
}

Status ObjectUpload::Rename(std::string key) {
  if (!upload_id_.empty() || finished_ || prepared_) {
    return Internal("{}: cannot rename to {} after its upload started", key_, key);
  }
  key_ = std::move(key);
  return Status::OK();
}

Result<uint64_t> ObjectUpload::SendBufferedPart() {
  if (hold_ || held() < kMinPartSize) return uint64_t{0};
  const uint64_t before = buffered_bytes();
  std::string part;
  RETURN_IF_ERROR(TakeHeld(held(), &part));
  RETURN_IF_ERROR(SendPart(std::move(part)));
  buffer_ = std::string();
  return before;
}

Status ObjectUpload::SendPart(std::string data) {
  if (next_part_ > kMaxParts) {
    return InvalidArgument("{}: more than {} parts of s3.part.size={} bytes; raise s3.part.size",
                           key_, kMaxParts, part_size_);
  }
  if (upload_id_.empty()) {
    ASSIGN_OR_RETURN(upload_id_, store_->CreateMultipartUpload(key_, options_));
  }
  auto info = std::make_shared<PartInfo>();
  const int number = next_part_++;
  const uint64_t bytes = data.size();
  auto shared = std::make_shared<std::string>(std::move(data));
  std::future<Status> done = pool_->Submit(
      [store = store_, key = key_, upload_id = upload_id_, number, shared, info]() -> Status {
        ASSIGN_OR_RETURN(*info, store->UploadPart(key, upload_id, number, *shared));
        return Status::OK();
      },
      bytes);
  in_flight_.push_back({std::move(info), std::move(done)});
  return Status::OK();
}

Status ObjectUpload::CollectParts(bool wait) {
  Status first_error;
  for (auto it = in_flight_.begin(); it != in_flight_.end();) {
    if (!wait && it->done.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      ++it;
      continue;
    }
    Status st = it->done.get();
    if (st.ok()) {
      done_parts_.push_back(*it->info);
    } else if (first_error.ok()) {
      first_error = st.WithContext(fmt::format("upload of {}", key_));
    }
    it = in_flight_.erase(it);
  }
  return first_error;
}

Result<PutResult> ObjectUpload::Finish(const std::map<std::string, std::string>& final_metadata,
                                       const std::map<std::string, std::string>& final_tags) {
  if (upload_id_.empty()) {
    PutOptions options = options_;
    for (const auto& [k, v] : final_metadata) options.metadata[k] = v;
    for (const auto& [k, v] : final_tags) options.tags[k] = v;
    if (spilled_bytes() > 0) {
      std::string whole;
      RETURN_IF_ERROR(TakeHeld(held(), &whole));
      buffer_ = std::move(whole);
    }
    auto put = store_->Put(key_, buffer_, options);
    if (put.ok()) {
      finished_ = true;
      buffer_.clear();
      buffer_.shrink_to_fit();
    }
    return put;
  }
  if (held() > 0) {
    std::string last;
    RETURN_IF_ERROR(TakeHeld(held(), &last));
    RETURN_IF_ERROR(SendPart(std::move(last)));
  }
  buffer_.clear();
  RETURN_IF_ERROR(CollectParts(/*wait=*/true));
  std::sort(done_parts_.begin(), done_parts_.end(),
            [](const PartInfo& a, const PartInfo& b) { return a.part_number < b.part_number; });
  ASSIGN_OR_RETURN(PutResult result,
                   store_->CompleteMultipartUpload(key_, upload_id_, done_parts_));
  finished_ = true;
  return result;
}

Result<std::vector<PartInfo>> ObjectUpload::Prepare(
    const std::map<std::string, std::string>& final_metadata,
    const std::map<std::string, std::string>& final_tags) {
  if (upload_id_.empty()) {
    for (const auto& [k, v] : final_metadata) options_.metadata[k] = v;
    for (const auto& [k, v] : final_tags) options_.tags[k] = v;
    ASSIGN_OR_RETURN(upload_id_, store_->CreateMultipartUpload(key_, options_));
  }
  // An empty last part only when there is no part at all (S3 accepts one empty part).
  if (held() > 0 || next_part_ == 1) {
    std::string last;
    RETURN_IF_ERROR(TakeHeld(held(), &last));
    RETURN_IF_ERROR(SendPart(std::move(last)));
  }
  buffer_.clear();
  buffer_.shrink_to_fit();
  RETURN_IF_ERROR(CollectParts(/*wait=*/true));
  std::sort(done_parts_.begin(), done_parts_.end(),
            [](const PartInfo& a, const PartInfo& b) { return a.part_number < b.part_number; });
  prepared_ = true;
  return done_parts_;
}

Result<PutResult> ObjectUpload::Complete() {
  ASSIGN_OR_RETURN(PutResult result,
                   store_->CompleteMultipartUpload(key_, upload_id_, done_parts_));
  finished_ = true;
  return result;
}

void ObjectUpload::Abort() {
  finished_ = true;
  // Parts still in flight are not waited for (that could take a store-retry window,
  // inside a rebalance): once the upload is aborted they fail with NoSuchUpload, which
  // is not retried. They keep their data alive through their own shared pointers.
  in_flight_.clear();
  buffer_.clear();
  spill_file_.reset();
  if (!upload_id_.empty()) {
    Status st = store_->AbortMultipartUpload(key_, upload_id_);
    if (!st.ok() && st.code() != StatusCode::kNotFound) {
      spdlog::warn("abort upload of {}: {}", key_, st.message());
    }
  }
}

}  // namespace tributary
