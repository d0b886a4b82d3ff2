#include "transform/time_format.h"

#include <cctype>
#include <cstring>

namespace tributary {
namespace {

constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
constexpr const char* kDays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                 "Friday", "Saturday", "Sunday"};
constexpr int64_t kMsPerDay = 86400000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

void AppendPadded(int64_t v, int width, std::string* out) {
  if (v < 0) {
    out->push_back('-');
    v = -v;
  }
  std::string digits = std::to_string(v);
  if (static_cast<int>(digits.size()) < width) out->append(width - digits.size(), '0');
  out->append(digits);
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

Result<TimeFormat> TimeFormat::Compile(std::string_view pattern) {
  TimeFormat f;
  f.pattern_ = std::string(pattern);
  static constexpr std::string_view kLetters = "GyYMLdDEuaHkKhmsSzZX";
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (c == '\'') {
      // Quoted literal; '' is a single quote.
      std::string text;
      size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '\'') {
        text.push_back('\'');
        j++;
      } else {
        for (; j < pattern.size(); ++j) {
          if (pattern[j] == '\'') {
            if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
              text.push_back('\'');
              ++j;
              continue;
            }
            break;
          }
          text.push_back(pattern[j]);
        }
        if (j >= pattern.size()) {
          return InvalidArgument("date format '{}': unterminated quote", pattern);
        }
        ++j;
      }
      f.tokens_.push_back({0, 0, text});
      i = j;
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c))) {
      if (kLetters.find(c) == std::string_view::npos) {
        return InvalidArgument("date format '{}': unsupported pattern letter '{}'", pattern, c);
      }
      size_t j = i;
      while (j < pattern.size() && pattern[j] == c) ++j;
      f.tokens_.push_back({c, static_cast<int>(j - i), {}});
      i = j;
      continue;
    }
    if (!f.tokens_.empty() && f.tokens_.back().letter == 0) {
      f.tokens_.back().text.push_back(c);
    } else {
      f.tokens_.push_back({0, 0, std::string(1, c)});
    }
    ++i;
  }
  return f;
}

void TimeFormat::Format(int64_t epoch_ms, std::string* out) const {
  const int64_t days = FloorDiv(epoch_ms, kMsPerDay);
  const int64_t ms_of_day = epoch_ms - days * kMsPerDay;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  const int hour = static_cast<int>(ms_of_day / 3600000);
  const int minute = static_cast<int>(ms_of_day / 60000 % 60);
  const int second = static_cast<int>(ms_of_day / 1000 % 60);
  const int milli = static_cast<int>(ms_of_day % 1000);
  const int dow = static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
  for (const Token& t : tokens_) {
    switch (t.letter) {
      case 0:
        out->append(t.text);
        break;
      case 'G':
        out->append(y > 0 ? "AD" : "BC");
        break;
      case 'y':
      case 'Y':
        if (t.count == 2) {
          AppendPadded(((y % 100) + 100) % 100, 2, out);
        } else {
          AppendPadded(y, t.count, out);
        }
        break;
      case 'M':
      case 'L':
        if (t.count >= 4) {
          out->append(kMonths[m - 1]);
        } else if (t.count == 3) {
          out->append(kMonths[m - 1], 3);
        } else {
          AppendPadded(m, t.count, out);
        }
        break;
      case 'd':
        AppendPadded(d, t.count, out);
        break;
      case 'D':
        AppendPadded(days - DaysFromCivil(y, 1, 1) + 1, t.count, out);
        break;
      case 'E':
        if (t.count >= 4) {
          out->append(kDays[dow]);
        } else {
          out->append(kDays[dow], 3);
        }
        break;
      case 'u':
        AppendPadded(dow + 1, t.count, out);
        break;
      case 'a':
        out->append(hour < 12 ? "AM" : "PM");
        break;
      case 'H':
        AppendPadded(hour, t.count, out);
        break;
      case 'k':
        AppendPadded(hour == 0 ? 24 : hour, t.count, out);
        break;
      case 'K':
        AppendPadded(hour % 12, t.count, out);
        break;
      case 'h':
        AppendPadded(hour % 12 == 0 ? 12 : hour % 12, t.count, out);
        break;
      case 'm':
        AppendPadded(minute, t.count, out);
        break;
      case 's':
        AppendPadded(second, t.count, out);
        break;
      case 'S':
        AppendPadded(milli, t.count, out);
        break;
      case 'z':
        out->append(t.count >= 4 ? "Coordinated Universal Time" : "UTC");
        break;
      case 'Z':
        out->append("+0000");
        break;
      case 'X':
        out->append("Z");
        break;
    }
  }
}

