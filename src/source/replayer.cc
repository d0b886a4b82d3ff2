#include "source/replayer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <set>
#include <thread>
#include <utility>

#include "kafka/client/replay_producer.h"
#include "source/checkpoint.h"
#include "source/object_reader.h"

namespace tributary {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kKafkaTimeout{30000};

// One object of a partition being read: its reader (and side files) and the record
// read ahead, so that overlapping objects can be merged by offset.
struct OpenedObject {
  size_t obj = 0;  // index in the partition's objects
  std::unique_ptr<RecordReader> reader;
  std::unique_ptr<RecordReader> keys;     // the object's key side file, when it has one
  std::unique_ptr<RecordReader> headers;  // its header side file, when it has one
  ReadRecord head;                        // the next record, read ahead
  int64_t head_offset = 0;                // its source offset (read or inferred)
  bool head_offset_known = false;         // read from the record, or the object is contiguous
  int64_t read = 0;                       // records read from it, the head included
  bool resumed = false;                   // opened to resume: skipped offsets are not duplicates
  int64_t consumed() const { return read - 1; }  // while it has a head
};

// One source partition being replayed. With source.ordering=offset, objects are opened
// lazily in start-offset order and merged by offset (k-way): an object is opened when its
// start offset is at or below the smallest offset read ahead, so only objects whose
// ranges overlap are open together (a field or time partitioner writes such objects);
// records at or below the last offset taken are duplicates and skipped.
struct Cursor {
  TopicPartition source;
  std::string target_topic;
  const std::vector<SourceObject>* objects = nullptr;
  size_t next_obj = 0;             // the next object not opened yet
  std::vector<OpenedObject> open;  // by object index
  int64_t resume_skip = 0;         // records of objects[next_obj] to pass over when it is opened
  bool resuming = false;           // until the first record after the checkpoint is taken
  size_t finished_obj = 0;         // the object read to its end last, and its record count
  int64_t finished_read = 0;
  PartitionPosition pos;
  bool done = false;
};

// True when the object's records are offsets start..start+count-1 without gaps, so that a
// record's offset is its start offset plus its index; assumed when the object has no
// Tributary metadata (as the default partitioner writes objects).
bool Contiguous(const SourceObject& o) {
  return !o.record_count || !o.last_offset ||
         *o.last_offset - o.start_offset + 1 == *o.record_count;
}

// Sleeps as needed to keep `count` units since `start` within `per_second`.
void Throttle(int64_t per_second, int64_t count, Clock::time_point start) {
  if (per_second <= 0) return;
  const auto due = start + std::chrono::microseconds(count * 1'000'000 / per_second);
  if (due > Clock::now()) std::this_thread::sleep_until(due);
}

std::string Range(const SourceObject& o) {
  if (o.last_offset) return fmt::format("{}..{}", o.start_offset, *o.last_offset);
  return fmt::format("{}..?", o.start_offset);
}

class Replay {
 public:
  Replay(const ReplaySettings& config, ObjectStore& store, const ObjectIndex& index,
         const ReplayOptions& options)
      : config_(config), options_(options), store_(&store), index_(index) {}

