// Key/header side files, tombstones (behavior.on.null.values=write), {{end_offset}} and
// the exactly-once journal with side files. The scenario table (scenario_test.cc) covers
// the object layouts; these tests cover what a table cannot: crashes between journal
// steps, the memory path, and config validation messages.
#include "sink/side_files.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "common/strings.h"
#include "format/output_stream.h"
#include "format/registry_responder_test.h"
#include "sink/audit.h"
#include "sink/sink_config.h"
#include "sink/topic_partition_writer.h"

namespace tributary {
namespace {

// The local store, except that completing a multipart upload of a key containing
// `fail_marker` fails (the process "dies" between the journal's pending write and the
// side file's completion).
class FailingCompleteStore final : public ObjectStore {
 public:
  FailingCompleteStore(ObjectStore* inner, std::string fail_marker)
      : inner_(inner), fail_marker_(std::move(fail_marker)) {}
  std::string Describe() const override { return inner_->Describe(); }
  Status CheckBucket() override { return inner_->CheckBucket(); }
  Result<PutResult> Put(std::string_view k, std::string_view b, const PutOptions& o) override {
    return inner_->Put(k, b, o);
  }
  Result<std::string> Get(std::string_view k, std::optional<ByteRange> r) override {
    return inner_->Get(k, r);
  }
  Result<ObjectInfo> Head(std::string_view k) override { return inner_->Head(k); }
  Result<ListPage> List(const ListOptions& o) override { return inner_->List(o); }
  Status Delete(std::string_view k) override { return inner_->Delete(k); }
  Status DeleteMany(const std::vector<std::string>& k) override { return inner_->DeleteMany(k); }
  Result<std::string> CreateMultipartUpload(std::string_view k, const PutOptions& o) override {
    return inner_->CreateMultipartUpload(k, o);
  }
  Result<PartInfo> UploadPart(std::string_view k, std::string_view id, int n,
                              std::string_view b) override {
    return inner_->UploadPart(k, id, n, b);
  }
  Result<PutResult> CompleteMultipartUpload(std::string_view k, std::string_view id,
                                            const std::vector<PartInfo>& parts,
                                            PutOptions::Condition c) override {
    if (k.find(fail_marker_) != std::string_view::npos) {
      return Status(StatusCode::kIOError, "connection reset (test)");
    }
    return inner_->CompleteMultipartUpload(k, id, parts, c);
  }
  Status AbortMultipartUpload(std::string_view k, std::string_view id) override {
    return inner_->AbortMultipartUpload(k, id);
  }
  Result<std::vector<MultipartUploadInfo>> ListMultipartUploads(std::string_view p) override {
    return inner_->ListMultipartUploads(p);
  }
  Result<std::vector<PartInfo>> ListParts(std::string_view k, std::string_view id) override {
    return inner_->ListParts(k, id);
  }

 private:
  ObjectStore* inner_;
  std::string fail_marker_;
};

class SideFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("tributary-side-" + RandomHex(8));
    store_options_ = {.url = "file://" + root_.string(), .bucket = "lake"};
    store_ = std::move(OpenObjectStore(store_options_)).value();
    ASSERT_TRUE(store_->CheckBucket().ok());
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  SinkConfig Config(RawConfig extra) {
    RawConfig raw = {{"name", "s"},
                     {"topics", "orders"},
                     {"bootstrap.servers", "127.0.0.1:9092"},
                     {"s3.bucket.name", "lake"},
                     {"format.class", "JsonFormat"},
                     {"flush.size", "3"}};
    for (auto& [k, v] : extra) raw[k] = v;
    auto c = SinkConfig::FromRaw(raw);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    SinkConfig config = c.ok() ? std::move(*c) : SinkConfig{};
    config.store = store_options_;
    return config;
  }
  std::unique_ptr<TopicPartitionWriter> Writer(const SinkConfig& config, ObjectStore* store,
                                               Journal* journal, const std::string& instance) {
    format_ = std::move(MakeFormat(config.format)).value();
    partitioner_ = std::move(MakePartitioner(config.partitioner)).value();
    auto w = std::make_unique<TopicPartitionWriter>(tp_, &config, format_.get(), partitioner_.get(),
                                                    store, &pool_, journal,
                                                    JournalIdentity{instance, "h"});
    if (journal != nullptr) {
      auto uploads = store->ListMultipartUploads("topics/");
      EXPECT_TRUE(uploads.ok());
      auto from = w->Recover(std::nullopt, *uploads);
      EXPECT_TRUE(from.ok()) << from.status().ToString();
    }
    return w;
  }
  static Record R(int64_t offset, std::optional<std::string_view> key,
                  std::optional<std::string_view> value) {
    Record r{.topic = "orders", .partition = Partition(1), .offset = Offset(offset)};
    r.key = key;
    r.value = value;
    r.headers = {{"trace", offset == 0 ? "t0" : "tx"}};
    return r;
  }

