#pragma once
// SQL pieces and row decoding shared by the files that implement DeadLetterStore (query, replay,
// edit, export): parameter binding, the WHERE condition of a filter or selection, the select
// list of a full entry and its decoding, audit id recording, and the store's error context.
// Internal to core/dead_letters; pure functions, callable from any thread.
#include <QLoggingCategory>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/dead_letters/dead_letter_store.h"
#include "core/postgres/pg_connection.h"

namespace spillway::dead_letter_sql {

Q_DECLARE_LOGGING_CATEGORY(lcDeadLetterStore)

using Params = std::vector<std::optional<std::string>>;
using Row = std::vector<std::optional<std::string>>;

constexpr size_t kAuditIdCap = 10'000;
// A chunk stops growing past this many payload bytes, so memory stays bounded whatever the
// payload sizes (one entry is always taken, however big).
constexpr int64_t kChunkPayloadBytes = 64ll << 20;
constexpr int kMessagePreviewChars = 200;
constexpr int kPayloadPreviewBytes = 120;
constexpr int kExportChunk = 1000;

// Binds values to $1, $2, ... in the order they are added.
struct Query {
    Params params;
    std::string bind(std::string value) {
        params.emplace_back(std::move(value));
        return "$" + std::to_string(params.size());
    }
};

// Text a person typed may be invalid UTF-8 or hold NUL; PostgreSQL text can hold neither.
std::string clean(std::string_view text);
std::optional<std::string> from_hex_or_null(const std::optional<std::string>& hex);
int64_t to_int64(const std::optional<std::string>& value);
std::string text_or_empty(const std::optional<std::string>& value);
int64_t to_micros(WallTime time);
WallTime from_micros(int64_t micros);
std::optional<WallTime> optional_time(const std::optional<std::string>& micros);
// SQL for a timestamptz column as integer microseconds since the epoch (exact: extract returns
// numeric since PostgreSQL 14).
std::string micros_of(const std::string& column);
std::string timestamp_param(Query& query, WallTime time);
std::string iso8601(WallTime time);
std::string bigint_array(const std::vector<int64_t>& ids);
std::vector<int64_t> parse_bigint_array(const std::optional<std::string>& text);
std::string quoted(std::string_view text);
// The WHERE condition for a filter; every value is a bound parameter.
std::string filter_condition(const DeadLetterFilter& filter, Query& query);
std::string selection_condition(const DeadLetterSelection& selection, Query& query);

// Keeps the ids an action touched for its audit row, up to the cap, and counts them all.
struct IdRecorder {
    std::vector<int64_t> ids;
    int64_t total = 0;
    void add(int64_t id) {
        ++total;
        if (ids.size() < kAuditIdCap)
            ids.push_back(id);
    }
};

// Every column of an entry, in the order entry_from_row reads them.
std::string entry_select_list();
DeadLetterEntry entry_from_row(const Row& row);
// "#12 orders/3@456: ", the start of a replay outcome line.
std::string entry_label(const DeadLetterEntry& entry);
// ',"name":value' for each pair: the action-specific part of an audit row's detail.
std::string json_number_fields(std::initializer_list<std::pair<const char*, int64_t>> numbers);

}  // namespace spillway::dead_letter_sql

namespace spillway {

struct DeadLetterStore::Chunk {
    std::vector<int64_t> ids;
    int64_t cursor = 0;  // the keyset position after this chunk
    bool end = false;
};

// Runs one operation; a failure rolls back the connection and is rethrown with the operation
// named ("dead-letter store: <operation>: ..."), keeping its type.
template <typename Body>
auto DeadLetterStore::guarded(const char* operation, Body&& body) -> decltype(body()) {
    const std::string context = std::string("dead-letter store: ") + operation + ": ";
    try {
        return body();
    } catch (const PgError& error) {
        rollback_after_error();
        throw PgError(context + error.what(), error.sqlstate(), error.detail(),
                      error.connection_lost(), error.constraint());
    } catch (const std::invalid_argument& error) {
        rollback_after_error();
        throw std::invalid_argument(context + error.what());
    } catch (const std::exception& error) {
        rollback_after_error();
        throw std::runtime_error(context + error.what());
    }
}

}  // namespace spillway