Result<int64_t> TimeFormat::Parse(std::string_view text) const {
  int64_t year = 1970;
  unsigned month = 1, day = 1;
  int64_t day_of_year = -1;
  int hour = 0, minute = 0, second = 0, milli = 0;
  int pm = -1;  // -1: no AM/PM marker
  bool hour12 = false;
  int64_t offset_ms = 0;
  size_t pos = 0;
  auto fail = [&](std::string_view what) {
    return InvalidArgument("'{}' does not match date format '{}' at position {}: expected {}", text,
                           pattern_, pos, what);
  };
  for (size_t ti = 0; ti < tokens_.size(); ++ti) {
    const Token& t = tokens_[ti];
    if (t.letter == 0) {
      if (text.substr(pos, t.text.size()) != t.text) return fail("'" + t.text + "'");
      pos += t.text.size();
      continue;
    }
    auto read_number = [&](int64_t* v) -> bool {
      // Adjacent numeric fields (yyyyMMdd) take exactly their width; otherwise digits run.
      bool next_numeric = ti + 1 < tokens_.size() && tokens_[ti + 1].letter != 0 &&
                          std::strchr("yYMdDHkKhmsSu", tokens_[ti + 1].letter) != nullptr &&
                          !(tokens_[ti + 1].letter == 'M' && tokens_[ti + 1].count >= 3);
      size_t max = next_numeric ? static_cast<size_t>(t.count) : 18;
      bool neg = false;
      if (pos < text.size() && (text[pos] == '-' || text[pos] == '+') &&
          (t.letter == 'y' || t.letter == 'Y')) {
        neg = text[pos] == '-';
        ++pos;
      }
      size_t start = pos;
      int64_t n = 0;
      while (pos < text.size() && pos - start < max &&
             std::isdigit(static_cast<unsigned char>(text[pos]))) {
        n = n * 10 + (text[pos] - '0');
        ++pos;
      }
      if (pos == start) return false;
      *v = neg ? -n : n;
      return true;
    };
    auto read_name = [&](const char* const* names, int n, int* index) -> bool {
      for (int i = 0; i < n; ++i) {
        if (StartsWithIgnoreCase(text.substr(pos), names[i])) {
          *index = i;
          pos += std::strlen(names[i]);
          return true;
        }
      }
      for (int i = 0; i < n; ++i) {
        if (StartsWithIgnoreCase(text.substr(pos), std::string_view(names[i], 3))) {
          *index = i;
          pos += 3;
          return true;
        }
      }
      return false;
    };
    int64_t v = 0;
    switch (t.letter) {
      case 'G':
        if (StartsWithIgnoreCase(text.substr(pos), "AD") ||
            StartsWithIgnoreCase(text.substr(pos), "BC")) {
          pos += 2;
        } else {
          return fail("an era (AD)");
        }
        break;
      case 'y':
      case 'Y': {
        size_t start = pos;
        if (!read_number(&v)) return fail("a year");
        // SimpleDateFormat: a two-digit year lands within 80 years before / 20 after now;
        // 2000-based is the reproducible reading of that rule for data written today.
        year = (t.count == 2 && pos - start == 2) ? 2000 + v : v;
        break;
      }
      case 'M':
      case 'L':
        if (t.count >= 3) {
          int idx;
          if (!read_name(kMonths, 12, &idx)) return fail("a month name");
          month = static_cast<unsigned>(idx + 1);
        } else {
          if (!read_number(&v) || v < 1 || v > 12) return fail("a month 1-12");
          month = static_cast<unsigned>(v);
        }
        break;
      case 'd':
        if (!read_number(&v) || v < 1 || v > 31) return fail("a day of month");
        day = static_cast<unsigned>(v);
        break;
      case 'D':
        if (!read_number(&v) || v < 1 || v > 366) return fail("a day of year");
        day_of_year = v;
        break;
      case 'E': {
        int idx;
        if (!read_name(kDays, 7, &idx)) return fail("a day name");
        break;
      }
      case 'u':
        if (!read_number(&v)) return fail("a day number");
        break;
      case 'a':
        if (StartsWithIgnoreCase(text.substr(pos), "AM")) {
          pm = 0;
        } else if (StartsWithIgnoreCase(text.substr(pos), "PM")) {
          pm = 1;
        } else {
          return fail("AM or PM");
        }
        pos += 2;
        break;
      case 'H':
      case 'k':
      case 'K':
      case 'h':
        if (!read_number(&v) || v > 24) return fail("an hour");
        hour = static_cast<int>(v);
        if (t.letter == 'k' && hour == 24) hour = 0;
        if (t.letter == 'h' || t.letter == 'K') hour12 = true;
        if (t.letter == 'h' && hour == 12) hour = 0;
        break;
      case 'm':
        if (!read_number(&v) || v > 59) return fail("minutes");
        minute = static_cast<int>(v);
        break;
      case 's':
        if (!read_number(&v) || v > 60) return fail("seconds");
        second = static_cast<int>(v);
        break;
      case 'S':
        if (!read_number(&v)) return fail("milliseconds");
        milli = static_cast<int>(v);  // SimpleDateFormat: S is a count of milliseconds
        break;
      case 'z':
        if (StartsWithIgnoreCase(text.substr(pos), "UTC") ||
            StartsWithIgnoreCase(text.substr(pos), "GMT")) {
          pos += 3;
        } else {
          return fail("a time zone (UTC)");
        }
        break;
      case 'Z':
      case 'X': {
        if (pos < text.size() && text[pos] == 'Z') {
          ++pos;
          break;
        }
        if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) {
          return fail("a zone offset");
        }
        int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        auto two = [&](int* out) {
          if (pos + 2 > text.size() || !std::isdigit(static_cast<unsigned char>(text[pos])) ||
              !std::isdigit(static_cast<unsigned char>(text[pos + 1]))) {
            return false;
          }
          *out = (text[pos] - '0') * 10 + (text[pos + 1] - '0');
          pos += 2;
          return true;
        };
        int hh = 0, mm = 0;
        if (!two(&hh)) return fail("a zone offset");
        if (pos < text.size() && text[pos] == ':') ++pos;
        if (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) && !two(&mm)) {
          return fail("a zone offset");
        }
        offset_ms = sign * (hh * 3600000LL + mm * 60000LL);
        break;
      }
    }
  }
  if (pos != text.size()) return fail("the end of the text");
  if (hour12 && pm == 1) hour += 12;
  if (!hour12 && pm == 1 && hour < 12) hour += 12;
  int64_t days = day_of_year > 0 ? DaysFromCivil(year, 1, 1) + day_of_year - 1
                                 : DaysFromCivil(year, month, day);
  return days * kMsPerDay + hour * 3600000LL + minute * 60000LL + second * 1000LL + milli -
         offset_ms;
}

}  // namespace tributary
