// Opens one data object for reading: fetches it, decompresses it by its extension (or
// the configured codec when the key has none), and returns the reader of its format.
//
// The single place where format kinds map to readers: row formats go to
// MakeRowReader (row_readers.h); Avro and Parquet go to MakeColumnarReader
// (format/reader/columnar_reader.h), which reads their own codecs.
//
// Thread safety: functions; the store is used from the calling thread.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "format/codec/codec.h"
#include "format/format_options.h"
#include "format/reader/record_reader.h"
#include "objstore/object_store.h"

namespace tributary {

// `codec` is the configured one (s3.compression.type), used for keys without any
// extension; otherwise the key's codec extension decides.
Result<std::unique_ptr<RecordReader>> OpenObject(ObjectStore& store, const FormatOptions& format,
                                                 Codec codec, const std::string& key);

// A reader of a columnar object's bytes; Tributary's columnar envelopes
// (format/envelope/columnar_envelope.h, recognised by their schema) give back key,
// headers, topic, partition, offset and timestamp, other files their values only.
Result<std::unique_ptr<RecordReader>> OpenColumnar(FormatKind kind, const std::string& key,
                                                   std::string bytes);

// A reader of a Confluent key side file, one key per record of its data object, each
// record's `value` the key: JSON lines (`.keys.json[.gz..]`, decoded by
// `format.key_encoding`), Avro (`.keys.avro`), or any other name: raw keys each followed
// by `bytes_separator` (keys.format.class=ByteArrayFormat; a key that contains the
// separator cannot be told apart and makes the counts differ, an error).
Result<std::unique_ptr<RecordReader>> OpenKeysObject(ObjectStore& store,
                                                     const FormatOptions& format,
                                                     const std::string& key,
                                                     const std::string& bytes_separator = "\n");

// A reader of a header side file (JSON lines or Avro): each record's `value` is the
// record's headers as JSON: `{"headers":[{"key":..,"value":..},...]}` (JSON) or the
// array itself (Avro). ParseHeaders turns either into `out`'s headers.
Result<std::unique_ptr<RecordReader>> OpenHeadersObject(ObjectStore& store, const std::string& key);
Status ParseHeaders(std::string_view json, const std::string& object, ReadRecord* out);

}  // namespace tributary
