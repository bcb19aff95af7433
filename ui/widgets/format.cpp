#include "ui/widgets/format.h"

#include <QDateTime>
#include <cmath>
#include <iterator>

namespace spillway {

QLocale number_locale() {
    QLocale locale;
    if (locale.language() == QLocale::C)
        locale = QLocale(QLocale::English, QLocale::UnitedStates);
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    return locale;
}

QString format_count(int64_t value) {
    return number_locale().toString(qlonglong(value));
}

QString format_offset(int64_t offset) {
    return offset >= 0 ? format_count(offset) : QStringLiteral("–");
}

QString format_rate(double per_second) {
    return format_count(std::llround(per_second)) + QStringLiteral("/s");
}

QString format_ms(double milliseconds) {
    const int decimals = milliseconds < 100 ? 1 : 0;
    return number_locale().toString(milliseconds, 'f', decimals) + QStringLiteral(" ms");
}

QString format_percent(double fraction) {
    return number_locale().toString(fraction * 100.0, 'f', 1) + QStringLiteral("%");
}

QString format_seconds(double seconds) {
    const QLocale locale = number_locale();
    if (seconds < 10)
        return locale.toString(seconds, 'f', 1) + QStringLiteral(" s");
    if (seconds < 120)
        return locale.toString(std::llround(seconds)) + QStringLiteral(" s");
    const auto whole = std::llround(seconds);
    return QStringLiteral("%1 min %2 s").arg(locale.toString(whole / 60)).arg(whole % 60);
}

QString format_uptime(double seconds) {
    const auto whole = std::llround(std::max(0.0, seconds));
    const auto days = whole / 86400;
    const QString clock = QStringLiteral("%1:%2:%3")
                              .arg((whole / 3600) % 24, days > 0 ? 2 : 1, 10, QLatin1Char('0'))
                              .arg((whole / 60) % 60, 2, 10, QLatin1Char('0'))
                              .arg(whole % 60, 2, 10, QLatin1Char('0'));
    return days > 0 ? QStringLiteral("%1d %2").arg(days).arg(clock) : clock;
}

QString format_compact(double value) {
    const QLocale locale = number_locale();
    const double magnitude = std::abs(value);
    const auto scaled = [&](double divisor, const char* suffix) {
        const double shown = value / divisor;
        // One decimal only where it carries information (1.5M, not 10.0M).
        const int decimals = std::abs(shown - std::round(shown)) < 1e-9 ? 0 : 1;
        return locale.toString(shown, 'f', decimals) + QLatin1String(suffix);
    };
    if (magnitude >= 1e9)
        return scaled(1e9, "G");
    if (magnitude >= 1e6)
        return scaled(1e6, "M");
    if (magnitude >= 1e3)
        return scaled(1e3, "k");
    return locale.toString(value, 'f', std::abs(value - std::round(value)) < 1e-9 ? 0 : 1);
}

QString format_bytes(double bytes) {
    const QLocale locale = number_locale();
    static const char* const units[] = {" B", " KiB", " MiB", " GiB", " TiB"};
    double shown = bytes;
    size_t unit = 0;
    while (std::abs(shown) >= 1024 && unit + 1 < std::size(units)) {
        shown /= 1024;
        ++unit;
    }
    const bool whole = std::abs(shown - std::round(shown)) < 0.05 || std::abs(shown) >= 100;
    return locale.toString(shown, 'f', unit == 0 || whole ? 0 : 1) + QLatin1String(units[unit]);
}

QString format_clock(double seconds_since_epoch) {
    return QDateTime::fromMSecsSinceEpoch(qint64(std::llround(seconds_since_epoch * 1000)))
        .toString(QStringLiteral("HH:mm:ss"));
}

}  // namespace spillway
