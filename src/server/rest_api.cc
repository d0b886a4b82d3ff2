#include "server/rest_api.h"

#include <algorithm>
#include <chrono>

#include "common/json_writer.h"
#include "common/strings.h"

namespace tributary {

namespace {

// Splits "/a/b/c" into {"a","b","c"}; empty segments are kept (so "/connectors/" has
// one empty name and is a 404, not the list).
std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  if (path.empty() || path[0] != '/') return out;
  size_t pos = 1;
  while (true) {
    size_t next = path.find('/', pos);
    out.emplace_back(path.substr(pos, next == std::string_view::npos ? next : next - pos));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return out;
}

bool QueryTrue(const HttpRequest& req, std::string_view name) {
  auto v = req.Query(name);
  return v && EqualsIgnoreCase(*v, "true");
}

template <typename T>
void OptionalInt(JsonWriter& w, const std::optional<T>& v) {
  if (v) {
    if constexpr (std::is_signed_v<T>) {
      w.Int(*v);
    } else {
      w.Uint(*v);
    }
  } else {
    w.Null();
  }
}

HttpResponse MethodNotAllowed(std::string_view allow) {
  HttpResponse r = ConnectError(405, "HTTP method not allowed for this resource");
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

}  // namespace

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view ConnectorStateName(ConnectorState state) {
  switch (state) {
    case ConnectorState::kUnassigned:
      return "UNASSIGNED";
    case ConnectorState::kRunning:
      return "RUNNING";
    case ConnectorState::kPaused:
      return "PAUSED";
    case ConnectorState::kFailed:
      return "FAILED";
  }
  return "UNASSIGNED";
}

namespace {

// "http://user:pass@proxy:3128" -> "http://user:[hidden]@proxy:3128": a password in a
// URL's user information is a secret whatever the key is called.
std::string MaskUrlPassword(const std::string& value) {
  size_t scheme = value.find("://");
  if (scheme == std::string::npos) return value;
  size_t start = scheme + 3;
  size_t at = value.find('@', start);
  size_t slash = value.find('/', start);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return value;
  size_t colon = value.find(':', start);
  if (colon == std::string::npos || colon > at) return value;
  return value.substr(0, colon + 1) + "[hidden]" + value.substr(at);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> RedactConfig(const RawConfig& raw,
                                                              const ConfigTable& table) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : raw) {
    const ConfigKey* key = table.Find(k);
    bool secret = (key && key->type == ConfigType::kPassword) || LooksSecret(k);
    out.emplace_back(k, secret && !v.empty() ? "[hidden]" : MaskUrlPassword(v));
  }
  return out;
}

HttpResponse ConnectError(int status, std::string_view message) {
  JsonWriter w;
  w.BeginObject().Key("error_code").Int(status).Key("message").String(message).EndObject();
  return HttpResponse::Json(status, w.Take());
}

RestApi::RestApi(ConnectorControl* connector, MetricsRegistry* metrics, RestApiOptions options)
    : connector_(connector), metrics_(metrics), options_(std::move(options)) {}

void RestApi::Tick() {
  ConnectorSnapshot s = connector_->Snapshot();
  auto now = std::chrono::steady_clock::now();
  samples_.push_back({now, s.records_consumed, s.bytes_written});
  while (samples_.size() > 2 && now - samples_.front().at > std::chrono::seconds(15)) {
    samples_.pop_front();
  }
}

RestApi::Rates RestApi::CurrentRates() const {
  Rates r;
  if (samples_.size() < 2) return r;
  // Over the last ~10 s: long enough to smooth object-sized steps, short enough to
  // follow a backlog draining.
  const Sample& last = samples_.back();
  const Sample* first = &samples_.front();
  for (const auto& s : samples_) {
    if (last.at - s.at <= std::chrono::seconds(10)) {
      first = &s;
      break;
    }
  }
  double secs = std::chrono::duration<double>(last.at - first->at).count();
  if (secs <= 0) return r;
  r.records_per_second = (last.records_consumed - first->records_consumed) / secs;
  r.bytes_per_second = (last.bytes_written - first->bytes_written) / secs;
  r.known = true;
  return r;
}

HttpResponse RestApi::Handle(const HttpRequest& req) {
  const bool get = req.method == "GET" || req.method == "HEAD";
  const std::string& path = req.path;
  if (path == "/") {
    if (!get) return MethodNotAllowed("GET, HEAD");
    JsonWriter w;
    w.BeginObject()
        .Key("version")
        .String(options_.version)
        .Key("commit")
        .String(options_.commit)
        .Key("kafka_cluster_id")
        .String(options_.kafka_cluster_id)
        .EndObject();
    return HttpResponse::Json(200, w.Take());
  }
  if (path == "/metrics") {
    if (!get) return MethodNotAllowed("GET, HEAD");
    HttpResponse r = HttpResponse::Text(200, metrics_->Expose());
    r.content_type = std::string(MetricsRegistry::kContentType);
    return r;
  }
  if (path == "/health") {
    if (!get) return MethodNotAllowed("GET, HEAD");
    ConnectorSnapshot s = connector_->Snapshot();
    JsonWriter w;
    bool failed = s.state == ConnectorState::kFailed;
    w.BeginObject()
        .Key("status")
        .String(failed ? "unhealthy" : "healthy")
        .Key("message")
        .String(failed ? "connector " + connector_->Name() + " failed: " + s.trace
                       : "Tributary is running (connector " +
                             std::string(ConnectorStateName(s.state)) + ")")
        .EndObject();
    return HttpResponse::Json(failed ? 500 : 200, w.Take());
  }
  if (path == "/ready") {
    if (!get) return MethodNotAllowed("GET, HEAD");
    auto [ready, why] = Readiness(connector_->Snapshot());
    JsonWriter w;
    w.BeginObject().Key("ready").Bool(ready).Key("message").String(why).EndObject();
    return HttpResponse::Json(ready ? 200 : 503, w.Take());
  }
  if (path == "/status") {
    if (!get) return MethodNotAllowed("GET, HEAD");
    return HttpResponse::Json(200, FullStatusJson(connector_->Snapshot()));
  }
  if (path == "/ui" || path == "/ui/") {
    if (!get) return MethodNotAllowed("GET, HEAD");
    HttpResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::string(StatusPageHtml());
    return r;
  }
  if (path == "/connectors") {
    if (req.method == "POST") {
      return ConnectError(405,
                          "Tributary runs the one connector of its config file; edit the file "
                          "and restart the process to change it");
    }
    if (!get) return MethodNotAllowed("GET, HEAD");
    const std::string name = connector_->Name();
    bool status = false;
    bool info = false;
    for (auto [it, end] = req.query.equal_range("expand"); it != end; ++it) {
      if (it->second == "status") status = true;
      if (it->second == "info") info = true;
    }
    if (!status && !info) {
      JsonWriter w;
      w.BeginArray().String(name).EndArray();
      return HttpResponse::Json(200, w.Take());
    }
    // {"name": {"status": {...}, "info": {...}}}, built from the documents' JSON text.
    std::string body = "{";
    AppendJsonString(&body, name);
    body += ":{";
    if (info) body += "\"info\":" + InfoJson();
    if (status)
      body += std::string(info ? "," : "") + "\"status\":" + StatusJson(connector_->Snapshot());
    body += "}}";
    return HttpResponse::Json(200, body);
  }
  if (path.rfind("/connectors/", 0) == 0) return HandleConnector(req, path.substr(12));
  return ConnectError(404, "Not Found: " + path);
}

HttpResponse RestApi::HandleConnector(const HttpRequest& req, const std::string& rest) {
  std::vector<std::string> seg = Segments("/" + rest);
  const std::string name = connector_->Name();
  if (seg.empty() || seg[0] != name) {
    return ConnectError(404, "Connector " + (seg.empty() ? std::string() : seg[0]) + " not found");
  }
  const bool get = req.method == "GET" || req.method == "HEAD";
  const std::string sub = seg.size() > 1 ? seg[1] : "";
  if (seg.size() == 1) {
    if (req.method == "DELETE" || req.method == "PUT") {
      return ConnectError(405,
                          "Tributary runs the one connector of its config file; stop the process "
                          "to remove it, or edit the file and restart it to reconfigure it");
    }
    if (!get) return MethodNotAllowed("GET, HEAD");
    return HttpResponse::Json(200, InfoJson());
  }
  if (seg.size() == 2 && sub == "config") {
    if (req.method == "PUT") {
      return ConnectError(405,
                          "Tributary reads its configuration from its config file; edit it and "
                          "restart the process");
    }
    if (!get) return MethodNotAllowed("GET, HEAD");
    return HttpResponse::Json(200, ConfigJson());
  }
  if (seg.size() == 2 && sub == "status") {
    if (!get) return MethodNotAllowed("GET, HEAD");
    return HttpResponse::Json(200, StatusJson(connector_->Snapshot()));
  }
  if (seg.size() == 2 && sub == "topics") {
    if (!get) return MethodNotAllowed("GET, HEAD");
    JsonWriter w;
    w.BeginObject().Key(name).BeginObject().Key("topics").BeginArray();
    for (const auto& t : connector_->Topics()) w.String(t);
    w.EndArray().EndObject().EndObject();
    return HttpResponse::Json(200, w.Take());
  }
  if (seg.size() == 2 && sub == "tasks") {
    if (!get) return MethodNotAllowed("GET, HEAD");
    std::string body = "[{\"id\":{\"connector\":";
    AppendJsonString(&body, name);
    body += ",\"task\":0},\"config\":" + ConfigJson() + "}]";
    return HttpResponse::Json(200, body);
  }
  if (seg.size() >= 3 && sub == "tasks") {
    if (seg[2] != "0") return ConnectError(404, "Task " + name + "-" + seg[2] + " not found");
    if (seg.size() == 4 && seg[3] == "status") {
      if (!get) return MethodNotAllowed("GET, HEAD");
      return HttpResponse::Json(200, TaskStatusJson(connector_->Snapshot()));
    }
    if (seg.size() == 4 && seg[3] == "restart") {
      if (req.method != "POST") return MethodNotAllowed("POST");
      return ControlResponse(connector_->Restart(), 204);
    }
    return ConnectError(404, "Not Found: " + req.path);
  }
  if (seg.size() == 2 && (sub == "pause" || sub == "resume")) {
    if (req.method != "PUT") return MethodNotAllowed("PUT");
    return ControlResponse(sub == "pause" ? connector_->Pause() : connector_->Resume(), 202);
  }
  if (seg.size() == 2 && sub == "restart") {
    if (req.method != "POST") return MethodNotAllowed("POST");
    Status st = connector_->Restart();
    // With includeTasks or onlyFailed, Connect answers 202 with the status (KIP-745).
    if (st.ok() && (QueryTrue(req, "includeTasks") || QueryTrue(req, "onlyFailed"))) {
      return HttpResponse::Json(202, StatusJson(connector_->Snapshot()));
    }
    return ControlResponse(st, 204);
  }
  return ConnectError(404, "Not Found: " + req.path);
}

HttpResponse RestApi::ControlResponse(const Status& st, int ok_status) const {
  if (st.ok()) {
    HttpResponse r;
    r.status = ok_status;
    r.content_type.clear();
    return r;
  }
  int code = 500;
  switch (st.code()) {
    case StatusCode::kPreconditionFailed:
    case StatusCode::kAlreadyExists:
      code = 409;
      break;
    case StatusCode::kUnavailable:
    case StatusCode::kCancelled:
      code = 503;
      break;
    case StatusCode::kInvalidArgument:
      code = 400;
      break;
    case StatusCode::kNotFound:
      code = 404;
      break;
    default:
      break;
  }
  return ConnectError(code, st.message());
}

std::string RestApi::ConfigJson() const {
  JsonWriter w;
  w.BeginObject();
  for (const auto& [k, v] : connector_->RedactedConfig()) w.Key(k).String(v);
  w.EndObject();
  return w.Take();
}

std::string RestApi::InfoJson() const {
  const std::string name = connector_->Name();
  std::string body = "{\"name\":";
  AppendJsonString(&body, name);
  body += ",\"config\":" + ConfigJson() + ",\"tasks\":[{\"connector\":";
  AppendJsonString(&body, name);
  body += ",\"task\":0}],\"type\":\"sink\"}";
  return body;
}

std::string RestApi::TaskStatusJson(const ConnectorSnapshot& s) const {
  JsonWriter w;
  w.BeginObject()
      .Key("id")
      .Int(0)
      .Key("state")
      .String(ConnectorStateName(s.state))
      .Key("worker_id")
      .String(options_.worker_id);
  if (s.state == ConnectorState::kFailed) w.Key("trace").String(s.trace);
  w.EndObject();
  return w.Take();
}

std::string RestApi::StatusJson(const ConnectorSnapshot& s) const {
  // The connector itself (the process) stays RUNNING while its one task is paused or
  // failed, except that a paused connector is PAUSED in Connect too.
  ConnectorState connector_state =
      s.state == ConnectorState::kPaused ? ConnectorState::kPaused : ConnectorState::kRunning;
  std::string body = "{\"name\":";
  AppendJsonString(&body, connector_->Name());
  JsonWriter c;
  c.BeginObject()
      .Key("state")
      .String(ConnectorStateName(connector_state))
      .Key("worker_id")
      .String(options_.worker_id)
      .EndObject();
  body +=
      ",\"connector\":" + c.Take() + ",\"tasks\":[" + TaskStatusJson(s) + "],\"type\":\"sink\"}";
  return body;
}

std::pair<bool, std::string> RestApi::Readiness(const ConnectorSnapshot& s) const {
  if (s.state != ConnectorState::kRunning) {
    return {false, "connector is " + std::string(ConnectorStateName(s.state))};
  }
  if (!s.assigned) return {false, "no partitions assigned yet"};
  bool caught_up = !s.partitions.empty();
  for (const auto& p : s.partitions) {
    if (!p.lag || *p.lag > 0) caught_up = false;
  }
  if (caught_up) return {true, "assigned and caught up"};
  const int64_t now = NowUnixMs();
  const int64_t window = options_.progress_window.count();
  if (s.last_progress_unix_ms && now - *s.last_progress_unix_ms <= window) {
    return {true, "assigned and making progress"};
  }
  // No progress for a while: stalled only if records arrived that were not consumed.
  if (s.last_progress_unix_ms && s.last_input_unix_ms &&
      *s.last_input_unix_ms <= *s.last_progress_unix_ms) {
    return {true, "assigned; no new records to consume"};
  }
  return {false, fmt::format("records are waiting but none was consumed and no object was "
                             "written in the last {} s",
                             window / 1000)};
}

std::string RestApi::FullStatusJson(const ConnectorSnapshot& s) const {
  Rates rates = CurrentRates();
  auto [ready, why] = Readiness(s);
  JsonWriter w;
  w.BeginObject()
      .Key("name")
      .String(connector_->Name())
      .Key("version")
      .String(options_.version)
      .Key("worker_id")
      .String(options_.worker_id)
      .Key("state")
      .String(ConnectorStateName(s.state))
      .Key("trace")
      .String(s.trace)
      .Key("ready")
      .Bool(ready)
      .Key("ready_message")
      .String(why)
      .Key("now_unix_ms")
      .Int(NowUnixMs())
      .Key("started_unix_ms")
      .Int(s.started_unix_ms)
      .Key("last_progress_unix_ms");
  OptionalInt(w, s.last_progress_unix_ms);
  w.Key("totals")
      .BeginObject()
      .Key("records_consumed")
      .Uint(s.records_consumed)
      .Key("records_written")
      .Uint(s.records_written)
      .Key("objects_written")
      .Uint(s.objects_written)
      .Key("bytes_written")
      .Uint(s.bytes_written)
      .Key("store_retries")
      .Uint(s.store_retries)
      .EndObject();
  w.Key("rates").BeginObject().Key("records_per_second");
  rates.known ? w.Double(rates.records_per_second) : w.Null();
  w.Key("bytes_per_second");
  rates.known ? w.Double(rates.bytes_per_second) : w.Null();
  w.EndObject();
  std::optional<int64_t> total_lag;
  for (const auto& p : s.partitions) {
    if (p.lag) total_lag = total_lag.value_or(0) + *p.lag;
  }
  w.Key("lag");
  OptionalInt(w, total_lag);
  // Time to drain the backlog at the current consumption rate.
  w.Key("eta_seconds");
  if (total_lag && *total_lag > 0 && rates.known && rates.records_per_second > 0) {
    w.Double(*total_lag / rates.records_per_second);
  } else if (total_lag && *total_lag == 0) {
    w.Int(0);
  } else {
    w.Null();
  }
  w.Key("partitions").BeginArray();
  for (const auto& p : s.partitions) {
    w.BeginObject()
        .Key("topic")
        .String(p.tp.topic)
        .Key("partition")
        .Int(p.tp.partition.value())
        .Key("committed_offset");
    OptionalInt(w, p.committed_offset);
    w.Key("high_watermark");
    OptionalInt(w, p.high_watermark);
    w.Key("lag");
    OptionalInt(w, p.lag);
    w.Key("open_files");
    OptionalInt(w, p.open_files);
    w.Key("buffered_records");
    OptionalInt(w, p.buffered_records);
    w.Key("buffered_bytes");
    OptionalInt(w, p.buffered_bytes);
    w.Key("last_object").String(p.last_object).Key("last_object_unix_ms");
    OptionalInt(w, p.last_object_unix_ms);
    w.Key("oldest_open_file_unix_ms");
    OptionalInt(w, p.oldest_open_file_unix_ms);
    w.Key("rotation_waiting_for").String(p.rotation_waiting_for);
    w.EndObject();
  }
  w.EndArray();
  w.Key("errors").BeginArray();
  for (const auto& e : s.recent_problems) {
    w.BeginObject()
        .Key("unix_ms")
        .Int(e.unix_ms)
        .Key("level")
        .String(e.level)
        .Key("message")
        .String(e.message)
        .Key("repeats")
        .Uint(e.repeats)
        .EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

}  // namespace tributary
