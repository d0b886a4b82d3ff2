// Keys of the transforms group: Kafka Connect's transform chain and predicates. The
// per-alias keys (`transforms.<alias>.*`, `predicates.<name>.*`) are prefixed families
// passed through to src/transform/, which validates them (docs/transforms.md).
#include "config/sink_keys.h"

namespace tributary {

std::vector<ConfigKey> TransformKeys() {
  return {
      {.name = "transforms",
       .type = ConfigType::kList,
       .default_value = "",
       .group = "Transforms",
       .doc = "Aliases of the single message transforms applied to each record, in order, "
              "before it is partitioned and written: `transforms=drop,mask`, then "
              "`transforms.<alias>.type` (a Kafka Connect class such as "
              "`org.apache.kafka.connect.transforms.ReplaceField$Value`, or `tributary.Sql`) "
              "and `transforms.<alias>.<option>`. `transforms.<alias>.predicate` names a "
              "predicate; `transforms.<alias>.negate=true` inverts it. Every built-in "
              "transform, its options and the SQL stage are described in docs/transforms.md.",
       .expected = "a comma-separated list of transform aliases"},
      {.name = "predicates",
       .type = ConfigType::kList,
       .default_value = "",
       .group = "Transforms",
       .doc = "Names of predicates that transforms refer to: `predicates=isTombstone`, "
              "`predicates.isTombstone.type=org.apache.kafka.connect.transforms.predicates."
              "RecordIsTombstone` (also `TopicNameMatches` with `pattern`, `HasHeaderKey` with "
              "`name`).",
       .expected = "a comma-separated list of predicate names"},
      {.name = "connect.s3.kcql",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Transforms",
       .doc = "Lenses KCQL, a third way to write the same configuration: `INSERT INTO "
              "bucket[:prefix] SELECT * | fields FROM topic [PARTITIONBY ...] [STOREAS `JSON`] "
              "[PROPERTIES('flush.count'=1000)]`, several statements separated by `;`. Each "
              "statement becomes the equivalent keys (`s3.bucket.name`, `topics.dir`, "
              "`format.class`, `flush.size`, and a `tributary.Sql` transform for a field list); "
              "see docs/transforms.md.",
       .expected = "KCQL INSERT INTO statements"},
  };
}

}  // namespace tributary
