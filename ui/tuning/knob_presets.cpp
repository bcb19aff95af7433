#include "ui/tuning/knob_presets.h"

#include <QObject>

namespace spillway {

namespace {

const QString kGroup = QStringLiteral("tuning_presets");

QString low_latency() {
    return QObject::tr("Low latency");
}
QString high_throughput() {
    return QObject::tr("High throughput");
}

}  // namespace

QStringList KnobPresets::builtinNames() {
    return {low_latency(), high_throughput()};
}

std::optional<Knobs> KnobPresets::builtin(const QString& name, const Knobs& base) {
    Knobs knobs = base;
    if (name == low_latency()) {
        // Small batches that leave quickly: each event waits for few others.
        knobs.batch_size = 500;
        knobs.flush_interval_ms = 20;
        knobs.writer_concurrency = std::max(base.writer_concurrency, 4);
        return knobs;
    }
    if (name == high_throughput()) {
        // Large batches amortise each round trip and commit; more writers keep PostgreSQL busy.
        knobs.batch_size = 20000;
        knobs.batch_bytes = size_t(32) << 20;
        knobs.flush_interval_ms = 1000;
        knobs.writer_concurrency = std::max(base.writer_concurrency, 8);
        return knobs;
    }
    return std::nullopt;
}

QString KnobPresets::builtinDescription(const QString& name) {
    if (name == low_latency())
        return QObject::tr("Batches of 500, flushed after 20 ms, at least 4 writers");
    if (name == high_throughput())
        return QObject::tr("Batches of 20,000 (32 MiB), flushed after 1 s, at least 8 writers");
    return {};
}

QStringList KnobPresets::userNames() const {
    settings_.beginGroup(kGroup);
    QStringList names = settings_.childGroups();
    settings_.endGroup();
    names.sort(Qt::CaseInsensitive);
    return names;
}

std::optional<Knobs> KnobPresets::user(const QString& name) const {
    settings_.beginGroup(kGroup);
    const bool present = settings_.childGroups().contains(name);
    settings_.beginGroup(name);
    Knobs k;
    k.batch_size = settings_.value("batch_size", k.batch_size).toInt();
    k.batch_bytes = settings_.value("batch_bytes", qulonglong(k.batch_bytes)).toULongLong();
    k.flush_interval_ms = settings_.value("flush_interval_ms", k.flush_interval_ms).toInt();
    k.writer_concurrency = settings_.value("writer_concurrency", k.writer_concurrency).toInt();
    k.queue_capacity_events =
        settings_.value("queue_capacity_events", qulonglong(k.queue_capacity_events)).toULongLong();
    k.queue_capacity_bytes =
        settings_.value("queue_capacity_bytes", qulonglong(k.queue_capacity_bytes)).toULongLong();
    k.high_watermark = settings_.value("high_watermark", k.high_watermark).toDouble();
    k.low_watermark = settings_.value("low_watermark", k.low_watermark).toDouble();
    k.overflow_policy =
        parse_overflow_policy(settings_.value("overflow_policy").toString().toStdString())
            .value_or(k.overflow_policy);
    settings_.endGroup();
    settings_.endGroup();
    if (!present)
        return std::nullopt;
    return k;
}

void KnobPresets::saveUser(const QString& name, const Knobs& k) {
    settings_.beginGroup(kGroup);
    settings_.remove(name);
    settings_.beginGroup(name);
    settings_.setValue("batch_size", k.batch_size);
    settings_.setValue("batch_bytes", qulonglong(k.batch_bytes));
    settings_.setValue("flush_interval_ms", k.flush_interval_ms);
    settings_.setValue("writer_concurrency", k.writer_concurrency);
    settings_.setValue("queue_capacity_events", qulonglong(k.queue_capacity_events));
    settings_.setValue("queue_capacity_bytes", qulonglong(k.queue_capacity_bytes));
    settings_.setValue("high_watermark", k.high_watermark);
    settings_.setValue("low_watermark", k.low_watermark);
    settings_.setValue("overflow_policy",
                       QString::fromLatin1(overflow_policy_name(k.overflow_policy)));
    settings_.endGroup();
    settings_.endGroup();
    settings_.sync();
}

void KnobPresets::removeUser(const QString& name) {
    settings_.beginGroup(kGroup);
    settings_.remove(name);
    settings_.endGroup();
    settings_.sync();
}

}  // namespace spillway
