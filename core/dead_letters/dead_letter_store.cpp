// DeadLetterStore's frame: construction, its connection and error handling, walking a
// selection in chunks, and writing audit rows. The operations live beside it: dead_letter_query,
// dead_letter_replay, dead_letter_edit, dead_letter_export. One thread at a time.
#include "core/dead_letters/dead_letter_store.h"

#include <algorithm>

#include "core/common/json_text.h"
#include "core/dead_letters/dead_letter_sql.h"
#include "core/postgres/batch_writer.h"
#include "core/postgres/pg_connection.h"

namespace spillway {

using namespace dead_letter_sql;

DeadLetterStore::DeadLetterStore(SinkOptions sink, DecoderOptions decoder,
                                 std::chrono::milliseconds statement_timeout)
    : sink_(std::move(sink)), statement_timeout_(statement_timeout), decoder_(std::move(decoder)) {
    for (const auto* name : {&sink_.events_table, &sink_.dead_letter_table}) {
        if (!valid_table_name(*name))
            throw std::invalid_argument("dead-letter store: invalid table name \"" + *name +
                                        "\": use letters, digits and _ (optionally schema.table)");
    }
    dead_letters_ = quote_table_name(sink_.dead_letter_table);
    // Stored ids are looked up in the key table: it also holds the ids of archived partitions.
    event_keys_ = quote_table_name(event_keys_table(sink_.events_table));
    audit_ = quote_table_name(dead_letter_audit_table(sink_));
}

DeadLetterStore::~DeadLetterStore() = default;

PgConnection& DeadLetterStore::connection() {
    if (!connection_ || !connection_->ok()) {
        connection_.reset();
        auto connection = std::make_unique<PgConnection>(sink_.conninfo);
        if (statement_timeout_.count() > 0)
            connection->limit_statement_time(statement_timeout_);
        connection_ = std::move(connection);
    }
    return *connection_;
}

void DeadLetterStore::rollback_after_error() {
    if (!connection_)
        return;
    if (!connection_->ok()) {
        connection_.reset();
        return;
    }
    try {
        connection_->exec("ROLLBACK");  // outside a transaction: a harmless warning
    } catch (const PgError&) {
        connection_.reset();
    }
}

void DeadLetterStore::ensure_schema() {
    guarded("ensure schema", [&] { spillway::ensure_schema(connection(), sink_); });
}

std::vector<DeadLetterEntry> DeadLetterStore::fetch_entries(const std::vector<int64_t>& ids) {
    std::vector<DeadLetterEntry> entries;
    if (ids.empty())
        return entries;
    const auto rows =
        connection().query("SELECT " + entry_select_list() + " FROM " + dead_letters_ +
                               " WHERE id = ANY($1::bigint[]) ORDER BY id",
                           {bigint_array(ids)});
    entries.reserve(rows.size());
    for (const Row& row : rows)
        entries.push_back(entry_from_row(row));
    return entries;
}

int64_t DeadLetterStore::count_selection(const DeadLetterSelection& selection) {
    Query query;
    const std::string condition = selection_condition(selection, query);
    const auto rows = connection().query(
        "SELECT count(*) FROM " + dead_letters_ + " WHERE " + condition, query.params);
    return to_int64(rows.at(0).at(0));
}

DeadLetterStore::Chunk DeadLetterStore::next_chunk(const DeadLetterSelection& selection,
                                                   int64_t after_id, int chunk_size) {
    chunk_size = std::max(chunk_size, 1);
    Chunk chunk;
    Query query;
    std::string condition;
    int64_t slice_end = 0;
    if (selection.by_ids()) {
        // Ids are walked client-side in slices, so a long id list is not resent per chunk.
        const auto& ids = selection.ids();
        const auto begin = std::upper_bound(ids.begin(), ids.end(), after_id);
        const auto end = begin + std::min<std::ptrdiff_t>(chunk_size, ids.end() - begin);
        if (begin == end) {
            chunk.end = true;
            return chunk;
        }
        slice_end = *(end - 1);
        condition = "id = ANY(" + query.bind(bigint_array(std::vector<int64_t>(begin, end))) +
                    "::bigint[])";
    } else {
        condition = filter_condition(*selection.filter(), query) + " AND id > " +
                    query.bind(std::to_string(after_id)) + "::bigint";
    }
    const auto rows = connection().query(
        "SELECT id, length(payload) + COALESCE(length(original_payload), 0) FROM " + dead_letters_ +
            " WHERE " + condition + " ORDER BY id LIMIT " + std::to_string(chunk_size),
        query.params);
    int64_t bytes = 0;
    for (const Row& row : rows) {
        const int64_t size = to_int64(row[1]);
        if (!chunk.ids.empty() && bytes + size > kChunkPayloadBytes)
            break;
        bytes += size;
        chunk.ids.push_back(to_int64(row[0]));
    }
    if (selection.by_ids()) {
        chunk.cursor = chunk.ids.size() == rows.size() ? slice_end : chunk.ids.back();
    } else if (rows.empty()) {
        chunk.end = true;
    } else {
        chunk.cursor = chunk.ids.back();
    }
    return chunk;
}

void DeadLetterStore::write_audit(const std::string& actor, const std::string& action,
                                  const std::vector<int64_t>& ids, int64_t entry_count,
                                  const std::optional<std::string>& filter,
                                  const std::string& outcome, const std::string& detail_json) {
    std::string text = clean(outcome);
    const bool capped = entry_count > static_cast<int64_t>(ids.size());
    if (capped)
        text += " (entry_ids holds the first " + std::to_string(ids.size()) + " of " +
                std::to_string(entry_count) + ")";
    std::string detail = "{";
    append_json_string(detail, "entries");
    detail += ':' + std::to_string(entry_count) + ',';
    append_json_string(detail, "ids_capped");
    detail += capped ? ":true" : ":false";
    detail += detail_json + "}";
    std::optional<std::string> filter_text;
    if (filter)
        filter_text = clean(*filter);
    connection().exec_params("INSERT INTO " + audit_ +
                                 " (actor, action, entry_ids, filter, outcome, detail)"
                                 " VALUES ($1, $2, $3::bigint[], $4, $5, $6::jsonb)",
                             {clean(actor), action, bigint_array(ids), filter_text, text, detail});
}

}  // namespace spillway
