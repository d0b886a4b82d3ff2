#include "kafka/client/rdkafka_config.h"

#include <vector>

#include "kafka/client/consumer.h"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

namespace tributary {
namespace {

void LogToSpdlog(const rd_kafka_t*, int level, const char* facility, const char* buf) {
  // syslog levels: 0-3 error, 4 warning, 5-6 info/notice, 7 debug.
  if (level <= 3) {
    spdlog::error("librdkafka {}: {}", facility, buf);
  } else if (level == 4) {
    spdlog::warn("librdkafka {}: {}", facility, buf);
  } else if (level <= 6) {
    spdlog::info("librdkafka {}: {}", facility, buf);
  } else {
    spdlog::debug("librdkafka {}: {}", facility, buf);
  }
}

}  // namespace

Result<rd_kafka_conf_t*> MakeRdKafkaConf(const std::map<std::string, std::string>& props,
                                         const std::string& role) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return InvalidArgument("{} property '{}': {}", role, k, errstr);
    }
  }
  rd_kafka_conf_set_log_cb(conf, LogToSpdlog);
  return conf;
}

std::vector<std::string> UnknownClientProperties(const std::map<std::string, std::string>& props) {
  std::vector<std::string> unknown;
  rd_kafka_conf_t* probe = rd_kafka_conf_new();
  char errstr[512];
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(probe, k.c_str(), v.c_str(), errstr, sizeof(errstr)) ==
        RD_KAFKA_CONF_UNKNOWN) {
      unknown.push_back(k);
    }
  }
  rd_kafka_conf_destroy(probe);
  return unknown;
}

Result<rd_kafka_t*> NewProducerHandle(const std::string& bootstrap_servers,
                                      const std::map<std::string, std::string>& overrides,
                                      const std::map<std::string, std::string>& forced,
                                      std::string* first_error) {
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", bootstrap_servers},
      {"enable.idempotence", "true"},
      {"linger.ms", "5"},
  };
  for (const auto& [k, v] : overrides) props[k] = v;
  for (const auto& [k, v] : forced) props[k] = v;
  ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, MakeRdKafkaConf(props, "producer"));
  rd_kafka_conf_set_opaque(conf, first_error);
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* error = static_cast<std::string*>(opaque);
    if (m->err && error->empty()) *error = rd_kafka_err2str(m->err);
  });
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return InvalidArgument("cannot create Kafka producer: {}", errstr);
  }
  return rk;
}

rd_kafka_headers_t* NewRdKafkaHeaders(const std::vector<KafkaHeader>& headers) {
  if (headers.empty()) return nullptr;
  rd_kafka_headers_t* hdrs = rd_kafka_headers_new(headers.size());
  for (const auto& [name, v] : headers) {
    rd_kafka_header_add(hdrs, name.data(), static_cast<ssize_t>(name.size()),
                        v ? v->data() : nullptr, v ? static_cast<ssize_t>(v->size()) : 0);
  }
  return hdrs;
}

}  // namespace tributary
