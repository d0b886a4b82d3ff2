// s3_upload_bench: uploads N MiB to an S3 endpoint as one object in parallel multipart
// parts and reports throughput and CPU cost. See README.md for the variables and output.
//
// CPU is measured with getrusage(RUSAGE_SELF) (user + system, all threads). "signing" is
// what SigV4 costs per byte: the SHA-256 of the payload (x-amz-content-sha256), measured
// alone over the same bytes before the upload; "transfer" is the rest of the upload's CPU
// (curl, the kernel's TCP work, copying, the store's bookkeeping), i.e. upload CPU minus
// signing CPU.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/crc32c.h"
#include "objstore/s3/s3_protocol.h"
#include "objstore/s3/s3_store.h"
#include "objstore/s3/sigv4.h"

namespace {

using tributary::ObjectStore;
using tributary::PartInfo;
using tributary::PutOptions;
using tributary::Result;
using tributary::Status;
using tributary::StoreOptions;

constexpr double kBytesPerGB = 1e9;
constexpr double kBytesPerMB = 1e6;
constexpr uint64_t kMiB = 1 << 20;

std::string Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value == nullptr || *value == '\0' ? std::string(fallback) : std::string(value);
}

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* value = std::getenv(name);
  return value == nullptr || *value == '\0' ? fallback : std::atoll(value);
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU seconds per GB of `fn` applied to every part.
template <typename Fn>
double CpuPerGb(const std::vector<std::string>& parts, uint64_t total, Fn fn) {
  const double start = CpuSeconds();
  size_t sink = 0;
  for (const std::string& part : parts) sink += fn(part).size();
  const double cpu = CpuSeconds() - start;
  if (sink == 0) std::fprintf(stderr, "(unexpected empty digest)\n");
  return cpu / (static_cast<double>(total) / kBytesPerGB);
}

int Fail(const Status& status) {
  std::fprintf(stderr, "s3_upload_bench: %s\n", status.ToString().c_str());
  return 1;
}

}  // namespace

int main() {
  StoreOptions options;
  options.url = Env("S3_ENDPOINT", "");
  options.bucket = Env("S3_BUCKET", "bench");
  options.region = Env("S3_REGION", "us-east-1");
  options.access_key_id = Env("S3_ACCESS_KEY", "");
  options.secret_access_key = Env("S3_SECRET_KEY", "");
  options.send_digest = Env("BENCH_CONTENT_MD5", "0") == "1";
  options.checksum_algorithm = Env("BENCH_CHECKSUM", "");
  const uint64_t total =
      static_cast<uint64_t>(std::max<int64_t>(1, EnvInt("BENCH_MIB", 256))) * kMiB;
  const uint64_t part_size = std::max<uint64_t>(
      tributary::kMinPartSize,
      static_cast<uint64_t>(std::max<int64_t>(1, EnvInt("BENCH_PART_MIB", 16))) * kMiB);
  const int threads = static_cast<int>(std::max<int64_t>(1, EnvInt("BENCH_THREADS", 4)));
  const std::string key = Env("BENCH_KEY", "bench/s3_upload_bench.bin");

  Result<std::unique_ptr<ObjectStore>> opened = tributary::OpenS3Store(options);
  if (!opened.ok()) return Fail(opened.status());
  ObjectStore& store = **opened;
  if (Status st = store.CheckBucket(); !st.ok()) return Fail(st);

  // Incompressible payload, split into parts (the last one shorter).
  std::vector<std::string> parts;
  std::mt19937_64 rng(42);
  for (uint64_t offset = 0; offset < total; offset += part_size) {
    std::string part(std::min(part_size, total - offset), '\0');
    for (size_t i = 0; i + 8 <= part.size(); i += 8) {
      const uint64_t word = rng();
      std::memcpy(part.data() + i, &word, 8);
    }
    parts.push_back(std::move(part));
  }

  const double signing =
      CpuPerGb(parts, total, [](const std::string& p) { return tributary::s3::Sha256Hex(p); });
  const double md5 =
      CpuPerGb(parts, total, [](const std::string& p) { return tributary::s3::Md5Base64(p); });
  const double crc32c =
      CpuPerGb(parts, total, [](const std::string& p) { return tributary::Crc32cBase64(p); });

  Result<std::string> upload_id = store.CreateMultipartUpload(key, PutOptions{});
  if (!upload_id.ok()) return Fail(upload_id.status());

  const double cpu_start = CpuSeconds();
  const double wall_start = WallSeconds();
  std::atomic<size_t> next{0};
  std::vector<PartInfo> done(parts.size());
  std::mutex error_mu;
  Status first_error;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < parts.size(); i = next++) {
        Result<PartInfo> part =
            store.UploadPart(key, *upload_id, static_cast<int>(i + 1), parts[i]);
        if (!part.ok()) {
          std::lock_guard<std::mutex> lock(error_mu);
          if (first_error.ok()) first_error = part.status();
          return;
        }
        done[i] = *part;
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  if (!first_error.ok()) {
    (void)store.AbortMultipartUpload(key, *upload_id);
    return Fail(first_error);
  }
  Result<tributary::PutResult> completed = store.CompleteMultipartUpload(key, *upload_id, done);
  const double wall = WallSeconds() - wall_start;
  const double cpu = CpuSeconds() - cpu_start;
  if (!completed.ok()) return Fail(completed.status());

  const double gb = static_cast<double>(total) / kBytesPerGB;
  std::printf("uploaded %.1f MB to %s key '%s' in %zu parts of %.1f MiB, %d threads\n",
              static_cast<double>(total) / kBytesPerMB, store.Describe().c_str(), key.c_str(),
              parts.size(), static_cast<double>(part_size) / kMiB, threads);
  std::printf("throughput:        %.1f MB/s (%.2f s wall)\n",
              static_cast<double>(total) / kBytesPerMB / wall, wall);
  std::printf("CPU, whole upload: %.2f s/GB\n", cpu / gb);
  std::printf("  signing:         %.2f s/GB (SHA-256 of the payload)\n", signing);
  std::printf("  transfer:        %.2f s/GB (the rest: curl, TCP, copies)\n",
              std::max(0.0, cpu / gb - signing - (options.send_digest ? md5 : 0.0) -
                                (options.checksum_algorithm.empty() ? 0.0 : crc32c)));
  std::printf("  Content-MD5:     %.2f s/GB (%s)\n", md5,
              options.send_digest ? "sent" : "not sent; BENCH_CONTENT_MD5=1");
  std::printf("  CRC32C:          %.2f s/GB (%s)\n", crc32c,
              options.checksum_algorithm.empty() ? "not sent; BENCH_CHECKSUM=CRC32C" : "sent");
  std::printf("retries: %s\n", tributary::s3::RetryCounters().ToString().c_str());
  if (Env("BENCH_KEEP", "0") != "1") (void)store.Delete(key);
  return 0;
}
