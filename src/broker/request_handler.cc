#include "broker/request_handler.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "broker/framed_log.h"
#include "broker/kafka_errors.h"
#include "common/strings.h"
#include "kafka/protocol/api_versions.h"

namespace tributary::broker {

using kafka::Struct;

namespace {

std::optional<std::string> OptStr(const Struct& s, std::string_view field) {
  if (s.IsNull(field)) return std::nullopt;
  return s.Str(field);
}

void SetOptStr(Struct& s, std::string_view field, const std::optional<std::string>& v) {
  if (v) {
    s.SetStr(field, *v);
  } else {
    s.SetNull(field);
  }
}

}  // namespace

RequestHandler::RequestHandler(BrokerOptions options, Storage* storage, GroupCoordinator* groups)
    : options_(std::move(options)),
      storage_(storage),
      groups_(groups),
      table_(kafka::MessageTable::Builtin()) {}

RequestHandler::Fn RequestHandler::HandlerFor(int api_key) const {
  switch (api_key) {
    case 0:
      return &RequestHandler::Produce;
    case 1:
      return &RequestHandler::Fetch;
    case 2:
      return &RequestHandler::ListOffsets;
    case 3:
      return &RequestHandler::Metadata;
    case 8:
      return &RequestHandler::OffsetCommit;
    case 9:
      return &RequestHandler::OffsetFetch;
    case 10:
      return &RequestHandler::FindCoordinator;
    case 11:
      return &RequestHandler::JoinGroup;
    case 12:
      return &RequestHandler::Heartbeat;
    case 13:
      return &RequestHandler::LeaveGroup;
    case 14:
      return &RequestHandler::SyncGroup;
    case 15:
      return &RequestHandler::DescribeGroups;
    case 16:
      return &RequestHandler::ListGroups;
    case 18:
      return &RequestHandler::ApiVersions;
    case 19:
      return &RequestHandler::CreateTopics;
    case 20:
      return &RequestHandler::DeleteTopics;
    case 21:
      return &RequestHandler::DeleteRecords;
    case 22:
      return &RequestHandler::InitProducerId;
    case 32:
      return &RequestHandler::DescribeConfigs;
    default:
      return nullptr;
  }
}

void RequestHandler::Capture(const kafka::RequestHeader& header, std::string_view frame) {
  std::string client = header.client_id.value_or("null");
  for (char& c : client) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '_';
  }
  const kafka::ApiDef* api = table_.Find(header.api_key);
  std::string name = fmt::format(
      "{}-{}-v{}", client, api ? api->name : std::to_string(header.api_key), header.api_version);
  {
    std::lock_guard lock(capture_mu_);
    if (!captured_.insert(name).second) return;
  }
  std::string path = options_.capture_dir + "/" + name + ".bin";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  (void)WriteAll(fd, frame, path);
  close(fd);
}

Result<RequestHandler::Reply> RequestHandler::Handle(std::string_view frame,
                                                     const std::string& client_host) {
  ASSIGN_OR_RETURN(kafka::RequestHeader header, kafka::DecodeRequestHeader(frame, table_));
  if (!options_.capture_dir.empty()) Capture(header, frame);
  const kafka::ApiDef* api = table_.Find(header.api_key);
  // A capped ApiVersions (tests: --max-api-version) is answered like an unsupported one,
  // so clients fall back to the older ApiVersions versions too.
  auto cap = options_.max_versions.find(kafka::kApiVersionsKey);
  bool above_cap = cap != options_.max_versions.end() && header.api_version > cap->second;
  if (api && header.api_key == kafka::kApiVersionsKey &&
      (!api->versions.Contains(header.api_version) || above_cap)) {
    // Answer in v0 with UNSUPPORTED_VERSION and the full list, so the client can pick.
    Struct resp(api->response.get());
    kafka::FillApiVersions(table_, kUnsupportedVersion, &resp, options_.max_versions);
    std::string out =
        kafka::EncodeResponseFrame(header.correlation_id, header.api_key, 0, false, resp);
    return Reply([out]() { return std::optional<std::string>(out); });
  }
  if (!api || !api->versions.Contains(header.api_version)) {
    return InvalidArgument("client {} sent API key {} version {}, which this broker does not serve",
                           header.client_id.value_or("(null)"), header.api_key, header.api_version);
  }
  bool flexible = api->IsFlexible(header.api_version);
  ASSIGN_OR_RETURN(Struct request, kafka::DecodeStruct(*api->request, header.api_version, flexible,
                                                       frame.substr(header.size)));
  Struct response(api->response.get());
  bool no_response = false;
  std::function<void(Struct&)> finish;
  Context ctx{header, header.api_version, client_host, &no_response, &finish};
  (this->*HandlerFor(header.api_key))(ctx, request, response);
  int32_t correlation_id = header.correlation_id;
  int api_key = header.api_key, version = header.api_version;
  if (finish) {
    return Reply([finish, no_response, correlation_id, api_key, version, flexible,
                  response = std::move(response)]() mutable -> std::optional<std::string> {
      finish(response);
      if (no_response) return std::nullopt;
      return kafka::EncodeResponseFrame(correlation_id, api_key, version, flexible, response);
    });
  }
  std::optional<std::string> out;
  if (!no_response) {
    out = kafka::EncodeResponseFrame(correlation_id, api_key, version, flexible, response);
  }
  return Reply([out = std::move(out)]() { return out; });
}

