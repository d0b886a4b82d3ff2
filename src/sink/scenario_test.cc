// The declarative scenario table of issue #4 (tests/scenarios/sink_scenarios.json):
// connector config + input records → the exact objects in the local store (keys and
// contents), or the error that stops the sink.
//
// Each scenario runs the sink's own pieces — SinkConfig::FromRaw (the whole validation
// of a connector config), the transform chain, MakeFormat, MakePartitioner and a
// TopicPartitionWriter per topic-partition — against the local object store, in
// deterministic mode or (mode "journal") with the exactly-once journal. The one part of
// SinkTask it repeats is errors.tolerance=all: a record the writer refuses with
// InvalidArgument is skipped (the dead-letter producer needs Kafka; sink_errors_e2e
// covers it end to end). Text contents are compared after decompressing gzip/zstd objects;
// {"prefix_hex": "4f626a01"} compares the first bytes of binary objects (Avro, Parquet,
// snappy and lz4 framing).
//
// Scenario fields: name, config (connector keys; name, topics, bootstrap.servers,
// s3.bucket.name and store.url are filled in), mode, records [{topic, partition, offset,
// key, value (null: a tombstone), ts, now, headers [[name, value]]}], ticks [now_ms]
// after the records, expect {key: text | {"prefix_hex": hex}} (every object outside the
// journal prefix), error (a substring of the error that stops the sink; the objects
// written before it are still compared), config_error (FromRaw must fail with it).
#include <gtest/gtest.h>
#include <simdjson.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/strings.h"
#include "sink/sink_config.h"
#include "sink/topic_partition_writer.h"

#ifndef TRIBUTARY_SCENARIOS
#error "TRIBUTARY_SCENARIOS must name tests/scenarios"
#endif

namespace tributary {
namespace {

std::string Gunzip(const std::string& in) {
  z_stream z{};
  inflateInit2(&z, 15 + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buf, sizeof(buf) - z.avail_out);
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END ? out : "<not gzip>";
}

std::string Unzstd(const std::string& in) {
  ZSTD_DStream* d = ZSTD_createDStream();
  ZSTD_initDStream(d);
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  std::string out;
  char buf[16384];
  while (input.pos < input.size) {
    ZSTD_outBuffer output{buf, sizeof(buf), 0};
    const size_t rc = ZSTD_decompressStream(d, &output, &input);
    if (ZSTD_isError(rc)) {
      out = "<not zstd>";
      break;
    }
    out.append(buf, output.pos);
  }
  ZSTD_freeDStream(d);
  return out;
}

std::string Text(simdjson::dom::element e) {
  std::string_view s;
  if (e.get(s) == simdjson::SUCCESS) return std::string(s);
  return simdjson::minify(e);  // numbers and booleans in "config"
}

struct Input {
  std::string topic = "orders";
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t ts = -1;
  int64_t now = 0;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

class ScenarioRunner {
 public:
  explicit ScenarioRunner(simdjson::dom::element s) : s_(s) {
    root_ = std::filesystem::temp_directory_path() / ("tributary-scenario-" + RandomHex(8));
  }
  ~ScenarioRunner() { std::filesystem::remove_all(root_); }

  void Run() {
    RawConfig raw = {{"name", "scenario"},
                     {"topics", "orders"},
                     {"bootstrap.servers", "127.0.0.1:9092"},
                     {"s3.bucket.name", "lake"},
                     {"store.url", "file://" + root_.string()},
                     {"exactly.once.mode", "deterministic"}};
    std::string mode = "deterministic";
    if (std::string_view m; s_["mode"].get(m) == simdjson::SUCCESS) mode = std::string(m);
    if (mode == "journal") raw["exactly.once.mode"] = "journal";
    simdjson::dom::object config;
    if (s_["config"].get(config) == simdjson::SUCCESS) {
      for (auto [k, v] : config) raw[std::string(k)] = Text(v);
    }
    // Required keys the scenario leaves to its dialect.
    if (!raw.count("flush.size") && !raw.count("file.max.records")) raw["flush.size"] = "1000";
    if (!raw.count("format.class") && !raw.count("format.output.type")) {
      raw["format.class"] = "io.confluent.connect.s3.format.json.JsonFormat";
    }
    auto c = SinkConfig::FromRaw(raw);
    if (std::string_view want; s_["config_error"].get(want) == simdjson::SUCCESS) {
      ASSERT_FALSE(c.ok()) << "the config was accepted";
      EXPECT_NE(c.status().message().find(want), std::string::npos) << c.status().message();
      return;
    }
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    config_ = std::move(*c);
    config_.store.url = "file://" + root_.string();
    auto store = OpenObjectStore(config_.store);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->CheckBucket().ok());
    auto format = MakeFormat(config_.format);
    ASSERT_TRUE(format.ok()) << format.status().ToString();
    format_ = std::move(*format);
    auto partitioner = MakePartitioner(config_.partitioner);
    ASSERT_TRUE(partitioner.ok()) << partitioner.status().ToString();
    partitioner_ = std::move(*partitioner);
    if (mode == "journal") {
      journal_ = std::make_unique<Journal>(store_.get(), config_.journal_prefix, config_.name);
    }

