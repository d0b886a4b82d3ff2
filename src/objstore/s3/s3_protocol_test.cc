#include "objstore/s3/s3_protocol.h"

#include <gtest/gtest.h>

namespace tributary::s3 {
namespace {

TEST(ParseErrorBodyTest, ReadsCodeMessageRequestIdAndRegion) {
  const S3Error e = ParseErrorBody(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
      "<Key>a/b.json</Key><RequestId>4442587FB7D0A2F9</RequestId><HostId>xyz</HostId>"
      "</Error>");
  EXPECT_EQ(e.code, "NoSuchKey");
  EXPECT_EQ(e.message, "The specified key does not exist.");
  EXPECT_EQ(e.request_id, "4442587FB7D0A2F9");
  EXPECT_EQ(e.region, "");

  const S3Error redirect = ParseErrorBody(
      "<Error><Code>AuthorizationHeaderMalformed</Code><Message>wrong region</Message>"
      "<Region>eu-central-1</Region></Error>");
  EXPECT_EQ(redirect.region, "eu-central-1");
}

TEST(ParseErrorBodyTest, ToleratesEmptyAndForeignBodies) {
  EXPECT_EQ(ParseErrorBody("").code, "");
  EXPECT_EQ(ParseErrorBody("<html><body>Bad Gateway</body></html>").code, "");
  EXPECT_EQ(ParseErrorBody("not xml at all <<<").code, "");
  EXPECT_EQ(ParseErrorBody("<Error><Code>SlowDown</Code>").code, "");  // truncated
  // radosgw sends an empty <Message/> at times.
  const S3Error e = ParseErrorBody(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>PreconditionFailed</Code>"
      "<Message></Message><BucketName>b</BucketName><RequestId>tx0001</RequestId></Error>");
  EXPECT_EQ(e.code, "PreconditionFailed");
  EXPECT_EQ(e.message, "");
  EXPECT_EQ(e.request_id, "tx0001");
}

constexpr char kTruncatedListing[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>sink</Name>
  <Prefix>topics/</Prefix>
  <KeyCount>3</KeyCount>
  <MaxKeys>3</MaxKeys>
  <Delimiter>/</Delimiter>
  <IsTruncated>true</IsTruncated>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents>
    <Key>topics/a &amp; b.json</Key>
    <LastModified>2024-02-29T23:59:58.123Z</LastModified>
    <ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag>
    <Size>1</Size>
    <StorageClass>STANDARD</StorageClass>
  </Contents>
  <Contents>
    <Key>topics/caf&#xE9; &lt;1&gt;</Key>
    <LastModified>2024-03-01T00:00:00Z</LastModified>
    <ETag>"9b2cf535f27731c974343645a3985328-2"</ETag>
    <Size>10485760</Size>
  </Contents>
  <CommonPrefixes><Prefix>topics/orders/</Prefix></CommonPrefixes>
  <CommonPrefixes><Prefix>topics/payments/</Prefix></CommonPrefixes>
</ListBucketResult>)";

TEST(ParseListObjectsV2Test, ReadsObjectsPrefixesAndToken) {
  Result<ListPage> page = ParseListObjectsV2(kTruncatedListing);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "topics/a & b.json");
  EXPECT_EQ(page->objects[0].etag, "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(page->objects[0].size, 1u);
  // 2024-02-29T23:59:58.123Z
  EXPECT_EQ(page->objects[0].last_modified_ms, int64_t{1709251198123});
  EXPECT_EQ(page->objects[1].key, "topics/caf\xc3\xa9 <1>");
  EXPECT_EQ(page->objects[1].etag, "9b2cf535f27731c974343645a3985328-2");
  EXPECT_EQ(page->objects[1].size, 10485760u);
  EXPECT_EQ(page->objects[1].last_modified_ms, int64_t{1709251200000});
  EXPECT_EQ(page->common_prefixes,
            (std::vector<std::string>{"topics/orders/", "topics/payments/"}));
  EXPECT_EQ(page->next_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(ParseListObjectsV2Test, LastPageHasNoTokenAndWhitespaceKeysSurvive) {
  Result<ListPage> page = ParseListObjectsV2(
      "<ListBucketResult><IsTruncated>false</IsTruncated>"
      "<NextContinuationToken>ignored</NextContinuationToken>"
      "<Contents><Key> </Key><Size>0</Size><ETag>\"d41d8cd98f00b204e9800998ecf8427e\"</ETag>"
      "</Contents>"
      "<Contents><Key>line\r\nbreak</Key><Size>5</Size></Contents>"
      "</ListBucketResult>");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, " ");
  EXPECT_EQ(page->objects[0].last_modified_ms, 0);
  EXPECT_EQ(page->objects[1].key, "line\r\nbreak");
  EXPECT_TRUE(page->common_prefixes.empty());
  EXPECT_EQ(page->next_token, "");
}

TEST(ParseListObjectsV2Test, EmptyBucket) {
  Result<ListPage> page = ParseListObjectsV2(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name><Prefix></Prefix>"
      "<KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
      "</ListBucketResult>");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_TRUE(page->objects.empty());
  EXPECT_EQ(page->next_token, "");
}

TEST(ParseListObjectsV2Test, RejectsMalformedResponses) {
  EXPECT_EQ(ParseListObjectsV2("").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseListObjectsV2("<Error><Code>x</Code></Error>").status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(ParseListObjectsV2("<ListBucketResult><Contents><Key>k</Key>"
                               "<Size>-1</Size></Contents></ListBucketResult>")
                .status()
                .code(),
            StatusCode::kCorruption);
  EXPECT_EQ(ParseListObjectsV2("<ListBucketResult><Contents><Key>k</Key><Size>1</Size>"
                               "<LastModified>yesterday</LastModified></Contents>"
                               "</ListBucketResult>")
                .status()
                .code(),
            StatusCode::kCorruption);
  EXPECT_EQ(ParseListObjectsV2("<ListBucketResult><IsTruncated>true</IsTruncated>"
                               "</ListBucketResult>")
                .status()
                .code(),
            StatusCode::kCorruption);
  EXPECT_EQ(ParseListObjectsV2("<ListBucketResult><Contents>").status().code(),
            StatusCode::kCorruption);
}

TEST(UnquoteEtagTest, StripsQuotesAndWeakPrefix) {
  EXPECT_EQ(UnquoteEtag("\"abc\""), "abc");
  EXPECT_EQ(UnquoteEtag("W/\"abc\""), "abc");
  EXPECT_EQ(UnquoteEtag("abc"), "abc");
  EXPECT_EQ(UnquoteEtag("\""), "\"");
  EXPECT_EQ(UnquoteEtag(""), "");
}

TEST(DateParsingTest, HttpDates) {
  Result<int64_t> ms = ParseHttpDateMs("Fri, 24 May 2013 00:00:00 GMT");
  ASSERT_TRUE(ms.ok());
  EXPECT_EQ(*ms, int64_t{1369353600000});
  ms = ParseHttpDateMs("Thu, 29 Feb 2024 23:59:58 GMT");
  ASSERT_TRUE(ms.ok());
  EXPECT_EQ(*ms, int64_t{1709251198000});
  EXPECT_FALSE(ParseHttpDateMs("").ok());
  EXPECT_FALSE(ParseHttpDateMs("Fri, 24 Mai 2013 00:00:00 GMT").ok());
  EXPECT_FALSE(ParseHttpDateMs("Fri, 30 Feb 2013 00:00:00 GMT").ok());
  EXPECT_FALSE(ParseHttpDateMs("Fri, 24 May 2013 25:00:00 GMT").ok());
  EXPECT_FALSE(ParseHttpDateMs("2013-05-24T00:00:00Z").ok());
}

TEST(DateParsingTest, Iso8601Timestamps) {
  EXPECT_EQ(*ParseIso8601Ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseIso8601Ms("2013-05-24T00:00:00.000Z"), int64_t{1369353600000});
  EXPECT_EQ(*ParseIso8601Ms("2013-05-24T00:00:00.5Z"), int64_t{1369353600500});
  EXPECT_EQ(*ParseIso8601Ms("2013-05-24T00:00:00.123456789Z"), int64_t{1369353600123});
  EXPECT_FALSE(ParseIso8601Ms("2013-05-24T00:00:00").ok());
  EXPECT_FALSE(ParseIso8601Ms("2013-13-24T00:00:00Z").ok());
  EXPECT_FALSE(ParseIso8601Ms("2013-05-24T00:00:00.Z").ok());
  EXPECT_FALSE(ParseIso8601Ms("2013-05-24T00:00:00.12aZ").ok());
}

TEST(ErrorClassificationTest, RetriesOnlyTransientFailures) {
  for (long status : {408L, 429L, 500L, 502L, 503L, 504L}) {
    EXPECT_TRUE(IsRetriableHttpError(status, "")) << status;
  }
  EXPECT_TRUE(IsRetriableHttpError(503, "SlowDown"));
  EXPECT_TRUE(IsRetriableHttpError(400, "RequestTimeout"));
  EXPECT_TRUE(IsRetriableHttpError(200, "InternalError"));
  for (long status : {400L, 401L, 403L, 404L, 405L, 409L, 412L, 416L, 501L}) {
    EXPECT_FALSE(IsRetriableHttpError(status, "")) << status;
  }
  EXPECT_FALSE(IsRetriableHttpError(403, "AccessDenied"));
  EXPECT_FALSE(IsRetriableHttpError(409, "ConditionalRequestConflict"));
}

TEST(ErrorClassificationTest, MapsToTheInterfaceCodes) {
  EXPECT_EQ(ClassifyHttpError(503, "SlowDown"), StatusCode::kUnavailable);
  EXPECT_EQ(ClassifyHttpError(404, "NoSuchKey"), StatusCode::kNotFound);
  EXPECT_EQ(ClassifyHttpError(404, "NoSuchBucket"), StatusCode::kNotFound);
  EXPECT_EQ(ClassifyHttpError(412, "PreconditionFailed"), StatusCode::kPreconditionFailed);
  EXPECT_EQ(ClassifyHttpError(409, "ConditionalRequestConflict"), StatusCode::kPreconditionFailed);
  EXPECT_EQ(ClassifyHttpError(409, "BucketNotEmpty"), StatusCode::kInvalidArgument);
  EXPECT_EQ(ClassifyHttpError(403, "SignatureDoesNotMatch"), StatusCode::kPermissionDenied);
  EXPECT_EQ(ClassifyHttpError(403, ""), StatusCode::kPermissionDenied);
  EXPECT_EQ(ClassifyHttpError(400, "ExpiredToken"), StatusCode::kPermissionDenied);
  EXPECT_EQ(ClassifyHttpError(400, "InvalidArgument"), StatusCode::kInvalidArgument);
  EXPECT_EQ(ClassifyHttpError(416, "InvalidRange"), StatusCode::kInvalidArgument);
  EXPECT_EQ(ClassifyHttpError(501, "NotImplemented"), StatusCode::kInvalidArgument);
  EXPECT_EQ(ClassifyHttpError(507, ""), StatusCode::kUnavailable);
  EXPECT_EQ(ClassifyHttpError(301, "PermanentRedirect"), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tributary::s3