// ---------------------------------------------------------------- ApiVersions, Metadata

void RequestHandler::ApiVersions(const Context&, const Struct&, Struct& resp) {
  kafka::FillApiVersions(table_, kNone, &resp, options_.max_versions);
}

void RequestHandler::FillTopicMetadata(const TopicView& topic, Struct& t) {
  t.SetInt("ErrorCode", kNone).SetStr("Name", topic.name).SetStr("TopicId", topic.id);
  for (int p = 0; p < topic.partitions; ++p) {
    Struct& part = t.Append("Partitions");
    part.SetInt("PartitionIndex", p).SetInt("LeaderId", options_.node_id).SetInt("LeaderEpoch", 0);
    part.MutableInts("ReplicaNodes").push_back(options_.node_id);
    part.MutableInts("IsrNodes").push_back(options_.node_id);
  }
}

void RequestHandler::Metadata(const Context& ctx, const Struct& req, Struct& resp) {
  Struct& broker = resp.Append("Brokers");
  broker.SetInt("NodeId", options_.node_id)
      .SetStr("Host", options_.advertised_host)
      .SetInt("Port", options_.advertised_port);
  resp.SetStr("ClusterId", options_.cluster_id).SetInt("ControllerId", options_.node_id);
  bool all = req.IsNull("Topics") || (ctx.version == 0 && req.Array("Topics").empty());
  if (all) {
    for (const TopicView& t : storage_->ListTopics()) FillTopicMetadata(t, resp.Append("Topics"));
    return;
  }
  bool create = options_.auto_create_topics && req.Bool("AllowAutoTopicCreation");
  for (const Struct& want : req.Array("Topics")) {
    Struct& t = resp.Append("Topics");
    std::string name = want.Str("Name");
    if (want.IsNull("Name")) name = TopicNameById(want.Str("TopicId"));
    auto topic = storage_->FindTopic(name);
    if (!topic && create) {
      std::string message;
      int16_t err = storage_->CreateTopic(name, storage_->default_partitions(), false, &message);
      if (err != kNone && err != kTopicAlreadyExists) {
        t.SetInt("ErrorCode", err).SetStr("Name", name);
        continue;
      }
      topic = storage_->FindTopic(name);
    }
    if (!topic) {
      t.SetInt("ErrorCode", kUnknownTopicOrPartition).SetStr("Name", name);
      continue;
    }
    FillTopicMetadata(*topic, t);
  }
}

// ---------------------------------------------------------------- Produce, Fetch, ListOffsets

