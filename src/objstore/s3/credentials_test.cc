// Tests of the credentials chain. AWS (STS, ECS, IMDS) cannot be reached from the test
// machines, so the network providers are tested against TestHttpResponder, a local HTTP
// server on 127.0.0.1 serving the response shapes AWS documents: the one place where a
// stand-in for a real service is used. Everything else (files, environment, signing) is
// real.
#include "objstore/s3/credentials.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/chrono.h>
#include <gtest/gtest.h>

#include "objstore/s3/sigv4.h"
#include "objstore/s3/test_http_responder.h"

namespace tributary::s3 {
namespace {

using std::chrono::system_clock;
using testing::CannedResponse;
using testing::RecordedRequest;
using testing::TestHttpResponder;
using namespace std::chrono_literals;

// Every variable the chain reads: each test starts with all of them unset (except HOME,
// pointed at an empty temp dir, and IMDS disabled) and gets the originals back after.
constexpr const char* kChainVariables[] = {"AWS_ACCESS_KEY_ID",
                                           "AWS_SECRET_ACCESS_KEY",
                                           "AWS_SESSION_TOKEN",
                                           "AWS_WEB_IDENTITY_TOKEN_FILE",
                                           "AWS_ROLE_ARN",
                                           "AWS_ROLE_SESSION_NAME",
                                           "AWS_SHARED_CREDENTIALS_FILE",
                                           "AWS_CONFIG_FILE",
                                           "AWS_PROFILE",
                                           "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                           "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                           "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                                           "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                                           "AWS_EC2_METADATA_DISABLED",
                                           "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                           "AWS_ENDPOINT_URL_STS",
                                           "AWS_REGION",
                                           "AWS_DEFAULT_REGION",
                                           "HOME"};

std::string IsoTime(system_clock::time_point t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::floor<std::chrono::seconds>(t));
}

std::string StsResponse(const std::string& action, const std::string& id, const std::string& secret,
                        const std::string& token, system_clock::time_point expiration) {
  return fmt::format(
      "<{0}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
      "  <{0}Result>\n"
      "    <Credentials>\n"
      "      <AccessKeyId>{1}</AccessKeyId>\n"
      "      <SecretAccessKey>{2}</SecretAccessKey>\n"
      "      <SessionToken>{3}</SessionToken>\n"
      "      <Expiration>{4}</Expiration>\n"
      "    </Credentials>\n"
      "    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>"
      "<AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>\n"
      "  </{0}Result>\n"
      "  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>"
      "</ResponseMetadata>\n"
      "</{0}Response>\n",
      action, id, secret, token, IsoTime(expiration));
}

std::string JsonCredentials(const std::string& id, const std::string& secret,
                            const std::string& token, system_clock::time_point expiration) {
  return fmt::format(
      R"({{"Code": "Success", "LastUpdated": "{4}", "Type": "AWS-HMAC", "AccessKeyId": "{0}", )"
      R"("SecretAccessKey": "{1}", "Token": "{2}", "Expiration": "{3}"}})",
      id, secret, token, IsoTime(expiration), IsoTime(system_clock::now()));
}

// The x-amz-date header back as a time.
system_clock::time_point ParseAmzDate(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  EXPECT_EQ(std::sscanf(s.c_str(), "%4d%2d%2dT%2d%2d%2dZ", &y, &mo, &d, &h, &mi, &sec), 6) << s;
  return std::chrono::sys_days(std::chrono::year(y) / mo / d) + std::chrono::hours(h) +
         std::chrono::minutes(mi) + std::chrono::seconds(sec);
}

// Checks that `request` (a form-encoded POST to STS) carries a valid SigV4 signature for
// service sts in `region` made with `credentials`, by signing it again independently.
void ExpectSignedForSts(const RecordedRequest& request, const Credentials& credentials,
                        const std::string& region) {
  const std::string authorization = request.Header("authorization");
  const std::string amz_date = request.Header("x-amz-date");
  ASSERT_FALSE(amz_date.empty());
  EXPECT_EQ(
      authorization.rfind(fmt::format("AWS4-HMAC-SHA256 Credential={}/{}/{}/sts/aws4_request,",
                                      credentials.access_key_id, amz_date.substr(0, 8), region),
                          0),
      0u)
      << authorization;
  SigningInput input;
  input.method = request.method;
  input.path = request.target;
  input.headers = {{"Host", request.Header("host")},
                   {"Content-Type", request.Header("content-type")}};
  input.payload_sha256 = Sha256Hex(request.body);
  EXPECT_EQ(request.Header("x-amz-content-sha256"), input.payload_sha256);
  const SigningResult expected =
      SignV4(input, credentials, region, ParseAmzDate(amz_date), kStsService);
  EXPECT_EQ(authorization, expected.headers.back().second);
}

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kChainVariables) {
      const char* value = std::getenv(name);
      saved_.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
      unsetenv(name);
    }
    char dir_template[] = "/tmp/credentials_test.XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    setenv("HOME", dir_.c_str(), 1);
    // Never wait for 169.254.169.254 unless a test points IMDS at a responder.
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
  }

  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
    std::filesystem::remove_all(dir_);
  }

  // Writes `text` to `name` under the temp dir and returns the path.
  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << text;
    return path;
  }

  static std::shared_ptr<CredentialsProvider> Chain(const CredentialsOptions& options = {}) {
    auto chain = MakeDefaultCredentialsChain(options);
    EXPECT_TRUE(chain.ok()) << chain.status().ToString();
    return chain.ok() ? *chain : nullptr;
  }

  std::string dir_;
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST_F(CredentialsTest, EnvironmentVariablesAreUsed) {
  setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
  setenv("AWS_SESSION_TOKEN", "env-token", 1);
  auto chain = Chain();
  auto creds = chain->Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIDENV");
  EXPECT_EQ(creds->secret_access_key, "env-secret");
  EXPECT_EQ(creds->session_token, "env-token");
  EXPECT_NE(chain->Describe().find("environment"), std::string::npos);
}

