#pragma once
// The PostgreSQL side of reconciliation: for a chunk of ids, which are in the events table (and
// from which offset) and which are only claimed in the key table; for a chunk of coordinates,
// which are in the dead-letter table and with what status. Each question is one query over array
// parameters, so values never become SQL text and the cost is one round trip per chunk. Read-only;
// one connection, owned by the reconciler's thread.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace spillway {

class PgConnection;

struct IdLocation {
    bool in_events = false;  // a row with this id is in the events table
    int32_t partition = -1;  // ... stored from these coordinates
    int64_t offset = -1;
    bool claimed = false;         // the key table holds the id
    std::chrono::sys_days day{};  // the day of its event time (from the key table)
};

class DatabaseLookup {
public:
    // Connects; throws PgError with libpq's message.
    DatabaseLookup(const std::string& conninfo, std::string events_table,
                   std::string dead_letter_table, std::string topic);
    ~DatabaseLookup();

    // Every id of `ids` that the key table or the events table knows.
    std::unordered_map<std::string, IdLocation> locate(const std::vector<std::string>& ids);
    // Status ('new', 'replayed', 'discarded') of every coordinate that has a dead-letter row.
    std::map<std::pair<int32_t, int64_t>, std::string> dead_letters(
        const std::vector<std::pair<int32_t, int64_t>>& coordinates);

private:
    std::unique_ptr<PgConnection> connection_;
    std::string events_table_;
    std::string dead_letter_table_;
    std::string topic_;
};

// A PostgreSQL array literal of text values ({"a","b\"c"}), to be bound as one parameter.
std::string text_array_literal(const std::vector<std::string>& values);

}  // namespace spillway
