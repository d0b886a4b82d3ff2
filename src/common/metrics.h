// Metrics: counters, gauges and histograms with labels, exposed in the Prometheus text
// format (version 0.0.4, https://prometheus.io/docs/instrumenting/exposition_formats/).
//
// A MetricsRegistry owns metric families. A family has a name, a help text, a type and
// a fixed list of label names; each distinct set of label values is one child (a
// Counter, Gauge or Histogram). The hot path is the child: code looks a child up once
// (WithLabels takes the family's mutex) and keeps the returned pointer, after which
// Inc/Set/Observe are single relaxed atomic operations, no lock, no allocation.
//
//   MetricsRegistry registry;
//   auto* written = registry.AddCounter("tributary_sink_records_written_total",
//                                       "Records in objects written", {"topic"});
//   std::shared_ptr<Counter> c = written->WithLabels({"orders"});   // once
//   c->Inc(500);                                                      // per object
//
// Names follow Prometheus conventions: snake_case, a unit suffix (`_bytes`, `_seconds`)
// and `_total` for counters. Add* checks the name and label names and returns nullptr
// (after logging nothing: it is a programming error, tests catch it) when one is
// invalid or the name is already registered.
//
// Children are shared_ptr: Remove() (e.g. the gauges of a revoked partition) stops
// exporting a child while whoever still holds it may keep writing to it harmlessly.
//
// Collect hooks run at the start of every Expose(), on the scraping thread, to pull
// figures kept elsewhere (a snapshot of the sink's progress) into gauges and counters.
//
// Thread safety: everything may be called from any thread. Families and children live
// as long as the registry (families) or their last holder (children).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tributary {

enum class MetricType { kCounter, kGauge, kHistogram };

// A monotonically increasing count. Prometheus counters are floating point; every
// counter here counts whole things (records, bytes, objects), so it is an integer.
class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down (lag, open files, buffered bytes).
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double d) { value_.fetch_add(d, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into cumulative buckets by upper bound, plus their sum and count.
// Bucket bounds are fixed at construction (strictly increasing; +Inf is implicit).
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // per bound, then +Inf (== count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1, not cumulative
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

// Default bounds for latencies in seconds: 5 ms .. 60 s, roughly x2.5 per step (object
// store requests take from a few milliseconds on a local store to tens of seconds for
// a large part over a slow link).
std::vector<double> LatencyBuckets();

template <typename T>
class MetricFamily {
 public:
  MetricFamily(std::string name, std::string help, MetricType type,
               std::vector<std::string> label_names, std::vector<double> bounds = {})
      : name_(std::move(name)),
        help_(std::move(help)),
        type_(type),
        label_names_(std::move(label_names)),
        bounds_(std::move(bounds)) {}

  // The child for these label values (in the order of the label names), created on
  // first use. Returns nullptr when the number of values is wrong.
  std::shared_ptr<T> WithLabels(const std::vector<std::string>& values) {
    if (values.size() != label_names_.size()) return nullptr;
    std::lock_guard<std::mutex> lock(mu_);
    auto& child = children_[values];
    if (!child) child = Make();
    return child;
  }
  // The child without labels (a family declared with no label names).
  std::shared_ptr<T> Get() { return WithLabels({}); }

  // Stops exporting one child, or every child.
  void Remove(const std::vector<std::string>& values) {
    std::lock_guard<std::mutex> lock(mu_);
    children_.erase(values);
  }
  void RemoveAll() {
    std::lock_guard<std::mutex> lock(mu_);
    children_.clear();
  }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

  // A consistent list of the children, for exposition.
  std::vector<std::pair<std::vector<std::string>, std::shared_ptr<T>>> Children() const {
    std::lock_guard<std::mutex> lock(mu_);
    return {children_.begin(), children_.end()};
  }

 private:
  std::shared_ptr<T> Make() {
    if constexpr (std::is_same_v<T, Histogram>) {
      return std::make_shared<Histogram>(bounds_);
    } else {
      return std::make_shared<T>();
    }
  }

  const std::string name_;
  const std::string help_;
  const MetricType type_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::shared_ptr<T>> children_;  // guarded by mu_
};

using CounterFamily = MetricFamily<Counter>;
using GaugeFamily = MetricFamily<Gauge>;
using HistogramFamily = MetricFamily<Histogram>;

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Registers a family. nullptr when the name or a label name is not a valid Prometheus
  // name, a counter's name does not end in `_total`, or the name is taken. The
  // family lives as long as the registry.
  CounterFamily* AddCounter(std::string name, std::string help,
                            std::vector<std::string> label_names = {});
  GaugeFamily* AddGauge(std::string name, std::string help,
                        std::vector<std::string> label_names = {});
  // `bounds` strictly increasing and finite (the +Inf bucket is added); empty means
  // LatencyBuckets().
  HistogramFamily* AddHistogram(std::string name, std::string help,
                                std::vector<std::string> label_names = {},
                                std::vector<double> bounds = {});

  // Runs before every exposition, on the caller's thread (see the file comment).
  void AddCollectHook(std::function<void()> hook);

  // Every family in registration order, in the Prometheus text format. Families with
  // no children are written with their HELP and TYPE lines only.
  std::string Expose() const;

  // Content-Type of Expose()'s output.
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  bool Claim(const std::string& name, const std::vector<std::string>& label_names, MetricType type);

  mutable std::mutex mu_;
  std::vector<std::string> names_;  // guarded by mu_
  std::vector<std::unique_ptr<CounterFamily>> counters_;
  std::vector<std::unique_ptr<GaugeFamily>> gauges_;
  std::vector<std::unique_ptr<HistogramFamily>> histograms_;
  // Registration order: (type, index into the vector of that type).
  std::vector<std::pair<MetricType, size_t>> order_;
  std::vector<std::function<void()>> hooks_;
};

// Prometheus text-format helpers, exposed for tests and other exporters.
bool IsValidMetricName(std::string_view name);  // [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidLabelName(std::string_view name);   // [a-zA-Z_][a-zA-Z0-9_]*, not __*
// A sample value: integers without a fraction, otherwise the shortest round-trip
// form; +Inf, -Inf and NaN as Prometheus spells them.
std::string FormatMetricValue(double v);
// Escapes a label value (\\, \" and \n).
std::string EscapeLabelValue(std::string_view v);

}  // namespace tributary