TEST_F(CredentialsTest, StaticKeysFromConfigBeatEnvironment) {
  setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
  CredentialsOptions options;
  options.access_key_id = "AKIDSTATIC";
  options.secret_access_key = "static-secret";
  auto creds = Chain(options)->Get();
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->access_key_id, "AKIDSTATIC");
  EXPECT_EQ(creds->session_token, "");
}

TEST_F(CredentialsTest, HalfSetStaticKeysAreRejectedAtConstruction) {
  CredentialsOptions options;
  options.access_key_id = "AKIDSTATIC";
  auto chain = MakeDefaultCredentialsChain(options);
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(chain.status().message().find("aws.secret.access.key"), std::string::npos);
}

TEST_F(CredentialsTest, EnvironmentBeatsSharedFile) {
  WriteFile(".aws/credentials",
            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n");
  setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
  auto creds = Chain()->Get();
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->access_key_id, "AKIDENV");

  unsetenv("AWS_ACCESS_KEY_ID");
  unsetenv("AWS_SECRET_ACCESS_KEY");
  auto chain = Chain();
  creds = chain->Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIDFILE");
  EXPECT_NE(chain->Describe().find("profile 'default'"), std::string::npos) << chain->Describe();
}

TEST_F(CredentialsTest, SharedFilesProfileFromAwsProfileAndCustomPaths) {
  const std::string creds_path =
      WriteFile("elsewhere/creds",
                "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n"
                "[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = s2\n"
                "aws_session_token = prod-token\n");
  const std::string config_path =
      WriteFile("elsewhere/config",
                "[profile cfgonly]\naws_access_key_id = AKIDCFG\naws_secret_access_key = s3\n");
  setenv("AWS_SHARED_CREDENTIALS_FILE", creds_path.c_str(), 1);
  setenv("AWS_CONFIG_FILE", config_path.c_str(), 1);

  setenv("AWS_PROFILE", "prod", 1);
  auto creds = Chain()->Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIDPROD");
  EXPECT_EQ(creds->session_token, "prod-token");

  setenv("AWS_PROFILE", "cfgonly", 1);  // "[profile name]" in the config file
  creds = Chain()->Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIDCFG");

  setenv("AWS_PROFILE", "missing", 1);  // asked for by name: an error, not a skip
  creds = Chain()->Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_NE(creds.status().message().find("profile 'missing'"), std::string::npos);
}

