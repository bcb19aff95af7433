#pragma once
// The day a partition of the events table covers, read from its name: "<table>_pYYYYMMDD" holds
// [day 00:00Z, next day 00:00Z) (names made by day_partition_table in core/postgres/sink_schema.h).
#include <chrono>
#include <optional>
#include <string>

namespace spillway {

// nullopt for the default partition and any name that does not follow the pattern.
std::optional<std::chrono::sys_days> partition_day(const std::string& events_table,
                                                   const std::string& partition);
// "2026-01-31T00:00:00Z"
std::string iso_utc(std::chrono::sys_seconds at);
std::string iso_utc_now();

}  // namespace spillway
