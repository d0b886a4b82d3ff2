#include "broker/group_coordinator.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "broker/kafka_errors.h"
#include "common/strings.h"

namespace tributary::broker {

using Clock = std::chrono::steady_clock;

GroupCoordinator::GroupCoordinator() {
  ticker_ = std::thread([this] { Tick(); });
}

GroupCoordinator::~GroupCoordinator() { Shutdown(); }

void GroupCoordinator::Shutdown() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

const char* GroupCoordinator::StateName(State s) {
  switch (s) {
    case State::kEmpty:
      return "Empty";
    case State::kPreparingRebalance:
      return "PreparingRebalance";
    case State::kCompletingRebalance:
      return "CompletingRebalance";
    case State::kStable:
      return "Stable";
  }
  return "Dead";
}

std::string GroupCoordinator::NewMemberId(const std::string& client_id) {
  return fmt::format("{}-{}", client_id.empty() ? "member" : client_id, RandomHex(16));
}

bool GroupCoordinator::IsFenced(const Group& g, const std::optional<std::string>& instance_id,
                                const std::string& member_id) {
  if (!instance_id) return false;
  auto it = g.static_members.find(*instance_id);
  return it != g.static_members.end() && it->second != member_id;
}

void GroupCoordinator::PrepareRebalanceLocked(Group& g) {
  int32_t timeout = 0;
  for (auto& [id, m] : g.members) timeout = std::max(timeout, m.rebalance_timeout_ms);
  g.state = State::kPreparingRebalance;
  g.rebalance_deadline = Clock::now() + std::chrono::milliseconds(timeout);
  for (auto& [id, m] : g.members) m.join_result.reset();
  spdlog::debug("group {}: preparing rebalance (generation {})", g.id, g.generation);
  cv_.notify_all();
}

void GroupCoordinator::RemoveMemberLocked(Group& g, const std::string& member_id) {
  auto it = g.members.find(member_id);
  if (it == g.members.end()) return;
  if (it->second.instance_id) g.static_members.erase(*it->second.instance_id);
  g.members.erase(it);
  if (g.leader == member_id) g.leader.clear();
}

void GroupCoordinator::MaybeCompleteJoinLocked(Group& g, bool deadline_passed) {
  if (g.state != State::kPreparingRebalance) return;
  bool all = std::all_of(g.members.begin(), g.members.end(),
                         [](const auto& kv) { return kv.second.awaiting_join; });
  if (!all && !deadline_passed) return;
  std::vector<std::string> gone;
  for (auto& [id, m] : g.members) {
    if (!m.awaiting_join) gone.push_back(id);
  }
  for (const std::string& id : gone) {
    spdlog::info("group {}: member {} did not rejoin within the rebalance timeout", g.id, id);
    RemoveMemberLocked(g, id);
  }
  ++g.generation;
  if (g.members.empty()) {
    g.state = State::kEmpty;
    g.protocol_name.clear();
    cv_.notify_all();
    return;
  }
  // The protocol: the leader's first choice that every member supports.
  if (g.leader.empty() || !g.members.count(g.leader)) g.leader = g.members.begin()->first;
  std::string chosen;
  for (const auto& [name, meta] : g.members[g.leader].protocols) {
    bool everyone = std::all_of(g.members.begin(), g.members.end(), [&](const auto& kv) {
      return std::any_of(kv.second.protocols.begin(), kv.second.protocols.end(),
                         [&](const auto& p) { return p.first == name; });
    });
    if (everyone) {
      chosen = name;
      break;
    }
  }
  g.protocol_name = chosen;
  g.state = State::kCompletingRebalance;
  std::vector<JoinMember> members;
  for (auto& [id, m] : g.members) {
    std::string meta;
    for (const auto& p : m.protocols) {
      if (p.first == chosen) meta = p.second;
    }
    members.push_back({id, m.instance_id, meta});
  }
  for (auto& [id, m] : g.members) {
    JoinResult r;
    r.error = chosen.empty() ? kInconsistentGroupProtocol : kNone;
    r.generation = g.generation;
    r.protocol_type = g.protocol_type;
    r.protocol_name = chosen;
    r.leader = g.leader;
    r.member_id = id;
    if (id == g.leader) r.members = members;
    m.join_result = std::move(r);
    m.awaiting_join = false;
    m.assignment.clear();
    m.last_heartbeat = Clock::now();
  }
  spdlog::info("group {}: generation {} with {} members, protocol {}, leader {}", g.id,
               g.generation, g.members.size(), chosen, g.leader);
  cv_.notify_all();
}

JoinResult GroupCoordinator::Join(const JoinRequest& req) {
  JoinResult out;
  if (req.group_id.empty()) {
    out.error = kInvalidGroupId;
    return out;
  }
  if (req.session_timeout_ms < 1000 || req.session_timeout_ms > 1800000) {
    out.error = kInvalidSessionTimeout;
    return out;
  }
  std::unique_lock lock(mu_);
  Group& g = groups_[req.group_id];
  g.id = req.group_id;
  if (!g.members.empty() && g.protocol_type != req.protocol_type) {
    out.error = kInconsistentGroupProtocol;
    return out;
  }
  std::string member_id = req.member_id;
  if (member_id.empty()) {
    if (req.instance_id && g.static_members.count(*req.instance_id)) {
      // A static member restarted: it takes over its old place under a new id.
      std::string old_id = g.static_members[*req.instance_id];
      member_id = NewMemberId(req.client_id);
      auto node = g.members.extract(old_id);
      if (!node.empty()) {
        node.key() = member_id;
        node.mapped().id = member_id;
        g.members.insert(std::move(node));
      }
      if (g.leader == old_id) g.leader = member_id;
      g.static_members[*req.instance_id] = member_id;
    } else if (req.require_known_member_id && !req.instance_id) {
      out.member_id = NewMemberId(req.client_id);
      g.pending_members.push_back(out.member_id);
      out.error = kMemberIdRequired;
      return out;
    } else {
      member_id = NewMemberId(req.client_id);
    }
  } else if (!g.members.count(member_id)) {
    auto pending = std::find(g.pending_members.begin(), g.pending_members.end(), member_id);
    if (pending == g.pending_members.end()) {
      out.error = kUnknownMemberId;
      out.member_id = member_id;
      return out;
    }
    g.pending_members.erase(pending);
  } else if (IsFenced(g, req.instance_id, member_id)) {
    out.error = kFencedInstanceId;
    return out;
  }
  Member& m = g.members[member_id];
  m.id = member_id;
  m.instance_id = req.instance_id;
  if (req.instance_id) g.static_members[*req.instance_id] = member_id;
  m.client_id = req.client_id;
  m.client_host = req.client_host;
  m.protocols = req.protocols;
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms =
      req.rebalance_timeout_ms > 0 ? req.rebalance_timeout_ms : req.session_timeout_ms;
  m.last_heartbeat = Clock::now();
  m.awaiting_join = true;
  m.join_result.reset();
  g.protocol_type = req.protocol_type;
  if (g.state != State::kPreparingRebalance) PrepareRebalanceLocked(g);
  MaybeCompleteJoinLocked(g, false);
  // Wait for this rebalance to complete (the ticker enforces the deadline).
  while (true) {
    auto it = g.members.find(member_id);
    if (it == g.members.end()) {
      out.error = kUnknownMemberId;
      out.member_id = member_id;
      return out;
    }
    if (it->second.join_result) return *it->second.join_result;
    if (stop_) {
      out.error = kCoordinatorNotAvailable;
      return out;
    }
    cv_.wait_for(lock, std::chrono::milliseconds(200));
  }
}

SyncResult GroupCoordinator::Sync(
    const std::string& group_id, int32_t generation, const std::string& member_id,
    const std::optional<std::string>& instance_id,
    const std::vector<std::pair<std::string, std::string>>& assignments) {
  SyncResult out;
  std::unique_lock lock(mu_);
  auto git = groups_.find(group_id);
  if (git == groups_.end() || !git->second.members.count(member_id)) {
    out.error = kUnknownMemberId;
    return out;
  }
  Group& g = git->second;
  if (IsFenced(g, instance_id, member_id)) {
    out.error = kFencedInstanceId;
    return out;
  }
  if (generation != g.generation) {
    out.error = kIllegalGeneration;
    return out;
  }
  if (g.state == State::kPreparingRebalance) {
    out.error = kRebalanceInProgress;
    return out;
  }
  out.protocol_type = g.protocol_type;
  out.protocol_name = g.protocol_name;
  if (g.state == State::kCompletingRebalance && member_id == g.leader) {
    for (auto& [id, m] : g.members) m.assignment.clear();
    for (const auto& [id, assignment] : assignments) {
      auto m = g.members.find(id);
      if (m != g.members.end()) m->second.assignment = assignment;
    }
    g.state = State::kStable;
    cv_.notify_all();
  }
  while (g.state == State::kCompletingRebalance && g.generation == generation && !stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(200));
  }
  auto m = g.members.find(member_id);
  if (m == g.members.end()) {
    out.error = kUnknownMemberId;
    return out;
  }
  if (g.state != State::kStable || g.generation != generation) {
    out.error = kRebalanceInProgress;
    return out;
  }
  m->second.last_heartbeat = Clock::now();
  out.assignment = m->second.assignment;
  return out;
}

