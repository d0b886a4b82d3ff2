#include "sink/time_format.h"

#include <gtest/gtest.h>

#include "sink/time_zone.h"

namespace tributary {
namespace {

constexpr int64_t kHour = 3600000;
constexpr int64_t kDay = 24 * kHour;

// Epoch ms of a UTC civil time (DaysFromCivil is checked against constants below).
int64_t Utc(int64_t y, int m, int d, int h = 0, int mi = 0, int s = 0) {
  return DaysFromCivil(y, m, d) * kDay + h * kHour + mi * 60000 + s * 1000;
}

TimeZone Zone(std::string_view id) {
  auto z = TimeZone::Load(id);
  EXPECT_TRUE(z.ok()) << z.status().ToString();
  return z.ok() ? *z : TimeZone::Utc();
}

const char* kHourly = "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH";

std::string HourlyPath(int64_t ts, const TimeZone& zone) {
  auto p = JodaPattern::Compile(kHourly);
  EXPECT_TRUE(p.ok());
  return p->Format(TimeBucket(ts, kHour, zone), zone);
}

TEST(CivilCalendar, MatchesKnownEpochValues) {
  // Values from Python's datetime.
  EXPECT_EQ(Utc(2024, 1, 15, 10, 30), 1705314600000);
  EXPECT_EQ(Utc(2100, 7, 1, 12), 4118126400000);
  EXPECT_EQ(Utc(1970, 1, 1), 0);
  EXPECT_EQ(Utc(1969, 12, 31), -kDay);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  for (int64_t d : {-719468, -1, 0, 11016, 11017, 19737, 47482}) {
    CivilDate c = CivilFromDays(d);
    EXPECT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(IsoWeekday(0), 4);                           // Thursday
  EXPECT_EQ(IsoWeekday(DaysFromCivil(2024, 1, 15)), 1);  // Monday
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2100, 2), 28);
}

TEST(TimeZoneTest, NewYorkOffsetsAcrossDst) {
  TimeZone ny = Zone("America/New_York");
  EXPECT_EQ(ny.OffsetMs(Utc(2024, 1, 15)), -5 * kHour);
  EXPECT_EQ(ny.OffsetMs(Utc(2024, 3, 10, 6, 59)), -5 * kHour);
  EXPECT_EQ(ny.OffsetMs(Utc(2024, 3, 10, 7, 0)), -4 * kHour);
  EXPECT_EQ(ny.OffsetMs(Utc(2024, 11, 3, 5, 59)), -4 * kHour);
  EXPECT_EQ(ny.OffsetMs(Utc(2024, 11, 3, 6, 0)), -5 * kHour);
  EXPECT_EQ(ny.Abbreviation(Utc(2024, 7, 1)), "EDT");
  EXPECT_EQ(ny.Abbreviation(Utc(2024, 1, 1)), "EST");
  // Beyond the zone file's transition list: the footer's POSIX rule.
  EXPECT_EQ(ny.OffsetMs(Utc(2100, 7, 1, 12)), -4 * kHour);
  EXPECT_EQ(ny.OffsetMs(Utc(2100, 12, 1)), -5 * kHour);
  EXPECT_EQ(ny.NextTransition(Utc(2024, 3, 10, 6)), Utc(2024, 3, 10, 7));
  EXPECT_EQ(ny.NextTransition(Utc(2024, 3, 10, 7)), Utc(2024, 11, 3, 6));
}

TEST(TimeZoneTest, SouthernHemisphereRuleAfterLastTransition) {
  TimeZone syd = Zone("Australia/Sydney");
  EXPECT_EQ(syd.OffsetMs(Utc(2100, 1, 1, 12)), 11 * kHour);
  EXPECT_EQ(syd.OffsetMs(Utc(2100, 7, 1, 12)), 10 * kHour);
}

TEST(TimeZoneTest, FixedOffsetsAndUtcSpellings) {
  EXPECT_EQ(Zone("+05:30").OffsetMs(0), 5 * kHour + 30 * 60000);
  EXPECT_EQ(Zone("+05:30").id(), "+05:30");
  EXPECT_EQ(Zone("-08:00").OffsetMs(Utc(2024, 7, 1)), -8 * kHour);
  EXPECT_EQ(Zone("-0330").OffsetMs(0), -(3 * kHour + 30 * 60000));
  EXPECT_EQ(Zone("+01").OffsetMs(0), kHour);
  EXPECT_EQ(Zone("UTC+02:00").OffsetMs(0), 2 * kHour);
  for (const char* utc : {"UTC", "Z", "GMT", "Etc/UTC", "+00:00"}) {
    EXPECT_EQ(Zone(utc).OffsetMs(Utc(2024, 7, 1)), 0) << utc;
    EXPECT_EQ(Zone(utc).id(), "UTC") << utc;
  }
}

TEST(TimeZoneTest, RejectsUnknownAndUnsafeIds) {
  for (const char* bad : {"Mars/Olympus_Mons", "../../etc/passwd", "/etc/passwd", "+25:00", "+5:30",
                          "Europe/Berlin;x", ""}) {
    auto z = TimeZone::Load(bad);
    ASSERT_FALSE(z.ok()) << bad;
    EXPECT_NE(z.status().message().find("timezone"), std::string::npos) << bad;
  }
}

TEST(TimeZoneTest, LocalToUtcFollowsJodaInGapsAndOverlaps) {
  TimeZone ny = Zone("America/New_York");
  // Overlap 2024-11-03 01:00 local: the earlier (daylight) instant.
  EXPECT_EQ(ny.LocalToUtc(Utc(2024, 11, 3, 1)), Utc(2024, 11, 3, 5));
  // Gap 2024-03-10 02:30 local does not exist: the offset from before the gap.
  EXPECT_EQ(ny.LocalToUtc(Utc(2024, 3, 10, 2, 30)), Utc(2024, 3, 10, 7, 30));
  TimeZone berlin = Zone("Europe/Berlin");
  // East of Greenwich Joda keeps the second estimate: 02:30 in the gap becomes 01:30Z.
  EXPECT_EQ(berlin.LocalToUtc(Utc(2024, 3, 31, 2, 30)), Utc(2024, 3, 31, 1, 30));
  // Overlap 2024-10-27 02:00 local: Joda picks the later (standard) offset here.
  EXPECT_EQ(berlin.LocalToUtc(Utc(2024, 10, 27, 2)), Utc(2024, 10, 27, 1));
}

TEST(JodaPatternTest, ConnectorDocumentedExamples) {
  // Golden paths from the connector's documentation.
  EXPECT_EQ(HourlyPath(Utc(2024, 1, 15, 10, 30), TimeZone::Utc()),
            "year=2024/month=01/day=15/hour=10");
  EXPECT_EQ(HourlyPath(Utc(2015, 12, 7, 15, 59, 59), TimeZone::Utc()),
            "year=2015/month=12/day=07/hour=15");
  auto daily = JodaPattern::Compile("'year'=YYYY/'month'=MM/'day'=dd");
  ASSERT_TRUE(daily.ok());
  EXPECT_EQ(
      daily->Format(TimeBucket(Utc(2024, 1, 15, 23, 59), kDay, TimeZone::Utc()), TimeZone::Utc()),
      "year=2024/month=01/day=15");
  auto plain = JodaPattern::Compile("YYYY/MM/dd/HH/mm");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->Format(Utc(2024, 1, 5, 3, 7), TimeZone::Utc()), "2024/01/05/03/07");
}

