// Keys of the partitioner group: how records map to directories (Confluent's
// PartitionerConfig) and the time they are partitioned by.
#include "config/sink_keys.h"

namespace tributary {

std::vector<ConfigKey> PartitionerKeys() {
  return {
      {.name = "partitioner.class",
       .type = ConfigType::kString,
       .default_value = std::string(kDefaultPartitionerClass),
       .group = "Partitioner",
       .doc = "How records map to directories. `DefaultPartitioner` writes "
              "`partition=<kafka partition>`.",
       .allowed = {std::string(kDefaultPartitionerClass), "DefaultPartitioner"}},
  };
}

}  // namespace tributary
