#pragma once
// What a reconciliation found: counts per partition and, one at a time, every unaccounted
// offset. Plain values, built by the reconciler's thread and handed to whoever asked.
#include <cstdint>
#include <string>
#include <vector>

namespace spillway {

// One partition's range and where each of its messages is.
struct PartitionReconciliation {
    int32_t partition = 0;
    int64_t log_start = 0;       // the broker's first offset
    int64_t high_watermark = 0;  // the broker's log-end offset
    int64_t committed = -1;      // the group's committed offset; -1: none
    int64_t from_offset = 0;     // the range read, [from_offset, to_offset)
    int64_t to_offset = 0;

    int64_t read = 0;               // messages read in the range
    int64_t stored = 0;             // the events table holds the row from this very offset
    int64_t stored_duplicates = 0;  // the id's row is stored from another offset
    int64_t archived = 0;           // the id's row is in its day's archive file
    int64_t dead_letter_new = 0;    // in the dead-letter table, by status
    int64_t dead_letter_replayed = 0;
    int64_t dead_letter_discarded = 0;
    int64_t not_yet_committed = 0;  // not found anywhere, at or above the committed offset
    int64_t unaccounted = 0;        // not found anywhere, below the committed offset

    int64_t dead_lettered() const {
        return dead_letter_new + dead_letter_replayed + dead_letter_discarded;
    }
    int64_t accounted() const { return stored + stored_duplicates + archived + dead_lettered(); }
};

// An offset below the committed offset that is nowhere: the promise broken for this message.
struct UnaccountedOffset {
    std::string topic;
    int32_t partition = 0;
    int64_t offset = 0;
    std::string event_id;  // empty when the decoder refused the message
    std::string reason;    // what was looked for and not found
};

struct ReconcileReport {
    std::string topic;
    std::vector<PartitionReconciliation> partitions;
    bool cancelled = false;

    int64_t read() const;
    int64_t unaccounted() const;
    int64_t not_yet_committed() const;
    // True when nothing below the committed offsets is unaccounted and the run was not cancelled.
    bool all_accounted() const { return !cancelled && unaccounted() == 0; }
};

// One JSON Lines record: {"topic":..,"partition":..,"offset":..,"event_id":..,"reason":..}.
std::string unaccounted_to_json(const UnaccountedOffset& offset);
// The whole report as one JSON object (per partition counts and the verdict).
std::string report_to_json(const ReconcileReport& report);
// The report as a table a person reads, ending with the verdict line.
std::string report_to_text(const ReconcileReport& report);

}  // namespace spillway