TEST(JodaPatternTest, FieldsQuotesAndLiterals) {
  const int64_t t = Utc(2024, 2, 29, 13, 5, 9) + 42;  // a Thursday
  auto fmt = [&](const char* p, std::string_view zone = "UTC") {
    auto c = JodaPattern::Compile(p);
    EXPECT_TRUE(c.ok()) << p;
    return c.ok() ? c->Format(t, Zone(zone)) : std::string();
  };
  EXPECT_EQ(fmt("yyyy-MM-dd'T'HH:mm:ss.SSS"), "2024-02-29T13:05:09.042");
  EXPECT_EQ(fmt("yy/M/d/H"), "24/2/29/13");
  EXPECT_EQ(fmt("'it''s' yyyy ''"), "it's 2024 '");
  EXPECT_EQ(fmt("DDD e EEE EEEE MMM MMMM"), "060 4 Thu Thursday Feb February");
  EXPECT_EQ(fmt("hh:mm a K k"), "01:05 PM 1 13");
  EXPECT_EQ(fmt("xxxx-'W'ww"), "2024-W09");
  EXPECT_EQ(fmt("G C S SSSS"), "AD 20 0 0420");
  EXPECT_EQ(fmt("Z ZZ ZZZ z", "America/New_York"), "-0500 -05:00 America/New_York EST");
  EXPECT_EQ(fmt("HH Z", "+05:30"), "18 +0530");
  // ISO week-year differs from the calendar year at the turn of the year.
  auto wk = JodaPattern::Compile("xxxx-ww yyyy YYYY");
  ASSERT_TRUE(wk.ok());
  EXPECT_EQ(wk->Format(Utc(2024, 12, 30), TimeZone::Utc()), "2025-01 2024 2024");
}