    Status failed = Feed();
    std::string_view want_error;
    if (s_["error"].get(want_error) == simdjson::SUCCESS) {
      ASSERT_FALSE(failed.ok()) << "no error; expected one containing: " << want_error;
      EXPECT_NE(failed.message().find(want_error), std::string::npos) << failed.message();
    } else {
      ASSERT_TRUE(failed.ok()) << failed.ToString();
    }
    CompareObjects();
  }

 private:
  std::vector<Input> Records() {
    std::vector<Input> out;
    simdjson::dom::array records;
    if (s_["records"].get(records) != simdjson::SUCCESS) return out;
    for (simdjson::dom::element r : records) {
      Input in;
      std::string_view sv;
      int64_t n = 0;
      if (r["topic"].get(sv) == simdjson::SUCCESS) in.topic = std::string(sv);
      if (r["partition"].get(n) == simdjson::SUCCESS) in.partition = static_cast<int32_t>(n);
      if (r["offset"].get(n) == simdjson::SUCCESS) in.offset = n;
      if (r["ts"].get(n) == simdjson::SUCCESS) in.ts = n;
      if (r["now"].get(n) == simdjson::SUCCESS) in.now = n;
      if (r["key"].get(sv) == simdjson::SUCCESS) in.key = std::string(sv);
      simdjson::dom::element v;
      if (r["value"].get(v) == simdjson::SUCCESS && !v.is_null()) in.value = Text(v);
      simdjson::dom::array hs;
      if (r["headers"].get(hs) == simdjson::SUCCESS) {
        for (simdjson::dom::element h : hs) {
          std::string_view name;
          EXPECT_EQ(h.at(0).get(name), simdjson::SUCCESS);
          std::optional<std::string> value;
          if (std::string_view hv; h.at(1).get(hv) == simdjson::SUCCESS) value = std::string(hv);
          in.headers.emplace_back(std::string(name), value);
        }
      }
      out.push_back(std::move(in));
    }
    return out;
  }

  TopicPartitionWriter& WriterFor(const Input& in) {
    const TopicPartition tp{in.topic, Partition(in.partition)};
    auto it = writers_.find(tp.ToString());
    if (it != writers_.end()) return *it->second;
    auto w = std::make_unique<TopicPartitionWriter>(tp, &config_, format_.get(), partitioner_.get(),
                                                    store_.get(), &pool_, journal_.get(),
                                                    JournalIdentity{"i", "h"});
    if (journal_) {
      auto recovered = w->Recover(std::nullopt, {});
      EXPECT_TRUE(recovered.ok()) << recovered.status().ToString();
    }
    return *writers_.emplace(tp.ToString(), std::move(w)).first->second;
  }

