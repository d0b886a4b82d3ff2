#include "kafka/client/consumer.h"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <cstring>

#include "kafka/client/rdkafka_config.h"

namespace tributary {
namespace {

// "orders-0, orders-1, ... (+N more)": partition lists can be thousands long.
std::string Describe(const std::vector<TopicPartition>& tps) {
  constexpr size_t kMaxListed = 16;
  std::string out;
  for (size_t i = 0; i < tps.size() && i < kMaxListed; ++i) {
    out += (i ? ", " : "") + tps[i].ToString();
  }
  if (tps.size() > kMaxListed) out += fmt::format(" (+{} more)", tps.size() - kMaxListed);
  return out;
}

std::vector<TopicPartition> ToVector(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  for (int i = 0; i < list->cnt; ++i) {
    out.push_back({list->elems[i].topic, Partition(list->elems[i].partition)});
  }
  return out;
}

// librdkafka before 2.3.0 aborts when a cooperative-sticky consumer is closed before
// its first assignment (librdkafka issue #4312, fixed by PR #4381): a process stopped
// while it owns no partition would crash. Those versions (Debian 12 ships 2.0.2) get the
// eager range assignor instead; users may still choose cooperative-sticky explicitly.
constexpr int kFirstSafeCooperativeVersion = 0x020300ff;

std::string DefaultAssignmentStrategy() {
  return rd_kafka_version() >= kFirstSafeCooperativeVersion ? "cooperative-sticky" : "range";
}

}  // namespace

Message::~Message() {
  if (m_ != nullptr) rd_kafka_message_destroy(m_);
}

Record Message::record() const {
  Record r;
  r.topic = rd_kafka_topic_name(m_->rkt);
  r.partition = Partition(m_->partition);
  r.offset = Offset(m_->offset);
  rd_kafka_timestamp_type_t tstype;
  r.timestamp_ms = rd_kafka_message_timestamp(m_, &tstype);
  if (m_->key != nullptr) r.key = std::string_view(static_cast<const char*>(m_->key), m_->key_len);
  if (m_->payload != nullptr) {
    r.value = std::string_view(static_cast<const char*>(m_->payload), m_->len);
  }
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(m_, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR && headers != nullptr) {
    const char* name;
    const void* value;
    size_t size;
    r.headers.reserve(rd_kafka_header_cnt(headers));
    for (size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      RecordHeader h{name, std::nullopt};
      if (value != nullptr) h.value = std::string_view(static_cast<const char*>(value), size);
      r.headers.push_back(h);
    }
  }
  return r;
}

void Consumer::RebalanceCallback(rd_kafka_t* rk, int err_int, void* parts, void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  auto err = static_cast<rd_kafka_resp_err_t>(err_int);
  auto* partitions = static_cast<rd_kafka_topic_partition_list_t*>(parts);
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  std::vector<TopicPartition> tps = ToVector(partitions);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    spdlog::info("assigned {} partition(s): {}", tps.size(), Describe(tps));
    if (self->listener_) {
      // The listener decides where each partition starts (the sink's journal) before
      // any of its records is fetched.
      std::map<TopicPartition, Offset> start = self->listener_->OnAssigned(tps);
      for (int i = 0; i < partitions->cnt; ++i) {
        auto& elem = partitions->elems[i];
        auto it = start.find(TopicPartition{elem.topic, Partition(elem.partition)});
        if (it != start.end()) elem.offset = it->second.value();
      }
    }
    rd_kafka_error_t* e = nullptr;
    if (cooperative) {
      e = rd_kafka_incremental_assign(rk, partitions);
    } else if (rd_kafka_resp_err_t aerr = rd_kafka_assign(rk, partitions); aerr) {
      spdlog::error("assign failed: {}", rd_kafka_err2str(aerr));
    }
    if (e != nullptr) {
      spdlog::error("incremental assign failed: {}", rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
    }
    if (self->listener_) self->listener_->AfterAssigned(tps);
  } else {
    spdlog::info("{} {} partition(s): {}", rd_kafka_assignment_lost(rk) ? "lost" : "revoked",
                 tps.size(), Describe(tps));
    self->lost_ = rd_kafka_assignment_lost(rk);
    if (self->listener_) self->listener_->OnRevoked(tps);
    self->lost_ = false;
    if (cooperative) {
      rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, partitions);
      if (e != nullptr) {
        spdlog::error("incremental unassign failed: {}", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
      }
    } else {
      rd_kafka_assign(rk, nullptr);
    }
  }
}

Result<std::unique_ptr<Consumer>> Consumer::Create(const ConsumerOptions& options,
                                                   RebalanceListener* listener) {
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", options.bootstrap_servers},
      {"group.id", options.group_id},
      {"client.id", options.client_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      // Connect's default for sink tasks: start from the beginning of a new group.
      {"auto.offset.reset", "earliest"},
      {"partition.assignment.strategy", DefaultAssignmentStrategy()},
      {"enable.partition.eof", "false"},
      // The sink may spend up to a few minutes on the poll thread riding out a store
      // outage (sink/sink_task.cc); Kafka's 5-minute default would evict it meanwhile.
      {"max.poll.interval.ms", "600000"},
  };
  for (const auto& [k, v] : options.overrides) props[k] = v;

  ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, MakeRdKafkaConf(props, "consumer"));
  std::unique_ptr<Consumer> self(new Consumer());
  self->listener_ = listener;
  rd_kafka_conf_set_opaque(conf, self.get());
  rd_kafka_conf_set_rebalance_cb(
      conf, [](rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
               void* opaque) { RebalanceCallback(rk, err, parts, opaque); });
  if (options.on_commit) {
    self->on_commit_ = options.on_commit;
    rd_kafka_conf_set_offset_commit_cb(conf, [](rd_kafka_t*, rd_kafka_resp_err_t err,
                                                rd_kafka_topic_partition_list_t* offsets,
                                                void* opaque) {
      if (err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
      // The request may succeed while single partitions fail (a revoked one).
      for (int i = 0; !err && offsets != nullptr && i < offsets->cnt; ++i) {
        err = offsets->elems[i].err;
      }
      auto* self = static_cast<Consumer*>(opaque);
      self->on_commit_(err ? Unavailable("Kafka offset commit failed: {}", rd_kafka_err2str(err))
                           : Status::OK());
    });
  }
  char errstr[512];
  self->rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
  if (self->rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return InvalidArgument("cannot create Kafka consumer: {}", errstr);
  }
  rd_kafka_poll_set_consumer(self->rk_);
  return self;
}

Consumer::~Consumer() {
  Close();
  if (rk_ != nullptr) rd_kafka_destroy(rk_);
}

Status Consumer::Subscribe(const std::vector<std::string>& topics) {
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(topics.size()));
  for (const auto& t : topics)
    rd_kafka_topic_partition_list_add(list, t.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk_, list);
  rd_kafka_topic_partition_list_destroy(list);
  if (err) return InvalidArgument("subscribe to topics: {}", rd_kafka_err2str(err));
  return Status::OK();
}

