// Time formatting and parsing for the time-based partitioners (docs/partitioning.md):
//
// - JodaPattern: `path.format`, in the Joda-Time DateTimeFormat pattern syntax that
//   Confluent's TimeBasedPartitioner uses. Letters are fields (yyyy, YYYY, MM, dd, HH,
//   ...), text in single quotes is literal ('year'=), '' is one quote, anything else is
//   literal. Unknown letters are errors, as in Joda.
// - TimeBucket: the start of the partition.duration.ms bucket of an instant, floored in
//   local time as the connector does (§1.4 of sink-anchors.md).
// - ParseIsoInstant: the ISO-8601 strings RecordField timestamps may hold.
//
// Thread safety: JodaPattern is immutable after Compile; the functions are pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sink/time_zone.h"

namespace tributary {

class JodaPattern {
 public:
  // Compiles `pattern`. InvalidArgument naming path.format for an unknown pattern
  // letter or an unterminated quote. `locale` is Joda's locale string ("en", "en_US",
  // "de_DE"); text fields (MMM, EEE, a, G) are written in English, so a pattern with
  // text fields and a non-English locale is rejected rather than written differently
  // from the connector.
  static Result<JodaPattern> Compile(std::string_view pattern, std::string_view locale = "en");

  // The local time of the instant `utc_ms` in `zone`, formatted.
  std::string Format(int64_t utc_ms, const TimeZone& zone) const;

  const std::string& pattern() const { return pattern_; }
  // True when the pattern contains a field (not only literals).
  bool has_fields() const;

 private:
  struct Token {
    char letter = 0;  // 0: literal
    int count = 0;
    std::string literal;
  };
  std::string pattern_;
  std::vector<Token> tokens_;
};

// The start (UTC ms) of the bucket of `duration_ms` that contains `utc_ms`, counted
// from the Unix epoch in the local time of `zone`: floor(local / duration) * duration,
// then back to UTC with Joda's gap and overlap rules (TimeZone::LocalToUtc). The floor is
// mathematical (the connector truncates toward zero, which differs before 1970 only).
int64_t TimeBucket(int64_t utc_ms, int64_t duration_ms, const TimeZone& zone);

// Epoch milliseconds of an ISO-8601 date-time as Joda's ISODateTimeFormat.dateTimeParser
// reads it: `yyyy[-MM[-dd]]` or `yyyy-DDD` (ordinal), optionally `T` and
// `HH[:mm[:ss[.fraction]]]` (`,` also separates the fraction; digits past milliseconds
// are dropped), optionally an offset `Z`, `[+-]hh`, `[+-]hh:mm` or `[+-]hhmm`. Without an
// offset the time is UTC. InvalidArgument (without naming a field; the caller does) when
// the text is not such a date-time.
Result<int64_t> ParseIsoInstant(std::string_view text);

}  // namespace tributary
