#include "core/postgres/batch_writer.h"

#include <algorithm>
#include <string_view>
#include <thread>
#include <tuple>

#include "core/common/logging.h"
#include "core/compression/dictionary_keeper.h"
#include "core/pipeline/metrics.h"
#include "core/pipeline/sink_health.h"
#include "core/postgres/bytea_text.h"
#include "core/postgres/copy_text.h"
#include "core/postgres/pg_connection.h"

namespace spillway {

namespace {
// How long a day seen to have its own partition is trusted before it is checked again.
constexpr auto kPartitionRecheck = std::chrono::seconds(10);
constexpr const char* kClaimStatement = "spillway_claim";
constexpr const char* kDeadStatement = "spillway_dead_letters";

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
// One event per id, the earliest (partition, offset) winning, sorted bytewise by id: the order
// every writer claims ids in.
std::vector<const Event*> distinct_by_id(const std::vector<const Event*>& events) {
    std::vector<const Event*> sorted(events);
    std::sort(sorted.begin(), sorted.end(), [](const Event* a, const Event* b) {
        if (const int order = a->event_id.compare(b->event_id); order != 0)
            return order < 0;
        return std::tie(a->partition, a->offset) < std::tie(b->partition, b->offset);
    });
    sorted.erase(
        std::unique(sorted.begin(), sorted.end(),
                    [](const Event* a, const Event* b) { return a->event_id == b->event_id; }),
        sorted.end());
    return sorted;
}
}  // namespace

BatchWriter::BatchWriter(SinkOptions options, Metrics* metrics, DictionaryKeeper* dictionaries)
    : options_(std::move(options)), metrics_(metrics), dictionaries_(dictionaries) {
    if (options_.payload_format == PayloadFormat::Zstd)
        codec_ = std::make_unique<ZstdCodec>(options_.compression_level);
    const std::string topic = sql_literal(options_.topic);
    const std::string& events = options_.events_table;
    // Claiming in the order of the array (the ids sorted bytewise by the caller) makes
    // concurrent writers take the key index's locks in one order, so overlapping batches wait for
    // each other instead of deadlocking.
    claim_sql_ = "INSERT INTO " + quote_table_name(event_keys_table(events)) +
                 " (event_id, event_time) SELECT u.id, timestamptz 'epoch' + u.ms * interval '1 "
                 "millisecond' FROM unnest($1::text[], $2::int8[]) AS u(id, ms)"
                 " ON CONFLICT (event_id) DO NOTHING RETURNING event_id";
    copy_events_sql_ = "COPY " + quote_table_name(events) +
                       " (event_id, event_time, kafka_topic, kafka_partition, kafka_offset,"
                       " kafka_key, " +
                       (codec_ ? "payload_zstd, dict_id" : "payload") + ") FROM STDIN";
    append_copy_text(copy_topic_, options_.topic);
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
        sql_literal(events) +
        " FROM unnest($1::int4[], $2::int8[], $3::bytea[], $4::jsonb[], $5::bytea[], $6::text[],"
        " $7::text[], $8::text[], $9::text[], $10::int8[]) AS s(kafka_partition, kafka_offset,"
        " kafka_key, kafka_headers, payload, event_id, reason, message, sqlstate,"
        " kafka_timestamp_ms)" +
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
    connection_->exec("SET synchronous_commit = on");
    connection_->prepare(kClaimStatement, claim_sql_);
    dead_statement_prepared_ = false;
}

// The payload column(s) of one row: the text as received (jsonb), or one zstd frame and
// the id of its dictionary (\N: none). The decoder validated the text already (simdjson).
void BatchWriter::append_payload(const Event& event) {
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

// Claims the ids of `distinct` (one event per id) in the key table and returns the events whose
// id it claimed: the others are already stored, or being stored by a transaction that commits
// first (the statement waits for it and then sees the conflict).
std::vector<const Event*> BatchWriter::claim(const std::vector<const Event*>& distinct) {
    ids_param_.assign(1, '{');
    times_param_.assign(1, '{');
    for (const Event* event : distinct) {
        if (ids_param_.size() > 1) {
            ids_param_ += ',';
            times_param_ += ',';
        }
        append_array_text(ids_param_, event->event_id);
        append_copy_int(times_param_, event->event_time_ms);
    }
    ids_param_ += '}';
    times_param_ += '}';
    // `distinct` is sorted bytewise by id (distinct_by_id), so each id the statement returns is
    // found by binary search, with no per-batch hash table.
    std::vector<const Event*> claimed;
    claimed.reserve(distinct.size());
    connection_->query_prepared_column(
        kClaimStatement, {ids_param_, times_param_}, [&](std::string_view id) {
            const auto found = std::lower_bound(
                distinct.begin(), distinct.end(), id,
                [](const Event* event, std::string_view key) { return event->event_id < key; });
            if (found != distinct.end() && (*found)->event_id == id)
                claimed.push_back(*found);
        });
    return claimed;
}

// How many of `rows` the events table routes to its default partition: those whose day has no
// partition of its own (naming contract in sink_schema.h). Days seen with a partition are
// trusted for a while, so a batch of today's events costs no round trip.
int64_t BatchWriter::count_default_partition_rows(const std::vector<const Event*>& rows) {
    constexpr int64_t kDayMs = 86'400'000;
    const auto now = std::chrono::steady_clock::now();
    std::map<int64_t, int64_t> rows_by_day;
    for (const Event* event : rows)
        ++rows_by_day[event->event_time_ms / kDayMs];
    std::vector<int64_t> unknown;
    for (const auto& [day, count] : rows_by_day) {
        const auto seen = partitioned_days_.find(day);
        if (seen == partitioned_days_.end() || now - seen->second > kPartitionRecheck)
            unknown.push_back(day);
    }
    if (!unknown.empty()) {
        std::string names = "{";
        for (const int64_t day : unknown) {
            if (names.size() > 1)
                names += ',';
            append_array_text(
                names, quote_table_name(day_partition_table(
                           options_.events_table, std::chrono::sys_days(std::chrono::days(day)))));
        }
        names += '}';
        // A partition counts when it is attached to the events table, not merely present (the
        // tiering job detaches a day before it drops it).
        const auto attached = connection_->query(
            "SELECT n FROM unnest($1::text[]) AS n WHERE EXISTS (SELECT 1 FROM pg_inherits"
            " WHERE inhrelid = to_regclass(n) AND inhparent = to_regclass($2))",
            {names, quote_table_name(options_.events_table)});
        for (const int64_t day : unknown)
            partitioned_days_.erase(day);
        for (const auto& row : attached) {
            if (row.empty() || !row[0])
                continue;
            for (const int64_t day : unknown) {
                if (*row[0] ==
                    quote_table_name(day_partition_table(
                        options_.events_table, std::chrono::sys_days(std::chrono::days(day)))))
                    partitioned_days_[day] = now;
            }
        }
    }
    int64_t to_default = 0;
    for (const auto& [day, count] : rows_by_day) {
        if (!partitioned_days_.count(day))
            to_default += count;
    }
    return to_default;
}

BatchWriter::Stored BatchWriter::write_transaction(const std::vector<const Event*>& good,
                                                   const std::vector<DeadRow>& dead) {
    connection_->exec("BEGIN");
    Stored stored;
    if (!good.empty()) {
        const std::vector<const Event*> claimed = claim(distinct_by_id(good));
        stored.inserted = static_cast<int64_t>(claimed.size());
        if (!claimed.empty()) {
            copy_buffer_.clear();
            staged_raw_bytes_ = staged_stored_bytes_ = 0;
            dictionary_ = codec_ && dictionaries_ ? dictionaries_->current() : nullptr;
            for (const Event* event : claimed) {
                append_copy_text(copy_buffer_, event->event_id);
                copy_buffer_ += '\t';
                append_copy_timestamp_ms(copy_buffer_, event->event_time_ms);
                copy_buffer_ += '\t';
                copy_buffer_ += copy_topic_;
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
                append_payload(*event);
                copy_buffer_ += '\n';
                stored.raw_bytes += static_cast<int64_t>(event->payload.size());
            }
            if (codec_ && dictionaries_)
                dictionaries_->report(dictionary_ ? dictionary_->id() : 0,
                                      static_cast<int64_t>(claimed.size()), staged_raw_bytes_,
                                      staged_stored_bytes_);
            connection_->copy_in(copy_events_sql_, copy_buffer_);
            // jsonb: the text as received stands for the stored size (the server's binary form
            // is about as big; measuring it would need a RETURNING the COPY does not have).
            stored.stored_bytes = codec_ ? staged_stored_bytes_ : stored.raw_bytes;
            stored.to_default = count_default_partition_rows(claimed);
        }
    }
    if (!dead.empty())
        insert_dead_letters(dead);
    connection_->exec("COMMIT");
    return stored;
}

// One array parameter per column of the dead-letter rows (text form; NULL elements unquoted).
// Dead letters go in as arrays to a prepared statement: a staging table would cost a plan per
// batch and a truncation at every commit that touched it, which at small batches cost PostgreSQL
// more than the rows did. It is prepared at the first dead letter, not at connect, so a missing
// dead-letter table stops only the batches that have dead letters, as the statement itself would.
void BatchWriter::insert_dead_letters(const std::vector<DeadRow>& dead) {
    if (!dead_statement_prepared_) {
        connection_->prepare(kDeadStatement, insert_dead_sql_);
        dead_statement_prepared_ = true;
    }
    dead_params_.assign(10, "{");
    std::string hex;
    const auto add = [this](size_t column, std::string_view text) {
        std::string& out = dead_params_[column];
        if (out.size() > 1)
            out += ',';
        append_array_text(out, text);
    };
    const auto add_null = [this](size_t column) {
        std::string& out = dead_params_[column];
        if (out.size() > 1)
            out += ',';
        out += "NULL";
    };
    const auto add_bytes = [&](size_t column, std::string_view bytes) {
        hex = hex_bytea(bytes);
        add(column, hex);
    };
    for (const DeadRow& row : dead) {
        const Event& event = *row.event;
        add(0, std::to_string(event.partition));
        add(1, std::to_string(event.offset));
        if (event.key.empty())
            add_null(2);
        else
            add_bytes(2, event.key);
        if (event.headers_json.empty())
            add_null(3);
        else
            add(3, event.headers_json);
        add_bytes(4, event.payload);
        if (event.event_id.empty())
            add_null(5);
        else
            add(5, sanitize_utf8(event.event_id));
        add(6, row.reason);
        add(7, sanitize_utf8(row.message));
        if (row.sqlstate.empty())
            add_null(8);
        else
            add(8, row.sqlstate);
        if (event.produced_at_ms > 0)
            add(9, std::to_string(event.produced_at_ms));
        else
            add_null(9);
    }
    std::vector<std::string_view> params;
    params.reserve(dead_params_.size());
    for (std::string& param : dead_params_) {
        param += '}';
        params.emplace_back(param);
    }
    connection_->query_prepared_column(kDeadStatement, params, [](std::string_view) {});
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
            if (health_)
                health_->report_write_succeeded();
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
                if (health_)
                    health_->report_connection_lost();
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