void RequestHandler::Produce(const Context& ctx, const Struct& req, Struct& resp) {
  int64_t acks = req.Int("Acks");
  std::vector<PendingAppend> slots;
  for (const Struct& topic : req.Array("TopicData")) {
    Struct& t = resp.Append("Responses");
    t.SetStr("Name", topic.Str("Name"));
    for (const Struct& part : topic.Array("PartitionData")) {
      t.Append("PartitionResponses").SetInt("Index", part.Int("Index"));
      PendingAppend pending;
      if (acks != 0 && acks != 1 && acks != -1) {
        pending.error = kInvalidRequiredAcks;
      } else if (part.IsNull("Records") || part.Str("Records").empty()) {
        pending.error = kCorruptMessage;
        pending.message = "no record batch";
      } else {
        pending = storage_->Append(topic.Str("Name"), static_cast<int32_t>(part.Int("Index")),
                                   part.Str("Records"));
      }
      slots.push_back(std::move(pending));
    }
  }
  std::string client = ctx.header.client_id.value_or("");
  *ctx.finish = [this, slots = std::move(slots), client](Struct& resp) mutable {
    std::vector<PendingAppend*> pending;
    for (PendingAppend& s : slots) pending.push_back(&s);
    storage_->AwaitDurable(pending);
    size_t i = 0;
    for (Struct& t : resp.At("Responses").structs) {
      for (Struct& out : t.At("PartitionResponses").structs) {
        const PendingAppend& s = slots[i++];
        out.SetInt("ErrorCode", s.error)
            .SetInt("BaseOffset", s.error ? -1 : s.base_offset)
            .SetInt("LogStartOffset", s.log_start);
        if (!s.message.empty()) {
          out.SetStr("ErrorMessage", s.message);
          spdlog::warn("produce from {}: {}", client, s.message);
        }
      }
    }
  };
  if (acks == 0) *ctx.no_response = true;
}

std::string RequestHandler::TopicNameById(const std::string& id) const {
  for (const TopicView& v : storage_->ListTopics()) {
    if (v.id == id) return v.name;
  }
  return "";
}

void RequestHandler::Fetch(const Context& ctx, const Struct& req, Struct& resp) {
  using Clock = std::chrono::steady_clock;
  auto deadline =
      Clock::now() + std::chrono::milliseconds(std::max<int64_t>(0, req.Int("MaxWaitMs")));
  int64_t min_bytes = req.Int("MinBytes");
  int64_t max_bytes = req.Int("MaxBytes");
  while (true) {
    Struct attempt(resp.def());
    int64_t total = 0;
    bool any_error = false;
    for (const Struct& topic : req.Array("Topics")) {
      Struct& t = attempt.Append("Responses");
      // From v13 topics are named by id (KIP-516); an unknown id is UNKNOWN_TOPIC_ID.
      const bool by_id = ctx.version >= 13;
      const std::string name = by_id ? TopicNameById(topic.Str("TopicId")) : topic.Str("Topic");
      t.SetStr("Topic", topic.Str("Topic")).SetStr("TopicId", topic.Str("TopicId"));
      for (const Struct& part : topic.Array("Partitions")) {
        int64_t limit = std::min<int64_t>(part.Int("PartitionMaxBytes"), max_bytes - total);
        ReadResult r;
        if (by_id && name.empty()) {
          r.error = kUnknownTopicId;
        } else {
          r = storage_->Read(name, static_cast<int32_t>(part.Int("Partition")),
                             part.Int("FetchOffset"),
                             static_cast<int32_t>(std::max<int64_t>(limit, 0)), total == 0);
        }
        Struct& p = t.Append("Partitions");
        p.SetInt("PartitionIndex", part.Int("Partition"))
            .SetInt("ErrorCode", r.error)
            .SetInt("HighWatermark", r.high_watermark)
            .SetInt("LastStableOffset", r.high_watermark)
            .SetInt("LogStartOffset", r.log_start);
        total += static_cast<int64_t>(r.records.size());
        p.SetStr("Records", std::move(r.records));
        if (r.error) any_error = true;
      }
    }
    if (total >= std::max<int64_t>(min_bytes, 1) || any_error || Clock::now() >= deadline) {
      resp = std::move(attempt);
      return;
    }
    storage_->WaitForData(deadline);
  }
}

void RequestHandler::ListOffsets(const Context&, const Struct& req, Struct& resp) {
  for (const Struct& topic : req.Array("Topics")) {
    Struct& t = resp.Append("Topics");
    t.SetStr("Name", topic.Str("Name"));
    for (const Struct& part : topic.Array("Partitions")) {
      auto r =
          storage_->ListOffset(topic.Str("Name"), static_cast<int32_t>(part.Int("PartitionIndex")),
                               part.Int("Timestamp"));
      t.Append("Partitions")
          .SetInt("PartitionIndex", part.Int("PartitionIndex"))
          .SetInt("ErrorCode", r.error)
          .SetInt("Timestamp", r.timestamp)
          .SetInt("Offset", r.offset)
          .SetInt("LeaderEpoch", 0);
    }
  }
}