TEST(JodaPatternTest, RejectsUnknownLettersAndOpenQuotes) {
  auto bad = JodaPattern::Compile("'year'=YYYY/month=MM");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("path.format"), std::string::npos);
  EXPECT_NE(bad.status().message().find("'o'"), std::string::npos);
  // Unquoted words made only of pattern letters are fields, as in Joda: "day" is
  // day-of-month, halfday and year.
  auto day = JodaPattern::Compile("day");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->Format(DaysFromCivil(2024, 1, 5) * 86400000, TimeZone::Utc()), "5AM2024");
  EXPECT_FALSE(JodaPattern::Compile("'year=YYYY").ok());
  // Text fields are English only.
  EXPECT_FALSE(JodaPattern::Compile("MMM", "de_DE").ok());
  EXPECT_TRUE(JodaPattern::Compile("YYYY/MM", "de_DE").ok());
  EXPECT_TRUE(JodaPattern::Compile("MMM", "en_US").ok());
}

TEST(TimeBucketTest, HourlyInNewYorkAcrossSpringForward) {
  TimeZone ny = Zone("America/New_York");
  // 2024-03-10: 02:00 EST jumps to 03:00 EDT (07:00Z); there is no hour=02.
  EXPECT_EQ(HourlyPath(Utc(2024, 3, 10, 6, 59), ny), "year=2024/month=03/day=10/hour=01");
  EXPECT_EQ(HourlyPath(Utc(2024, 3, 10, 7, 0), ny), "year=2024/month=03/day=10/hour=03");
  EXPECT_EQ(HourlyPath(Utc(2024, 3, 10, 7, 30), ny), "year=2024/month=03/day=10/hour=03");
  EXPECT_EQ(TimeBucket(Utc(2024, 3, 10, 7, 30), kHour, ny), Utc(2024, 3, 10, 7));
}

TEST(TimeBucketTest, HourlyInNewYorkAcrossFallBack) {
  TimeZone ny = Zone("America/New_York");
  // 2024-11-03: 01:00-02:00 happens twice (EDT, then EST from 06:00Z). Both hours
  // land in hour=01, and the bucket starts at the first one, as Joda computes it.
  EXPECT_EQ(HourlyPath(Utc(2024, 11, 3, 5, 30), ny), "year=2024/month=11/day=03/hour=01");
  EXPECT_EQ(HourlyPath(Utc(2024, 11, 3, 6, 30), ny), "year=2024/month=11/day=03/hour=01");
  EXPECT_EQ(TimeBucket(Utc(2024, 11, 3, 6, 30), kHour, ny), Utc(2024, 11, 3, 5));
  EXPECT_EQ(HourlyPath(Utc(2024, 11, 3, 7, 30), ny), "year=2024/month=11/day=03/hour=02");
}

TEST(TimeBucketTest, BerlinAcrossBothTransitions) {
  TimeZone berlin = Zone("Europe/Berlin");
  // 2024-03-31: 02:00 CET jumps to 03:00 CEST at 01:00Z.
  EXPECT_EQ(HourlyPath(Utc(2024, 3, 31, 0, 30), berlin), "year=2024/month=03/day=31/hour=01");
  EXPECT_EQ(HourlyPath(Utc(2024, 3, 31, 1, 30), berlin), "year=2024/month=03/day=31/hour=03");
  // 2024-10-27: 03:00 CEST falls back to 02:00 CET at 01:00Z; both 02:xx hours share a
  // directory.
  EXPECT_EQ(HourlyPath(Utc(2024, 10, 27, 0, 30), berlin), "year=2024/month=10/day=27/hour=02");
  EXPECT_EQ(HourlyPath(Utc(2024, 10, 27, 1, 30), berlin), "year=2024/month=10/day=27/hour=02");
  EXPECT_EQ(HourlyPath(Utc(2024, 10, 27, 2, 30), berlin), "year=2024/month=10/day=27/hour=03");
  // Daily buckets follow local midnight (22:00Z in summer, 23:00Z in winter).
  auto daily = JodaPattern::Compile("YYYY-MM-dd");
  ASSERT_TRUE(daily.ok());
  EXPECT_EQ(daily->Format(TimeBucket(Utc(2024, 10, 26, 22, 30), kDay, berlin), berlin),
            "2024-10-27");
  EXPECT_EQ(daily->Format(TimeBucket(Utc(2024, 10, 26, 21, 30), kDay, berlin), berlin),
            "2024-10-26");
  EXPECT_EQ(TimeBucket(Utc(2024, 10, 26, 22, 30), kDay, berlin), Utc(2024, 10, 26, 22));
  EXPECT_EQ(TimeBucket(Utc(2024, 10, 28, 5), kDay, berlin), Utc(2024, 10, 27, 23));
}

