#include "core/reconcile/reconciler.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/reconcile/archive_lookup.h"
#include "core/reconcile/database_lookup.h"

namespace spillway {

namespace {

struct ChunkMessage {
    int32_t partition;
    int64_t offset;
    std::string event_id;  // empty when the decoder refused the message
    RejectReason reject;
};

class ChunkChecker {
public:
    ChunkChecker(const ReconcileOptions& options, ReconcileReport& report)
        : options_(options),
          report_(report),
          database_(options.conninfo, options.events_table, options.dead_letter_table,
                    options.kafka.topic),
          archives_(options.archive_dir, options.events_table) {
        for (size_t i = 0; i < report_.partitions.size(); ++i)
            index_[report_.partitions[i].partition] = i;
    }

    void check(const std::vector<ChunkMessage>& chunk) {
        std::vector<std::string> ids;
        {
            std::unordered_set<std::string_view> seen;
            for (const auto& message : chunk)
                if (!message.event_id.empty() && seen.insert(message.event_id).second)
                    ids.push_back(message.event_id);
        }
        const auto locations = database_.locate(ids);

        std::vector<const ChunkMessage*> not_stored;
        for (const auto& message : chunk) {
            auto& counts = partition(message.partition);
            ++counts.read;
            const auto location =
                message.event_id.empty() ? locations.end() : locations.find(message.event_id);
            if (location != locations.end() && location->second.in_events) {
                const bool own = location->second.partition == message.partition &&
                                 location->second.offset == message.offset;
                ++(own ? counts.stored : counts.stored_duplicates);
                continue;
            }
            not_stored.push_back(&message);
        }
        if (not_stored.empty())
            return;

        std::vector<std::pair<int32_t, int64_t>> coordinates;
        coordinates.reserve(not_stored.size());
        for (const auto* message : not_stored)
            coordinates.emplace_back(message->partition, message->offset);
        const auto dead = database_.dead_letters(coordinates);

        // Claimed ids whose rows are gone: the archive of their day may hold them.
        std::map<std::chrono::sys_days, std::unordered_set<std::string>> by_day;
        std::vector<const ChunkMessage*> missing;
        for (const auto* message : not_stored) {
            auto& counts = partition(message->partition);
            const auto entry = dead.find({message->partition, message->offset});
            if (entry != dead.end()) {
                if (entry->second == "replayed")
                    ++counts.dead_letter_replayed;
                else if (entry->second == "discarded")
                    ++counts.dead_letter_discarded;
                else
                    ++counts.dead_letter_new;
                continue;
            }
            const auto location =
                message->event_id.empty() ? locations.end() : locations.find(message->event_id);
            if (location != locations.end() && location->second.claimed)
                by_day[location->second.day].insert(message->event_id);
            missing.push_back(message);
        }
        std::unordered_set<std::string> archived;
        std::map<std::chrono::sys_days, std::string> archive_problems;
        for (const auto& [day, wanted] : by_day) {
            std::string problem;
            for (const auto& id : archives_.find(day, wanted, &problem))
                archived.insert(id);
            archive_problems[day] = problem;
        }
        for (const auto* message : missing) {
            auto& counts = partition(message->partition);
            if (!message->event_id.empty() && archived.count(message->event_id)) {
                ++counts.archived;
                continue;
            }
            if (counts.committed < 0 || message->offset >= counts.committed) {
                ++counts.not_yet_committed;
                continue;
            }
            ++counts.unaccounted;
            if (options_.on_unaccounted)
                options_.on_unaccounted(describe(*message, locations, archive_problems));
        }
    }

private:
    PartitionReconciliation& partition(int32_t id) { return report_.partitions[index_.at(id)]; }

    UnaccountedOffset describe(
        const ChunkMessage& message, const std::unordered_map<std::string, IdLocation>& locations,
        const std::map<std::chrono::sys_days, std::string>& archive_problems) const {
        UnaccountedOffset result;
        result.topic = options_.kafka.topic;
        result.partition = message.partition;
        result.offset = message.offset;
        result.event_id = message.event_id;
        if (message.event_id.empty()) {
            result.reason = std::string("the decoder refused it (") +
                            reject_reason_name(message.reject) +
                            ") and the dead-letter table has no entry for its offset";
            return result;
        }
        const auto location = locations.find(message.event_id);
        if (location != locations.end() && location->second.claimed) {
            const auto problem = archive_problems.find(location->second.day);
            result.reason =
                "its id is claimed in the key table but the events table has no row for it, and "
                "it is not in the day's archive" +
                (problem != archive_problems.end() && !problem->second.empty()
                     ? " (" + problem->second + ")"
                     : std::string()) +
                "; no dead-letter entry for its offset";
        } else {
            result.reason =
                "no row with its id in the events table, no claim in the key table, no "
                "dead-letter entry for its offset";
        }
        return result;
    }

    const ReconcileOptions& options_;
    ReconcileReport& report_;
    DatabaseLookup database_;
    ArchiveLookup archives_;
    std::map<int32_t, size_t> index_;
};

}  // namespace

ReconcileReport reconcile(const ReconcileOptions& options) {
    KafkaRangeReader reader(options.kafka);
    ReconcileReport report;
    report.topic = options.kafka.topic;
    for (const auto& range : reader.ranges()) {
        PartitionReconciliation counts;
        counts.partition = range.partition;
        counts.log_start = range.log_start;
        counts.high_watermark = range.high_watermark;
        counts.committed = range.committed;
        counts.from_offset = range.from;
        counts.to_offset = range.to;
        report.partitions.push_back(counts);
    }
    ChunkChecker checker(options, report);
    EventDecoder decoder(options.decoder);
    ReconcileProgress progress;
    progress.total = reader.total_in_ranges();
    std::vector<ChunkMessage> chunk;
    const size_t chunk_size = std::max<size_t>(options.chunk_messages, 1);
    chunk.reserve(chunk_size);
    bool more = true;
    while (more) {
        if (options.cancel && options.cancel->load()) {
            report.cancelled = true;
            break;
        }
        chunk.clear();
        more = reader.read(
            chunk_size, [&](int32_t partition, int64_t offset, std::string_view payload) {
                DecodeResult decoded = decoder.decode(payload);
                chunk.push_back({partition, offset, std::move(decoded.event_id), decoded.reject});
            });
        checker.check(chunk);
        progress.read += static_cast<int64_t>(chunk.size());
        progress.unaccounted = report.unaccounted();
        if (options.on_progress)
            options.on_progress(progress);
    }
    return report;
}

}  // namespace spillway
