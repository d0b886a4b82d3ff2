// TimeFormat: java.text.SimpleDateFormat patterns (the `format` of TimestampConverter,
// `timestamp.format` of TimestampRouter), compiled once, always in UTC as Connect's
// transforms use them.
//
// Supported letters: G y Y M L d D E u a H k K h m s S z Z X, quoted text ('o''clock'),
// and any other non-letter character as a literal. Month and day names are English.
// Parsing accepts what formatting produces (numbers, names, AM/PM, Z/+hh:mm offsets).
//
// Thread safety: immutable after Compile.
#pragma once

#include "common/civil_time.h"  // DaysFromCivil

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace tributary {

class TimeFormat {
 public:
  // InvalidArgument naming the unsupported letter.
  static Result<TimeFormat> Compile(std::string_view pattern);

  // `epoch_ms` formatted in UTC, appended to `out`.
  void Format(int64_t epoch_ms, std::string* out) const;
  std::string Format(int64_t epoch_ms) const {
    std::string s;
    Format(epoch_ms, &s);
    return s;
  }
  // Epoch milliseconds of `text` (UTC unless the text carries an offset). InvalidArgument
  // saying where the text does not match the pattern.
  Result<int64_t> Parse(std::string_view text) const;

  const std::string& pattern() const { return pattern_; }

 private:
  struct Token {
    char letter = 0;   // 0: literal
    int count = 0;     // repetitions of the letter
    std::string text;  // the literal
  };
  std::string pattern_;
  std::vector<Token> tokens_;
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);

}  // namespace tributary
