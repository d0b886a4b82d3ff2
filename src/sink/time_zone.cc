#include "sink/time_zone.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <vector>

#include "common/strings.h"

namespace tributary {

// ---- civil calendar ----

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

int IsoWeekday(int64_t days) {
  // 1970-01-01 was a Thursday (4).
  int64_t w = (days + 3) % 7;
  if (w < 0) w += 7;
  return static_cast<int>(w) + 1;
}

// ---- zone data ----

namespace {

// A POSIX TZ rule date: Jn (1..365, no Feb 29), n (0..365) or Mm.w.d.
struct RuleDate {
  enum Kind { kJulian1, kJulian0, kMonthWeekDay } kind = kMonthWeekDay;
  int a = 0, b = 0, c = 0;  // day number, or month, week, weekday
  int64_t time = 7200;      // seconds after local midnight (default 02:00)
};

struct PosixRule {
  std::string std_abbr;
  int64_t std_offset = 0;  // seconds east of UTC
  bool has_dst = false;
  std::string dst_abbr;
  int64_t dst_offset = 0;
  RuleDate start, end;
};

struct LocalType {
  int64_t utoff = 0;  // seconds east of UTC
  bool isdst = false;
  std::string abbr;
};

int64_t RuleDay(const RuleDate& r, int64_t year) {
  switch (r.kind) {
    case RuleDate::kJulian1: {
      int64_t day = r.a - 1;
      if (IsLeapYear(year) && r.a >= 60) ++day;
      return DaysFromCivil(year, 1, 1) + day;
    }
    case RuleDate::kJulian0:
      return DaysFromCivil(year, 1, 1) + r.a;
    case RuleDate::kMonthWeekDay: {
      const int64_t first = DaysFromCivil(year, r.a, 1);
      const int first_wd = IsoWeekday(first) % 7;  // 0 = Sunday, as POSIX counts
      int64_t day = (r.c - first_wd + 7) % 7 + int64_t{7} * (r.b - 1);
      while (day >= DaysInMonth(year, r.a)) day -= 7;
      return first + day;
    }
  }
  return 0;
}

// The DST start and end instants (UTC seconds) of `year` under `rule`.
std::pair<int64_t, int64_t> DstBounds(const PosixRule& rule, int64_t year) {
  // Start is given in standard local time, end in daylight local time.
  int64_t start = RuleDay(rule.start, year) * 86400 + rule.start.time - rule.std_offset;
  int64_t end = RuleDay(rule.end, year) * 86400 + rule.end.time - rule.dst_offset;
  return {start, end};
}

int64_t YearOf(int64_t utc_s) { return CivilFromDays(FloorDiv(utc_s, 86400)).year; }

class TzStringParser {
 public:
  explicit TzStringParser(std::string_view s) : s_(s) {}

  std::optional<PosixRule> Parse() {
    PosixRule r;
    int64_t off = 0;
    if (!Abbr(&r.std_abbr) || !Offset(&off)) return std::nullopt;
    r.std_offset = -off;  // POSIX offsets are west-positive
    if (Done()) return r;
    r.has_dst = true;
    if (!Abbr(&r.dst_abbr)) return std::nullopt;
    r.dst_offset = r.std_offset + 3600;
    if (!Done() && s_[i_] != ',') {
      if (!Offset(&off)) return std::nullopt;
      r.dst_offset = -off;
    }
    if (Done()) {
      // No rule: POSIX leaves it implementation-defined; zone files always give one.
      return std::nullopt;
    }
    if (!Eat(',') || !Date(&r.start) || !Eat(',') || !Date(&r.end) || !Done()) {
      return std::nullopt;
    }
    return r;
  }