namespace {

rd_kafka_topic_partition_list_t* ToList(const std::vector<TopicPartition>& tps) {
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(tps.size()));
  for (const auto& tp : tps) {
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition.value());
  }
  return list;
}

}  // namespace

void Consumer::Pause(const std::vector<TopicPartition>& tps) {
  rd_kafka_topic_partition_list_t* list = ToList(tps);
  if (rd_kafka_resp_err_t err = rd_kafka_pause_partitions(rk_, list); err) {
    spdlog::warn("pausing {}: {}", Describe(tps), rd_kafka_err2str(err));
  }
  rd_kafka_topic_partition_list_destroy(list);
}

void Consumer::Resume(const std::vector<TopicPartition>& tps) {
  rd_kafka_topic_partition_list_t* list = ToList(tps);
  if (rd_kafka_resp_err_t err = rd_kafka_resume_partitions(rk_, list); err) {
    spdlog::warn("resuming {}: {}", Describe(tps), rd_kafka_err2str(err));
  }
  rd_kafka_topic_partition_list_destroy(list);
}

Result<std::optional<Message>> Consumer::Poll(std::chrono::milliseconds timeout) {
  rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, static_cast<int>(timeout.count()));
  if (m == nullptr) return std::optional<Message>();
  if (m->err) {
    std::string what = rd_kafka_message_errstr(m);
    rd_kafka_resp_err_t err = m->err;
    std::string topic = m->rkt ? rd_kafka_topic_name(m->rkt) : "";
    int32_t partition = m->partition;
    rd_kafka_message_destroy(m);
    if (err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return std::optional<Message>();
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      char reason[512];
      rd_kafka_fatal_error(rk_, reason, sizeof(reason));
      return Internal("Kafka consumer fatal error: {}", reason);
    }
    if (err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
        err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED) {
      return PermissionDenied("Kafka: {} (topic '{}')", what, topic);
    }
    // Anything else (unknown topic while it is being created, broker transport errors)
    // is transient from the consumer's point of view: librdkafka keeps retrying.
    spdlog::warn("Kafka consumer: {} ({}-{})", what, topic, partition);
    return std::optional<Message>();
  }
  return std::optional<Message>(Message(m));
}

Status Consumer::Commit(const std::map<TopicPartition, Offset>& offsets, bool async) {
  if (offsets.empty() || closed_) return Status::OK();
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size()));
  for (const auto& [tp, off] : offsets) {
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition.value())->offset =
        off.value();
  }
  rd_kafka_resp_err_t err = rd_kafka_commit(rk_, list, async ? 1 : 0);
  rd_kafka_topic_partition_list_destroy(list);
  if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    return Unavailable("Kafka offset commit failed: {}", rd_kafka_err2str(err));
  }
  return Status::OK();
}

void Consumer::Close() {
  if (closed_ || rk_ == nullptr) return;
  closed_ = true;
  rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk_);
  if (err) spdlog::warn("Kafka consumer close: {}", rd_kafka_err2str(err));
}

Result<std::map<TopicPartition, Offset>> Consumer::CommittedOffsets(
    const std::vector<TopicPartition>& tps, std::chrono::milliseconds timeout) {
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(tps.size()));
  for (const auto& tp : tps) {
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition.value());
  }
  rd_kafka_resp_err_t err = rd_kafka_committed(rk_, list, static_cast<int>(timeout.count()));
  std::map<TopicPartition, Offset> out;
  if (!err) {
    for (int i = 0; i < list->cnt; ++i) {
      const auto& e = list->elems[i];
      if (e.offset >= 0) out[{e.topic, Partition(e.partition)}] = Offset(e.offset);
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  if (err) return Unavailable("committed offsets: {}", rd_kafka_err2str(err));
  return out;
}

Result<Offset> Consumer::HighWatermark(const TopicPartition& tp,
                                       std::chrono::milliseconds timeout) {
  int64_t low = 0, high = 0;
  rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
      rk_, tp.topic.c_str(), tp.partition.value(), &low, &high, static_cast<int>(timeout.count()));
  if (err) return Unavailable("watermarks of {}: {}", tp.ToString(), rd_kafka_err2str(err));
  return Offset(high);
}

}  // namespace tributary
