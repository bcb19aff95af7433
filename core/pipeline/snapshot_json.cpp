#include "core/pipeline/snapshot_json.h"

#include <cmath>
#include <limits>
#include <utility>

#include "core/pipeline/event.h"
#include "core/common/json_fields.h"

namespace spillway {

namespace {
using json::Fields;
using json::known;
using json::Reader;
using json::write_all;

const Fields<Snapshot, int64_t> kSnapshotIntegers = {
    {"consumed", &Snapshot::consumed},
    {"consumed_bytes", &Snapshot::consumed_bytes},
    {"written", &Snapshot::written},
    {"written_bytes", &Snapshot::written_bytes},
    {"duplicates", &Snapshot::duplicates},
    {"dead_lettered", &Snapshot::dead_lettered},
    {"rejected", &Snapshot::rejected},
    {"batches", &Snapshot::batches},
    {"batch_retries", &Snapshot::batch_retries},
    {"batch_splits", &Snapshot::batch_splits},
    {"commits", &Snapshot::commits},
    {"commit_failures", &Snapshot::commit_failures},
    {"lost_to_retention", &Snapshot::lost_to_retention},
    {"pauses", &Snapshot::pauses},
    {"overflow_replayed", &Snapshot::overflow_replayed},
    {"total_lag_messages", &Snapshot::total_lag_messages},
};
const Fields<Snapshot, size_t> kSnapshotSizes = {
    {"queue_events", &Snapshot::queue_events},
    {"queue_bytes", &Snapshot::queue_bytes},
    {"queue_capacity_events", &Snapshot::queue_capacity_events},
    {"queue_capacity_bytes", &Snapshot::queue_capacity_bytes},
    {"in_flight_offsets", &Snapshot::in_flight_offsets},
    {"overflow_queued", &Snapshot::overflow_queued},
};
const Fields<Snapshot, int> kSnapshotInts = {
    {"writers_busy", &Snapshot::writers_busy},
    {"writers_running", &Snapshot::writers_running},
};
const Fields<Snapshot, double> kSnapshotNumbers = {
    {"uptime_s", &Snapshot::uptime_s},
    {"active_seconds", &Snapshot::active_seconds},
    {"consumed_per_s", &Snapshot::consumed_per_s},
    {"written_per_s", &Snapshot::written_per_s},
    {"dead_lettered_per_s", &Snapshot::dead_lettered_per_s},
    {"written_mb_per_s", &Snapshot::written_mb_per_s},
    {"queue_fill", &Snapshot::queue_fill},
    {"batch_p50_ms", &Snapshot::batch_p50_ms},
    {"batch_p95_ms", &Snapshot::batch_p95_ms},
    {"batch_p99_ms", &Snapshot::batch_p99_ms},
    {"e2e_p50_ms", &Snapshot::e2e_p50_ms},
    {"e2e_p95_ms", &Snapshot::e2e_p95_ms},
    {"e2e_p99_ms", &Snapshot::e2e_p99_ms},
    {"batch_p50_total_ms", &Snapshot::batch_p50_total_ms},
    {"batch_p99_total_ms", &Snapshot::batch_p99_total_ms},
    {"e2e_p50_total_ms", &Snapshot::e2e_p50_total_ms},
    {"e2e_p99_total_ms", &Snapshot::e2e_p99_total_ms},
    {"true_e2e_p50_ms", &Snapshot::true_e2e_p50_ms},
    {"true_e2e_p95_ms", &Snapshot::true_e2e_p95_ms},
    {"true_e2e_p99_ms", &Snapshot::true_e2e_p99_ms},
    {"true_e2e_p50_total_ms", &Snapshot::true_e2e_p50_total_ms},
    {"true_e2e_p99_total_ms", &Snapshot::true_e2e_p99_total_ms},
    {"max_lag_seconds", &Snapshot::max_lag_seconds},
};
const Fields<Snapshot, bool> kSnapshotFlags = {
    {"source_paused", &Snapshot::source_paused},
    {"database_available", &Snapshot::database_available},
};
const Fields<Snapshot, std::string> kSnapshotTexts = {
    {"state", &Snapshot::state},
    {"last_kafka_error", &Snapshot::last_kafka_error},
    {"last_database_error", &Snapshot::last_database_error},
};

const Fields<Knobs, int> kKnobInts = {
    {"batch_size", &Knobs::batch_size},
    {"flush_interval_ms", &Knobs::flush_interval_ms},
    {"writer_concurrency", &Knobs::writer_concurrency},
};
const Fields<Knobs, size_t> kKnobSizes = {
    {"batch_bytes", &Knobs::batch_bytes},
    {"queue_capacity_events", &Knobs::queue_capacity_events},
    {"queue_capacity_bytes", &Knobs::queue_capacity_bytes},
};
const Fields<Knobs, bool> kKnobFlags = {
    {"dispatch_when_idle", &Knobs::dispatch_when_idle},
};
const Fields<Knobs, double> kKnobNumbers = {
    {"high_watermark", &Knobs::high_watermark},
    {"low_watermark", &Knobs::low_watermark},
};

const Fields<PartitionLag, int64_t> kLagIntegers = {
    {"consumed_position", &PartitionLag::consumed_position},
    {"committed", &PartitionLag::committed},
    {"end_offset", &PartitionLag::end_offset},
    {"lag_messages", &PartitionLag::lag_messages},
    {"log_start", &PartitionLag::log_start},
    {"durable", &PartitionLag::durable},
    {"pending", &PartitionLag::pending},
    {"exposure", &PartitionLag::exposure},
    {"lost_to_retention", &PartitionLag::lost_to_retention},
};

}  // namespace

qint64 to_epoch_ms(std::chrono::system_clock::time_point at) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

std::chrono::system_clock::time_point from_epoch_ms(qint64 ms) {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

QJsonObject knobs_to_json(const Knobs& knobs) {
    QJsonObject json;
    write_all(kKnobInts, knobs, json);
    write_all(kKnobSizes, knobs, json);
    write_all(kKnobNumbers, knobs, json);
    write_all(kKnobFlags, knobs, json);
    json.insert("overflow_policy", overflow_policy_name(knobs.overflow_policy));
    QJsonObject fetch;  // the runtime fetch settings (core/kafka/fetch_settings.h), values as text
    for (const auto& [property, value] : knobs.fetch)
        fetch.insert(QString::fromStdString(property), QString::fromStdString(value));
    json.insert("fetch", fetch);
    return json;
}

std::optional<Knobs> knobs_from_json(const QJsonObject& json, const Knobs& base,
                                     std::string* error) {
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString& name = it.key();
        if (!known(kKnobInts, name) && !known(kKnobSizes, name) && !known(kKnobNumbers, name) &&
            !known(kKnobFlags, name) && name != "overflow_policy" && name != "fetch") {
            if (error)
                *error = name.toStdString() + ": not a knob";
            return std::nullopt;
        }
    }
    Knobs knobs = base;
    Reader reader(json, error);
    reader.all(kKnobInts, knobs);
    reader.all(kKnobSizes, knobs);
    reader.all(kKnobNumbers, knobs);
    reader.all(kKnobFlags, knobs);
    std::string policy = overflow_policy_name(knobs.overflow_policy);
    reader.text("overflow_policy", policy);
    if (!reader.ok())
        return std::nullopt;
    const auto parsed = parse_overflow_policy(policy);
    if (!parsed) {
        reader.fail("overflow_policy",
                    "\"" + policy + "\" is not one of backpressure, dead-letter");
        return std::nullopt;
    }
    knobs.overflow_policy = *parsed;
    if (json.contains("fetch")) {
        // Replaces the whole set: a property left out goes back to its start-up value.
        if (!json.value("fetch").isObject()) {
            if (error)
                *error = "fetch: expected an object of property: value";
            return std::nullopt;
        }
        knobs.fetch.clear();
        const QJsonObject fetch = json.value("fetch").toObject();
        for (auto it = fetch.begin(); it != fetch.end(); ++it) {
            // Numbers are taken as written; validate() names a value that is not a whole number.
            const QString value = it.value().isString()
                                      ? it.value().toString()
                                      : QString::number(it.value().toDouble(), 'g', 17);
            knobs.fetch[it.key().toStdString()] = value.toStdString();
        }
    }
    if (auto reason = validate(knobs); !reason.empty()) {
        if (error)
            *error = reason;
        return std::nullopt;
    }
    return knobs;
}

QJsonObject knob_change_to_json(const KnobChange& change) {
    return QJsonObject{{"at_ms", to_epoch_ms(change.at)},
                       {"origin", QString::fromStdString(change.origin)},
                       {"before", knobs_to_json(change.before)},
                       {"after", knobs_to_json(change.after)}};
}

std::optional<KnobChange> knob_change_from_json(const QJsonObject& json, std::string* error) {
    KnobChange change;
    Reader reader(json, error);
    qint64 at_ms = 0;
    reader.integer("at_ms", at_ms);
    reader.text("origin", change.origin);
    QJsonObject before, after;
    reader.container("before", before);
    reader.container("after", after);
    if (!reader.ok())
        return std::nullopt;
    change.at = from_epoch_ms(at_ms);
    // History records what was applied; read it back without re-validating against today's rules.
    std::string knob_error;
    auto parsed_before = knobs_from_json(before, Knobs{}, &knob_error);
    auto parsed_after = parsed_before ? knobs_from_json(after, Knobs{}, &knob_error) : std::nullopt;
    if (!parsed_before || !parsed_after) {
        if (error)
            *error = (parsed_before ? "after." : "before.") + knob_error;
        return std::nullopt;
    }
    change.before = *parsed_before;
    change.after = *parsed_after;
    return change;
}

QJsonArray knob_history_to_json(const std::vector<KnobChange>& history) {
    QJsonArray json;
    for (const auto& change : history)
        json.append(knob_change_to_json(change));
    return json;
}

std::optional<std::vector<KnobChange>> knob_history_from_json(const QJsonArray& json,
                                                              std::string* error) {
    std::vector<KnobChange> history;
    for (qsizetype i = 0; i < json.size(); ++i) {
        std::string item_error;
        auto change = json.at(i).isObject()
                          ? knob_change_from_json(json.at(i).toObject(), &item_error)
                          : std::nullopt;
        if (!change) {
            if (error)
                *error = "[" + std::to_string(i) + "]" +
                         (item_error.empty() ? ": expected an object" : "." + item_error);
            return std::nullopt;
        }
        history.push_back(std::move(*change));
    }
    return history;
}

QJsonObject partition_lag_to_json(const PartitionLag& lag) {
    QJsonObject json{{"partition", lag.partition}, {"lag_seconds", lag.lag_seconds}};
    write_all(kLagIntegers, lag, json);
    return json;
}

QJsonObject partitions_to_json(const Snapshot& snapshot) {
    QJsonArray partitions;
    int64_t exposure = 0, pending = 0, lag = 0, lost = 0;
    for (const auto& partition : snapshot.partitions) {
        partitions.append(partition_lag_to_json(partition));
        exposure += partition.exposure;
        pending += partition.pending;
        lag += partition.lag_messages;
        lost += partition.lost_to_retention;
    }
    return QJsonObject{{"taken_at_ms", to_epoch_ms(snapshot.taken_at)},
                       {"state", QString::fromStdString(snapshot.state)},
                       {"source_paused", snapshot.source_paused},
                       {"partitions", partitions},
                       {"totals", QJsonObject{{"partitions", qint64(snapshot.partitions.size())},
                                              {"exposure", qint64(exposure)},
                                              {"pending", qint64(pending)},
                                              {"lag_messages", qint64(lag)},
                                              {"lost_to_retention", qint64(lost)}}}};
}

QJsonObject snapshot_to_json(const Snapshot& snapshot) {
    QJsonObject json;
    json.insert("taken_at_ms", to_epoch_ms(snapshot.taken_at));
    write_all(kSnapshotIntegers, snapshot, json);
    write_all(kSnapshotSizes, snapshot, json);
    write_all(kSnapshotInts, snapshot, json);
    write_all(kSnapshotNumbers, snapshot, json);
    write_all(kSnapshotFlags, snapshot, json);
    write_all(kSnapshotTexts, snapshot, json);
    QJsonObject by_reason;
    for (size_t i = 1; i < kRejectReasonCount; ++i)
        by_reason.insert(QLatin1String(reject_reason_name(static_cast<RejectReason>(i))),
                         qint64(snapshot.rejected_by_reason[i]));
    json.insert("rejected_by_reason", by_reason);
    QJsonArray partitions;
    for (const auto& lag : snapshot.partitions)
        partitions.append(partition_lag_to_json(lag));
    json.insert("partitions", partitions);
    json.insert("knobs", knobs_to_json(snapshot.knobs));
    json.insert("knob_version", qint64(snapshot.knob_version));
    return json;
}

std::optional<Snapshot> snapshot_from_json(const QJsonObject& json, std::string* error) {
    Snapshot snapshot;
    Reader reader(json, error);
    qint64 taken_at_ms = 0;
    reader.integer("taken_at_ms", taken_at_ms);
    snapshot.taken_at = from_epoch_ms(taken_at_ms);
    reader.all(kSnapshotIntegers, snapshot);
    reader.all(kSnapshotSizes, snapshot);
    reader.all(kSnapshotInts, snapshot);
    reader.all(kSnapshotNumbers, snapshot);
    reader.all(kSnapshotFlags, snapshot);
    reader.all(kSnapshotTexts, snapshot);
    reader.integer("knob_version", snapshot.knob_version, 0);

    QJsonObject by_reason;
    if (reader.container("rejected_by_reason", by_reason)) {
        Reader reasons(by_reason, error, "rejected_by_reason.");
        for (size_t i = 1; i < kRejectReasonCount; ++i)
            reasons.integer(reject_reason_name(static_cast<RejectReason>(i)),
                            snapshot.rejected_by_reason[i]);
        if (!reasons.ok())
            return std::nullopt;
    }
    QJsonArray partitions;
    if (reader.container("partitions", partitions)) {
        for (qsizetype i = 0; i < partitions.size(); ++i) {
            const std::string prefix = "partitions[" + std::to_string(i) + "].";
            if (!partitions.at(i).isObject()) {
                reader.fail(prefix.substr(0, prefix.size() - 1), "expected an object");
                return std::nullopt;
            }
            const QJsonObject item = partitions.at(i).toObject();
            Reader lag_reader(item, error, prefix);
            PartitionLag lag;
            lag_reader.integer("partition", lag.partition);
            lag_reader.number("lag_seconds", lag.lag_seconds);
            lag_reader.all(kLagIntegers, lag);
            if (!lag_reader.ok())
                return std::nullopt;
            snapshot.partitions.push_back(lag);
        }
    }
    QJsonObject knobs;
    if (reader.container("knobs", knobs)) {
        std::string knob_error;
        auto parsed = knobs_from_json(knobs, Knobs{}, &knob_error);
        if (!parsed) {
            if (error)
                *error = "knobs." + knob_error;
            return std::nullopt;
        }
        snapshot.knobs = *parsed;
    }
    if (!reader.ok())
        return std::nullopt;
    return snapshot;
}

}  // namespace spillway
