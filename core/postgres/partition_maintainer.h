#pragma once
// Keeps the daily partitions of the events table ahead of need, off the writers' path: on its
// own thread and connection, at start and every PartitionPolicy::check_interval, and soon after
// the writers report rows that went to the default partition (Metrics). No event fails for a
// missing partition: it lands in the default partition, and a day within the horizon gets its
// partition (and its rows) shortly after.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/postgres/sink_schema.h"

namespace spillway {

class PgConnection;
struct Metrics;

// Creates the missing day partitions from (now - days_behind) to (now + days_ahead), UTC. Rows
// of a new day already in the default partition are moved into it in the same transaction (a
// partition cannot be attached while the default one holds rows of its range). Safe to run from
// several instances at once (advisory lock). Returns how many partitions it created.
int ensure_partitions(PgConnection& connection, const SinkOptions& options,
                      std::chrono::system_clock::time_point now);
// The same for every older day within PartitionPolicy::horizon_days that has rows in the default
// partition (a backfill, late events, a day archived before). Returns how many it created.
int ensure_history_partitions(PgConnection& connection, const SinkOptions& options,
                              std::chrono::system_clock::time_point now);

class PartitionMaintainer {
public:
    // `metrics` (may be null) shows a failing run in Snapshot::last_storage_error.
    PartitionMaintainer(SinkOptions options, Metrics* metrics);
    ~PartitionMaintainer();  // stop()

    void start();
    void stop();
    // The latest failure (empty when the last run succeeded): the next run tries again.
    std::string last_error() const;

private:
    void run();

    SinkOptions options_;
    Metrics* metrics_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;  // guards last_error_ and the wait
    std::condition_variable wake_;
    std::string last_error_;
    int64_t default_rows_seen_ = -1;  // Metrics::events_to_default_partition at the last run
};

}  // namespace spillway
