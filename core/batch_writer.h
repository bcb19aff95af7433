#pragma once
// Writes one batch durably through one PostgreSQL connection: COPY into a per-connection staging
// table, then INSERT ... SELECT ... ON CONFLICT (event_id) DO NOTHING into the events table, and
// the batch's rejected events into the dead-letter table, all in one transaction.
//
// Failures are handled by what they break: a transient one (connection, shutdown, serialization,
// deadlock, resources) retries the same batch with exponential backoff and jitter, reconnecting
// as needed; a data error (bad value, constraint) bisects the batch until the bad events are
// isolated, writes every good one and dead-letters the bad ones with their SQLSTATE and message.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/sink_schema.h"

namespace spillway {

class PgConnection;
struct Metrics;

struct BatchResult {
    int64_t inserted = 0;       // new rows in the events table
    int64_t duplicates = 0;     // valid events whose id was already there (or twice in the batch)
    int64_t dead_lettered = 0;  // rows in the dead-letter table (decoder and database rejects)
    int64_t database_rejects = 0;
    int64_t payload_bytes = 0;  // payload bytes of the inserted-or-duplicate events
    int retries = 0;
    int splits = 0;
};

class BatchWriter {
public:
    BatchWriter(SinkOptions options, Metrics* metrics);
    ~BatchWriter();

    // True when every event of the batch is now in the events table or the dead-letter table.
    // False only when should_stop() turned true while the database was unavailable: nothing of
    // the batch counts as done, and its offsets stay uncommitted (they will be read again).
    bool write(const Batch& batch, BatchResult& result, const std::function<bool()>& should_stop);

    std::string last_error() const { return last_error_; }

private:
    struct DeadRow {
        const Event* event;
        std::string reason;
        std::string message;
        std::string sqlstate;
    };
    void connect();
    int64_t write_transaction(const std::vector<const Event*>& good,
                              const std::vector<DeadRow>& dead);
    void write_isolating(const std::vector<const Event*>& good, std::vector<DeadRow>& dead,
                         BatchResult& result);
    void rollback_quietly();
    std::chrono::milliseconds next_backoff(int attempt);

    SinkOptions options_;
    Metrics* metrics_;
    std::unique_ptr<PgConnection> connection_;
    std::string copy_buffer_;
    std::string insert_events_sql_;
    std::string insert_dead_sql_;
    std::string last_error_;
    std::minstd_rand jitter_{std::random_device{}()};
};

}  // namespace spillway
