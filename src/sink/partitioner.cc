#include "sink/partitioner.h"

#include <fmt/format.h>

#include <charconv>

#include "common/strings.h"
#include "config/sink_keys.h"
#include "sink/object_naming.h"
#include "sink/time_format.h"
#include "sink/time_zone.h"

namespace tributary {
namespace {

constexpr int64_t kHourMs = 3600000;
constexpr int64_t kDayMs = 24 * kHourMs;

// ---- timestamp extractors ----

class WallclockExtractor final : public TimestampExtractor {
 public:
  Result<int64_t> Extract(const Record&, int64_t now_ms) const override { return now_ms; }
  bool deterministic() const override { return false; }
};

class RecordTimestampExtractor final : public TimestampExtractor {
 public:
  Result<int64_t> Extract(const Record& record, int64_t) const override {
    if (record.timestamp_ms < 0) {
      return InvalidArgument(
          "{}: the record has no Kafka timestamp, which timestamp.extractor=Record needs",
          record.Where());
    }
    return record.timestamp_ms;
  }
  bool deterministic() const override { return true; }
};

// Connector rule: a string of 1-19 digits (optionally negative) is epoch milliseconds;
// anything else is parsed as an ISO-8601 date-time.
Result<int64_t> TimestampFromString(std::string_view s) {
  std::string_view digits = s.substr(!s.empty() && s[0] == '-' ? 1 : 0);
  if (!digits.empty() && digits.size() <= 19 &&
      digits.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && ptr == s.data() + s.size()) return v;
  }
  return ParseIsoInstant(s);
}

class RecordFieldExtractor final : public TimestampExtractor {
 public:
  RecordFieldExtractor(FieldPath path, SchemaEnvelope envelope)
      : paths_{std::move(path)}, envelope_(envelope) {}

  Result<int64_t> Extract(const Record& record, int64_t) const override {
    const std::string& name = paths_[0].name;
    if (!record.value) {
      return InvalidArgument(
          "{}: timestamp.field '{}': the value is null (a tombstone), so it has no timestamp",
          record.Where(), name);
    }
    auto fields = ReadJsonFields(*record.value, paths_, envelope_);
    if (!fields.ok()) {
      return InvalidArgument("{}: timestamp.field '{}': {}", record.Where(), name,
                             fields.status().message());
    }
    return FromScalar(record, (*fields)[0]);
  }

  // The time in an already read timestamp.field value.
  Result<int64_t> FromScalar(const Record& record, const JsonScalar& f) const {
    const std::string& name = paths_[0].name;
    switch (f.kind) {
      case JsonScalar::Kind::kInt:
        return f.int_value;
      case JsonScalar::Kind::kFloat:
        // Connect's Number.longValue(): the fraction is dropped.
        if (!(f.float_value > -9.2e18 && f.float_value < 9.2e18)) break;
        return static_cast<int64_t>(f.float_value);
      case JsonScalar::Kind::kString: {
        auto ts = TimestampFromString(f.string_value);
        if (!ts.ok()) {
          return InvalidArgument("{}: timestamp.field '{}': {}", record.Where(), name,
                                 ts.status().message());
        }
        return *ts;
      }
      case JsonScalar::Kind::kNull:
        return InvalidArgument("{}: timestamp.field '{}' is null", record.Where(), name);
      default:
        break;
    }
    return InvalidArgument(
        "{}: timestamp.field '{}' is {}; expected epoch milliseconds (a number or a numeric "
        "string) or an ISO-8601 string",
        record.Where(), name,
        f.kind == JsonScalar::Kind::kFloat ? f.number_text : std::string(JsonKindName(f.kind)));
  }
  bool deterministic() const override { return true; }
  const FieldPath& path() const { return paths_[0]; }
  SchemaEnvelope envelope() const { return envelope_; }

