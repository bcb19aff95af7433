#include "core/sink_schema.h"

#include <stdexcept>

#include "core/pg_connection.h"

namespace spillway {

void ensure_schema(PgConnection& connection, const SinkOptions& options) {
    for (const auto* name : {&options.events_table, &options.dead_letter_table}) {
        if (!valid_table_name(*name))
            throw std::invalid_argument("invalid table name \"" + *name +
                                        "\": use letters, digits and _ (optionally schema.table)");
    }
    const std::string events = quote_table_name(options.events_table);
    const std::string dead_letters = quote_table_name(options.dead_letter_table);
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
        "CREATE TABLE IF NOT EXISTS " +
        dead_letters +
        " ("
        "  id bigserial PRIMARY KEY,"
        "  kafka_topic text NOT NULL,"
        "  kafka_partition integer NOT NULL,"
        "  kafka_offset bigint NOT NULL,"
        "  kafka_key bytea,"
        "  payload bytea NOT NULL,"
        "  event_id text,"
        "  reason text NOT NULL,"
        "  message text NOT NULL,"
        "  sqlstate text,"
        "  attempts integer NOT NULL DEFAULT 1,"
        "  first_seen timestamptz NOT NULL DEFAULT now(),"
        "  last_seen timestamptz NOT NULL DEFAULT now(),"
        "  status text NOT NULL DEFAULT 'new',"
        "  UNIQUE (kafka_topic, kafka_partition, kafka_offset));"
        "COMMIT;");
}

}  // namespace spillway
