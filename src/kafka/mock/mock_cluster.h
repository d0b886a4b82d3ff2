// MockCluster: librdkafka's built-in mock Kafka cluster (rdkafka_mock.h), an
// independent Kafka-protocol implementation listening on 127.0.0.1.
//
// Used by `tributary quickstart` as the embedded broker until `tributary broker`
// lands, and by the tests (through tests/services/mock_kafka) as a second broker
// implementation. It keeps everything in memory and supports produce, fetch,
// consumer groups and offset commits; it is not durable.
//
// Thread safety: the cluster runs its own threads; methods may be called from any one
// thread at a time.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_mock_cluster_s rd_kafka_mock_cluster_t;

namespace tributary {

class MockCluster {
 public:
  static Result<std::unique_ptr<MockCluster>> Start(int brokers);
  ~MockCluster();

  // "127.0.0.1:port,..." for bootstrap.servers.
  std::string bootstrap_servers() const;

  Status CreateTopic(const std::string& topic, int partitions);

 private:
  MockCluster() = default;
  rd_kafka_t* rk_ = nullptr;  // owns the cluster's threads
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

}  // namespace tributary
