// Keys of the rotation and exactly-once group: when files close, and how a closed file
// becomes visible exactly once (docs/exactly-once.md).
#include "config/sink_keys.h"

namespace tributary {

std::vector<ConfigKey> RotationKeys() {
  return {
      {.name = "rotate.interval.ms",
       .type = ConfigType::kLong,
       .default_value = "-1",
       .group = "Rotation",
       .doc = "Close a topic-partition's files once their first and latest records are this "
              "far apart, in the time of the timestamp extractor (the connector's meaning). "
              "With the Wallclock extractor an idle partition's files also close when the "
              "interval has passed (the connector waits for new data). -1 disables it.",
       .min = -1},
      {.name = "rotate.schedule.interval.ms",
       .type = ConfigType::kLong,
       .default_value = "-1",
       .group = "Rotation",
       .doc = "Close every open file on a wall-clock schedule, at multiples of this interval "
              "from midnight in `timezone` (required with it, as in the connector), including "
              "the files of partitions that receive no more records. Exactly-once in "
              "`journal` mode; rejected in `deterministic` mode. -1 disables it.",
       .min = -1},
      {.name = "rotate.file.on.partition.change",
       .type = ConfigType::kBool,
       .default_value = "true",
       .group = "Rotation",
       .doc = "With `rotate.interval.ms`: close all files of a topic-partition when a record "
              "goes to a different encoded partition than the previous one (the connector's "
              "behaviour; `false` avoids the small files it causes)."},
      {.name = "flush.bytes",
       .type = ConfigType::kLong,
       .default_value = "-1",
       .group = "Rotation",
       .doc = "Close a topic-partition's files once one of them holds this many bytes of "
              "output (after compression), so objects come out near a target size, e.g. "
              "134217728 for about 128 MiB. -1 disables it.",
       .min = -1},
      {.name = "partitioner.max.open.files",
       .type = ConfigType::kInt,
       .default_value = "-1",
       .group = "Rotation",
       .doc = "At most this many open files per topic-partition: a record for a new encoded "
              "partition beyond the limit closes the open ones first. -1: no limit.",
       .min = -1},
      {.name = "buffer.memory.bytes",
       .type = ConfigType::kLong,
       .default_value = "268435456",
       .group = "Rotation",
       .doc = "One budget for the bytes every open file holds in memory (data not yet sent "
              "as a part, plus an estimate of each file's encoder and codec state). When a "
              "record would exceed it, the topic-partition holding the most sends a part if a "
              "file has at least 5 MiB, otherwise closes its files early (an exact rotation "
              "in either exactly-once mode; counted and logged). Uploads in flight are "
              "bounded separately. Default 256 MiB.",
       .min = 1 << 20},
      {.name = "buffer.spill.dir",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Rotation",
       .doc = "A local directory where open files stage the bytes that do not yet fill a part "
              "(s3.part.size), instead of memory: only a 64 KiB staging buffer and the encoder "
              "state per open file stay in buffer.memory.bytes, so many open files grow to "
              "their rotation size instead of being closed early. The sink uses "
              "`<dir>/<name>/`, locks it, and deletes spill files an earlier run left behind "
              "(their records are re-read from Kafka). Empty: no spilling."},
      {.name = "buffer.spill.max.bytes",
       .type = ConfigType::kLong,
       .default_value = "10737418240",
       .group = "Rotation",
       .doc = "Bound on the bytes in buffer.spill.dir. Over it, the topic-partition with the "
              "most spilled bytes sends a part (5 MiB or more) or closes its files early, as "
              "for buffer.memory.bytes. Default 10 GiB.",
       .min = 1 << 20},
      {.name = "exactly.once.mode",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Rotation",
       .doc = "`journal`: a conditional-write journal per topic-partition makes every rotation "
              "setting exactly-once and fences zombies (needs a store that honours "
              "If-Match/If-None-Match; Tributary refuses to start otherwise). "
              "`deterministic`: the Confluent connector's method (no journal, offsets committed "
              "after objects, identical rewrites) which is exactly-once only when file "
              "boundaries depend on the data alone, so wall-clock rotation is rejected. Empty: "
              "`journal` when the start-up probe shows the store honours conditional writes, "
              "otherwise `deterministic`.",
       .allowed = {"", "journal", "deterministic"}},
      {.name = "journal.prefix",
       .type = ConfigType::kString,
       .default_value = "_tributary/journal",
       .group = "Rotation",
       .doc = "Where the journal objects live: `<journal.prefix>/<name>/<topic>/<partition>.json` "
              "(docs/journal-format.md). Keep it outside `topics.dir`."},
  };
}

}  // namespace tributary
