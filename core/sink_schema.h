#pragma once
// The tables the engine writes: the events table (deduplicated by event_id) and the dead-letter
// table (what could not be stored, with a reason a person can read).
#include <string>

namespace spillway {

class PgConnection;

struct SinkOptions {
    std::string conninfo;
    std::string events_table = "events";
    std::string dead_letter_table = "dead_letters";
    std::string topic;  // the source topic, stored with every row
};

// Creates the tables and indexes if missing. Several engine instances may start at once: an
// advisory lock serialises the DDL. Throws PgError (or std::invalid_argument for bad names).
void ensure_schema(PgConnection& connection, const SinkOptions& options);

// The audit table that records every operator action on the dead-letter table: <name>_audit.
std::string dead_letter_audit_table(const SinkOptions& options);

}  // namespace spillway
