// AvroFormat (io.confluent.connect.s3.format.avro.AvroFormat): Avro object container
// files, extension ".avro", written by AvroContainerWriter (avro_container.h) from JSON
// record values and a declared or inferred schema (format/schema_record_writer.h).
//
// Header metadata besides avro.schema and avro.codec: tributary.topic,
// tributary.partition, tributary.offset.first (the first record's offset; the last one
// is not known when the header is written — Tributary's object metadata and the Parquet
// footer carry the full range) and tributary.created.by.
//
// Thread safety: the Format is immutable and may be shared; each writer is used by one
// thread.
#pragma once

#include <memory>

#include "common/status.h"
#include "format/format_options.h"

namespace tributary {

Result<std::unique_ptr<Format>> MakeAvroFormat(const FormatOptions& options);

}  // namespace tributary
