#include "core/postgres/sink_schema.h"

#include <cstdio>
#include <stdexcept>

#include "core/common/logging.h"
#include "core/postgres/partition_maintainer.h"
#include "core/postgres/pg_connection.h"

namespace spillway {

const char* payload_format_name(PayloadFormat format) {
    return format == PayloadFormat::Zstd ? "zstd" : "jsonb";
}

std::optional<PayloadFormat> parse_payload_format(const std::string& name) {
    if (name == "jsonb")
        return PayloadFormat::Jsonb;
    if (name == "zstd")
        return PayloadFormat::Zstd;
    return std::nullopt;
}

std::string dead_letter_audit_table(const SinkOptions& options) {
    return options.dead_letter_table + "_audit";
}

std::string event_keys_table(const std::string& events_table) {
    return events_table + "_keys";
}

std::string event_dictionaries_table(const std::string& events_table) {
    return events_table + "_dictionaries";
}

std::string default_partition_table(const std::string& events_table) {
    return events_table + "_default";
}

std::string day_partition_table(const std::string& events_table, std::chrono::sys_days day) {
    const std::chrono::year_month_day date{day};
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "_p%04d%02u%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return events_table + suffix;
}

namespace {
// An index name derived from a (possibly schema-qualified) table name: "s.t" -> "t_suffix_idx".
std::string index_name(const std::string& table, const std::string& suffix) {
    const auto dot = table.find('.');
    return (dot == std::string::npos ? table : table.substr(dot + 1)) + "_" + suffix + "_idx";
}

std::string unqualified(const std::string& table) {
    const auto dot = table.find('.');
    return dot == std::string::npos ? table : table.substr(dot + 1);
}

// An events table from before partitioning ('r': a plain table) cannot take partitions; writing
// to it would fail on every batch. Say so, with the way out, instead of failing later.
void refuse_unpartitioned(PgConnection& connection, const std::string& events_table) {
    const auto kind =
        connection.query("SELECT c.relkind::text FROM pg_class c WHERE c.oid = to_regclass($1)",
                         {quote_table_name(events_table)});
    if (kind.empty() || !kind[0][0] || *kind[0][0] == "p")
        return;
    throw std::runtime_error(
        "the events table \"" + events_table +
        "\" exists but is not partitioned by event time (an older Spillway made it). Rename it "
        "(ALTER TABLE " +
        events_table + " RENAME TO " + unqualified(events_table) +
        "_unpartitioned), start again so the partitioned table is created, then copy the old "
        "rows over (see README, \"Storage\"), or choose another table with --table");
}
// A key table made by an older version compares ids under the database's collation, the most
// expensive btree there is. Rebuild it with COLLATE "C" (same rows, same dedup): one ALTER that
// rewrites the table and its index under an exclusive lock, so other writers wait for it.
void migrate_key_collation(PgConnection& connection, const std::string& events_table) {
    const std::string keys = quote_table_name(event_keys_table(events_table));
    const auto collation = connection.query(
        "SELECT c.collname::text FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation"
        " WHERE a.attrelid = to_regclass($1) AND a.attname = 'event_id'",
        {keys});
    if (collation.empty() || !collation[0][0] || *collation[0][0] == "C")
        return;
    qCWarning(lcStorage).noquote()
        << "migrating the key table" << QString::fromStdString(keys)
        << "to COLLATE \"C\" (rewrites the table and its primary key once; writers wait)";
    connection.exec("ALTER TABLE " + keys + " ALTER COLUMN event_id TYPE text COLLATE \"C\"");
}
}  // namespace

void ensure_schema(PgConnection& connection, const SinkOptions& options) {
    for (const auto* name : {&options.events_table, &options.dead_letter_table}) {
        if (!valid_table_name(*name))
            throw std::invalid_argument("invalid table name \"" + *name +
                                        "\": use letters, digits and _ (optionally schema.table)");
    }
    if (unqualified(options.events_table).size() > kMaxEventsTableName)
        throw std::invalid_argument("events table name \"" + options.events_table +
                                    "\" is too long: at most " +
                                    std::to_string(kMaxEventsTableName) +
                                    " characters, so that its partitions and side tables fit");
    const std::string events = quote_table_name(options.events_table);
    const std::string dead_letters = quote_table_name(options.dead_letter_table);
    const std::string audit = quote_table_name(dead_letter_audit_table(options));
    run_in_transaction(
        connection, "BEGIN; SELECT pg_advisory_xact_lock(hashtext('spillway.schema'));", [&] {
            refuse_unpartitioned(connection, options.events_table);
            connection.exec(
                "CREATE TABLE IF NOT EXISTS " + events +
                " ("
                "  event_id text NOT NULL,"
                "  event_time timestamptz NOT NULL,"
                "  kafka_topic text NOT NULL,"
                "  kafka_partition integer NOT NULL,"
                "  kafka_offset bigint NOT NULL,"
                "  kafka_key bytea,"
                "  payload jsonb,"       // PayloadFormat::Jsonb
                "  payload_zstd bytea,"  // PayloadFormat::Zstd: one zstd frame
                "  dict_id integer,"     // the dictionary of payload_zstd; NULL = none
                "  ingested_at timestamptz NOT NULL DEFAULT now(),"
                "  CONSTRAINT " +
                quote_identifier(unqualified(options.events_table) + "_one_payload") +
                " CHECK ((payload IS NULL) <> (payload_zstd IS NULL)"
                "         AND (dict_id IS NULL OR payload_zstd IS NOT NULL))"
                ") PARTITION BY RANGE (event_time);"
                "CREATE TABLE IF NOT EXISTS " +
                quote_table_name(default_partition_table(options.events_table)) + " PARTITION OF " +
                events +
                " DEFAULT;"
                // The dedup key: a partitioned table cannot hold UNIQUE (event_id) alone, this can.
                "CREATE TABLE IF NOT EXISTS " +
                quote_table_name(event_keys_table(options.events_table)) +
                // COLLATE "C": ids are compared bytewise, the cheapest btree on text whatever
                // the database's locale (dedup needs equality only).
                " (event_id text COLLATE \"C\" PRIMARY KEY, event_time timestamptz NOT NULL);"
                "CREATE TABLE IF NOT EXISTS " +
                quote_table_name(event_dictionaries_table(options.events_table)) +
                " ("
                "  id serial PRIMARY KEY,"
                "  created_at timestamptz NOT NULL DEFAULT now(),"
                "  sample_count integer NOT NULL,"
                "  trained_ratio double precision NOT NULL,"  // raw/compressed on held-out events
                "  dict bytea NOT NULL);"
                // One row per source message (topic, partition, offset): a re-read after a crash
                // updates the row instead of adding another.
                "CREATE TABLE IF NOT EXISTS " +
                dead_letters +
                " ("
                "  id bigserial PRIMARY KEY,"
                "  kafka_topic text NOT NULL,"
                "  kafka_partition integer NOT NULL,"
                "  kafka_offset bigint NOT NULL,"
                "  kafka_key bytea,"
                "  kafka_headers jsonb,"
                "  payload bytea NOT NULL,"  // as received, or as edited by an operator
                "  original_payload bytea,"  // as received, kept once the payload is edited
                "  event_id text,"
                "  reason text NOT NULL,"  // malformed_json, missing_id, database_reject, overflow,
                                           // ...
                "  message text NOT NULL,"  // what a person reads: the validator's or the server's
                                            // words
                "  sqlstate text,"
                "  attempts integer NOT NULL DEFAULT 1,"
                "  first_seen timestamptz NOT NULL DEFAULT now(),"
                "  last_seen timestamptz NOT NULL DEFAULT now(),"
                "  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'replayed', "
                "'discarded')),"
                "  status_changed_at timestamptz,"
                "  status_changed_by text,"
                "  status_note text,"
                "  UNIQUE (kafka_topic, kafka_partition, kafka_offset));"
                "CREATE INDEX IF NOT EXISTS " +
                quote_identifier(index_name(options.dead_letter_table, "status_reason")) + " ON " +
                dead_letters +
                " (status, reason, last_seen);"
                // Added later, so ALTER for tables made before: the Kafka timestamp (a replay
                // gives an event the time the live path would have) and the events table the
                // entry was written for (an engine replays only its own overflow).
                "ALTER TABLE " +
                dead_letters +
                " ADD COLUMN IF NOT EXISTS kafka_timestamp timestamptz,"
                " ADD COLUMN IF NOT EXISTS events_table text;"
                "CREATE TABLE IF NOT EXISTS " +
                audit +
                " ("
                "  id bigserial PRIMARY KEY,"
                "  at timestamptz NOT NULL DEFAULT now(),"
                "  actor text NOT NULL,"   // who or what: an operator's name, "engine", "api"
                "  action text NOT NULL,"  // edit, replay, replay_dry_run, discard, export, ...
                "  entry_ids bigint[],"
                "  filter text,"            // the filter, when the action took a whole filter
                "  outcome text NOT NULL,"  // what happened, in words and counts
                "  detail jsonb);");
            migrate_key_collation(connection, options.events_table);
        });
    ensure_partitions(connection, options, std::chrono::system_clock::now());
}

}  // namespace spillway
