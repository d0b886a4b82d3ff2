#include "server/http.h"

#include <gtest/gtest.h>

#include <random>

namespace tributary {
namespace {

TEST(HttpParseTest, ParsesRequestLineHeadersQueryAndBody) {
  std::string raw =
      "PUT /connectors/my%20sink/pause?expand=status&x=a+b%2Fc HTTP/1.1\r\n"
      "Host: localhost\r\nContent-Length: 4\r\nX-Thing:   spaced value  \r\n\r\nbodyNEXT";
  HttpParseResult r = ParseHttpRequest(raw);
  ASSERT_EQ(r.state, HttpParseResult::kDone) << r.error;
  EXPECT_EQ(r.request.method, "PUT");
  EXPECT_EQ(r.request.path, "/connectors/my sink/pause");
  EXPECT_EQ(r.request.Query("expand"), "status");
  EXPECT_EQ(r.request.Query("x"), "a b/c");
  EXPECT_EQ(r.request.Header("x-THING"), "spaced value");
  EXPECT_EQ(r.request.body, "body");
  EXPECT_EQ(raw.substr(r.consumed), "NEXT");
  EXPECT_TRUE(r.request.KeepAlive());
}

TEST(HttpParseTest, WaitsForTheWholeHeaderAndBody) {
  EXPECT_EQ(ParseHttpRequest("GET / HTTP/1.1\r\nHost: x\r\n").state, HttpParseResult::kNeedMore);
  EXPECT_EQ(ParseHttpRequest("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc").state,
            HttpParseResult::kNeedMore);
}

TEST(HttpParseTest, KeepAliveFollowsVersionAndConnectionHeader) {
  auto keep = [](const std::string& raw) {
    auto r = ParseHttpRequest(raw);
    EXPECT_EQ(r.state, HttpParseResult::kDone);
    return r.request.KeepAlive();
  };
  EXPECT_FALSE(keep("GET / HTTP/1.0\r\n\r\n"));
  EXPECT_TRUE(keep("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
  EXPECT_FALSE(keep("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"));
}

TEST(HttpParseTest, RejectsMalformedAndOversizedRequests) {
  auto status = [](const std::string& raw, HttpLimits limits = {}) {
    auto r = ParseHttpRequest(raw, limits);
    EXPECT_EQ(r.state, HttpParseResult::kError) << raw;
    return r.error_status;
  };
  EXPECT_EQ(status("GET /\r\n\r\n"), 400);
  EXPECT_EQ(status("GET  / HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(status("GET / HTTP/2.0\r\n\r\n"), 505);
  EXPECT_EQ(status("GET / HTTP/1.1\r\nNo colon\r\n\r\n"), 400);
  EXPECT_EQ(status("GET / HTTP/1.1\r\n folded: x\r\n\r\n"), 400);
  EXPECT_EQ(status("GET /%zz HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(status("GET http://x/ HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), 400);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"), 501);
  HttpLimits small{.max_header_bytes = 64, .max_body_bytes = 8};
  EXPECT_EQ(status("GET / HTTP/1.1\r\nX: " + std::string(100, 'a'), small), 431);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\n", small), 413);
}

TEST(HttpParseTest, SurvivesMutatedInput) {
  // Byte flips, truncations and insertions of a valid pipelined request: the parser must
  // never read out of bounds (run under -DTRIBUTARY_SANITIZE=ON) and never consume more
  // than it was given.
  const std::string valid =
      "POST /connectors/a%2Fb/restart?includeTasks=true HTTP/1.1\r\nHost: h\r\n"
      "Content-Length: 5\r\nConnection: keep-alive\r\n\r\nhello"
      "GET /metrics HTTP/1.0\r\n\r\n";
  std::mt19937 rng(42);
  const std::string alphabet = "\r\n :%/?=&+0123456789aZ\x00\x7f\xff\t-";
  for (int i = 0; i < 20000; ++i) {
    std::string s = valid;
    int edits = 1 + rng() % 4;
    for (int e = 0; e < edits; ++e) {
      size_t pos = rng() % s.size();
      switch (rng() % 3) {
        case 0:
          s[pos] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          s.erase(pos, 1 + rng() % 8);
          break;
        default:
          s.insert(pos, 1, alphabet[rng() % alphabet.size()]);
          break;
      }
      if (s.empty()) s = "G";
    }
    s.resize(rng() % (s.size() + 1));
    HttpLimits limits{.max_header_bytes = 64 + rng() % 128, .max_body_bytes = rng() % 16};
    size_t offset = 0;
    for (int requests = 0; requests < 4; ++requests) {
      HttpParseResult r = ParseHttpRequest(std::string_view(s).substr(offset), limits);
      if (r.state != HttpParseResult::kDone) {
        if (r.state == HttpParseResult::kError) {
          EXPECT_GE(r.error_status, 400);
        }
        break;
      }
      ASSERT_GT(r.consumed, 0u);
      ASSERT_LE(offset + r.consumed, s.size());
      offset += r.consumed;
    }
  }
}

TEST(HttpSerializeTest, WritesStatusHeadersAndBody) {
  HttpResponse r = HttpResponse::Json(200, "{}");
  EXPECT_EQ(SerializeHttpResponse(r, true),
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            "Cache-Control: no-store\r\nConnection: keep-alive\r\n\r\n{}");
  r.status = 204;
  EXPECT_EQ(SerializeHttpResponse(r, false),
            "HTTP/1.1 204 No Content\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
  HttpResponse head = HttpResponse::Text(200, "hello");
  std::string s = SerializeHttpResponse(head, true, /*head=*/true);
  EXPECT_NE(s.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_EQ(s.substr(s.size() - 4), "\r\n\r\n");
}

}  // namespace
}  // namespace tributary
