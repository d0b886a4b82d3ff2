#include "common/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace tributary {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  // Prometheus buckets are "less than or equal": the first bound >= v.
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.bounds = bounds_;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  // The +Inf bucket and _count must agree even while observations race the scrape.
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<double> LatencyBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

namespace {

// [a-zA-Z_] then [a-zA-Z0-9_]*, with ':' allowed anywhere in metric names.
bool IsValidName(std::string_view name, bool colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool IsValidMetricName(std::string_view name) { return IsValidName(name, true); }

bool IsValidLabelName(std::string_view name) {
  return name.substr(0, 2) != "__" && IsValidName(name, false);
}

std::string FormatMetricValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);  // shortest representation that round-trips
}

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

std::string EscapeHelp(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// `{a="x",b="y"}`, with an extra label appended (for a histogram's `le`); empty when
// there are no labels at all.
std::string LabelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += fmt::format("{}=\"{}\"", names[i], EscapeLabelValue(values[i]));
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += fmt::format("{}=\"{}\"", extra_name, extra_value);
  }
  return out + "}";
}

std::string_view TypeName(MetricType t) {
  switch (t) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

template <typename F>
void Header(std::string* out, const F& family) {
  *out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family.name(), EscapeHelp(family.help()),
                      family.name(), TypeName(family.type()));
}

}  // namespace

bool MetricsRegistry::Claim(const std::string& name, const std::vector<std::string>& label_names,
                            MetricType type) {
  if (!IsValidMetricName(name)) return false;
  if (type == MetricType::kCounter &&
      (name.size() < 6 || name.compare(name.size() - 6, 6, "_total") != 0)) {
    return false;
  }
  for (const auto& l : label_names) {
    if (!IsValidLabelName(l) || (type == MetricType::kHistogram && l == "le")) return false;
  }
  if (std::find(names_.begin(), names_.end(), name) != names_.end()) return false;
  names_.push_back(name);
  return true;
}

CounterFamily* MetricsRegistry::AddCounter(std::string name, std::string help,
                                           std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!Claim(name, label_names, MetricType::kCounter)) return nullptr;
  counters_.push_back(std::make_unique<CounterFamily>(
      std::move(name), std::move(help), MetricType::kCounter, std::move(label_names)));
  order_.emplace_back(MetricType::kCounter, counters_.size() - 1);
  return counters_.back().get();
}

GaugeFamily* MetricsRegistry::AddGauge(std::string name, std::string help,
                                       std::vector<std::string> label_names) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!Claim(name, label_names, MetricType::kGauge)) return nullptr;
  gauges_.push_back(std::make_unique<GaugeFamily>(std::move(name), std::move(help),
                                                  MetricType::kGauge, std::move(label_names)));
  order_.emplace_back(MetricType::kGauge, gauges_.size() - 1);
  return gauges_.back().get();
}

HistogramFamily* MetricsRegistry::AddHistogram(std::string name, std::string help,
                                               std::vector<std::string> label_names,
                                               std::vector<double> bounds) {
  if (bounds.empty()) bounds = LatencyBuckets();
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) return nullptr;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!Claim(name, label_names, MetricType::kHistogram)) return nullptr;
  histograms_.push_back(
      std::make_unique<HistogramFamily>(std::move(name), std::move(help), MetricType::kHistogram,
                                        std::move(label_names), std::move(bounds)));
  order_.emplace_back(MetricType::kHistogram, histograms_.size() - 1);
  return histograms_.back().get();
}

void MetricsRegistry::AddCollectHook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(mu_);
  hooks_.push_back(std::move(hook));
}

std::string MetricsRegistry::Expose() const {
  // One scrape at a time: hooks keep state between runs (last values seen).
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& hook : hooks_) hook();
  std::string out;
  for (const auto& [type, index] : order_) {
    switch (type) {
      case MetricType::kCounter: {
        const auto& f = *counters_[index];
        Header(&out, f);
        for (const auto& [values, c] : f.Children()) {
          out += fmt::format("{}{} {}\n", f.name(), LabelSet(f.label_names(), values), c->Value());
        }
        break;
      }
      case MetricType::kGauge: {
        const auto& f = *gauges_[index];
        Header(&out, f);
        for (const auto& [values, g] : f.Children()) {
          out += fmt::format("{}{} {}\n", f.name(), LabelSet(f.label_names(), values),
                             FormatMetricValue(g->Value()));
        }
        break;
      }
      case MetricType::kHistogram: {
        const auto& f = *histograms_[index];
        Header(&out, f);
        for (const auto& [values, h] : f.Children()) {
          Histogram::Snapshot s = h->Read();
          for (size_t i = 0; i < s.bounds.size(); ++i) {
            out +=
                fmt::format("{}_bucket{} {}\n", f.name(),
                            LabelSet(f.label_names(), values, "le", FormatMetricValue(s.bounds[i])),
                            s.cumulative[i]);
          }
          out += fmt::format("{}_bucket{} {}\n", f.name(),
                             LabelSet(f.label_names(), values, "le", "+Inf"), s.count);
          out += fmt::format("{}_sum{} {}\n", f.name(), LabelSet(f.label_names(), values),
                             FormatMetricValue(s.sum));
          out +=
              fmt::format("{}_count{} {}\n", f.name(), LabelSet(f.label_names(), values), s.count);
        }
        break;
      }
    }
  }
  return out;
}

}  // namespace tributary
