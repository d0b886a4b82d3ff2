// Readers of the row formats the sink writes (src/format/README.md, "Formats and their
// bytes"), the inverse of the row writers: JSON lines and JSON arrays (bare values, the
// envelope, Aiven's record objects), CSV, bytes with a separator, text.
//
// The reader is given an object's decompressed bytes and the FormatOptions the sink
// wrote it with (the source reuses the sink's keys). Envelopes are recognised from the
// content: when an object's first record is an envelope object
// (`{"key":..,"value":..,"headers":{..},"metadata":{..}}`, format/envelope/envelope.h),
// every record of it must be, and key, value, headers, topic, partition, offset and
// timestamp come from it. Otherwise records are bare values and only `value` is set.
//
// Values and keys decode by the converters the sink used: kJson gives the JSON text as
// written (embedded, unchanged), kString the decoded JSON string, kBytes the base64
// decoded bytes; JSON null is a null key/value. Header values are JSON strings (the
// writer base64-encodes values that are not UTF-8, and the reader cannot tell those
// from text, so they come back as the base64 text) or null.
//
// Columnar formats (Avro, Parquet) are not read here: MakeObjectReader (source/object_reader.h)
// sends them to the columnar readers.
//
// Thread safety: a reader is used by one thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "format/format_options.h"
#include "format/reader/record_reader.h"

namespace tributary {

// A reader over `bytes` (decompressed), named `name` in errors. InvalidArgument for a
// kind this function does not read (Avro, Parquet) or options it cannot invert (bytes
// with an empty separator).
Result<std::unique_ptr<RecordReader>> MakeRowReader(const FormatOptions& options, std::string name,
                                                    std::string bytes);

// Decodes an envelope's `metadata` object (JSON or columnar envelope): topic, partition,
// offset, timestamp (null: none) into `out` and their has_* flags.
Status DecodeEnvelopeMetadata(std::string_view metadata, ReadRecord* out);

// As above, streaming: the decompressed bytes come from `stream` as records need them, so
// a reader holds the bytes of its current record and one piece of the stream (JSON
// arrays excepted: they are read whole).
class ByteStream;
Result<std::unique_ptr<RecordReader>> MakeRowReader(const FormatOptions& options, std::string name,
                                                    std::unique_ptr<ByteStream> stream);

}  // namespace tributary