  const TopicPartition tp_{"orders", Partition(1)};
  std::filesystem::path root_;
  StoreOptions store_options_;
  std::unique_ptr<ObjectStore> store_;
  std::unique_ptr<Format> format_;
  std::unique_ptr<Partitioner> partitioner_;
  UploadPool pool_{2, 64 << 20};
};

TEST_F(SideFilesTest, ConfigValidationNamesTheKeys) {
  RawConfig base = {{"name", "s"},
                    {"topics", "orders"},
                    {"bootstrap.servers", "127.0.0.1:9092"},
                    {"s3.bucket.name", "lake"},
                    {"format.class", "JsonFormat"},
                    {"flush.size", "10"}};
  auto with = [&](RawConfig extra) {
    RawConfig raw = base;
    for (auto& [k, v] : extra) raw[k] = v;
    return SinkConfig::FromRaw(raw);
  };
  auto no_keys = with({{"behavior.on.null.values", "write"}});
  ASSERT_FALSE(no_keys.ok());
  EXPECT_NE(no_keys.status().message().find("store.kafka.keys=true"), std::string::npos);
  auto bytes_headers =
      with({{"store.kafka.headers", "true"},
            {"headers.format.class", "io.confluent.connect.s3.format.bytearray.ByteArrayFormat"}});
  ASSERT_FALSE(bytes_headers.ok());
  EXPECT_NE(bytes_headers.status().message().find("headers.format.class"), std::string::npos);
  auto parquet_keys = with({{"store.kafka.keys", "true"}, {"keys.format.class", "ParquetFormat"}});
  ASSERT_FALSE(parquet_keys.ok());
  EXPECT_NE(parquet_keys.status().message().find("keys.format.class"), std::string::npos);
  // Parquet named but not used: no error.
  EXPECT_TRUE(with({{"keys.format.class", "ParquetFormat"}}).ok());
  auto aiven = with({{"store.kafka.keys", "true"},
                     {"file.name.template", "{{topic}}-{{partition}}-{{start_offset}}"}});
  ASSERT_FALSE(aiven.ok());
  EXPECT_NE(aiven.status().message().find("file.name.template"), std::string::npos);
  auto ok = with({{"behavior.on.null.values", "write"}, {"store.kafka.keys", "true"}});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->on_null, NullValueBehavior::kWrite);
  EXPECT_EQ(ok->side_files.keys_format, SideFormat::kAvro);  // the connector's default
}