  Result<ReplaySummary> Run() {
    CheckpointStore checkpoints(store_, config_.CheckpointKey());
    ASSIGN_OR_RETURN(std::optional<Checkpoint> checkpoint, checkpoints.Load());
    if (options_.dry_run) {
      RETURN_IF_ERROR(PrintPlan(checkpoint));
      return summary_;
    }
    if (index_.partitions.empty()) {
      spdlog::warn("source: no objects of topics {} in {}", config_.topics_description,
                   store_->Describe());
    }
    const std::string txn_id =
        config_.transactions ? "tributary-source-" + config_.name : std::string();
    ASSIGN_OR_RETURN(producer_,
                     ReplayProducer::Create(config_.target_bootstrap, config_.producer_overrides,
                                            txn_id, kKafkaTimeout));
    RETURN_IF_ERROR(PlanTargets());

    // 1. The checkpoint to resume from, or a first one made before anything is produced.
    Checkpoint cp;
    if (checkpoint) {
      cp = std::move(*checkpoint);
      batch_ = cp.batch > 0 ? cp.batch : config_.max_poll_records;
    } else {
      cp.source = config_.name;
      batch_ = config_.max_poll_records;
      cp.batch = batch_;
    }
    bool added = false;
    for (const auto& tp : target_partitions_) {
      if (!cp.targets.count(tp)) {
        // Not written by an earlier run: everything from its current end is ours. Saved
        // before anything is produced to it, so that a crash cannot hide what we add.
        ASSIGN_OR_RETURN(cp.targets[tp], producer_->EndOffset(tp, kKafkaTimeout));
        added = true;
      }
    }
    if (!checkpoint || added) RETURN_IF_ERROR(checkpoints.Save(cp));

    // 3. Settle: what became visible after the checkpoint is skipped, record for record.
    {
      std::map<TopicPartition, int64_t> from;
      for (const auto& tp : target_partitions_) from[tp] = cp.targets.at(tp);
      ASSIGN_OR_RETURN(VisibleRecords visible,
                       ReadVisibleRecords(config_.target_bootstrap, config_.producer_overrides,
                                          from, kKafkaTimeout));
      for (auto& [tp, fps] : visible) {
        if (!fps.empty()) {
          spdlog::info("source: {} holds {} records produced after the checkpoint; skipping them",
                       tp.ToString(), fps.size());
        }
        skip_[tp] = std::deque<VisibleRecord>(fps.begin(), fps.end());
      }
    }
    RETURN_IF_ERROR(MakeCursors(cp));

    // 4. Rounds.
    start_ = Clock::now();
    auto last_checkpoint = Clock::now();
    int64_t since_checkpoint = 0;
    bool in_txn = false;
    std::set<TopicPartition> touched;
    while (true) {
      bool any = false;
      for (auto& c : cursors_) {
        for (int i = 0; i < batch_ && !c.done; ++i) {
          ReadRecord rec;
          int64_t offset = 0;
          ASSIGN_OR_RETURN(bool got, NextRecord(c, &rec, &offset));
          if (!got) break;
          any = true;
          ++since_checkpoint;
          ASSIGN_OR_RETURN(bool sent, Deliver(c, rec, offset, &in_txn, &touched));
          (void)sent;
        }
      }
      const bool finished = !any;
      const bool stop = options_.stop != nullptr && options_.stop->load();
      if (finished || stop || since_checkpoint >= config_.checkpoint_records ||
          Clock::now() - last_checkpoint >=
              std::chrono::milliseconds(config_.checkpoint_interval_ms)) {
        if (in_txn || !producer_->transactional()) {
          RETURN_IF_ERROR(producer_->Commit(kKafkaTimeout));
          in_txn = false;
        }
        for (const auto& tp : touched) {
          // A partition still settling resumes at its first record not yet matched;
          // otherwise at its end.
          const auto& q = skip_[tp];
          if (!q.empty()) {
            cp.targets[tp] = q.front().offset;
          } else {
            ASSIGN_OR_RETURN(cp.targets[tp], producer_->EndOffset(tp, kKafkaTimeout));
          }
        }
        touched.clear();
        for (const auto& c : cursors_) cp.positions[c.source] = c.pos;
        // Once nothing is left to settle, the schedule from this checkpoint on may use
        // the configured batch (until then it must repeat the earlier run's); the
        // checkpoint records the one the schedule after it uses.
        if (std::all_of(skip_.begin(), skip_.end(),
                        [](const auto& e) { return e.second.empty(); })) {
          batch_ = config_.max_poll_records;
        }
        cp.batch = batch_;
        RETURN_IF_ERROR(checkpoints.Save(cp));
        since_checkpoint = 0;
        last_checkpoint = Clock::now();
      }
      Progress(finished || stop);
      if (finished) break;
      if (stop) {
        spdlog::info("source: stopped on request after a checkpoint");
        break;
      }
    }
    if (!(options_.stop != nullptr && options_.stop->load())) {
      for (const auto& [tp, q] : skip_) {
        if (!q.empty()) {
          return Corruption(
              "target partition {} holds {} records after the checkpoint that this replay did "
              "not produce: another producer writes to it, or the objects or filters changed "
              "since the last run",
              tp.ToString(), q.size());
        }
      }
    }
    std::fprintf(
        options_.out,
        "source: %lld records produced (%lld already in the target, %lld filtered, "
        "%lld duplicate offsets skipped) from %lld objects\n",
        static_cast<long long>(summary_.produced), static_cast<long long>(summary_.skipped_settled),
        static_cast<long long>(summary_.filtered), static_cast<long long>(summary_.duplicates),
        static_cast<long long>(summary_.objects));
    std::fflush(options_.out);
    return summary_;
  }