 private:
  std::vector<FieldPath> paths_;
  SchemaEnvelope envelope_;
};

// ---- encoders ----

class FieldEncoder {
 public:
  FieldEncoder(std::vector<FieldPath> paths, bool labels, std::string delim,
               SchemaEnvelope envelope)
      : paths_(std::move(paths)), labels_(labels), delim_(std::move(delim)), envelope_(envelope) {}

  Result<std::string> Encode(const Record& record) const {
    if (!record.value) {
      return InvalidArgument(
          "{}: partition.field.name: the value is null (a tombstone), so it has no field '{}'",
          record.Where(), paths_[0].name);
    }
    auto fields = ReadJsonFields(*record.value, paths_, envelope_);
    if (!fields.ok()) {
      return InvalidArgument("{}: partition.field.name: {}", record.Where(),
                             fields.status().message());
    }
    return FromScalars(record, *fields);
  }

  // The encoded fields from already read values, in paths() order (extra values after
  // them are ignored).
  Result<std::string> FromScalars(const Record& record,
                                  const std::vector<JsonScalar>& fields) const {
    std::string out;
    for (size_t i = 0; i < paths_.size(); ++i) {
      if (i) out += delim_;
      if (labels_) out += paths_[i].name + "=";
      const JsonScalar& f = fields[i];
      switch (f.kind) {
        case JsonScalar::Kind::kNull:
          out += "null";
          break;
        case JsonScalar::Kind::kInt:
          out += std::to_string(f.int_value);
          break;
        case JsonScalar::Kind::kBool:
          out += f.bool_value ? "true" : "false";
          break;
        case JsonScalar::Kind::kString:
          out += EscapePartitionValue(f.string_value, delim_);
          break;
        default:
          return InvalidArgument(
              "{}: partition.field.name: field '{}' is {}; partition fields must be integers, "
              "strings or booleans",
              record.Where(), paths_[i].name,
              f.kind == JsonScalar::Kind::kFloat ? "a floating-point number (" + f.number_text + ")"
                                                 : std::string(JsonKindName(f.kind)));
      }
    }
    return out;
  }
  const std::vector<FieldPath>& paths() const { return paths_; }
  SchemaEnvelope envelope() const { return envelope_; }

 private:
  std::vector<FieldPath> paths_;
  bool labels_;
  std::string delim_;
  SchemaEnvelope envelope_;
};

class TimeEncoder {
 public:
  TimeEncoder(int64_t duration_ms, JodaPattern pattern, TimeZone zone,
              std::unique_ptr<TimestampExtractor> extractor)
      : duration_ms_(duration_ms),
        pattern_(std::move(pattern)),
        zone_(std::move(zone)),
        extractor_(std::move(extractor)) {}

  Result<std::string> Encode(const Record& record, int64_t now_ms) const {
    ASSIGN_OR_RETURN(int64_t ts, extractor_->Extract(record, now_ms));
    return EncodeAt(ts);
  }
  std::string EncodeAt(int64_t ts) const {
    return pattern_.Format(TimeBucket(ts, duration_ms_, zone_), zone_);
  }
  const TimestampExtractor* extractor() const { return extractor_.get(); }

 private:
  int64_t duration_ms_;
  JodaPattern pattern_;
  TimeZone zone_;
  std::unique_ptr<TimestampExtractor> extractor_;
};

// ---- partitioners ----

class DefaultPartitioner final : public Partitioner {
 public:
  Result<std::string> Encode(const Record& record, int64_t /*now_ms*/) const override {
    return fmt::format("partition={}", record.partition.value());
  }
};

class FieldPartitioner final : public Partitioner {
 public:
  explicit FieldPartitioner(FieldEncoder fields) : fields_(std::move(fields)) {}
  Result<std::string> Encode(const Record& record, int64_t) const override {
    return fields_.Encode(record);
  }

