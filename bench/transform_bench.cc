// transform_bench: CPU cost of the typical transform chain of issue #12 — drop two fields,
// mask one, insert the offset — next to the untransformed path, per GB of record values.
//
// Each run encodes the same generated records with the sink's JSON writer (what the sink
// does with every record); the transformed runs apply the chain first. The SQL run does
// the same projection as one tributary.Sql statement. Single thread; CPU time of the
// thread (CLOCK_THREAD_CPUTIME_ID), best of BENCH_ROUNDS.
//
// The Avro runs do the same on Schema Registry records (AvroConverter; schemas from memory,
// as the registry client caches them): the baseline decodes each datum and writes it to
// Parquet (what the sink does without transforms), the transformed run applies the chain
// to the decoded record and writes the result.
//
//   cmake --build build --target transform_bench && build/bench/transform_bench
//   BENCH_RECORDS=400000 BENCH_ROUNDS=5 build/bench/transform_bench
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "format/avro/avro_container.h"
#include "format/format_options.h"
#include "format/output_stream.h"
#include "schema/avro_decoder.h"
#include "schema/avro_schema.h"
#include "schema/json_value.h"
#include "schema/registry_client.h"
#include "transform/schema_codec.h"
#include "transform/transform_chain.h"

namespace tributary {
namespace {

// Counts bytes and drops them: the bench measures encoding, not memory traffic.
class CountingStream final : public OutputStream {
 public:
  Status Append(std::string_view bytes) override {
    size_ += bytes.size();
    return Status::OK();
  }
  uint64_t Size() const override { return size_; }

 private:
  uint64_t size_ = 0;
};

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

// A typical event: a dozen fields, a nested object, ~330 bytes.
std::string MakeValue(int i) {
  return fmt::format(
      R"({{"id":{},"user":"user-{}","email":"user{}@example.com","ssn":"123-45-{:04d}",)"
      R"("country":"{}","amount":{}.{:02d},"currency":"EUR","status":"{}",)"
      R"("created_at":"2024-01-{:02d}T10:{:02d}:00Z","internal":{{"shard":{},"trace":"{:016x}"}},)"
      R"("tags":["a","b","c"],"active":{}}})",
      i, i, i, i % 10000, i % 3 ? "FR" : "DE", i % 1000, i % 100, i % 2 ? "paid" : "pending",
      i % 28 + 1, i % 60, i % 16, static_cast<uint64_t>(i) * 2654435761u, i % 5 ? "true" : "false");
}

// MakeValue's events as an Avro schema.
constexpr const char* kEventSchema = R"({"type":"record","name":"Event","fields":[
  {"name":"id","type":"long"},{"name":"user","type":"string"},{"name":"email","type":"string"},
  {"name":"ssn","type":"string"},{"name":"country","type":"string"},
  {"name":"amount","type":"double"},{"name":"currency","type":"string"},
  {"name":"status","type":"string"},{"name":"created_at","type":"string"},
  {"name":"internal","type":{"type":"record","name":"Internal","fields":[
    {"name":"shard","type":"int"},{"name":"trace","type":"string"}]}},
  {"name":"tags","type":{"type":"array","items":"string"}},{"name":"active","type":"boolean"}]})";

struct Run {
  const char* name;
  std::map<std::string, std::string> config;
};

// Writes `records` through `chain` and `format`, `rounds` times, and prints the best run's
// CPU seconds per GB of `bytes`; the first run printed is the baseline of the others.
// `before` (when set) prepares each record first: the Avro baseline decodes it there.
bool Measure(const char* name, const TransformChain& chain, const Format& format,
             std::vector<Record>& records, uint64_t bytes, int rounds, double* baseline,
             const std::function<Status(Record&)>& before = {}) {
  double best = 1e30;
  uint64_t out_bytes = 0;
  for (int r = 0; r < rounds; ++r) {
    CountingStream out;
    auto writer = format.NewWriter(&out);
    TransformScratch scratch;
    const double start = ThreadCpuSeconds();
    for (Record& rec : records) {
      Status st = before ? before(rec) : Status::OK();
      auto t = st.ok() ? chain.Apply(rec, &scratch) : Result<const Record*>(st);
      if (t.ok() && *t != nullptr) st = writer->Write(**t);
      if (!t.ok()) st = t.status();
      rec.value_datum = nullptr;
      if (!st.ok()) {
        std::fprintf(stderr, "%s\n", st.ToString().c_str());
        return false;
      }
    }
    (void)writer->Close();
    best = std::min(best, ThreadCpuSeconds() - start);
    out_bytes = out.Size();
  }
  const double per_gb = best / (static_cast<double>(bytes) / 1e9);
  if (*baseline == 0) *baseline = per_gb;
  std::printf("%-40s %12.2f %14.0f %12.1f", name, per_gb, records.size() / best,
              static_cast<double>(out_bytes) / 1e6);
  if (per_gb != *baseline) std::printf("   (+%.2f s/GB for the transforms)", per_gb - *baseline);
  std::printf("\n");
  return true;
}

}  // namespace
}  // namespace tributary

