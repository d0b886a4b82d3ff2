#include "server/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <list>

namespace tributary {

namespace {

bool SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

struct Connection {
  int fd = -1;
  std::string in;
  std::string out;
  bool close_after_write = false;
  std::chrono::steady_clock::time_point last_active;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options, Handler handler,
                                                      std::function<void()> tick) {
  std::unique_ptr<HttpServer> self(new HttpServer());
  self->options_ = std::move(options);
  self->handler_ = std::move(handler);
  self->tick_ = std::move(tick);
  const std::string where = fmt::format("{}:{}", self->options_.host, self->options_.port);

  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  std::string port = std::to_string(self->options_.port);
  int gai = getaddrinfo(self->options_.host.c_str(), port.c_str(), &hints, &res);
  if (gai != 0) {
    return IOError("rest.host.name '{}': cannot resolve: {}", self->options_.host,
                   gai_strerror(gai));
  }
  std::string last_error = "no address";
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 64) != 0 || !SetNonBlocking(fd)) {
      last_error = std::strerror(errno);
      close(fd);
      continue;
    }
    self->listen_fd_ = fd;
    break;
  }
  freeaddrinfo(res);
  if (self->listen_fd_ < 0) {
    return IOError("cannot listen on {} (rest.host.name:rest.port): {}", where, last_error);
  }
  sockaddr_storage addr = {};
  socklen_t len = sizeof(addr);
  getsockname(self->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  self->port_ = addr.ss_family == AF_INET6
                    ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                    : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (pipe2(self->wake_fds_, O_CLOEXEC | O_NONBLOCK) != 0) {
    close(self->listen_fd_);
    return IOError("cannot create the HTTP server's wake-up pipe: {}", std::strerror(errno));
  }
  HttpServer* raw = self.get();
  self->thread_ = std::thread([raw] { raw->Loop(); });
  return self;
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() {
  if (stopping_.exchange(true)) {
    if (thread_.joinable()) thread_.join();
    return;
  }
  char b = 1;
  ssize_t ignored = write(wake_fds_[1], &b, 1);
  (void)ignored;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  for (int fd : wake_fds_) {
    if (fd >= 0) close(fd);
  }
  listen_fd_ = -1;
  wake_fds_[0] = wake_fds_[1] = -1;
}

void HttpServer::Loop() {
  std::list<Connection> conns;
  auto last_tick = std::chrono::steady_clock::now();
  std::vector<pollfd> fds;
  std::vector<std::list<Connection>::iterator> index;  // fds[i + 2] <-> index[i]
  while (!stopping_.load()) {
    fds.clear();
    index.clear();
    fds.push_back({wake_fds_[0], POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    for (auto it = conns.begin(); it != conns.end(); ++it) {
      short events = it->out.empty() ? POLLIN : POLLOUT;
      fds.push_back({it->fd, events, 0});
      index.push_back(it);
    }
    int timeout_ms = static_cast<int>(options_.tick_interval.count());
    int n = poll(fds.data(), fds.size(), timeout_ms);
    if (n < 0 && errno != EINTR) {
      spdlog::error("HTTP server: poll failed: {}", std::strerror(errno));
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (tick_ && now - last_tick >= options_.tick_interval) {
      tick_();
      last_tick = now;
    }
    if (n <= 0) {
      // Close idle connections.
      for (auto it = conns.begin(); it != conns.end();) {
        if (now - it->last_active > options_.idle_timeout) {
          close(it->fd);
          it = conns.erase(it);
        } else {
          ++it;
        }
      }
      continue;
    }
    if (fds[0].revents) break;  // Stop()
    if (fds[1].revents & POLLIN) {
      while (true) {
        int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) break;
        if (static_cast<int>(conns.size()) >= options_.max_connections) {
          close(fd);
          continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        conns.push_back({fd, {}, {}, false, now});
      }
    }
    for (size_t i = 0; i < index.size(); ++i) {
      auto it = index[i];
      short rev = fds[i + 2].revents;
      if (rev == 0) continue;
      bool dead = false;
      if (rev & POLLIN) {
        char buf[16384];
        while (true) {
          ssize_t r = read(it->fd, buf, sizeof(buf));
          if (r > 0) {
            it->in.append(buf, r);
            it->last_active = now;
            if (it->in.size() > options_.limits.max_header_bytes + options_.limits.max_body_bytes) {
              break;  // the parser reports the limit
            }
            continue;
          }
          if (r == 0) dead = true;  // the peer closed its side
          if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) dead = true;
          break;
        }
        // Serve every complete request in the buffer (pipelining), in order.
        while (!it->close_after_write) {
          HttpParseResult parsed = ParseHttpRequest(it->in, options_.limits);
          if (parsed.state == HttpParseResult::kNeedMore) break;
          if (parsed.state == HttpParseResult::kError) {
            HttpResponse err = HttpResponse::Json(
                parsed.error_status, fmt::format("{{\"error_code\":{},\"message\":\"{}\"}}",
                                                 parsed.error_status, parsed.error));
            it->out += SerializeHttpResponse(err, false);
            it->close_after_write = true;
            break;
          }
          it->in.erase(0, parsed.consumed);
          const HttpRequest& req = parsed.request;
          const bool head = req.method == "HEAD";
          HttpResponse resp = handler_(req);
          const bool keep = req.KeepAlive();
          it->out += SerializeHttpResponse(resp, keep, head);
          if (!keep) it->close_after_write = true;
        }
        if (dead && it->out.empty()) {
          close(it->fd);
          conns.erase(it);
          continue;
        }
      }
      if (rev & (POLLERR | POLLHUP | POLLNVAL) && !(rev & POLLIN)) {
        close(it->fd);
        conns.erase(it);
        continue;
      }
      // Write what is pending (also right after serving, without waiting for POLLOUT).
      while (!it->out.empty()) {
        ssize_t w = send(it->fd, it->out.data(), it->out.size(), MSG_NOSIGNAL);
        if (w > 0) {
          it->out.erase(0, w);
          it->last_active = now;
          continue;
        }
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) break;
        dead = true;
        break;
      }
      if (dead || (it->out.empty() && it->close_after_write)) {
        close(it->fd);
        conns.erase(it);
      }
    }
  }
  for (auto& c : conns) close(c.fd);
}

}  // namespace tributary
