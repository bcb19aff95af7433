#pragma once
// The dead-letter workbench's values: what to look at (filter, selection, page request), what
// comes back (summary, entry, reason counts, audit rows) and what an action reports (edit,
// replay, discard). Plain values, copied across threads; dead_letter_json.h encodes them.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace spillway {

using WallTime = std::chrono::system_clock::time_point;

// What to look at. Empty members match everything; the members that are set must all match.
struct DeadLetterFilter {
    std::vector<std::string> reasons;  // malformed_json, missing_id, database_reject, ...
    std::optional<std::string> topic;
    std::optional<int> partition;
    std::optional<WallTime> from, to;  // on last_seen: from <= last_seen < to
    // Case-insensitive substring of the payload (its bytes shown as text the way
    // encode(payload, 'escape') shows them) or of the message. Matched literally: % _ \ ' are
    // ordinary characters.
    std::string text;
    std::vector<std::string> statuses;  // new, replayed, discarded; empty: all
    // The events table the entry was written for (the engine that dead-lettered it); entries
    // written before the column existed have none and never match.
    std::optional<std::string> events_table;
    std::optional<int> attempts_below;  // only entries with fewer attempts than this

    // One line a person can read, e.g. `reason in (missing_id); partition = 3; text contains
    // "50%"`; "all entries" when nothing is set. Stored in the audit table.
    std::string describe() const;
};

// Which entries an action applies to: a list of ids or everything a filter matches.
class DeadLetterSelection {
public:
    DeadLetterSelection(std::vector<int64_t> ids);  // NOLINT: implicit on purpose
    DeadLetterSelection(DeadLetterFilter filter);   // NOLINT: implicit on purpose

    bool by_ids() const { return !filter_.has_value(); }
    const std::vector<int64_t>& ids() const { return ids_; }  // sorted, without repeats
    const DeadLetterFilter* filter() const { return filter_ ? &*filter_ : nullptr; }
    std::string describe() const;

private:
    std::vector<int64_t> ids_;
    std::optional<DeadLetterFilter> filter_;
};

struct DeadLetterPageRequest {
    std::optional<int64_t> after_id;  // keyset: the last id of the previous page; none: first page
    int limit = 100;
    bool newest_first = true;  // by id, which follows first_seen
};

// One row of a page: enough for a table view, without the full payload.
struct DeadLetterSummary {
    int64_t id = 0;
    std::string topic;
    int32_t partition = 0;
    int64_t offset = 0;
    std::string key;  // bytes
    std::string reason;
    std::string message;   // the first 200 characters
    std::string sqlstate;  // empty unless the database rejected the row
    int attempts = 0;
    WallTime first_seen{};
    WallTime last_seen{};
    std::string status;
    int64_t payload_size = 0;
    std::string payload_preview;  // the first 120 bytes of the payload
};

// One entry, every column.
struct DeadLetterEntry {
    int64_t id = 0;
    std::string topic;
    int32_t partition = 0;
    int64_t offset = 0;
    std::string key;                              // bytes; empty when the message had none
    std::optional<std::string> headers_json;      // Kafka headers as a JSON array
    std::string payload;                          // bytes, as received or as edited
    std::optional<std::string> original_payload;  // as received, once the payload was edited
    std::optional<std::string> event_id;
    std::string reason;
    std::string message;
    std::string sqlstate;
    int attempts = 0;
    WallTime first_seen{};
    WallTime last_seen{};
    std::string status;
    std::optional<WallTime> status_changed_at;
    std::optional<std::string> status_changed_by;
    std::optional<std::string> status_note;
    // The Kafka message timestamp (none for entries written before it was kept).
    std::optional<WallTime> kafka_timestamp;

    bool edited() const { return original_payload.has_value(); }
};

struct ReasonCount {
    std::string reason;
    int64_t count = 0;
};

struct EditResult {
    bool ok = false;             // the payload was changed
    bool payload_valid = false;  // the new payload passes the validator (replay would store it)
    std::string message;         // what happened, for a person
};

struct ReplayOptions {
    std::string actor = "api";
    bool dry_run = false;  // decide and report per entry, write nothing but the audit row
    int max_attempts = 5;  // entries with attempts >= this are skipped
    // Called after every chunk with entries done and selected; returning false cancels before
    // the next chunk. Runs on the calling thread.
    std::function<bool(int64_t done, int64_t total)> progress;
    int chunk_size = 1000;  // entries per chunk (also capped at ~64 MiB of payload)
    size_t max_outcome_lines = 10'000;
    // How long to keep retrying while the database is unavailable before giving up.
    std::chrono::milliseconds database_wait{30'000};
};

struct ReplayReport {
    bool dry_run = false;
    int64_t selected = 0;    // entries the selection matched when the replay started
    int64_t processed = 0;   // entries looked at (fewer than selected when cancelled)
    int64_t written = 0;     // new rows in the events table (dry run: would be)
    int64_t duplicates = 0;  // the event was already stored (or twice in the selection)
    int64_t still_bad = 0;   // dead-lettered again, attempts + 1 (dry run: would be)
    int64_t skipped_attempt_limit = 0;
    int64_t skipped_not_new = 0;  // status replayed or discarded
    bool cancelled = false;
    // One line per entry ("#12 orders/3@456: would insert event_id \"a-1\""), at most
    // ReplayOptions::max_outcome_lines, then one line saying how many were left out.
    std::vector<std::string> outcomes;

    std::string summary() const;  // the counts in one line; stored as the audit outcome
};

struct DiscardResult {
    int64_t selected = 0;   // entries the selection matched
    int64_t discarded = 0;  // status changed from new to discarded
    int64_t skipped = 0;    // already replayed or discarded: left as they were
    std::string message;
};

enum class ExportFormat { JsonLines, Csv };

struct DeadLetterAuditRow {
    int64_t id = 0;
    WallTime at{};
    std::string actor;
    std::string action;  // edit, replay, replay_dry_run, discard, export
    int64_t entry_count = 0;
    std::vector<int64_t> entry_ids;  // at most 10,000 (entry_count says how many there were)
    std::optional<std::string> filter;
    std::string outcome;
};

}  // namespace spillway