void RequestHandler::DeleteRecords(const Context&, const Struct& req, Struct& resp) {
  for (const Struct& topic : req.Array("Topics")) {
    Struct& t = resp.Append("Topics");
    t.SetStr("Name", topic.Str("Name"));
    for (const Struct& part : topic.Array("Partitions")) {
      auto r = storage_->DeleteRecords(
          topic.Str("Name"), static_cast<int32_t>(part.Int("PartitionIndex")), part.Int("Offset"));
      t.Append("Partitions")
          .SetInt("PartitionIndex", part.Int("PartitionIndex"))
          .SetInt("LowWatermark", r.error ? -1 : r.offset)
          .SetInt("ErrorCode", r.error);
    }
  }
}

void RequestHandler::InitProducerId(const Context&, const Struct& req, Struct& resp) {
  if (!req.IsNull("TransactionalId")) {
    // Transactions are not served yet; an idempotent producer sends a null id.
    resp.SetInt("ErrorCode", kInvalidRequest).SetInt("ProducerId", -1).SetInt("ProducerEpoch", -1);
    return;
  }
  if (req.Int("ProducerId") >= 0) {
    // KIP-360: an existing producer bumps its epoch to reset its sequences.
    resp.SetInt("ProducerId", req.Int("ProducerId"))
        .SetInt("ProducerEpoch", req.Int("ProducerEpoch") + 1);
    return;
  }
  auto id = storage_->AllocateProducerId();
  if (!id.ok()) {
    resp.SetInt("ErrorCode", kCoordinatorNotAvailable);
    return;
  }
  resp.SetInt("ProducerId", *id).SetInt("ProducerEpoch", 0);
}

// ---------------------------------------------------------------- groups

void RequestHandler::FindCoordinator(const Context& ctx, const Struct& req, Struct& resp) {
  if (ctx.version < 4) {
    resp.SetInt("NodeId", options_.node_id)
        .SetStr("Host", options_.advertised_host)
        .SetInt("Port", options_.advertised_port)
        .SetNull("ErrorMessage");
    return;
  }
  for (const std::string& key : req.Strs("CoordinatorKeys")) {
    resp.Append("Coordinators")
        .SetStr("Key", key)
        .SetInt("NodeId", options_.node_id)
        .SetStr("Host", options_.advertised_host)
        .SetInt("Port", options_.advertised_port)
        .SetNull("ErrorMessage");
  }
}

void RequestHandler::JoinGroup(const Context& ctx, const Struct& req, Struct& resp) {
  JoinRequest j;
  j.group_id = req.Str("GroupId");
  j.member_id = req.Str("MemberId");
  j.instance_id = OptStr(req, "GroupInstanceId");
  j.client_id = ctx.header.client_id.value_or("");
  j.client_host = ctx.client_host;
  j.protocol_type = req.Str("ProtocolType");
  for (const Struct& p : req.Array("Protocols"))
    j.protocols.emplace_back(p.Str("Name"), p.Str("Metadata"));
  j.session_timeout_ms = static_cast<int32_t>(req.Int("SessionTimeoutMs"));
  j.rebalance_timeout_ms = static_cast<int32_t>(req.Int("RebalanceTimeoutMs"));
  j.require_known_member_id = ctx.version >= 4;
  JoinResult r = groups_->Join(j);
  resp.SetInt("ErrorCode", r.error)
      .SetInt("GenerationId", r.generation)
      .SetStr("Leader", r.leader)
      .SetStr("MemberId", r.member_id);
  if (r.error && ctx.version >= 7) {
    resp.SetNull("ProtocolName");
  } else {
    resp.SetStr("ProtocolName", r.protocol_name);
  }
  if (r.error == 0) resp.SetStr("ProtocolType", r.protocol_type);
  for (const JoinMember& m : r.members) {
    Struct& e = resp.Append("Members");
    e.SetStr("MemberId", m.member_id).SetStr("Metadata", m.metadata);
    SetOptStr(e, "GroupInstanceId", m.instance_id);
  }
}

