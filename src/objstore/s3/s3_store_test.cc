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

#include "objstore/s3/s3_protocol.h"
#include "objstore/s3/sigv4.h"

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
  options.retry_backoff_ms = 1;  // keep the retry tests fast
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

TEST(BucketAddressTest, WanModeUsesTheAccelerateEndpointVirtualHosted) {
  StoreOptions options = Options("");
  options.wan_mode = true;  // path_style stays true: acceleration overrides it
  Result<BucketAddress> a = BucketAddress::Make(options);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->host(), "sink.s3-accelerate.amazonaws.com");
  EXPECT_EQ(a->Path("k"), "/k");
  // A custom endpoint wins over wan mode.
  options.url = "http://127.0.0.1:7480";
  a = BucketAddress::Make(options);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host(), "127.0.0.1:7480");
}

TEST(OpenS3StoreTest, ChecksCredentialOptions) {
  Result<std::unique_ptr<ObjectStore>> store = OpenS3Store(Options("http://127.0.0.1:7480"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Describe(), "s3://sink (endpoint http://127.0.0.1:7480)");

  StoreOptions half = Options("http://127.0.0.1:7480");
  half.secret_access_key.clear();
  EXPECT_EQ(OpenS3Store(half).status().code(), StatusCode::kInvalidArgument);

  StoreOptions no_region = Options("http://127.0.0.1:7480");
  no_region.region.clear();
  EXPECT_EQ(OpenS3Store(no_region).status().code(), StatusCode::kInvalidArgument);
}

StoreOptions WithWriteOptions(void (*set)(StoreOptions*)) {
  StoreOptions options = Options("http://127.0.0.1:7480");
  set(&options);
  return options;
}

// base64 of the bytes 0..31, and base64 of its MD5.
constexpr char kCustomerKey[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr char kCustomerKeyMd5[] = "tP/LI3N87DFaSk0aoqYgzg==";

TEST(OpenS3StoreTest, RejectsBadWriteOptionsNamingTheKeyNotTheSecret) {
  struct Case {
    void (*set)(StoreOptions*);
    const char* config_key;
  };
  const Case cases[] = {
      {[](StoreOptions* o) { o->sse_algorithm = "aes256"; }, "s3.ssea.name"},
      {[](StoreOptions* o) { o->sse_kms_key_id = "key-1"; }, "s3.sse.kms.key.id"},
      {[](StoreOptions* o) { o->sse_customer_key = "c2hvcnQ="; }, "s3.sse.customer.key"},
      {[](StoreOptions* o) { o->sse_customer_key = "not base64!!"; }, "s3.sse.customer.key"},
      {[](StoreOptions* o) {
         o->sse_customer_key = kCustomerKey;
         o->sse_algorithm = "AES256";
       },
       "s3.sse.customer.key"},
      {[](StoreOptions* o) { o->checksum_algorithm = "SHA1"; }, "s3.checksum.algorithm"},
      {[](StoreOptions* o) { o->part_retries = -1; }, "s3.part.retries"},
      {[](StoreOptions* o) { o->retry_backoff_ms = -5; }, "s3.retry.backoff.ms"},
      {[](StoreOptions* o) { o->canned_acl = "private\r\nX: y"; }, "s3.acl.canned"},
      {[](StoreOptions* o) { o->proxy_url = "http://u:pw@proxy:3128"; }, "s3.proxy.url"},
  };
  for (const Case& c : cases) {
    Result<std::unique_ptr<ObjectStore>> store = OpenS3Store(WithWriteOptions(c.set));
    EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument) << c.config_key;
    const std::string& message = store.status().message();
    EXPECT_NE(message.find(c.config_key), std::string::npos) << message;
    EXPECT_EQ(message.find("c2hvcnQ"), std::string::npos) << message;
    EXPECT_EQ(message.find("not base64!!"), std::string::npos) << message;
    EXPECT_EQ(message.find(":pw@"), std::string::npos) << message;
  }
  for (void (*set)(StoreOptions*) : {
           +[](StoreOptions* o) { o->sse_customer_key = kCustomerKey; },
           +[](StoreOptions* o) {
             o->sse_algorithm = "aws:kms";
             o->sse_kms_key_id = "arn:aws:kms:us-west-2:1:key/k";
           },
           +[](StoreOptions* o) { o->sse_algorithm = "aws:kms:dsse"; },
           +[](StoreOptions* o) { o->checksum_algorithm = "crc32c"; },
       }) {
    EXPECT_TRUE(OpenS3Store(WithWriteOptions(set)).ok());
  }
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

TEST(S3StoreRetryTest, GivesUpAfterOnePlusPartRetriesAttemptsWithUnavailable) {
  ScriptedServer server({kSlowDown});
  auto store = OpenAt(server.url());  // s3.part.retries = 3 (the default)
  Result<std::string> got = store->Get("k");
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(got.status().IsRetriable());
  EXPECT_EQ(server.requests().size(), 4u);
  EXPECT_NE(got.status().message().find("gave up after 4 attempts"), std::string::npos)
      << got.status().message();
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
  EXPECT_NE(head.status().message().find("4 attempts"), std::string::npos)
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
    // 409 ConditionalRequestConflict on a conditional write is retried; when it persists
    // the condition was never decided: kUnavailable, not a lost condition.
    ScriptedServer server({ScriptedServer::Response(
        409, "Conflict", "<Error><Code>ConditionalRequestConflict</Code></Error>")});
    auto store = OpenAt(server.url());
    PutOptions options;
    options.condition = PutOptions::Condition::kIfMatch;
    options.if_match_etag = "abc";
    EXPECT_EQ(store->Put("k", "x", options).status().code(), StatusCode::kUnavailable);
    EXPECT_EQ(server.requests().size(), 4u);
    EXPECT_NE(server.requests()[0].find("If-Match: \"abc\"\r\n"), std::string::npos);
  }
  {
    // AWS answers If-Match on a missing key with 404.
    ScriptedServer server(
        {ScriptedServer::Response(404, "Not Found", "<Error><Code>NoSuchKey</Code></Error>")});
    auto store = OpenAt(server.url());
    PutOptions options;
    options.condition = PutOptions::Condition::kIfMatch;
    options.if_match_etag = "abc";
    EXPECT_EQ(store->Put("k", "x", options).status().code(), StatusCode::kPreconditionFailed);
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

// The request line of a recorded request head.
std::string RequestLine(const std::string& head) { return head.substr(0, head.find("\r\n")); }

// The value of header `name` (as the store spells it) in a recorded head; "" if absent.
std::string HeaderValue(const std::string& head, const std::string& name) {
  const std::string needle = "\r\n" + name + ": ";
  const size_t at = head.find(needle);
  if (at == std::string::npos) return "";
  const size_t begin = at + needle.size();
  return head.substr(begin, head.find("\r\n", begin) - begin);
}

const std::string kOk = ScriptedServer::Response(200, "OK", "", "ETag: \"e\"\r\n");

TEST(S3StoreRetryTest, CountsRetriesByReasonAndRetriesConflictsOnConditionalWrites) {
  s3::ResetRetryStateForTesting();
  ScriptedServer server(
      {kSlowDown,
       ScriptedServer::Response(500, "Internal Server Error",
                                "<Error><Code>InternalError</Code></Error>"),
       ScriptedServer::Response(409, "Conflict",
                                "<Error><Code>ConditionalRequestConflict</Code></Error>"),
       kOk});
  auto store = OpenAt(server.url());
  PutOptions options;
  options.condition = PutOptions::Condition::kIfNoneMatch;
  Result<PutResult> put = store->Put("k", "x", options);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(server.requests().size(), 4u);
  const s3::RetryStats& stats = s3::RetryCounters();
  EXPECT_EQ(stats.retries.load(), 3u);
  EXPECT_EQ(stats.throttled.load(), 1u);
  EXPECT_EQ(stats.server_errors.load(), 1u);
  EXPECT_EQ(stats.conflicts.load(), 1u);
  EXPECT_EQ(stats.gave_up.load(), 0u);
  // The last retry's 5 tokens came back with the success.
  EXPECT_EQ(s3::RetryBudgetTokens(), 500 - 3 * 5 + 5);
  EXPECT_NE(stats.ToString().find("retries=3 (throttled=1 server_errors=1"), std::string::npos)
      << stats.ToString();

  // An unconditional write does not retry 409.
  ScriptedServer conflict({ScriptedServer::Response(
      409, "Conflict", "<Error><Code>ConditionalRequestConflict</Code></Error>")});
  EXPECT_FALSE(OpenAt(conflict.url())->Put("k", "x").ok());
  EXPECT_EQ(conflict.requests().size(), 1u);
  s3::ResetRetryStateForTesting();
}

TEST(S3StoreRetryTest, AnEmptyRetryBudgetStopsRetrying) {
  s3::ResetRetryStateForTesting();
  ScriptedServer server({ScriptedServer::Response(503, "Service Unavailable")});
  StoreOptions options = Options(server.url());
  options.part_retries = 1000;
  options.retry_backoff_ms = 0;
  auto store = std::move(OpenS3Store(options)).value();
  Result<std::string> got = store->Get("k");
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(got.status().message().find("retry budget is exhausted"), std::string::npos)
      << got.status().message();
  // 500 tokens at 5 a retry: 100 retries after the first attempt.
  EXPECT_EQ(server.requests().size(), 101u);
  EXPECT_EQ(s3::RetryCounters().budget_exhausted.load(), 1u);
  EXPECT_EQ(s3::RetryBudgetTokens(), 0);
  // With the budget empty, a failing request is tried once only.
  EXPECT_FALSE(store->Get("k").ok());
  EXPECT_EQ(server.requests().size(), 102u);
  s3::ResetRetryStateForTesting();
}

TEST(S3StoreWriteOptionsTest, PutSendsEncryptionAclStorageClassTagsAndDigests) {
  ScriptedServer server({kOk});
  StoreOptions options = Options(server.url());
  options.sse_customer_key = kCustomerKey;
  options.canned_acl = "bucket-owner-full-control";
  options.storage_class = "STANDARD_IA";
  options.send_digest = true;
  options.checksum_algorithm = "CRC32C";
  auto store = std::move(OpenS3Store(options)).value();
  PutOptions put;
  put.tags = {{"team", "data eng"}, {"env", "prod"}};
  put.metadata = {{"Topic", "orders"}};
  ASSERT_TRUE(store->Put("k", "123456789", put).ok());
  ASSERT_TRUE(store->Get("k").ok());
  ASSERT_TRUE(store->Head("k").ok());
  const std::vector<std::string> requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  const std::string& r = requests[0];
  EXPECT_EQ(HeaderValue(r, "x-amz-server-side-encryption-customer-algorithm"), "AES256");
  EXPECT_EQ(HeaderValue(r, "x-amz-server-side-encryption-customer-key"), kCustomerKey);
  EXPECT_EQ(HeaderValue(r, "x-amz-server-side-encryption-customer-key-MD5"), kCustomerKeyMd5);
  EXPECT_EQ(HeaderValue(r, "x-amz-acl"), "bucket-owner-full-control");
  EXPECT_EQ(HeaderValue(r, "x-amz-storage-class"), "STANDARD_IA");
  EXPECT_EQ(HeaderValue(r, "x-amz-tagging"), "env=prod&team=data%20eng");
  EXPECT_EQ(HeaderValue(r, "x-amz-meta-topic"), "orders");
  EXPECT_EQ(HeaderValue(r, "Content-MD5"), s3::Md5Base64("123456789"));
  EXPECT_EQ(HeaderValue(r, "x-amz-checksum-crc32c"), "4waSgw==");  // CRC32C 0xE3069283
  EXPECT_EQ(HeaderValue(r, "x-amz-sdk-checksum-algorithm"), "CRC32C");
  // Every header the store sets is signed.
  EXPECT_NE(r.find("x-amz-server-side-encryption-customer-key-md5;"), std::string::npos) << r;
  for (size_t i : {1u, 2u}) {  // GET and HEAD carry SSE-C, nothing else of the above
    EXPECT_EQ(HeaderValue(requests[i], "x-amz-server-side-encryption-customer-key-MD5"),
              kCustomerKeyMd5);
    EXPECT_EQ(HeaderValue(requests[i], "x-amz-acl"), "");
  }
}

TEST(S3StoreWriteOptionsTest, KmsHeaders) {
  ScriptedServer server({kOk});
  StoreOptions options = Options(server.url());
  options.sse_algorithm = "aws:kms";
  options.sse_kms_key_id = "arn:aws:kms:us-west-2:111122223333:key/k1";
  auto store = std::move(OpenS3Store(options)).value();
  ASSERT_TRUE(store->Put("k", "x").ok());
  ASSERT_TRUE(store->Get("k").ok());
  const std::vector<std::string> requests = server.requests();
  EXPECT_EQ(HeaderValue(requests[0], "x-amz-server-side-encryption"), "aws:kms");
  EXPECT_EQ(HeaderValue(requests[0], "x-amz-server-side-encryption-aws-kms-key-id"),
            "arn:aws:kms:us-west-2:111122223333:key/k1");
  EXPECT_EQ(HeaderValue(requests[1], "x-amz-server-side-encryption"), "");
}

const std::string kInitiated =
    ScriptedServer::Response(200, "OK",
                             "<InitiateMultipartUploadResult><Bucket>sink</Bucket><Key>k</Key>"
                             "<UploadId>up/1+2</UploadId></InitiateMultipartUploadResult>");

TEST(S3StoreMultipartTest, RequestsHaveS3sShape) {
  ScriptedServer server({kInitiated, ScriptedServer::Response(200, "OK", "", "ETag: \"p1\"\r\n"),
                         ScriptedServer::Response(204, "No Content")});
  StoreOptions options = Options(server.url());
  options.sse_customer_key = kCustomerKey;
  options.storage_class = "GLACIER_IR";
  options.send_digest = true;
  auto store = std::move(OpenS3Store(options)).value();
  PutOptions put;
  put.content_type = "application/json";
  put.metadata = {{"topic", "orders"}};
  put.tags = {{"a", "b"}};
  Result<std::string> id = store->CreateMultipartUpload("dir/k", put);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, "up/1+2");
  Result<PartInfo> part = store->UploadPart("dir/k", *id, 7, "hello");
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(part->part_number, 7);
  EXPECT_EQ(part->etag, "p1");
  EXPECT_EQ(part->size, 5u);
  EXPECT_TRUE(store->AbortMultipartUpload("dir/k", *id).ok());

  const std::vector<std::string> requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(RequestLine(requests[0]), "POST /sink/dir/k?uploads= HTTP/1.1");
  EXPECT_EQ(HeaderValue(requests[0], "Content-Type"), "application/json");
  EXPECT_EQ(HeaderValue(requests[0], "x-amz-meta-topic"), "orders");
  EXPECT_EQ(HeaderValue(requests[0], "x-amz-tagging"), "a=b");
  EXPECT_EQ(HeaderValue(requests[0], "x-amz-storage-class"), "GLACIER_IR");
  EXPECT_EQ(HeaderValue(requests[0], "x-amz-server-side-encryption-customer-key-MD5"),
            kCustomerKeyMd5);
  EXPECT_EQ(RequestLine(requests[1]), "PUT /sink/dir/k?partNumber=7&uploadId=up%2F1%2B2 HTTP/1.1");
  EXPECT_EQ(HeaderValue(requests[1], "Content-MD5"), "XUFAKrxLKna5cZ2REBfFkg==");  // MD5("hello")
  EXPECT_EQ(HeaderValue(requests[1], "x-amz-server-side-encryption-customer-key-MD5"),
            kCustomerKeyMd5);
  EXPECT_EQ(HeaderValue(requests[1], "x-amz-storage-class"), "");  // object options: Create only
  EXPECT_EQ(RequestLine(requests[2]), "DELETE /sink/dir/k?uploadId=up%2F1%2B2 HTTP/1.1");

  EXPECT_EQ(store->UploadPart("dir/k", *id, 0, "x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store->UploadPart("dir/k", *id, 10'001, "x").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(S3StoreMultipartTest, CompleteSendsPartsAndIfNoneMatch) {
  ScriptedServer server(
      {ScriptedServer::Response(200, "OK",
                                "<CompleteMultipartUploadResult><Key>k</Key><ETag>\"abc-2\"</ETag>"
                                "</CompleteMultipartUploadResult>")});
  auto store = OpenAt(server.url());
  Result<PutResult> done = store->CompleteMultipartUpload("k", "u1", {{1, "e1", 5}, {2, "e2", 1}},
                                                          PutOptions::Condition::kIfNoneMatch);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->etag, "abc-2");
  const std::string r = server.requests().at(0);
  EXPECT_EQ(RequestLine(r), "POST /sink/k?uploadId=u1 HTTP/1.1");
  EXPECT_EQ(HeaderValue(r, "If-None-Match"), "*");
  EXPECT_EQ(HeaderValue(r, "Content-Type"), "application/xml");
  const std::string body = s3::BuildCompleteMultipartUpload({{1, "e1", 5}, {2, "e2", 1}});
  EXPECT_EQ(HeaderValue(r, "Content-Length"), std::to_string(body.size()));
  EXPECT_EQ(HeaderValue(r, "x-amz-content-sha256"), s3::Sha256Hex(body));

  // Parts out of order, none, or an If-Match condition are refused before sending.
  EXPECT_EQ(store->CompleteMultipartUpload("k", "u1", {{2, "e", 1}, {1, "e", 1}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store->CompleteMultipartUpload("k", "u1", {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(
      store->CompleteMultipartUpload("k", "u1", {{1, "e", 1}}, PutOptions::Condition::kIfMatch)
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(S3StoreMultipartTest, CompleteRetriesAnErrorInA200AndFailsOnAFatalOne) {
  const std::string internal_error_in_200 = ScriptedServer::Response(
      200, "OK",
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code>"
      "<Message>We encountered an internal error.</Message><RequestId>r1</RequestId></Error>");
  {
    ScriptedServer server({internal_error_in_200,
                           ScriptedServer::Response(200, "OK",
                                                    "<CompleteMultipartUploadResult><ETag>\"x-1\""
                                                    "</ETag></CompleteMultipartUploadResult>")});
    auto store = OpenAt(server.url());
    Result<PutResult> done = store->CompleteMultipartUpload("k", "u1", {{1, "e1", 5}});
    ASSERT_TRUE(done.ok()) << done.status().ToString();
    EXPECT_EQ(done->etag, "x-1");
    EXPECT_EQ(server.requests().size(), 2u);
  }
  {
    ScriptedServer server({ScriptedServer::Response(
        200, "OK",
        "<Error><Code>InvalidPart</Code><Message>One or more of the specified parts could not "
        "be found.</Message></Error>")});
    auto store = OpenAt(server.url());
    Result<PutResult> done = store->CompleteMultipartUpload("k", "u1", {{1, "e1", 5}});
    EXPECT_EQ(done.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(done.status().message().find("InvalidPart"), std::string::npos);
    EXPECT_EQ(server.requests().size(), 1u);
  }
}

TEST(S3StoreMultipartTest, UnknownUploadIsNotFoundOrAHeadHint) {
  {
    ScriptedServer server(
        {ScriptedServer::Response(404, "Not Found", "<Error><Code>NoSuchUpload</Code></Error>")});
    auto store = OpenAt(server.url());
    Result<PutResult> done = store->CompleteMultipartUpload("k", "u1", {{1, "e1", 5}});
    EXPECT_EQ(done.status().code(), StatusCode::kNotFound);
    EXPECT_NE(done.status().message().find("no such upload"), std::string::npos);
    EXPECT_EQ(store->AbortMultipartUpload("k", "u1").code(), StatusCode::kNotFound);
  }
  const std::string rgw_500 = ScriptedServer::Response(
      500, "Internal Server Error",
      "<Error><Code>InternalError</Code><Message>This multipart completion is already in "
      "progress</Message></Error>");
  {
    // radosgw: 500 for an unknown upload id. After the retries the store HEADs the key;
    // nothing there: the caller is told to HEAD the key itself later.
    ScriptedServer server(
        {rgw_500, rgw_500, rgw_500, rgw_500, ScriptedServer::Response(404, "Not Found")});
    auto store = OpenAt(server.url());
    Result<PutResult> done =
        store->CompleteMultipartUpload("k", "u1", {{1, "0cc175b9c0f1b6a831c399e269772661", 1}});
    EXPECT_EQ(done.status().code(), StatusCode::kUnavailable);
    EXPECT_NE(done.status().message().find("HEAD the key"), std::string::npos)
        << done.status().message();
    const std::vector<std::string> requests = server.requests();
    ASSERT_EQ(requests.size(), 5u);
    EXPECT_EQ(RequestLine(requests[4]), "HEAD /sink/k HTTP/1.1");
  }
  {
    // ... and when the key holds the object these parts make, the upload had completed.
    const std::vector<PartInfo> parts = {{1, "0cc175b9c0f1b6a831c399e269772661", 1},
                                         {2, "92eb5ffee6ae2fec3ad71c777531578f", 1}};
    ScriptedServer server(
        {rgw_500, rgw_500, rgw_500, rgw_500,
         ScriptedServer::Response(200, "OK", "ab",
                                  "ETag: \"96e024ba2074fe77e8e965ba43a704be-2\"\r\n")});
    auto store = OpenAt(server.url());
    Result<PutResult> done = store->CompleteMultipartUpload("k", "u1", parts);
    ASSERT_TRUE(done.ok()) << done.status().ToString();
    EXPECT_EQ(done->etag, "96e024ba2074fe77e8e965ba43a704be-2");
  }
}

TEST(S3StoreMultipartTest, EmptyEtagInTheResultIsComputedFromTheParts) {
  // radosgw 16.2 answers a first completion with <ETag></ETag>.
  ScriptedServer server({ScriptedServer::Response(
      200, "OK", "<CompleteMultipartUploadResult><ETag></ETag></CompleteMultipartUploadResult>")});
  auto store = OpenAt(server.url());
  Result<PutResult> done = store->CompleteMultipartUpload(
      "k", "u1",
      {{1, "0cc175b9c0f1b6a831c399e269772661", 1}, {2, "92eb5ffee6ae2fec3ad71c777531578f", 1}});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->etag, "96e024ba2074fe77e8e965ba43a704be-2");
}

TEST(S3StoreMultipartTest, ListsFollowPages) {
  ScriptedServer server(
      {ScriptedServer::Response(
           200, "OK",
           "<ListMultipartUploadsResult><IsTruncated>true</IsTruncated>"
           "<NextKeyMarker>b</NextKeyMarker><NextUploadIdMarker>u/2</NextUploadIdMarker>"
           "<Upload><Key>b</Key><UploadId>u/2</UploadId>"
           "<Initiated>2024-01-01T00:00:01Z</Initiated></Upload></ListMultipartUploadsResult>"),
       ScriptedServer::Response(
           200, "OK",
           "<ListMultipartUploadsResult><IsTruncated>false</IsTruncated>"
           "<Upload><Key>a</Key><UploadId>u/1</UploadId></Upload></ListMultipartUploadsResult>"),
       ScriptedServer::Response(
           200, "OK",
           "<ListPartsResult><IsTruncated>true</IsTruncated>"
           "<NextPartNumberMarker>2</NextPartNumberMarker>"
           "<Part><PartNumber>2</PartNumber><ETag>\"e2\"</ETag><Size>1</Size></Part>"
           "</ListPartsResult>"),
       ScriptedServer::Response(
           200, "OK",
           "<ListPartsResult><IsTruncated>false</IsTruncated>"
           "<Part><PartNumber>5</PartNumber><ETag>\"e5\"</ETag><Size>2</Size></Part>"
           "</ListPartsResult>")});
  auto store = OpenAt(server.url());
  Result<std::vector<MultipartUploadInfo>> uploads = store->ListMultipartUploads("pre/");
  ASSERT_TRUE(uploads.ok()) << uploads.status().ToString();
  ASSERT_EQ(uploads->size(), 2u);
  EXPECT_EQ((*uploads)[0].key, "a");  // ascending by key whatever the pages' order
  EXPECT_EQ((*uploads)[1].upload_id, "u/2");
  Result<std::vector<PartInfo>> parts = store->ListParts("k", "u/1");
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].part_number, 2);
  EXPECT_EQ((*parts)[1].etag, "e5");
  const std::vector<std::string> r = server.requests();
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(RequestLine(r[0]), "GET /sink?prefix=pre%2F&uploads= HTTP/1.1");
  EXPECT_EQ(RequestLine(r[1]),
            "GET /sink?key-marker=b&prefix=pre%2F&upload-id-marker=u%2F2&uploads= HTTP/1.1");
  EXPECT_EQ(RequestLine(r[2]), "GET /sink/k?uploadId=u%2F1 HTTP/1.1");
  EXPECT_EQ(RequestLine(r[3]), "GET /sink/k?part-number-marker=2&uploadId=u%2F1 HTTP/1.1");
}

TEST(S3StoreDeleteManyTest, SendsBatchesOfAThousandWithContentMd5) {
  ScriptedServer server({ScriptedServer::Response(
      200, "OK",
      "<DeleteResult><Error><Key>k7</Key><Code>NoSuchKey</Code></Error></DeleteResult>")});
  auto store = OpenAt(server.url());
  std::vector<std::string> keys;
  for (int i = 0; i < 1500; ++i) keys.push_back("k" + std::to_string(i));
  ASSERT_TRUE(store->DeleteMany(keys).ok());
  const std::vector<std::string> r = server.requests();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(RequestLine(r[0]), "POST /sink?delete= HTTP/1.1");
  const std::string first =
      s3::BuildDeleteObjects(std::vector<std::string>(keys.begin(), keys.begin() + 1000));
  const std::string second =
      s3::BuildDeleteObjects(std::vector<std::string>(keys.begin() + 1000, keys.end()));
  EXPECT_EQ(HeaderValue(r[0], "Content-MD5"), s3::Md5Base64(first));
  EXPECT_EQ(HeaderValue(r[1], "Content-MD5"), s3::Md5Base64(second));
  EXPECT_EQ(HeaderValue(r[0], "Content-Type"), "application/xml");
  EXPECT_TRUE(store->DeleteMany({}).ok());
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(S3StoreDeleteManyTest, ReportsTheFirstKeyNotDeleted) {
  ScriptedServer server({ScriptedServer::Response(
      200, "OK",
      "<DeleteResult><Error><Key>locked/a</Key><Code>AccessDenied</Code><Message>Access "
      "Denied</Message></Error><Error><Key>locked/b</Key><Code>AccessDenied</Code></Error>"
      "</DeleteResult>")});
  auto store = OpenAt(server.url());
  Status st = store->DeleteMany({"locked/a", "locked/b", "free"});
  EXPECT_EQ(st.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(st.message().find("'locked/a'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("1 more"), std::string::npos) << st.message();
  EXPECT_EQ(store->DeleteMany({"ok", ""}).code(), StatusCode::kInvalidArgument);
}

TEST(S3StoreTransportTest, SendsThroughTheConfiguredProxyWithCredentials) {
  ScriptedServer proxy({kOk});
  StoreOptions options = Options("http://s3.example.invalid:7480");
  options.proxy_url = proxy.url();
  options.proxy_user = "proxy-user";
  options.proxy_password = "proxy:secret";
  auto store = std::move(OpenS3Store(options)).value();
  ASSERT_TRUE(store->Put("k", "x").ok());
  const std::string r = proxy.requests().at(0);
  // An HTTP proxy gets the absolute URL; the Host header (and the signature) stay S3's.
  EXPECT_EQ(RequestLine(r), "PUT http://s3.example.invalid:7480/sink/k HTTP/1.1");
  EXPECT_EQ(HeaderValue(r, "Host"), "s3.example.invalid:7480");
  EXPECT_EQ(HeaderValue(r, "Proxy-Authorization"),
            "Basic " + Base64Encode("proxy-user:proxy:secret"));
}

TEST(S3StoreWriteOptionsTest, ErrorsNeverShowTheCustomerKey) {
  ScriptedServer server({ScriptedServer::Response(
      400, "Bad Request",
      "<Error><Code>InvalidArgument</Code><Message>bad encryption key</Message></Error>")});
  StoreOptions options = Options(server.url());
  options.sse_customer_key = kCustomerKey;
  auto store = std::move(OpenS3Store(options)).value();
  for (const Status& st : {store->Put("k", "x").status(), store->Get("k").status(),
                           store->CreateMultipartUpload("k", PutOptions{}).status()}) {
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(st.message().find(kCustomerKey), std::string::npos) << st.message();
    EXPECT_EQ(st.message().find(kCustomerKeyMd5), std::string::npos) << st.message();
  }
}

TEST(S3StoreDeleteManyTest, SendsKeysThatFailedRetriablyAgain) {
  ScriptedServer server(
      {ScriptedServer::Response(
           200, "OK",
           "<DeleteResult><Deleted><Key>a</Key></Deleted><Error><Key>b &amp; c</Key>"
           "<Code>InternalError</Code><Message>try again</Message></Error></DeleteResult>"),
       ScriptedServer::Response(200, "OK", "<DeleteResult/>")});
  auto store = OpenAt(server.url());
  ASSERT_TRUE(store->DeleteMany({"a", "b & c"}).ok());
  const std::vector<std::string> r = server.requests();
  ASSERT_EQ(r.size(), 2u);
  // The second request carries only the key that failed.
  EXPECT_EQ(HeaderValue(r[1], "Content-MD5"), s3::Md5Base64(s3::BuildDeleteObjects({"b & c"})));
}

}  // namespace
}  // namespace tributary
