// json_parquet_bench: CPU seconds per GB of JSON input for schemaless JSON → Parquet, by
// Tributary's writer (snappy and zstd, declared schema and inference) and, side by side,
// by DuckDB converting the same file single-threaded:
//   SET threads=1; COPY (SELECT * FROM read_ndjson(FILE)) TO OUT (FORMAT parquet, ...)
// See README.md. CPU is getrusage user + system; DuckDB's is the child process's
// (RUSAGE_CHILDREN) minus a `SELECT 1` run, which removes node's and DuckDB's start-up.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "format/format_options.h"
#include "format/reader/columnar_reader.h"

namespace {

using tributary::FormatKind;
using tributary::FormatOptions;
using tributary::Offset;
using tributary::Partition;
using tributary::Record;

// Counts bytes and drops them: the bench measures encoding, not storage.
class NullStream final : public tributary::OutputStream {
 public:
  tributary::Status Append(std::string_view bytes) override {
    size_ += bytes.size();
    return tributary::Status::OK();
  }
  uint64_t Size() const override { return size_; }

 private:
  uint64_t size_ = 0;
};

double Cpu(int who) {
  rusage u{};
  getrusage(who, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

constexpr const char* kSchema = R"({"type":"record","name":"Event","fields":[
  {"name":"id","type":"long"},{"name":"user","type":"string"},{"name":"country","type":"string"},
  {"name":"amount","type":"double"},{"name":"qty","type":["null","long"]},
  {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
  {"name":"tags","type":{"type":"array","items":"string"}},
  {"name":"device","type":{"type":"record","name":"Device","fields":[
     {"name":"os","type":"string"},{"name":"version","type":"string"}]}}]})";

std::vector<std::string> Generate(uint64_t bytes) {
  std::mt19937_64 rng(42);
  const char* countries[] = {"NO", "SE", "DK", "FI", "DE", "FR", "US", "JP"};
  const char* oses[] = {"android", "ios", "linux", "windows"};
  std::vector<std::string> lines;
  uint64_t total = 0;
  for (int64_t i = 0; total < bytes; ++i) {
    std::string tags = "[";
    for (uint64_t k = 0; k < rng() % 4; ++k)
      tags += (k ? ",\"t" : "\"t") + std::to_string(rng() % 50) + "\"";
    tags += "]";
    char line[512];
    std::snprintf(line, sizeof(line),
                  R"({"id":%ld,"user":"user-%lu","country":"%s","amount":%.2f,"qty":%s,)"
                  R"("at":%ld,"tags":%s,"device":{"os":"%s","version":"%lu.%lu"}})",
                  static_cast<long>(i), static_cast<unsigned long>(rng() % 100000),
                  countries[rng() % 8], static_cast<double>(rng() % 1000000) / 100,
                  rng() % 5 ? std::to_string(rng() % 10).c_str() : "null",
                  static_cast<long>(1700000000000 + i * 37), tags.c_str(), oses[rng() % 4],
                  static_cast<unsigned long>(rng() % 20), static_cast<unsigned long>(rng() % 10));
    lines.emplace_back(line);
    total += lines.back().size() + 1;
  }
  return lines;
}

void Tributary(const std::vector<std::string>& lines, uint64_t bytes, const char* codec,
               bool infer) {
  FormatOptions o{.kind = FormatKind::kParquet};
  o.parquet_codec = codec;
  if (infer) {
    o.schema_inference = true;
  } else {
    o.value_schema = kSchema;
  }
  auto format = tributary::MakeFormat(o);
  if (!format.ok()) {
    std::fprintf(stderr, "%s\n", format.status().ToString().c_str());
    std::exit(1);
  }
  NullStream out;
  double start = Cpu(RUSAGE_SELF);
  auto writer = (*format)->NewWriter(&out);
  for (size_t i = 0; i < lines.size(); ++i) {
    Record r{.topic = "bench",
             .partition = Partition(0),
             .offset = Offset(static_cast<int64_t>(i)),
             .value = lines[i]};
    if (auto st = writer->Write(r); !st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      std::exit(1);
    }
  }
  if (!writer->Close().ok()) std::exit(1);
  double cpu = Cpu(RUSAGE_SELF) - start;
  std::printf("tributary %-6s %-9s %7.2f CPU s/GB  (%.1f%% of the JSON size)\n", codec,
              infer ? "inferred" : "declared", cpu / (bytes / 1e9), 100.0 * out.Size() / bytes);
}

// Read-back (tributary source): the declared-schema file written again, then read row by
// row back to JSON text by the Parquet reader (format/reader/parquet_reader.h).
void ReadBack(const std::vector<std::string>& lines, uint64_t bytes, const char* codec) {
  FormatOptions o{.kind = FormatKind::kParquet};
  o.parquet_codec = codec;
  o.value_schema = kSchema;
  auto format = tributary::MakeFormat(o);
  tributary::StringOutputStream out;
  auto writer = (*format)->NewWriter(&out);
  for (size_t i = 0; i < lines.size(); ++i) {
    Record r{.topic = "bench",
             .partition = Partition(0),
             .offset = Offset(static_cast<int64_t>(i)),
             .value = lines[i]};
    if (!writer->Write(r).ok()) std::exit(1);
  }
  if (!writer->Close().ok()) std::exit(1);
  double start = Cpu(RUSAGE_SELF);
  auto reader = tributary::MakeColumnarReader(FormatKind::kParquet, "bench.parquet", out.Release());
  if (!reader.ok()) std::exit(1);
  tributary::ReadRecord rec;
  uint64_t rows = 0, json = 0;
  while (true) {
    auto more = (*reader)->Next(&rec);
    if (!more.ok() || !*more) break;
    ++rows;
    json += rec.value->size() + 1;
  }
  double cpu = Cpu(RUSAGE_SELF) - start;
  std::printf(
      "read-back %-6s %-9s %7.2f CPU s/GB  (%.2f M rows/s, %zu of %zu rows, %.0f%% of the JSON "
      "size)\n",
      codec, "declared", cpu / (bytes / 1e9), rows / cpu / 1e6, static_cast<size_t>(rows),
      lines.size(), 100.0 * json / bytes);
}

double DuckDbCpu(const std::string& node_dir, const std::string& sql) {
  std::string cmd = "node " + node_dir + "/duckdb_query.mjs \"" + sql + "\" >/dev/null";
  double start = Cpu(RUSAGE_CHILDREN);
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "failed: %s\n", cmd.c_str());
    std::exit(1);
  }
  return Cpu(RUSAGE_CHILDREN) - start;
}

}  // namespace

