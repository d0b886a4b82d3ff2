#include "sink/upload_pool.h"

namespace tributary {

UploadPool::UploadPool(int threads, uint64_t max_bytes_in_flight)
    : max_bytes_(max_bytes_in_flight) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

UploadPool::~UploadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_.notify_all();
  for (auto& t : threads_) t.join();
}

std::future<Status> UploadPool::Submit(std::function<Status()> job, uint64_t bytes) {
  std::unique_lock<std::mutex> lock(mu_);
  space_.wait(lock, [&] { return bytes_ == 0 || bytes_ + bytes <= max_bytes_; });
  bytes_ += bytes;
  queue_.push_back(Job{std::move(job), bytes, {}});
  std::future<Status> f = queue_.back().done.get_future();
  lock.unlock();
  work_.notify_one();
  return f;
}

uint64_t UploadPool::bytes_in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

void UploadPool::Work() {
  while (true) {
    std::unique_lock<std::mutex> lock(mu_);
    work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to do
    Job job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Status st = job.fn();
    job.fn = nullptr;  // release captured part data before admitting more
    lock.lock();
    bytes_ -= job.bytes;
    lock.unlock();
    space_.notify_all();
    job.done.set_value(std::move(st));
  }
}

}  // namespace tributary