// A Connect config carries Java consumer properties librdkafka does not have: they are
// reported as unused, not passed on (librdkafka would refuse to start).
TEST(ConnectConfigTest, JavaOnlyConsumerPropertiesAreDroppedWithAWarning) {
  auto c = SinkConfig::FromRaw({{"name", "s"},
                                {"topics", "orders"},
                                {"bootstrap.servers", "127.0.0.1:9092"},
                                {"s3.bucket.name", "lake"},
                                {"format.class", "JsonFormat"},
                                {"flush.size", "10"},
                                {"consumer.override.max.poll.records", "500"},
                                {"consumer.override.session.timeout.ms", "45000"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->consumer_overrides.count("max.poll.records"));
  EXPECT_EQ(c->consumer_overrides.at("session.timeout.ms"), "45000");
  EXPECT_NE(
      std::find(c->unused_keys.begin(), c->unused_keys.end(), "consumer.override.max.poll.records"),
      c->unused_keys.end());
}

// A crash after the journal names the flush, before the side files are completed: the
// next owner completes the data file and both side files together.
TEST_F(SideFilesTest, JournalRollsSideFilesForwardWithTheDataFile) {
  SinkConfig config =
      Config({{"store.kafka.keys", "true"},
              {"store.kafka.headers", "true"},
              {"keys.format.class", "JsonFormat"},
              {"headers.format.class", "JsonFormat"},
              {"key.converter", "org.apache.kafka.connect.storage.StringConverter"}});
  Journal journal(store_.get(), config.journal_prefix, "s");
  FailingCompleteStore failing(store_.get(), ".headers.");
  {
    auto w = Writer(config, &failing, &journal, "inst-a");
    ASSERT_TRUE(w->Write(R(0, "k0", "{\"n\":0}"), 0).ok());
    ASSERT_TRUE(w->Write(R(1, "k1", "{\"n\":1}"), 0).ok());
    Status st = w->Write(R(2, "k2", "{\"n\":2}"), 0);
    ASSERT_FALSE(st.ok());  // the flush could not complete the headers file
    EXPECT_FALSE(store_->Head("topics/orders/partition=1/orders+1+0000000000.headers.json").ok());
    auto j = journal.Read(tp_);
    ASSERT_TRUE(j.ok() && j->has_value());
    ASSERT_TRUE((*j)->record.pending.has_value());
    EXPECT_EQ((*j)->record.pending->files.size(), 3u);  // data, keys, headers: one flush
  }
  auto next = Writer(config, store_.get(), &journal, "inst-b");
  const std::string base = "topics/orders/partition=1/orders+1+0000000000";
  EXPECT_EQ(*store_->Get(base + ".json"), "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n");
  EXPECT_EQ(*store_->Get(base + ".keys.json"), "\"k0\"\n\"k1\"\n\"k2\"\n");
  EXPECT_EQ(*store_->Get(base + ".headers.json"),
            "{\"headers\":[{\"key\":\"trace\",\"value\":\"t0\"}]}\n"
            "{\"headers\":[{\"key\":\"trace\",\"value\":\"tx\"}]}\n"
            "{\"headers\":[{\"key\":\"trace\",\"value\":\"tx\"}]}\n");
  auto j = journal.Read(tp_);
  ASSERT_TRUE(j.ok() && j->has_value());
  EXPECT_EQ((*j)->record.committed, std::optional<int64_t>(3));
  // verify counts each record once: side files do not overlap their data file.
  AuditOptions audit;
  audit.topic = "orders";
  auto report = Audit(*store_, audit);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok()) << report->ToText();
  ASSERT_EQ(report->partitions.size(), 1u);
  EXPECT_TRUE(report->partitions[0].problems.empty()) << report->ToText();
}

// Tombstones go to tombstone.encoded.partition as key files only; verify accounts for
// their offsets through the key file, so the range has no gap.
TEST_F(SideFilesTest, TombstonesWriteKeysOnlyAndVerifyFindsNoGap) {
  SinkConfig config = Config({{"store.kafka.keys", "true"},
                              {"behavior.on.null.values", "write"},
                              {"keys.format.class", "JsonFormat"},
                              {"flush.size", "4"}});
  Journal journal(store_.get(), config.journal_prefix, "s");
  auto w = Writer(config, store_.get(), &journal, "inst-a");
  ASSERT_TRUE(w->Write(R(0, "a", "{\"n\":0}"), 0).ok());
  ASSERT_TRUE(w->Write(R(1, "a", std::nullopt), 0).ok());
  ASSERT_TRUE(w->Write(R(2, "b", std::nullopt), 0).ok());
  ASSERT_TRUE(w->Write(R(3, "c", "{\"n\":3}"), 0).ok());
  EXPECT_EQ(*store_->Get("topics/orders/partition=1/orders+1+0000000000.json"),
            "{\"n\":0}\n{\"n\":3}\n");
  EXPECT_EQ(*store_->Get("topics/orders/partition=1/orders+1+0000000000.keys.json"),
            "\"a\"\n\"c\"\n");
  EXPECT_EQ(*store_->Get("topics/orders/tombstone/orders+1+0000000001.keys.json"),
            "\"a\"\n\"b\"\n");
  EXPECT_FALSE(store_->Head("topics/orders/tombstone/orders+1+0000000001.json").ok());
  // Each record counts once in the flush (the status page's records_written): the data
  // file and the tombstone key file, not the data file's key file.
  auto flushes = w->TakeFlushes();
  ASSERT_EQ(flushes.size(), 1u);
  uint64_t counted = 0;
  for (const auto& o : flushes[0].objects) counted += o.counts_records ? o.records : 0;
  EXPECT_EQ(flushes[0].objects.size(), 3u);
  EXPECT_EQ(counted, 4u);
  // A null key cannot be stored: the error names the record and nothing is half-written.
  Status st = w->Write(R(4, std::nullopt, std::nullopt), 0);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("orders-1@4"), std::string::npos) << st.message();
  AuditOptions audit;
  audit.topic = "orders";
  audit.sink_name = "s";
  audit.journal_prefix = config.journal_prefix;
  auto report = Audit(*store_, audit);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok()) << report->ToText();
  ASSERT_EQ(report->partitions.size(), 1u);
  EXPECT_EQ(report->partitions[0].records, 4u);  // 2 values + 2 tombstones, once each
  ASSERT_EQ(report->partitions.size(), 1u);
  EXPECT_TRUE(report->partitions[0].problems.empty()) << report->ToText();
}