 private:
  // Target topics, their partition counts and the partitions this replay may write.
  Status PlanTargets() {
    std::map<std::string, int32_t> counts;
    for (const auto& [tp, objects] : index_.partitions) {
      const std::string target = config_.TargetTopic(tp.topic);
      if (!counts.count(target)) {
        ASSIGN_OR_RETURN(counts[target], producer_->PartitionCount(target, kKafkaTimeout));
      }
      if (config_.partitioning == SourcePartitioning::kOriginal &&
          tp.partition.value() >= counts[target]) {
        return InvalidArgument(
            "target topic {} has {} partitions but source topic {} has objects of partition "
            "{}: create the target with at least {} partitions, or set "
            "source.partitioning=key_hash",
            target, counts[target], tp.topic, tp.partition.value(), tp.partition.value() + 1);
      }
      if (config_.partitioning == SourcePartitioning::kOriginal) {
        target_partitions_.insert(TopicPartition{target, tp.partition});
      }
    }
    target_counts_ = counts;
    if (config_.partitioning == SourcePartitioning::kKeyHash) {
      for (const auto& [topic, n] : counts) {
        for (int32_t p = 0; p < n; ++p)
          target_partitions_.insert(TopicPartition{topic, Partition(p)});
      }
    }
    return Status::OK();
  }

  Status MakeCursors(const Checkpoint& cp) {
    for (const auto& [tp, objects] : index_.partitions) {
      Cursor c;
      c.source = tp;
      c.target_topic = config_.TargetTopic(tp.topic);
      c.objects = &objects;
      summary_.objects += static_cast<int64_t>(objects.size());
      if (auto it = cp.positions.find(tp); it != cp.positions.end() && !it->second.object.empty()) {
        c.pos = it->second;
        size_t i = 0;
        while (i < objects.size() && objects[i].key != c.pos.object) ++i;
        if (i < objects.size()) {
          c.next_obj = i;
          c.resume_skip = c.pos.index;
          c.resuming = true;
        } else {
          // The object is gone: continue after the last offset taken.
          spdlog::warn(
              "source: {}: checkpoint object {} no longer exists; resuming after "
              "offset {}",
              tp.ToString(), c.pos.object, c.pos.last_offset);
          i = 0;
          while (i < objects.size() && objects[i].last_offset &&
                 *objects[i].last_offset <= c.pos.last_offset) {
            ++i;
          }
          c.next_obj = i;
          c.resuming = true;
          c.pos.index = 0;
          if (i < objects.size()) c.pos.object = objects[i].key;
          if (i >= objects.size()) c.done = true;
        }
      } else if (!objects.empty()) {
        c.pos.object = objects[0].key;
      }
      if (objects.empty()) c.done = true;
      cursors_.push_back(std::move(c));
    }
    return Status::OK();
  }

  // Reads the next record of `o` into its head; false at its end.
  Result<bool> ReadAhead(const Cursor& c, OpenedObject& o) {
    const SourceObject& so = (*c.objects)[o.obj];
    ReadRecord* rec = &o.head;
    ASSIGN_OR_RETURN(bool got, o.reader->Next(rec));
    if (o.keys) {
      ASSIGN_OR_RETURN(bool got_key, o.keys->Next(&key_rec_));
      if (got != got_key) {
        return Corruption("{}: the key side file {} holds {} keys than the object has records",
                          so.key, so.keys_key, got_key ? "more" : "fewer");
      }
      if (got) {
        rec->key = std::move(key_rec_.value);
        rec->has_key = true;
      }
    }
    if (o.headers) {
      ASSIGN_OR_RETURN(bool got_headers, o.headers->Next(&key_rec_));
      if (got != got_headers) {
        return Corruption("{}: the header side file {} holds {} records than the object has",
                          so.key, so.headers_key, got_headers ? "more" : "fewer");
      }
      if (got && key_rec_.value)
        RETURN_IF_ERROR(ParseHeaders(*key_rec_.value, so.headers_key, rec));
    }
    if (!got) return false;
    o.head_offset = rec->has_offset ? rec->offset : so.start_offset + o.read;
    o.head_offset_known = rec->has_offset || Contiguous(so);
    ++o.read;
    return true;
  }

