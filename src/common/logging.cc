#include "common/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <ctime>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/json_writer.h"
#include "common/strings.h"

namespace tributary {

namespace {

constexpr size_t kRecentProblems = 20;

int64_t UnixMs(spdlog::log_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// "2026-01-02T03:04:05.678Z"
std::string IsoUtc(spdlog::log_clock::time_point t) {
  int64_t ms = UnixMs(t);
  time_t secs = static_cast<time_t>(ms / 1000);
  tm utc = {};
  gmtime_r(&secs, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, ms % 1000);
}

std::string_view LevelName(spdlog::level::level_enum level) {
  auto name = spdlog::level::to_string_view(level);
  return {name.data(), name.size()};
}

// The message with every run of digits replaced by '#': repeats of one problem differ
// in offsets, counts and attempt numbers only.
std::string RepeatKey(spdlog::level::level_enum level, std::string_view text) {
  std::string key = std::to_string(static_cast<int>(level)) + ":";
  bool in_digits = false;
  for (char c : text) {
    bool digit = c >= '0' && c <= '9';
    if (digit && !in_digits) key += '#';
    if (!digit) key += c;
    in_digits = digit;
  }
  return key;
}

// Formats, rate-limits and records; writes through an inner stderr sink.
class OpsSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  OpsSink() { UseText(); }

  void Configure(bool json, std::chrono::milliseconds window) {
    std::lock_guard<std::mutex> lock(mutex_);
    json_ = json;
    window_ = window;
    if (json) {
      inner_ = std::make_shared<spdlog::sinks::stderr_sink_mt>();
      inner_->set_pattern("%v");
    } else {
      UseText();
    }
  }

  std::vector<LoggedProblem> Recent() {
    std::lock_guard<std::mutex> lock(mutex_);
    return {recent_.begin(), recent_.end()};
  }

  uint64_t Count(spdlog::level::level_enum level) const {
    return level == spdlog::level::warn  ? warnings_.load()
           : level == spdlog::level::err ? errors_.load()
                                         : 0;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (msg.level < spdlog::level::warn) {
      Emit(msg, std::string_view(msg.payload.data(), msg.payload.size()), 0);
      return;
    }
    if (msg.level == spdlog::level::warn) ++warnings_;
    if (msg.level >= spdlog::level::err) ++errors_;
    const std::string_view text(msg.payload.data(), msg.payload.size());
    const std::string key = RepeatKey(msg.level, text);
    Remember(key, msg, text);
    if (window_.count() == 0) {
      Emit(msg, text, 0);
      return;
    }
    Repeat& r = repeats_[key];
    if (r.logged_at.time_since_epoch().count() != 0 && msg.time - r.logged_at < window_) {
      ++r.suppressed;
      r.last = std::string(text);
      return;
    }
    Emit(msg, text, r.suppressed);
    r.logged_at = msg.time;
    r.suppressed = 0;
    r.level = msg.level;
    r.last.clear();
    if (repeats_.size() > 1000) PruneRepeats(msg.time);
  }

  // Called every second (spdlog::flush_every): reports repeats whose window ended.
  void flush_() override {
    const auto now = spdlog::log_clock::now();
    for (auto& [key, r] : repeats_) {
      if (r.suppressed == 0 || now - r.logged_at < window_) continue;
      spdlog::details::log_msg m(spdlog::source_loc{}, "tributary", r.level, r.last);
      m.time = now;
      Emit(m, r.last, r.suppressed);
      r.suppressed = 0;
      r.logged_at = now;
    }
    inner_->flush();
  }

 private:
  struct Repeat {
    spdlog::log_clock::time_point logged_at{};
    uint64_t suppressed = 0;
    spdlog::level::level_enum level = spdlog::level::warn;
    std::string last;  // the newest suppressed text
  };

  void UseText() {
    inner_ = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    inner_->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  }

  void Emit(const spdlog::details::log_msg& msg, std::string_view text, uint64_t suppressed) {
    std::string line;
    if (json_) {
      JsonWriter w;
      w.BeginObject()
          .Key("ts")
          .String(IsoUtc(msg.time))
          .Key("level")
          .String(LevelName(msg.level))
          .Key("msg")
          .String(text);
      if (suppressed > 0) w.Key("repeated").Uint(suppressed);
      w.EndObject();
      line = w.Take();
    } else if (suppressed > 0) {
      line = fmt::format("{} (repeated {} more time(s), not logged, in the last {} s)", text,
                         suppressed, window_.count() / 1000.0);
    } else {
      inner_->log(msg);
      return;
    }
    spdlog::details::log_msg copy(msg);
    copy.payload = spdlog::string_view_t(line.data(), line.size());
    inner_->log(copy);
  }

  void Remember(const std::string& key, const spdlog::details::log_msg& msg,
                std::string_view text) {
    for (auto it = recent_.begin(); it != recent_.end(); ++it) {
      if (it->first_key == key) {
        Problem p = *it;
        recent_.erase(it);
        p.repeats += 1;
        p.unix_ms = UnixMs(msg.time);
        recent_.push_back(p);
        return;
      }
    }
    Problem p;
    p.unix_ms = UnixMs(msg.time);
    p.level = std::string(LevelName(msg.level));
    p.message = std::string(text);
    p.first_key = key;
    recent_.push_back(std::move(p));
    if (recent_.size() > kRecentProblems) recent_.pop_front();
  }

  void PruneRepeats(spdlog::log_clock::time_point now) {
    for (auto it = repeats_.begin(); it != repeats_.end();) {
      it = (it->second.suppressed == 0 && now - it->second.logged_at >= window_)
               ? repeats_.erase(it)
               : std::next(it);
    }
  }

  struct Problem : LoggedProblem {
    std::string first_key;
  };

  std::shared_ptr<spdlog::sinks::sink> inner_;
  bool json_ = false;
  std::chrono::milliseconds window_{10000};
  std::map<std::string, Repeat> repeats_;
  std::deque<Problem> recent_;
  std::atomic<uint64_t> warnings_{0};
  std::atomic<uint64_t> errors_{0};
};

std::shared_ptr<OpsSink>& Sink() {
  static std::shared_ptr<OpsSink> sink;
  return sink;
}

}  // namespace

Status SetUpLogging(std::string_view level) {
  const std::string lower = ToLower(level);
  auto lvl = spdlog::level::from_str(lower);
  // from_str maps unknown names to "off"; only accept "off" when asked for.
  if (lvl == spdlog::level::off && lower != "off") {
    return InvalidArgument("log level '{}': expected trace, debug, info, warn, error or off",
                           level);
  }
  Sink() = std::make_shared<OpsSink>();
  auto logger = std::make_shared<spdlog::logger>("tributary", Sink());
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
  // Drives the summaries of suppressed repeats (OpsSink::flush_).
  spdlog::flush_every(std::chrono::seconds(1));
  return Status::OK();
}

Status ConfigureLogging(std::string_view format, std::chrono::milliseconds repeat_window) {
  const std::string lower = ToLower(format);
  if (lower != "text" && lower != "json") {
    return InvalidArgument("log.format '{}': expected text or json", format);
  }
  if (!Sink()) return Status::OK();
  Sink()->Configure(lower == "json", repeat_window);
  return Status::OK();
}

std::vector<LoggedProblem> RecentLogProblems() {
  return Sink() ? Sink()->Recent() : std::vector<LoggedProblem>{};
}

uint64_t LoggedCount(std::string_view level) {
  if (!Sink()) return 0;
  return Sink()->Count(level == "warn" ? spdlog::level::warn : spdlog::level::err);
}

}  // namespace tributary
