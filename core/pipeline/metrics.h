#pragma once
// The engine's live figures. Stages bump atomics and histograms; the engine turns them into an
// immutable Snapshot that any thread (the GUI on its timer, the headless summary) can copy.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "core/pipeline/event.h"
#include "core/pipeline/histogram.h"
#include "core/pipeline/knobs.h"

namespace spillway {

constexpr size_t kRejectReasonCount = 8;  // RejectReason values, None included

// A short text shared between a worker and the snapshot: set when a problem starts, cleared
// when it ends. The lock is held only to copy the string.
class ErrorSlot {
public:
    void set(std::string text) {
        std::lock_guard lock(mutex_);
        text_ = std::move(text);
    }
    std::string get() const {
        std::lock_guard lock(mutex_);
        return text_;
    }

private:
    mutable std::mutex mutex_;
    std::string text_;
};

struct Metrics {
    std::atomic<int64_t> consumed{0};  // messages taken from Kafka
    std::atomic<int64_t> consumed_bytes{0};
    std::atomic<int64_t> written{0};        // rows inserted into the events table
    std::atomic<int64_t> written_bytes{0};  // payload bytes of those rows
    std::atomic<int64_t> duplicates{0};     // valid events whose id was already stored
    std::atomic<int64_t> dead_lettered{0};  // rows stored in the dead-letter table
    std::array<std::atomic<int64_t>, kRejectReasonCount> rejected_by_reason{};
    std::atomic<int64_t> batches{0};
    std::atomic<int64_t> batch_retries{0};  // transient failures retried
    std::atomic<int64_t> batch_splits{0};   // data errors bisected
    std::atomic<int64_t> commits{0};        // offset commits sent to Kafka
    std::atomic<int64_t> commit_failures{0};
    std::atomic<int64_t> consumer_recreations{0};  // for new fetch settings
    std::atomic<int64_t> lost_to_retention{
        0};                          // offsets the broker no longer had when we needed them
    std::atomic<int64_t> pauses{0};  // times the source paused its partitions
    std::atomic<int64_t> overflow_replayed{0};  // overflow dead letters brought back home
    // Storage: what was stored, and how small (see sink_schema.h, payload_codec.h)
    std::atomic<int64_t> events_to_default_partition{0};  // rows outside the partition window
    std::atomic<int64_t> payload_raw_bytes{0};        // payload bytes as received, of stored rows
    std::atomic<int64_t> payload_stored_bytes{0};     // the same payloads as stored (jsonb/zstd)
    std::atomic<int64_t> dedup_saved_bytes{0};        // payload bytes of duplicates not stored
    std::atomic<int> dictionary_id{0};                // zstd dictionary in use; 0 = none yet
    std::atomic<double> dictionary_trained_ratio{0};  // its ratio on held-out events
    std::atomic<double> dictionary_rolling_ratio{0};  // its ratio on recent batches
    std::atomic<int64_t> dictionaries_trained{0};
    ErrorSlot storage_error;  // the latest failed partition or dictionary job, while it lasts
    // steady_clock nanoseconds of the first consumed message and the latest durable batch:
    // the active span for throughput figures, excluding start-up and idle tail.
    std::atomic<int64_t> first_consumed_ns{0};
    std::atomic<int64_t> last_durable_ns{0};
    std::atomic<int> writers_busy{0};
    std::atomic<int> writers_running{0};
    std::atomic<bool> source_paused{false};
    ErrorSlot database_error;              // the latest failed write while it is being retried
    LatencyHistogram batch_write_latency;  // per batch: from writer pick-up to commit
    LatencyHistogram end_to_end_latency;   // per event: from queue entry to commit
    // Per event: from the Kafka message's timestamp (the producer's or the broker's wall clock)
    // to the commit that made it durable. The headline latency: it includes the time in Kafka.
    LatencyHistogram kafka_to_commit_latency;
};

struct PartitionLag {
    int32_t partition = 0;
    int64_t consumed_position = -1;  // next offset the consumer will read
    int64_t committed = -1;          // last committed offset (next to read after a restart)
    int64_t end_offset = -1;         // broker's log-end offset (high watermark)
    int64_t lag_messages = 0;        // end_offset - committed
    double lag_seconds = 0;          // age of the oldest uncommitted event the engine has seen
    // The offset timeline, low to high: log_start <= committed <= durable <= consumed_position
    // <= end_offset (each -1 while unknown).
    int64_t log_start = -1;         // broker's first offset: older ones were deleted (retention)
    int64_t durable = -1;           // every read offset below it is written or dead-lettered
    int64_t pending = 0;            // read, not yet durable: queued or being written
    int64_t exposure = 0;           // read but not committed: what a crash now would read again
    int64_t lost_to_retention = 0;  // offsets the broker deleted before they were read
};

struct Snapshot {
    std::chrono::system_clock::time_point taken_at{};
    double uptime_s = 0;
    std::string state;  // "starting", "running", "draining", "stopped", "failed: ..."

