// `tributary status [--watch] [-c FILE | --url URL]`: a running sink's state in the
// terminal, read from its REST listener's /status (server/rest_api.h): totals, rates,
// and per partition the committed offset, lag and a progress bar, with an ETA while a
// backlog drains.
#include <netdb.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "common/status.h"
#include "common/strings.h"
#include "config/config.h"
#include "config/sink_keys.h"

namespace tributary {

namespace {

constexpr const char* kUsage =
    "usage: tributary status [--watch] [--interval SECONDS] (-c FILE | --url http://HOST:PORT)\n"
    "  -c FILE        the sink's config: its rest.host.name and rest.port\n"
    "  --url URL      the sink's REST listener\n"
    "  --watch        redraw every interval (default 2 s) until Ctrl-C\n";

struct Endpoint {
  std::string host;
  std::string port;
};

Result<Endpoint> ParseUrl(std::string_view url) {
  if (url.rfind("http://", 0) != 0) {
    return InvalidArgument("--url '{}': expected http://HOST:PORT", url);
  }
  std::string_view rest = url.substr(7);
  rest = rest.substr(0, rest.find('/'));
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == rest.size()) {
    return InvalidArgument("--url '{}': expected http://HOST:PORT", url);
  }
  std::string host(rest.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return Endpoint{host, std::string(rest.substr(colon + 1))};
}

// GET `path` with Connection: close; the body of a 200 response.
Result<std::string> HttpGet(const Endpoint& ep, const std::string& path) {
  addrinfo hints = {};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(ep.host.c_str(), ep.port.c_str(), &hints, &res); rc != 0) {
    return Unavailable("{}:{}: {}", ep.host, ep.port, gai_strerror(rc));
  }
  int fd = -1;
  for (addrinfo* ai = res; ai && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) continue;
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) {
    return Unavailable(
        "cannot connect to the sink's REST listener at {}:{} (is rest.port set "
        "and the sink running?)",
        ep.host, ep.port);
  }
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: " + ep.host +
                    "\r\nAccept: application/json\r\nConnection: close\r\n\r\n";
  if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return Unavailable("{}:{}: send failed", ep.host, ep.port);
  }
  std::string in;
  char buf[16384];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) in.append(buf, n);
  close(fd);
  size_t end = in.find("\r\n\r\n");
  if (in.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) {
    return Unavailable("{}:{}: not an HTTP response", ep.host, ep.port);
  }
  int status = std::atoi(in.c_str() + 9);
  if (status != 200) {
    return Unavailable("{}:{}{}: HTTP {}", ep.host, ep.port, path, status);
  }
  return in.substr(end + 4);
}

std::string Grouped(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

std::string Bytes(double v) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  while (v >= 1024 && i < 4) {
    v /= 1024;
    ++i;
  }
  return i == 0 ? fmt::format("{:.0f} B", v) : fmt::format("{:.1f} {}", v, units[i]);
}

std::string Duration(double s) {
  int64_t secs = static_cast<int64_t>(std::llround(s));
  if (secs < 60) return fmt::format("{} s", secs);
  if (secs < 3600) return fmt::format("{} min {} s", secs / 60, secs % 60);
  return fmt::format("{} h {} min", secs / 3600, (secs % 3600) / 60);
}

std::optional<int64_t> OptInt(simdjson::dom::element e) {
  int64_t v;
  if (e.get_int64().get(v) == simdjson::SUCCESS) return v;
  return std::nullopt;
}

// Reads a field into `out`, leaving it unchanged when absent or of another type.
template <typename T>
void Read(simdjson::simdjson_result<simdjson::dom::element> e, T* out) {
  T v;
  if (e.get(v) == simdjson::SUCCESS) *out = v;
}

std::string OrDash(const std::optional<int64_t>& v) { return v ? Grouped(*v) : "-"; }

