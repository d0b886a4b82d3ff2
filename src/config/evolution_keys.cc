// Keys of schema evolution: what the sink does when a record's schema differs from the
// schema of its open file (docs/schema-evolution.md).
#include "config/sink_keys.h"

namespace tributary {

std::vector<ConfigKey> EvolutionKeys() {
  return {
      {.name = "schema.compatibility",
       .type = ConfigType::kString,
       .default_value = "NONE",
       .group = "Avro and Parquet",
       .doc = "What a record of another schema than its open file's does (Schema Registry "
              "values, the Confluent connector's meaning). `NONE`: it goes into a file of its "
              "own schema (up to `schema.max.open.versions` files per encoded partition). "
              "`BACKWARD` and `FULL`: a newer schema closes the open files and starts a file "
              "of its own; an older one is projected to the file's schema (missing fields "
              "take their defaults). `FORWARD`: an older schema starts a new file; a newer "
              "one is projected to the file's older schema. A record that cannot be "
              "projected starts a new file.",
       .allowed = {"NONE", "BACKWARD", "FORWARD", "FULL"}},
      {.name = "schema.max.open.versions",
       .type = ConfigType::kInt,
       .default_value = "4",
       .group = "Avro and Parquet",
       .doc = "With `schema.compatibility=NONE`: how many files of different schemas an "
              "encoded partition keeps open at once, so that interleaved schema versions do "
              "not make one file per record. A record of yet another schema closes all open "
              "files of the topic-partition (the flush reason names this key). 1 is the "
              "connector's behaviour: every schema change closes the files.",
       .min = 1,
       .max = 64},
  };
}

}  // namespace tributary
