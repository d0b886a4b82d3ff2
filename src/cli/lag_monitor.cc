#include "cli/lag_monitor.h"

#include <spdlog/spdlog.h>

#include "kafka/client/consumer.h"

namespace tributary {

namespace {

// Partition numbers probed per topic: far above any real topic here, bounded so a
// misbehaving broker cannot keep the monitor busy.
constexpr int kMaxProbedPartitions = 1024;
constexpr auto kDiscoveryInterval = std::chrono::seconds(60);
constexpr auto kRequestTimeout = std::chrono::milliseconds(2000);

class NoRebalance : public RebalanceListener {
 public:
  std::map<TopicPartition, Offset> OnAssigned(const std::vector<TopicPartition>&) override {
    return {};
  }
  void OnRevoked(const std::vector<TopicPartition>&) override {}
};

}  // namespace

LagMonitor::LagMonitor(const SinkConfig& config, std::chrono::milliseconds interval)
    : config_(config), interval_(interval) {
  thread_ = std::thread([this] { Loop(); });
}

LagMonitor::~LagMonitor() { Stop(); }

void LagMonitor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool LagMonitor::Stopping() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stop_;
}

void LagMonitor::Watch(const std::vector<TopicPartition>& tps) {
  std::lock_guard<std::mutex> lock(mu_);
  watched_.insert(tps.begin(), tps.end());
}

std::map<TopicPartition, LagMonitor::Entry> LagMonitor::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_;
}

void LagMonitor::Loop() {
  NoRebalance listener;
  std::unique_ptr<Consumer> consumer;
  std::set<TopicPartition> discovered;
  auto last_discovery = std::chrono::steady_clock::time_point{};
  bool warned = false;
  while (true) {
    if (Stopping()) break;
    if (!consumer) {
      ConsumerOptions options;
      options.bootstrap_servers = config_.bootstrap_servers;
      options.group_id = config_.GroupId();  // to read the group's offsets; never joins
      options.client_id = "tributary-" + config_.name + "-lag";
      options.overrides = config_.consumer_overrides;
      auto created = Consumer::Create(options, &listener);
      if (created.ok()) {
        consumer = std::move(created).value();
      } else if (!warned) {
        spdlog::warn("lag monitor: {}", created.status().message());
        warned = true;
      }
    }
    if (consumer) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_discovery >= kDiscoveryInterval) {
        for (const auto& topic : config_.topics) {
          for (int p = 0; p < kMaxProbedPartitions && !Stopping(); ++p) {
            TopicPartition tp{topic, Partition(p)};
            if (!consumer->HighWatermark(tp, kRequestTimeout).ok()) break;
            discovered.insert(tp);
          }
        }
        last_discovery = now;
      }
      std::set<TopicPartition> tps = discovered;
      {
        std::lock_guard<std::mutex> lock(mu_);
        tps.insert(watched_.begin(), watched_.end());
      }
      std::map<TopicPartition, Entry> fresh;
      for (const auto& tp : tps) {
        if (Stopping()) break;
        auto hw = consumer->HighWatermark(tp, kRequestTimeout);
        if (hw.ok()) fresh[tp].high_watermark = hw->value();
      }
      auto committed = consumer->CommittedOffsets({tps.begin(), tps.end()}, kRequestTimeout);
      if (committed.ok()) {
        for (const auto& [tp, off] : *committed) fresh[tp].committed = off.value();
      }
      std::lock_guard<std::mutex> lock(mu_);
      // Keep the last known figures of a partition whose query failed this time.
      for (auto& [tp, e] : fresh) {
        Entry& old = entries_[tp];
        if (e.high_watermark) old.high_watermark = e.high_watermark;
        if (e.committed) old.committed = e.committed;
      }
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, interval_, [this] { return stop_; });
  }
  if (consumer) consumer->Close();
}

}  // namespace tributary
