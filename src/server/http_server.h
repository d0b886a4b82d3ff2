// HttpServer: a small HTTP/1.1 server on its own thread, for the operations endpoint
// (REST status, /metrics, /ui). Not a general web server: it serves a handful of
// clients (a Prometheus scraper, curl, a browser tab) with short responses.
//
// One thread runs a poll() loop over the listening socket and every connection, all
// non-blocking: keep-alive and pipelined requests are served in order, slow clients
// never block others, idle connections close after `idle_timeout`. The handler runs on
// that thread, so it must return quickly (it reads snapshots; it never waits on I/O).
//
// Thread safety: Start/Stop/port from any thread; the handler and the tick run on the
// server thread only.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/status.h"
#include "server/http.h"

namespace tributary {

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // a name or address; "0.0.0.0" / "::" listen everywhere
  int port = 0;                    // 0: an ephemeral port (see port())
  int max_connections = 64;        // more are accepted and closed at once
  std::chrono::milliseconds idle_timeout{60000};
  // Called on the server thread about every `tick_interval` (for rate sampling).
  std::chrono::milliseconds tick_interval{1000};
  HttpLimits limits;
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Binds and starts serving. IOError names host:port when it cannot bind (in use,
  // no such address, permission).
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options, Handler handler,
                                                   std::function<void()> tick = nullptr);
  ~HttpServer();  // Stop()

  // Closes the listener and every connection and joins the thread. Idempotent.
  void Stop();

  // The bound port (the ephemeral one when options.port was 0).
  int port() const { return port_; }

 private:
  HttpServer() = default;
  void Loop();

  HttpServerOptions options_;
  Handler handler_;
  std::function<void()> tick_;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  // a pipe: Stop() writes, the loop wakes
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace tributary
