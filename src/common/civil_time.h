// Proleptic Gregorian calendar arithmetic shared by the modules that format or parse
// dates (schema values, transforms, time-based partitioning).
#pragma once

#include <cstdint>

namespace tributary {

// Days from 1970-01-01 to the civil date (month 1-12, day 1-31); negative before 1970.
int64_t DaysFromCivil(int64_t year, int month, int day);

}  // namespace tributary
