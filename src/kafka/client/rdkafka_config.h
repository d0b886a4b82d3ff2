// Builds librdkafka configuration objects from string maps, with librdkafka's logs sent
// to spdlog. Internal to kafka/.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

typedef struct rd_kafka_conf_s rd_kafka_conf_t;
typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_headers_s rd_kafka_headers_t;

namespace tributary {

// `role` ("consumer", "producer") prefixes errors. InvalidArgument names the property
// librdkafka rejected and why. The caller owns the returned conf.
Result<rd_kafka_conf_t*> MakeRdKafkaConf(const std::map<std::string, std::string>& props,
                                         const std::string& role);

// An idempotent producer handle (linger.ms=5) for `bootstrap_servers`, with `overrides`
// applied and then `forced` on top. The first failed delivery's error is stored in
// `*first_error`, which must outlive the handle. The caller owns the handle.
Result<rd_kafka_t*> NewProducerHandle(const std::string& bootstrap_servers,
                                      const std::map<std::string, std::string>& overrides,
                                      const std::map<std::string, std::string>& forced,
                                      std::string* first_error);

// One record header; a null value is allowed.
struct KafkaHeader {
  std::string name;
  std::optional<std::string> value;
};

// A librdkafka header list holding copies of `headers`, or nullptr when there are none.
// rd_kafka_producev takes ownership only when it succeeds; otherwise the caller destroys it.
rd_kafka_headers_t* NewRdKafkaHeaders(const std::vector<KafkaHeader>& headers);

}  // namespace tributary