  // Opens objects[c.next_obj] and reads its first record ahead (after the resume skip).
  // Kept open only when it has a record.
  Status OpenNext(Cursor& c) {
    OpenedObject o;
    o.obj = c.next_obj++;
    o.resumed = c.resuming;
    const SourceObject& so = (*c.objects)[o.obj];
    ASSIGN_OR_RETURN(o.reader, OpenObject(*store_, config_.format, config_.codec, so.key));
    if (!so.keys_key.empty()) {
      ASSIGN_OR_RETURN(o.keys, OpenKeysObject(*store_, config_.format, so.keys_key,
                                              config_.key_bytes_separator));
    }
    if (!so.headers_key.empty()) {
      ASSIGN_OR_RETURN(o.headers, OpenHeadersObject(*store_, so.headers_key));
    }
    bool got = true;
    for (int64_t skip = std::exchange(c.resume_skip, 0); got && skip >= 0; --skip) {
      ASSIGN_OR_RETURN(got, ReadAhead(c, o));
    }
    if (!got) return Status::OK();
    if (!c.open.empty()) {
      // Overlapping objects are merged by offset: every record's offset must be known.
      for (const OpenedObject* x : {&c.open.front(), &o}) {
        if (!x->head_offset_known) {
          const SourceObject& xo = (*c.objects)[x->obj];
          return InvalidArgument(
              "{}: its offsets ({}..{}) overlap those of {}, and its {} records carry no "
              "offsets with gaps between them (bare values of a field or time partitioner): "
              "the partition's order cannot be restored. Archive such topics with "
              "store.envelope=true (or Aiven's offset field), or replay with "
              "source.ordering=last_modified",
              xo.key, xo.start_offset, xo.last_offset ? std::to_string(*xo.last_offset) : "?",
              (*c.objects)[x == &o ? c.open.front().obj : o.obj].key,
              xo.record_count ? std::to_string(*xo.record_count) : "?");
        }
      }
    }
    c.open.push_back(std::move(o));
    return Status::OK();
  }

  // The next record of `c` and its source offset; false at the end of its objects.
  Result<bool> NextRecord(Cursor& c, ReadRecord* rec, int64_t* offset) {
    const bool by_offset = config_.ordering == SourceOrdering::kOffset;
    while (!c.done) {
      if (by_offset) {
        // Open every object that may hold the smallest offset not yet taken.
        while (c.next_obj < c.objects->size()) {
          int64_t min_head = INT64_MAX;
          for (const auto& o : c.open) min_head = std::min(min_head, o.head_offset);
          if (!c.open.empty() && (*c.objects)[c.next_obj].start_offset > min_head) break;
          RETURN_IF_ERROR(OpenNext(c));
        }
      } else if (c.open.empty() && c.next_obj < c.objects->size()) {
        RETURN_IF_ERROR(OpenNext(c));  // LastModified: one object after the other
        continue;
      }
      if (c.open.empty()) {
        if (c.next_obj < c.objects->size()) continue;
        c.done = true;
        return false;
      }
      size_t pick = 0;
      for (size_t i = 1; i < c.open.size(); ++i) {
        if (c.open[i].head_offset < c.open[pick].head_offset) pick = i;
      }
      OpenedObject& o = c.open[pick];
      *rec = std::move(o.head);
      *offset = o.head_offset;
      const bool known = o.head_offset_known;
      const bool resumed = o.resumed;
      const SourceObject& so = (*c.objects)[o.obj];
      ASSIGN_OR_RETURN(bool more, ReadAhead(c, o));
      if (!more) {
        c.finished_obj = o.obj;
        c.finished_read = o.read;
        c.open.erase(c.open.begin() + static_cast<std::ptrdiff_t>(pick));
      }
      if (by_offset && *offset <= c.pos.last_offset) {
        if (!(resumed && c.resuming)) ++summary_.duplicates;
        continue;
      }
      if (!known && (config_.offset_from > 0 || config_.offset_to >= 0)) {
        return InvalidArgument(
            "{}: source.offset.from/source.offset.to need each record's offset, and this "
            "object's records carry none while its metadata says its {} records span offsets "
            "{}..{} (gaps: compaction or a field/time partitioner); filter by "
            "source.timestamp.* instead, or archive with store.envelope=true",
            so.key, so.record_count.value_or(-1), so.start_offset, so.last_offset.value_or(-1));
      }
      c.resuming = false;
      c.pos.last_offset = *offset;
      ++c.pos.read;
      UpdatePosition(c);
      return true;
    }
    return false;
  }

