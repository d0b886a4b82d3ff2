#include "kafka/client/producer.h"

#include <librdkafka/rdkafka.h>

#include "kafka/client/rdkafka_config.h"

namespace tributary {

Result<std::unique_ptr<Producer>> Producer::Create(
    const std::string& bootstrap_servers, const std::map<std::string, std::string>& overrides) {
  std::unique_ptr<Producer> self(new Producer());
  ASSIGN_OR_RETURN(self->rk_,
                   NewProducerHandle(bootstrap_servers, overrides, {}, &self->delivery_error_));
  return self;
}

Producer::~Producer() {
  if (rk_ != nullptr) {
    rd_kafka_flush(rk_, 5000);
    rd_kafka_destroy(rk_);
  }
}

Status Producer::Produce(const std::string& topic, std::optional<Partition> partition,
                         std::optional<std::string_view> key, std::optional<std::string_view> value,
                         const std::vector<Header>& headers) {
  while (true) {
    // producev takes ownership of the header list only when it succeeds.
    rd_kafka_headers_t* hdrs = NewRdKafkaHeaders(headers);
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_HEADERS(hdrs),
        RD_KAFKA_V_PARTITION((partition ? partition->value() : RD_KAFKA_PARTITION_UA)),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY((key ? key->data() : nullptr), (key ? key->size() : 0)),
        RD_KAFKA_V_VALUE((value ? const_cast<char*>(value->data()) : nullptr),
                         (value ? value->size() : 0)),
        RD_KAFKA_V_END);
    if (err && hdrs != nullptr) rd_kafka_headers_destroy(hdrs);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk_, 50);
      continue;
    }
    if (err) return Unavailable("produce to {}: {}", topic, rd_kafka_err2str(err));
    rd_kafka_poll(rk_, 0);
    return Status::OK();
  }
}

Status Producer::Flush(std::chrono::milliseconds timeout) {
  rd_kafka_resp_err_t err = rd_kafka_flush(rk_, static_cast<int>(timeout.count()));
  if (err) return Unavailable("producer flush: {}", rd_kafka_err2str(err));
  if (!delivery_error_.empty()) return Unavailable("delivery failed: {}", delivery_error_);
  return Status::OK();
}

}  // namespace tributary
