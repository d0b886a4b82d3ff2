// Keys of the partitioner group: how records map to directories (Confluent's
// PartitionerConfig) and the time they are partitioned by. Parsed and cross-checked by
// ParsePartitionerOptions (sink/partitioner.h); user guide in docs/partitioning.md.
#include "config/sink_keys.h"

namespace tributary {

namespace {

std::vector<std::string> PartitionerClassNames() {
  std::vector<std::string> names;
  for (const char* n : {"DefaultPartitioner", "FieldPartitioner", "TimeBasedPartitioner",
                        "HourlyPartitioner", "DailyPartitioner"}) {
    names.push_back(std::string("io.confluent.connect.storage.partitioner.") + n);
    names.push_back(n);
  }
  names.push_back("FieldAndTimeBasedPartitioner");
  names.push_back("com.canelmas.kafka.connect.FieldAndTimeBasedPartitioner");
  return names;
}

}  // namespace

std::vector<ConfigKey> PartitionerKeys() {
  return {
      {.name = "partitioner.class",
       .type = ConfigType::kString,
       .default_value = std::string(kDefaultPartitionerClass),
       .group = "Partitioner",
       .doc = "How records map to directories (docs/partitioning.md). `DefaultPartitioner`: "
              "`partition=<kafka partition>`. `FieldPartitioner`: `f1=v1/f2=v2` from "
              "`partition.field.name`. `TimeBasedPartitioner`: `path.format` of the record's "
              "`partition.duration.ms` bucket. `HourlyPartitioner` / `DailyPartitioner`: "
              "`year=YYYY/month=MM/day=dd[/hour=HH]`. `FieldAndTimeBasedPartitioner`: the "
              "fields, then the time path. Short names and the "
              "`io.confluent.connect.storage.partitioner.` names are both accepted.",
       .allowed = PartitionerClassNames()},
      {.name = "partition.field.name",
       .type = ConfigType::kList,
       .default_value = "",
       .group = "Partitioner",
       .doc = "Fields of the (JSON) value that FieldPartitioner and "
              "FieldAndTimeBasedPartitioner partition by, in order; nested fields as `a.b`. "
              "Integer, string and boolean values are allowed; null is written `f=null`; "
              "characters that would break the key are %-escaped."},
      {.name = "partition.field.format.path",
       .type = ConfigType::kBool,
       .default_value = "true",
       .group = "Partitioner",
       .doc = "FieldAndTimeBasedPartitioner and FieldPartitioner: write fields as `name=value` "
              "(true) or as the bare value (false)."},
      {.name = "partition.duration.ms",
       .type = ConfigType::kLong,
       .default_value = "-1",
       .group = "Partitioner",
       .doc = "Length of a time bucket for TimeBasedPartitioner and "
              "FieldAndTimeBasedPartitioner (required, > 0). Buckets are counted from the epoch "
              "in `timezone`'s local time (3600000: local hours; 86400000: local days)."},
      {.name = "path.format",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Partitioner",
       .doc = "Directory of a time bucket, as a Joda-Time pattern: "
              "`'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH` (quoted text is literal). A trailing "
              "`directory.delim` is dropped. Required by TimeBasedPartitioner."},
      {.name = "locale",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Partitioner",
       .doc = "Locale of `path.format` (required by the time-based partitioners, as by the "
              "connector). Text fields (month and day names) are written in English only, so "
              "they need an `en` locale."},
      {.name = "timezone",
       .type = ConfigType::kString,
       .default_value = "",
       .group = "Partitioner",
       .doc = "Zone of the time buckets and `path.format` (required by the time-based "
              "partitioners and by `rotate.schedule.interval.ms`): a region id such as "
              "`Europe/Berlin` (daylight saving time from the system's tz database), `UTC`, or "
              "an offset `[+-]hh:mm`."},
      {.name = "timestamp.extractor",
       .type = ConfigType::kString,
       .default_value = "Wallclock",
       .group = "Partitioner",
       .doc = "The time of a record: `Wallclock` (when it is processed; not repeatable on "
              "replay), `Record` (its Kafka timestamp), `RecordField` (`timestamp.field` of "
              "the value). The connector's `...TimeBasedPartitioner$RecordTimestampExtractor` "
              "class names are accepted."},
      {.name = "timestamp.field",
       .type = ConfigType::kString,
       .default_value = "timestamp",
       .group = "Partitioner",
       .doc = "Field holding the time for `timestamp.extractor=RecordField`; nested as `a.b`. "
              "Epoch milliseconds as a number or numeric string, or an ISO-8601 string "
              "(`2024-01-15T10:30:00Z`, `...+01:00`; UTC when no offset is given)."},
      {.name = "tombstone.encoded.partition",
       .type = ConfigType::kString,
       .default_value = "tombstone",
       .group = "Partitioner",
       .doc = "Directory of records with a null value when `behavior.on.null.values=write`."},
  };
}

}  // namespace tributary