  // The resume point: the first object still open (read from its start again, records
  // at or below last_offset skipped) and the records taken from it; or the next object.
  void UpdatePosition(Cursor& c) {
    if (!c.open.empty()) {
      const OpenedObject* first = &c.open.front();
      for (const auto& o : c.open) {
        if (o.obj < first->obj) first = &o;
      }
      c.pos.object = (*c.objects)[first->obj].key;
      c.pos.index = first->consumed();
    } else if (c.next_obj < c.objects->size()) {
      c.pos.object = (*c.objects)[c.next_obj].key;
      c.pos.index = 0;
    } else {  // all read: a resume skips the last object's records
      c.pos.object = (*c.objects)[c.finished_obj].key;
      c.pos.index = c.finished_read;
    }
  }

  // Filters, routes and produces (or skips, when settling) one record.
  Result<bool> Deliver(Cursor& c, ReadRecord& rec, int64_t offset, bool* in_txn,
                       std::set<TopicPartition>* touched) {
    if (offset < config_.offset_from || (config_.offset_to >= 0 && offset > config_.offset_to) ||
        (rec.has_timestamp && config_.timestamp_from >= 0 &&
         rec.timestamp_ms < config_.timestamp_from) ||
        (rec.has_timestamp && config_.timestamp_to >= 0 &&
         rec.timestamp_ms >= config_.timestamp_to)) {
      ++summary_.filtered;
      return false;
    }
    int32_t partition = c.source.partition.value();
    if (config_.partitioning == SourcePartitioning::kKeyHash) {
      const int32_t n = target_counts_.at(c.target_topic);
      partition = rec.key ? Murmur2Partition(*rec.key, n) : partition % n;
    }
    TopicPartition target{c.target_topic, Partition(partition)};
    auto& q = skip_[target];
    if (!q.empty()) {
      const uint64_t fp = RecordFingerprint(rec.key, rec.value);
      if (fp != q.front().fingerprint) {
        return Corruption(
            "{}: the record of {}@{} differs from the one found at this place in the target "
            "after the checkpoint: another producer writes to it, or the objects changed",
            target.ToString(), c.source.ToString(), offset);
      }
      q.pop_front();
      touched->insert(target);  // its checkpoint offset moves past the matched record
      ++summary_.skipped_settled;
      return false;
    }
    if (!*in_txn && producer_->transactional()) {
      RETURN_IF_ERROR(producer_->BeginTransaction());
      *in_txn = true;
    }
    std::vector<ReplayProducer::Header> headers;
    headers.reserve(rec.headers.size());
    for (auto& [name, value] : rec.headers) headers.push_back({name, value});
    RETURN_IF_ERROR(producer_->Produce(target.topic, partition, rec.key, rec.value, headers,
                                       rec.has_timestamp ? rec.timestamp_ms : -1));
    touched->insert(target);
    ++summary_.produced;
    bytes_ +=
        static_cast<int64_t>((rec.key ? rec.key->size() : 0) + (rec.value ? rec.value->size() : 0));
    Throttle(config_.max_records_per_second, summary_.produced, start_);
    Throttle(config_.max_bytes_per_second, bytes_, start_);
    return true;
  }

  int64_t KnownTotal() const {
    int64_t total = 0;
    for (const auto& [tp, objects] : index_.partitions) {
      for (const auto& o : objects) {
        if (!o.record_count) return -1;
        total += *o.record_count;
      }
    }
    return total;
  }

