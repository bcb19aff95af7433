#include "core/reconcile/database_lookup.h"

#include <stdexcept>

#include "core/postgres/pg_connection.h"
#include "core/postgres/sink_schema.h"

namespace spillway {

std::string text_array_literal(const std::vector<std::string>& values) {
    std::string literal = "{";
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0)
            literal += ',';
        literal += '"';
        for (const char c : values[i]) {
            if (c == '"' || c == '\\')
                literal += '\\';
            literal += c;
        }
        literal += '"';
    }
    literal += '}';
    return literal;
}

namespace {
template <typename Number>
std::string number_array_literal(const std::vector<Number>& values) {
    std::string literal = "{";
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0)
            literal += ',';
        literal += std::to_string(values[i]);
    }
    literal += '}';
    return literal;
}

int64_t to_integer(const std::optional<std::string>& text, const char* column) {
    if (!text)
        throw std::runtime_error(std::string("reconcile: unexpected NULL in ") + column);
    try {
        return std::stoll(*text);
    } catch (const std::exception&) {
        throw std::runtime_error(std::string("reconcile: not a number in ") + column + ": " +
                                 text->substr(0, 40));
    }
}
}  // namespace

DatabaseLookup::DatabaseLookup(const std::string& conninfo, std::string events_table,
                               std::string dead_letter_table, std::string topic)
    : connection_(std::make_unique<PgConnection>(conninfo)),
      events_table_(std::move(events_table)),
      dead_letter_table_(std::move(dead_letter_table)),
      topic_(std::move(topic)) {
    // Never write, whatever the caller's role may do.
    connection_->exec("SET default_transaction_read_only = on");
}

DatabaseLookup::~DatabaseLookup() = default;

std::unordered_map<std::string, IdLocation> DatabaseLookup::locate(
    const std::vector<std::string>& ids) {
    std::unordered_map<std::string, IdLocation> found;
    if (ids.empty())
        return found;
    // The key table's primary key finds the claims; the events table has no index on event_id, so
    // the planner hashes the chunk's ids and scans the hot partitions once per chunk.
    const std::string sql =
        "WITH ids AS (SELECT DISTINCT unnest($1::text[]) AS event_id)"
        " SELECT i.event_id, k.event_time IS NOT NULL,"
        " to_char(k.event_time AT TIME ZONE 'UTC', 'YYYY-MM-DD'),"
        " e.kafka_partition, e.kafka_offset"
        " FROM ids i LEFT JOIN " +
        quote_table_name(event_keys_table(events_table_)) +
        " k ON k.event_id = i.event_id"
        " LEFT JOIN " +
        quote_table_name(events_table_) +
        " e ON e.event_id = i.event_id"
        " WHERE k.event_id IS NOT NULL OR e.event_id IS NOT NULL";
    for (const auto& row : connection_->query(sql, {text_array_literal(ids)})) {
        if (!row[0])
            continue;
        IdLocation& location = found[*row[0]];
        location.claimed = row[1] && *row[1] == "t";
        if (row[2] && row[2]->size() == 10) {
            const int year = std::stoi(row[2]->substr(0, 4));
            const unsigned month = static_cast<unsigned>(std::stoi(row[2]->substr(5, 2)));
            const unsigned day = static_cast<unsigned>(std::stoi(row[2]->substr(8, 2)));
            location.day = std::chrono::sys_days{std::chrono::year{year} /
                                                 std::chrono::month{month} / std::chrono::day{day}};
        }
        if (row[3]) {
            location.in_events = true;
            location.partition = static_cast<int32_t>(to_integer(row[3], "kafka_partition"));
            location.offset = to_integer(row[4], "kafka_offset");
        }
    }
    return found;
}

std::map<std::pair<int32_t, int64_t>, std::string> DatabaseLookup::dead_letters(
    const std::vector<std::pair<int32_t, int64_t>>& coordinates) {
    std::map<std::pair<int32_t, int64_t>, std::string> found;
    if (coordinates.empty())
        return found;
    std::vector<int32_t> partitions;
    std::vector<int64_t> offsets;
    partitions.reserve(coordinates.size());
    offsets.reserve(coordinates.size());
    for (const auto& [partition, offset] : coordinates) {
        partitions.push_back(partition);
        offsets.push_back(offset);
    }
    // Matched on the table's unique (topic, partition, offset) index.
    const std::string sql =
        "SELECT d.kafka_partition, d.kafka_offset, d.status"
        " FROM unnest($2::integer[], $3::bigint[]) AS c(kafka_partition, kafka_offset)"
        " JOIN " +
        quote_table_name(dead_letter_table_) +
        " d ON d.kafka_topic = $1 AND d.kafka_partition = c.kafka_partition"
        " AND d.kafka_offset = c.kafka_offset";
    for (const auto& row : connection_->query(
             sql, {topic_, number_array_literal(partitions), number_array_literal(offsets)})) {
        found[{static_cast<int32_t>(to_integer(row[0], "kafka_partition")),
               to_integer(row[1], "kafka_offset")}] = row[2].value_or("");
    }
    return found;
}

}  // namespace spillway
