// Producer: an idempotent Kafka producer over librdkafka, for the quickstart's sample
// data and (later) the source role.
//
// Thread safety: Produce may be called from several threads; Flush from any one.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "kafka/client/rdkafka_config.h"

typedef struct rd_kafka_s rd_kafka_t;

namespace tributary {

class Producer {
 public:
  static Result<std::unique_ptr<Producer>> Create(
      const std::string& bootstrap_servers, const std::map<std::string, std::string>& overrides);
  ~Producer();

  // Queues one record; `partition` nullopt lets the partitioner choose by key. Blocks
  // briefly when the local queue is full.
  // A null value is a tombstone; a header value may be null too.
  using Header = KafkaHeader;
  Status Produce(const std::string& topic, std::optional<Partition> partition,
                 std::optional<std::string_view> key, std::optional<std::string_view> value,
                 const std::vector<Header>& headers = {});

  // Waits until every queued record is acknowledged; returns the first delivery error.
  Status Flush(std::chrono::milliseconds timeout);

 private:
  Producer() = default;
  rd_kafka_t* rk_ = nullptr;
  // First delivery failure, set by the delivery callback (which runs inside poll/flush
  // on the calling thread).
  std::string delivery_error_;
};

}  // namespace tributary