TEST(TimeBucketTest, MidnightGapKeepsTheDay) {
  // Sao Paulo started DST at local midnight on 2018-11-04: 00:00 did not exist.
  TimeZone sp = Zone("America/Sao_Paulo");
  auto p = JodaPattern::Compile("YYYY-MM-dd HH:mm");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->Format(TimeBucket(Utc(2018, 11, 4, 12), kDay, sp), sp), "2018-11-04 01:00");
}

TEST(TimeBucketTest, DurationsOtherThanHoursAndDays) {
  auto p = JodaPattern::Compile("HH:mm");
  ASSERT_TRUE(p.ok());
  const int64_t quarter = 15 * 60000;
  EXPECT_EQ(
      p->Format(TimeBucket(Utc(2024, 1, 1, 10, 44), quarter, TimeZone::Utc()), TimeZone::Utc()),
      "10:30");
  // Buckets count from the epoch in local time: +05:30 hours start on local hours.
  TimeZone kolkata = Zone("Asia/Kolkata");
  EXPECT_EQ(p->Format(TimeBucket(Utc(2024, 1, 1, 10, 44), kHour, kolkata), kolkata), "16:00");
  // Before 1970 the floor is mathematical.
  EXPECT_EQ(TimeBucket(-1, kHour, TimeZone::Utc()), -kHour);
}

TEST(ParseIsoInstantTest, AcceptsTheConnectorsForms) {
  EXPECT_EQ(*ParseIsoInstant("2024-01-15T10:30:00Z"), Utc(2024, 1, 15, 10, 30));
  EXPECT_EQ(*ParseIsoInstant("2024-01-15T10:30:00.123Z"), Utc(2024, 1, 15, 10, 30) + 123);
  EXPECT_EQ(*ParseIsoInstant("2024-01-15T10:30:00,5Z"), Utc(2024, 1, 15, 10, 30) + 500);
  EXPECT_EQ(*ParseIsoInstant("2024-01-15T10:30:00.123456789Z"), Utc(2024, 1, 15, 10, 30) + 123);
  EXPECT_EQ(*ParseIsoInstant("2024-01-15T12:30:00+02:00"), Utc(2024, 1, 15, 10, 30));
  EXPECT_EQ(*ParseIsoInstant("2024-01-15T05:30:00-0500"), Utc(2024, 1, 15, 10, 30));
  EXPECT_EQ(*ParseIsoInstant("2024-01-15T15:30+05"), Utc(2024, 1, 15, 10, 30));
  EXPECT_EQ(*ParseIsoInstant("2024-01-15T10:30"), Utc(2024, 1, 15, 10, 30));
  EXPECT_EQ(*ParseIsoInstant("2024-01-15T10"), Utc(2024, 1, 15, 10));
  EXPECT_EQ(*ParseIsoInstant("2024-01-15"), Utc(2024, 1, 15));
  EXPECT_EQ(*ParseIsoInstant("2024-01"), Utc(2024, 1, 1));
  EXPECT_EQ(*ParseIsoInstant("2024-060"), Utc(2024, 2, 29));
}

TEST(ParseIsoInstantTest, RejectsOtherText) {
  for (const char* bad : {"", "yesterday", "2024-13-01", "2024-02-30", "2024-01-15 10:30:00",
                          "2024-01-15T25:00", "2024-01-15T10:30:00Q", "15/01/2024"}) {
    EXPECT_FALSE(ParseIsoInstant(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace tributary