// The whole screen for one /status document.
Result<std::string> Render(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS) {
    return Corruption("the sink's /status answer is not JSON");
  }
  auto str = [&](const char* k) {
    std::string_view v;
    return doc[k].get_string().get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
  };
  std::string out;
  bool ready = false;
  Read(doc["ready"], &ready);
  out += fmt::format("{}  {}  {}  worker {}  version {}\n", str("name"), str("state"),
                     ready ? "ready" : "not ready (" + str("ready_message") + ")", str("worker_id"),
                     str("version"));
  if (str("state") == "FAILED") out += "trace: " + str("trace") + "\n";
  auto totals = doc["totals"];
  auto total = [&](const char* k) { return OptInt(totals[k]).value_or(0); };
  out += fmt::format(
      "consumed {} records; written {} records in {} objects ({}); {} store "
      "retries\n",
      Grouped(total("records_consumed")), Grouped(total("records_written")),
      Grouped(total("objects_written")), Bytes(total("bytes_written")),
      Grouped(total("store_retries")));
  double rps = -1, bps = -1, eta = -1;
  Read(doc["rates"]["records_per_second"], &rps);
  Read(doc["rates"]["bytes_per_second"], &bps);
  Read(doc["eta_seconds"], &eta);
  auto lag = OptInt(doc["lag"]);
  out += fmt::format("rate {} records/s, {}/s written; lag {}; ETA {}\n\n",
                     rps < 0 ? "-" : Grouped(std::llround(rps)), bps < 0 ? "-" : Bytes(bps),
                     lag ? Grouped(*lag) + " records" : "unknown",
                     eta < 0    ? "-"
                     : eta == 0 ? "caught up"
                                : Duration(eta));
  out +=
      fmt::format("{:<24} {:>5} {:>12} {:>12} {:>10}  {:<27} {:>5} {:>10}  {}\n", "TOPIC", "PART",
                  "COMMITTED", "HIGH WM", "LAG", "PROGRESS", "FILES", "BUFFERED", "LAST OBJECT");
  simdjson::dom::array parts;
  if (doc["partitions"].get_array().get(parts) == simdjson::SUCCESS) {
    for (auto p : parts) {
      std::string_view topic;
      Read(p["topic"], &topic);
      auto committed = OptInt(p["committed_offset"]);
      auto hw = OptInt(p["high_watermark"]);
      std::string bar = "-";
      if (committed && hw && *hw > 0) {
        double done = std::min(1.0, static_cast<double>(*committed) / static_cast<double>(*hw));
        int filled = static_cast<int>(done * 20);
        bar = "[" + std::string(filled, '#') + std::string(20 - filled, '.') +
              fmt::format("] {:>3.0f}%", done * 100);
      }
      auto buffered = OptInt(p["buffered_bytes"]);
      std::string_view last;
      Read(p["last_object"], &last);
      out += fmt::format("{:<24} {:>5} {:>12} {:>12} {:>10}  {:<27} {:>5} {:>10}  {}\n", topic,
                         OrDash(OptInt(p["partition"])), OrDash(committed), OrDash(hw),
                         OrDash(OptInt(p["lag"])), bar, OrDash(OptInt(p["open_files"])),
                         buffered ? Bytes(*buffered) : "-", last.empty() ? "-" : last);
      std::string_view waits;
      Read(p["rotation_waiting_for"], &waits);
      if (!waits.empty()) {
        auto opened = OptInt(p["oldest_open_file_unix_ms"]);
        auto now = OptInt(doc["now_unix_ms"]);
        out +=
            fmt::format("{:<24} open file waits for {}{}\n", "", waits,
                        opened && now ? " (open " + Duration((*now - *opened) / 1000.0) + ")" : "");
      }
    }
  }
  simdjson::dom::array errors;
  if (doc["errors"].get_array().get(errors) == simdjson::SUCCESS && errors.size() > 0) {
    out += "\nrecent warnings and errors (newest last):\n";
    for (auto e : errors) {
      std::string_view level, message;
      Read(e["level"], &level);
      Read(e["message"], &message);
      int64_t repeats = OptInt(e["repeats"]).value_or(1);
      out += fmt::format("  {} {}{}\n", level, message,
                         repeats > 1 ? fmt::format(" (x{})", repeats) : "");
    }
  }
  return out;
}

}  // namespace

int RunStatusCommand(const std::vector<std::string>& args) {
  bool watch = false;
  double interval = 2;
  std::string url;
  std::string config_path;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--watch" || args[i] == "-w") {
      watch = true;
    } else if (args[i] == "--interval" && i + 1 < args.size()) {
      interval = std::atof(args[++i].c_str());
    } else if (args[i] == "--url" && i + 1 < args.size()) {
      url = args[++i];
    } else if ((args[i] == "-c" || args[i] == "--config") && i + 1 < args.size()) {
      config_path = args[++i];
    } else {
      std::fputs(kUsage, stderr);
      return 2;
    }
  }
  if (url.empty() == config_path.empty() || interval <= 0) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  Endpoint ep;
  if (!url.empty()) {
    auto parsed = ParseUrl(url);
    if (!parsed.ok()) {
      std::fprintf(stderr, "tributary: %s\n", parsed.status().message().c_str());
      return 2;
    }
    ep = *parsed;
  } else {
    auto raw = ReadConfigFile(config_path);
    auto cfg = raw.ok() ? Config::Parse(SinkConfigTable(), *raw) : Result<Config>(raw.status());
    if (!cfg.ok()) {
      std::fprintf(stderr, "tributary: %s: %s\n", config_path.c_str(),
                   cfg.status().message().c_str());
      return 2;
    }
    if (cfg->GetInt("rest.port") <= 0) {
      std::fprintf(stderr,
                   "tributary: %s does not set rest.port (or sets 0: a random port); pass "
                   "--url http://HOST:PORT\n",
                   config_path.c_str());
      return 2;
    }
    ep = {cfg->GetString("rest.host.name"), std::to_string(cfg->GetInt("rest.port"))};
  }
  if (watch) InstallStopHandlers();
  while (true) {
    auto body = HttpGet(ep, "/status");
    Result<std::string> screen = body.ok() ? Render(*body) : Result<std::string>(body.status());
    if (watch) std::fputs("\x1b[H\x1b[2J", stdout);  // home, clear
    if (!screen.ok()) {
      std::fprintf(stderr, "tributary: %s\n", screen.status().message().c_str());
      if (!watch) return 1;
    } else {
      std::fputs(screen->c_str(), stdout);
    }
    std::fflush(stdout);
    if (!watch) return 0;
    auto until = std::chrono::steady_clock::now() +
                 std::chrono::milliseconds(static_cast<int64_t>(interval * 1000));
    while (std::chrono::steady_clock::now() < until) {
      if (StopRequested()) return 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

}  // namespace tributary
