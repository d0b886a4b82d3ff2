// The sink's configuration keys: the Confluent S3 sink connector's names and defaults
// (see shared/reference/sink-anchors.md §1.2), plus the Connect worker keys a standalone
// process needs. Only keys this version implements are declared; others are reported
// as unused rather than silently honoured.
#pragma once

#include "config/config.h"

namespace tributary {

const ConfigTable& SinkConfigTable();

// The table is assembled from one list per concern, each in its own file, in this order
// (which is also the order of docs/CONFIGURATION.md's sections).
std::vector<ConfigKey> CoreSinkKeys();      // sink_keys.cc
std::vector<ConfigKey> ColumnarKeys();      // columnar_keys.cc
std::vector<ConfigKey> EvolutionKeys();     // evolution_keys.cc (schema.compatibility)
std::vector<ConfigKey> PartitionerKeys();   // partitioner_keys.cc
std::vector<ConfigKey> AivenKeys();         // aiven_keys.cc
std::vector<ConfigKey> RotationKeys();      // rotation_keys.cc
std::vector<ConfigKey> ErrorKeys();         // error_keys.cc
std::vector<ConfigKey> ServerKeys();        // server_keys.cc (issue #9)
std::vector<ConfigKey> TransformKeys();     // transform_keys.cc
std::vector<ConfigKey> SideFileKeys();      // side_file_keys.cc (issue #4)
std::vector<ConfigKey> EnvelopeSinkKeys();  // source_keys.cc (store.envelope)

// The keys only `tributary source` reads (source_keys.cc); the source reads the sink's
// table too.
std::vector<ConfigKey> SourceKeys();
const ConfigTable& SourceConfigTable();

// Prefixes whose keys are passed through rather than declared one by one.
const std::vector<std::string>& SinkPassThroughPrefixes();

// Canonical names for accepted class-name aliases ("JsonFormat" and
// "io.confluent.connect.s3.format.json.JsonFormat" are the same format).
inline constexpr std::string_view kJsonFormatClass =
    "io.confluent.connect.s3.format.json.JsonFormat";
inline constexpr std::string_view kByteArrayFormatClass =
    "io.confluent.connect.s3.format.bytearray.ByteArrayFormat";
inline constexpr std::string_view kAvroFormatClass =
    "io.confluent.connect.s3.format.avro.AvroFormat";
inline constexpr std::string_view kParquetFormatClass =
    "io.confluent.connect.s3.format.parquet.ParquetFormat";
inline constexpr std::string_view kDefaultPartitionerClass =
    "io.confluent.connect.storage.partitioner.DefaultPartitioner";

}  // namespace tributary