void RequestHandler::SyncGroup(const Context&, const Struct& req, Struct& resp) {
  std::vector<std::pair<std::string, std::string>> assignments;
  for (const Struct& a : req.Array("Assignments"))
    assignments.emplace_back(a.Str("MemberId"), a.Str("Assignment"));
  SyncResult r = groups_->Sync(req.Str("GroupId"), static_cast<int32_t>(req.Int("GenerationId")),
                               req.Str("MemberId"), OptStr(req, "GroupInstanceId"), assignments);
  resp.SetInt("ErrorCode", r.error).SetStr("Assignment", r.assignment);
  if (r.error == 0) {
    resp.SetStr("ProtocolType", r.protocol_type).SetStr("ProtocolName", r.protocol_name);
  }
}

void RequestHandler::Heartbeat(const Context&, const Struct& req, Struct& resp) {
  resp.SetInt("ErrorCode",
              groups_->Heartbeat(req.Str("GroupId"), static_cast<int32_t>(req.Int("GenerationId")),
                                 req.Str("MemberId"), OptStr(req, "GroupInstanceId")));
}

void RequestHandler::LeaveGroup(const Context& ctx, const Struct& req, Struct& resp) {
  if (ctx.version < 3) {
    resp.SetInt("ErrorCode", groups_->Leave(req.Str("GroupId"), req.Str("MemberId"), std::nullopt));
    return;
  }
  for (const Struct& m : req.Array("Members")) {
    auto instance = OptStr(m, "GroupInstanceId");
    Struct& out = resp.Append("Members");
    out.SetStr("MemberId", m.Str("MemberId"))
        .SetInt("ErrorCode", groups_->Leave(req.Str("GroupId"), m.Str("MemberId"), instance));
    SetOptStr(out, "GroupInstanceId", instance);
  }
}

void RequestHandler::OffsetCommit(const Context&, const Struct& req, Struct& resp) {
  const std::string& group = req.Str("GroupId");
  int16_t group_error =
      groups_->CheckCommit(group, static_cast<int32_t>(req.Int("GenerationIdOrMemberEpoch")),
                           req.Str("MemberId"), OptStr(req, "GroupInstanceId"));
  std::vector<Storage::OffsetCommit> commits;
  std::vector<Struct*> committed_slots;
  // Build the response shape first; pointers stay valid once all elements exist.
  for (const Struct& topic : req.Array("Topics")) {
    Struct& t = resp.Append("Topics");
    t.SetStr("Name", topic.Str("Name"));
    for (const Struct& part : topic.Array("Partitions")) {
      t.Append("Partitions").SetInt("PartitionIndex", part.Int("PartitionIndex"));
    }
  }
  auto& out_topics = resp.At("Topics").structs;
  size_t ti = 0;
  for (const Struct& topic : req.Array("Topics")) {
    bool exists = storage_->FindTopic(topic.Str("Name")).has_value();
    size_t pi = 0;
    for (const Struct& part : topic.Array("Partitions")) {
      Struct& slot = out_topics[ti].At("Partitions").structs[pi++];
      if (group_error) {
        slot.SetInt("ErrorCode", group_error);
      } else if (!exists) {
        slot.SetInt("ErrorCode", kUnknownTopicOrPartition);
      } else {
        CommittedOffset c;
        c.offset = part.Int("CommittedOffset");
        c.leader_epoch = static_cast<int32_t>(part.Int("CommittedLeaderEpoch"));
        c.metadata = part.Str("CommittedMetadata");
        commits.push_back({topic.Str("Name"), static_cast<int32_t>(part.Int("PartitionIndex")), c});
        committed_slots.push_back(&slot);
      }
    }
    ++ti;
  }
  if (!commits.empty()) {
    Status st = storage_->CommitOffsets(group, commits);
    if (!st.ok()) {
      spdlog::error("group {}: committing offsets: {}", group, st.ToString());
      for (Struct* s : committed_slots) s->SetInt("ErrorCode", kCoordinatorNotAvailable);
    }
  }
}