  void Progress(bool final) {
    if (options_.progress == nullptr) return;
    const auto now = Clock::now();
    if (!final && now - last_progress_ < std::chrono::seconds(1)) return;
    last_progress_ = now;
    int64_t read = 0;
    for (const auto& c : cursors_) read += c.pos.read;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const double rate = secs > 0 ? static_cast<double>(summary_.produced) / secs : 0;
    const int64_t total = KnownTotal();
    std::string line = fmt::format("source: {} records read", read);
    if (total > 0) {
      line += fmt::format(" of {} ({:.1f}%)", total,
                          100.0 * static_cast<double>(read) / static_cast<double>(total));
    }
    line += fmt::format(", {} produced, {:.0f} records/s", summary_.produced, rate);
    if (total > 0 && rate > 0 && !final) {
      line += fmt::format(", ETA {:.0f}s", static_cast<double>(total - read) / rate);
    }
    std::fprintf(options_.progress, "%s\n", line.c_str());
    std::fflush(options_.progress);
  }

  // Objects without Tributary's metadata (other writers) are read to count them.
  Status CountUnknown(SourceObject* o) {
    if (o->record_count) return Status::OK();
    ASSIGN_OR_RETURN(auto reader, OpenObject(*store_, config_.format, config_.codec, o->key));
    ReadRecord rec;
    int64_t n = 0;
    while (true) {
      ASSIGN_OR_RETURN(bool got, reader->Next(&rec));
      if (!got) break;
      o->last_offset = rec.has_offset ? rec.offset : o->start_offset + n;
      ++n;
    }
    o->record_count = n;
    return Status::OK();
  }

  Status PrintPlan(const std::optional<Checkpoint>& cp) {
    FILE* out = options_.out;
    int64_t objects = 0, records = 0;
    bool counts_known = true;
    std::map<TopicPartition, std::vector<SourceObject>> plan = index_.partitions;
    for (auto& [tp, list] : plan) {
      for (auto& o : list) RETURN_IF_ERROR(CountUnknown(&o));
    }
    for (const auto& [tp, list] : plan) {
      int64_t n = 0;
      bool known = true;
      for (const auto& o : list) {
        if (o.record_count) {
          n += *o.record_count;
        } else {
          known = false;
        }
      }
      std::string last = list.back().last_offset ? std::to_string(*list.back().last_offset) : "?";
      std::fprintf(out, "%s -> %s-%d: %zu objects, offsets %lld..%s, %s records\n",
                   tp.ToString().c_str(), config_.TargetTopic(tp.topic).c_str(),
                   tp.partition.value(), list.size(),
                   static_cast<long long>(list.front().start_offset), last.c_str(),
                   known ? std::to_string(n).c_str() : "unknown");
      if (cp) {
        if (auto it = cp->positions.find(tp); it != cp->positions.end()) {
          std::fprintf(out, "  resume: %s record %lld (%lld records read so far)\n",
                       it->second.object.c_str(), static_cast<long long>(it->second.index),
                       static_cast<long long>(it->second.read));
        }
      }
      for (const auto& o : list) {
        std::fprintf(out, "  %s  offsets %s  %s records  %llu bytes\n", o.key.c_str(),
                     Range(o).c_str(),
                     o.record_count ? std::to_string(*o.record_count).c_str() : "?",
                     static_cast<unsigned long long>(o.size));
      }
      objects += static_cast<int64_t>(list.size());
      records += n;
      counts_known = counts_known && known;
    }
    std::fprintf(out,
                 "total: %zu partitions, %lld objects, %s records (dry run: nothing produced)\n",
                 index_.partitions.size(), static_cast<long long>(objects),
                 counts_known ? std::to_string(records).c_str() : "unknown");
    std::fflush(out);
    summary_.objects = objects;
    return Status::OK();
  }

  const ReplaySettings& config_;
  const ReplayOptions& options_;
  ObjectStore* store_;
  const ObjectIndex& index_;
  std::unique_ptr<ReplayProducer> producer_;
  std::set<TopicPartition> target_partitions_;
  std::map<std::string, int32_t> target_counts_;
  // Records found in the target after the checkpoint, not yet matched by the schedule.
  std::map<TopicPartition, std::deque<VisibleRecord>> skip_;
  std::vector<Cursor> cursors_;
  int batch_ = 500;
  int64_t bytes_ = 0;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_progress_{};
  ReplaySummary summary_;
  ReadRecord key_rec_;  // scratch for key side files
};

}  // namespace

Result<ReplaySummary> RunReplay(const ReplaySettings& settings, ObjectStore& store,
                                const ObjectIndex& index, const ReplayOptions& options) {
  Replay replay(settings, store, index, options);
  return replay.Run();
}

}  // namespace tributary
