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

TEST(MultipartXmlTest, ParsesInitiateResult) {
  Result<std::string> id = ParseInitiateMultipartUpload(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Bucket>sink</Bucket><Key>a/b</Key><UploadId>VXBsb2FkIElE.x~y</UploadId>"
      "</InitiateMultipartUploadResult>");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, "VXBsb2FkIElE.x~y");
  EXPECT_EQ(ParseInitiateMultipartUpload("<InitiateMultipartUploadResult/>").status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(
      ParseInitiateMultipartUpload("<Error><Code>AccessDenied</Code></Error>").status().code(),
      StatusCode::kCorruption);
  EXPECT_FALSE(ParseInitiateMultipartUpload("garbage").ok());
}

TEST(MultipartXmlTest, BuildsCompleteBodyWithQuotedEtagsAndChecksums) {
  const std::vector<PartInfo> parts = {{1, "\"e1\"", 5}, {2, "e2", 1}};
  EXPECT_EQ(BuildCompleteMultipartUpload(parts),
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
  EXPECT_EQ(BuildCompleteMultipartUpload({{3, "e3", 1}}, {{3, "4waSgw=="}}),
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Part><PartNumber>3</PartNumber><ETag>&quot;e3&quot;</ETag>"
            "<ChecksumCRC32C>4waSgw==</ChecksumCRC32C></Part></CompleteMultipartUpload>");
}

TEST(MultipartXmlTest, CompleteResultOrErrorInA200Body) {
  Result<CompleteMultipartResult> ok = ParseCompleteMultipartUpload(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUploadResult "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location>http://h/sink/k</Location>"
      "<Bucket>sink</Bucket><Key>k</Key><ETag>\"3858f62230ac3c915f300c664312c11f-9\"</ETag>"
      "</CompleteMultipartUploadResult>");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->etag, "3858f62230ac3c915f300c664312c11f-9");
  EXPECT_EQ(ok->error.code, "");

  // S3 sends 200 first and then, if the assembly fails, an error document.
  Result<CompleteMultipartResult> failed = ParseCompleteMultipartUpload(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\n\n<Error><Code>InternalError</Code>"
      "<Message>We encountered an internal error. Please try again.</Message>"
      "<RequestId>656c76696e6727732072657175657374</RequestId></Error>");
  ASSERT_TRUE(failed.ok()) << failed.status().ToString();
  EXPECT_EQ(failed->error.code, "InternalError");
  EXPECT_EQ(failed->error.request_id, "656c76696e6727732072657175657374");
  EXPECT_EQ(failed->etag, "");
  EXPECT_FALSE(ParseCompleteMultipartUpload("").ok());  // the body was lost
}

TEST(MultipartXmlTest, ParsesListMultipartUploadsPage) {
  Result<MultipartUploadsPage> page =
      ParseListMultipartUploads(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>sink</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>
  <NextKeyMarker>my-movie.m2ts</NextKeyMarker>
  <NextUploadIdMarker>YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ</NextUploadIdMarker>
  <Prefix>my</Prefix><MaxUploads>2</MaxUploads><IsTruncated>true</IsTruncated>
  <Upload>
    <Key>my-divisor</Key>
    <UploadId>XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw</UploadId>
    <Initiator><ID>x</ID></Initiator><StorageClass>STANDARD</StorageClass>
    <Initiated>2010-11-10T20:48:33.000Z</Initiated>
  </Upload>
  <Upload>
    <Key>my-movie.m2ts</Key>
    <UploadId>YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ</UploadId>
    <Initiated>2010-11-10T20:48:33.001Z</Initiated>
  </Upload>
</ListMultipartUploadsResult>)");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->uploads.size(), 2u);
  EXPECT_EQ(page->uploads[0].key, "my-divisor");
  EXPECT_EQ(page->uploads[0].upload_id, "XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw");
  EXPECT_EQ(page->uploads[0].initiated_ms, int64_t{1289422113000});
  EXPECT_EQ(page->uploads[1].initiated_ms, int64_t{1289422113001});
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_key_marker, "my-movie.m2ts");
  EXPECT_EQ(page->next_upload_id_marker, "YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ");

  Result<MultipartUploadsPage> last = ParseListMultipartUploads(
      "<ListMultipartUploadsResult><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>");
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(last->uploads.empty());
  EXPECT_FALSE(last->truncated);
  EXPECT_FALSE(
      ParseListMultipartUploads("<ListMultipartUploadsResult><IsTruncated>true</IsTruncated>"
                                "</ListMultipartUploadsResult>")
          .ok());
  EXPECT_FALSE(ParseListMultipartUploads("<ListMultipartUploadsResult><Upload><Key>k</Key></Upload>"
                                         "</ListMultipartUploadsResult>")
                   .ok());
}

