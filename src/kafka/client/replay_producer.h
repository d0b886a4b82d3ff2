// ReplayProducer: the producer of `tributary source` — idempotent, optionally
// transactional, records with explicit partition and CreateTime timestamp — plus the two
// reads the source's commit protocol needs from the target: partition counts and end
// offsets, and the records visible to a read_committed consumer after an offset.
//
// Errors: kUnavailable for delivery or broker errors (the caller stops and a restart
// settles), kInvalidArgument for bad librdkafka properties or a broker that does not
// support transactions, kNotFound for a missing topic.
//
// Thread safety: one thread uses a ReplayProducer.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "kafka/client/rdkafka_config.h"

typedef struct rd_kafka_s rd_kafka_t;

namespace tributary {

class ReplayProducer {
 public:
  // `transactional_id` empty: idempotent only. Otherwise transactions are initialised
  // (fencing any earlier producer with the same id and settling its open transaction)
  // before Create returns.
  static Result<std::unique_ptr<ReplayProducer>> Create(
      const std::string& bootstrap_servers, const std::map<std::string, std::string>& overrides,
      const std::string& transactional_id, std::chrono::milliseconds timeout);
  ~ReplayProducer();

  bool transactional() const { return transactional_; }

  Status BeginTransaction();
  // Flushes and commits the transaction (transactional), or flushes (idempotent only).
  Status Commit(std::chrono::milliseconds timeout);

  using Header = KafkaHeader;
  // Queues one record. `timestamp_ms` < 0 lets the producer stamp it. Blocks while the
  // local queue is full.
  Status Produce(const std::string& topic, int32_t partition, const std::optional<std::string>& key,
                 const std::optional<std::string>& value, const std::vector<Header>& headers,
                 int64_t timestamp_ms);

  // Number of partitions of `topic`; kNotFound when it does not exist.
  Result<int32_t> PartitionCount(const std::string& topic, std::chrono::milliseconds timeout);
  // The high watermark (end offset) of a partition.
  Result<int64_t> EndOffset(const TopicPartition& tp, std::chrono::milliseconds timeout);

 private:
  ReplayProducer() = default;
  rd_kafka_t* rk_ = nullptr;
  bool transactional_ = false;
  std::string delivery_error_;  // first delivery failure (set in the delivery callback)
};

// What a read_committed consumer sees in each partition of `from` from its offset to the
// partition's end: per record its offset and a 64-bit fingerprint of key and value
// (control records and, on brokers that report them, aborted transactions' records are
// not seen).
struct VisibleRecord {
  int64_t offset = 0;
  uint64_t fingerprint = 0;
};
using VisibleRecords = std::map<TopicPartition, std::vector<VisibleRecord>>;
Result<VisibleRecords> ReadVisibleRecords(const std::string& bootstrap_servers,
                                          const std::map<std::string, std::string>& overrides,
                                          const std::map<TopicPartition, int64_t>& from,
                                          std::chrono::milliseconds timeout);

// The fingerprint ReadVisibleRecords computes, for comparing with records about to be sent.
uint64_t RecordFingerprint(const std::optional<std::string_view>& key,
                           const std::optional<std::string_view>& value);

// Kafka's default partitioner for keyed records (the Java client's murmur2, positive,
// modulo `partitions`), so key-hashed replays land where a Java producer puts them.
int32_t Murmur2Partition(std::string_view key, int32_t partitions);

}  // namespace tributary
