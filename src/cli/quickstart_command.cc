// tributary quickstart: the embedded default. Starts `tributary broker` in this process
// (its data in a temporary directory, removed at exit), produces sample order events,
// runs the sink into a local directory with the local store, then shows what landed and
// how to query it.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "broker/embedded_broker.h"
#include "cli/commands.h"
#include "kafka/client/producer.h"
#include "sink/sink_task.h"

namespace tributary {
namespace {

constexpr const char* kTopic = "orders";
constexpr const char* kBucket = "tributary-quickstart";
constexpr int kPartitions = 3;

struct QuickstartOptions {
  std::string dir = "lake";
  int records = 3000;
  int flush_size = 250;
};

// A deterministic order event of about 170 bytes.
std::string OrderEvent(int i) {
  static const char* kCustomers[] = {"acme", "globex", "initech", "umbrella", "hooli"};
  static const char* kSkus[] = {"kb-01", "ms-02", "hd-03", "mn-04"};
  static const char* kCountries[] = {"DE", "FR", "US", "JP", "BR"};
  const int64_t created = 1767225600000LL + static_cast<int64_t>(i) * 1000;  // 2026-01-01
  return fmt::format(
      R"({{"order_id":{},"customer":"{}","created_at_ms":{},"country":"{}",)"
      R"("items":[{{"sku":"{}","qty":{},"price_cents":{}}}],"total_cents":{},"status":"{}"}})",
      i, kCustomers[i % 5], created, kCountries[(i / 5) % 5], kSkus[i % 4], 1 + i % 3,
      499 + (i * 37) % 5000, (1 + i % 3) * (499 + (i * 37) % 5000),
      i % 10 == 0 ? "refunded" : "paid");
}

bool ParseArgs(const std::vector<std::string>& args, QuickstartOptions* o) {
  for (size_t i = 0; i < args.size(); ++i) {
    auto value = [&](int* out) {
      if (i + 1 >= args.size()) return false;
      try {
        *out = std::stoi(args[++i]);
      } catch (...) {
        return false;
      }
      return *out > 0;
    };
    if (args[i] == "--dir" && i + 1 < args.size()) {
      o->dir = args[++i];
    } else if (args[i] == "--records") {
      if (!value(&o->records)) return false;
    } else if (args[i] == "--flush-size") {
      if (!value(&o->flush_size)) return false;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

int RunQuickstartCommand(const std::vector<std::string>& args) {
  QuickstartOptions opts;
  if (!ParseArgs(args, &opts)) {
    std::fprintf(stderr,
                 "usage: tributary quickstart [--dir lake] [--records 3000] [--flush-size 250]\n");
    return 2;
  }
  InstallStopHandlers();
  // The quickstart narrates on stdout; routine sink logs would interleave with it.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (spdlog::get_level() == spdlog::level::info) spdlog::set_level(spdlog::level::warn);
  std::error_code ec;
  const std::filesystem::path root = std::filesystem::absolute(opts.dir, ec).lexically_normal();
  if (ec) {
    std::fprintf(stderr, "tributary: --dir %s: %s\n", opts.dir.c_str(), ec.message().c_str());
    return 2;
  }

  std::printf("Tributary quickstart\n\n");
  // The embedded broker keeps its WAL, metadata and objects in a temporary directory,
  // removed (with the broker stopped) however this function returns.
  std::string data_dir_template =
      (std::filesystem::temp_directory_path(ec) / "tributary-quickstart-XXXXXX").string();
  if (ec || mkdtemp(data_dir_template.data()) == nullptr) {
    std::fprintf(stderr, "tributary: cannot create a temporary directory for the broker\n");
    return 1;
  }
  struct BrokerGuard {
    std::string data_dir;
    std::unique_ptr<broker::EmbeddedBroker> broker;
    ~BrokerGuard() {
      broker.reset();
      std::error_code ignored;
      std::filesystem::remove_all(data_dir, ignored);
    }
  } guard{data_dir_template, nullptr};

  std::printf(
      "1. Kafka: starting the embedded `tributary broker` on 127.0.0.1 (Kafka protocol,\n"
      "   write-ahead log and objects in %s, removed at exit)\n",
      guard.data_dir.c_str());
  broker::EmbeddedBrokerOptions broker_options;
  broker_options.data_dir = guard.data_dir;
  auto started = broker::EmbeddedBroker::Start(broker_options);
  if (!started.ok()) {
    std::fprintf(stderr, "tributary: broker: %s\n", started.status().message().c_str());
    return 1;
  }
  guard.broker = std::move(*started);
  std::string create_error;
  if (guard.broker->storage()->CreateTopic(kTopic, kPartitions, false, &create_error) != 0) {
    std::fprintf(stderr, "tributary: creating topic '%s': %s\n", kTopic, create_error.c_str());
    return 1;
  }
  const std::string bootstrap = guard.broker->bootstrap();
  std::printf("   bootstrap.servers=%s, topic '%s' with %d partitions\n\n", bootstrap.c_str(),
              kTopic, kPartitions);

  std::printf("2. Producing %d order events (JSON, about 170 bytes each)\n", opts.records);
  {
    auto producer = Producer::Create(bootstrap, {});
    if (!producer.ok()) {
      std::fprintf(stderr, "tributary: %s\n", producer.status().message().c_str());
      return 1;
    }
    for (int i = 0; i < opts.records; ++i) {
      std::string key = std::to_string(i);
      Status st = (*producer)->Produce(kTopic, Partition(i % kPartitions), key, OrderEvent(i));
      if (!st.ok()) {
        std::fprintf(stderr, "tributary: %s\n", st.message().c_str());
        return 1;
      }
    }
    if (Status st = (*producer)->Flush(std::chrono::seconds(30)); !st.ok()) {
      std::fprintf(stderr, "tributary: %s\n", st.message().c_str());
      return 1;
    }
  }

  SinkConfig config;
  config.name = "quickstart";
  config.topics = {kTopic};
  config.bootstrap_servers = bootstrap;
  config.store = {.url = "file://" + root.string(), .bucket = kBucket};
  config.flush_size = opts.flush_size;
  std::printf("\n3. Sink: flush.size=%d, store.url=file://%s, s3.bucket.name=%s\n", opts.flush_size,
              root.c_str(), kBucket);
  auto task = SinkTask::Create(config);
  if (!task.ok()) {
    std::fprintf(stderr, "tributary: %s\n", task.status().message().c_str());
    return 1;
  }

  // Per partition, every record up to the last full file gets written; the remainder
  // (fewer than flush.size records) stays open, exactly as the Confluent connector would
  // leave it until more data arrives.
  std::map<TopicPartition, Offset> expected;
  for (int p = 0; p < kPartitions; ++p) {
    int64_t produced = opts.records / kPartitions + (p < opts.records % kPartitions ? 1 : 0);
    expected[{kTopic, Partition(p)}] = Offset(produced / opts.flush_size * opts.flush_size);
  }
  std::atomic<bool> stop{false};
  Status run_status;
  std::thread runner([&] { run_status = (*task)->Run(stop); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  bool caught_up = false;
  while (!StopRequested() && std::chrono::steady_clock::now() < deadline) {
    SinkProgress p = (*task)->Progress();
    caught_up = true;
    for (const auto& [tp, off] : expected) {
      auto it = p.committed.find(tp);
      Offset have = it == p.committed.end() ? Offset(0) : it->second;
      if (have < off) caught_up = false;
    }
    if (caught_up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop = true;
  runner.join();
  if (!run_status.ok()) {
    std::fprintf(stderr, "tributary: sink failed: %s\n", run_status.message().c_str());
    return 1;
  }
  if (!caught_up) {
    std::fprintf(stderr, StopRequested() ? "tributary: interrupted\n"
                                         : "tributary: the sink did not catch up within 120 s\n");
    return 1;
  }

  // 4. What landed: list the bucket directory and count records (lines) per object.
  auto store = OpenObjectStore(config.store);
  auto objects = (*store)->ListAll(std::string("topics/") + kTopic + "/");
  if (!objects.ok()) {
    std::fprintf(stderr, "tributary: %s\n", objects.status().message().c_str());
    return 1;
  }
  std::printf("\n4. The lake (%s/%s):\n\n", root.c_str(), kBucket);
  std::printf("   %-52s %8s %10s\n", "object", "records", "bytes");
  uint64_t total_records = 0, total_bytes = 0;
  for (const auto& o : *objects) {
    auto body = (*store)->Get(o.key);
    uint64_t lines = body.ok() ? std::count(body->begin(), body->end(), '\n') : 0;
    total_records += lines;
    total_bytes += o.size;
    std::printf("   %-52s %8lu %10lu\n", o.key.c_str(), static_cast<unsigned long>(lines),
                static_cast<unsigned long>(o.size));
  }
  std::printf("   %-52s %8lu %10lu\n", "total", static_cast<unsigned long>(total_records),
              static_cast<unsigned long>(total_bytes));
  std::printf(
      "\nQuery it with DuckDB:\n"
      "   duckdb -c \"SELECT country, count(*) AS orders, sum(total_cents)/100 AS revenue\n"
      "              FROM read_json_auto('%s/%s/topics/%s/*/*.json') GROUP BY ALL ORDER BY 2 "
      "DESC\"\n",
      opts.dir.c_str(), kBucket, kTopic);
  std::printf(
      "\nRun the same sink against your own cluster and bucket:\n"
      "   cat > sink.properties <<'CFG'\n"
      "   name=orders-to-s3\n"
      "   topics=orders\n"
      "   bootstrap.servers=localhost:9092\n"
      "   format.class=io.confluent.connect.s3.format.json.JsonFormat\n"
      "   flush.size=1000\n"
      "   s3.bucket.name=my-lake\n"
      "   s3.region=us-east-1\n"
      "   CFG\n"
      "   tributary sink -c sink.properties\n");
  return 0;
}

}  // namespace tributary