 private:
  FieldEncoder fields_;
};

class TimeBasedPartitioner final : public Partitioner {
 public:
  explicit TimeBasedPartitioner(TimeEncoder time) : time_(std::move(time)) {}
  Result<std::string> Encode(const Record& record, int64_t now_ms) const override {
    return time_.Encode(record, now_ms);
  }
  const TimestampExtractor* timestamp_extractor() const override { return time_.extractor(); }
  bool deterministic() const override { return time_.extractor()->deterministic(); }

 private:
  TimeEncoder time_;
};

class FieldAndTimePartitioner final : public Partitioner {
 public:
  FieldAndTimePartitioner(FieldEncoder fields, TimeEncoder time, std::string delim)
      : fields_(std::move(fields)),
        time_(std::move(time)),
        delim_(std::move(delim)),
        record_field_(dynamic_cast<const RecordFieldExtractor*>(time_.extractor())) {
    if (record_field_) {
      all_paths_ = fields_.paths();
      all_paths_.push_back(record_field_->path());
    }
  }
  Result<std::string> Encode(const Record& record, int64_t now_ms) const override {
    if (record_field_ && record.value && record_field_->envelope() == fields_.envelope()) {
      // Fields and timestamp from one pass over the value.
      auto values = ReadJsonFields(*record.value, all_paths_, fields_.envelope());
      if (values.ok()) {
        ASSIGN_OR_RETURN(std::string fields, fields_.FromScalars(record, *values));
        ASSIGN_OR_RETURN(int64_t ts, record_field_->FromScalar(record, values->back()));
        return fields + delim_ + time_.EncodeAt(ts);
      }
      // Otherwise read them apart, for an error that names the right key.
    }
    ASSIGN_OR_RETURN(std::string fields, fields_.Encode(record));
    ASSIGN_OR_RETURN(std::string time, time_.Encode(record, now_ms));
    return fields + delim_ + time;
  }
  const TimestampExtractor* timestamp_extractor() const override { return time_.extractor(); }
  bool deterministic() const override { return time_.extractor()->deterministic(); }

 private:
  FieldEncoder fields_;
  TimeEncoder time_;
  std::string delim_;
  const RecordFieldExtractor* record_field_;  // owned by time_; null for other extractors
  std::vector<FieldPath> all_paths_;          // the fields, then timestamp.field
};

// behavior.on.null.values=write: tombstones go to one fixed directory (the connector's
// tombstone.encoded.partition), everything else to the wrapped partitioner.
class NullRoutingPartitioner final : public Partitioner {
 public:
  NullRoutingPartitioner(std::unique_ptr<Partitioner> inner, std::string tombstone)
      : inner_(std::move(inner)), tombstone_(std::move(tombstone)) {}
  Result<std::string> Encode(const Record& record, int64_t now_ms) const override {
    if (!record.value) return tombstone_;
    return inner_->Encode(record, now_ms);
  }
  const TimestampExtractor* timestamp_extractor() const override {
    return inner_->timestamp_extractor();
  }
  bool deterministic() const override { return inner_->deterministic(); }

 private:
  std::unique_ptr<Partitioner> inner_;
  std::string tombstone_;
};

// Aiven's file.name.template: the encoded partition is the template with topic,
// partition, key and timestamp bound; the writer's naming binds the offsets.
class TemplatePartitioner final : public Partitioner {
 public:
  TemplatePartitioner(FileNameTemplate tmpl, bool event_time, TimeZone zone)
      : tmpl_(std::move(tmpl)), event_time_(event_time), zone_(std::move(zone)) {}
  Result<std::string> Encode(const Record& record, int64_t now_ms) const override {
    int64_t ts = now_ms;
    if (event_time_ && tmpl_.uses_timestamp()) {
      if (record.timestamp_ms < 0) {
        return InvalidArgument(
            "{}: the record has no Kafka timestamp, which file.name.timestamp.source=event "
            "needs for {{{{timestamp}}}} in file.name.template",
            record.Where());
      }
      ts = record.timestamp_ms;
    }
    return tmpl_.BindRecord({std::string(record.topic), record.partition}, record.key, ts,
                            zone_.OffsetMs(ts));
  }
  bool deterministic() const override { return event_time_ || !tmpl_.uses_timestamp(); }

