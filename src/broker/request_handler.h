// RequestHandler: turns one Kafka request frame into its response frame.
//
// It decodes the header and body with the table-driven codec, runs the handler of the
// API (Produce, Fetch, Metadata, the group APIs, ...) against Storage and the
// GroupCoordinator, and encodes the response in the request's version. The handlers
// are the only place where internal results become Kafka error codes.
//
// Thread safety: Handle may be called from many connection threads at once. A call may
// block: Produce until its WAL record is durable, Fetch up to its max wait, JoinGroup
// and SyncGroup until the rebalance step completes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "broker/group_coordinator.h"
#include "broker/storage.h"
#include "common/status.h"
#include "kafka/protocol/codec.h"
#include "kafka/protocol/message.h"

namespace tributary::broker {

struct BrokerOptions {
  int32_t node_id = 1;
  std::string advertised_host = "127.0.0.1";
  int32_t advertised_port = 9092;
  std::string cluster_id = "tributary";
  bool auto_create_topics = true;
  // When set, the first request of each (client, API, version) is written here as a
  // frame file: the corpus of src/kafka/protocol/corpus is captured this way.
  std::string capture_dir;
  // Tests only: API key -> the highest version ApiVersions advertises (below the table's
  // maximum), so clients negotiate down to older versions (corpus capture). Requests of
  // any version in the table are still served, except ApiVersions above its cap, which
  // gets UNSUPPORTED_VERSION (so clients retry with an older ApiVersions too).
  std::map<int, int> max_versions;
};

class RequestHandler {
 public:
  RequestHandler(BrokerOptions options, Storage* storage, GroupCoordinator* groups);

  // Completes a request: returns the response frame (size prefix included), or nullopt
  // when the request gets no response (Produce with acks=0). May block (Produce waits
  // here for its WAL fsync).
  using Reply = std::function<std::optional<std::string>()>;

  // Runs the request's effects in the caller's thread (so requests of one connection
  // take effect in order) and returns what completes it. The connection calls the
  // replies in request order on its writer thread, so several produce requests of one
  // connection can wait for the same fsync. An error means the connection must be
  // closed (an API or version not served, or a frame that does not decode).
  Result<Reply> Handle(std::string_view frame, const std::string& client_host);

 private:
  struct Context {
    const kafka::RequestHeader& header;
    int version;
    const std::string& client_host;
    bool* no_response;  // set by Produce with acks=0
    // Set by a handler whose response is finished later, on the connection's writer
    // thread (Produce: waiting for the WAL fsync).
    std::function<void(kafka::Struct&)>* finish;
  };
  using Fn = void (RequestHandler::*)(const Context&, const kafka::Struct&, kafka::Struct&);

  void Capture(const kafka::RequestHeader& header, std::string_view frame);

  void ApiVersions(const Context&, const kafka::Struct&, kafka::Struct&);
  void Metadata(const Context&, const kafka::Struct&, kafka::Struct&);
  void Produce(const Context&, const kafka::Struct&, kafka::Struct&);
  void Fetch(const Context&, const kafka::Struct&, kafka::Struct&);
  void ListOffsets(const Context&, const kafka::Struct&, kafka::Struct&);
  void FindCoordinator(const Context&, const kafka::Struct&, kafka::Struct&);
  void JoinGroup(const Context&, const kafka::Struct&, kafka::Struct&);
  void SyncGroup(const Context&, const kafka::Struct&, kafka::Struct&);
  void Heartbeat(const Context&, const kafka::Struct&, kafka::Struct&);
  void LeaveGroup(const Context&, const kafka::Struct&, kafka::Struct&);
  void OffsetCommit(const Context&, const kafka::Struct&, kafka::Struct&);
  void OffsetFetch(const Context&, const kafka::Struct&, kafka::Struct&);
  void InitProducerId(const Context&, const kafka::Struct&, kafka::Struct&);
  void CreateTopics(const Context&, const kafka::Struct&, kafka::Struct&);
  void DeleteTopics(const Context&, const kafka::Struct&, kafka::Struct&);
  void DescribeConfigs(const Context&, const kafka::Struct&, kafka::Struct&);
  void DescribeGroups(const Context&, const kafka::Struct&, kafka::Struct&);
  void ListGroups(const Context&, const kafka::Struct&, kafka::Struct&);
  void DeleteRecords(const Context&, const kafka::Struct&, kafka::Struct&);

  Fn HandlerFor(int api_key) const;
  void FillTopicMetadata(const TopicView& topic, kafka::Struct& out);
  // The name of the topic with this 16-byte id, or "" when there is none.
  std::string TopicNameById(const std::string& id) const;

  const BrokerOptions options_;
  Storage* storage_;
  GroupCoordinator* groups_;
  const kafka::MessageTable& table_;
  std::mutex capture_mu_;
  std::set<std::string> captured_;
};

}  // namespace tributary::broker
