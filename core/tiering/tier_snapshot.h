#pragma once
// What the tiering job knows, as a value the console can copy: bytes and rows per tier, every
// partition with its tier, the latest moves, the policy in force. Published by TieringService.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace spillway {

enum class Tier { Hot, Cold };
const char* tier_name(Tier tier);  // "hot", "cold"

// When partitions move to the cold tier; changeable while the job runs.
struct TierPolicy {
    bool enabled = true;
    int archive_after_days = 90;  // a partition whose whole range is older than this goes cold
    int run_interval_s = 3600;    // how often the scheduled run looks for work
    int restore_hold_days = 7;    // a restored partition stays hot at least this long
};

struct TierPartition {
    std::string name;  // "events_p20260131"; "events_default" for the default partition
    Tier tier = Tier::Hot;
    std::string range_from, range_to;  // ISO 8601 UTC; empty for the default partition
    int64_t rows = 0;
    bool rows_estimated = false;  // hot partitions: the planner's estimate (reltuples)
    int64_t bytes = 0;            // hot: on disk in PostgreSQL; cold: the archive file
    int64_t hot_bytes = 0;        // cold: what it took in PostgreSQL when archived
    std::string archive_file;     // cold: path of the archive file
};

struct TierMove {
    int64_t id = 0;
    std::string partition;
    std::string from_tier, to_tier;
    std::string state;  // exporting, verified, done, failed, abandoned, restoring
    int64_t rows = 0;
    int64_t bytes = 0;  // compressed archive bytes
    std::string sha256;
    std::string started_at, finished_at;  // ISO 8601 UTC
    std::string error;
};

struct TierSnapshot {
    std::chrono::system_clock::time_point taken_at{};
    TierPolicy policy;
    int64_t hot_bytes = 0, cold_bytes = 0;
    int64_t hot_rows = 0, cold_rows = 0;
    // Of the cold partitions: what they took in PostgreSQL before export (for the archive ratio).
    int64_t cold_hot_bytes = 0;
    std::vector<TierPartition> partitions;  // oldest first
    std::vector<TierMove> moves;            // newest first, the latest few
    std::string activity;                   // "idle", "archiving events_p20260131", ...
    std::string last_error;                 // the latest failure, until a run succeeds
    std::string last_outcome;               // what the latest action did, in words
    int64_t runs = 0;                       // completed runs (scheduled and on demand)
    bool available = false;                 // false until the first successful look
};

}  // namespace spillway