 private:
  bool Done() const { return i_ >= s_.size(); }
  bool Eat(char c) {
    if (Done() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  bool Abbr(std::string* out) {
    if (Eat('<')) {
      size_t close = s_.find('>', i_);
      if (close == std::string_view::npos) return false;
      *out = std::string(s_.substr(i_, close - i_));
      i_ = close + 1;
      return !out->empty();
    }
    size_t start = i_;
    while (!Done() && ((s_[i_] >= 'A' && s_[i_] <= 'Z') || (s_[i_] >= 'a' && s_[i_] <= 'z'))) ++i_;
    *out = std::string(s_.substr(start, i_ - start));
    return out->size() >= 3;
  }
  bool Number(int64_t* out, int max_digits) {
    size_t start = i_;
    int64_t v = 0;
    while (!Done() && s_[i_] >= '0' && s_[i_] <= '9' && static_cast<int>(i_ - start) < max_digits) {
      v = v * 10 + (s_[i_++] - '0');
    }
    *out = v;
    return i_ > start;
  }
  // [+-]hh[:mm[:ss]] in seconds; hours up to 167 (RFC 8536 extension).
  bool Offset(int64_t* out) {
    int sign = 1;
    if (Eat('-')) {
      sign = -1;
    } else {
      Eat('+');
    }
    int64_t h = 0, m = 0, sec = 0;
    if (!Number(&h, 3)) return false;
    if (Eat(':')) {
      if (!Number(&m, 2)) return false;
      if (Eat(':') && !Number(&sec, 2)) return false;
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }
  bool Date(RuleDate* d) {
    int64_t a = 0, b = 0, c = 0;
    if (Eat('M')) {
      if (!Number(&a, 2) || !Eat('.') || !Number(&b, 1) || !Eat('.') || !Number(&c, 1)) {
        return false;
      }
      if (a < 1 || a > 12 || b < 1 || b > 5 || c > 6) return false;
      *d = {RuleDate::kMonthWeekDay, static_cast<int>(a), static_cast<int>(b), static_cast<int>(c)};
    } else if (Eat('J')) {
      if (!Number(&a, 3) || a < 1 || a > 365) return false;
      *d = {RuleDate::kJulian1, static_cast<int>(a)};
    } else {
      if (!Number(&a, 3) || a > 365) return false;
      *d = {RuleDate::kJulian0, static_cast<int>(a)};
    }
    d->time = 7200;
    if (Eat('/')) return Offset(&d->time);
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

struct TimeZone::Data {
  std::string id;
  bool fixed = false;
  std::vector<int64_t> transitions;  // UTC seconds, ascending
  std::vector<uint8_t> type_of;      // local type after each transition
  std::vector<LocalType> types;      // types[0] applies before the first transition
  std::optional<PosixRule> rule;     // after the last transition

  // The local type in force at `t` (UTC seconds): offset and abbreviation.
  std::pair<int64_t, std::string_view> At(int64_t t) const {
    if (fixed) return {types[0].utoff, id};
    if (transitions.empty() || t >= transitions.back()) {
      if (rule) {
        if (!rule->has_dst) return {rule->std_offset, rule->std_abbr};
        // The rule's year is the local (standard time) year of t.
        auto [start, end] = DstBounds(*rule, YearOf(t + rule->std_offset));
        const bool dst = start < end ? (t >= start && t < end) : (t >= start || t < end);
        if (dst) return {rule->dst_offset, rule->dst_abbr};
        return {rule->std_offset, rule->std_abbr};
      }
      if (transitions.empty()) return {types[0].utoff, types[0].abbr};
      const LocalType& last = types[type_of.back()];
      return {last.utoff, last.abbr};
    }
    auto it = std::upper_bound(transitions.begin(), transitions.end(), t);
    if (it == transitions.begin()) return {types[0].utoff, types[0].abbr};
    const LocalType& lt = types[type_of[static_cast<size_t>(it - transitions.begin()) - 1]];
    return {lt.utoff, lt.abbr};
  }

  // First transition strictly after `t` (UTC seconds), or nullopt.
  std::optional<int64_t> Next(int64_t t) const {
    if (fixed) return std::nullopt;
    auto it = std::upper_bound(transitions.begin(), transitions.end(), t);
    if (it != transitions.end()) return *it;
    if (!rule || !rule->has_dst) return std::nullopt;
    const int64_t year = YearOf(t);
    std::optional<int64_t> best;
    for (int64_t y : {year - 1, year, year + 1, year + 2}) {
      auto [start, end] = DstBounds(*rule, y);
      for (int64_t c : {start, end}) {
        if (c > t && (!best || c < *best)) best = c;
      }
    }
    return best;
  }
};

namespace {

uint32_t Be32(const unsigned char* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}
int64_t Be64(const unsigned char* p) {
  return static_cast<int64_t>(uint64_t{Be32(p)} << 32 | uint64_t{Be32(p + 4)});
}

// Parses TZif data (RFC 8536, versions 1 to 4). Uses the 64-bit block when present.
Result<std::shared_ptr<TimeZone::Data>> ParseTzif(std::string_view id, std::string_view bytes) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("timezone: the zone file of '{}' is not valid TZif data ({})", id, why);
  };
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  constexpr size_t kHeader = 44;
  if (n < kHeader || bytes.substr(0, 4) != "TZif") return bad("no TZif header");
  const char version = bytes[4];
  auto counts = [&](size_t at, uint32_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = Be32(p + at + 20 + 4 * i);
  };
  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  uint32_t c[6];
  counts(0, c);
  auto block_size = [](const uint32_t* c, size_t time_size) {
    return c[3] * time_size + c[3] + c[4] * 6 + c[5] + c[2] * (time_size + 4) + c[1] + c[0];
  };
  size_t at = kHeader;
  size_t time_size = 4;
  if (version >= '2') {
    at += block_size(c, 4);
    if (n < at + kHeader || bytes.substr(at, 4) != "TZif") return bad("no second header");
    counts(at, c);
    at += kHeader;
    time_size = 8;
  }
  if (n < at + block_size(c, time_size)) return bad("truncated");
  if (c[4] == 0) return bad("no local time types");
  auto data = std::make_shared<TimeZone::Data>();
  data->id = std::string(id);
  for (uint32_t i = 0; i < c[3]; ++i) {
    data->transitions.push_back(time_size == 8 ? Be64(p + at + 8 * i)
                                               : static_cast<int32_t>(Be32(p + at + 4 * i)));
  }
  at += c[3] * time_size;
  for (uint32_t i = 0; i < c[3]; ++i) {
    if (p[at + i] >= c[4]) return bad("transition type out of range");
    data->type_of.push_back(p[at + i]);
  }
  at += c[3];
  const size_t chars_at = at + c[4] * 6;
  for (uint32_t i = 0; i < c[4]; ++i) {
    const unsigned char* t = p + at + 6 * i;
    LocalType lt;
    lt.utoff = static_cast<int32_t>(Be32(t));
    lt.isdst = t[4] != 0;
    if (t[5] >= c[5]) return bad("abbreviation index out of range");
    std::string_view chars = bytes.substr(chars_at, c[5]);
    std::string_view abbr = chars.substr(t[5]);
    lt.abbr = std::string(abbr.substr(0, abbr.find('\0')));
    data->types.push_back(std::move(lt));
  }
  at += block_size(c, time_size) - c[3] * time_size - c[3];
  if (version >= '2' && at < n && bytes[at] == '\n') {
    size_t end = bytes.find('\n', at + 1);
    if (end != std::string_view::npos && end > at + 1) {
      data->rule = TzStringParser(bytes.substr(at + 1, end - at - 1)).Parse();
    }
  }
  return data;
}

// "+05:30", "-08", "+0530" → seconds east of UTC.
std::optional<int64_t> ParseFixedOffset(std::string_view s) {
  if (s.size() < 2 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  const int sign = s[0] == '-' ? -1 : 1;
  std::string digits;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == ':' && i == 3) continue;
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    digits.push_back(s[i]);
  }
  if (digits.size() != 2 && digits.size() != 4) return std::nullopt;
  if (s.size() > 3 && s[3] != ':' && s.size() != 5) return std::nullopt;
  const int h = std::stoi(digits.substr(0, 2));
  const int m = digits.size() == 4 ? std::stoi(digits.substr(2)) : 0;
  if (h > 23 || m > 59) return std::nullopt;
  return sign * (h * 3600 + m * 60);
}

std::shared_ptr<TimeZone::Data> FixedZone(std::string id, int64_t offset_s) {
  auto d = std::make_shared<TimeZone::Data>();
  d->id = std::move(id);
  d->fixed = true;
  d->types.push_back({offset_s, false, d->id});
  return d;
}

}  // namespace

Result<TimeZone> TimeZone::Load(std::string_view raw_id) {
  const std::string_view id = Trim(raw_id);
  if (id.empty()) return InvalidArgument("timezone: expected a zone id, got an empty value");
  if (id == "UTC" || id == "Z" || id == "GMT" || id == "Etc/UTC" || id == "Etc/GMT" ||
      id == "UCT" || id == "Zulu") {
    return Utc();
  }
  std::string_view offset = id;
  if (offset.size() > 3 && (offset.substr(0, 3) == "UTC" || offset.substr(0, 3) == "GMT")) {
    offset.remove_prefix(3);
  }
  if (offset[0] == '+' || offset[0] == '-') {
    auto seconds = ParseFixedOffset(offset);
    if (!seconds) {
      return InvalidArgument(
          "timezone: '{}' is not a valid offset; expected [+-]hh:mm (e.g. +05:30, -08:00)", id);
    }
    if (*seconds == 0) return Utc();
    // Joda names fixed zones by their normalized offset, "+05:30".
    const int64_t a = std::llabs(*seconds);
    return TimeZone(FixedZone(
        fmt::format("{}{:02}:{:02}", *seconds < 0 ? '-' : '+', a / 3600, a / 60 % 60), *seconds));
  }
  // A region id: letters, digits, '/', '_', '-', '+'; never a path that leaves TZDIR.
  const bool safe = std::all_of(id.begin(), id.end(),
                                [](char c) {
                                  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                         (c >= '0' && c <= '9') || c == '/' || c == '_' ||
                                         c == '-' || c == '+';
                                }) &&
                    id.front() != '/' && id.find("..") == std::string_view::npos;
  if (!safe) return InvalidArgument("timezone: '{}' is not a valid zone id", id);
  const char* dir = std::getenv("TZDIR");
  std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + std::string(id);
  auto bytes = ReadFile(path);
  if (!bytes.ok()) {
    return InvalidArgument(
        "timezone: unknown zone '{}' (no zone file {}); expected a region id such as "
        "Europe/Berlin, UTC, or an offset [+-]hh:mm",
        id, path);
  }
  ASSIGN_OR_RETURN(auto data, ParseTzif(id, *bytes));
  return TimeZone(std::move(data));
}

TimeZone TimeZone::Utc() {
  static const auto utc = FixedZone("UTC", 0);
  return TimeZone(utc);
}

const std::string& TimeZone::id() const { return data_->id; }
bool TimeZone::fixed() const { return data_->fixed; }

int64_t TimeZone::OffsetMs(int64_t utc_ms) const {
  return data_->At(FloorDiv(utc_ms, 1000)).first * 1000;
}

std::string TimeZone::Abbreviation(int64_t utc_ms) const {
  return std::string(data_->At(FloorDiv(utc_ms, 1000)).second);
}

int64_t TimeZone::NextTransition(int64_t utc_ms) const {
  // Transitions fall on whole seconds; "strictly after utc_ms" in milliseconds.
  auto next = data_->Next(FloorDiv(utc_ms, 1000));
  return next ? *next * 1000 : utc_ms;
}

int64_t TimeZone::LocalToUtc(int64_t local_ms) const {
  const int64_t offset_local = OffsetMs(local_ms);
  int64_t offset = OffsetMs(local_ms - offset_local);
  if (offset_local != offset && offset_local < 0) {
    // West of Greenwich the second estimate is wrong inside a gap: detect the gap by
    // the two estimates seeing different next transitions.
    int64_t next_local = NextTransition(local_ms - offset_local);
    if (next_local == local_ms - offset_local) next_local = INT64_MAX;
    int64_t next_adjusted = NextTransition(local_ms - offset);
    if (next_adjusted == local_ms - offset) next_adjusted = INT64_MAX;
    if (next_local != next_adjusted) offset = offset_local;
  }
  return local_ms - offset;
}

}  // namespace tributary
