#pragma once
// The tables the engine writes: the events table (range-partitioned by event time, one partition a
// UTC day, deduplicated through its key table) and the dead-letter table (what could not be
// stored, with a reason a person can read).
//
// Naming contract (the tiering job and operators' scripts rely on it):
//   <events>               partitioned parent, PARTITION BY RANGE (event_time)
//   <events>_p<YYYYMMDD>   one partition per UTC day: [day 00:00Z, next day 00:00Z)
//   <events>_default       the default partition: events far outside the partition window
//   <events>_keys          event_id PRIMARY KEY, event_time: the global dedup key; rows stay when
//                          a partition is archived, so dedup holds against archived data too
//   <events>_dictionaries  zstd dictionaries by id (never deleted)
#include <chrono>
#include <optional>
#include <string>

namespace spillway {

class PgConnection;

// How payloads are stored: queryable jsonb, or zstd-compressed bytea (see payload_codec.h).
enum class PayloadFormat { Jsonb, Zstd };
const char* payload_format_name(PayloadFormat format);
std::optional<PayloadFormat> parse_payload_format(const std::string& name);

// Which daily partitions exist ahead of need: from today - days_behind to today + days_ahead
// (UTC). Events outside that window land in the default partition (and are counted).
struct PartitionPolicy {
    int days_behind = 1;
    int days_ahead = 3;
    // Older days within this many days of today get their partition too, when an event of theirs
    // arrives (the maintainer moves it out of the default partition); older still stay there.
    int horizon_days = 400;
    std::chrono::milliseconds check_interval = std::chrono::minutes(10);
};

// When the zstd dictionary is trained and retrained (PayloadFormat::Zstd only).
struct DictionaryPolicy {
    int sample_events = 5000;             // valid events sampled to train a dictionary
    size_t dictionary_bytes = size_t{64} * 1024;  // capacity handed to ZDICT_trainFromBuffer
    // Retrain when the rolling ratio falls this far below the ratio measured at training time
    // (0.10 = 10 % worse), judged after at least judge_after_events events with that dictionary.
    double retrain_degradation = 0.10;
    int judge_after_events = 5000;
};

struct SinkOptions {
    std::string conninfo;
    std::string events_table = "events";
    std::string dead_letter_table = "dead_letters";
    std::string topic;  // the source topic, stored with every row
    PayloadFormat payload_format = PayloadFormat::Jsonb;
    int compression_level = 3;  // per-event zstd level (the write-ups' level)
    PartitionPolicy partitions;
    DictionaryPolicy dictionary;
};

// Creates the tables, the default partition and the daily partitions of the current window if
// missing. Several engine instances may start at once: an advisory lock serialises the DDL.
// Refuses (std::runtime_error, saying what to do) an events table made by an older version
// without partitions. Throws PgError (or std::invalid_argument for bad names).
void ensure_schema(PgConnection& connection, const SinkOptions& options);

// The audit table that records every operator action on the dead-letter table: <name>_audit.
std::string dead_letter_audit_table(const SinkOptions& options);

// Side tables and partitions of the events table (unquoted, schema-qualified like the table).
std::string event_keys_table(const std::string& events_table);
std::string event_dictionaries_table(const std::string& events_table);
std::string default_partition_table(const std::string& events_table);
// <events>_p<YYYYMMDD> for the UTC day holding `day`.
std::string day_partition_table(const std::string& events_table, std::chrono::sys_days day);

// The longest events table name (without schema) whose side tables fit PostgreSQL's 63-byte
// identifiers.
constexpr size_t kMaxEventsTableName = 50;

}  // namespace spillway