// {{end_offset}}: a file is held until it closes (no part is sent under a provisional
// key), closed at s3.part.size, and named with its last offset, in both modes.
TEST_F(SideFilesTest, EndOffsetKeysAreBoundWhenTheFileCloses) {
  for (const char* mode : {"deterministic", "journal"}) {
    SCOPED_TRACE(mode);
    std::filesystem::remove_all(root_);
    store_ = std::move(OpenObjectStore(store_options_)).value();
    ASSERT_TRUE(store_->CheckBucket().ok());
    SinkConfig config =
        Config({{"file.name.template", "{{topic}}/{{partition}}-{{start_offset}}-{{end_offset}}"},
                {"file.compression.type", "none"},
                {"exactly.once.mode", mode},
                {"flush.size", "100"}});
    config.part_size = 5 << 20;
    Journal journal(store_.get(), config.journal_prefix, "s");
    auto w =
        Writer(config, store_.get(), std::string(mode) == "journal" ? &journal : nullptr, "inst");
    const std::string big(2 << 20, 'x');
    const std::string value = "\"" + big + "\"";
    for (int64_t off = 0; off < 4; ++off) {
      ASSERT_TRUE(w->Write(R(off, "k", value), 0).ok());
      // Nothing reaches the store before the file closes: no multipart upload exists.
      auto uploads = store_->ListMultipartUploads("");
      ASSERT_TRUE(uploads.ok());
      EXPECT_TRUE(uploads->empty());
    }
    // 3 values of 2 MiB pass 5 MiB: the file closed after offset 2.
    auto flushes = w->TakeFlushes();
    ASSERT_EQ(flushes.size(), 1u);
    EXPECT_NE(flushes[0].reason.find("end_offset"), std::string::npos) << flushes[0].reason;
    ASSERT_EQ(flushes[0].objects.size(), 1u);
    EXPECT_EQ(flushes[0].objects[0].key, "orders/1-0-2");
    auto head = store_->Head("orders/1-0-2");
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    EXPECT_EQ(head->size, 3 * (value.size() + 1));
    // The memory budget flushes such a file instead of sending a part.
    ASSERT_TRUE(w->ReleaseMemory().ok());
    EXPECT_TRUE(store_->Head("orders/1-3-3").ok());
  }
}

}  // namespace
}  // namespace tributary

