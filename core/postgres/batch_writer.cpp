#include "core/postgres/batch_writer.h"

#include <algorithm>
#include <thread>

#include "core/postgres/copy_text.h"
#include "core/compression/dictionary_keeper.h"
#include "core/common/logging.h"
#include "core/pipeline/metrics.h"
#include "core/postgres/pg_connection.h"

namespace spillway {

namespace {
constexpr const char* kStageEvents = "spillway_stage_events";
constexpr const char* kStageDead = "spillway_stage_dead";

std::string sql_literal(std::string_view text) {
    std::string quoted = "'";
    for (char c : text) {
        if (c == '\'')
            quoted += '\'';
        quoted += c;
    }
    quoted += '\'';
    return quoted;
}
}  // namespace

BatchWriter::BatchWriter(SinkOptions options, Metrics* metrics, DictionaryKeeper* dictionaries)
    : options_(std::move(options)), metrics_(metrics), dictionaries_(dictionaries) {
    if (options_.payload_format == PayloadFormat::Zstd)
        codec_ = std::make_unique<ZstdCodec>(options_.compression_level);
    const std::string topic = sql_literal(options_.topic);
    const std::string& events = options_.events_table;
    insert_events_sql_ =
        // One row per id: the batch may hold the same event twice (the earliest offset wins).
        std::string(
            "WITH firsts AS (SELECT DISTINCT ON (event_id) event_id,"
            " timestamptz 'epoch' + event_time_ms * interval '1 millisecond' AS event_time,"
            " kafka_partition, kafka_offset, kafka_key, payload, payload_zstd, dict_id,"
            " raw_bytes FROM ") +
        kStageEvents +
        " ORDER BY event_id, kafka_partition, kafka_offset),"
        // The key table is the dedup: an id already claimed (by an earlier batch, another
        // writer, or a row since archived) is not returned. Claiming in key order makes
        // concurrent writers take index locks in the same order, so overlapping batches wait for
        // each other instead of deadlocking.
        " claimed AS (INSERT INTO " +
        quote_table_name(event_keys_table(events)) +
        " (event_id, event_time) SELECT event_id, event_time FROM firsts ORDER BY event_id"
        " ON CONFLICT (event_id) DO NOTHING RETURNING event_id),"
        " stored AS (INSERT INTO " +
        quote_table_name(events) +
        " (event_id, event_time, kafka_topic, kafka_partition, kafka_offset, kafka_key, payload,"
        " payload_zstd, dict_id) SELECT f.event_id, f.event_time, " +
        topic +
        ", f.kafka_partition, f.kafka_offset, f.kafka_key, f.payload, f.payload_zstd, f.dict_id"
        " FROM firsts f JOIN claimed USING (event_id)"
        " RETURNING tableoid, event_id,"
        " coalesce(pg_column_size(payload), octet_length(payload_zstd)) AS stored_bytes)"
        " SELECT count(*), count(*) FILTER (WHERE s.tableoid = " +
        sql_literal(quote_table_name(default_partition_table(events))) +
        "::regclass), coalesce(sum(s.stored_bytes), 0), coalesce(sum(f.raw_bytes), 0)"
        " FROM stored s JOIN firsts f USING (event_id)";
    // The same message failing again (a re-read after a crash, or a replay that is still bad,
    // edited or not) counts as another attempt on the one row. A different message at a reused
    // offset (the topic was re-created, or another cluster took over its name) is a new entry:
    // it replaces the stale row whole, status and history included.
    const std::string same =
        "(dead.kafka_key IS NOT DISTINCT FROM EXCLUDED.kafka_key AND (dead.payload = "
        "EXCLUDED.payload OR dead.original_payload = EXCLUDED.payload))";
    const auto keep = [&same](const std::string& column, const std::string& fresh) {
        return " " + column + " = CASE WHEN " + same + " THEN dead." + column + " ELSE " + fresh +
               " END";
    };
    insert_dead_sql_ =
        "INSERT INTO " + quote_table_name(options_.dead_letter_table) +
        " AS dead (kafka_topic, kafka_partition, kafka_offset, kafka_key, kafka_headers, payload, "
        "event_id, reason, message, sqlstate, kafka_timestamp, events_table) SELECT " +
        topic +
        ", kafka_partition, kafka_offset, kafka_key, kafka_headers, payload, event_id, reason,"
        " message, sqlstate, timestamptz 'epoch' + kafka_timestamp_ms * interval '1 "
        "millisecond', " +
        sql_literal(events) + " FROM " + kStageDead +
        " ON CONFLICT (kafka_topic, kafka_partition, kafka_offset) DO UPDATE SET"
        " last_seen = now(), reason = EXCLUDED.reason, message = EXCLUDED.message,"
        " sqlstate = EXCLUDED.sqlstate, attempts = CASE WHEN " +
        same + " THEN dead.attempts + 1 ELSE 1 END," + keep("payload", "EXCLUDED.payload") + "," +
        keep("original_payload", "NULL") + "," + keep("kafka_key", "EXCLUDED.kafka_key") + "," +
        keep("kafka_headers", "EXCLUDED.kafka_headers") + "," +
        keep("event_id", "EXCLUDED.event_id") + "," + keep("first_seen", "now()") + "," +
        keep("status", "'new'") + "," + keep("status_changed_at", "NULL") + "," +
        keep("status_changed_by", "NULL") + "," + keep("status_note", "NULL") + "," +
        keep("kafka_timestamp", "EXCLUDED.kafka_timestamp") + "," +
        " events_table = coalesce(CASE WHEN " + same +
        " THEN dead.events_table END, EXCLUDED.events_table)";
}

BatchWriter::~BatchWriter() = default;

void BatchWriter::connect() {
    connection_.reset();
    connection_ = std::make_unique<PgConnection>(options_.conninfo);
    // Per-connection staging tables: no index, no WAL, emptied by every commit.
    connection_->exec(
        std::string("CREATE TEMP TABLE IF NOT EXISTS ") + kStageEvents +
        " (event_id text, event_time_ms bigint, kafka_partition integer,"
        " kafka_offset bigint, kafka_key bytea, raw_bytes integer, payload jsonb,"
        " payload_zstd bytea, dict_id integer) ON COMMIT DELETE ROWS;"
        "CREATE TEMP TABLE IF NOT EXISTS " +
        kStageDead +
        " (kafka_partition integer, kafka_offset bigint, kafka_key bytea,"
        " kafka_headers jsonb, payload bytea, event_id text, reason text, message text,"
        " sqlstate text, kafka_timestamp_ms bigint)"
        " ON COMMIT DELETE ROWS;"
        "SET synchronous_commit = on;");
}

// The payload column(s) of one staged row: the text as received (jsonb), or one zstd frame and
// the id of its dictionary (\N: none). The decoder validated the text already (simdjson).
void BatchWriter::append_staged_payload(const Event& event) {
    if (!codec_) {
        append_copy_text(copy_buffer_, event.payload);
        return;
    }
    codec_->compress(event.payload, dictionary_.get(), frame_);
    staged_raw_bytes_ += static_cast<int64_t>(event.payload.size());
    staged_stored_bytes_ += static_cast<int64_t>(frame_.size());
    append_copy_bytea(copy_buffer_, frame_);
    copy_buffer_ += '\t';
    if (dictionary_)
        append_copy_int(copy_buffer_, dictionary_->id());
    else
        append_copy_null(copy_buffer_);
}

void BatchWriter::rollback_quietly() {
    if (!connection_ || !connection_->ok())
        return;
    try {
        connection_->exec("ROLLBACK");
    } catch (const PgError&) {
    }
}

BatchWriter::Stored BatchWriter::write_transaction(const std::vector<const Event*>& good,
                                                   const std::vector<DeadRow>& dead) {
    connection_->exec("BEGIN");
    Stored stored;
    if (!good.empty()) {
        copy_buffer_.clear();
        staged_raw_bytes_ = staged_stored_bytes_ = 0;
        dictionary_ = codec_ && dictionaries_ ? dictionaries_->current() : nullptr;
        for (const Event* event : good) {
            append_copy_text(copy_buffer_, event->event_id);
            copy_buffer_ += '\t';
            append_copy_int(copy_buffer_, event->event_time_ms);
            copy_buffer_ += '\t';
            append_copy_int(copy_buffer_, event->partition);
            copy_buffer_ += '\t';
            append_copy_int(copy_buffer_, event->offset);
            copy_buffer_ += '\t';
            if (event->key.empty())
                append_copy_null(copy_buffer_);
            else
                append_copy_bytea(copy_buffer_, event->key);
            copy_buffer_ += '\t';
            append_copy_int(copy_buffer_, static_cast<int64_t>(event->payload.size()));
            copy_buffer_ += '\t';
            append_staged_payload(*event);
            copy_buffer_ += '\n';
        }
        if (codec_ && dictionaries_)
            dictionaries_->report(dictionary_ ? dictionary_->id() : 0,
                                  static_cast<int64_t>(good.size()), staged_raw_bytes_,
                                  staged_stored_bytes_);
        connection_->copy_in(std::string("COPY ") + kStageEvents +
                                 " (event_id, event_time_ms, kafka_partition, kafka_offset,"
                                 " kafka_key, raw_bytes, " +
                                 (codec_ ? "payload_zstd, dict_id" : "payload") + ") FROM STDIN",
                             copy_buffer_);
        const auto rows = connection_->query(insert_events_sql_, {});
        const auto number = [&](size_t column) {
            return rows.empty() || !rows[0][column] ? int64_t{0} : std::stoll(*rows[0][column]);
        };
        stored = {number(0), number(1), number(3), number(2)};
    }
    if (!dead.empty()) {
        copy_buffer_.clear();
        for (const DeadRow& row : dead) {
            append_copy_int(copy_buffer_, row.event->partition);
            copy_buffer_ += '\t';
            append_copy_int(copy_buffer_, row.event->offset);
            copy_buffer_ += '\t';
            if (row.event->key.empty())
                append_copy_null(copy_buffer_);
            else
                append_copy_bytea(copy_buffer_, row.event->key);
            copy_buffer_ += '\t';
            if (row.event->headers_json.empty())
                append_copy_null(copy_buffer_);
            else
                append_copy_text(copy_buffer_, row.event->headers_json);
            copy_buffer_ += '\t';
            append_copy_bytea(copy_buffer_, row.event->payload);
            copy_buffer_ += '\t';
            if (row.event->event_id.empty())
                append_copy_null(copy_buffer_);
            else
                append_copy_text(copy_buffer_, sanitize_utf8(row.event->event_id));
            copy_buffer_ += '\t';
            append_copy_text(copy_buffer_, row.reason);
            copy_buffer_ += '\t';
            append_copy_text(copy_buffer_, sanitize_utf8(row.message));
            copy_buffer_ += '\t';
            if (row.sqlstate.empty())
                append_copy_null(copy_buffer_);
            else
                append_copy_text(copy_buffer_, row.sqlstate);
            copy_buffer_ += '\t';
            if (row.event->produced_at_ms > 0)
                append_copy_int(copy_buffer_, row.event->produced_at_ms);
            else
                append_copy_null(copy_buffer_);
            copy_buffer_ += '\n';
        }
        connection_->copy_in(std::string("COPY ") + kStageDead + " FROM STDIN", copy_buffer_);
        connection_->exec(insert_dead_sql_);
    }
    connection_->exec("COMMIT");
    return stored;
}

// Writes `good` in as few transactions as the data allow. A data error splits the set in halves
// until the offending events stand alone; those become dead letters with the server's words.
void BatchWriter::write_isolating(const std::vector<const Event*>& good, std::vector<DeadRow>& dead,
                                  BatchResult& result) {
    try {
        const Stored stored = write_transaction(good, {});
        result.inserted += stored.inserted;
        result.to_default_partition += stored.to_default;
        result.stored_raw_bytes += stored.raw_bytes;
        result.stored_bytes += stored.stored_bytes;
        return;
    } catch (const PgError& error) {
        rollback_quietly();
        if (error.classify() != PgErrorClass::Data)
            throw;
        if (good.size() == 1) {
            std::string message = error.what();
            if (!error.detail().empty())
                message += " (" + error.detail() + ")";
            dead.push_back({good.front(), reject_reason_name(RejectReason::DatabaseReject), message,
                            error.sqlstate()});
            ++result.database_rejects;
            result.rejected_payload_bytes += static_cast<int64_t>(good.front()->payload.size());
            return;
        }
    }
    ++result.splits;
    const auto middle = good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2);
    write_isolating({good.begin(), middle}, dead, result);
    write_isolating({middle, good.end()}, dead, result);
}

