#include "core/sink_schema.h"

#include <stdexcept>

#include "core/pg_connection.h"

namespace spillway {

std::string dead_letter_audit_table(const SinkOptions& options) {
    return options.dead_letter_table + "_audit";
}

namespace {
// An index name derived from a (possibly schema-qualified) table name: "s.t" -> "t_suffix_idx".
std::string index_name(const std::string& table, const std::string& suffix) {
    const auto dot = table.find('.');
    return (dot == std::string::npos ? table : table.substr(dot + 1)) + "_" + suffix + "_idx";
}
}  // namespace

void ensure_schema(PgConnection& connection, const SinkOptions& options) {
    for (const auto* name : {&options.events_table, &options.dead_letter_table}) {
        if (!valid_table_name(*name))
            throw std::invalid_argument("invalid table name \"" + *name +
                                        "\": use letters, digits and _ (optionally schema.table)");
    }
    const std::string events = quote_table_name(options.events_table);
    const std::string dead_letters = quote_table_name(options.dead_letter_table);
    const std::string audit = quote_table_name(dead_letter_audit_table(options));
    connection.exec(
        "BEGIN;"
        "SELECT pg_advisory_xact_lock(hashtext('spillway.schema'));"
        "CREATE TABLE IF NOT EXISTS " +
        events +
        " ("
        "  event_id text PRIMARY KEY,"
        "  event_time timestamptz NOT NULL,"
        "  kafka_topic text NOT NULL,"
        "  kafka_partition integer NOT NULL,"
        "  kafka_offset bigint NOT NULL,"
        "  kafka_key bytea,"
        "  payload jsonb NOT NULL,"
        "  ingested_at timestamptz NOT NULL DEFAULT now());"
        // One row per source message (topic, partition, offset): a re-read after a crash updates
        // the row instead of adding another.
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
        "  reason text NOT NULL,"   // malformed_json, missing_id, database_reject, overflow, ...
        "  message text NOT NULL,"  // what a person reads: the validator's or the server's words
        "  sqlstate text,"
        "  attempts integer NOT NULL DEFAULT 1,"
        "  first_seen timestamptz NOT NULL DEFAULT now(),"
        "  last_seen timestamptz NOT NULL DEFAULT now(),"
        "  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'replayed', 'discarded')),"
        "  status_changed_at timestamptz,"
        "  status_changed_by text,"
        "  status_note text,"
        "  UNIQUE (kafka_topic, kafka_partition, kafka_offset));"
        "CREATE INDEX IF NOT EXISTS " +
        quote_identifier(index_name(options.dead_letter_table, "status_reason")) + " ON " +
        dead_letters +
        " (status, reason, last_seen);"
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
        "  detail jsonb);"
        "COMMIT;");
}

}  // namespace spillway
