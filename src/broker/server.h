// Server: the TCP listener of `tributary broker`.
//
// One thread accepts; each connection gets its own thread, which reads requests in
// order and writes each response before reading the next request's result — so
// responses leave in request order, as Kafka requires, while connections run
// concurrently. A client may pipeline requests: they wait in the socket buffer.
//
// Thread safety: Start and Stop from one thread; the handler is called concurrently.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "broker/request_handler.h"
#include "common/status.h"

namespace tributary::broker {

class Server {
 public:
  Server() = default;
  ~Server() { Stop(); }

  // Binds host:port (port 0 picks a free one). Returns the bound port.
  Result<int> Bind(const std::string& host, int port);
  // Starts accepting connections and serving them with `handler` (which must outlive
  // the server).
  void Serve(RequestHandler* handler);
  // Stops accepting, closes every connection and waits for their threads.
  void Stop();

 private:
  void AcceptLoop();
  void Serve(int fd, std::string peer);

  RequestHandler* handler_ = nullptr;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::condition_variable done_cv_;
  std::set<int> connections_;
  int active_ = 0;
};

}  // namespace tributary::broker
