// Builds librdkafka configuration objects from string maps, with librdkafka's logs sent
// to spdlog. Internal to kafka/.
#pragma once

#include <map>
#include <string>

#include "common/status.h"

typedef struct rd_kafka_conf_s rd_kafka_conf_t;

namespace tributary {

// `role` ("consumer", "producer") prefixes errors. InvalidArgument names the property
// librdkafka rejected and why. The caller owns the returned conf.
Result<rd_kafka_conf_t*> MakeRdKafkaConf(const std::map<std::string, std::string>& props,
                                         const std::string& role);

}  // namespace tributary
