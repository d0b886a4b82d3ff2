#include "source/checkpoint.h"

#include <chrono>

#include <simdjson.h>

#include "common/json_writer.h"

namespace tributary {

std::string Checkpoint::ToJson() const {
  JsonWriter w;
  w.BeginObject().Key("version").Int(1).Key("source").String(source).Key("batch").Int(batch);
  w.Key("updated_ms")
      .Int(std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count());
  w.Key("positions").BeginArray();
  for (const auto& [tp, p] : positions) {
    w.BeginObject().Key("topic").String(tp.topic).Key("partition").Int(tp.partition.value());
    w.Key("object").String(p.object).Key("index").Int(p.index);
    w.Key("last_offset").Int(p.last_offset).Key("read").Int(p.read).EndObject();
  }
  w.EndArray().Key("targets").BeginArray();
  for (const auto& [tp, end] : targets) {
    w.BeginObject().Key("topic").String(tp.topic).Key("partition").Int(tp.partition.value());
    w.Key("end").Int(end).EndObject();
  }
  w.EndArray().EndObject();
  return w.Take();
}

Result<Checkpoint> Checkpoint::FromJson(std::string_view text, std::string_view what) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  auto bad = [&](std::string_view why) {
    return InvalidArgument("{}: not a source checkpoint ({})", what, why);
  };
  if (parser.parse(text.data(), text.size()).get(doc)) return bad("invalid JSON");
  int64_t version = 0;
  if (doc["version"].get(version) || version != 1) return bad("expected version 1");
  Checkpoint c;
  std::string_view s;
  int64_t n = 0;
  if (doc["source"].get(s)) return bad("no source");
  c.source = std::string(s);
  if (doc["batch"].get(n)) return bad("no batch");
  c.batch = static_cast<int>(n);
  simdjson::dom::array arr;
  if (doc["positions"].get(arr)) return bad("no positions");
  for (auto e : arr) {
    std::string_view topic, object;
    int64_t partition = 0;
    PartitionPosition p;
    if (e["topic"].get(topic) || e["partition"].get(partition) || e["object"].get(object) ||
        e["index"].get(p.index) || e["last_offset"].get(p.last_offset) || e["read"].get(p.read)) {
      return bad("malformed position");
    }
    p.object = std::string(object);
    c.positions[TopicPartition{std::string(topic), Partition(static_cast<int32_t>(partition))}] = p;
  }
  if (doc["targets"].get(arr)) return bad("no targets");
  for (auto e : arr) {
    std::string_view topic;
    int64_t partition = 0, end = 0;
    if (e["topic"].get(topic) || e["partition"].get(partition) || e["end"].get(end)) {
      return bad("malformed target");
    }
    c.targets[TopicPartition{std::string(topic), Partition(static_cast<int32_t>(partition))}] = end;
  }
  return c;
}

Result<std::optional<Checkpoint>> CheckpointStore::Load() {
  auto head = store_->Head(key_);
  if (!head.ok()) {
    if (head.status().code() == StatusCode::kNotFound) return std::optional<Checkpoint>();
    return head.status();
  }
  ASSIGN_OR_RETURN(std::string body, store_->Get(key_));
  ASSIGN_OR_RETURN(Checkpoint c, Checkpoint::FromJson(body, key_));
  // The ETag of what was read: a write between Head and Get makes the next Save fail,
  // which is the safe direction.
  etag_ = head->etag;
  return std::optional<Checkpoint>(std::move(c));
}

Status CheckpointStore::Save(const Checkpoint& checkpoint) {
  PutOptions options;
  options.content_type = "application/json";
  if (etag_) {
    options.condition = PutOptions::Condition::kIfMatch;
    options.if_match_etag = *etag_;
  } else {
    options.condition = PutOptions::Condition::kIfNoneMatch;
  }
  auto put = store_->Put(key_, checkpoint.ToJson(), options);
  if (!put.ok()) {
    if (put.status().code() == StatusCode::kPreconditionFailed ||
        put.status().code() == StatusCode::kAlreadyExists) {
      return PreconditionFailed(
          "{}: another instance of this source wrote the checkpoint; this one stops (run one "
          "source per name)",
          key_);
    }
    return put.status();
  }
  etag_ = put->etag;
  return Status::OK();
}

}  // namespace tributary
