// Lenses KCQL for the S3 sink (`connect.s3.kcql`), as a third way to configure the
// sink, mapped onto the same keys and engine as the Connect-style configuration:
//
//   INSERT INTO bucket[:prefix] SELECT * | field [AS alias], ... FROM topic | `*`
//     [PARTITIONBY field[, field...] | NOPARTITION]
//     [STOREAS `JSON` | `AVRO` | `PARQUET` | `CSV` | `CSV_WithHeaders` | `TEXT` | `BYTES`]
//     [PROPERTIES('flush.count'=1000, 'flush.size'=.., 'flush.interval'=.., 'store.envelope'=true)]
//   (older WITH_FLUSH_COUNT = n, WITH_FLUSH_SIZE = n, WITH_FLUSH_INTERVAL = n too)
//
// Several statements are separated by ';'. docs/transforms.md ("KCQL") lists the mapping.
//
// Thread safety: functions on values.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tributary {

struct KcqlStatement {
  std::string bucket;
  std::string prefix;                             // "" when the target has no ":prefix"
  std::vector<std::string> select;                // {"*"} or the items as written ("b AS c")
  std::string topic;                              // "*" for every configured topic
  std::vector<std::string> partition_by;          // PARTITIONBY fields as written
  bool no_partition = false;                      // NOPARTITION
  std::string store_as;                           // as written, without backticks; "" if absent
  std::map<std::string, std::string> properties;  // PROPERTIES and WITH_FLUSH_* values
};

// InvalidArgument naming the statement (1-based) and what was expected.
Result<std::vector<KcqlStatement>> ParseKcql(std::string_view text);

struct KcqlMapping {
  std::map<std::string, std::string> keys;  // keys to add to the sink config
  std::vector<std::string> ignored;         // parts this version does not honour
};

// The Connect-style keys equivalent to `statements`: s3.bucket.name, topics.dir (the
// prefix), topics, format.class, flush.size (flush.count), and, for a projection, a
// tributary.Sql transform per statement, restricted to its topic by a TopicNameMatches
// predicate. `existing` is the rest of the config (to merge with `topics` and an
// existing `transforms` list). InvalidArgument (naming connect.s3.kcql) for what cannot
// be expressed: statements with different buckets, prefixes or formats, PARTITIONBY on
// the key or headers.
Result<KcqlMapping> KcqlToConnectConfig(const std::vector<KcqlStatement>& statements,
                                        const std::map<std::string, std::string>& existing);

}  // namespace tributary

namespace tributary {

// When `raw` has connect.s3.kcql: parses it and adds the equivalent keys to `raw`
// (KcqlToConnectConfig). A key the config already sets to a different value is an error
// naming both; parts this version ignores are appended to `ignored`. No-op otherwise.
Status ExpandKcql(std::map<std::string, std::string>* raw, std::vector<std::string>* ignored);

}  // namespace tributary
