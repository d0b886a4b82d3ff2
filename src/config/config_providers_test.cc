#include "config/config_providers.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "config/sink_keys.h"

namespace tributary {
namespace {

class ConfigProvidersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "providers-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    Write("s3.properties", "secret=hunter2\nother = s3cr3t-other\n");
    std::filesystem::create_directory(dir_ / "secrets");
    Write("secrets/sse-key", "c3NlLWtleQ==");
    setenv("TRIBUTARY_TEST_ACCESS_KEY", "AKIAEXAMPLE", 1);
    unsetenv("TRIBUTARY_TEST_UNSET");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  RawConfig WithProviders(RawConfig raw) {
    raw["config.providers"] = "file, env,directory";
    raw["config.providers.file.class"] =
        "org.apache.kafka.common.config.provider.FileConfigProvider";
    raw["config.providers.env.class"] = "EnvVarConfigProvider";
    raw["config.providers.directory.class"] =
        "org.apache.kafka.common.config.provider.DirectoryConfigProvider";
    return raw;
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

TEST_F(ConfigProvidersTest, ResolvesFileEnvAndDirectoryReferences) {
  auto r = ResolveConfigProviders(WithProviders({
      {"aws.secret.access.key", "${file:" + Path("s3.properties") + ":secret}"},
      {"aws.access.key.id", "${env:TRIBUTARY_TEST_ACCESS_KEY}"},
      {"s3.sse.customer.key", "${directory:" + Path("secrets") + ":sse-key}"},
      {"topics.dir",
       "raw/${env:TRIBUTARY_TEST_ACCESS_KEY}/${file:" + Path("s3.properties") + ":other}"},
      {"flush.size", "100"},
  }));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->at("aws.secret.access.key"), "hunter2");
  EXPECT_EQ(r->at("aws.access.key.id"), "AKIAEXAMPLE");
  EXPECT_EQ(r->at("s3.sse.customer.key"), "c3NlLWtleQ==");
  EXPECT_EQ(r->at("topics.dir"), "raw/AKIAEXAMPLE/s3cr3t-other");
  EXPECT_EQ(r->at("flush.size"), "100");
  // The provider declarations are consumed, not reported as unknown keys.
  for (const auto& [k, v] : *r) EXPECT_NE(k.rfind("config.providers", 0), 0u) << k;
}

TEST_F(ConfigProvidersTest, UnresolvedReferencesNameTheKeyButNoValue) {
  auto r = ResolveConfigProviders(WithProviders({
      {"aws.secret.access.key", "${file:" + Path("s3.properties") + ":missing}"},
      {"aws.access.key.id", "${env:TRIBUTARY_TEST_UNSET}"},
      {"s3.sse.customer.key", "${directory:" + Path("secrets") + ":nope}"},
      {"s3.proxy.password", "${vault:secret/data:pw}"},
      {"s3.proxy.user", "${file:" + Path("absent.properties") + ":x}"},
  }));
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  for (const char* key : {"aws.secret.access.key", "aws.access.key.id", "s3.sse.customer.key",
                          "s3.proxy.password", "s3.proxy.user"}) {
    EXPECT_NE(m.find(std::string("\n  ") + key + ":"), std::string::npos) << key << "\n" << m;
  }
  EXPECT_NE(m.find("has no key 'missing'"), std::string::npos) << m;
  EXPECT_NE(m.find("TRIBUTARY_TEST_UNSET is not set"), std::string::npos) << m;
  EXPECT_NE(m.find("'vault'"), std::string::npos) << m;
  for (const char* secret : {"hunter2", "s3cr3t-other", "c3NlLWtleQ=="}) {
    EXPECT_EQ(m.find(secret), std::string::npos) << secret;
  }
}

TEST_F(ConfigProvidersTest, WorkerStyleConfigsUseTheConventionalNames) {
  // A connector config copied from a Connect deployment: the worker declared the providers.
  auto r = ResolveConfigProviders(
      {{"aws.access.key.id", "${env:TRIBUTARY_TEST_ACCESS_KEY}"},
       {"aws.secret.access.key", "${file:" + Path("s3.properties") + ":secret}"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->at("aws.access.key.id"), "AKIAEXAMPLE");
  EXPECT_EQ(r->at("aws.secret.access.key"), "hunter2");
  // Once config.providers is given, only what it lists exists.
  auto declared = ResolveConfigProviders(
      {{"config.providers", "env"},
       {"config.providers.env.class", "EnvVarConfigProvider"},
       {"aws.secret.access.key", "${file:" + Path("s3.properties") + ":secret}"}});
  ASSERT_FALSE(declared.ok());
  EXPECT_NE(declared.status().message().find("does not declare"), std::string::npos);
}

TEST_F(ConfigProvidersTest, DeclarationsAreChecked) {
  auto no_class = ResolveConfigProviders({{"config.providers", "file"}, {"a", "b"}});
  ASSERT_FALSE(no_class.ok());
  EXPECT_NE(no_class.status().message().find("config.providers.file.class"), std::string::npos);
  auto bad_class = ResolveConfigProviders(
      {{"config.providers", "v"}, {"config.providers.v.class", "com.example.VaultProvider"}});
  ASSERT_FALSE(bad_class.ok());
  EXPECT_NE(bad_class.status().message().find("config.providers.v.class"), std::string::npos);
  // Text that is not a reference stays as it is, with or without providers.
  auto plain = ResolveConfigProviders({{"path.format", "'${x}'YYYY"}, {"k", "${"}});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->at("path.format"), "'${x}'YYYY");
}

TEST_F(ConfigProvidersTest, AllowedPathsAndEnvAllowlist) {
  RawConfig raw = WithProviders({{"a", "${file:" + Path("s3.properties") + ":secret}"}});
  raw["config.providers.file.param.allowed.paths"] = Path("secrets");
  auto outside = ResolveConfigProviders(raw);
  ASSERT_FALSE(outside.ok());
  EXPECT_NE(outside.status().message().find("allowed.paths"), std::string::npos);
  raw["config.providers.file.param.allowed.paths"] = dir_.string();
  EXPECT_TRUE(ResolveConfigProviders(raw).ok());
  raw["a"] = "${file:" + Path("secrets/../../etc/passwd") + ":root}";
  EXPECT_FALSE(ResolveConfigProviders(raw).ok());

  RawConfig env = WithProviders({{"a", "${env:TRIBUTARY_TEST_ACCESS_KEY}"}});
  env["config.providers.env.param.allowlist.pattern"] = "TRIBUTARY_.*";
  EXPECT_TRUE(ResolveConfigProviders(env).ok());
  env["config.providers.env.param.allowlist.pattern"] = "AWS_.*";
  EXPECT_FALSE(ResolveConfigProviders(env).ok());
}

TEST_F(ConfigProvidersTest, ReadConfigFileResolvesAndReportsWhichKeys) {
  Write("sink.properties",
        "config.providers=file\n"
        "config.providers.file.class=FileConfigProvider\n"
        "aws.secret.access.key=${file:" +
            Path("s3.properties") +
            ":secret}\n"
            "aws.access.key.id=${file:" +
            Path("s3.properties") +
            ":other}\n"
            "name=n\ntopics=t\nbootstrap.servers=b:9092\n"
            "s3.bucket.name=x\nformat.class=JsonFormat\nflush.size=3\n");
  std::set<std::string> from;
  auto raw = ReadConfigFile(Path("sink.properties"), &from);
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_EQ(raw->at("aws.secret.access.key"), "hunter2");
  EXPECT_EQ(from, (std::set<std::string>{"aws.access.key.id", "aws.secret.access.key"}));
  auto cfg = Config::Parse(SinkConfigTable(), *raw);
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  std::string printed = cfg->ToRedactedString(from);
  EXPECT_EQ(printed.find("hunter2"), std::string::npos);
  EXPECT_EQ(printed.find("s3cr3t-other"), std::string::npos);
  EXPECT_NE(printed.find("aws.access.key.id = [hidden]"), std::string::npos) << printed;
}

}  // namespace
}  // namespace tributary