TEST_F(CredentialsTest, ProfileWithRoleArnAssumesRoleSignedWithSourceProfileKeys) {
  const auto expiration = system_clock::now() + 1h;
  TestHttpResponder sts([&](const RecordedRequest&) {
    return CannedResponse{
        200, StsResponse("AssumeRole", "ASIAROLE", "role-secret", "role-token", expiration)};
  });
  WriteFile(".aws/credentials",
            "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
  WriteFile(".aws/config",
            "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\n"
            "source_profile = base\nexternal_id = ext-123\nrole_session_name = ops-session\n");
  setenv("AWS_PROFILE", "ops", 1);
  setenv("AWS_ENDPOINT_URL_STS", sts.url().c_str(), 1);
  CredentialsOptions options;
  options.region = "eu-west-1";
  auto chain = Chain(options);

  auto creds = chain->Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAROLE");
  EXPECT_EQ(creds->secret_access_key, "role-secret");
  EXPECT_EQ(creds->session_token, "role-token");
  EXPECT_NE(chain->Describe().find("arn:aws:iam::123456789012:role/ops"), std::string::npos);

  auto requests = sts.requests();
  ASSERT_EQ(requests.size(), 1u);
  const RecordedRequest& request = requests[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/");
  for (const char* param :
       {"Action=AssumeRole", "Version=2011-06-15",
        "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fops", "ExternalId=ext-123",
        "RoleSessionName=ops-session", "DurationSeconds=3600"}) {
    EXPECT_NE(request.body.find(param), std::string::npos) << param << " in " << request.body;
  }
  ExpectSignedForSts(request, Credentials{"AKIDBASE", "base-secret", ""}, "eu-west-1");
  EXPECT_EQ(request.Header("x-amz-security-token"), "");  // long-term source keys

  // Valid for an hour: served from the cache.
  creds = chain->Get();
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(sts.requests().size(), 1u);
}

TEST_F(CredentialsTest, RoleArnOptionAssumesRoleOnTopOfTheChain) {
  TestHttpResponder sts([&](const RecordedRequest&) {
    return CannedResponse{200, StsResponse("AssumeRole", "ASIAOPT", "opt-secret", "opt-token",
                                           system_clock::now() + 1h)};
  });
  setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
  setenv("AWS_SESSION_TOKEN", "env-token", 1);
  CredentialsOptions options;
  options.role_arn = "arn:aws:iam::123456789012:role/sink";
  options.external_id = "tenant-7";
  options.region = "us-west-2";
  options.sts_region = "eu-central-1";
  options.sts_endpoint = sts.url();
  auto creds = Chain(options)->Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAOPT");
  auto requests = sts.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].body.find("ExternalId=tenant-7"), std::string::npos);
  EXPECT_NE(requests[0].body.find("RoleSessionName=tributary-"), std::string::npos);
  EXPECT_EQ(requests[0].Header("x-amz-security-token"), "env-token");
  ExpectSignedForSts(requests[0], Credentials{"AKIDENV", "env-secret", "env-token"},
                     "eu-central-1");
}

TEST_F(CredentialsTest, WebIdentitySendsTokenFileContentUnsigned) {
  TestHttpResponder sts([&](const RecordedRequest&) {
    return CannedResponse{200, StsResponse("AssumeRoleWithWebIdentity", "ASIAWEB", "web-secret",
                                           "web-token", system_clock::now() + 1h)};
  });
  const std::string token_file = WriteFile("token", "eyJhbGciOiJSUzI1NiJ9.web-id-token.sig\n");
  setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token_file.c_str(), 1);
  setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web", 1);
  setenv("AWS_ROLE_SESSION_NAME", "web-session", 1);
  setenv("AWS_ENDPOINT_URL_STS", sts.url().c_str(), 1);
  // Lower in the chain: must not be used.
  WriteFile(".aws/credentials",
            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n");

  auto chain = Chain();
  auto creds = chain->Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAWEB");
  EXPECT_EQ(creds->session_token, "web-token");
  EXPECT_NE(chain->Describe().find("web identity"), std::string::npos);

  auto requests = sts.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  for (const char* param :
       {"Action=AssumeRoleWithWebIdentity", "Version=2011-06-15",
        "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fweb", "RoleSessionName=web-session",
        "WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.web-id-token.sig"}) {
    EXPECT_NE(requests[0].body.find(param), std::string::npos)
        << param << " in " << requests[0].body;
  }
  EXPECT_EQ(requests[0].Header("authorization"), "");
  EXPECT_EQ(requests[0].Header("x-amz-date"), "");
}