 private:
  FileNameTemplate tmpl_;
  bool event_time_;
  TimeZone zone_;
};

// ---- class names ----

struct ClassName {
  std::string_view short_name;
  PartitionerKind kind;
};
constexpr ClassName kPartitioners[] = {
    {"DefaultPartitioner", PartitionerKind::kDefault},
    {"FieldPartitioner", PartitionerKind::kField},
    {"TimeBasedPartitioner", PartitionerKind::kTimeBased},
    {"HourlyPartitioner", PartitionerKind::kHourly},
    {"DailyPartitioner", PartitionerKind::kDaily},
    {"FieldAndTimeBasedPartitioner", PartitionerKind::kFieldAndTime},
};
constexpr std::string_view kConfluentPackage = "io.confluent.connect.storage.partitioner.";

std::string_view KindName(PartitionerKind kind) {
  for (const auto& c : kPartitioners) {
    if (c.kind == kind) return c.short_name;
  }
  return "?";
}

bool TimeBased(PartitionerKind kind) {
  return kind == PartitionerKind::kTimeBased || kind == PartitionerKind::kHourly ||
         kind == PartitionerKind::kDaily || kind == PartitionerKind::kFieldAndTime;
}

bool HasFields(PartitionerKind kind) {
  return kind == PartitionerKind::kField || kind == PartitionerKind::kFieldAndTime;
}

// The value of a key whether or not this build's table declares it.
std::string RawValue(const Config& config, std::string_view key) {
  return config.IsSet(key) ? std::string(Trim(config.GetRawString(key))) : std::string();
}

}  // namespace

