// Keys of the error-handling group: what happens to a record that cannot be written
// (Kafka Connect's errors.* keys, and the S3 connector's null-value reporting).
#include "config/sink_keys.h"

namespace tributary {

std::vector<ConfigKey> ErrorKeys() {
  return {
      {.name = "errors.tolerance",
       .type = ConfigType::kString,
       .default_value = "none",
       .group = "Errors",
       .doc = "`none`: the first record that cannot be written (invalid JSON where parsing "
              "is needed, a missing partition or timestamp field, a null value with "
              "behavior.on.null.values=fail) stops the sink with an error naming its "
              "topic-partition@offset and the reason; nothing after it is committed. `all`: "
              "such records are skipped — sent to the dead-letter topic when one is set — and "
              "the records around them are written as usual.",
       .allowed = {"none", "all"}},
      {.name = "errors.deadletterqueue.topic.name",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Errors",
       .doc = "With errors.tolerance=all: the topic that receives each skipped record with "
              "its original key, value and headers. It is produced to with acks=all and "
              "flushed before the offsets past the record are committed, so a skipped record "
              "is never lost (it may reach the topic twice after a crash). The topic must "
              "exist or the cluster must create topics automatically."},
      {.name = "errors.deadletterqueue.topic.replication.factor",
       .type = ConfigType::kInt,
       .default_value = "3",
       .group = "Errors",
       .doc = "Accepted for compatibility with Connect configs; Tributary does not create the "
              "dead-letter topic.",
       .min = -1},
      {.name = "errors.deadletterqueue.context.headers.enable",
       .type = ConfigType::kBool,
       .default_value = "false",
       .group = "Errors",
       .doc = "Add Connect's context headers to each dead-letter record: "
              "`__connect.errors.topic`, `.partition`, `.offset`, `.connector.name`, "
              "`.task.id`, `.stage`, `.class.name`, `.exception.class.name`, "
              "`.exception.message`."},
      {.name = "errors.log.enable",
       .type = ConfigType::kBool,
       .default_value = "false",
       .group = "Errors",
       .doc = "Log each skipped record (topic-partition@offset and the reason)."},
      {.name = "errors.log.include.messages",
       .type = ConfigType::kBool,
       .default_value = "false",
       .group = "Errors",
       .doc = "With errors.log.enable: also log the record's key and the first 256 bytes of "
              "its value."},
      {.name = "report.null.values.to.dlq",
       .type = ConfigType::kBool,
       .default_value = "true",
       .group = "Errors",
       .doc = "With behavior.on.null.values=ignore, errors.tolerance=all and a dead-letter "
              "topic: send the skipped tombstones there too."},
      {.name = "errors.retry.timeout",
       .type = ConfigType::kLong,
       .default_value = "0",
       .group = "Errors",
       .doc = "Accepted for compatibility with Connect configs. Store operations are retried "
              "for up to two minutes regardless; record errors are not retried."},
      {.name = "errors.retry.delay.max.ms",
       .type = ConfigType::kLong,
       .default_value = "60000",
       .group = "Errors",
       .doc = "Accepted for compatibility with Connect configs (see errors.retry.timeout)."},
  };
}

}  // namespace tributary