namespace {

void FillOffsets(Storage* storage, const std::string& group, const Struct* topics_req,
                 Struct& out_container) {
  auto fill_partition = [&](Struct& t, const std::string& topic, int32_t p) {
    Struct& part = t.Append("Partitions");
    part.SetInt("PartitionIndex", p).SetStr("Metadata", "");
    if (auto c = storage->FetchOffset(group, topic, p)) {
      part.SetInt("CommittedOffset", c->offset)
          .SetInt("CommittedLeaderEpoch", c->leader_epoch)
          .SetStr("Metadata", c->metadata);
    } else {
      part.SetInt("CommittedOffset", -1);
    }
  };
  if (topics_req == nullptr) {
    for (const auto& [topic, parts] : storage->GroupOffsets(group)) {
      Struct& t = out_container.Append("Topics");
      t.SetStr("Name", topic);
      for (const auto& [p, c] : parts) fill_partition(t, topic, p);
    }
    return;
  }
  for (const Struct& want : topics_req->Array("Topics")) {
    Struct& t = out_container.Append("Topics");
    t.SetStr("Name", want.Str("Name"));
    for (int64_t p : want.Ints("PartitionIndexes"))
      fill_partition(t, want.Str("Name"), static_cast<int32_t>(p));
  }
}

}  // namespace

void RequestHandler::OffsetFetch(const Context& ctx, const Struct& req, Struct& resp) {
  if (ctx.version < 8) {
    FillOffsets(storage_, req.Str("GroupId"), req.IsNull("Topics") ? nullptr : &req, resp);
    return;
  }
  for (const Struct& g : req.Array("Groups")) {
    Struct& out = resp.Append("Groups");
    out.SetStr("GroupId", g.Str("GroupId"));
    FillOffsets(storage_, g.Str("GroupId"), g.IsNull("Topics") ? nullptr : &g, out);
  }
}

void RequestHandler::DescribeGroups(const Context&, const Struct& req, Struct& resp) {
  auto with_offsets = storage_->GroupsWithOffsets();
  for (const std::string& id : req.Strs("Groups")) {
    Struct& g = resp.Append("Groups");
    g.SetStr("GroupId", id);
    auto view = groups_->Describe(id);
    if (!view) {
      bool known = std::find(with_offsets.begin(), with_offsets.end(), id) != with_offsets.end();
      g.SetStr("GroupState", known ? "Empty" : "Dead");
      continue;
    }
    g.SetStr("GroupState", view->state)
        .SetStr("ProtocolType", view->protocol_type)
        .SetStr("ProtocolData", view->protocol_name);
    for (const GroupMemberView& m : view->members) {
      Struct& member = g.Append("Members");
      member.SetStr("MemberId", m.member_id)
          .SetStr("ClientId", m.client_id)
          .SetStr("ClientHost", m.client_host)
          .SetStr("MemberMetadata", m.metadata)
          .SetStr("MemberAssignment", m.assignment);
      SetOptStr(member, "GroupInstanceId", m.instance_id);
    }
  }
}

void RequestHandler::ListGroups(const Context&, const Struct& req, Struct& resp) {
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>>
      all;  // id, (type, state)
  for (const GroupView& v : groups_->List())
    all.push_back({v.group_id, {v.protocol_type, v.state}});
  for (const std::string& id : storage_->GroupsWithOffsets()) {
    bool seen = std::any_of(all.begin(), all.end(), [&](const auto& e) { return e.first == id; });
    if (!seen) all.push_back({id, {"consumer", "Empty"}});
  }
  const auto& filter = req.Strs("StatesFilter");
  for (const auto& [id, ts] : all) {
    if (!filter.empty() && std::none_of(filter.begin(), filter.end(), [&](const std::string& f) {
          return EqualsIgnoreCase(f, ts.second);
        })) {
      continue;
    }
    resp.Append("Groups")
        .SetStr("GroupId", id)
        .SetStr("ProtocolType", ts.first)
        .SetStr("GroupState", ts.second);
  }
}

// ---------------------------------------------------------------- admin