TEST_F(CredentialsTest, ContainerFullUriSendsTokenFromFile) {
  TestHttpResponder endpoint([&](const RecordedRequest& request) {
    if (request.target != "/v1/credentials") return CannedResponse{404, ""};
    return CannedResponse{
        200, JsonCredentials("ASIAPOD", "pod-secret", "pod-token", system_clock::now() + 1h)};
  });
  const std::string token_file = WriteFile("eks-token", "pod-identity-token-xyz\n");
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", (endpoint.url() + "/v1/credentials").c_str(), 1);
  setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file.c_str(), 1);
  setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "variable-token", 1);  // the file wins

  auto chain = Chain();
  auto creds = chain->Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAPOD");
  EXPECT_EQ(creds->secret_access_key, "pod-secret");
  EXPECT_EQ(creds->session_token, "pod-token");
  auto requests = endpoint.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].Header("authorization"), "pod-identity-token-xyz");
}

TEST_F(CredentialsTest, ContainerFullUriOnAForeignHttpHostIsRefused) {
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://203.0.113.9/creds", 1);
  auto creds = Chain()->Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(creds.status().message().find("AWS_CONTAINER_CREDENTIALS_FULL_URI"), std::string::npos);
}

TEST_F(CredentialsTest, Imdsv2PutsForATokenThenSendsItOnEachGet) {
  TestHttpResponder imds([&](const RecordedRequest& request) {
    if (request.method == "PUT" && request.target == "/latest/api/token") {
      if (request.Header("x-aws-ec2-metadata-token-ttl-seconds").empty()) {
        return CannedResponse{400, ""};
      }
      return CannedResponse{200, "imds-session-token"};
    }
    if (request.Header("x-aws-ec2-metadata-token") != "imds-session-token") {
      return CannedResponse{401, ""};
    }
    if (request.target == "/latest/meta-data/iam/security-credentials/") {
      return CannedResponse{200, "instance-role\n"};
    }
    if (request.target == "/latest/meta-data/iam/security-credentials/instance-role") {
      return CannedResponse{
          200, JsonCredentials("ASIAEC2", "ec2-secret", "ec2-token", system_clock::now() + 6h)};
    }
    return CannedResponse{404, ""};
  });
  unsetenv("AWS_EC2_METADATA_DISABLED");
  setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url().c_str(), 1);

  auto chain = Chain();
  auto creds = chain->Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAEC2");
  EXPECT_EQ(creds->session_token, "ec2-token");
  EXPECT_NE(chain->Describe().find("EC2 instance metadata"), std::string::npos);

  auto requests = imds.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].Header("x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(requests[i].method, "GET");
    EXPECT_EQ(requests[i].Header("x-aws-ec2-metadata-token"), "imds-session-token");
  }
}

TEST_F(CredentialsTest, UnreachableImdsIsSkippedAndTheErrorListsEverySource) {
  // A port nothing listens on: connection refused at once, like a machine off EC2.
  int port = 0;
  {
    TestHttpResponder closed([](const RecordedRequest&) { return CannedResponse{}; });
    port = std::stoi(closed.url().substr(closed.url().rfind(':') + 1));
  }
  unsetenv("AWS_EC2_METADATA_DISABLED");
  setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", fmt::format("http://127.0.0.1:{}", port).c_str(), 1);

  auto creds = Chain()->Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.status().code(), StatusCode::kInvalidArgument);
  const std::string& message = creds.status().message();
  for (const char* expected :
       {"aws.access.key.id", "aws.secret.access.key", "AWS_ACCESS_KEY_ID", "web identity",
        "shared files", "container endpoint", "not reachable"}) {
    EXPECT_NE(message.find(expected), std::string::npos) << expected << " in " << message;
  }
}

TEST_F(CredentialsTest, RefreshesWhenLessThanFiveMinutesRemainAndCachesOtherwise) {
  std::atomic<int> served{0};
  std::atomic<int> lifetime_minutes{2};
  TestHttpResponder endpoint([&](const RecordedRequest&) {
    const int n = ++served;
    return CannedResponse{
        200, JsonCredentials(fmt::format("ASIA{}", n), "secret", "token",
                             system_clock::now() + std::chrono::minutes(lifetime_minutes))};
  });
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", (endpoint.url() + "/creds").c_str(), 1);
  auto chain = Chain();

  auto creds = chain->Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIA1");
  // Two minutes left (< 5): the next Get() fetches again.
  lifetime_minutes = 60;
  creds = chain->Get();
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->access_key_id, "ASIA2");
  EXPECT_EQ(served, 2);
  // An hour left: cached.
  creds = chain->Get();
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->access_key_id, "ASIA2");
  EXPECT_EQ(served, 2);
}

