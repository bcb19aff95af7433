// DeadLetterStore::replay: entries go back through the pipeline's own validator and write path
// (EventDecoder, BatchWriter), in chunks, with a per-entry outcome, a dry run, progress and
// cancel between chunks, and one audit row. One thread at a time.
#include <chrono>
#include <limits>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "core/common/json_text.h"
#include "core/dead_letters/dead_letter_sql.h"
#include "core/dead_letters/dead_letter_store.h"
#include "core/kafka/event_decoder.h"
#include "core/postgres/batch_writer.h"
#include "core/postgres/pg_connection.h"

namespace spillway {

using namespace dead_letter_sql;

struct DeadLetterStore::ReplayRun {
    const ReplayOptions& options;
    ReplayReport& report;
    // Dry run: the event ids that would be inserted earlier in this run.
    std::unordered_set<std::string> would_insert;
    int64_t lines_left_out = 0;

    void line(std::string text) {
        if (report.outcomes.size() < options.max_outcome_lines)
            report.outcomes.push_back(std::move(text));
        else
            ++lines_left_out;
    }
};

BatchWriter& DeadLetterStore::writer_for(const std::string& topic) {
    auto found = writers_.find(topic);
    if (found == writers_.end()) {
        SinkOptions options = sink_;
        options.topic = topic;  // the writer stores every row under this topic
        found = writers_.emplace(topic, std::make_unique<BatchWriter>(options, nullptr)).first;
    }
    return *found->second;
}

std::vector<std::string> DeadLetterStore::stored_event_ids(
    const std::vector<std::string>& event_ids) {
    Query query;
    std::string list;
    for (const auto& event_id : event_ids) {
        // An id PostgreSQL text cannot hold is not stored (the write would reject it).
        if (event_id.find('\0') != std::string::npos || !is_valid_utf8(event_id))
            continue;
        list += (list.empty() ? "" : ", ") + query.bind(event_id);
    }
    std::vector<std::string> stored;
    if (list.empty())
        return stored;
    for (const Row& row : connection().query(
             "SELECT event_id FROM " + event_keys_ + " WHERE event_id IN (" + list + ")",
             query.params))
        stored.push_back(text_or_empty(row[0]));
    return stored;
}

void DeadLetterStore::replay_chunk(const std::vector<DeadLetterEntry>& entries, ReplayRun& run) {
    ReplayReport& report = run.report;
    const ReplayOptions& options = run.options;
    struct Candidate {
        const DeadLetterEntry* entry;
        DecodeResult decoded;
    };
    std::vector<Candidate> candidates;
    std::vector<std::string> valid_ids;
    for (const DeadLetterEntry& entry : entries) {
        ++report.processed;
        if (entry.status != "new") {
            ++report.skipped_not_new;
            run.line(entry_label(entry) + "skipped: status is " + entry.status);
            continue;
        }
        if (entry.attempts >= options.max_attempts) {
            ++report.skipped_attempt_limit;
            run.line(entry_label(entry) + "attempt limit reached (" +
                     std::to_string(entry.attempts) + " of " +
                     std::to_string(options.max_attempts) + ")");
            continue;
        }
        Candidate candidate{&entry, decoder_.decode(entry.payload)};
        if (candidate.decoded.ok())
            valid_ids.push_back(candidate.decoded.event_id);
        candidates.push_back(std::move(candidate));
    }
    const std::vector<std::string> stored_list = stored_event_ids(valid_ids);
    const std::unordered_set<std::string> stored(stored_list.begin(), stored_list.end());

    if (options.dry_run) {
        for (const Candidate& candidate : candidates) {
            const std::string label = entry_label(*candidate.entry);
            const std::string& event_id = candidate.decoded.event_id;
            if (!candidate.decoded.ok()) {
                ++report.still_bad;
                run.line(label + "still invalid: " + reject_reason_name(candidate.decoded.reject) +
                         ": " + clean(candidate.decoded.message));
            } else if (stored.count(event_id)) {
                ++report.duplicates;
                run.line(label + "duplicate of stored event_id " + quoted(event_id));
            } else if (!run.would_insert.insert(event_id).second) {
                ++report.duplicates;
                run.line(label + "duplicate of event_id " + quoted(event_id) +
                         " earlier in this replay");
            } else {
                ++report.written;
                run.line(label + "would insert event_id " + quoted(event_id));
            }
        }
        return;
    }

    // The pipeline's own write path, one batch per source topic.
    std::map<std::string, Batch> batches;
    for (const Candidate& candidate : candidates) {
        const DeadLetterEntry& entry = *candidate.entry;
        const int64_t first_seen_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                          entry.first_seen.time_since_epoch())
                                          .count();
        // The live path's time: the payload's, else the Kafka timestamp (kept with the entry);
        // when first seen only for entries written before the timestamp was kept.
        const int64_t kafka_ms = entry.kafka_timestamp
                                     ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                           entry.kafka_timestamp->time_since_epoch())
                                           .count()
                                     : first_seen_ms;
        Event event;
        event.payload = entry.payload;
        event.key = entry.key;
        event.headers_json = entry.headers_json.value_or(std::string());
        event.partition = entry.partition;
        event.offset = entry.offset;
        event.received_at = std::chrono::steady_clock::now();
        event.produced_at_ms = usable_kafka_timestamp(kafka_ms) ? kafka_ms : first_seen_ms;
        if (candidate.decoded.ok()) {
            event.event_id = candidate.decoded.event_id;
            event.event_time_ms = choose_event_time_ms(candidate.decoded, event.produced_at_ms);
        } else {
            event.reject = candidate.decoded.reject;
            event.reject_message = candidate.decoded.message;
        }
        Batch& batch = batches[entry.topic];
        batch.bytes += event.footprint();
        batch.events.push_back(std::move(event));
    }
    int64_t inserted = 0;
    for (auto& [topic, batch] : batches) {
        batch.formed_at = std::chrono::steady_clock::now();
        BatchWriter& writer = writer_for(topic);
        const auto give_up_at = std::chrono::steady_clock::now() + options.database_wait;
        BatchResult result;
        if (!writer.write(batch, result,
                          [&] { return std::chrono::steady_clock::now() >= give_up_at; }))
            throw std::runtime_error("the database stayed unavailable for " +
                                     std::to_string(options.database_wait.count()) +
                                     " ms: " + writer.last_error());
        inserted += result.inserted;
    }
    if (candidates.empty())
        return;

    // An entry that was dead-lettered again has one more attempt on its row; the others are
    // stored (new or already there).
    std::vector<int64_t> candidate_ids;
    candidate_ids.reserve(candidates.size());
    for (const Candidate& candidate : candidates)
        candidate_ids.push_back(candidate.entry->id);
    struct After {
        int attempts;
        std::string reason;
        std::string message;
    };
    std::unordered_map<int64_t, After> after;
    for (const Row& row : connection().query("SELECT id, attempts, reason, message FROM " +
                                                 dead_letters_ + " WHERE id = ANY($1::bigint[])",
                                             {bigint_array(candidate_ids)}))
        after.emplace(to_int64(row[0]), After{static_cast<int>(to_int64(row[1])),
                                              text_or_empty(row[2]), text_or_empty(row[3])});

    Query update;
    update.bind(clean(options.actor));
    std::string values;
    int64_t replayed = 0;
    std::unordered_set<std::string> inserted_here;
    for (const Candidate& candidate : candidates) {
        const DeadLetterEntry& entry = *candidate.entry;
        const std::string label = entry_label(entry);
        const auto found = after.find(entry.id);
        if (found == after.end()) {
            run.line(label + "the entry disappeared during the replay");
            continue;
        }
        if (found->second.attempts > entry.attempts) {
            ++report.still_bad;
            run.line(label +
                     (candidate.decoded.ok() ? "rejected by the database: " : "still invalid: ") +
                     found->second.reason + ": " + found->second.message);
            continue;
        }
        const std::string& event_id = candidate.decoded.event_id;
        const bool duplicate = stored.count(event_id) || !inserted_here.insert(event_id).second;
        const std::string note =
            duplicate ? "replayed: the event was already stored" : "replayed: inserted";
        run.line(label + (duplicate ? "duplicate of stored event_id " : "inserted event_id ") +
                 quoted(event_id));
        values += (values.empty() ? "(" : ", (") + update.bind(std::to_string(entry.id)) +
                  "::bigint, " + update.bind(note) + "::text, " + update.bind(event_id) + "::text)";
        ++replayed;
    }
    report.written += inserted;
    report.duplicates += replayed - inserted;
    if (values.empty())
        return;
    connection().exec_params(
        "UPDATE " + dead_letters_ +
            " AS dead SET status = 'replayed', status_changed_at = now(),"
            " status_changed_by = $1, status_note = v.note, event_id = v.event_id"
            " FROM (VALUES " +
            values + ") AS v(id, note, event_id) WHERE dead.id = v.id AND dead.status = 'new'",
        update.params);
}

