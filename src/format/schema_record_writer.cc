#include "format/schema_record_writer.h"

#include "format/envelope/columnar_envelope.h"
#include "schema/schema_datum.h"
#include "schema/widening.h"

namespace tributary {

#ifndef TRIBUTARY_VERSION
#define TRIBUTARY_VERSION "0.0.0"
#endif
#ifndef TRIBUTARY_BUILD
#define TRIBUTARY_BUILD "unknown"
#endif

std::string TributaryCreatedBy() {
  return fmt::format("tributary version {} (build {})", TRIBUTARY_VERSION, TRIBUTARY_BUILD);
}

std::optional<std::string_view> ValueSchemaIdHeader(const Record& record) {
  std::optional<std::string_view> id_header;
  for (const RecordHeader& h : record.headers) {
    if (h.name == kValueSchemaIdHeader && h.value) id_header = h.value;
  }
  return id_header;
}

SchemaRecordWriter::SchemaRecordWriter(std::string format_name, std::optional<Schema> declared,
                                       uint64_t inference_bytes,
                                       std::shared_ptr<SchemaRegistryClient> registry)
    : format_name_(std::move(format_name)),
      schema_(std::move(declared)),
      inference_bytes_(inference_bytes),
      registry_(std::move(registry)),
      converter_(registry_ ? std::make_unique<RegistryConverter>(registry_) : nullptr),
      reader_(/*reject_unknown_fields=*/!schema_.has_value()),
      inferring_(!schema_.has_value() && !registry_) {}

Status SchemaRecordWriter::Start() {
  started_ = true;
  if (!schema_) schema_ = inferrer_.Current("Value");
  RETURN_IF_ERROR(Begin(envelope_ ? ColumnarEnvelopeSchema(*schema_) : *schema_, origin_));
  for (const Pending& p : pending_) {
    if (!p.held) {
      RETURN_IF_ERROR(Convert(p.json, p.where, nullptr));
      continue;
    }
    const HeldRecord& h = *p.held;
    Record r{.topic = h.topic,
             .partition = Partition(h.partition),
             .offset = Offset(h.offset),
             .timestamp_ms = h.timestamp_ms};
    if (h.key) r.key = *h.key;
    for (const auto& [name, value] : h.headers) {
      r.headers.push_back(
          RecordHeader{name, value ? std::optional<std::string_view>(*value) : std::nullopt});
    }
    RETURN_IF_ERROR(Convert(p.json, p.where, &r));
  }
  pending_.clear();
  pending_.shrink_to_fit();
  pending_bytes_ = 0;
  return Status::OK();
}

Status SchemaRecordWriter::AppendRow(const Record* record) {
  if (!envelope_ || record == nullptr) return Append(value_);
  MakeEnvelopeValue(*record, &value_, &envelope_value_);
  Status st = Append(envelope_value_);
  TakeEnvelopeValue(&envelope_value_, &value_);
  return st;
}

Status SchemaRecordWriter::Convert(std::string_view json, const std::string& where,
                                   const Record* record) {
  Status st = reader_.Read(json, *schema_, &value_);
  if (!st.ok()) return InvalidArgument("{}: {}: {}", where, format_name_, st.message());
  st = AppendRow(record);
  if (!st.ok()) return InvalidArgument("{}: {}: {}", where, format_name_, st.message());
  return Status::OK();
}

Status SchemaRecordWriter::Write(const Record& record) {
  if (closed_)
    return Internal("{}: write after the {} writer was closed", record.Where(), format_name_);
  if (!record.value) {
    return InvalidArgument(
        "{}: {} cannot write a null value (tombstone); set behavior.on.null.values=ignore",
        record.Where(), format_name_);
  }
  if (record.value_datum) return WriteDatum(record);
  if (registry_) return WriteRegistryValue(record);
  auto count = [&] {
    if (origin_.records == 0) {
      origin_.topic = std::string(record.topic);
      origin_.partition = record.partition.value();
      origin_.first_offset = record.offset.value();
    }
    origin_.last_offset = record.offset.value();
    ++origin_.records;
  };
  if (schema_) {
    Status st;
    if (placed_offset_ >= 0 && placed_offset_ == record.offset.value()) {
      placed_offset_ = -1;  // Place read it into value_ already
      st = std::exchange(placed_error_, Status::OK());
      if (!st.ok()) return st;
    } else {
      st = reader_.Read(*record.value, *schema_, &value_);
    }
    if (!st.ok()) return InvalidArgument("{}: {}: {}", record.Where(), format_name_, st.message());
    if (!started_) {
      count();
      RETURN_IF_ERROR(Start());
    } else {
      count();
    }
    st = AppendRow(&record);
    if (!st.ok()) return InvalidArgument("{}: {}: {}", record.Where(), format_name_, st.message());
    return Status::OK();
  }
  Status st = inferrer_.Add(*record.value);
  if (!st.ok()) return InvalidArgument("{}: {}: {}", record.Where(), format_name_, st.message());
  count();
  Pending p{std::string(*record.value), record.Where(), std::nullopt};
  if (envelope_) {
    HeldRecord& h = p.held.emplace();
    h.topic = std::string(record.topic);
    h.partition = record.partition.value();
    h.offset = record.offset.value();
    h.timestamp_ms = record.timestamp_ms;
    if (record.key) h.key = std::string(*record.key);
    for (const RecordHeader& rh : record.headers) {
      h.headers.emplace_back(std::string(rh.name),
                             rh.value ? std::optional<std::string>(*rh.value) : std::nullopt);
    }
  }
  pending_.push_back(std::move(p));
  pending_bytes_ += record.value->size();
  if (pending_bytes_ >= inference_bytes_) return Start();
  return Status::OK();
}

Status SchemaRecordWriter::WriteRegistryValue(const Record& record) {
  auto fail = [&](const Status& st) {
    return Status(st.code(), fmt::format("{}: {}: {}", record.Where(), format_name_, st.message()));
  };
  RegistryConverter::Decoded decoded;
  // An unknown id is the record's fault (errors.tolerance applies, the converter makes it
  // kInvalidArgument); an unreachable registry is not, and stays retriable.
  // The header form (a schema GUID in __value_schema_id) wins over the payload prefix.
  Status st = converter_->Decode(*record.value, ValueSchemaIdHeader(record), &decoded, &value_);
  if (!st.ok()) return fail(st);
  const Projection* projection = nullptr;
  if (started_ && decoded.schema_key != schema_key_ && !(*decoded.schema == *schema_)) {
    // Place() decided that this file takes it: projected to the file's schema.
    auto p = mode_ == SchemaCompatibility::kNone
                 ? Result<const Projection*>(InvalidArgument("schema.compatibility=NONE"))
                 : ProjectionFrom(decoded.schema_key, *decoded.schema);
    if (!p.ok()) {
      return InvalidArgument("{}: {}: {} differs from the file's {} ({})", record.Where(),
                             format_name_, decoded.schema_key, schema_key_, p.status().message());
    }
    projection = *p;
    st = projection->Apply(value_, &projected_);
    if (!st.ok()) return fail(st);
    std::swap(value_, projected_);
  }
  if (origin_.records == 0) {
    origin_.topic = std::string(record.topic);
    origin_.partition = record.partition.value();
    origin_.first_offset = record.offset.value();
  }
  if (!started_) {
    schema_ = *decoded.schema;
    schema_key_ = decoded.schema_key;
    auto framed = ParseFramedValue(*record.value, ValueSchemaIdHeader(record));
    schema_id_ = framed.ok() ? framed->ref.id : -1;
    RETURN_IF_ERROR(Start());
  }
  if (envelope_) {
    st = AppendRow(&record);
  } else if (decoded.avro && projection == nullptr) {
    st = AppendEncoded(decoded.avro_datum, value_);
  } else {
    st = Append(value_);
  }
  if (!st.ok()) return fail(st);
  origin_.last_offset = record.offset.value();
  ++origin_.records;
  return Status::OK();
}

void SchemaRecordWriter::StartWith(std::shared_ptr<const Schema> schema) {
  if (!started_ && schema && pending_.empty()) schema_ = *schema;
}

SchemaPlacement SchemaRecordWriter::Place(const Record& record, SchemaCompatibility mode) {
  mode_ = mode;
  if (!record.value || closed_ || !started_) return {};  // Write decides
  if (record.value_datum) return PlaceDatum(record, mode);
  if (registry_) return PlaceRegistryValue(record, mode);
  if (inferring_) return PlaceInferred(record);
  return {};
}

Result<const Projection*> SchemaRecordWriter::ProjectionFrom(const std::string& key,
                                                             const Schema& schema) {
  auto it = projections_.find(key);
  if (it == projections_.end()) {
    it = projections_.emplace(key, Projection::Make(schema, *schema_)).first;
  }
  if (!it->second.ok()) return it->second.status();
  return &*it->second;
}

SchemaPlacement SchemaRecordWriter::PlaceRegistryValue(const Record& record,
                                                       SchemaCompatibility mode) {
  const std::optional<std::string_view> header = ValueSchemaIdHeader(record);
  auto framed = ParseFramedValue(*record.value, header);
  if (!framed.ok()) return {};  // Write reports it
  // The file's id or GUID: its schema (a Protobuf message index that differs is Write's to
  // report). Only a record naming another schema is decoded here.
  const std::string ref = framed->ref.Describe();
  if (schema_key_ == ref || schema_key_.starts_with(ref + " ")) return {};
  RegistryConverter::Decoded decoded;
  if (!converter_->Decode(*record.value, header, &decoded, &placed_).ok()) return {};
  if (decoded.schema_key == schema_key_ || *decoded.schema == *schema_) return {};
  const int64_t file_version = SchemaVersion(*schema_, schema_id_);
  const int64_t version = SchemaVersion(*decoded.schema, framed->ref.id);
  SchemaPlacement p;
  switch (DecideSchema(mode, *schema_, file_version, *decoded.schema, version)) {
    case SchemaDecision::kSame:
      return p;
    case SchemaDecision::kNewFile:
      if (mode == SchemaCompatibility::kNone) {
        p.action = SchemaPlacement::Action::kOtherFile;
        return p;
      }
      p.action = SchemaPlacement::Action::kRotate;
      p.reason = fmt::format(
          "schema.compatibility={}: {} (version {}) is {} than the file's {} (version {})",
          SchemaCompatibilityName(mode), decoded.schema_key, version,
          version > file_version ? "newer" : "older", schema_key_, file_version);
      return p;
    case SchemaDecision::kProject: {
      auto projection = ProjectionFrom(decoded.schema_key, *decoded.schema);
      if (projection.ok()) return p;
      p.action = SchemaPlacement::Action::kRotate;
      p.reason =
          fmt::format("schema.compatibility={}: {} cannot be projected to the file's {} ({})",
                      SchemaCompatibilityName(mode), decoded.schema_key, schema_key_,
                      projection.status().message());
      return p;
    }
  }
  return p;
}

SchemaPlacement SchemaRecordWriter::PlaceDatum(const Record& record, SchemaCompatibility mode) {
  const SchemaDatum& datum = *record.value_datum;
  if (datum.schema == datum_schema_ || *datum.schema == *schema_) return {};
  // A transform gave this record another schema than the file's (a predicate applied it
  // to some records only): another file under NONE, else a rotation. Transformed schemas
  // have no registry version to project by.
  SchemaPlacement p;
  if (mode == SchemaCompatibility::kNone) {
    p.action = SchemaPlacement::Action::kOtherFile;
    return p;
  }
  p.action = SchemaPlacement::Action::kRotate;
  p.reason = fmt::format("schema.compatibility={}: {}'s transformed schema differs from the file's",
                         SchemaCompatibilityName(mode), record.Where());
  return p;
}

SchemaPlacement SchemaRecordWriter::PlaceInferred(const Record& record) {
  Status st = reader_.Read(*record.value, *schema_, &value_);
  placed_offset_ = record.offset.value();
  placed_error_ = Status::OK();
  if (st.ok()) return {};
  auto widened = WidenInferredSchema(*schema_, *record.value);
  if (!widened.ok() || *widened == *schema_) {
    // Cannot be widened (or does not fit for another reason): a bad record.
    placed_error_ = InvalidArgument("{}: {}: schema.inference: {}", record.Where(), format_name_,
                                    widened.ok() ? st.message() : widened.status().message());
    return {};
  }
  placed_offset_ = -1;
  SchemaPlacement p;
  p.action = SchemaPlacement::Action::kRotate;
  p.reason = fmt::format("schema.inference: {} does not fit the file's inferred schema ({})",
                         record.Where(), st.message());
  p.schema = std::make_shared<const Schema>(std::move(*widened));
  return p;
}

Status SchemaRecordWriter::WriteDatum(const Record& record) {
  const SchemaDatum& datum = *record.value_datum;
  if (started_ && datum.schema != datum_schema_) {
    if (!(*datum.schema == *schema_)) {
      return InvalidArgument(
          "{}: {}: the transformed record's schema differs from the file's; rotating files on "
          "a schema change is not implemented yet",
          record.Where(), format_name_);
    }
    datum_schema_ = datum.schema;  // equal: later records of this schema compare by pointer
  }
  if (origin_.records == 0) {
    origin_.topic = std::string(record.topic);
    origin_.partition = record.partition.value();
    origin_.first_offset = record.offset.value();
  }
  if (!started_) {
    schema_ = *datum.schema;
    datum_schema_ = datum.schema;
    Status st = Start();
    if (!st.ok()) {
      return Status(st.code(),
                    fmt::format("{}: {}: {}", record.Where(), format_name_, st.message()));
    }
  }
  Status st;
  if (envelope_) {
    value_ = datum.value;  // the envelope wraps value_
    st = AppendRow(&record);
  } else {
    st = Append(datum.value);
  }
  if (!st.ok()) return InvalidArgument("{}: {}: {}", record.Where(), format_name_, st.message());
  origin_.last_offset = record.offset.value();
  ++origin_.records;
  return Status::OK();
}

Status SchemaRecordWriter::Close() {
  if (closed_) return Status::OK();
  closed_ = true;
  if (!started_) RETURN_IF_ERROR(Start());
  return Finish(origin_);
}

}  // namespace tributary
