#pragma once
// Number formatting for the console: thousands separators from the user's locale, and compact
// units where space is short (axis labels).
#include <QLocale>
#include <QString>
#include <cstdint>

namespace spillway {

// The default QLocale, except that the "C" locale (what a bare container or CI gets) is swapped
// for English so large counts still get separators: "12,345" reads better than "12345".
QLocale number_locale();

QString format_count(int64_t value);  // "12,345"
// A Kafka offset; one the engine does not know yet (-1, librdkafka's logical offsets) is "–".
QString format_offset(int64_t offset);
QString format_rate(double per_second);            // "12,345/s" (rounded to whole events)
QString format_ms(double milliseconds);            // "4.2 ms", "123 ms", "1,234 ms"
QString format_percent(double fraction);           // 0.123 -> "12.3%"
QString format_seconds(double seconds);            // "0.4 s", "12 s", "3 min 4 s"
QString format_uptime(double seconds);             // "0:12:34", "1d 02:03:04"
QString format_compact(double value);              // "950", "5k", "12.5k", "1.5M" for axis ticks
QString format_bytes(double bytes);                // "512 B", "64 KiB", "1.5 MiB", "256 MiB"
QString format_clock(double seconds_since_epoch);  // local "14:03:27"

}  // namespace spillway