std::chrono::milliseconds BatchWriter::next_backoff(int attempt) {
    const int capped = std::min(attempt, 6);
    const int base_ms = 100 << capped;  // 100 ms .. 6.4 s
    std::uniform_int_distribution<int> jitter(0, base_ms / 2);
    return std::chrono::milliseconds(base_ms / 2 + jitter(jitter_));
}

bool BatchWriter::write(const Batch& batch, BatchResult& result,
                        const std::function<bool()>& should_stop) {
    std::vector<const Event*> good;
    std::vector<DeadRow> rejected;
    good.reserve(batch.events.size());
    for (const Event& event : batch.events) {
        if (event.rejected())
            rejected.push_back(
                {&event, reject_reason_name(event.reject), event.reject_message, {}});
        else
            good.push_back(&event);
    }

    if (dictionaries_ && codec_ && dictionaries_->wants_samples())
        dictionaries_->add_samples(good);

    for (int attempt = 0;; ++attempt) {
        BatchResult attempt_result;
        try {
            if (!connection_ || !connection_->ok())
                connect();
            try {
                const Stored stored = write_transaction(good, rejected);
                attempt_result.inserted = stored.inserted;
                attempt_result.to_default_partition = stored.to_default;
                attempt_result.stored_raw_bytes = stored.raw_bytes;
                attempt_result.stored_bytes = stored.stored_bytes;
            } catch (const PgError& error) {
                rollback_quietly();
                if (error.classify() != PgErrorClass::Data)
                    throw;
                qCInfo(lcWriter) << "batch" << batch.sequence
                                 << "hit a data error, isolating:" << error.what();
                std::vector<DeadRow> dead = rejected;
                write_isolating(good, dead, attempt_result);
                // Decoder rejects and isolated rows go to the dead-letter table together.
                write_transaction({}, dead);
                ++attempt_result.splits;
            }
            attempt_result.retries = attempt;
            attempt_result.dead_lettered =
                static_cast<int64_t>(rejected.size()) + attempt_result.database_rejects;
            const int64_t valid =
                static_cast<int64_t>(good.size()) - attempt_result.database_rejects;
            attempt_result.duplicates = valid - attempt_result.inserted;
            for (const Event* event : good)
                attempt_result.payload_bytes += static_cast<int64_t>(event->payload.size());
            attempt_result.dedup_saved_bytes = attempt_result.payload_bytes -
                                               attempt_result.rejected_payload_bytes -
                                               attempt_result.stored_raw_bytes;
            result = attempt_result;
            if (metrics_)
                metrics_->database_available.store(true, std::memory_order_relaxed);
            last_error_.clear();
            if (metrics_ && attempt > 0)
                metrics_->database_error.set({});
            return true;
        } catch (const std::exception& error) {
            rollback_quietly();
            last_error_ = error.what();
            const auto* pg_error = dynamic_cast<const PgError*>(&error);
            // A missing table or a permission the role lacks will not pass by retrying alone:
            // intake stops (the source pauses while the database is unavailable) and the error
            // says so; the retries go on, so the engine resumes once someone fixes it.
            const bool fatal = pg_error && pg_error->classify() == PgErrorClass::Fatal;
            if (fatal) {
                last_error_ = "intake stopped: the database refuses writes (SQLSTATE " +
                              pg_error->sqlstate() + "): " + last_error_ +
                              "; fix it and intake resumes by itself";
                if (attempt == 0)
                    qCCritical(lcWriter).noquote() << last_error_.c_str();
            }
            if (metrics_)
                metrics_->database_error.set(last_error_);
            const bool lost = fatal || !pg_error || pg_error->connection_lost() || !connection_ ||
                              !connection_->ok();
            if (lost) {
                connection_.reset();
                if (metrics_)
                    metrics_->database_available.store(false, std::memory_order_relaxed);
            }
            if (metrics_)
                metrics_->batch_retries.fetch_add(1, std::memory_order_relaxed);
            const auto delay = next_backoff(attempt);
            qCWarning(lcWriter).noquote()
                << "batch" << batch.sequence << "of" << batch.events.size()
                << "events failed (attempt" << attempt + 1 << "), retrying in" << delay.count()
                << "ms:" << error.what();
            const auto until = std::chrono::steady_clock::now() + delay;
            while (std::chrono::steady_clock::now() < until) {
                if (should_stop())
                    return false;
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        }
    }
}

}  // namespace spillway