    // Totals since start
    int64_t consumed = 0, consumed_bytes = 0, written = 0, written_bytes = 0, duplicates = 0;
    int64_t dead_lettered = 0, rejected = 0, batches = 0, batch_retries = 0, batch_splits = 0;
    int64_t commits = 0, commit_failures = 0, lost_to_retention = 0, pauses = 0;
    int64_t consumer_recreations = 0;
    int64_t overflow_replayed = 0;

    // Storage
    std::string payload_format;  // "jsonb" or "zstd"
    int64_t events_to_default_partition = 0;
    int64_t payload_raw_bytes = 0, payload_stored_bytes = 0;
    double compression_ratio = 0;  // payload_raw_bytes / payload_stored_bytes; 0 before any row
    int64_t dedup_saved_bytes = 0;
    int dictionary_id = 0;  // 0 = no dictionary yet
    double dictionary_trained_ratio = 0, dictionary_rolling_ratio = 0;
    int64_t dictionaries_trained = 0;
    std::array<int64_t, kRejectReasonCount> rejected_by_reason{};

    double active_seconds = 0;  // from the first consumed message to the latest durable batch

    // Rates over the last sampling window (about one second)
    double consumed_per_s = 0, written_per_s = 0, dead_lettered_per_s = 0, written_mb_per_s = 0;

    // Queue and writers
    size_t queue_events = 0, queue_bytes = 0, queue_capacity_events = 0, queue_capacity_bytes = 0;
    double queue_fill = 0;
    size_t in_flight_offsets = 0;
    size_t overflow_queued = 0;  // events waiting to be dead-lettered as overflow
    int writers_busy = 0, writers_running = 0;
    bool source_paused = false, database_available = true;

    // Latencies in milliseconds: recent window and since start
    double batch_p50_ms = 0, batch_p95_ms = 0, batch_p99_ms = 0;
    double e2e_p50_ms = 0, e2e_p95_ms = 0, e2e_p99_ms = 0;
    double batch_p50_total_ms = 0, batch_p99_total_ms = 0;
    double e2e_p50_total_ms = 0, e2e_p99_total_ms = 0;
    // Kafka message timestamp to commit (the true end-to-end latency): recent window and total.
    double true_e2e_p50_ms = 0, true_e2e_p95_ms = 0, true_e2e_p99_ms = 0;
    double true_e2e_p50_total_ms = 0, true_e2e_p99_total_ms = 0;

    std::vector<PartitionLag> partitions;
    int64_t total_lag_messages = 0;
    double max_lag_seconds = 0;

    Knobs knobs;
    uint64_t knob_version = 0;

    std::string last_kafka_error;     // latest consumer/broker problem (empty when none)
    std::string last_database_error;  // latest failed write, retried
    std::string last_storage_error;   // latest failed partition or dictionary job
};

// True when every partition's committed offset has reached (or passed: more arrived since) its
// log-end offset: everything the broker held when `end_offsets` (indexed by partition) was read
// is durable. An empty partition (end offset 0) has nothing to commit.
bool caught_up(const Snapshot& snapshot, const std::vector<int64_t>& end_offsets);

}  // namespace spillway