void RequestHandler::CreateTopics(const Context&, const Struct& req, Struct& resp) {
  for (const Struct& topic : req.Array("Topics")) {
    Struct& t = resp.Append("Topics");
    const std::string& name = topic.Str("Name");
    t.SetStr("Name", name);
    int partitions = static_cast<int>(topic.Int("NumPartitions"));
    if (!topic.Array("Assignments").empty())
      partitions = static_cast<int>(topic.Array("Assignments").size());
    int64_t rf = topic.Int("ReplicationFactor");
    std::string message;
    int16_t err = kNone;
    if (rf != -1 && rf != 1) {
      err = kInvalidReplicationFactor;
      message = fmt::format(
          "topic '{}': replication factor {}; this single-node broker keeps one "
          "copy (durability comes from the WAL and the object store)",
          name, rf);
    } else {
      err = storage_->CreateTopic(name, partitions, req.Bool("ValidateOnly"), &message);
    }
    t.SetInt("ErrorCode", err);
    if (err) {
      t.SetStr("ErrorMessage", message);
      continue;
    }
    auto view = storage_->FindTopic(name);
    t.SetInt(
         "NumPartitions",
         view ? view->partitions : (partitions == -1 ? storage_->default_partitions() : partitions))
        .SetInt("ReplicationFactor", 1);
    if (view) t.SetStr("TopicId", view->id);
  }
}

void RequestHandler::DeleteTopics(const Context& ctx, const Struct& req, Struct& resp) {
  std::vector<std::string> names;
  if (ctx.version < 6) {
    names = req.Strs("TopicNames");
  } else {
    for (const Struct& t : req.Array("Topics")) {
      std::string name = t.Str("Name");
      if (t.IsNull("Name")) name = TopicNameById(t.Str("TopicId"));
      names.push_back(name);
    }
  }
  for (const std::string& name : names) {
    auto view = storage_->FindTopic(name);
    Struct& r = resp.Append("Responses");
    r.SetStr("Name", name).SetInt("ErrorCode", storage_->DeleteTopic(name));
    if (view) r.SetStr("TopicId", view->id);
  }
}

void RequestHandler::DescribeConfigs(const Context&, const Struct& req, Struct& resp) {
  // What the broker actually does, described in Kafka's config names. Config types:
  // 2 STRING, 3 INT, 5 LONG (DescribeConfigs v3+). Source 5: DEFAULT_CONFIG.
  struct Entry {
    const char* name;
    const char* value;
    int type;
  };
  static const Entry kTopic[] = {{"cleanup.policy", "delete", 2},
                                 {"compression.type", "producer", 2},
                                 {"retention.ms", "-1", 5},
                                 {"retention.bytes", "-1", 5},
                                 {"max.message.bytes", "1048588", 3},
                                 {"min.insync.replicas", "1", 3},
                                 {"message.timestamp.type", "CreateTime", 2}};
  static const Entry kBroker[] = {{"num.partitions", nullptr, 3},
                                  {"auto.create.topics.enable", nullptr, 1},
                                  {"default.replication.factor", "1", 3},
                                  {"offsets.topic.replication.factor", "1", 4}};
  for (const Struct& r : req.Array("Resources")) {
    Struct& out = resp.Append("Results");
    int64_t type = r.Int("ResourceType");
    const std::string& name = r.Str("ResourceName");
    out.SetInt("ResourceType", type).SetStr("ResourceName", name);
    std::vector<Entry> entries;
    std::string partitions = std::to_string(storage_->default_partitions());
    if (type == 2) {
      if (!storage_->FindTopic(name)) {
        out.SetInt("ErrorCode", kUnknownTopicOrPartition)
            .SetStr("ErrorMessage", fmt::format("topic '{}' does not exist", name));
        continue;
      }
      entries.assign(std::begin(kTopic), std::end(kTopic));
    } else if (type == 4) {
      entries.assign(std::begin(kBroker), std::end(kBroker));
      entries[0].value = partitions.c_str();
      entries[1].value = options_.auto_create_topics ? "true" : "false";
    } else {
      out.SetInt("ErrorCode", kInvalidRequest)
          .SetStr("ErrorMessage", fmt::format("resource type {} is not described", type));
      continue;
    }
    bool filter = !r.IsNull("ConfigurationKeys");
    const auto& keys = r.Strs("ConfigurationKeys");
    for (const Entry& e : entries) {
      if (filter && std::find(keys.begin(), keys.end(), e.name) == keys.end()) continue;
      out.Append("Configs")
          .SetStr("Name", e.name)
          .SetStr("Value", e.value)
          .SetBool("ReadOnly", true)
          .SetBool("IsDefault", true)
          .SetInt("ConfigSource", 5)
          .SetInt("ConfigType", e.type);
    }
  }
}

}  // namespace tributary::broker