TEST_F(CredentialsTest, FailedRefreshKeepsStillValidCredentials) {
  std::atomic<int> served{0};
  TestHttpResponder endpoint([&](const RecordedRequest&) {
    if (++served == 1) {
      return CannedResponse{
          200, JsonCredentials("ASIAOLD", "secret", "token", system_clock::now() + 2min)};
    }
    return CannedResponse{500, R"({"code": "InternalError", "message": "try later"})"};
  });
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", (endpoint.url() + "/creds").c_str(), 1);
  auto chain = Chain();
  ASSERT_TRUE(chain->Get().ok());
  auto creds = chain->Get();  // refresh fails (after retries): the old ones still work
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAOLD");
  const int after_failure = served;
  EXPECT_GT(after_failure, 1);
  creds = chain->Get();  // within the retry delay: no new attempt
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(served, after_failure);
}

TEST_F(CredentialsTest, ConcurrentCallersDuringARefreshUseTheCachedCredentials) {
  std::atomic<int> served{0};
  TestHttpResponder endpoint([&](const RecordedRequest&) {
    const int n = ++served;
    if (n > 1) std::this_thread::sleep_for(300ms);  // a slow refresh
    return CannedResponse{200, JsonCredentials(fmt::format("ASIA{}", n), "secret", "token",
                                               system_clock::now() + (n == 1 ? 2min : 1h))};
  });
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", (endpoint.url() + "/creds").c_str(), 1);
  auto chain = Chain();
  ASSERT_TRUE(chain->Get().ok());

  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      auto creds = chain->Get();
      if (creds.ok() && (creds->access_key_id == "ASIA1" || creds->access_key_id == "ASIA2")) {
        ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 6);
  EXPECT_EQ(served, 2);  // one refresh, however many callers wanted one
  EXPECT_EQ(chain->Get()->access_key_id, "ASIA2");
}

TEST_F(CredentialsTest, ConcurrentCallersWaitForTheRefreshOfExpiredCredentials) {
  std::atomic<int> served{0};
  TestHttpResponder endpoint([&](const RecordedRequest&) {
    const int n = ++served;
    if (n > 1) std::this_thread::sleep_for(300ms);
    return CannedResponse{200, JsonCredentials(fmt::format("ASIA{}", n), "secret", "token",
                                               system_clock::now() + (n == 1 ? 1s : 1h))};
  });
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", (endpoint.url() + "/creds").c_str(), 1);
  auto chain = Chain();
  ASSERT_TRUE(chain->Get().ok());
  std::this_thread::sleep_for(1100ms);  // ASIA1 has expired now

  std::vector<std::thread> threads;
  std::atomic<int> got_new{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      auto creds = chain->Get();
      if (creds.ok() && creds->access_key_id == "ASIA2") ++got_new;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(got_new, 6);  // nobody was handed the expired ASIA1
  EXPECT_EQ(served, 2);
}

TEST_F(CredentialsTest, FailingConfiguredProviderStopsTheChainNamingItWithoutSecrets) {
  TestHttpResponder sts([&](const RecordedRequest&) {
    return CannedResponse{
        403,
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
        "<Type>Sender</Type><Code>AccessDenied</Code><Message>Not authorized to perform "
        "sts:AssumeRoleWithWebIdentity</Message></Error><RequestId>r-1</RequestId>"
        "</ErrorResponse>"};
  });
  const std::string token_file = WriteFile("token", "SECRET-WEB-IDENTITY-TOKEN");
  setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token_file.c_str(), 1);
  setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web", 1);
  setenv("AWS_ENDPOINT_URL_STS", sts.url().c_str(), 1);
  // A later source that would work: the chain must not fall through to it.
  WriteFile(".aws/credentials",
            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = SECRET-FILE-KEY\n");

  auto creds = Chain()->Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.status().code(), StatusCode::kPermissionDenied);
  const std::string& message = creds.status().message();
  EXPECT_NE(message.find("web identity"), std::string::npos) << message;
  EXPECT_NE(message.find("AccessDenied"), std::string::npos) << message;
  EXPECT_EQ(message.find("SECRET-WEB-IDENTITY-TOKEN"), std::string::npos) << message;
  EXPECT_EQ(message.find("SECRET-FILE-KEY"), std::string::npos) << message;

  // The same for an AssumeRole signed with a source profile's secret.
  unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
  WriteFile(".aws/credentials",
            "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = SECRET-BASE-KEY\n"
            "aws_session_token = SECRET-BASE-TOKEN\n");
  WriteFile(".aws/config", "[default]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\n");
  creds = Chain()->Get();
  ASSERT_FALSE(creds.ok());
  const std::string& message2 = creds.status().message();
  EXPECT_NE(message2.find("assume role arn:aws:iam::1:role/x"), std::string::npos) << message2;
  EXPECT_EQ(message2.find("SECRET-BASE-KEY"), std::string::npos) << message2;
  EXPECT_EQ(message2.find("SECRET-BASE-TOKEN"), std::string::npos) << message2;
}

