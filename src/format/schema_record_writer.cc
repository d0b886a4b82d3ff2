#include "format/schema_record_writer.h"

#include "format/envelope/columnar_envelope.h"
#include "schema/avro_decoder.h"

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
      reader_(/*reject_unknown_fields=*/!schema_.has_value()) {}

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
    Status st = reader_.Read(*record.value, *schema_, &value_);
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
  if (started_ && header->schema_id != schema_id_ && !(**schema == *schema_)) {
    return InvalidArgument(
        "{}: {}: schema id {} differs from the file's schema id {}; rotating files on a "
        "schema change is not implemented yet",
        record.Where(), format_name_, header->schema_id, schema_id_);
  }
  std::string_view datum = header->payload;
  Status st = DecodeAvro(**schema, &datum, &value_);
  if (st.ok() && !datum.empty()) {
    st = InvalidArgument("{} bytes left after the Avro datum of schema id {}", datum.size(),
                         header->schema_id);
  }
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
  st = envelope_ ? AppendRow(&record) : AppendEncoded(header->payload, value_);
  if (!st.ok()) return fail(st);
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
