#include "broker/storage.h"

#include <sys/stat.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "broker/framed_log.h"
#include "broker/kafka_errors.h"
#include "broker/object_format.h"
#include "common/strings.h"
#include "kafka/protocol/record_batch.h"

namespace tributary::broker {
namespace {

constexpr uint8_t kWalBatch = 1;
constexpr int64_t kProducerIdBlock = 1000;
constexpr size_t kRecentBatches = 5;  // Kafka keeps the last five batches per producer

std::string ObjectKey(uint64_t id) { return fmt::format("broker/data/{:020}.obj", id); }

bool ValidTopicName(const std::string& name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

Storage::Storage(StorageOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<Storage>> Storage::Open(StorageOptions options) {
  mkdir(options.data_dir.c_str(), 0755);
  std::unique_ptr<Storage> s(new Storage(std::move(options)));
  s->wal_ = std::make_unique<Wal>(s->options_.data_dir + "/wal");
  s->meta_ = std::make_unique<MetadataLog>(s->options_.data_dir + "/meta");
  s->block_cache_ = std::make_unique<BlockCache>(s->options_.store, s->options_.block_cache_bytes);
  RETURN_IF_ERROR(s->Recover());
  RETURN_IF_ERROR(s->wal_->Start());
  s->packer_ = std::thread([p = s.get()] { p->PackLoop(); });
  return s;
}

Storage::~Storage() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (packer_.joinable()) packer_.join();
  wal_->Stop();
}

// ---------------------------------------------------------------- recovery

Status Storage::ApplyMeta(uint8_t type, std::string_view payload) {
  PayloadReader r(payload);
  switch (type) {
    case kTopicCreated: {
      std::string name;
      int32_t partitions = 0;
      std::string_view id;
      if (!r.Str(&name) || !r.I32(&partitions) || !r.Raw(16, &id)) break;
      Topic t;
      t.name = name;
      t.id = std::string(id);
      t.partitions.resize(static_cast<size_t>(partitions));
      names_[t.id] = name;
      topics_[name] = std::move(t);
      return Status::OK();
    }
    case kTopicDeleted: {
      std::string name;
      if (!r.Str(&name)) break;
      auto it = topics_.find(name);
      if (it != topics_.end()) {
        names_.erase(it->second.id);
        topics_.erase(it);
      }
      return Status::OK();
    }
    case kObjectCommitted: {
      int64_t id = 0, size = 0, wal_before = 0;
      std::string key;
      if (!r.I64(&id) || !r.Str(&key) || !r.I64(&size) || !r.I64(&wal_before)) break;
      objects_[static_cast<uint64_t>(id)] = {key, static_cast<uint64_t>(size)};
      next_object_id_ = std::max(next_object_id_, static_cast<uint64_t>(id) + 1);
      wal_trim_before_ = std::max(wal_trim_before_, static_cast<uint64_t>(wal_before));
      return Status::OK();
    }
    case kOffsetCommitted: {
      std::string group, topic;
      int32_t partition = 0;
      CommittedOffset c;
      if (!r.Str(&group) || !r.Str(&topic) || !r.I32(&partition) || !r.I64(&c.offset) ||
          !r.I32(&c.leader_epoch) || !r.Str(&c.metadata)) {
        break;
      }
      offsets_[group][topic][partition] = c;
      return Status::OK();
    }
    case kLogStartAdvanced: {
      std::string id;
      std::string_view raw;
      int32_t partition = 0;
      int64_t offset = 0;
      if (!r.Raw(16, &raw) || !r.I32(&partition) || !r.I64(&offset)) break;
      if (Topic* t = TopicById(std::string(raw))) {
        if (partition >= 0 && static_cast<size_t>(partition) < t->partitions.size()) {
          PartitionLog& log = t->partitions[partition];
          log.log_start = std::max(log.log_start, offset);
        }
      }
      return Status::OK();
    }
    case kProducerIdsAllocated: {
      int64_t limit = 0;
      if (!r.I64(&limit)) break;
      next_producer_id_ = producer_id_limit_ = std::max(producer_id_limit_, limit);
      return Status::OK();
    }
    default:
      return Corruption("metadata log: unknown record type {}", type);
  }
  return Corruption("metadata log: record type {} is truncated", type);
}

bool Storage::HasPartition(std::map<std::string, Topic>::iterator it, int32_t partition) const {
  return it != topics_.end() && partition >= 0 &&
         static_cast<size_t>(partition) < it->second.partitions.size();
}

Storage::Topic* Storage::TopicById(const std::string& id) {
  auto it = names_.find(id);
  if (it == names_.end()) return nullptr;
  return &topics_[it->second];
}

void Storage::TrackProducer(PartitionLog& log, const BatchRef& ref) {
  if (ref.producer_id < 0) return;
  ProducerState& ps = log.producers[ref.producer_id];
  if (ref.producer_epoch != ps.epoch) {
    ps.recent.clear();
    ps.epoch = ref.producer_epoch;
  }
  int32_t last_seq = ref.base_sequence + static_cast<int32_t>(ref.last_offset - ref.base_offset);
  ps.last_sequence = last_seq;
  ps.recent.push_back({ref.base_sequence, last_seq, ref.base_offset, ref.wal_sequence});
  if (ps.recent.size() > kRecentBatches) ps.recent.pop_front();
}

void Storage::AddBatchLocked(Topic& topic, int32_t partition, BatchRef ref) {
  PartitionLog& log = topic.partitions[partition];
  log.next_offset = std::max(log.next_offset, ref.last_offset + 1);
  TrackProducer(log, ref);
  log.batches.push_back(std::move(ref));
}

Status Storage::LoadObject(uint64_t id) {
  const ObjectInfo& info = objects_[id];
  if (info.size < kObjectFooterSize) return Corruption("object {}: too small", info.key);
  ASSIGN_OR_RETURN(
      std::string footer_bytes,
      options_.store->Get(info.key, ByteRange{info.size - kObjectFooterSize, info.size - 1}));
  ASSIGN_OR_RETURN(ObjectFooter footer, ParseFooter(footer_bytes, info.key));
  std::string index;
  if (footer.index_length > 0) {
    ASSIGN_OR_RETURN(index, options_.store->Get(info.key, ByteRange{footer.index_position,
                                                                    footer.index_position +
                                                                        footer.index_length - 1}));
  }
  ASSIGN_OR_RETURN(auto entries, ParseIndex(index, footer, info.key));
  for (IndexEntry& e : entries) {
    Topic* t = TopicById(e.topic);
    if (!t || e.partition < 0 || static_cast<size_t>(e.partition) >= t->partitions.size()) {
      continue;  // a deleted topic's data
    }
    BatchRef ref;
    ref.base_offset = e.base_offset;
    ref.last_offset = e.base_offset + e.last_offset_delta;
    ref.max_timestamp = e.max_timestamp;
    ref.producer_id = e.producer_id;
    ref.producer_epoch = e.producer_epoch;
    ref.base_sequence = e.base_sequence;
    ref.record_count = e.record_count;
    ref.object_id = id;
    ref.position = e.position;
    ref.size = e.size;
    if (ref.base_offset < t->partitions[e.partition].next_offset) continue;
    AddBatchLocked(*t, e.partition, std::move(ref));
  }
  return Status::OK();
}

Status Storage::Recover() {
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(meta_->Open(
      [this](uint8_t type, std::string_view payload) { return ApplyMeta(type, payload); }));
  for (auto& [id, info] : objects_) {
    Status st = LoadObject(id);
    if (!st.ok()) return st.WithContext("loading the object index");
  }
  uint64_t wal_batches = 0;
  RETURN_IF_ERROR(wal_->Replay([&](uint64_t seq, uint8_t type, std::string_view payload) {
    if (type != kWalBatch) return Corruption("WAL record {}: unknown type {}", seq, type);
    PayloadReader r(payload);
    std::string id;
    int32_t partition = 0;
    if (!r.Str(&id) || !r.I32(&partition)) return Corruption("WAL record {}: truncated", seq);
    Topic* t = TopicById(id);
    if (!t || partition < 0 || static_cast<size_t>(partition) >= t->partitions.size()) {
      return Status::OK();
    }
    auto header = kafka::ReadBatchHeader(r.Rest());
    if (!header.ok()) return header.status().WithContext(fmt::format("WAL record {}", seq));
    if (header->base_offset < t->partitions[partition].next_offset) return Status::OK();
    BatchRef ref;
    ref.base_offset = header->base_offset;
    ref.last_offset = header->LastOffset();
    ref.max_timestamp = header->max_timestamp;
    ref.producer_id = header->producer_id;
    ref.producer_epoch = header->producer_epoch;
    ref.base_sequence = header->base_sequence;
    ref.record_count = header->record_count;
    ref.bytes = std::make_shared<const std::string>(r.Rest());
    ref.size = static_cast<uint32_t>(ref.bytes->size());
    ref.wal_sequence = seq;
    AddBatchLocked(*t, partition, std::move(ref));
    ++wal_batches;
    return Status::OK();
  }));
  RETURN_IF_ERROR(wal_->TrimBefore(wal_trim_before_));
  size_t partitions = 0;
  for (auto& [name, t] : topics_) {
    for (PartitionLog& log : t.partitions) {
      log.high_watermark = log.next_offset;
      log.next_offset = std::max(log.next_offset, log.log_start);
      log.high_watermark = std::max(log.high_watermark, log.log_start);
      ++partitions;
    }
  }
  spdlog::info("broker storage recovered: {} topics, {} partitions, {} objects, {} WAL batches",
               topics_.size(), partitions, objects_.size(), wal_batches);
  return Status::OK();
}

// ---------------------------------------------------------------- topics

int16_t Storage::CreateTopic(const std::string& name, int partitions, bool validate_only,
                             std::string* message) {
  if (!ValidTopicName(name)) {
    *message = fmt::format("topic name '{}' is invalid: use 1-249 of [a-zA-Z0-9._-]", name);
    return kInvalidTopicException;
  }
  if (partitions == -1) partitions = options_.default_partitions;
  if (partitions <= 0 || partitions > 10000) {
    *message = fmt::format("topic '{}': {} partitions; expected 1 to 10000", name, partitions);
    return kInvalidPartitions;
  }
  std::lock_guard lock(mu_);
  if (topics_.count(name)) {
    *message = fmt::format("topic '{}' already exists", name);
    return kTopicAlreadyExists;
  }
  if (validate_only) return kNone;
  std::string id;
  while (id.size() != 16 || names_.count(id)) {
    std::string hex = RandomHex(32);
    id.clear();
    for (size_t i = 0; i < 32; i += 2) {
      id.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
  }
  PayloadWriter w;
  w.Str(name).I32(partitions).Raw(id);
  Status st = meta_->Append(kTopicCreated, std::move(w.data()));
  if (!st.ok()) {
    *message = st.message();
    return kUnknownServerError;
  }
  Topic t;
  t.name = name;
  t.id = id;
  t.partitions.resize(static_cast<size_t>(partitions));
  names_[id] = name;
  topics_[name] = std::move(t);
  spdlog::info("created topic {} with {} partitions", name, partitions);
  return kNone;
}

int16_t Storage::DeleteTopic(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return kUnknownTopicOrPartition;
  PayloadWriter w;
  w.Str(name);
  if (!meta_->Append(kTopicDeleted, std::move(w.data())).ok()) return kUnknownServerError;
  names_.erase(it->second.id);
  topics_.erase(it);
  spdlog::info("deleted topic {}", name);
  return kNone;
}

std::vector<TopicView> Storage::ListTopics() const {
  std::lock_guard lock(mu_);
  std::vector<TopicView> out;
  for (const auto& [name, t] : topics_) {
    out.push_back({name, t.id, static_cast<int>(t.partitions.size())});
  }
  return out;
}

std::optional<TopicView> Storage::FindTopic(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = topics_.find(name);
  if (it == topics_.end()) return std::nullopt;
  return TopicView{name, it->second.id, static_cast<int>(it->second.partitions.size())};
}

// ---------------------------------------------------------------- produce

PendingAppend Storage::Append(const std::string& topic, int32_t partition, std::string records) {
  PendingAppend out;
  auto batches = kafka::ValidateBatches(records);
  if (!batches.ok()) {
    out.error = kCorruptMessage;
    out.message = fmt::format("{}-{}: {}", topic, partition, batches.status().message());
    return out;
  }
  std::lock_guard lock(mu_);
  auto it = topics_.find(topic);
  if (!HasPartition(it, partition)) {
    out.error = kUnknownTopicOrPartition;
    return out;
  }
  Topic& t = it->second;
  PartitionLog& log = t.partitions[partition];
  out.topic_id = t.id;
  out.partition = partition;
  out.log_start = log.log_start;
  // Idempotence: every batch of one request comes from one producer; check the first.
  const kafka::BatchHeader& first = (*batches)[0];
  if (first.producer_id >= 0 && first.base_sequence >= 0) {
    auto ps = log.producers.find(first.producer_id);
    if (ps != log.producers.end()) {
      if (first.producer_epoch < ps->second.epoch) {
        out.error = kInvalidProducerEpoch;
        return out;
      }
      if (first.producer_epoch == ps->second.epoch) {
        int32_t last_seq = (*batches).back().base_sequence + (*batches).back().last_offset_delta;
        for (const RecentBatch& r : ps->second.recent) {
          if (r.first_sequence == first.base_sequence && r.last_sequence == last_seq) {
            // A retry of a batch we already have: acknowledge it again, append nothing.
            out.base_offset = r.base_offset;
            out.wal_sequence = r.wal_sequence;
            out.end_offset = r.base_offset + (r.last_sequence - r.first_sequence) + 1;
            return out;
          }
        }
        int32_t expected = ps->second.last_sequence == INT32_MAX ? 0 : ps->second.last_sequence + 1;
        if (first.base_sequence != expected) {
          out.error = kOutOfOrderSequenceNumber;
          out.message = fmt::format("{}-{}: producer {} sent sequence {}, expected {}", topic,
                                    partition, first.producer_id, first.base_sequence, expected);
          return out;
        }
      } else if (first.base_sequence != 0) {
        out.error = kOutOfOrderSequenceNumber;
        out.message = fmt::format("{}-{}: producer {} epoch {} must start at sequence 0", topic,
                                  partition, first.producer_id, first.producer_epoch);
        return out;
      }
    }
  }
  size_t pos = 0;
  out.base_offset = log.next_offset;
  for (const kafka::BatchHeader& h : *batches) {
    size_t size = h.TotalSize();
    auto bytes = std::make_shared<std::string>(records.substr(pos, size));
    pos += size;
    int64_t base = log.next_offset;
    kafka::SetBaseOffset(bytes.get(), 0, base);
    PayloadWriter w;
    w.Str(t.id).I32(partition).Raw(*bytes);
    auto seq = wal_->Append(kWalBatch, w.data());
    if (!seq.ok()) {
      out.error = kUnknownServerError;
      out.message = seq.status().message();
      return out;
    }
    BatchRef ref;
    ref.base_offset = base;
    ref.last_offset = base + h.last_offset_delta;
    ref.max_timestamp = h.max_timestamp;
    ref.producer_id = h.producer_id;
    ref.producer_epoch = h.producer_epoch;
    ref.base_sequence = h.base_sequence;
    ref.record_count = h.record_count;
    ref.size = static_cast<uint32_t>(size);
    ref.bytes = std::move(bytes);
    ref.wal_sequence = *seq;
    out.wal_sequence = *seq;
    out.end_offset = ref.last_offset + 1;
    AddBatchLocked(t, partition, std::move(ref));
  }
  return out;
}

void Storage::AwaitDurable(std::vector<PendingAppend*>& appends) {
  uint64_t max_seq = 0;
  for (PendingAppend* a : appends) {
    if (a->error == 0) max_seq = std::max(max_seq, a->wal_sequence);
  }
  if (max_seq == 0) return;
  Status st = wal_->WaitDurable(max_seq);
  std::lock_guard lock(mu_);
  for (PendingAppend* a : appends) {
    if (a->error != 0) continue;
    if (!st.ok()) {
      a->error = kUnknownServerError;
      a->message = st.message();
      continue;
    }
    if (Topic* t = TopicById(a->topic_id)) {
      PartitionLog& log = t->partitions[a->partition];
      log.high_watermark = std::max(log.high_watermark, a->end_offset);
      a->log_start = log.log_start;
    }
  }
  data_cv_.notify_all();
}

// ---------------------------------------------------------------- fetch

ReadResult Storage::Read(const std::string& topic, int32_t partition, int64_t offset,
                         int32_t max_bytes, bool at_least_one) {
  ReadResult out;
  std::vector<BatchRef> refs;
  std::map<uint64_t, ObjectInfo> objects;
  {
    std::lock_guard lock(mu_);
    auto it = topics_.find(topic);
    if (!HasPartition(it, partition)) {
      out.error = kUnknownTopicOrPartition;
      return out;
    }
    const PartitionLog& log = it->second.partitions[partition];
    out.high_watermark = log.high_watermark;
    out.log_start = log.log_start;
    if (offset < log.log_start || offset > log.high_watermark) {
      out.error = kOffsetOutOfRange;
      return out;
    }
    auto b = std::lower_bound(log.batches.begin(), log.batches.end(), offset,
                              [](const BatchRef& r, int64_t o) { return r.last_offset < o; });
    uint64_t bytes = 0;
    for (; b != log.batches.end() && b->base_offset < log.high_watermark; ++b) {
      if (bytes + b->size > static_cast<uint64_t>(std::max(max_bytes, 0)) &&
          !(refs.empty() && at_least_one)) {
        break;
      }
      bytes += b->size;
      refs.push_back(*b);
      if (!b->bytes) objects[b->object_id] = objects_[b->object_id];
    }
  }
  for (const BatchRef& r : refs) {
    if (r.bytes) {
      out.records += *r.bytes;
      continue;
    }
    const ObjectInfo& info = objects[r.object_id];
    auto data = block_cache_->Read(info.key, info.size, r.position, r.size);
    if (!data.ok()) {
      spdlog::error("{}-{}@{}: {}", topic, partition, r.base_offset, data.status().ToString());
      if (out.records.empty()) out.error = kUnknownServerError;
      break;
    }
    out.records += *data;
  }
  return out;
}

void Storage::WaitForData(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  data_cv_.wait_until(lock, deadline);
}

Storage::ListOffsetResult Storage::ListOffset(const std::string& topic, int32_t partition,
                                              int64_t timestamp) {
  ListOffsetResult out;
  std::lock_guard lock(mu_);
  auto it = topics_.find(topic);
  if (!HasPartition(it, partition)) {
    out.error = kUnknownTopicOrPartition;
    return out;
  }
  const PartitionLog& log = it->second.partitions[partition];
  if (timestamp == -1) {
    out.offset = log.high_watermark;
  } else if (timestamp == -2) {
    out.offset = log.log_start;
  } else if (timestamp == -3) {
    for (const BatchRef& b : log.batches) {
      if (b.base_offset >= log.high_watermark || b.last_offset < log.log_start) continue;
      if (b.max_timestamp >= out.timestamp) {
        out.timestamp = b.max_timestamp;
        out.offset = b.last_offset;
      }
    }
  } else {
    for (const BatchRef& b : log.batches) {
      if (b.base_offset >= log.high_watermark) break;
      if (b.last_offset < log.log_start) continue;
      if (b.max_timestamp >= timestamp) {
        out.offset = std::max(b.base_offset, log.log_start);
        out.timestamp = b.max_timestamp;
        break;
      }
    }
  }
  return out;
}

Storage::ListOffsetResult Storage::DeleteRecords(const std::string& topic, int32_t partition,
                                                 int64_t offset) {
  ListOffsetResult out;
  std::lock_guard lock(mu_);
  auto it = topics_.find(topic);
  if (!HasPartition(it, partition)) {
    out.error = kUnknownTopicOrPartition;
    return out;
  }
  PartitionLog& log = it->second.partitions[partition];
  if (offset == -1) offset = log.high_watermark;
  if (offset < 0 || offset > log.high_watermark) {
    out.error = kOffsetOutOfRange;
    return out;
  }
  if (offset > log.log_start) {
    PayloadWriter w;
    w.Raw(it->second.id).I32(partition).I64(offset);
    if (!meta_->Append(kLogStartAdvanced, std::move(w.data())).ok()) {
      out.error = kUnknownServerError;
      return out;
    }
    log.log_start = offset;
    auto keep = std::lower_bound(log.batches.begin(), log.batches.end(), offset,
                                 [](const BatchRef& r, int64_t o) { return r.last_offset < o; });
    // Batches still waiting to be packed stay: the packer needs them for the WAL trim.
    log.batches.erase(std::remove_if(log.batches.begin(), keep,
                                     [](const BatchRef& r) { return r.object_id != 0; }),
                      keep);
  }
  out.offset = log.log_start;
  return out;
}

Result<int64_t> Storage::AllocateProducerId() {
  std::lock_guard lock(mu_);
  if (next_producer_id_ >= producer_id_limit_) {
    PayloadWriter w;
    w.I64(producer_id_limit_ + kProducerIdBlock);
    RETURN_IF_ERROR(meta_->Append(kProducerIdsAllocated, std::move(w.data())));
    producer_id_limit_ += kProducerIdBlock;
  }
  return next_producer_id_++;
}

// ---------------------------------------------------------------- group offsets

Status Storage::CommitOffsets(const std::string& group, const std::vector<OffsetCommit>& commits) {
  std::vector<MetaRecord> records;
  for (const OffsetCommit& c : commits) {
    PayloadWriter w;
    w.Str(group)
        .Str(c.topic)
        .I32(c.partition)
        .I64(c.value.offset)
        .I32(c.value.leader_epoch)
        .Str(c.value.metadata);
    records.push_back({kOffsetCommitted, std::move(w.data())});
  }
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(meta_->Append(records));
  for (const OffsetCommit& c : commits) offsets_[group][c.topic][c.partition] = c.value;
  return Status::OK();
}

std::optional<CommittedOffset> Storage::FetchOffset(const std::string& group,
                                                    const std::string& topic,
                                                    int32_t partition) const {
  std::lock_guard lock(mu_);
  auto g = offsets_.find(group);
  if (g == offsets_.end()) return std::nullopt;
  auto t = g->second.find(topic);
  if (t == g->second.end()) return std::nullopt;
  auto p = t->second.find(partition);
  if (p == t->second.end()) return std::nullopt;
  return p->second;
}

std::map<std::string, std::map<int32_t, CommittedOffset>> Storage::GroupOffsets(
    const std::string& group) const {
  std::lock_guard lock(mu_);
  auto g = offsets_.find(group);
  if (g == offsets_.end()) return {};
  return g->second;
}

std::vector<std::string> Storage::GroupsWithOffsets() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [g, _] : offsets_) out.push_back(g);
  return out;
}

// ---------------------------------------------------------------- packing

std::vector<MetaRecord> Storage::SnapshotLocked() const {
  std::vector<MetaRecord> out;
  {
    PayloadWriter w;
    w.I64(producer_id_limit_);
    out.push_back({kProducerIdsAllocated, std::move(w.data())});
  }
  for (const auto& [name, t] : topics_) {
    PayloadWriter w;
    w.Str(name).I32(static_cast<int32_t>(t.partitions.size())).Raw(t.id);
    out.push_back({kTopicCreated, std::move(w.data())});
    for (size_t p = 0; p < t.partitions.size(); ++p) {
      if (t.partitions[p].log_start == 0) continue;
      PayloadWriter l;
      l.Raw(t.id).I32(static_cast<int32_t>(p)).I64(t.partitions[p].log_start);
      out.push_back({kLogStartAdvanced, std::move(l.data())});
    }
  }
  for (const auto& [id, info] : objects_) {
    PayloadWriter w;
    w.I64(static_cast<int64_t>(id))
        .Str(info.key)
        .I64(static_cast<int64_t>(info.size))
        .I64(static_cast<int64_t>(wal_trim_before_));
    out.push_back({kObjectCommitted, std::move(w.data())});
  }
  for (const auto& [group, topics] : offsets_) {
    for (const auto& [topic, parts] : topics) {
      for (const auto& [p, c] : parts) {
        PayloadWriter w;
        w.Str(group).Str(topic).I32(p).I64(c.offset).I32(c.leader_epoch).Str(c.metadata);
        out.push_back({kOffsetCommitted, std::move(w.data())});
      }
    }
  }
  return out;
}

void Storage::PackLoop() {
  auto last = std::chrono::steady_clock::now();
  while (true) {
    {
      std::unique_lock lock(stop_mu_);
      stop_cv_.wait_for(lock, std::chrono::milliseconds(100));
      if (stopping_) return;
    }
    auto now = std::chrono::steady_clock::now();
    bool due = now - last >= std::chrono::milliseconds(options_.pack_interval_ms) ||
               wal_->bytes_since_roll() >= options_.pack_bytes;
    if (!due) continue;
    last = now;
    Status st = PackOnce();
    if (!st.ok())
      spdlog::warn("broker: packing the WAL into an object failed (will retry): {}", st.ToString());
  }
}

Status Storage::PackNow() { return PackOnce(); }

uint64_t Storage::object_count() const {
  std::lock_guard lock(mu_);
  return objects_.size();
}

Status Storage::PackOnce() {
  std::lock_guard pack_lock(pack_mu_);
  struct Item {
    std::string topic_id;
    int32_t partition;
    BatchRef ref;
  };
  std::vector<Item> items;
  uint64_t boundary = 0;
  uint64_t object_id = 0;
  {
    std::lock_guard lock(mu_);
    bool any = false;
    for (const auto& [name, t] : topics_) {
      for (const PartitionLog& log : t.partitions) {
        if (!log.batches.empty() && log.batches.back().wal_sequence != 0) any = true;
      }
    }
    if (!any) return Status::OK();
    // No append can slip in between: appends hold mu_ too. Every earlier WAL record is
    // durable once Roll returns (it fsyncs the old segment).
    ASSIGN_OR_RETURN(boundary, wal_->Roll());
    for (const auto& [name, t] : topics_) {
      for (size_t p = 0; p < t.partitions.size(); ++p) {
        for (const BatchRef& b : t.partitions[p].batches) {
          if (b.wal_sequence != 0 && b.wal_sequence < boundary) {
            items.push_back({t.id, static_cast<int32_t>(p), b});
          }
        }
      }
    }
    object_id = next_object_id_++;
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return std::tie(a.topic_id, a.partition, a.ref.base_offset) <
           std::tie(b.topic_id, b.partition, b.ref.base_offset);
  });
  ObjectBuilder builder;
  for (const Item& it : items) {
    IndexEntry e;
    e.topic = it.topic_id;
    e.partition = it.partition;
    e.base_offset = it.ref.base_offset;
    e.last_offset_delta = static_cast<int32_t>(it.ref.last_offset - it.ref.base_offset);
    e.max_timestamp = it.ref.max_timestamp;
    e.producer_id = it.ref.producer_id;
    e.producer_epoch = it.ref.producer_epoch;
    e.base_sequence = it.ref.base_sequence;
    e.record_count = it.ref.record_count;
    builder.Add(std::move(e), *it.ref.bytes);
  }
  std::string key = ObjectKey(object_id);
  std::string body = builder.Finish();
  // Positions as the builder assigned them (same order as `items`).
  std::vector<uint64_t> positions;
  {
    uint64_t pos = 0;
    for (const Item& it : items) {
      positions.push_back(pos);
      pos += it.ref.size;
    }
  }
  auto put = options_.store->Put(key, body);
  if (!put.ok()) return put.status().WithContext(fmt::format("uploading {}", key));
  {
    std::lock_guard lock(mu_);
    PayloadWriter w;
    w.I64(static_cast<int64_t>(object_id))
        .Str(key)
        .I64(static_cast<int64_t>(body.size()))
        .I64(static_cast<int64_t>(boundary));
    RETURN_IF_ERROR(meta_->Append(kObjectCommitted, std::move(w.data())));
    objects_[object_id] = {key, body.size()};
    wal_trim_before_ = boundary;
    for (size_t i = 0; i < items.size(); ++i) {
      Topic* t = TopicById(items[i].topic_id);
      if (!t) continue;
      PartitionLog& log = t->partitions[items[i].partition];
      auto b = std::lower_bound(log.batches.begin(), log.batches.end(), items[i].ref.base_offset,
                                [](const BatchRef& r, int64_t o) { return r.base_offset < o; });
      if (b == log.batches.end() || b->base_offset != items[i].ref.base_offset) continue;
      b->object_id = object_id;
      b->position = positions[i];
      b->wal_sequence = 0;
      packed_cached_.emplace_back(items[i].topic_id, items[i].partition, b->base_offset);
      packed_cached_bytes_ += b->size;
    }
    for (auto& [name, t] : topics_) {
      for (PartitionLog& log : t.partitions) {
        for (auto& [pid, ps] : log.producers) {
          for (RecentBatch& r : ps.recent) {
            if (r.wal_sequence < boundary) r.wal_sequence = 0;
          }
        }
      }
    }
    EvictLocked();
  }
  RETURN_IF_ERROR(wal_->TrimBefore(boundary));
  if (meta_->log_bytes() > options_.snapshot_after_bytes) {
    std::lock_guard lock(mu_);
    RETURN_IF_ERROR(meta_->WriteSnapshot(SnapshotLocked()));
  }
  // A copy of the metadata next to the data (docs/broker-storage.md).
  ASSIGN_OR_RETURN(std::string meta_bytes, meta_->ReadAll());
  auto meta_put = options_.store->Put("broker/metadata/snapshot", meta_bytes);
  if (!meta_put.ok())
    spdlog::warn("broker: copying metadata to the store: {}", meta_put.status().ToString());
  spdlog::debug("packed {} batches into {} ({} bytes)", items.size(), key, body.size());
  return Status::OK();
}

void Storage::EvictLocked() {
  while (packed_cached_bytes_ > options_.cache_bytes && !packed_cached_.empty()) {
    auto [id, partition, base] = packed_cached_.front();
    packed_cached_.pop_front();
    Topic* t = TopicById(id);
    if (!t) continue;
    PartitionLog& log = t->partitions[partition];
    auto b = std::lower_bound(log.batches.begin(), log.batches.end(), base,
                              [](const BatchRef& r, int64_t o) { return r.base_offset < o; });
    if (b == log.batches.end() || b->base_offset != base || !b->bytes) continue;
    packed_cached_bytes_ -= std::min<uint64_t>(packed_cached_bytes_, b->size);
    b->bytes.reset();
  }
}

}  // namespace tributary::broker
