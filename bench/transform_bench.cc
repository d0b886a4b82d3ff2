// transform_bench: CPU cost of the typical transform chain of issue #12 — drop two fields,
// mask one, insert the offset — next to the untransformed path, per GB of record values.
//
// Each run encodes the same generated records with the sink's JSON writer (what the sink
// does with every record); the transformed runs apply the chain first. The SQL run does
// the same projection as one tributary.Sql statement. Single thread; CPU time of the
// thread (CLOCK_THREAD_CPUTIME_ID), best of BENCH_ROUNDS.
//
//   cmake --build build --target transform_bench && build/bench/transform_bench
//   BENCH_RECORDS=400000 BENCH_ROUNDS=5 build/bench/transform_bench
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "format/format_options.h"
#include "format/output_stream.h"
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

struct Run {
  const char* name;
  std::map<std::string, std::string> config;
};

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
    double best = 1e30;
    uint64_t out_bytes = 0;
    for (int r = 0; r < rounds; ++r) {
      CountingStream out;
      auto writer = format->NewWriter(&out);
      TransformScratch scratch;
      const double start = ThreadCpuSeconds();
      for (const Record& rec : records) {
        auto t = (*chain)->Apply(rec, &scratch);
        if (!t.ok()) {
          std::fprintf(stderr, "%s\n", t.status().ToString().c_str());
          return 1;
        }
        if (*t == nullptr) continue;
        Status st = writer->Write(**t);
        if (!st.ok()) {
          std::fprintf(stderr, "%s\n", st.ToString().c_str());
          return 1;
        }
      }
      (void)writer->Close();
      best = std::min(best, ThreadCpuSeconds() - start);
      out_bytes = out.Size();
    }
    const double per_gb = best / (static_cast<double>(bytes) / 1e9);
    if (baseline == 0) baseline = per_gb;
    std::printf("%-40s %12.2f %14.0f %12.1f", run.name, per_gb, n / best,
                static_cast<double>(out_bytes) / 1e6);
    if (per_gb != baseline) std::printf("   (+%.2f s/GB for the transforms)", per_gb - baseline);
    std::printf("\n");
  }
  return 0;
}
