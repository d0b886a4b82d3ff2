// TimeZone: UTC offsets of a named zone or a fixed offset, with the conversions the
// time-based partitioners need (Confluent's connector uses Joda-Time's DateTimeZone).
//
// Named zones ("Europe/Berlin", "America/New_York") are read from the system's TZif
// files (RFC 8536) under $TZDIR or /usr/share/zoneinfo — Debian's tzdata — including
// the POSIX TZ rule in the footer that covers instants after the last listed
// transition, so daylight saving time is right in any year. g++ 12 has no
// std::chrono::tzdb, hence this reader.
//
// Accepted ids, as Joda's DateTimeZone.forID accepts them: "UTC" (also "Z", "GMT",
// "Etc/UTC"), region ids, and fixed offsets "[+-]hh", "[+-]hh:mm", "[+-]hhmm" (also
// after "UTC" or "GMT", e.g. "UTC+05:30").
//
// Thread safety: immutable after Load; copies share the loaded data.
#pragma once

#include "common/civil_time.h"  // DaysFromCivil

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace tributary {

class TimeZone {
 public:
  // The zone `id`. InvalidArgument naming the id when it is malformed or unknown (no
  // zone file), or when the zone file is not a valid TZif file.
  static Result<TimeZone> Load(std::string_view id);
  static TimeZone Utc();

  const std::string& id() const;
  bool fixed() const;

  // Offset from UTC at the instant `utc_ms`, in milliseconds (Joda getOffset).
  int64_t OffsetMs(int64_t utc_ms) const;
  // The zone's abbreviation at `utc_ms` ("EST", "CEST"); the id for fixed offsets.
  std::string Abbreviation(int64_t utc_ms) const;
  // The first transition strictly after `utc_ms`, or `utc_ms` itself when there is
  // none (Joda nextTransition).
  int64_t NextTransition(int64_t utc_ms) const;

  // utc + offset (Joda convertUTCToLocal).
  int64_t UtcToLocal(int64_t utc_ms) const { return utc_ms + OffsetMs(utc_ms); }
  // The instant whose local time is `local_ms`, resolving gaps and overlaps exactly as
  // Joda's convertLocalToUTC(local, strict=false): in an overlap the earlier offset
  // (summer time) wins; a local time inside a gap keeps the offset from before the gap
  // in zones west of Greenwich.
  int64_t LocalToUtc(int64_t local_ms) const;

  struct Data;  // parsed zone; defined in time_zone.cc

 private:
  explicit TimeZone(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
  std::shared_ptr<const Data> data_;
};

// Civil-calendar arithmetic in the proleptic Gregorian calendar (what Joda's ISO
// chronology uses for modern dates). Days are counted from 1970-01-01.
int64_t FloorDiv(int64_t a, int64_t b);  // rounds toward negative infinity; b > 0
struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};
CivilDate CivilFromDays(int64_t days);
// 1 = Monday ... 7 = Sunday (ISO, as Joda's dayOfWeek).
int IsoWeekday(int64_t days);
bool IsLeapYear(int64_t year);
int DaysInMonth(int64_t year, int month);

}  // namespace tributary