TEST_F(CredentialsTest, HalfSetEnvironmentIsAnErrorNamingTheMissingVariable) {
  setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
  WriteFile(".aws/credentials",
            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n");
  auto creds = Chain()->Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(creds.status().message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
}

TEST_F(CredentialsTest, NothingConfiguredListsSourcesAndSkipsDisabledImds) {
  WriteFile(".aws/config", "[default]\nregion = eu-west-1\n");  // a profile without keys
  auto creds = Chain()->Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_EQ(creds.status().code(), StatusCode::kInvalidArgument);
  const std::string& message = creds.status().message();
  for (const char* expected :
       {"aws.access.key.id", "aws.secret.access.key", "has no aws_access_key_id or role_arn",
        "AWS_EC2_METADATA_DISABLED"}) {
    EXPECT_NE(message.find(expected), std::string::npos) << expected << " in " << message;
  }
}

TEST_F(CredentialsTest, ChainedProfilesAndCredentialSourceEnvironment) {
  std::atomic<int> served{0};
  TestHttpResponder sts([&](const RecordedRequest&) {
    const int n = ++served;
    return CannedResponse{
        200, StsResponse("AssumeRole", fmt::format("ASIAHOP{}", n), fmt::format("hop-secret-{}", n),
                         fmt::format("hop-token-{}", n), system_clock::now() + 1h)};
  });
  setenv("AWS_ENDPOINT_URL_STS", sts.url().c_str(), 1);
  WriteFile(".aws/credentials",
            "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
  WriteFile(".aws/config",
            "[profile middle]\nrole_arn = arn:aws:iam::1:role/middle\nsource_profile = base\n"
            "[profile top]\nrole_arn = arn:aws:iam::2:role/top\nsource_profile = middle\n"
            "region = ap-south-1\n"
            "[profile fromenv]\nrole_arn = arn:aws:iam::3:role/env\n"
            "credential_source = Environment\n");

  // top <- middle <- base: two AssumeRole calls, the second signed with the first's result.
  setenv("AWS_PROFILE", "top", 1);
  auto creds = Chain()->Get();
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAHOP2");
  auto requests = sts.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[0].body.find("role%2Fmiddle"), std::string::npos);
  ExpectSignedForSts(requests[0], Credentials{"AKIDBASE", "base-secret", ""}, "ap-south-1");
  EXPECT_NE(requests[1].body.find("role%2Ftop"), std::string::npos);
  ExpectSignedForSts(requests[1], Credentials{"ASIAHOP1", "hop-secret-1", "hop-token-1"},
                     "ap-south-1");

  // credential_source = Environment without the variables: an error naming both.
  setenv("AWS_PROFILE", "fromenv", 1);
  creds = Chain()->Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_NE(creds.status().message().find("credential_source Environment"), std::string::npos)
      << creds.status().message();
  EXPECT_NE(creds.status().message().find("profile 'fromenv'"), std::string::npos);
}

TEST_F(CredentialsTest, UnreadableTokenFileNamesTheProvider) {
  setenv("AWS_WEB_IDENTITY_TOKEN_FILE", (dir_ + "/no-such-token").c_str(), 1);
  setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web", 1);
  auto creds = Chain()->Get();
  ASSERT_FALSE(creds.ok());
  EXPECT_NE(creds.status().message().find("web identity"), std::string::npos);
  EXPECT_NE(creds.status().message().find("no-such-token"), std::string::npos);
}

}  // namespace
}  // namespace tributary::s3
