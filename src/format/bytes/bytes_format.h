// Bytes (io.confluent.connect.s3.format.bytearray.ByteArrayFormat), extension
// options.bytes_extension (".bin" by default).
//
// Each record is its raw value bytes followed by options.bytes_separator — after every
// record, the last one included, as the Confluent writer does (value, then separator).
// The separator comes from format.bytearray.separator after UnescapeSeparator; its
// default is "\n" (the connector's System.lineSeparator() on Linux); it may be empty. A
// null value writes nothing but the separator. With options.envelope each record is the
// envelope JSON followed by the separator.
#pragma once

#include <memory>

#include "format/format_options.h"

namespace tributary {

std::unique_ptr<Format> MakeBytesFormat(const FormatOptions& options);

}  // namespace tributary
