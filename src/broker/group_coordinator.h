// GroupCoordinator: Kafka's classic consumer-group protocol on one node.
//
// JoinGroup/SyncGroup/Heartbeat/LeaveGroup drive each group through Empty →
// PreparingRebalance → CompletingRebalance → Stable. Protocols (range, roundrobin,
// cooperative-sticky, ...) and their metadata/assignments are carried opaquely: the
// group leader assigns, the coordinator only relays. A rebalance completes when every
// known member has rejoined or the largest rebalance timeout passes (members that did
// not rejoin are removed); members whose heartbeats stop for their session timeout are
// removed. Static members (`group.instance.id`) keep their place across restarts: a
// rejoin with the same instance id replaces the old member id instead of adding a member.
//
// Join and Sync block the calling (connection) thread until the rebalance step they wait
// for completes, as Kafka's delayed operations do.
//
// Thread safety: every method may be called from any thread (one mutex, one condvar).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tributary::broker {

struct JoinRequest {
  std::string group_id;
  std::string member_id;
  std::optional<std::string> instance_id;
  std::string client_id;
  std::string client_host;
  std::string protocol_type;
  std::vector<std::pair<std::string, std::string>> protocols;  // name, metadata
  int32_t session_timeout_ms = 10000;
  int32_t rebalance_timeout_ms = -1;     // -1: the session timeout (JoinGroup v0)
  bool require_known_member_id = false;  // JoinGroup v4+
};

struct JoinMember {
  std::string member_id;
  std::optional<std::string> instance_id;
  std::string metadata;
};

struct JoinResult {
  int16_t error = 0;
  int32_t generation = -1;
  std::string protocol_type;
  std::string protocol_name;
  std::string leader;
  std::string member_id;
  std::vector<JoinMember> members;  // the leader only
};

struct SyncResult {
  int16_t error = 0;
  std::string protocol_type;
  std::string protocol_name;
  std::string assignment;
};

struct GroupMemberView {
  std::string member_id;
  std::optional<std::string> instance_id;
  std::string client_id;
  std::string client_host;
  std::string metadata;  // for the chosen protocol
  std::string assignment;
};

struct GroupView {
  std::string group_id;
  std::string state;  // Empty, PreparingRebalance, CompletingRebalance, Stable, Dead
  std::string protocol_type;
  std::string protocol_name;
  std::vector<GroupMemberView> members;
};

class GroupCoordinator {
 public:
  GroupCoordinator();
  ~GroupCoordinator();

  // Wakes every JoinGroup/SyncGroup waiting for a rebalance (they answer
  // COORDINATOR_NOT_AVAILABLE / REBALANCE_IN_PROGRESS) and stops the timer thread.
  // Called before the server waits for its connections at shutdown.
  void Shutdown();

  JoinResult Join(const JoinRequest& request);
  SyncResult Sync(const std::string& group_id, int32_t generation, const std::string& member_id,
                  const std::optional<std::string>& instance_id,
                  const std::vector<std::pair<std::string, std::string>>& assignments);
  int16_t Heartbeat(const std::string& group_id, int32_t generation, const std::string& member_id,
                    const std::optional<std::string>& instance_id);
  // Removes a member by id, or by instance id when `member_id` is empty.
  int16_t Leave(const std::string& group_id, const std::string& member_id,
                const std::optional<std::string>& instance_id);
  // Whether an offset commit from this member/generation is allowed (0) or the error.
  // generation -1 with an empty member id is a commit from outside the group (tools).
  int16_t CheckCommit(const std::string& group_id, int32_t generation, const std::string& member_id,
                      const std::optional<std::string>& instance_id);

  std::optional<GroupView> Describe(const std::string& group_id);
  std::vector<GroupView> List();

 private:
  enum class State { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable };
  struct Member {
    std::string id;
    std::optional<std::string> instance_id;
    std::string client_id, client_host, protocol_type;
    std::vector<std::pair<std::string, std::string>> protocols;
    int32_t session_timeout_ms = 10000;
    int32_t rebalance_timeout_ms = 10000;
    std::string assignment;
    std::chrono::steady_clock::time_point last_heartbeat;
    bool awaiting_join = false;
    std::optional<JoinResult> join_result;  // set when the rebalance completes
  };
  struct Group {
    std::string id;
    State state = State::kEmpty;
    int32_t generation = 0;
    std::string protocol_type, protocol_name, leader;
    std::map<std::string, Member> members;
    std::map<std::string, std::string> static_members;  // instance id -> member id
    std::vector<std::string> pending_members;           // ids handed out with MEMBER_ID_REQUIRED
    std::chrono::steady_clock::time_point rebalance_deadline;
  };

  static const char* StateName(State s);
  // A request naming a static member's instance id with another member id comes from
  // a member that a restart replaced (FENCED_INSTANCE_ID).
  static bool IsFenced(const Group& g, const std::optional<std::string>& instance_id,
                       const std::string& member_id);
  void PrepareRebalanceLocked(Group& g);
  void MaybeCompleteJoinLocked(Group& g, bool deadline_passed);
  void RemoveMemberLocked(Group& g, const std::string& member_id);
  void Tick();
  std::string NewMemberId(const std::string& client_id);

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Group> groups_;
  bool stop_ = false;
  std::thread ticker_;
};

}  // namespace tributary::broker
