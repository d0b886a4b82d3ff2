#include "sink/time_format.h"

#include <fmt/format.h>

#include <cstdlib>

#include "common/strings.h"

namespace tributary {
namespace {

constexpr int64_t kDayMs = 86400000;

constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
constexpr std::string_view kWeekdays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                          "Friday", "Saturday", "Sunday"};

// The Joda pattern letters (DateTimeFormat): era, century, year of era, weekyear, week,
// day of week (number, text), year, day of year, month, day, halfday, hour (four
// clocks), minute, second, fraction, zone name, zone offset.
constexpr std::string_view kPatternLetters = "GCYxweEyDMdaKhHkmsSzZ";
constexpr std::string_view kTextLetters = "GEaz";

void AppendPadded(std::string* out, int64_t v, int width) {
  if (v < 0) {
    out->push_back('-');
    v = -v;
  }
  fmt::format_to(std::back_inserter(*out), "{:0{}d}", v, width);
}

std::string OffsetText(int64_t offset_ms, bool colon) {
  const char sign = offset_ms < 0 ? '-' : '+';
  const int64_t a = std::llabs(offset_ms) / 1000;
  return fmt::format("{}{:02}{}{:02}", sign, a / 3600, colon ? ":" : "", a / 60 % 60);
}

}  // namespace

Result<JodaPattern> JodaPattern::Compile(std::string_view pattern, std::string_view locale) {
  JodaPattern p;
  p.pattern_ = std::string(pattern);
  bool text_fields = false;
  size_t i = 0;
  auto add_literal = [&](std::string_view s) {
    if (p.tokens_.empty() || p.tokens_.back().letter != 0) p.tokens_.push_back({});
    p.tokens_.back().literal += s;
  };
  while (i < pattern.size()) {
    const char c = pattern[i];
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      size_t j = i;
      while (j < pattern.size() && pattern[j] == c) ++j;
      if (kPatternLetters.find(c) == std::string_view::npos) {
        return InvalidArgument(
            "path.format: '{}' is not a Joda pattern letter in '{}' (quote literal text, "
            "e.g. 'year'=YYYY)",
            c, pattern);
      }
      const int count = static_cast<int>(j - i);
      if (kTextLetters.find(c) != std::string_view::npos || (c == 'M' && count >= 3)) {
        text_fields = true;
      }
      p.tokens_.push_back({c, count, {}});
      i = j;
    } else if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
        add_literal("'");
        i += 2;
        continue;
      }
      std::string lit;
      size_t j = i + 1;
      for (;; ++j) {
        if (j >= pattern.size()) {
          return InvalidArgument("path.format: unterminated quote in '{}'", pattern);
        }
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            lit.push_back('\'');
            ++j;
            continue;
          }
          break;
        }
        lit.push_back(pattern[j]);
      }
      add_literal(lit);
      i = j + 1;
    } else {
      add_literal(pattern.substr(i, 1));
      ++i;
    }
  }
  const std::string lang = ToLower(Trim(locale).substr(0, Trim(locale).find_first_of("_-")));
  if (text_fields && lang != "en") {
    return InvalidArgument(
        "path.format and locale: '{}' has text fields (month or weekday names, AM/PM, era, "
        "zone names), which Tributary writes in English only; locale is '{}'. Use numeric "
        "fields or locale=en",
        pattern, locale);
  }
  return p;
}

bool JodaPattern::has_fields() const {
  for (const Token& t : tokens_) {
    if (t.letter != 0) return true;
  }
  return false;
}

