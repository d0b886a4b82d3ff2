// RecordWriter: encodes records of one output file into an OutputStream.
//
// A writer is created per file, receives records in offset order, and is closed once
// when the file rotates. Write errors that concern one record (a value that cannot be
// encoded) are kInvalidArgument and name the record (Record::Where()); the caller
// decides, by errors.tolerance, whether to stop or skip.
//
// Thread safety: a writer is used by one thread.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "format/output_stream.h"
#include "format/record.h"
#include "schema/compatibility.h"
#include "schema/schema.h"

namespace tributary {

// Where a record goes relative to a schema-bearing file (RecordWriter::Place; schema
// evolution, docs/schema-evolution.md).
struct SchemaPlacement {
  enum class Action {
    kAppend,     // this file takes the record (as it is, or projected to the file's schema)
    kOtherFile,  // the record's schema needs another file (schema.compatibility=NONE)
    kRotate,     // close the open files and start a new one for it, because of `reason`
  };
  Action action = Action::kAppend;
  std::string reason;
  // kRotate: the schema the new file starts with (a widened inferred schema), or null.
  std::shared_ptr<const Schema> schema;
};

class RecordWriter {
 public:
  virtual ~RecordWriter() = default;
  virtual Status Write(const Record& record) = 0;
  // Writes any trailer. The stream holds the whole file afterwards (a compressing stream
  // still needs its own Close()).
  virtual Status Close() = 0;
  // Records this writer accepted but did not write because a filter rejected them (the
  // text format's regex). Zero for writers without a filter.
  virtual uint64_t filtered() const { return 0; }
  // Bytes this writer holds that have not reached the stream yet (a Parquet row group,
  // an Avro block), for the memory budget and flush.bytes. Row formats hold none.
  virtual uint64_t BufferedBytes() const { return 0; }
  // Schema-bearing writers (format/schema_record_writer.h): may this file take `record`
  // under `mode`? Called before Write; Write must follow only after kAppend. Writers
  // without a schema take every record.
  virtual SchemaPlacement Place(const Record& /*record*/, SchemaCompatibility /*mode*/) {
    return {};
  }
  // Before the first Write: the file's schema is `schema` (from a kRotate placement).
  virtual void StartWith(std::shared_ptr<const Schema> /*schema*/) {}
};

// How the value bytes of a record are interpreted (Connect's value.converter).
enum class ValueEncoding {
  kJson,    // JsonConverter: the value is JSON text
  kString,  // StringConverter: the value is UTF-8 text
  kBytes,   // ByteArrayConverter: the value is opaque bytes
};

// A file format: its extension and a factory of writers.
class Format {
 public:
  virtual ~Format() = default;
  // ".json"
  virtual std::string Extension() const = 0;
  // The returned writer borrows `out`, which must outlive it.
  virtual std::unique_ptr<RecordWriter> NewWriter(OutputStream* out) const = 0;
};

}  // namespace tributary
