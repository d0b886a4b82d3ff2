// Text, extension ".txt": one record per line.
//
// A line is the value's bytes (taken as UTF-8, written as they are) with three escapes
// so that a record is always exactly one line and the file can be decoded back:
// backslash → "\\", LF → "\n", CR → "\r" (two characters each). A null value is an
// empty line. With options.envelope the line is the envelope JSON instead (JSON escapes
// already keep it on one line).
//
// Filter: with options.text_filter_regex set, a record is written only when RE2 finds a
// match anywhere in its raw value bytes (before escaping; a null value is matched as
// ""). Rejected records are counted by filtered() and handed to options.on_filtered.
#pragma once

#include <memory>

#include "format/format_options.h"

namespace tributary {

// InvalidArgument naming the regex option when RE2 rejects the pattern.
Result<std::unique_ptr<Format>> MakeTextFormat(const FormatOptions& options);

}  // namespace tributary
