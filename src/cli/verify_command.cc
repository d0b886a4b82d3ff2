// tributary verify: audits what a bucket holds for a topic, from the objects alone
// (sink/audit.h, docs/exactly-once.md).
#include <cstdio>
#include <map>

#include "cli/commands.h"
#include "sink/audit.h"

namespace tributary {
namespace {

constexpr const char* kVerifyUsage =
    R"(usage: tributary verify -c sink.properties --topic T [options]
       tributary verify --store URL --bucket B --topic T [options]

Audits the objects of topic T: for each partition, the offsets covered, gaps, overlaps,
objects and bytes. Exits 0 when every offset range is covered once, 1 when a problem is
found, 2 on a usage or access error.

  -c, --config FILE     take the store, bucket, layout and sink name from a sink config
  --store URL           store.url: file:///root, http(s)://host:port, or "" for AWS S3
  --bucket B            s3.bucket.name
  --region R            s3.region (default us-west-2)
  --topics.dir D        default "topics"
  --directory.delim X   default "/"
  --file.delim X        default "+"
  --sink NAME           also compare with the journal of sink NAME
  --journal.prefix P    default "_tributary/journal"
  --topic T             the topic to audit (required)
  --partition P         only this partition
  --deep                also read every object and count its records
  --json                print a machine-readable report
S3 credentials come from the environment (AWS_ACCESS_KEY_ID, profiles, roles) unless a
config gives them.
)";

}  // namespace

int RunVerifyCommand(const std::vector<std::string>& args) {
  std::map<std::string, std::string> opt;
  bool deep = false, json = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--deep") {
      deep = true;
    } else if (a == "--json") {
      json = true;
    } else if (a == "-h" || a == "--help") {
      std::fputs(kVerifyUsage, stdout);
      return 0;
    } else if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
      opt[a.substr(2, a.find('=') - 2)] = a.substr(a.find('=') + 1);
    } else if ((a.rfind("--", 0) == 0 || a == "-c") && i + 1 < args.size()) {
      opt[a == "-c" ? "config" : a.substr(2)] = args[++i];
    } else {
      std::fprintf(stderr, "tributary verify: unexpected argument '%s'\n%s", a.c_str(),
                   kVerifyUsage);
      return 2;
    }
  }
  static const char* kKnown[] = {"config",         "store",           "bucket",     "region",
                                 "topics.dir",     "directory.delim", "file.delim", "sink",
                                 "journal.prefix", "topic",           "partition"};
  for (const auto& [k, v] : opt) {
    if (std::find(std::begin(kKnown), std::end(kKnown), k) == std::end(kKnown)) {
      std::fprintf(stderr, "tributary verify: unknown option --%s\n%s", k.c_str(), kVerifyUsage);
      return 2;
    }
  }
  if (!opt.count("topic")) {
    std::fprintf(stderr, "tributary verify: --topic is required\n%s", kVerifyUsage);
    return 2;
  }
  AuditOptions audit;
  StoreOptions store;
  if (opt.count("config")) {
    auto config = LoadSinkConfig(opt["config"]);
    if (!config) return 2;
    store = config->store;
    audit.topics_dir = config->topics_dir;
    audit.directory_delim = config->directory_delim;
    audit.file_delim = config->file_delim;
    audit.sink_name = config->name;
    audit.journal_prefix = config->journal_prefix;
  } else {
    if (!opt.count("bucket")) {
      std::fprintf(stderr, "tributary verify: give -c sink.properties or --bucket\n%s",
                   kVerifyUsage);
      return 2;
    }
    store.url = opt["store"];
    store.bucket = opt["bucket"];
    if (opt.count("region")) store.region = opt["region"];
    audit.journal_prefix = "_tributary/journal";
  }
  if (opt.count("topics.dir")) audit.topics_dir = opt["topics.dir"];
  if (opt.count("directory.delim")) audit.directory_delim = opt["directory.delim"];
  if (opt.count("file.delim")) audit.file_delim = opt["file.delim"];
  if (opt.count("sink")) audit.sink_name = opt["sink"];
  if (opt.count("journal.prefix")) audit.journal_prefix = opt["journal.prefix"];
  audit.topic = opt["topic"];
  if (opt.count("partition")) {
    char* end = nullptr;
    long p = std::strtol(opt["partition"].c_str(), &end, 10);
    if (opt["partition"].empty() || *end != '\0' || p < 0) {
      std::fprintf(stderr, "tributary verify: --partition expects a partition number, got '%s'\n",
                   opt["partition"].c_str());
      return 2;
    }
    audit.partition = static_cast<int32_t>(p);
  }
  audit.deep = deep;

  auto opened = OpenObjectStore(store);
  if (!opened.ok()) {
    std::fprintf(stderr, "tributary verify: %s\n", opened.status().message().c_str());
    return 2;
  }
  auto report = Audit(**opened, audit);
  if (!report.ok()) {
    std::fprintf(stderr, "tributary verify: %s\n", report.status().message().c_str());
    return 2;
  }
  std::fputs(json ? report->ToJson().c_str() : report->ToText().c_str(), stdout);
  return report->ok() ? 0 : 1;
}

}  // namespace tributary
