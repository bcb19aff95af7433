#include "core/postgres/partition_day.h"

#include <cstdio>

namespace spillway {

std::optional<std::chrono::sys_days> partition_day(const std::string& events_table,
                                                   const std::string& partition) {
    const std::string prefix = events_table + "_p";
    if (partition.size() != prefix.size() + 8 || !partition.starts_with(prefix))
        return std::nullopt;
    const std::string digits = partition.substr(prefix.size());
    for (const char c : digits)
        if (c < '0' || c > '9')
            return std::nullopt;
    const std::chrono::year_month_day day{
        std::chrono::year(std::stoi(digits.substr(0, 4))),
        std::chrono::month(unsigned(std::stoi(digits.substr(4, 2)))),
        std::chrono::day(unsigned(std::stoi(digits.substr(6, 2))))};
    if (!day.ok())
        return std::nullopt;
    return std::chrono::sys_days(day);
}

std::string iso_utc(std::chrono::sys_seconds at) {
    const auto day = std::chrono::floor<std::chrono::days>(at);
    const std::chrono::year_month_day ymd(day);
    const std::chrono::hh_mm_ss time(at - day);
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), int(time.hours().count()),
                  int(time.minutes().count()), int(time.seconds().count()));
    return text;
}

std::string iso_utc_now() {
    return iso_utc(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

}  // namespace spillway
