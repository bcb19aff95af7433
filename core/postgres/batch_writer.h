#pragma once
// Writes one batch durably through one PostgreSQL connection, in one transaction: the batch's
// distinct event ids (deduplicated in memory, the earliest offset wins) are claimed in the key
// table by one statement over array parameters (ON CONFLICT DO NOTHING: the global dedup, across
// writers, instances and partitions); only the rows whose id it claimed are COPYed straight into
// the partitioned events table; the batch's rejected events go to the dead-letter table.
//
// The connection is the raw libpq PgConnection rather than libpqxx 6.4: the hot path sends
// pre-escaped COPY text in large chunks and classifies failures by SQLSTATE and detail, which
// 6.4 does not expose (see pg_connection.h); and 6.4 keeps its libpq handle private
// (connection_base::raw_connection() is reachable only through its internal gates), so the hot
// path cannot drop to libpq beneath a libpqxx connection.
//
// Failures are handled by what they break: a transient one (connection, shutdown, serialization,
// deadlock, resources) retries the same batch with exponential backoff and jitter, reconnecting
// as needed; a data error (bad value, constraint) bisects the batch until the bad events are
// isolated, writes every good one and dead-letters the bad ones with their SQLSTATE and message.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/compression/payload_codec.h"
#include "core/pipeline/event.h"
#include "core/postgres/sink_schema.h"

namespace spillway {

class DictionaryKeeper;
class PgConnection;
class SinkHealth;
class ZstdCodec;
struct Metrics;

struct BatchResult {
    int64_t inserted = 0;       // new rows in the events table
    int64_t duplicates = 0;     // valid events whose id was already there (or twice in the batch)
    int64_t dead_lettered = 0;  // rows in the dead-letter table (decoder and database rejects)
    int64_t database_rejects = 0;
    int64_t payload_bytes = 0;           // payload bytes of the inserted-or-duplicate events
    int64_t to_default_partition = 0;    // inserted rows that landed in the default partition
    int64_t stored_raw_bytes = 0;        // payload bytes (as received) of the inserted rows
    int64_t stored_bytes = 0;            // the same payloads as stored (jsonb or zstd)
    int64_t dedup_saved_bytes = 0;       // payload bytes of the duplicates not stored
    int64_t rejected_payload_bytes = 0;  // payload bytes of database rejects
    int retries = 0;
    int splits = 0;
};

class BatchWriter {
public:
    // With PayloadFormat::Zstd, `dictionaries` (may be null: compress without one) supplies the
    // dictionary and receives samples and ratios.
    BatchWriter(SinkOptions options, Metrics* metrics, DictionaryKeeper* dictionaries = nullptr);
    ~BatchWriter();

    // True when every event of the batch is now in the events table or the dead-letter table.
    // False only when should_stop() turned true while the database was unavailable: nothing of
    // the batch counts as done, and its offsets stay uncommitted (they will be read again).
    bool write(const Batch& batch, BatchResult& result, const std::function<bool()>& should_stop);

    std::string last_error() const { return last_error_; }

    // Where this writer reports whether the database takes writes (a pipeline writer's does; a
    // replay's need not). Set before the first write.
    void report_health_to(SinkHealth* health) { health_ = health; }

private:
    struct DeadRow {
        const Event* event;
        std::string reason;
        std::string message;
        std::string sqlstate;
    };
    struct Stored {
        int64_t inserted = 0, to_default = 0, raw_bytes = 0, stored_bytes = 0;
    };
    void connect();
    void append_payload(const Event& event);
    std::vector<const Event*> claim(const std::vector<const Event*>& distinct);
    int64_t count_default_partition_rows(const std::vector<const Event*>& rows);
    void insert_dead_letters(const std::vector<DeadRow>& dead);
    Stored write_transaction(const std::vector<const Event*>& good,
                             const std::vector<DeadRow>& dead);
    void write_isolating(const std::vector<const Event*>& good, std::vector<DeadRow>& dead,
                         BatchResult& result);
    void rollback_quietly();
    std::chrono::milliseconds next_backoff(int attempt);

    SinkOptions options_;
    Metrics* metrics_;
    SinkHealth* health_ = nullptr;
    DictionaryKeeper* dictionaries_;
    std::unique_ptr<PgConnection> connection_;
    std::unique_ptr<ZstdCodec> codec_;                  // PayloadFormat::Zstd only
    std::shared_ptr<const ZstdDictionary> dictionary_;  // for the transaction being built
    std::string frame_;
    int64_t staged_raw_bytes_ = 0, staged_stored_bytes_ = 0;
    std::string copy_buffer_;
    std::string ids_param_, times_param_;
    std::vector<std::string> dead_params_;
    bool dead_statement_prepared_ = false;  // on this connection
    std::string claim_sql_;
    std::string copy_events_sql_;
    std::string copy_topic_;  // the topic as a COPY text field
    std::string insert_dead_sql_;
    // Days (since the epoch) seen to have their own partition, and when that was checked: rows of
    // other days go to the default partition (counted). Checked again after a while, because the
    // tiering job detaches archived days.
    std::map<int64_t, std::chrono::steady_clock::time_point> partitioned_days_;
    std::string last_error_;
    std::minstd_rand jitter_{std::random_device{}()};
};

}  // namespace spillway
