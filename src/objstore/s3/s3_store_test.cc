// Unit tests of the S3 store that need no S3 server: addressing, option checks, and the
// retry and error paths against a scripted HTTP server on 127.0.0.1 (S3 itself cannot be
// made to answer 503 on demand). The store's behaviour against a real S3 implementation
// is covered by the ObjectStore conformance suite run against radosgw.
#include "objstore/s3/s3_store.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

namespace tributary {
namespace {

using s3::BucketAddress;

StoreOptions Options(std::string url, bool path_style = true) {
  StoreOptions options;
  options.url = std::move(url);
  options.bucket = "sink";
  options.region = "us-west-2";
  options.path_style = path_style;
  options.access_key_id = "AKIDEXAMPLE";
  options.secret_access_key = "very-secret-key";
  options.session_token = "very-secret-token";
  return options;
}

TEST(BucketAddressTest, DefaultsToAwsVirtualHosted) {
  Result<BucketAddress> a = BucketAddress::Make(Options("", /*path_style=*/false));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->host(), "sink.s3.us-west-2.amazonaws.com");
  EXPECT_EQ(a->endpoint(), "https://s3.us-west-2.amazonaws.com");
  EXPECT_EQ(a->Path("a b/c"), "/a b/c");
  EXPECT_EQ(a->Path(""), "/");
  EXPECT_EQ(a->Url(a->Path("a b/c"), ""), "https://sink.s3.us-west-2.amazonaws.com/a%20b/c");
}

TEST(BucketAddressTest, PathStyleCustomEndpointKeepsNonDefaultPort) {
  Result<BucketAddress> a = BucketAddress::Make(Options("http://127.0.0.1:7480"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->host(), "127.0.0.1:7480");
  EXPECT_EQ(a->endpoint(), "http://127.0.0.1:7480");
  EXPECT_EQ(a->Path("k+1=2"), "/sink/k+1=2");
  EXPECT_EQ(a->Path(""), "/sink");
  EXPECT_EQ(a->Url(a->Path("k+1=2"), "list-type=2"),
            "http://127.0.0.1:7480/sink/k%2B1%3D2?list-type=2");
}

TEST(BucketAddressTest, DropsDefaultPortKeepsBasePathAndIpv6) {
  Result<BucketAddress> a = BucketAddress::Make(Options("HTTPS://S3.Example.COM:443/"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->host(), "s3.example.com");
  EXPECT_EQ(a->endpoint(), "https://s3.example.com");

  a = BucketAddress::Make(Options("http://gw.local:9000/s3/"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->Path("k"), "/s3/sink/k");
  EXPECT_EQ(a->endpoint(), "http://gw.local:9000/s3");

  a = BucketAddress::Make(Options("http://[::1]:7480"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->host(), "[::1]:7480");

  a = BucketAddress::Make(Options("http://minio:9000", /*path_style=*/false));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->host(), "sink.minio:9000");
}

TEST(BucketAddressTest, RejectsUnusableUrls) {
  for (const char* url :
       {"ftp://host", "127.0.0.1:7480", "http://", "http://host:0", "http://host:99999",
        "http://host:x", "http://host:", "http://host/?a=b", "http://host#f", "http://[::1"}) {
    Result<BucketAddress> a = BucketAddress::Make(Options(url));
    EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument) << url;
  }
  Result<BucketAddress> a = BucketAddress::Make(Options("http://user:hunter2@host"));
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(a.status().message().find("hunter2"), std::string::npos) << a.status().message();
  EXPECT_FALSE(BucketAddress::Make(Options("http://[::1]:7480", /*path_style=*/false)).ok());
  StoreOptions no_bucket = Options("http://h");
  no_bucket.bucket.clear();
  EXPECT_FALSE(BucketAddress::Make(no_bucket).ok());
}

TEST(OpenS3StoreTest, TakesCredentialsFromOptionsThenEnvironment) {
  Result<std::unique_ptr<ObjectStore>> store = OpenS3Store(Options("http://127.0.0.1:7480"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Describe(), "s3://sink (endpoint http://127.0.0.1:7480)");

  StoreOptions half = Options("http://127.0.0.1:7480");
  half.secret_access_key.clear();
  EXPECT_EQ(OpenS3Store(half).status().code(), StatusCode::kInvalidArgument);

  StoreOptions from_env = Options("http://127.0.0.1:7480");
  from_env.access_key_id.clear();
  from_env.secret_access_key.clear();
  from_env.session_token.clear();
  unsetenv("AWS_ACCESS_KEY_ID");
  unsetenv("AWS_SECRET_ACCESS_KEY");
  Result<std::unique_ptr<ObjectStore>> missing = OpenS3Store(from_env);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);

  setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
  EXPECT_TRUE(OpenS3Store(from_env).ok());
  unsetenv("AWS_ACCESS_KEY_ID");
  unsetenv("AWS_SECRET_ACCESS_KEY");

  StoreOptions no_region = Options("http://127.0.0.1:7480");
  no_region.region.clear();
  EXPECT_EQ(OpenS3Store(no_region).status().code(), StatusCode::kInvalidArgument);
}

// A scripted HTTP/1.1 server: answers each request with the next canned response (the
// last one repeats) and records the requests' heads. Keeps connections alive.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::string> responses)
      : responses_(responses.begin(), responses.end()) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(listen_fd_, 16), 0);
    socklen_t len = sizeof(addr);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~ScriptedServer() {
    stopping_ = true;
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    acceptor_.join();
    std::vector<int> fds;
    std::vector<std::thread> workers;
    {
      std::lock_guard<std::mutex> lock(mu_);  // not held while joining: workers take it
      fds = connections_;
      workers.swap(workers_);
    }
    for (int fd : fds) shutdown(fd, SHUT_RDWR);
    for (std::thread& t : workers) t.join();
    for (int fd : fds) close(fd);  // only now, so that no fd number is reused meanwhile
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  static std::string Response(int status, std::string_view reason, std::string body = "",
                              std::string extra_headers = "") {
    return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n" +
           extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      std::lock_guard<std::mutex> lock(mu_);
      connections_.push_back(fd);
      workers_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  void Serve(int fd) {
    std::string buffer;
    char chunk[4096];
    for (;;) {
      size_t head_end;
      while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n <= 0) return;
        buffer.append(chunk, static_cast<size_t>(n));
      }
      std::string head = buffer.substr(0, head_end);
      size_t body_length = 0;
      size_t cl = head.find("Content-Length: ");
      if (cl != std::string::npos) body_length = std::stoul(head.substr(cl + 16));
      while (buffer.size() < head_end + 4 + body_length) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n <= 0) return;
        buffer.append(chunk, static_cast<size_t>(n));
      }
      buffer.erase(0, head_end + 4 + body_length);
      std::string response;
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(head);
        response = responses_.front();
        if (responses_.size() > 1) responses_.pop_front();
      }
      if (head.rfind("HEAD ", 0) == 0) {
        // No body after a HEAD response, whatever Content-Length says.
        response = response.substr(0, response.find("\r\n\r\n") + 4);
      }
      if (write(fd, response.data(), response.size()) < 0) return;
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::deque<std::string> responses_;
  std::vector<std::string> requests_;
  std::vector<int> connections_;
  std::vector<std::thread> workers_;
};

