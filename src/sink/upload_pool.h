// UploadPool: the uploader threads of DESIGN.md §3. Encoded parts are handed to it and
// sent to the object store in parallel over the store's kept-alive connections, so a
// writer keeps encoding while its earlier parts are in flight.
//
// Memory: Submit blocks while the bytes of queued and running jobs would exceed
// `max_bytes_in_flight`, so a slow store applies backpressure to the writers instead of
// growing a queue (a single job larger than the bound is admitted alone).
//
// Thread safety: Submit may be called from any thread. The destructor waits for every
// submitted job.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"

namespace tributary {

class UploadPool {
 public:
  UploadPool(int threads, uint64_t max_bytes_in_flight);
  ~UploadPool();
  UploadPool(const UploadPool&) = delete;
  UploadPool& operator=(const UploadPool&) = delete;

  // Runs `job` on an uploader thread; `bytes` is the memory the job holds until it ends.
  std::future<Status> Submit(std::function<Status()> job, uint64_t bytes);

  uint64_t bytes_in_flight() const;

 private:
  struct Job {
    std::function<Status()> fn;
    uint64_t bytes;
    std::promise<Status> done;
  };
  void Work();

  const uint64_t max_bytes_;
  mutable std::mutex mu_;
  std::condition_variable space_;  // signalled when bytes_ drops
  std::condition_variable work_;   // signalled when a job is queued or on shutdown
  std::deque<Job> queue_;          // guarded by mu_
  uint64_t bytes_ = 0;             // queued + running, guarded by mu_
  bool stopping_ = false;          // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace tributary
