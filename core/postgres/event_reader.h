#pragma once
// Reads stored events back as JSON Lines, payloads as JSON whatever their storage format: jsonb
// as PostgreSQL prints it, zstd frames decompressed with the dictionary their row names (the
// original bytes, exactly as received). PostgreSQL itself cannot decompress zstd without an
// extension, so there is no SQL view for this: `spillway --read-events` uses this function.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace spillway {

struct ReadEventsOptions {
    std::string conninfo;
    std::string events_table = "events";
    std::optional<std::string> since;  // event_time >= since (any PostgreSQL timestamptz text)
    std::optional<std::string> until;  // event_time < until
    int64_t limit = 0;                 // 0: every matching event
};

struct ReadEventsReport {
    int64_t written = 0;  // lines written to `out`
    int64_t failed = 0;   // rows that could not be read back (each explained on `errors`)
};

// One line per event, ordered by event_time then event_id:
//   {"event_id":"..","event_time":"2026-11-30T12:00:00.000Z","kafka_topic":"..",
//    "kafka_partition":0,"kafka_offset":42,"payload_format":"zstd","payload":{...}}
// A row that cannot be read back (its dictionary missing, its frame damaged) is skipped with a
// line on `errors` naming it and the cause. Throws std::runtime_error when the query itself fails
// (connection, table, a --since/--until PostgreSQL cannot read as a time).
ReadEventsReport read_events(const ReadEventsOptions& options, std::ostream& out,
                             std::ostream& errors);

}  // namespace spillway