TEST(MultipartXmlTest, ParsesListPartsPage) {
  Result<PartsPage> page = ParsePartsPage(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>sink</Bucket><Key>k</Key><UploadId>u</UploadId>
  <PartNumberMarker>1</PartNumberMarker><NextPartNumberMarker>3</NextPartNumberMarker>
  <MaxParts>2</MaxParts><IsTruncated>true</IsTruncated>
  <Part><PartNumber>2</PartNumber><LastModified>2010-11-10T20:48:34.000Z</LastModified>
    <ETag>"7778aef83f66abc1fa1e8477f296d394"</ETag><Size>10485760</Size>
    <ChecksumCRC32C>4waSgw==</ChecksumCRC32C></Part>
  <Part><PartNumber>3</PartNumber><ETag>"aaaa18db4cc2f85cedef654fccc4a4x8"</ETag><Size>1</Size></Part>
</ListPartsResult>)");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->parts.size(), 2u);
  EXPECT_EQ(page->parts[0].part_number, 2);
  EXPECT_EQ(page->parts[0].etag, "7778aef83f66abc1fa1e8477f296d394");
  EXPECT_EQ(page->parts[0].size, 10485760u);
  EXPECT_EQ(page->parts[1].size, 1u);
  EXPECT_EQ(page->crc32c, (std::map<int, std::string>{{2, "4waSgw=="}}));
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_part_number_marker, 3);
  EXPECT_FALSE(ParsePartsPage("<ListPartsResult><Part><PartNumber>x</PartNumber><Size>1</Size>"
                              "</Part></ListPartsResult>")
                   .ok());
  EXPECT_FALSE(
      ParsePartsPage("<ListPartsResult><IsTruncated>true</IsTruncated></ListPartsResult>").ok());
}

TEST(DeleteObjectsXmlTest, BuildsQuietBodyWithEscapedKeys) {
  EXPECT_EQ(BuildDeleteObjects({"a/1", "b&<c>\"'", "cr\r\nlf"}),
            "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
            "<Object><Key>a/1</Key></Object>"
            "<Object><Key>b&amp;&lt;c&gt;&quot;&apos;</Key></Object>"
            "<Object><Key>cr&#xD;&#xA;lf</Key></Object></Delete>");
}

TEST(DeleteObjectsXmlTest, ReportsFailuresButNotMissingKeys) {
  Result<std::vector<DeleteFailure>> failures =
      ParseDeleteObjectsResult(R"(<?xml version="1.0" encoding="UTF-8"?>
<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Deleted><Key>gone</Key></Deleted>
  <Error><Key>missing</Key><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>
  <Error><Key>locked &amp; kept</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>
</DeleteResult>)");
  ASSERT_TRUE(failures.ok()) << failures.status().ToString();
  ASSERT_EQ(failures->size(), 1u);
  EXPECT_EQ((*failures)[0].key, "locked & kept");
  EXPECT_EQ((*failures)[0].code, "AccessDenied");
  EXPECT_EQ((*failures)[0].message, "Access Denied");

  Result<std::vector<DeleteFailure>> none =
      ParseDeleteObjectsResult("<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  Result<std::vector<DeleteFailure>> whole =
      ParseDeleteObjectsResult("<Error><Code>MalformedXML</Code><Message>bad</Message></Error>");
  ASSERT_TRUE(whole.ok());
  ASSERT_EQ(whole->size(), 1u);
  EXPECT_EQ((*whole)[0].key, "");
  EXPECT_EQ((*whole)[0].code, "MalformedXML");
  EXPECT_FALSE(ParseDeleteObjectsResult("<html/>").ok());
}

TEST(HeaderValuesTest, TaggingIsUriEncodedAndSorted) {
  EXPECT_EQ(EncodeTagging({{"team", "data eng"}, {"env", "a&b=c/d"}}),
            "env=a%26b%3Dc%2Fd&team=data%20eng");
  EXPECT_EQ(EncodeTagging({}), "");
}

TEST(HeaderValuesTest, Base64RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Decode("Zg=="), "f");
  EXPECT_EQ(Base64Decode("Zm8="), "fo");
  EXPECT_EQ(Base64Decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(Base64Decode(""), "");
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(Base64Decode(Base64Encode(all)), all);
  for (const char* bad : {"Zg=", "Zm9v\n", "Z===", "Zm 9", "Zm9-", "=Zm9"}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
}

TEST(HeaderValuesTest, Md5Forms) {
  EXPECT_EQ(Md5Base64(""), "1B2M2Y8AsgTpgAmY7PhCfg==");  // RFC 1864's Content-MD5 of nothing
  EXPECT_EQ(Md5Base64("hello"), "XUFAKrxLKna5cZ2REBfFkg==");
  EXPECT_EQ(Md5Hex("hello"), "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(Md5("hello").size(), 16u);
}

TEST(HeaderValuesTest, MultipartEtagIsMd5OfPartMd5s) {
  // MD5("a"), MD5("b") -> MD5 of their 32 raw bytes, "-2".
  EXPECT_EQ(MultipartEtag({{1, "0cc175b9c0f1b6a831c399e269772661", 1},
                           {2, "\"92eb5ffee6ae2fec3ad71c777531578f\"", 1}}),
            "96e024ba2074fe77e8e965ba43a704be-2");
  EXPECT_EQ(MultipartEtag({{1, "not-an-md5", 1}}), std::nullopt);
  EXPECT_EQ(MultipartEtag({{1, "0cc175b9c0f1b6a831c399e26977266z", 1}}), std::nullopt);
}

}  // namespace
}  // namespace tributary::s3
