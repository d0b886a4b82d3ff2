// LagMonitor: the consumer group's lag per partition, as Kafka's lag tools compute it
// (high watermark minus the group's committed offset), measured from outside the sink.
//
// It runs its own librdkafka consumer with the sink's group id and client settings but
// never subscribes, so it never joins the group: it only asks the brokers for high
// watermarks (ListOffsets) and the group's committed offsets (OffsetFetch), every
// `interval`, on its own thread. Partitions are those of the configured topics (found
// by probing partition numbers; refreshed every minute) plus any the sink reports.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "common/types.h"
#include "sink/sink_config.h"

namespace tributary {

class LagMonitor {
 public:
  struct Entry {
    std::optional<int64_t> committed;       // the group's committed offset
    std::optional<int64_t> high_watermark;  // offset after the last record
  };

  LagMonitor(const SinkConfig& config, std::chrono::milliseconds interval);
  ~LagMonitor();  // Stop()

  // Stops the thread (within one broker request, at most 2 s) and joins it; Snapshot()
  // keeps answering with the last figures. Idempotent.
  void Stop();

  // Adds partitions to watch (those the sink has written).
  void Watch(const std::vector<TopicPartition>& tps);

  std::map<TopicPartition, Entry> Snapshot() const;

 private:
  void Loop();
  bool Stopping() const;

  const SinkConfig config_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;                        // guarded by mu_
  std::set<TopicPartition> watched_;         // guarded by mu_
  std::map<TopicPartition, Entry> entries_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace tributary