std::string EscapePartitionValue(std::string_view value, std::string_view directory_delim) {
  static constexpr std::string_view kEscaped = "\"#%'*/:=?\\{[]^";
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || kEscaped.find(c) != std::string_view::npos ||
        directory_delim.find(c) != std::string_view::npos) {
      fmt::format_to(std::back_inserter(out), "%{:02X}", u);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<PartitionerOptions> ParsePartitionerOptions(const Config& config) {
  PartitionerOptions o;
  o.directory_delim = config.GetRawString("directory.delim");
  std::vector<std::string> problems;

  // Class: Confluent's package or none; our own FieldAndTimeBasedPartitioner also under
  // the name of the popular community class it replaces.
  const std::string cls = config.GetString("partitioner.class");
  std::string_view short_name = cls;
  if (EqualsIgnoreCase(cls, "com.canelmas.kafka.connect.FieldAndTimeBasedPartitioner")) {
    short_name = "FieldAndTimeBasedPartitioner";
  } else if (cls.size() > kConfluentPackage.size() &&
             EqualsIgnoreCase(std::string_view(cls).substr(0, kConfluentPackage.size()),
                              kConfluentPackage)) {
    short_name = std::string_view(cls).substr(kConfluentPackage.size());
  }
  bool known = false;
  for (const auto& c : kPartitioners) {
    if (EqualsIgnoreCase(short_name, c.short_name)) {
      o.kind = c.kind;
      known = true;
    }
  }
  if (!known) {
    return InvalidArgument(
        "partitioner.class: '{}' is not a partitioner Tributary has (custom Java classes "
        "cannot run); expected DefaultPartitioner, FieldPartitioner, TimeBasedPartitioner, "
        "HourlyPartitioner, DailyPartitioner or FieldAndTimeBasedPartitioner",
        cls);
  }
  o.partitioner_class = o.kind == PartitionerKind::kFieldAndTime
                            ? std::string(KindName(o.kind))
                            : std::string(kConfluentPackage) + std::string(KindName(o.kind));
  const std::string name(KindName(o.kind));

  o.field_names = config.GetList("partition.field.name");
  o.field_labels = config.GetBool("partition.field.format.path");
  if (HasFields(o.kind)) {
    if (o.field_names.empty()) {
      problems.push_back(fmt::format(
          "partition.field.name: {} needs at least one field name (e.g. country,address.city)",
          name));
    }
    for (const auto& f : o.field_names) {
      auto p = FieldPath::Parse(f, "partition.field.name");
      if (!p.ok()) problems.push_back(p.status().message());
    }
  }

  const std::string extractor = config.GetString("timestamp.extractor");
  std::string_view ex = extractor;
  constexpr std::string_view kExtractorPrefix =
      "io.confluent.connect.storage.partitioner.TimeBasedPartitioner$";
  if (ex.size() > kExtractorPrefix.size() &&
      ex.substr(0, kExtractorPrefix.size()) == kExtractorPrefix &&
      ex.ends_with("TimestampExtractor")) {
    ex = ex.substr(kExtractorPrefix.size(), ex.size() - kExtractorPrefix.size() -
                                                std::string_view("TimestampExtractor").size());
  }
  if (EqualsIgnoreCase(ex, "Wallclock")) {
    o.extractor = TimestampExtractorKind::kWallclock;
  } else if (EqualsIgnoreCase(ex, "Record")) {
    o.extractor = TimestampExtractorKind::kRecord;
  } else if (EqualsIgnoreCase(ex, "RecordField")) {
    o.extractor = TimestampExtractorKind::kRecordField;
  } else if (TimeBased(o.kind)) {
    // Only the time-based partitioners use an extractor (the connector ignores the key
    // otherwise).
    problems.push_back(fmt::format(
        "timestamp.extractor: '{}' is not an extractor Tributary has (custom Java classes "
        "cannot run); expected Wallclock, Record or RecordField",
        extractor));
  }
  o.timestamp_field = config.GetString("timestamp.field");
  if (o.extractor == TimestampExtractorKind::kRecordField && TimeBased(o.kind)) {
    if (o.timestamp_field.empty()) {
      problems.push_back(
          "timestamp.field: timestamp.extractor=RecordField reads the time from this field of "
          "the value, so it must name one (e.g. created_at or event.time)");
    } else if (auto p = FieldPath::Parse(o.timestamp_field, "timestamp.field"); !p.ok()) {
      problems.push_back(p.status().message());
    }
  }

  o.partition_duration_ms = config.GetLong("partition.duration.ms");
  o.path_format = config.GetRawString("path.format");
  o.locale = config.GetString("locale");
  o.timezone = config.GetString("timezone");
  if (o.kind == PartitionerKind::kHourly || o.kind == PartitionerKind::kDaily) {
    // Presets, as the connector's Hourly/DailyPartitioner set them (they override
    // partition.duration.ms and path.format).
    const std::string& d = o.directory_delim;
    o.partition_duration_ms = o.kind == PartitionerKind::kHourly ? kHourMs : kDayMs;
    o.path_format = "'year'=YYYY" + d + "'month'=MM" + d + "'day'=dd";
    if (o.kind == PartitionerKind::kHourly) o.path_format += d + "'hour'=HH";
  }
  if (TimeBased(o.kind)) {
    if (o.partition_duration_ms <= 0) {
      problems.push_back(fmt::format(
          "partition.duration.ms: {} puts each record in the time bucket of this length, so it "
          "must be > 0 (e.g. 3600000 for hours); got {}",
          name, o.partition_duration_ms));
    }
    if (Trim(o.path_format).empty() || o.path_format == o.directory_delim) {
      problems.push_back(fmt::format(
          "path.format: {} names each bucket's directory with this Joda pattern, so it must "
          "not be empty (e.g. 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH)",
          name));
    } else if (!o.directory_delim.empty() && o.path_format.ends_with(o.directory_delim)) {
      o.path_format.resize(o.path_format.size() - o.directory_delim.size());
    }
    if (o.locale.empty()) {
      problems.push_back(fmt::format(
          "locale: {} needs a locale for path.format, as the connector does (e.g. en or en_US)",
          name));
    }
    if (o.timezone.empty()) {
      problems.push_back(fmt::format(
          "timezone: {} needs the zone whose local time buckets and path.format use (e.g. UTC, "
          "Europe/Berlin or +05:30)",
          name));
    }
  }
  // Scheduled rotation aligns to multiples of its interval from midnight in `timezone`.
  // The key belongs to the rotation options: checked once the key table declares it (an
  // undeclared key is only reported as unused).
  const std::string schedule = SinkConfigTable().Find("rotate.schedule.interval.ms")
                                   ? RawValue(config, "rotate.schedule.interval.ms")
                                   : std::string();
  int64_t schedule_ms = -1;
  std::from_chars(schedule.data(), schedule.data() + schedule.size(), schedule_ms);
  if (schedule_ms > 0 && o.timezone.empty()) {
    problems.push_back(
        "rotate.schedule.interval.ms and timezone: scheduled rotation closes files at "
        "multiples of the interval from midnight in `timezone`, so timezone must be set "
        "(e.g. UTC)");
  }

  // JsonConverter wraps values in {"schema", "payload"} when schemas.enable is true.
  const std::string converter = config.GetString("value.converter");
  const std::string schemas = ToLower(RawValue(config, "value.converter.schemas.enable"));
  if (!EndsWithIgnoreCase(converter, "JsonConverter")) {
    o.schema_envelope = SchemaEnvelope::kNever;
  } else if (schemas == "true") {
    o.schema_envelope = SchemaEnvelope::kAlways;
  } else if (schemas == "false") {
    o.schema_envelope = SchemaEnvelope::kNever;
  } else if (!schemas.empty()) {
    problems.push_back(
        fmt::format("value.converter.schemas.enable: expected true or false, got '{}'", schemas));
  } else {
    o.schema_envelope = SchemaEnvelope::kDetect;
  }

  o.route_null_values = EqualsIgnoreCase(config.GetString("behavior.on.null.values"), "write");
  o.tombstone_partition = config.GetString("tombstone.encoded.partition");
  if (o.route_null_values && o.tombstone_partition.empty()) {
    problems.push_back(
        "tombstone.encoded.partition: behavior.on.null.values=write puts null values in this "
        "directory, so it must not be empty");
  }

  // Aiven's naming dialect.
  o.file_name_template = config.GetString("file.name.template");
  o.file_name_timestamp_event =
      EqualsIgnoreCase(config.GetString("file.name.timestamp.source"), "event");
  o.file_name_timestamp_timezone = config.GetString("file.name.timestamp.timezone");
  if (!o.file_name_template.empty()) {
    if (config.IsSet("partitioner.class") && o.kind != PartitionerKind::kDefault) {
      problems.push_back(fmt::format(
          "file.name.template and partitioner.class: the template names the whole object key "
          "(Aiven's dialect), so it cannot be combined with {}; remove one",
          name));
    }
    if (auto t = FileNameTemplate::Parse(o.file_name_template); !t.ok()) {
      problems.push_back(t.status().message());
    }
  }

  if (!problems.empty()) {
    std::string msg = "invalid partitioner configuration:";
    for (const auto& p : problems) msg += "\n  " + p;
    return InvalidArgument("{}", msg);
  }
  return o;
}

Result<std::unique_ptr<TimestampExtractor>> MakeTimestampExtractor(
    const PartitionerOptions& options) {
  switch (options.extractor) {
    case TimestampExtractorKind::kWallclock:
      return std::unique_ptr<TimestampExtractor>(std::make_unique<WallclockExtractor>());
    case TimestampExtractorKind::kRecord:
      return std::unique_ptr<TimestampExtractor>(std::make_unique<RecordTimestampExtractor>());
    case TimestampExtractorKind::kRecordField: {
      ASSIGN_OR_RETURN(FieldPath path,
                       FieldPath::Parse(options.timestamp_field, "timestamp.field"));
      return std::unique_ptr<TimestampExtractor>(
          std::make_unique<RecordFieldExtractor>(std::move(path), options.schema_envelope));
    }
  }
  return Internal("unknown timestamp extractor");
}

Result<std::unique_ptr<Partitioner>> MakePartitioner(const PartitionerOptions& options) {
  auto fields = [&]() -> Result<FieldEncoder> {
    std::vector<FieldPath> paths;
    for (const auto& f : options.field_names) {
      ASSIGN_OR_RETURN(FieldPath p, FieldPath::Parse(f, "partition.field.name"));
      paths.push_back(std::move(p));
    }
    if (paths.empty()) {
      return InvalidArgument("partition.field.name: {} needs at least one field name",
                             KindName(options.kind));
    }
    return FieldEncoder(std::move(paths), options.field_labels, options.directory_delim,
                        options.schema_envelope);
  };
  auto time = [&]() -> Result<TimeEncoder> {
    if (options.partition_duration_ms <= 0) {
      return InvalidArgument("partition.duration.ms: expected > 0, got {}",
                             options.partition_duration_ms);
    }
    ASSIGN_OR_RETURN(JodaPattern pattern,
                     JodaPattern::Compile(options.path_format, options.locale));
    if (!pattern.has_fields()) {
      return InvalidArgument(
          "path.format: '{}' has no date or time field, so every record would land in one "
          "directory; quote only the literal parts (e.g. 'year'=YYYY)",
          options.path_format);
    }
    ASSIGN_OR_RETURN(TimeZone zone, TimeZone::Load(options.timezone));
    ASSIGN_OR_RETURN(auto extractor, MakeTimestampExtractor(options));
    return TimeEncoder(options.partition_duration_ms, std::move(pattern), std::move(zone),
                       std::move(extractor));
  };

  if (!options.file_name_template.empty()) {
    ASSIGN_OR_RETURN(FileNameTemplate tmpl, FileNameTemplate::Parse(options.file_name_template));
    auto zone = TimeZone::Load(options.file_name_timestamp_timezone);
    if (!zone.ok()) {
      return InvalidArgument("file.name.timestamp.timezone: {}", zone.status().message());
    }
    return std::unique_ptr<Partitioner>(std::make_unique<TemplatePartitioner>(
        std::move(tmpl), options.file_name_timestamp_event, std::move(*zone)));
  }
  std::unique_ptr<Partitioner> p;
  switch (options.kind) {
    case PartitionerKind::kDefault:
      p = std::make_unique<DefaultPartitioner>();
      break;
    case PartitionerKind::kField: {
      ASSIGN_OR_RETURN(FieldEncoder f, fields());
      p = std::make_unique<FieldPartitioner>(std::move(f));
      break;
    }
    case PartitionerKind::kTimeBased:
    case PartitionerKind::kHourly:
    case PartitionerKind::kDaily: {
      ASSIGN_OR_RETURN(TimeEncoder t, time());
      p = std::make_unique<TimeBasedPartitioner>(std::move(t));
      break;
    }
    case PartitionerKind::kFieldAndTime: {
      ASSIGN_OR_RETURN(FieldEncoder f, fields());
      ASSIGN_OR_RETURN(TimeEncoder t, time());
      p = std::make_unique<FieldAndTimePartitioner>(std::move(f), std::move(t),
                                                    options.directory_delim);
      break;
    }
  }
  if (options.route_null_values) {
    p = std::make_unique<NullRoutingPartitioner>(std::move(p), options.tombstone_partition);
  }
  return p;
}

}  // namespace tributary