std::unique_ptr<ObjectStore> OpenAt(const std::string& url) {
  Result<std::unique_ptr<ObjectStore>> store = OpenS3Store(Options(url));
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return std::move(store).value();
}

const std::string kSlowDown = ScriptedServer::Response(
    503, "Slow Down",
    "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
    "<RequestId>req-1</RequestId></Error>");

TEST(S3StoreRetryTest, RetriesSlowDownThenSucceeds) {
  ScriptedServer server(
      {kSlowDown, kSlowDown, ScriptedServer::Response(200, "OK", "", "ETag: \"abc\"\r\n")});
  auto store = OpenAt(server.url());
  Result<PutResult> put = store->Put("topics/a b+c", "hello");
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->etag, "abc");
  const std::vector<std::string> requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const std::string& r : requests) {
    EXPECT_EQ(r.rfind("PUT /sink/topics/a%20b%2Bc HTTP/1.1\r\n", 0), 0u) << r;
    EXPECT_NE(r.find("Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), std::string::npos);
    EXPECT_NE(r.find("x-amz-security-token: very-secret-token"), std::string::npos);
    // SHA-256("hello")
    EXPECT_NE(r.find("x-amz-content-sha256: "
                     "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
              std::string::npos);
    EXPECT_EQ(r.find("Expect:"), std::string::npos);  // no 100-continue for small bodies
  }
}

TEST(S3StoreRetryTest, GivesUpAfterFiveAttemptsWithUnavailable) {
  ScriptedServer server({kSlowDown});
  auto store = OpenAt(server.url());
  Result<std::string> got = store->Get("k");
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(got.status().IsRetriable());
  EXPECT_EQ(server.requests().size(), 5u);
  const std::string message = got.status().message();
  EXPECT_NE(message.find("SlowDown"), std::string::npos) << message;
  EXPECT_NE(message.find("'k'"), std::string::npos) << message;
  EXPECT_NE(message.find("'sink'"), std::string::npos) << message;
  EXPECT_NE(message.find("req-1"), std::string::npos) << message;
}

TEST(S3StoreRetryTest, DoesNotRetryClientErrorsAndKeepsSecretsOutOfMessages) {
  ScriptedServer server({ScriptedServer::Response(
      403, "Forbidden",
      "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we "
      "calculated does not match the signature you provided.</Message></Error>")});
  auto store = OpenAt(server.url());
  Status st = store->Get("k").status();
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(store->CheckBucket().code(), StatusCode::kPermissionDenied);  // HEAD: no body
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_NE(st.message().find("SignatureDoesNotMatch"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find("very-secret"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find("Signature="), std::string::npos) << st.message();
}

TEST(S3StoreRetryTest, RetriesTransportFailuresThenReportsUnavailable) {
  std::string url;
  {
    ScriptedServer closed({ScriptedServer::Response(200, "OK")});
    url = closed.url();
  }  // the port is closed now: connections are refused
  auto store = OpenAt(url);
  Result<ObjectInfo> head = store->Head("k");
  EXPECT_EQ(head.status().code(), StatusCode::kUnavailable) << head.status().ToString();
  EXPECT_NE(head.status().message().find("5 attempts"), std::string::npos)
      << head.status().message();
}

TEST(S3StoreErrorTest, MapsStatusesToInterfaceCodes) {
  {
    ScriptedServer server({ScriptedServer::Response(404, "Not Found")});
    auto store = OpenAt(server.url());
    EXPECT_EQ(store->CheckBucket().code(), StatusCode::kNotFound);
    Status st = store->CheckBucket();
    EXPECT_NE(st.message().find("bucket 'sink' does not exist at http://127.0.0.1:"),
              std::string::npos)
        << st.message();
    EXPECT_EQ(store->Head("k").status().code(), StatusCode::kNotFound);
    EXPECT_TRUE(store->Delete("k").ok());  // deleting a missing key succeeds
  }
  {
    ScriptedServer server({ScriptedServer::Response(
        412, "Precondition Failed", "<Error><Code>PreconditionFailed</Code></Error>")});
    auto store = OpenAt(server.url());
    PutOptions options;
    options.condition = PutOptions::Condition::kIfNoneMatch;
    Result<PutResult> put = store->Put("k", "x", options);
    EXPECT_EQ(put.status().code(), StatusCode::kPreconditionFailed);
    EXPECT_NE(server.requests()[0].find("If-None-Match: *\r\n"), std::string::npos);
  }
  {
    ScriptedServer server({ScriptedServer::Response(
        409, "Conflict", "<Error><Code>ConditionalRequestConflict</Code></Error>")});
    auto store = OpenAt(server.url());
    PutOptions options;
    options.condition = PutOptions::Condition::kIfMatch;
    options.if_match_etag = "abc";
    EXPECT_EQ(store->Put("k", "x", options).status().code(), StatusCode::kPreconditionFailed);
    EXPECT_NE(server.requests()[0].find("If-Match: \"abc\"\r\n"), std::string::npos);
  }
  {
    ScriptedServer server(
        {ScriptedServer::Response(404, "Not Found", "<Error><Code>NoSuchBucket</Code></Error>")});
    auto store = OpenAt(server.url());
    EXPECT_EQ(store->Delete("k").code(), StatusCode::kNotFound);
  }
}

TEST(S3StoreErrorTest, ConditionalPutLostToItsOwnEarlierAttemptSucceeds) {
  // The first attempt's response is lost (503 after the write), the retry finds the
  // object present; HEAD shows it holds this very body (ETag = MD5("hello")).
  const std::string md5_hello = "5d41402abc4b2a76b9719d911017c592";
  ScriptedServer server(
      {kSlowDown,
       ScriptedServer::Response(412, "Precondition Failed",
                                "<Error><Code>PreconditionFailed</Code></Error>"),
       ScriptedServer::Response(
           200, "OK", "hello",
           "ETag: \"" + md5_hello + "\"\r\nLast-Modified: Fri, 24 May 2013 00:00:00 GMT\r\n")});
  auto store = OpenAt(server.url());
  PutOptions options;
  options.condition = PutOptions::Condition::kIfNoneMatch;
  Result<PutResult> put = store->Put("k", "hello", options);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->etag, md5_hello);
}

TEST(S3StoreErrorTest, IfMatchFallsBackToUnquotedEtagWhenTheServerNeedsIt) {
  // radosgw compares If-Match on PUT without quotes: the quoted form fails although the
  // object has that ETag. The store checks with HEAD, then sends the condition unquoted,
  // and keeps doing so.
  const std::string precondition_failed = ScriptedServer::Response(
      412, "Precondition Failed", "<Error><Code>PreconditionFailed</Code></Error>");
  ScriptedServer server(
      {precondition_failed, ScriptedServer::Response(200, "OK", "old", "ETag: \"abc\"\r\n"),
       ScriptedServer::Response(200, "OK", "", "ETag: \"def\"\r\n"), precondition_failed});
  auto store = OpenAt(server.url());
  PutOptions options;
  options.condition = PutOptions::Condition::kIfMatch;
  options.if_match_etag = "\"abc\"";
  Result<PutResult> put = store->Put("k", "new", options);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->etag, "def");
  // A stale ETag now fails at once, unquoted, without another HEAD.
  options.if_match_etag = "abc";
  EXPECT_EQ(store->Put("k", "newer", options).status().code(), StatusCode::kPreconditionFailed);
  const std::vector<std::string> requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_NE(requests[0].find("If-Match: \"abc\"\r\n"), std::string::npos);
  EXPECT_EQ(requests[1].rfind("HEAD /sink/k ", 0), 0u);
  EXPECT_NE(requests[2].find("If-Match: abc\r\n"), std::string::npos);
  EXPECT_NE(requests[3].find("If-Match: abc\r\n"), std::string::npos);
}

TEST(S3StoreErrorTest, IfMatchOnAnotherEtagStaysAPreconditionFailure) {
  ScriptedServer server({ScriptedServer::Response(412, "Precondition Failed",
                                                  "<Error><Code>PreconditionFailed</Code></Error>"),
                         ScriptedServer::Response(200, "OK", "old", "ETag: \"other\"\r\n")});
  auto store = OpenAt(server.url());
  PutOptions options;
  options.condition = PutOptions::Condition::kIfMatch;
  options.if_match_etag = "abc";
  EXPECT_EQ(store->Put("k", "new", options).status().code(), StatusCode::kPreconditionFailed);
  EXPECT_EQ(server.requests().size(), 2u);  // PUT, HEAD; no second PUT
}

TEST(S3StoreTest, HeadReadsSizeEtagDateAndMetadata) {
  ScriptedServer server(
      {ScriptedServer::Response(200, "OK", "0123456789",
                                "ETag: \"e1\"\r\nLast-Modified: Fri, 24 May 2013 00:00:00 GMT\r\n"
                                "X-Amz-Meta-Topic: orders\r\nx-amz-meta-start-offset: 42\r\n")});
  auto store = OpenAt(server.url());
  Result<ObjectInfo> info = store->Head("k");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->key, "k");
  EXPECT_EQ(info->size, 10u);
  EXPECT_EQ(info->etag, "e1");
  EXPECT_EQ(info->last_modified_ms, int64_t{1369353600000});
  EXPECT_EQ(info->metadata,
            (std::map<std::string, std::string>{{"topic", "orders"}, {"start-offset", "42"}}));
}

TEST(S3StoreTest, GetSendsRangeAndCutsItWhenTheServerIgnoresIt) {
  ScriptedServer server({ScriptedServer::Response(200, "OK", "0123456789")});
  auto store = OpenAt(server.url());
  Result<std::string> got = store->Get("k", ByteRange{2, 4});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "234");
  EXPECT_NE(server.requests()[0].find("Range: bytes=2-4\r\n"), std::string::npos);
  got = store->Get("k", ByteRange{8, 100});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "89");
  EXPECT_EQ(store->Get("k", ByteRange{5, 4}).status().code(), StatusCode::kInvalidArgument);
}