std::string JodaPattern::Format(int64_t utc_ms, const TimeZone& zone) const {
  const int64_t offset = zone.OffsetMs(utc_ms);
  const int64_t local = utc_ms + offset;
  const int64_t days = FloorDiv(local, kDayMs);
  const int64_t ms_of_day = local - days * kDayMs;
  const CivilDate date = CivilFromDays(days);
  const int hour = static_cast<int>(ms_of_day / 3600000);
  const int minute = static_cast<int>(ms_of_day / 60000 % 60);
  const int second = static_cast<int>(ms_of_day / 1000 % 60);
  const int millis = static_cast<int>(ms_of_day % 1000);
  const int weekday = IsoWeekday(days);
  const int64_t day_of_year = days - DaysFromCivil(date.year, 1, 1) + 1;
  const int64_t year_of_era = date.year <= 0 ? 1 - date.year : date.year;
  // ISO week: the week (Monday first) containing the Thursday of the date's week.
  const int64_t thursday = days + (4 - weekday);
  const int64_t weekyear = CivilFromDays(thursday).year;
  const int64_t week = (thursday - DaysFromCivil(weekyear, 1, 1)) / 7 + 1;

  std::string out;
  for (const Token& t : tokens_) {
    const int n = t.count;
    switch (t.letter) {
      case 0:
        out += t.literal;
        break;
      case 'G':
        out += date.year <= 0 ? "BC" : "AD";
        break;
      case 'C':
        AppendPadded(&out, year_of_era / 100, n);
        break;
      case 'Y':
        if (n == 2) {
          AppendPadded(&out, ((date.year % 100) + 100) % 100, 2);
        } else {
          AppendPadded(&out, year_of_era, n);
        }
        break;
      case 'y':
        AppendPadded(&out, n == 2 ? ((date.year % 100) + 100) % 100 : date.year, n == 2 ? 2 : n);
        break;
      case 'x':
        AppendPadded(&out, n == 2 ? ((weekyear % 100) + 100) % 100 : weekyear, n == 2 ? 2 : n);
        break;
      case 'w':
        AppendPadded(&out, week, n);
        break;
      case 'e':
        AppendPadded(&out, weekday, n);
        break;
      case 'E':
        out += n >= 4 ? kWeekdays[weekday - 1] : kWeekdays[weekday - 1].substr(0, 3);
        break;
      case 'D':
        AppendPadded(&out, day_of_year, n);
        break;
      case 'M':
        if (n >= 4) {
          out += kMonths[date.month - 1];
        } else if (n == 3) {
          out += kMonths[date.month - 1].substr(0, 3);
        } else {
          AppendPadded(&out, date.month, n);
        }
        break;
      case 'd':
        AppendPadded(&out, date.day, n);
        break;
      case 'a':
        out += hour < 12 ? "AM" : "PM";
        break;
      case 'K':
        AppendPadded(&out, hour % 12, n);
        break;
      case 'h':
        AppendPadded(&out, hour % 12 == 0 ? 12 : hour % 12, n);
        break;
      case 'H':
        AppendPadded(&out, hour, n);
        break;
      case 'k':
        AppendPadded(&out, hour == 0 ? 24 : hour, n);
        break;
      case 'm':
        AppendPadded(&out, minute, n);
        break;
      case 's':
        AppendPadded(&out, second, n);
        break;
      case 'S': {
        // The fraction of the second in exactly n digits (truncated, or zero-filled).
        std::string digits = fmt::format("{:03d}", millis);
        digits.resize(static_cast<size_t>(n), '0');
        out += digits;
        break;
      }
      case 'z':
        out += n >= 4 ? zone.id() : zone.Abbreviation(utc_ms);
        break;
      case 'Z':
        out += n >= 3 ? zone.id() : OffsetText(offset, n == 2);
        break;
      default:
        break;
    }
  }
  return out;
}

int64_t TimeBucket(int64_t utc_ms, int64_t duration_ms, const TimeZone& zone) {
  const int64_t local = zone.UtcToLocal(utc_ms);
  return zone.LocalToUtc(FloorDiv(local, duration_ms) * duration_ms);
}

Result<int64_t> ParseIsoInstant(std::string_view text) {
  const std::string_view s = Trim(text);
  size_t i = 0;
  auto bad = [&]() {
    return InvalidArgument(
        "'{}' is not an ISO-8601 date-time (expected e.g. 2024-01-15T10:30:00Z, "
        "2024-01-15T10:30:00.123+01:00 or epoch milliseconds)",
        text);
  };
  auto digits = [&](int min, int max, int64_t* out) {
    size_t start = i;
    int64_t v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && static_cast<int>(i - start) < max) {
      v = v * 10 + (s[i++] - '0');
    }
    *out = v;
    return static_cast<int>(i - start) >= min;
  };
  auto eat = [&](char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  int sign = 1;
  if (eat('-')) {
    sign = -1;
  } else {
    eat('+');
  }
  int64_t year = 0, month = 1, day = 1;
  if (!digits(4, 9, &year)) return bad();
  year *= sign;
  int64_t days = 0;
  if (eat('-')) {
    const size_t field_start = i;
    int64_t v = 0;
    if (!digits(2, 3, &v)) return bad();
    if (i - field_start == 3) {  // ordinal date yyyy-DDD
      if (v < 1 || v > (IsLeapYear(year) ? 366 : 365)) return bad();
      days = DaysFromCivil(year, 1, 1) + v - 1;
    } else {
      month = v;
      if (month < 1 || month > 12) return bad();
      if (eat('-') && !digits(2, 2, &day)) return bad();
      if (day < 1 || day > DaysInMonth(year, static_cast<int>(month))) return bad();
      days = DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day));
    }
  } else {
    days = DaysFromCivil(year, 1, 1);
  }
  int64_t ms = days * kDayMs;
  if (eat('T')) {
    int64_t h = 0, m = 0, sec = 0, frac_ms = 0;
    if (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (!digits(2, 2, &h) || h > 23) return bad();
      if (eat(':')) {
        if (!digits(2, 2, &m) || m > 59) return bad();
        if (eat(':')) {
          if (!digits(2, 2, &sec) || sec > 59) return bad();
          if (eat('.') || eat(',')) {
            int64_t scale = 100;
            size_t start = i;
            while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
              frac_ms += (s[i] - '0') * scale;
              scale /= 10;
              ++i;
            }
            if (i == start) return bad();
          }
        }
      }
    }
    ms += h * 3600000 + m * 60000 + sec * 1000 + frac_ms;
    if (i < s.size()) {
      if (eat('Z')) {
        // UTC
      } else if (s[i] == '+' || s[i] == '-') {
        const int64_t osign = s[i] == '-' ? -1 : 1;
        ++i;
        int64_t oh = 0, om = 0;
        if (!digits(2, 2, &oh) || oh > 23) return bad();
        if (eat(':')) {
          if (!digits(2, 2, &om)) return bad();
        } else if (i < s.size()) {
          if (!digits(2, 2, &om)) return bad();
        }
        if (om > 59) return bad();
        ms -= osign * (oh * 3600000 + om * 60000);
      }
    }
  }
  if (i != s.size()) return bad();
  return ms;
}

}  // namespace tributary
