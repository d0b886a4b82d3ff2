#include "format/schema_record_writer.h"

#include "format/envelope/columnar_envelope.h"
#include "schema/avro_decoder.h"
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

SchemaRecordWriter::SchemaRecordWriter(std::string format_name, std::optional<Schema> declared,
                                       uint64_t inference_bytes,
                                       std::shared_ptr<SchemaRegistryClient> registry)
    : format_name_(std::move(format_name)),
      schema_(std::move(declared)),
      inference_bytes_(inference_bytes),
      registry_(std::move(registry)),
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
      r.headers.push_back(RecordHeader{name, value ? std::optional<std::string_view>(*value)
                                                   : std::nullopt});
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
  if (closed_) return Internal("{}: write after the {} writer was closed", record.Where(), format_name_);
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
  auto header = ParseWireFormat(*record.value);
  if (!header.ok()) return fail(header.status());
  auto schema = registry_->AvroSchemaById(header->schema_id);
  if (!schema.ok()) {
    // An unknown id is the record's fault (errors.tolerance applies); an unreachable
    // registry is not, and stays retriable.
    if (schema.status().code() == StatusCode::kNotFound) {
      return fail(Status(StatusCode::kInvalidArgument, schema.status().message()));
    }
    return fail(schema.status());
  }
  const Projection* projection = nullptr;
  if (started_ && header->schema_id != schema_id_ && !(**schema == *schema_)) {
    // Place() decided that this file takes it: projected to the file's schema.
    auto p = mode_ == SchemaCompatibility::kNone
                 ? Result<const Projection*>(InvalidArgument("schema.compatibility=NONE"))
                 : ProjectionFrom(header->schema_id, **schema);
    if (!p.ok()) {
      return InvalidArgument("{}: {}: schema id {} differs from the file's schema id {} ({})",
                             record.Where(), format_name_, header->schema_id, schema_id_,
                             p.status().message());
    }
    projection = *p;
  }
  std::string_view datum = header->payload;
  Status st = DecodeAvro(**schema, &datum, &value_);
  if (st.ok() && !datum.empty()) {
    st = InvalidArgument("{} bytes left after the Avro datum of schema id {}", datum.size(),
                         header->schema_id);
  }
  if (st.ok() && projection != nullptr) st = projection->Apply(value_, &projected_);
  if (!st.ok()) return fail(st);
  if (origin_.records == 0) {
    origin_.topic = std::string(record.topic);
    origin_.partition = record.partition.value();
    origin_.first_offset = record.offset.value();
  }
  if (!started_) {
    schema_ = **schema;
    schema_id_ = header->schema_id;
    RETURN_IF_ERROR(Start());
  }
  if (projection != nullptr) std::swap(value_, projected_);
  if (envelope_) {
    st = AppendRow(&record);
  } else {
    st = projection != nullptr ? Append(value_) : AppendEncoded(header->payload, value_);
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

Result<const Projection*> SchemaRecordWriter::ProjectionFrom(int32_t id, const Schema& schema) {
  auto it = projections_.find(id);
  if (it == projections_.end())
    it = projections_.emplace(id, Projection::Make(schema, *schema_)).first;
  if (!it->second.ok()) return it->second.status();
  return &*it->second;
}

SchemaPlacement SchemaRecordWriter::PlaceRegistryValue(const Record& record,
                                                       SchemaCompatibility mode) {
  auto header = ParseWireFormat(*record.value);
  if (!header.ok() || header->schema_id == schema_id_) return {};
  auto schema = registry_->AvroSchemaById(header->schema_id);
  if (!schema.ok()) return {};  // Write reports it
  const int64_t file_version = SchemaVersion(*schema_, schema_id_);
  const int64_t version = SchemaVersion(**schema, header->schema_id);
  SchemaPlacement p;
  switch (DecideSchema(mode, *schema_, file_version, **schema, version)) {
    case SchemaDecision::kSame:
      return p;
    case SchemaDecision::kNewFile:
      if (mode == SchemaCompatibility::kNone) {
        p.action = SchemaPlacement::Action::kOtherFile;
        return p;
      }
      p.action = SchemaPlacement::Action::kRotate;
      p.reason = fmt::format(
          "schema.compatibility={}: schema id {} (version {}) is {} than the file's schema id "
          "{} (version {})",
          SchemaCompatibilityName(mode), header->schema_id, version,
          version > file_version ? "newer" : "older", schema_id_, file_version);
      return p;
    case SchemaDecision::kProject: {
      auto projection = ProjectionFrom(header->schema_id, **schema);
      if (projection.ok()) return p;
      p.action = SchemaPlacement::Action::kRotate;
      p.reason = fmt::format(
          "schema.compatibility={}: schema id {} cannot be projected to the file's schema id "
          "{} ({})",
          SchemaCompatibilityName(mode), header->schema_id, schema_id_,
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
