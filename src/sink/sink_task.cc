#include "sink/sink_task.h"

#include <spdlog/spdlog.h>

#include "format/format_options.h"
#include "objstore/probe.h"

namespace tributary {
namespace {

// How long one Poll waits: bounds how quickly a stop request is noticed.
constexpr auto kPollTimeout = std::chrono::milliseconds(100);
// How often progress is logged while records flow.
constexpr auto kProgressInterval = std::chrono::seconds(10);
// How long a failing store operation is retried before the sink stops (nothing is lost
// when it does: offsets are committed only after objects exist). It runs on the poll
// thread, so it must stay well inside max.poll.interval.ms (the consumer's default is
// 10 minutes, kafka/client/consumer.cc) or the group would evict this member.
constexpr auto kStoreRetryWindow = std::chrono::minutes(2);
// Durable offsets are re-sent this often, so an asynchronous commit that failed is
// repaired without waiting for the partition's next object.
constexpr auto kCommitInterval = std::chrono::seconds(5);
// Uploader threads, and the parts each may hold in flight: parallel enough to fill a
// link to S3 from one process, bounded so a slow store applies backpressure.
constexpr int kUploadThreads = 4;
constexpr uint64_t kPartsInFlightPerThread = 2;
// Where the start-up probe of conditional writes puts its (deleted) object: beside the
// journal (DESIGN.md §4), outside topics.dir, so lake readers never see it.
constexpr std::string_view kProbePrefix = "_tributary/probe/";

}  // namespace

Result<std::unique_ptr<SinkTask>> SinkTask::Create(SinkConfig config) {
  std::unique_ptr<SinkTask> self(new SinkTask());
  self->config_ = std::move(config);
  for (const auto& key : self->config_.unused_keys) {
    spdlog::warn("config key '{}' is not used by this version of Tributary", key);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectStore> store, OpenObjectStore(self->config_.store));
  self->store_ = std::make_unique<RetryingStore>(
      std::move(store), std::chrono::duration_cast<std::chrono::milliseconds>(kStoreRetryWindow));
  self->pool_ = std::make_unique<UploadPool>(
      kUploadThreads, kUploadThreads * kPartsInFlightPerThread * self->config_.part_size);
  Status st = self->store_->CheckBucket();
  if (!st.ok()) return st.WithContext(fmt::format("store {}", self->store_->Describe()));
  // Conditional writes fence zombies in the exactly-once journal; find out now, on a
  // probe object outside topics.dir, whether this store honours them.
  Status probe = ProbeConditionalWrites(*self->store_, kProbePrefix);
  if (probe.ok()) {
    spdlog::info("store {} honours conditional writes (If-None-Match, If-Match)",
                 self->store_->Describe());
  } else {
    spdlog::warn(
        "{}. This version delivers at least once and does not rely on them; the "
        "exactly-once journal will refuse this store.",
        probe.message());
  }
  ASSIGN_OR_RETURN(self->format_, MakeFormat(self->config_.format));
  ASSIGN_OR_RETURN(self->partitioner_, MakePartitioner(self->config_.partitioner));
  ConsumerOptions options;
  options.bootstrap_servers = self->config_.bootstrap_servers;
  options.group_id = self->config_.GroupId();
  options.client_id = "tributary-" + self->config_.name;
  options.overrides = self->config_.consumer_overrides;
  ASSIGN_OR_RETURN(self->consumer_, Consumer::Create(options, self.get()));
  return self;
}

SinkTask::~SinkTask() {
  // The consumer must close (and run its last rebalance callbacks) while this object
  // is still whole.
  if (consumer_) consumer_->Close();
}

Status SinkTask::Run(const std::atomic<bool>& stop) {
  spdlog::info("sink '{}': consuming {} as group {} into {}", config_.name,
               fmt::join(config_.topics, ","), config_.GroupId(), store_->Describe());
  RETURN_IF_ERROR(consumer_->Subscribe(config_.topics));
  last_log_ = std::chrono::steady_clock::now();
  Status result;
  while (!stop.load(std::memory_order_relaxed)) {
    auto polled = consumer_->Poll(kPollTimeout);
    if (!polled.ok()) {
      result = polled.status();
      break;
    }
    if (polled->has_value()) {
      Record record = (*polled)->record();
      // Records arrive in runs of one partition: reuse the last writer without building
      // a TopicPartition (a string) per record.
      if (last_writer_ == nullptr ||
          last_writer_->topic_partition().partition != record.partition ||
          last_writer_->topic_partition().topic != record.topic) {
        last_writer_ = &WriterFor({std::string(record.topic), record.partition});
      }
      const TopicPartition& tp = last_writer_->topic_partition();
      auto written = last_writer_->Write(record);
      if (!written.ok()) {
        result = written.status();
        break;
      }
      std::lock_guard<std::mutex> lock(progress_mu_);
      ++progress_.records_consumed;
      if (written->has_value()) {
        const WrittenObject& w = **written;
        to_commit_[tp] = w.last.Next();
        durable_[tp] = w.last.Next();
        progress_.committed[tp] = w.last.Next();
        progress_.records_written += w.records;
        progress_.objects_written += 1;
        progress_.bytes_written += w.bytes;
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (!to_commit_.empty() || (!durable_.empty() && now - last_commit_ >= kCommitInterval)) {
      // Every durable offset, not just the new ones: an asynchronous commit that failed
      // is repaired by the next one.
      Status st = consumer_->Commit(durable_, /*async=*/true);
      if (!st.ok()) spdlog::warn("{}", st.message());
      to_commit_.clear();
      last_commit_ = now;
    }
    LogProgress(false);
  }
  if (!result.ok()) spdlog::error("sink '{}' stopping: {}", config_.name, result.message());
  Shutdown();
  return result;
}

void SinkTask::Shutdown() {
  // Commit first: aborting open files may wait on a slow store, and a stop that is
  // killed meanwhile should still leave the group at the last durable offsets.
  Status st = consumer_->Commit(durable_, /*async=*/false);
  if (!st.ok()) spdlog::warn("final offset commit: {}", st.message());
  uint64_t dropped = 0;
  size_t open_files = 0;
  for (auto& [tp, w] : writers_) {
    if (w->buffered_records() > 0) ++open_files;
    dropped += w->buffered_records();
    w->Discard();
  }
  if (dropped > 0) {
    spdlog::info(
        "{} record(s) in {} open file(s) were not written; they are re-read from the committed "
        "offsets on restart",
        dropped, open_files);
  }
  consumer_->Close();
  LogProgress(true);
}

TopicPartitionWriter& SinkTask::WriterFor(const TopicPartition& tp) {
  auto it = writers_.find(tp);
  if (it == writers_.end()) {
    it = writers_
             .emplace(tp, std::make_unique<TopicPartitionWriter>(tp, &config_, format_.get(),
                                                                 partitioner_.get(), store_.get(),
                                                                 pool_.get()))
             .first;
  }
  return *it->second;
}

void SinkTask::OnAssigned(const std::vector<TopicPartition>& partitions) {
  for (const auto& tp : partitions) WriterFor(tp);
}

void SinkTask::OnRevoked(const std::vector<TopicPartition>& partitions) {
  for (const auto& tp : partitions) {
    auto it = writers_.find(tp);
    if (it == writers_.end()) continue;
    if (it->second->buffered_records() > 0) {
      spdlog::info("revoked {}: dropping {} unwritten record(s); the next owner re-reads them",
                   tp.ToString(), it->second->buffered_records());
    }
    if (last_writer_ == it->second.get()) last_writer_ = nullptr;
    writers_.erase(it);
  }
  // Offsets already durable were sent with each upload; nothing more may be committed
  // for these partitions by this member.
  for (const auto& tp : partitions) {
    to_commit_.erase(tp);
    durable_.erase(tp);
  }
}

SinkProgress SinkTask::Progress() const {
  std::lock_guard<std::mutex> lock(progress_mu_);
  SinkProgress p = progress_;
  p.store_retries = store_ ? store_->retries() : 0;
  return p;
}

void SinkTask::LogProgress(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_log_ < kProgressInterval) return;
  SinkProgress p = Progress();
  if (!force && p.records_consumed == last_logged_records_) return;
  spdlog::info(
      "progress: {} records consumed, {} written in {} objects ({} bytes), {} store "
      "retries",
      p.records_consumed, p.records_written, p.objects_written, p.bytes_written, p.store_retries);
  last_log_ = now;
  last_logged_records_ = p.records_consumed;
}

}  // namespace tributary
