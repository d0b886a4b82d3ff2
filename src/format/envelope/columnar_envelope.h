// The envelope of the columnar formats (Avro, Parquet) with store.envelope=true: each
// row is a record of the Kafka record's parts, the value nested as the file's value
// schema, so that keys, headers and timestamps survive an archive and `tributary source`
// restores them (issue #11). The shape mirrors the JSON envelope (envelope.h):
//
//   record io.tributary.TributaryEnvelope {
//     key:      ["null", bytes]            the key's bytes as written to Kafka
//     value:    <the value schema>         declared, inferred or the registry's
//     headers:  array<record io.tributary.TributaryHeader {
//                 name: string, value: ["null", bytes] }>   in producer order, repeats kept
//     metadata: record io.tributary.TributaryMetadata {
//                 topic: string, partition: int, offset: long,
//                 timestamp: ["null", long timestamp-millis] }   null: no timestamp
//   }
//
// Keys and header values are bytes, not strings, so any converter's bytes round-trip
// exactly. In DuckDB: `SELECT value.id, metadata."offset", metadata."timestamp",
// decode(key) FROM 'x.parquet'`.
//
// Readers recognise the envelope by the schema's full name and field names
// (IsColumnarEnvelope), the columnar analogue of "recognised from the content".
//
// Thread safety: functions and a per-writer builder.
#pragma once

#include "format/record.h"
#include "schema/schema.h"
#include "schema/value.h"

namespace tributary {

inline constexpr const char* kColumnarEnvelopeName = "io.tributary.TributaryEnvelope";

// The envelope record around `value`.
Schema ColumnarEnvelopeSchema(const Schema& value);

// True when `s` is the envelope record ColumnarEnvelopeSchema makes.
bool IsColumnarEnvelope(const Schema& s);

// Fills `*out` with the envelope datum of `record` and its converted `*value`. The value
// is moved in (and `*value` left empty); take it back with TakeEnvelopeValue to reuse
// its buffers.
void MakeEnvelopeValue(const Record& record, Value* value, Value* out);
void TakeEnvelopeValue(Value* envelope, Value* value);

}  // namespace tributary