int16_t GroupCoordinator::Heartbeat(const std::string& group_id, int32_t generation,
                                    const std::string& member_id,
                                    const std::optional<std::string>& instance_id) {
  std::lock_guard lock(mu_);
  auto git = groups_.find(group_id);
  if (git == groups_.end()) return kUnknownMemberId;
  Group& g = git->second;
  if (IsFenced(g, instance_id, member_id)) {
    return kFencedInstanceId;
  }
  auto m = g.members.find(member_id);
  if (m == g.members.end()) return kUnknownMemberId;
  m->second.last_heartbeat = Clock::now();
  if (g.state == State::kPreparingRebalance) return kRebalanceInProgress;
  if (generation != g.generation) return kIllegalGeneration;
  return kNone;
}

int16_t GroupCoordinator::Leave(const std::string& group_id, const std::string& member_id,
                                const std::optional<std::string>& instance_id) {
  std::lock_guard lock(mu_);
  auto git = groups_.find(group_id);
  if (git == groups_.end()) return kUnknownMemberId;
  Group& g = git->second;
  std::string id = member_id;
  if (instance_id) {
    auto s = g.static_members.find(*instance_id);
    if (s == g.static_members.end()) return kUnknownMemberId;
    if (!id.empty() && s->second != id) return kFencedInstanceId;
    id = s->second;
  }
  if (!g.members.count(id)) return kUnknownMemberId;
  RemoveMemberLocked(g, id);
  spdlog::info("group {}: member {} left", g.id, id);
  if (g.members.empty()) {
    g.state = State::kEmpty;
    ++g.generation;
  } else if (g.state != State::kPreparingRebalance) {
    PrepareRebalanceLocked(g);
  }
  MaybeCompleteJoinLocked(g, false);
  cv_.notify_all();
  return kNone;
}