  Status Feed() {
    inputs_ = Records();
    TransformScratch scratch;
    for (const Input& in : inputs_) {
      Record r{.topic = in.topic,
               .partition = Partition(in.partition),
               .offset = Offset(in.offset),
               .timestamp_ms = in.ts};
      if (in.key) r.key = *in.key;
      if (in.value) r.value = *in.value;
      for (const auto& [name, value] : in.headers) {
        RecordHeader h{name, std::nullopt};
        if (value) h.value = *value;
        r.headers.push_back(h);
      }
      TopicPartitionWriter& w = WriterFor(in);
      auto transformed = config_.transforms->Apply(r, &scratch);
      Status st;
      if (!transformed.ok()) {
        st = transformed.status();
      } else if (*transformed == nullptr) {
        w.Skip(r);
        continue;
      } else if (!(*transformed)->value && config_.on_null == NullValueBehavior::kIgnore) {
        w.Skip(r);
        continue;
      } else {
        st = w.Write(**transformed, in.now);
      }
      if (st.code() == StatusCode::kInvalidArgument && config_.tolerate_errors) {
        w.Skip(r);  // SinkTask::SkipRecord, less the dead-letter topic
        continue;
      }
      if (!st.ok()) return st;
    }
    simdjson::dom::array ticks;
    if (s_["ticks"].get(ticks) == simdjson::SUCCESS) {
      for (simdjson::dom::element t : ticks) {
        int64_t now = 0;
        if (t.get(now) != simdjson::SUCCESS) return InvalidArgument("ticks: numbers");
        for (auto& [name, w] : writers_) RETURN_IF_ERROR(w->Tick(now));
      }
    }
    return Status::OK();
  }

  void CompareObjects() {
    std::map<std::string, std::string> actual;
    ListOptions list;
    while (true) {
      auto page = store_->List(list);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      for (const auto& o : page->objects) {
        if (o.key.starts_with(config_.journal_prefix + "/")) continue;
        actual[o.key] = *store_->Get(o.key);
      }
      if (page->next_token.empty()) break;
      list.continuation_token = page->next_token;
    }
    simdjson::dom::object expect;
    ASSERT_EQ(s_["expect"].get(expect), simdjson::SUCCESS) << "no \"expect\"";
    std::set<std::string> expected_keys;
    for (auto [k, v] : expect) {
      const std::string key(k);
      expected_keys.insert(key);
      auto it = actual.find(key);
      if (it == actual.end()) {
        ADD_FAILURE() << "missing object " << key;
        continue;
      }
      std::string bytes = it->second;
      std::string_view want;
      if (v.get(want) == simdjson::SUCCESS) {
        // By magic, not by name: Aiven's keys need not end in .gz.
        if (bytes.starts_with("\x1f\x8b")) bytes = Gunzip(bytes);
        if (bytes.starts_with("\x28\xb5\x2f\xfd")) bytes = Unzstd(bytes);
        EXPECT_EQ(bytes, want) << "contents of " << key;
      } else if (v["prefix_hex"].get(want) == simdjson::SUCCESS) {
        std::string hex;
        for (size_t i = 0; i < std::min(bytes.size(), want.size() / 2); ++i) {
          hex += fmt::format("{:02x}", static_cast<unsigned char>(bytes[i]));
        }
        EXPECT_EQ(hex, want) << "first bytes of " << key;
      } else {
        ADD_FAILURE() << "bad expectation for " << key;
      }
    }
    for (const auto& [key, bytes] : actual) {
      EXPECT_TRUE(expected_keys.count(key)) << "unexpected object " << key << ":\n" << bytes;
    }
  }

  simdjson::dom::element s_;
  std::filesystem::path root_;
  SinkConfig config_;
  std::unique_ptr<ObjectStore> store_;
  std::unique_ptr<Format> format_;
  std::unique_ptr<Partitioner> partitioner_;
  std::unique_ptr<Journal> journal_;
  UploadPool pool_{2, 64 << 20};
  std::map<std::string, std::unique_ptr<TopicPartitionWriter>> writers_;
  std::vector<Input> inputs_;  // the records' bytes, alive while the writers borrow them
};

TEST(SinkScenarioTable, EveryScenarioProducesItsObjects) {
  const std::string path = std::string(TRIBUTARY_SCENARIOS) + "/sink_scenarios.json";
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.load(path).get(doc), simdjson::SUCCESS) << "cannot read " << path;
  simdjson::dom::array scenarios;
  ASSERT_EQ(doc["scenarios"].get(scenarios), simdjson::SUCCESS);
  std::set<std::string> names;
  for (simdjson::dom::element s : scenarios) {
    std::string_view name;
    ASSERT_EQ(s["name"].get(name), simdjson::SUCCESS);
    EXPECT_TRUE(names.insert(std::string(name)).second) << "duplicate scenario " << name;
    SCOPED_TRACE(std::string("scenario ") + std::string(name));
    ScenarioRunner(s).Run();
  }
  EXPECT_GE(names.size(), 30u);
}

}  // namespace
}  // namespace tributary
