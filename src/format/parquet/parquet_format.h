// ParquetFormat (io.confluent.connect.s3.format.parquet.ParquetFormat): Parquet files
// written by ParquetFileWriter (file_writer.h) from JSON record values and a declared or
// inferred schema (format/schema_record_writer.h). Extension ".<codec>.parquet" as
// Confluent names them (".snappy.parquet", ".gz.parquet", ".zstd.parquet",
// ".lz4raw.parquet"; ".parquet" without compression).
//
// Footer key_value_metadata: tributary.topic, tributary.partition,
// tributary.offset.first, tributary.offset.last, tributary.record.count and
// tributary.avro.schema (the file's schema as Avro JSON, logical types kept).
//
// Thread safety: the Format is immutable and may be shared; each writer is used by one
// thread.
#pragma once

#include <memory>

#include "common/status.h"
#include "format/format_options.h"

namespace tributary {

Result<std::unique_ptr<Format>> MakeParquetFormat(const FormatOptions& options);

}  // namespace tributary