int main() {
  const char* mib_env = std::getenv("BENCH_MIB");
  const uint64_t bytes = (mib_env ? std::strtoull(mib_env, nullptr, 10) : 256) << 20;
  const char* node_env = std::getenv("TRIBUTARY_NODE_DIR");
  const std::string node_dir = node_env ? node_env : "tests/node";
  auto dir =
      std::filesystem::temp_directory_path() / ("json_parquet_bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::vector<std::string> lines = Generate(bytes);
  uint64_t actual = 0;
  {
    std::ofstream f(dir / "in.json");
    for (const auto& l : lines) {
      f << l << '\n';
      actual += l.size() + 1;
    }
  }
  std::printf("%zu records, %.1f MB of JSON lines\n", lines.size(), actual / 1e6);
  for (const char* codec : {"snappy", "zstd"}) {
    Tributary(lines, actual, codec, false);
    Tributary(lines, actual, codec, true);
  }
  for (const char* codec : {"snappy", "zstd"}) ReadBack(lines, actual, codec);
  double baseline = DuckDbCpu(node_dir, "SELECT 1");
  for (const char* codec : {"snappy", "zstd"}) {
    std::string out = (dir / (std::string("duck.") + codec + ".parquet")).string();
    double cpu = DuckDbCpu(node_dir, "SET threads=1; COPY (SELECT * FROM read_ndjson('" +
                                         (dir / "in.json").string() + "')) TO '" + out +
                                         "' (FORMAT parquet, COMPRESSION " + codec + ")") -
                 baseline;
    std::printf("duckdb    %-6s %-9s %7.2f CPU s/GB  (%.1f%% of the JSON size)\n", codec,
                "inferred", cpu / (actual / 1e9), 100.0 * std::filesystem::file_size(out) / actual);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
