#include "objstore/s3/sigv4.h"

#include <chrono>

#include <gtest/gtest.h>

namespace tributary::s3 {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

// The example credentials, date and bucket of the S3 API reference page "Authenticating
// Requests: Using the Authorization Header (AWS Signature Version 4)", section "Examples:
// Signature Calculations". The expected values below are that page's.
const Credentials kExampleCredentials{"AKIAIOSFODNN7EXAMPLE",
                                      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr std::string_view kExampleRegion = "us-east-1";
constexpr std::string_view kExampleHost = "examplebucket.s3.amazonaws.com";
const std::chrono::system_clock::time_point kExampleTime =
    sys_days{std::chrono::year{2013} / 5 / 24};

std::string LastLine(const std::string& s) { return s.substr(s.rfind('\n') + 1); }

TEST(SigV4Test, AwsExampleGetObjectWithRange) {
  SigningInput input;
  input.method = "GET";
  input.path = "/test.txt";
  input.headers = {{"Host", std::string(kExampleHost)}, {"Range", "bytes=0-9"}};
  input.payload_sha256 = std::string(kEmptyPayloadSha256);
  const SigningResult result = SignV4(input, kExampleCredentials, kExampleRegion, kExampleTime);

  EXPECT_EQ(
      result.canonical_request,
      "GET\n"
      "/test.txt\n"
      "\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "range:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n"
      "\n"
      "host;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(result.string_to_sign,
            "AWS4-HMAC-SHA256\n"
            "20130524T000000Z\n"
            "20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(result.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");

  const std::vector<NameValue> expected_headers = {
      {"x-amz-date", "20130524T000000Z"},
      {"x-amz-content-sha256", std::string(kEmptyPayloadSha256)},
      {"Authorization",
       "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
       "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
       "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"}};
  EXPECT_EQ(result.headers, expected_headers);
}

TEST(SigV4Test, AwsExamplePutObjectWithBodyAndReservedCharacterInKey) {
  const std::string body = "Welcome to Amazon S3.";
  SigningInput input;
  input.method = "PUT";
  input.path = "/test$file.text";
  input.headers = {{"Host", std::string(kExampleHost)},
                   {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                   {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  input.payload_sha256 = Sha256Hex(body);
  ASSERT_EQ(input.payload_sha256,
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  const SigningResult result = SignV4(input, kExampleCredentials, kExampleRegion, kExampleTime);

  EXPECT_EQ(
      result.canonical_request,
      "PUT\n"
      "/test%24file.text\n"
      "\n"
      "date:Fri, 24 May 2013 00:00:00 GMT\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072\n"
      "x-amz-date:20130524T000000Z\n"
      "x-amz-storage-class:REDUCED_REDUNDANCY\n"
      "\n"
      "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n"
      "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(LastLine(result.string_to_sign),
            "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  EXPECT_EQ(result.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4Test, AwsExampleGetBucketLifecycleWithValuelessParameter) {
  SigningInput input;
  input.method = "GET";
  input.path = "/";
  input.query = {{"lifecycle", ""}};
  input.headers = {{"Host", std::string(kExampleHost)}};
  input.payload_sha256 = std::string(kEmptyPayloadSha256);
  const SigningResult result = SignV4(input, kExampleCredentials, kExampleRegion, kExampleTime);

  EXPECT_EQ(result.canonical_request.substr(0, result.canonical_request.find("host:")),
            "GET\n/\nlifecycle=\n");
  EXPECT_EQ(LastLine(result.string_to_sign),
            "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca");
  EXPECT_EQ(result.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4Test, AwsExampleListObjectsSortsQueryParameters) {
  SigningInput input;
  input.method = "GET";
  input.path = "";                                     // the bucket root, canonically "/"
  input.query = {{"prefix", "J"}, {"max-keys", "2"}};  // deliberately unsorted
  input.headers = {{"Host", std::string(kExampleHost)}};
  input.payload_sha256 = std::string(kEmptyPayloadSha256);
  const SigningResult result = SignV4(input, kExampleCredentials, kExampleRegion, kExampleTime);

  EXPECT_EQ(
      result.canonical_request,
      "GET\n"
      "/\n"
      "max-keys=2&prefix=J\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n"
      "\n"
      "host;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(LastLine(result.string_to_sign),
            "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
  EXPECT_EQ(result.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4Test, SigningKeyDerivationMatchesAwsExample) {
  // The derived key for 20130524/us-east-1/s3 with the example secret, as published with
  // the list-objects example.
  std::string key = HmacSha256("AWS4" + kExampleCredentials.secret_access_key, "20130524");
  key = HmacSha256(key, "us-east-1");
  key = HmacSha256(key, "s3");
  key = HmacSha256(key, "aws4_request");
  EXPECT_EQ(HexEncode(key), "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378");
}

TEST(SigV4Test, DeriveSigningKeyMatchesAwsExampleForAnotherService) {
  // AWS General Reference, "Examples of how to derive a signing key for Signature
  // Version 4": secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20120215, us-east-1, iam.
  EXPECT_EQ(HexEncode(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215",
                                       "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  // And the S3 key of the test above, through the same function.
  EXPECT_EQ(HexEncode(DeriveSigningKey(kExampleCredentials.secret_access_key, "20130524",
                                       "us-east-1", kS3Service)),
            "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378");
}

TEST(SigV4Test, ServiceNameGoesIntoScopeAndSigningKey) {
  SigningInput input;
  input.method = "POST";
  input.path = "/";
  input.headers = {{"Host", "sts.eu-west-1.amazonaws.com"},
                   {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  const std::string body = "Action=AssumeRole&Version=2011-06-15";
  input.payload_sha256 = Sha256Hex(body);
  const SigningResult sts =
      SignV4(input, kExampleCredentials, "eu-west-1", kExampleTime, kStsService);
  const SigningResult s3_default = SignV4(input, kExampleCredentials, "eu-west-1", kExampleTime);
  const SigningResult s3 =
      SignV4(input, kExampleCredentials, "eu-west-1", kExampleTime, kS3Service);

  EXPECT_EQ(s3_default.signature, s3.signature);  // the default service is S3
  EXPECT_NE(sts.signature, s3.signature);
  EXPECT_EQ(sts.canonical_request, s3.canonical_request);  // only scope and key differ
  EXPECT_NE(sts.string_to_sign.find("\n20130524/eu-west-1/sts/aws4_request\n"), std::string::npos);
  const std::string key =
      DeriveSigningKey(kExampleCredentials.secret_access_key, "20130524", "eu-west-1", "sts");
  EXPECT_EQ(sts.signature, HexEncode(HmacSha256(key, sts.string_to_sign)));
  EXPECT_NE(sts.headers.back().second.find(
                "Credential=AKIAIOSFODNN7EXAMPLE/20130524/eu-west-1/sts/aws4_request,"),
            std::string::npos);
}

TEST(SigV4Test, Sha256OfEmptyAndKnownInputs) {
  EXPECT_EQ(Sha256Hex(""), kEmptyPayloadSha256);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SigV4Test, UriEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UriEncode("AZaz09-_.~", false), "AZaz09-_.~");
  EXPECT_EQ(UriEncode("a b", false), "a%20b");  // never '+'
  EXPECT_EQ(UriEncode("a+b=c&d", false), "a%2Bb%3Dc%26d");
  EXPECT_EQ(UriEncode("!'()*$,;:@?#[]%", false), "%21%27%28%29%2A%24%2C%3B%3A%40%3F%23%5B%5D%25");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(UriEncode("a/b", true), "a/b");
  // UTF-8, byte by byte, uppercase hex: "é" is C3 A9, "日本" is E6 97 A5 E6 9C AC.
  EXPECT_EQ(UriEncode("caf\xc3\xa9", false), "caf%C3%A9");
  EXPECT_EQ(UriEncode("\xe6\x97\xa5\xe6\x9c\xac", true), "%E6%97%A5%E6%9C%AC");
  EXPECT_EQ(UriEncode(std::string_view("\x00\x7f\xff", 3), false), "%00%7F%FF");
}

TEST(SigV4Test, CanonicalUriEncodesKeySegmentsOnceAndKeepsSlashes) {
  EXPECT_EQ(CanonicalUri(""), "/");
  EXPECT_EQ(CanonicalUri("/"), "/");
  EXPECT_EQ(CanonicalUri("/bucket/topics/orders/partition=0/orders+0+0000000000.json"),
            "/bucket/topics/orders/partition%3D0/orders%2B0%2B0000000000.json");
  EXPECT_EQ(CanonicalUri("/bucket/my key with spaces.txt"), "/bucket/my%20key%20with%20spaces.txt");
  EXPECT_EQ(CanonicalUri("/bucket/\xc3\xbc"
                         "ber/\xe2\x82\xac"),
            "/bucket/%C3%BCber/%E2%82%AC");
  // Encoded once: a literal '%' in a key becomes %25, not left as an escape.
  EXPECT_EQ(CanonicalUri("/bucket/100%25"), "/bucket/100%2525");
  // S3 does not normalise paths: empty and dot segments are part of the key.
  EXPECT_EQ(CanonicalUri("/bucket/a//b/./c/../d"), "/bucket/a//b/./c/../d");
  EXPECT_EQ(CanonicalUri("bucket/k"), "/bucket/k");
}

TEST(SigV4Test, CanonicalQueryStringSortsByEncodedNameThenValue) {
  EXPECT_EQ(CanonicalQueryString({}), "");
  EXPECT_EQ(CanonicalQueryString({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(CanonicalQueryString({{"list-type", "2"},
                                  {"prefix", "topics/a b+c"},
                                  {"delimiter", "/"},
                                  {"continuation-token", "1/ab+c=="}}),
            "continuation-token=1%2Fab%2Bc%3D%3D&delimiter=%2F&list-type=2&"
            "prefix=topics%2Fa%20b%2Bc");
  // Same name: ordered by value. Upper case sorts before lower case (byte order).
  EXPECT_EQ(CanonicalQueryString({{"b", "2"}, {"b", "1"}, {"B", "x"}, {"a", ""}}),
            "B=x&a=&b=1&b=2");
  EXPECT_EQ(CanonicalQueryString({{"start-after", "k\xc3\xa9y"}}), "start-after=k%C3%A9y");
}

TEST(SigV4Test, FormatsDatesInUtcBasicForm) {
  EXPECT_EQ(FormatAmzDate(kExampleTime), "20130524T000000Z");
  EXPECT_EQ(FormatDateStamp(kExampleTime), "20130524");
  const auto leap = sys_days{std::chrono::year{2000} / 2 / 29} + 23h + 59min + 59s + 999ms;
  EXPECT_EQ(FormatAmzDate(leap), "20000229T235959Z");
}

TEST(SigV4Test, HeaderValuesAreTrimmedAndNamesLowercasedAndSorted) {
  SigningInput input;
  input.method = "PUT";
  input.path = "/bucket/key";
  input.headers = {{"Host", "127.0.0.1:7480"},
                   {"X-Amz-Meta-Note", "  two   spaces\tand tab  "},
                   {"Content-Type", "text/plain"},
                   {"If-None-Match", "*"}};
  input.payload_sha256 = std::string(kEmptyPayloadSha256);
  const SigningResult result = SignV4(input, kExampleCredentials, kExampleRegion, kExampleTime);
  EXPECT_EQ(result.signed_headers,
            "content-type;host;if-none-match;x-amz-content-sha256;x-amz-date;x-amz-meta-note");
  EXPECT_NE(result.canonical_request.find("\nx-amz-meta-note:two spaces and tab\n"),
            std::string::npos)
      << result.canonical_request;
  EXPECT_NE(result.canonical_request.find("\nhost:127.0.0.1:7480\n"), std::string::npos);
}

TEST(SigV4Test, SessionTokenIsSentAndSignedAndCallerDateIsIgnored) {
  Credentials temporary = kExampleCredentials;
  temporary.session_token = "token/with+chars=";
  SigningInput input;
  input.method = "GET";
  input.path = "/bucket/key";
  input.headers = {{"Host", "s3.example.test"}, {"X-Amz-Date", "19990101T000000Z"}};
  input.payload_sha256 = std::string(kEmptyPayloadSha256);
  const SigningResult with_token = SignV4(input, temporary, kExampleRegion, kExampleTime);
  const SigningResult without = SignV4(input, kExampleCredentials, kExampleRegion, kExampleTime);

  EXPECT_EQ(with_token.signed_headers, "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
  EXPECT_EQ(without.signed_headers, "host;x-amz-content-sha256;x-amz-date");
  EXPECT_NE(with_token.signature, without.signature);
  EXPECT_EQ(with_token.canonical_request.find("19990101"), std::string::npos);
  bool sent = false;
  for (const auto& [name, value] : with_token.headers) {
    if (name == "x-amz-security-token") sent = value == temporary.session_token;
  }
  EXPECT_TRUE(sent);
  // Secrets never appear in what callers might log.
  for (const SigningResult* r : {&with_token, &without}) {
    EXPECT_EQ(r->canonical_request.find(kExampleCredentials.secret_access_key), std::string::npos);
    EXPECT_EQ(r->string_to_sign.find(kExampleCredentials.secret_access_key), std::string::npos);
  }
}

TEST(SigV4Test, AnyChangeToTheRequestChangesTheSignature) {
  SigningInput base;
  base.method = "GET";
  base.path = "/bucket/a b";
  base.query = {{"x", "1"}};
  base.headers = {{"Host", "h"}};
  base.payload_sha256 = std::string(kEmptyPayloadSha256);
  const std::string reference =
      SignV4(base, kExampleCredentials, kExampleRegion, kExampleTime).signature;

  SigningInput other = base;
  other.path = "/bucket/a+b";
  EXPECT_NE(SignV4(other, kExampleCredentials, kExampleRegion, kExampleTime).signature, reference);
  other = base;
  other.query = {{"x", "2"}};
  EXPECT_NE(SignV4(other, kExampleCredentials, kExampleRegion, kExampleTime).signature, reference);
  EXPECT_NE(SignV4(base, kExampleCredentials, "eu-west-1", kExampleTime).signature, reference);
  EXPECT_NE(SignV4(base, kExampleCredentials, kExampleRegion, kExampleTime + 1s).signature,
            reference);
}

}  // namespace
}  // namespace tributary::s3
