#include "kafka/client/replay_producer.h"

#include <librdkafka/rdkafka.h>

#include <set>

#include "kafka/client/rdkafka_config.h"

namespace tributary {
namespace {

Status FromError(rd_kafka_error_t* error, std::string_view what) {
  if (error == nullptr) return Status::OK();
  std::string msg = rd_kafka_error_string(error);
  const bool fatal = rd_kafka_error_is_fatal(error);
  const rd_kafka_resp_err_t code = rd_kafka_error_code(error);
  rd_kafka_error_destroy(error);
  if (code == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE ||
      code == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION || code == RD_KAFKA_RESP_ERR_INVALID_REQUEST) {
    return InvalidArgument(
        "{}: {} (the target cluster does not support transactions; set "
        "source.transactions=false)",
        what, msg);
  }
  return Unavailable("{}: {}{}", what, msg, fatal ? " (fatal)" : "");
}

uint64_t Fnv1a(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

uint64_t RecordFingerprint(const std::optional<std::string_view>& key,
                           const std::optional<std::string_view>& value) {
  uint64_t h = 1469598103934665603ull;
  h = Fnv1a(h, key ? "k" : "-");
  if (key) h = Fnv1a(h, *key);
  h = Fnv1a(h, value ? "|v" : "|-");
  if (value) h = Fnv1a(h, *value);
  return h;
}

int32_t Murmur2Partition(std::string_view key, int32_t partitions) {
  // Kafka's Utils.murmur2 (seed 0x9747b28c), then toPositive (& 0x7fffffff).
  const uint32_t m = 0x5bd1e995;
  const int r = 24;
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  const size_t len = key.size();
  uint32_t h = 0x9747b28c ^ static_cast<uint32_t>(len);
  size_t i = 0;
  for (; i + 4 <= len; i += 4) {
    uint32_t k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) |
                 (static_cast<uint32_t>(data[i + 3]) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  switch (len - i) {
    case 3:
      h ^= data[i + 2] << 16;
      [[fallthrough]];
    case 2:
      h ^= data[i + 1] << 8;
      [[fallthrough]];
    case 1:
      h ^= data[i];
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>((h & 0x7fffffff) % static_cast<uint32_t>(partitions));
}

Result<std::unique_ptr<ReplayProducer>> ReplayProducer::Create(
    const std::string& bootstrap_servers, const std::map<std::string, std::string>& overrides,
    const std::string& transactional_id, std::chrono::milliseconds timeout) {
  std::map<std::string, std::string> forced;
  if (!transactional_id.empty()) forced["transactional.id"] = transactional_id;
  std::unique_ptr<ReplayProducer> self(new ReplayProducer());
  ASSIGN_OR_RETURN(self->rk_,
                   NewProducerHandle(bootstrap_servers, overrides, forced, &self->delivery_error_));
  if (!transactional_id.empty()) {
    self->transactional_ = true;
    RETURN_IF_ERROR(
        FromError(rd_kafka_init_transactions(self->rk_, static_cast<int>(timeout.count())),
                  "init transactions (transactional.id " + transactional_id + ")"));
  }
  return self;
}

ReplayProducer::~ReplayProducer() {
  if (rk_ != nullptr) {
    if (!transactional_) rd_kafka_flush(rk_, 5000);
    rd_kafka_destroy(rk_);
  }
}

Status ReplayProducer::BeginTransaction() {
  if (!transactional_) return Status::OK();
  return FromError(rd_kafka_begin_transaction(rk_), "begin transaction");
}

Status ReplayProducer::Commit(std::chrono::milliseconds timeout) {
  if (transactional_) {
    RETURN_IF_ERROR(FromError(rd_kafka_commit_transaction(rk_, static_cast<int>(timeout.count())),
                              "commit transaction"));
  } else {
    rd_kafka_resp_err_t err = rd_kafka_flush(rk_, static_cast<int>(timeout.count()));
    if (err) return Unavailable("producer flush: {}", rd_kafka_err2str(err));
  }
  if (!delivery_error_.empty()) return Unavailable("delivery failed: {}", delivery_error_);
  return Status::OK();
}

Status ReplayProducer::Produce(const std::string& topic, int32_t partition,
                               const std::optional<std::string>& key,
                               const std::optional<std::string>& value,
                               const std::vector<Header>& headers, int64_t timestamp_ms) {
  if (!delivery_error_.empty()) return Unavailable("delivery failed: {}", delivery_error_);
  while (true) {
    rd_kafka_headers_t* hdrs = NewRdKafkaHeaders(headers);
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_HEADERS(hdrs),
        RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY((key ? key->data() : nullptr), (key ? key->size() : 0)),
        RD_KAFKA_V_VALUE((value ? const_cast<char*>(value->data()) : nullptr),
                         (value ? value->size() : 0)),
        RD_KAFKA_V_TIMESTAMP(timestamp_ms < 0 ? 0 : timestamp_ms), RD_KAFKA_V_END);
    if (err && hdrs != nullptr) rd_kafka_headers_destroy(hdrs);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk_, 50);
      continue;
    }
    if (err) return Unavailable("produce to {}-{}: {}", topic, partition, rd_kafka_err2str(err));
    rd_kafka_poll(rk_, 0);
    return Status::OK();
  }
}

Result<int32_t> ReplayProducer::PartitionCount(const std::string& topic,
                                               std::chrono::milliseconds timeout) {
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk_, 0, t, &md, static_cast<int>(timeout.count()));
  rd_kafka_topic_destroy(t);
  if (err) return Unavailable("metadata of topic {}: {}", topic, rd_kafka_err2str(err));
  int32_t count = -1;
  rd_kafka_resp_err_t topic_err = RD_KAFKA_RESP_ERR_NO_ERROR;
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (topic == md->topics[i].topic) {
      topic_err = md->topics[i].err;
      count = md->topics[i].partition_cnt;
    }
  }
  rd_kafka_metadata_destroy(md);
  if (count <= 0 || topic_err) {
    return NotFound(
        "target topic {} does not exist (create it first; the source does not "
        "create topics)",
        topic);
  }
  return count;
}

