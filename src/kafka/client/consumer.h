// Consumer: a Kafka group consumer over librdkafka's high-level consumer.
//
// Offsets are never committed automatically (enable.auto.commit=false): the sink
// commits an offset only after the objects holding the records before it exist.
// Assignment uses the cooperative-sticky protocol by default, so a rebalance moves only
// the partitions that change owner — with librdkafka 2.3.0 or newer. Older versions
// (Debian 12's 2.0.2) crash when such a consumer closes before its first assignment
// (librdkafka #4312), so they default to the eager `range` assignor.
//
// Thread safety: one thread (the sink's poll thread) calls every method; the
// RebalanceListener is invoked on that thread from inside Poll().
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "format/record.h"

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_message_s rd_kafka_message_t;

namespace tributary {

// Called from Poll() when partitions are assigned or taken away.
class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  // Newly assigned partitions, before they are consumed. Consumption starts at the
  // offset returned for a partition; for partitions not in the returned map, at the
  // group's committed offset, or auto.offset.reset when there is none.
  virtual std::map<TopicPartition, Offset> OnAssigned(
      const std::vector<TopicPartition>& partitions) = 0;
  // The same partitions once they are assigned (fetching may start): the place to pause
  // them before any of their records is returned.
  virtual void AfterAssigned(const std::vector<TopicPartition>& partitions) { (void)partitions; }
  // Partitions being taken away (or lost). Records of these not yet durable must be
  // dropped: the next owner re-reads them from the committed offset.
  virtual void OnRevoked(const std::vector<TopicPartition>& partitions) = 0;
};

// One consumed message; owns librdkafka's buffer, which Record() borrows.
class Message {
 public:
  explicit Message(rd_kafka_message_t* m) : m_(m) {}
  ~Message();
  Message(Message&& other) noexcept : m_(other.m_) { other.m_ = nullptr; }
  Message& operator=(Message&&) = delete;
  Message(const Message&) = delete;

  // Valid while this Message lives.
  Record record() const;

 private:
  rd_kafka_message_t* m_;
};

struct ConsumerOptions {
  std::string bootstrap_servers;
  std::string group_id;
  std::string client_id = "tributary";
  // Extra librdkafka properties (from consumer.override.* / consumer.*); they win over
  // the defaults set here.
  std::map<std::string, std::string> overrides;
  // Told the result of every offset commit the group coordinator answered (OK, or why
  // it failed), from inside Poll(). Commits with nothing to commit are not reported.
  std::function<void(const Status&)> on_commit;
};

class Consumer {
 public:
  // Creates the consumer. InvalidArgument names a librdkafka property it rejects.
  static Result<std::unique_ptr<Consumer>> Create(const ConsumerOptions& options,
                                                  RebalanceListener* listener);
  ~Consumer();

  Status Subscribe(const std::vector<std::string>& topics);

  // Waits up to `timeout` for a message. nullopt on timeout. Errors of the consumer
  // itself (all brokers down, topic authorization) are returned; transient ones are
  // logged and reported as a timeout.
  Result<std::optional<Message>> Poll(std::chrono::milliseconds timeout);

  // Stops (or resumes) fetching these assigned partitions.
  void Pause(const std::vector<TopicPartition>& tps);
  void Resume(const std::vector<TopicPartition>& tps);

  // Commits `next` offsets (the offset of the next record to read) for the partitions.
  Status Commit(const std::map<TopicPartition, Offset>& offsets, bool async);

  // True while OnRevoked runs for partitions the group took away without a clean
  // revocation (this member was evicted: session timeout, max.poll.interval.ms).
  bool assignment_lost() const { return lost_; }

  // Leaves the group and closes. Called by the destructor if not before.
  void Close();

  // The group's committed offsets for `tps` (from the group coordinator); partitions
  // without a committed offset are absent from the result.
  Result<std::map<TopicPartition, Offset>> CommittedOffsets(const std::vector<TopicPartition>& tps,
                                                            std::chrono::milliseconds timeout);

  // The high watermark (offset after the last record) of a partition, from the broker.
  Result<Offset> HighWatermark(const TopicPartition& tp, std::chrono::milliseconds timeout);

 private:
  Consumer() = default;
  static void RebalanceCallback(rd_kafka_t* rk, int err, void* partitions, void* opaque);

  rd_kafka_t* rk_ = nullptr;
  RebalanceListener* listener_ = nullptr;
  std::function<void(const Status&)> on_commit_;
  bool lost_ = false;
  bool closed_ = false;
};

// The names among `props` that librdkafka does not know at all (Java-client properties
// such as max.poll.records, which Connect configs carry). Values are not checked here.
std::vector<std::string> UnknownClientProperties(const std::map<std::string, std::string>& props);

}  // namespace tributary
