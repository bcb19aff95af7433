#include "ui/tuning/knob_change_text.h"

#include <QObject>
#include <QStringList>
#include <cmath>

#include "ui/widgets/format.h"

namespace spillway {

namespace {

QString percent(double fraction) {
    return QStringLiteral("%1%").arg(std::round(fraction * 1000) / 10);
}

QString arrow(const QString& name, const QString& before, const QString& after) {
    return QStringLiteral("%1 %2→%3").arg(name, before, after);
}

}  // namespace

QString overflow_policy_label(OverflowPolicy policy) {
    return QString::fromLatin1(overflow_policy_name(policy));
}

QString describe_knob_change(const Knobs& before, const Knobs& after) {
    QStringList parts;
    if (before.batch_size != after.batch_size)
        parts << arrow(QObject::tr("batch"), format_count(before.batch_size),
                       format_count(after.batch_size));
    if (before.writer_concurrency != after.writer_concurrency)
        parts << arrow(QObject::tr("writers"), QString::number(before.writer_concurrency),
                       QString::number(after.writer_concurrency));
    if (before.flush_interval_ms != after.flush_interval_ms)
        parts << arrow(QObject::tr("flush"), format_count(before.flush_interval_ms),
                       format_count(after.flush_interval_ms) + QStringLiteral(" ms"));
    if (before.batch_bytes != after.batch_bytes)
        parts << arrow(QObject::tr("batch bytes"), format_bytes(double(before.batch_bytes)),
                       format_bytes(double(after.batch_bytes)));
    if (before.queue_capacity_events != after.queue_capacity_events)
        parts << arrow(QObject::tr("queue"), format_count(int64_t(before.queue_capacity_events)),
                       format_count(int64_t(after.queue_capacity_events)));
    if (before.queue_capacity_bytes != after.queue_capacity_bytes)
        parts << arrow(QObject::tr("queue bytes"),
                       format_bytes(double(before.queue_capacity_bytes)),
                       format_bytes(double(after.queue_capacity_bytes)));
    if (before.high_watermark != after.high_watermark)
        parts << arrow(QObject::tr("high wm"), percent(before.high_watermark),
                       percent(after.high_watermark));
    if (before.low_watermark != after.low_watermark)
        parts << arrow(QObject::tr("low wm"), percent(before.low_watermark),
                       percent(after.low_watermark));
    if (before.overflow_policy != after.overflow_policy)
        parts << arrow(QObject::tr("overflow"), overflow_policy_label(before.overflow_policy),
                       overflow_policy_label(after.overflow_policy));
    if (before.fetch != after.fetch) {
        // Every fetch property that changed, its start-up value shown as "default".
        std::map<std::string, std::pair<std::string, std::string>> changed;
        for (const auto& [property, value] : before.fetch)
            changed[property].first = value;
        for (const auto& [property, value] : after.fetch)
            changed[property].second = value;
        const QString start_up = QObject::tr("start-up");
        for (const auto& [property, values] : changed)
            if (values.first != values.second)
                parts << arrow(
                    QString::fromStdString(property),
                    values.first.empty() ? start_up : QString::fromStdString(values.first),
                    values.second.empty() ? start_up : QString::fromStdString(values.second));
    }
    return parts.isEmpty() ? QObject::tr("no change") : parts.join(QStringLiteral(", "));
}

QString describe_knobs(const Knobs& k) {
    return QObject::tr(
               "batch %1 events / %2 · flush %3 ms · %4 writers · queue %5 events / %6 · "
               "watermarks %7 / %8 · overflow %9")
        .arg(format_count(k.batch_size), format_bytes(double(k.batch_bytes)),
             format_count(k.flush_interval_ms), QString::number(k.writer_concurrency),
             format_count(int64_t(k.queue_capacity_events)),
             format_bytes(double(k.queue_capacity_bytes)), percent(k.high_watermark),
             percent(k.low_watermark), overflow_policy_label(k.overflow_policy));
}

}  // namespace spillway
