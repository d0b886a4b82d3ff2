#include "format/schema_record_writer.h"

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
      reader_(/*reject_unknown_fields=*/!schema_.has_value()) {}

Status SchemaRecordWriter::Start() {
  started_ = true;
  if (!schema_) schema_ = inferrer_.Current("Value");
  RETURN_IF_ERROR(Begin(*schema_, origin_));
  for (const Pending& p : pending_) RETURN_IF_ERROR(Convert(p.json, p.where));
  pending_.clear();
  pending_.shrink_to_fit();
  pending_bytes_ = 0;
  return Status::OK();
}

Status SchemaRecordWriter::Convert(std::string_view json, const std::string& where) {
  Status st = reader_.Read(json, *schema_, &value_);
  if (!st.ok()) return InvalidArgument("{}: {}: {}", where, format_name_, st.message());
  st = Append(value_);
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
    st = Append(value_);
    if (!st.ok()) return InvalidArgument("{}: {}: {}", record.Where(), format_name_, st.message());
    return Status::OK();
  }
  Status st = inferrer_.Add(*record.value);
  if (!st.ok()) return InvalidArgument("{}: {}: {}", record.Where(), format_name_, st.message());
  count();
  pending_.push_back(Pending{std::string(*record.value), record.Where()});
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
  if (started_ && decoded.schema_key != schema_key_ && !(*decoded.schema == *schema_)) {
    return InvalidArgument(
        "{}: {}: {} differs from the file's {}; rotating files on a "
        "schema change is not implemented yet",
        record.Where(), format_name_, decoded.schema_key, schema_key_);
  }
  if (origin_.records == 0) {
    origin_.topic = std::string(record.topic);
    origin_.partition = record.partition.value();
    origin_.first_offset = record.offset.value();
  }
  if (!started_) {
    schema_ = *decoded.schema;
    schema_key_ = decoded.schema_key;
    RETURN_IF_ERROR(Start());
  }
  st = decoded.avro ? AppendEncoded(decoded.avro_datum, value_) : Append(value_);
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
