#include "server/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace tributary {
namespace {

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  return fd;
}

void Send(int fd, const std::string& s) {
  ASSERT_EQ(send(fd, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size()));
}

// Reads until `n` complete responses (by Content-Length) arrived or the peer closed.
std::string ReadResponses(int fd, int n) {
  std::string in;
  char buf[4096];
  while (true) {
    int complete = 0;
    size_t pos = 0;
    while (true) {
      size_t end = in.find("\r\n\r\n", pos);
      if (end == std::string::npos) break;
      size_t cl = in.find("Content-Length: ", pos);
      size_t len = (cl != std::string::npos && cl < end) ? std::stoul(in.substr(cl + 16)) : 0;
      if (in.size() < end + 4 + len) break;
      pos = end + 4 + len;
      ++complete;
    }
    if (complete >= n) return in;
    ssize_t r = recv(fd, buf, sizeof(buf), 0);
    if (r <= 0) return in;
    in.append(buf, r);
  }
}

HttpResponse Echo(const HttpRequest& req) {
  return HttpResponse::Text(200, req.method + " " + req.path + " " + req.body);
}

TEST(HttpServerTest, ServesPipelinedRequestsOnOneKeepAliveConnection) {
  auto server = HttpServer::Start({}, Echo);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  int fd = Connect((*server)->port());
  Send(fd,
       "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
       "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz");
  std::string out = ReadResponses(fd, 2);
  EXPECT_NE(out.find("\r\n\r\nGET /a "), std::string::npos) << out;
  EXPECT_NE(out.find("\r\n\r\nPOST /b xyz"), std::string::npos) << out;
  EXPECT_LT(out.find("GET /a"), out.find("POST /b"));
  // The connection is still open: a third request on it is answered.
  Send(fd, "GET /c HTTP/1.1\r\nConnection: close\r\n\r\n");
  out = ReadResponses(fd, 1);
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
  EXPECT_NE(out.find("GET /c "), std::string::npos);
  char c;
  EXPECT_EQ(recv(fd, &c, 1, 0), 0);  // closed by the server after the response
  close(fd);
}

TEST(HttpServerTest, ASlowClientDoesNotBlockOthers) {
  auto server = HttpServer::Start({}, Echo);
  ASSERT_TRUE(server.ok());
  int slow = Connect((*server)->port());
  Send(slow, "GET /slo");  // incomplete; the server must not wait for the rest
  int fast = Connect((*server)->port());
  Send(fast, "GET /fast HTTP/1.1\r\n\r\n");
  EXPECT_NE(ReadResponses(fast, 1).find("GET /fast"), std::string::npos);
  Send(slow, "w HTTP/1.1\r\n\r\n");
  EXPECT_NE(ReadResponses(slow, 1).find("GET /slow"), std::string::npos);
  close(slow);
  close(fast);
}

TEST(HttpServerTest, AnswersMalformedRequestsWithAnErrorAndCloses) {
  auto server = HttpServer::Start({}, Echo);
  ASSERT_TRUE(server.ok());
  int fd = Connect((*server)->port());
  Send(fd, "NOT HTTP\r\n\r\n");
  std::string out = ReadResponses(fd, 1);
  EXPECT_EQ(out.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("\"error_code\":400"), std::string::npos);
  close(fd);
}

TEST(HttpServerTest, ReportsAPortInUseAndTicks) {
  std::atomic<int> ticks{0};
  HttpServerOptions opts;
  opts.tick_interval = std::chrono::milliseconds(20);
  auto first = HttpServer::Start(opts, Echo, [&] { ++ticks; });
  ASSERT_TRUE(first.ok());
  HttpServerOptions same;
  same.port = (*first)->port();
  auto second = HttpServer::Start(same, Echo);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find(std::to_string(same.port)), std::string::npos);
  // Every 20 ms; allow a loaded machine up to 5 s for three of them.
  for (int i = 0; i < 500 && ticks.load() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(ticks.load(), 3);
  (*first)->Stop();
  (*first)->Stop();  // idempotent
}

}  // namespace
}  // namespace tributary
