#include "core/reconcile/reconcile_report.h"

#include <cstdio>

#include "core/common/json_text.h"

namespace spillway {

int64_t ReconcileReport::read() const {
    int64_t total = 0;
    for (const auto& partition : partitions)
        total += partition.read;
    return total;
}

int64_t ReconcileReport::unaccounted() const {
    int64_t total = 0;
    for (const auto& partition : partitions)
        total += partition.unaccounted;
    return total;
}

int64_t ReconcileReport::not_yet_committed() const {
    int64_t total = 0;
    for (const auto& partition : partitions)
        total += partition.not_yet_committed;
    return total;
}

std::string unaccounted_to_json(const UnaccountedOffset& offset) {
    std::string json = "{\"topic\":";
    append_json_string(json, offset.topic);
    json += ",\"partition\":" + std::to_string(offset.partition) +
            ",\"offset\":" + std::to_string(offset.offset) + ",\"event_id\":";
    if (offset.event_id.empty())
        json += "null";
    else
        append_json_string(json, offset.event_id);
    json += ",\"reason\":";
    append_json_string(json, offset.reason);
    json += '}';
    return json;
}

std::string report_to_json(const ReconcileReport& report) {
    std::string json = "{\"topic\":";
    append_json_string(json, report.topic);
    json += ",\"all_accounted\":" + std::string(report.all_accounted() ? "true" : "false") +
            ",\"cancelled\":" + std::string(report.cancelled ? "true" : "false") +
            ",\"read\":" + std::to_string(report.read()) +
            ",\"unaccounted\":" + std::to_string(report.unaccounted()) +
            ",\"not_yet_committed\":" + std::to_string(report.not_yet_committed()) +
            ",\"partitions\":[";
    bool first = true;
    for (const auto& p : report.partitions) {
        if (!first)
            json += ',';
        first = false;
        json += "{\"partition\":" + std::to_string(p.partition) +
                ",\"log_start\":" + std::to_string(p.log_start) +
                ",\"high_watermark\":" + std::to_string(p.high_watermark) +
                ",\"committed\":" + std::to_string(p.committed) +
                ",\"from_offset\":" + std::to_string(p.from_offset) +
                ",\"to_offset\":" + std::to_string(p.to_offset) +
                ",\"read\":" + std::to_string(p.read) + ",\"stored\":" + std::to_string(p.stored) +
                ",\"stored_duplicates\":" + std::to_string(p.stored_duplicates) +
                ",\"archived\":" + std::to_string(p.archived) +
                ",\"dead_letter_new\":" + std::to_string(p.dead_letter_new) +
                ",\"dead_letter_replayed\":" + std::to_string(p.dead_letter_replayed) +
                ",\"dead_letter_discarded\":" + std::to_string(p.dead_letter_discarded) +
                ",\"not_yet_committed\":" + std::to_string(p.not_yet_committed) +
                ",\"unaccounted\":" + std::to_string(p.unaccounted) + '}';
    }
    json += "]}";
    return json;
}

std::string report_to_text(const ReconcileReport& report) {
    std::string text = "Reconciliation of topic " + report.topic + "\n";
    char line[256];
    std::snprintf(line, sizeof line, "%9s %23s %10s %10s %10s %10s %9s %9s %9s %10s\n", "partition",
                  "range", "committed", "read", "stored", "duplicate", "archived", "dead-lett",
                  "not-comm", "UNACCOUNTED");
    text += line;
    for (const auto& p : report.partitions) {
        const std::string range =
            "[" + std::to_string(p.from_offset) + ", " + std::to_string(p.to_offset) + ")";
        std::snprintf(
            line, sizeof line, "%9d %23s %10lld %10lld %10lld %10lld %9lld %9lld %9lld %10lld\n",
            p.partition, range.c_str(), static_cast<long long>(p.committed),
            static_cast<long long>(p.read), static_cast<long long>(p.stored),
            static_cast<long long>(p.stored_duplicates), static_cast<long long>(p.archived),
            static_cast<long long>(p.dead_lettered()), static_cast<long long>(p.not_yet_committed),
            static_cast<long long>(p.unaccounted));
        text += line;
    }
    if (report.cancelled)
        text += "VERDICT: cancelled after " + std::to_string(report.read()) +
                " offsets; nothing is proven\n";
    else if (report.all_accounted())
        text += "VERDICT: all accounted: " + std::to_string(report.read()) + " offsets read, " +
                std::to_string(report.not_yet_committed()) +
                " of them not yet committed, none unaccounted\n";
    else
        text += "VERDICT: " + std::to_string(report.unaccounted()) + " of " +
                std::to_string(report.read()) +
                " offsets below the committed offsets are UNACCOUNTED\n";
    return text;
}

}  // namespace spillway