Result<int64_t> ReplayProducer::EndOffset(const TopicPartition& tp,
                                          std::chrono::milliseconds timeout) {
  int64_t low = 0, high = 0;
  rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
      rk_, tp.topic.c_str(), tp.partition.value(), &low, &high, static_cast<int>(timeout.count()));
  if (err) return Unavailable("end offset of {}: {}", tp.ToString(), rd_kafka_err2str(err));
  return high;
}

Result<VisibleRecords> ReadVisibleRecords(const std::string& bootstrap_servers,
                                          const std::map<std::string, std::string>& overrides,
                                          const std::map<TopicPartition, int64_t>& from,
                                          std::chrono::milliseconds timeout) {
  VisibleRecords out;
  if (from.empty()) return out;
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", bootstrap_servers},
      {"group.id", "tributary-source-settle"},  // required by librdkafka; never committed
      {"enable.auto.commit", "false"},
      {"enable.partition.eof", "true"},
      {"isolation.level", "read_committed"},
      {"auto.offset.reset", "earliest"},
  };
  for (const auto& [k, v] : overrides) {
    if (k.starts_with("security.") || k.starts_with("sasl.") || k.starts_with("ssl.")) props[k] = v;
  }
  ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, MakeRdKafkaConf(props, "consumer"));
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return InvalidArgument("cannot create Kafka consumer: {}", errstr);
  }
  // Partitions already at their end need no fetch.
  std::set<TopicPartition> pending;
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(from.size());
  for (const auto& [tp, offset] : from) {
    out[tp];
    int64_t low = 0, high = 0;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
        rk, tp.topic.c_str(), tp.partition.value(), &low, &high, static_cast<int>(timeout.count()));
    if (err) {
      rd_kafka_topic_partition_list_destroy(list);
      rd_kafka_destroy(rk);
      return Unavailable("end offset of {}: {}", tp.ToString(), rd_kafka_err2str(err));
    }
    if (high <= offset) continue;
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition.value())->offset =
        offset;
    pending.insert(tp);
  }
  Status status;
  if (!pending.empty()) {
    rd_kafka_assign(rk, list);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pending.empty()) {
      if (std::chrono::steady_clock::now() > deadline) {
        status = Unavailable("reading the target partitions back timed out after {} ms",
                             timeout.count());
        break;
      }
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 200);
      if (m == nullptr) continue;
      TopicPartition tp{rd_kafka_topic_name(m->rkt), Partition(m->partition)};
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        pending.erase(tp);
      } else if (m->err) {
        status = Unavailable("reading {} back: {}", tp.ToString(), rd_kafka_message_errstr(m));
        rd_kafka_message_destroy(m);
        break;
      } else if (pending.count(tp)) {
        std::optional<std::string_view> key, value;
        if (m->key) key = std::string_view(static_cast<const char*>(m->key), m->key_len);
        if (m->payload) value = std::string_view(static_cast<const char*>(m->payload), m->len);
        out[tp].push_back({m->offset, RecordFingerprint(key, value)});
      }
      rd_kafka_message_destroy(m);
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  if (!status.ok()) return status;
  return out;
}

}  // namespace tributary
