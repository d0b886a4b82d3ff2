#include "kafka/mock/mock_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace tributary {

Result<std::unique_ptr<MockCluster>> MockCluster::Start(int brokers) {
  std::unique_ptr<MockCluster> self(new MockCluster());
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  // A quiet handle whose only job is to host the mock cluster.
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
  self->rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (self->rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Internal("mock cluster host handle: {}", errstr);
  }
  self->cluster_ = rd_kafka_mock_cluster_new(self->rk_, brokers);
  if (self->cluster_ == nullptr) return Internal("cannot start librdkafka mock cluster");
  return self;
}

MockCluster::~MockCluster() {
  if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
  if (rk_ != nullptr) rd_kafka_destroy(rk_);
}

std::string MockCluster::bootstrap_servers() const {
  return rd_kafka_mock_cluster_bootstraps(cluster_);
}

Status MockCluster::CreateTopic(const std::string& topic, int partitions) {
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1);
  if (err)
    return InvalidArgument("mock cluster: create topic '{}': {}", topic, rd_kafka_err2str(err));
  return Status::OK();
}

}  // namespace tributary