TEST(S3StoreTest, ListSendsListObjectsV2Query) {
  ScriptedServer server({ScriptedServer::Response(
      200, "OK",
      "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>t/2"
      "</NextContinuationToken><Contents><Key>a/1</Key><Size>3</Size></Contents>"
      "<CommonPrefixes><Prefix>a/b/</Prefix></CommonPrefixes></ListBucketResult>")});
  auto store = OpenAt(server.url());
  ListOptions options;
  options.prefix = "a/";
  options.delimiter = "/";
  options.max_keys = 2;
  options.continuation_token = "t/1";
  Result<ListPage> page = store->List(options);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->next_token, "t/2");
  EXPECT_EQ(server.requests()[0].substr(0, server.requests()[0].find("\r\n")),
            "GET /sink?continuation-token=t%2F1&delimiter=%2F&list-type=2&max-keys=2&"
            "prefix=a%2F HTTP/1.1");
  options.max_keys = 0;
  EXPECT_EQ(store->List(options).status().code(), StatusCode::kInvalidArgument);
}

TEST(S3StoreTest, RejectsBadKeysAndMetadataBeforeSending) {
  ScriptedServer server({ScriptedServer::Response(200, "OK")});
  auto store = OpenAt(server.url());
  EXPECT_EQ(store->Put("", "x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Put(std::string(1025, 'k'), "x").status().code(), StatusCode::kInvalidArgument);
  PutOptions options;
  options.metadata["bad name"] = "v";
  EXPECT_EQ(store->Put("k", "x", options).status().code(), StatusCode::kInvalidArgument);
  options.metadata.clear();
  options.metadata["ok"] = "line\r\nInjected: yes";
  EXPECT_EQ(store->Put("k", "x", options).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(server.requests().empty());
}

}  // namespace
}  // namespace tributary