int main() {
  using namespace tributary;
  const int n = EnvInt("BENCH_RECORDS", 200000);
  const int rounds = EnvInt("BENCH_ROUNDS", 3);
  std::vector<std::string> values;
  values.reserve(n);
  uint64_t bytes = 0;
  for (int i = 0; i < n; ++i) {
    values.push_back(MakeValue(i));
    bytes += values.back().size();
  }
  std::vector<Record> records(n);
  for (int i = 0; i < n; ++i) {
    records[i].topic = "events";
    records[i].partition = Partition(0);
    records[i].offset = Offset(i);
    records[i].timestamp_ms = 1704103200000 + i;
    records[i].key = std::string_view("k");
    records[i].value = values[i];
  }
  const std::map<std::string, std::string> typical = {
      {"transforms", "drop,mask,offset"},
      {"transforms.drop.type", "org.apache.kafka.connect.transforms.ReplaceField$Value"},
      {"transforms.drop.exclude", "ssn,internal"},
      {"transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value"},
      {"transforms.mask.fields", "email"},
      {"transforms.mask.replacement", "***"},
      {"transforms.offset.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
      {"transforms.offset.offset.field", "kafka_offset"}};
  const std::map<std::string, std::string> sql = {
      {"transforms", "q"},
      {"transforms.q.type", "tributary.Sql"},
      {"transforms.q.query",
       "SELECT id, user, '***' AS email, country, amount, currency, status, created_at, tags, "
       "active, _offset AS kafka_offset FROM events"}};
  const std::vector<Run> runs = {{"no chain (JSON writer only)", {}},
                                 {"typical chain + JSON writer", typical},
                                 {"same projection as SQL + JSON writer", sql}};

  auto format = MakeFormat(FormatOptions()).value();
  std::printf("%d records, %.1f MB of values (%.0f bytes each), best of %d rounds\n", n,
              static_cast<double>(bytes) / 1e6, static_cast<double>(bytes) / n, rounds);
  std::printf("%-40s %12s %14s %12s\n", "run", "CPU s/GB", "records/s", "out MB");
  double baseline = 0;
  for (const auto& run : runs) {
    auto options = TransformChainOptions::FromConfig(run.config).value();
    auto chain = TransformChain::Create(run.config, options);
    if (!chain.ok()) {
      std::fprintf(stderr, "%s\n", chain.status().ToString().c_str());
      return 1;
    }
    if (!Measure(run.name, **chain, *format, records, bytes, rounds, &baseline)) return 1;
  }

  // --- Schema Registry Avro records to Parquet ---
  auto schema = std::make_shared<const Schema>(ParseAvroSchema(kEventSchema).value());
  std::vector<std::string> wire(n);
  uint64_t avro_bytes = 0;
  JsonValueReader reader;
  for (int i = 0; i < n; ++i) {
    Value v;
    if (!reader.Read(values[i], *schema, &v).ok()) return 1;
    wire[i].assign("\0\0\0\0\x01", 5);  // magic 0, schema id 1
    if (!EncodeAvro(*schema, v, &wire[i]).ok()) return 1;
    avro_bytes += wire[i].size();
    records[i].value = wire[i];
  }
  FormatOptions parquet;
  parquet.kind = FormatKind::kParquet;
  // As in the sink with AvroConverter: each file takes its first record's schema. The
  // client is never asked (every record carries its decoded datum).
  parquet.registry = std::make_shared<SchemaRegistryClient>(RegistryOptions{"http://127.0.0.1:1"});
  auto parquet_format = MakeFormat(parquet).value();
  auto codec =
      MakeAvroCodec([&](int32_t) -> Result<std::shared_ptr<const Schema>> { return schema; });
  std::printf("\n%d Avro records (registry wire format), %.1f MB, to Parquet\n", n,
              static_cast<double>(avro_bytes) / 1e6);
  std::printf("%-40s %12s %14s %12s\n", "run", "CPU s/GB", "records/s", "out MB");
  baseline = 0;
  for (const auto& run : {runs[0], runs[1]}) {
    TransformChainOptions options;
    options.value.format = DataFormat::kSchemaCodec;
    options.value.codec = codec;
    auto chain = TransformChain::Create(run.config, options).value();
    const bool plain = chain->empty();
    SchemaDatum decoded;
    decoded.schema = schema;
    auto decode = [&](Record& rec) {  // the writer's own registry path: decode, write
      std::string_view datum = rec.value->substr(5);
      rec.value_datum = &decoded;
      return DecodeAvro(*schema, &datum, &decoded.value);
    };
    if (!Measure(plain ? "no chain (decode + Parquet)" : "typical chain + Parquet", *chain,
                 *parquet_format, records, avro_bytes, rounds, &baseline,
                 plain ? std::function<Status(Record&)>(decode) : nullptr)) {
      return 1;
    }
  }
  return 0;
}