ReplayReport DeadLetterStore::replay(const DeadLetterSelection& selection,
                                     const ReplayOptions& options) {
    return guarded(options.dry_run ? "replay (dry run)" : "replay", [&] {
        ReplayReport report;
        report.dry_run = options.dry_run;
        ReplayRun run{options, report, {}, 0};
        IdRecorder audited;
        const std::string action = options.dry_run ? "replay_dry_run" : "replay";
        const std::optional<std::string> filter =
            selection.by_ids() ? std::nullopt : std::optional<std::string>(selection.describe());
        auto audit = [&](const std::string& outcome) {
            write_audit(options.actor, action, audited.ids, audited.total, filter, outcome,
                        json_number_fields({{"selected", report.selected},
                                            {"processed", report.processed},
                                            {"written", report.written},
                                            {"duplicates", report.duplicates},
                                            {"still_bad", report.still_bad},
                                            {"skipped_attempt_limit", report.skipped_attempt_limit},
                                            {"skipped_not_new", report.skipped_not_new},
                                            {"cancelled", report.cancelled ? 1 : 0}}));
        };
        try {
            report.selected = count_selection(selection);
            int64_t cursor = std::numeric_limits<int64_t>::min();
            for (;;) {
                const Chunk chunk = next_chunk(selection, cursor, options.chunk_size);
                if (chunk.end)
                    break;
                cursor = chunk.cursor;
                if (chunk.ids.empty())
                    continue;
                const std::vector<DeadLetterEntry> entries = fetch_entries(chunk.ids);
                for (const DeadLetterEntry& entry : entries)
                    audited.add(entry.id);
                replay_chunk(entries, run);
                if (options.progress && !options.progress(report.processed, report.selected)) {
                    report.cancelled = report.processed < report.selected;
                    break;
                }
            }
        } catch (const std::exception& error) {
            const std::string outcome =
                std::string("failed: ") + error.what() + "; " + report.summary();
            try {
                rollback_after_error();
                audit(outcome);
            } catch (const std::exception&) {
                // The failure itself is what the caller needs to hear about.
            }
            throw;
        }
        if (run.lines_left_out > 0)
            report.outcomes.push_back("... and " + std::to_string(run.lines_left_out) +
                                      " more entries");
        audit(report.summary());
        qCInfo(lcDeadLetterStore).noquote()
            << QString::fromStdString(clean(options.actor)) << action.c_str() << "of"
            << QString::fromStdString(selection.describe()) << "->"
            << QString::fromStdString(report.summary());
        return report;
    });
}

}  // namespace spillway