namespace tributary {
namespace {

// Keys of a Schema Registry key.converter are decoded with their writer schema: an Avro key
// file of the key schema (read by python3-avro) and JSON key lines. The registry is
// tests/columnar/fake_registry.py, the local responder: no real Schema Registry (a JVM
// service) can run here.
TEST(RegistryKeySideFilesTest, KeysAreDecodedWithTheirSchema) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("tributary-registry-keys-" + RandomHex(8));
  std::filesystem::create_directories(dir);
  const std::string schemas = (dir / "schemas.json").string();
  {
    std::ofstream f(schemas);
    f << R"({"3": {"subject": "orders-key", "schema": {"type": "record", "name": "OrderKey",
      "namespace": "shop", "fields": [{"name": "id", "type": "long"},
      {"name": "region", "type": "string"}]}},
      "4": {"subject": "orders-key", "schema": {"type": "record", "name": "OrderKey2",
      "namespace": "shop", "fields": [{"name": "id", "type": "long"}]}}})";
  }
  testing_records::RegistryResponder registry;
  ASSERT_TRUE(registry.Start(TRIBUTARY_SOURCE_DIR, schemas));
  RawConfig raw = {{"name", "s"},
                   {"topics", "orders"},
                   {"bootstrap.servers", "127.0.0.1:9092"},
                   {"s3.bucket.name", "lake"},
                   {"format.class", "JsonFormat"},
                   {"flush.size", "10"},
                   {"store.kafka.keys", "true"},
                   {"key.converter", "io.confluent.connect.avro.AvroConverter"}};
  auto missing = SinkConfig::FromRaw(raw);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("key.converter.schema.registry.url"), std::string::npos)
      << missing.status().message();
  raw["key.converter.schema.registry.url"] = registry.url();

  // {id: 42, region: "eu"} and {id: 7, region: "us"} as Avro datums of schema id 3; the
  // second names its schema in the header form.
  const std::string k1 = std::string("\0\0\0\0\x03", 5) + "\x54\x04" + "eu";
  const std::string k2_header = std::string("\0\0\0\0\x03", 5);
  const std::string k2 = std::string("\x0e\x04") + "us";
  auto write_keys = [&](const std::string& format) {
    raw["keys.format.class"] = format;
    auto cfg = SinkConfig::FromRaw(raw);
    EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
    StringOutputStream out;
    auto writer = NewSideWriter(SideKind::kKeys, cfg->side_files, &out);
    Record r;
    r.topic = "orders";
    r.partition = Partition(0);
    r.offset = Offset(0);
    r.key = k1;
    r.value = "{}";
    EXPECT_TRUE(CheckSideRecord(cfg->side_files, r).ok());
    EXPECT_TRUE(writer->Write(r).ok());
    r.offset = Offset(1);
    r.key = k2;
    r.headers = {{"__key_schema_id", k2_header}};
    EXPECT_TRUE(writer->Write(r).ok());
    r.offset = Offset(2);
    r.key = "not framed";
    r.headers.clear();
    // A key of another schema asks for another file (NONE) or a rotation, like a value.
    const std::string other = std::string("\0\0\0\0\x04", 5) + "\x02";
    Record r2 = r;
    r2.key = other;
    r2.headers.clear();
    if (format == "AvroFormat") {
      EXPECT_EQ(writer->Place(r2, SchemaCompatibility::kNone).action,
                SchemaPlacement::Action::kOtherFile);
      SchemaPlacement rotate = writer->Place(r2, SchemaCompatibility::kBackward);
      EXPECT_EQ(rotate.action, SchemaPlacement::Action::kRotate);
      EXPECT_NE(rotate.reason.find("key: "), std::string::npos) << rotate.reason;
      EXPECT_EQ(writer->Place(r, SchemaCompatibility::kNone).action,
                SchemaPlacement::Action::kAppend);
    }
    // Refused before the data file would take the record, so the files stay aligned.
    Status check = CheckSideRecord(cfg->side_files, r);
    EXPECT_EQ(check.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(check.message().find("orders-0@2: key"), std::string::npos) << check.message();
    Status bad = writer->Write(r);
    EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(bad.message().find("orders-0@2"), std::string::npos) << bad.message();
    EXPECT_TRUE(writer->Close().ok());
    return out.Release();
  };
  EXPECT_EQ(write_keys("JsonFormat"),
            "{\"id\":42,\"region\":\"eu\"}\n{\"id\":7,\"region\":\"us\"}\n");

  const std::string avro = (dir / "keys.avro").string();
  {
    std::ofstream f(avro, std::ios::binary);
    f << write_keys("AvroFormat");
  }
  int rc = 0;
  const std::string read = testing_records::RunCommand(
      "/usr/bin/python3 -c 'import sys, json, avro.datafile, avro.io; "
      "r = avro.datafile.DataFileReader(open(sys.argv[1], \"rb\"), avro.io.DatumReader()); "
      "print(json.loads(str(r.datum_reader.writers_schema))[\"name\"], "
      "json.dumps([x for x in r], sort_keys=True))' " +
          avro + " 2>&1",
      &rc);
  EXPECT_EQ(rc, 0) << read;
  EXPECT_EQ(read, "OrderKey [{\"id\": 42, \"region\": \"eu\"}, {\"id\": 7, \"region\": \"us\"}]");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tributary
