#include "broker/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>

#include <spdlog/spdlog.h>

#include "kafka/protocol/record_batch.h"

namespace tributary::broker {
namespace {

// 100 MiB: Kafka's default socket.request.max.bytes.
constexpr uint32_t kMaxFrame = 100u << 20;

bool ReadFull(int fd, char* buf, size_t n) {
  while (n > 0) {
    ssize_t r = recv(fd, buf, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    buf += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

bool WriteFull(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t w = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    off += static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

Result<int> Server::Bind(const std::string& host, int port) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return IOError("socket: {}", std::strerror(errno));
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return InvalidArgument("--listen: '{}' is not an IPv4 address", host);
  }
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return IOError("--listen {}:{}: bind: {}", host, port, std::strerror(errno));
  }
  if (listen(listen_fd_, 128) != 0) return IOError("listen: {}", std::strerror(errno));
  socklen_t len = sizeof(addr);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  return static_cast<int>(ntohs(addr.sin_port));
}

void Server::Serve(RequestHandler* handler) {
  handler_ = handler;
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

void Server::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    sockaddr_in peer{};
    socklen_t len = sizeof(peer);
    int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    char ip[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof(ip));
    std::lock_guard lock(mu_);
    if (stopping_) {
      close(fd);
      break;
    }
    connections_.insert(fd);
    ++active_;
    std::thread([this, fd, host = std::string("/") + ip] { Serve(fd, host); }).detach();
  }
}

void Server::Serve(int fd, std::string peer) {
  // This thread reads and applies requests in order; a writer thread completes their
  // replies in the same order and sends them, so produce requests pipelined on one
  // connection share WAL fsyncs. At most kMaxInFlight replies wait at a time (Kafka
  // clients default to five in flight).
  constexpr size_t kMaxInFlight = 16;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<RequestHandler::Reply> queue;
  bool reader_done = false;
  bool writer_failed = false;
  std::thread writer([&] {
    while (true) {
      RequestHandler::Reply reply;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !queue.empty() || reader_done; });
        if (queue.empty()) return;
        reply = std::move(queue.front());
      }
      std::optional<std::string> out = reply();
      bool ok = !out || WriteFull(fd, *out);
      std::lock_guard lock(mu);
      queue.pop_front();
      cv.notify_all();
      if (!ok) {
        writer_failed = true;
        shutdown(fd, SHUT_RDWR);  // wakes the reader
      }
    }
  });
  std::string frame;
  while (!stopping_) {
    char size_buf[4];
    if (!ReadFull(fd, size_buf, 4)) break;
    uint32_t size = kafka::GetBE32(size_buf);
    if (size > kMaxFrame) {
      spdlog::warn("connection {}: request of {} bytes exceeds the {} byte limit", peer, size,
                   kMaxFrame);
      break;
    }
    frame.resize(size);
    if (!ReadFull(fd, frame.data(), size)) break;
    auto reply = handler_->Handle(frame, peer);
    if (!reply.ok()) {
      spdlog::warn("connection {}: {}; closing it", peer, reply.status().message());
      break;
    }
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return queue.size() < kMaxInFlight || writer_failed; });
    if (writer_failed) break;
    queue.push_back(std::move(reply).value());
    cv.notify_all();
  }
  {
    std::lock_guard lock(mu);
    reader_done = true;
    cv.notify_all();
  }
  writer.join();
  std::lock_guard lock(mu_);
  connections_.erase(fd);
  close(fd);
  --active_;
  done_cv_.notify_all();
}

void Server::Stop() {
  if (stopping_.exchange(true)) return;
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  std::unique_lock lock(mu_);
  for (int fd : connections_) shutdown(fd, SHUT_RDWR);
  // Threads blocked in a long poll or a rebalance finish within their own timeouts.
  done_cv_.wait_for(lock, std::chrono::seconds(10), [&] { return active_ == 0; });
}

}  // namespace tributary::broker