int16_t GroupCoordinator::CheckCommit(const std::string& group_id, int32_t generation,
                                      const std::string& member_id,
                                      const std::optional<std::string>& instance_id) {
  std::lock_guard lock(mu_);
  auto git = groups_.find(group_id);
  if (generation < 0 && member_id.empty()) {
    // A commit from outside the group protocol (admin tools, simple consumers).
    if (git != groups_.end() && !git->second.members.empty()) return kUnknownMemberId;
    return kNone;
  }
  if (git == groups_.end()) return kUnknownMemberId;
  Group& g = git->second;
  if (IsFenced(g, instance_id, member_id)) {
    return kFencedInstanceId;
  }
  auto m = g.members.find(member_id);
  if (m == g.members.end()) return kUnknownMemberId;
  if (generation != g.generation) return kIllegalGeneration;
  if (g.state == State::kCompletingRebalance) return kRebalanceInProgress;
  m->second.last_heartbeat = Clock::now();
  return kNone;
}

std::optional<GroupView> GroupCoordinator::Describe(const std::string& group_id) {
  std::lock_guard lock(mu_);
  auto git = groups_.find(group_id);
  if (git == groups_.end()) return std::nullopt;
  Group& g = git->second;
  GroupView v{g.id, StateName(g.state), g.protocol_type, g.protocol_name, {}};
  for (auto& [id, m] : g.members) {
    std::string meta;
    for (const auto& p : m.protocols) {
      if (p.first == g.protocol_name) meta = p.second;
    }
    v.members.push_back({id, m.instance_id, m.client_id, m.client_host, meta, m.assignment});
  }
  return v;
}

std::vector<GroupView> GroupCoordinator::List() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, g] : groups_) ids.push_back(id);
  }
  std::vector<GroupView> out;
  for (const std::string& id : ids) {
    if (auto v = Describe(id)) out.push_back(std::move(*v));
  }
  return out;
}

void GroupCoordinator::Tick() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(100));
    auto now = Clock::now();
    for (auto& [gid, g] : groups_) {
      std::vector<std::string> expired;
      for (auto& [id, m] : g.members) {
        if (m.awaiting_join) continue;  // its JoinGroup is waiting: it is alive
        if (now - m.last_heartbeat > std::chrono::milliseconds(m.session_timeout_ms)) {
          expired.push_back(id);
        }
      }
      for (const std::string& id : expired) {
        spdlog::info("group {}: member {} session expired", gid, id);
        RemoveMemberLocked(g, id);
      }
      if (!expired.empty()) {
        if (g.members.empty()) {
          if (g.state != State::kEmpty) ++g.generation;
          g.state = State::kEmpty;
        } else if (g.state != State::kPreparingRebalance) {
          PrepareRebalanceLocked(g);
        }
      }
      MaybeCompleteJoinLocked(g, now >= g.rebalance_deadline);
    }
  }
}

}  // namespace tributary::broker
