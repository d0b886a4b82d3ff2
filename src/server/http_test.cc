#include "server/http.h"

#include <gtest/gtest.h>

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
