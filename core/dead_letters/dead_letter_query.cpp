// DeadLetterStore's read side: count, page and group entries by reason, read one entry, and read
// the audit log. Every value is a bound parameter. One thread at a time.
#include <algorithm>

#include "core/dead_letters/dead_letter_sql.h"
#include "core/dead_letters/dead_letter_store.h"
#include "core/postgres/bytea_text.h"
#include "core/postgres/pg_connection.h"

namespace spillway {

using namespace dead_letter_sql;

int64_t DeadLetterStore::count(const DeadLetterFilter& filter) {
    return guarded("count", [&] {
        Query query;
        const std::string condition = filter_condition(filter, query);
        const auto rows = connection().query(
            "SELECT count(*) FROM " + dead_letters_ + " WHERE " + condition, query.params);
        return to_int64(rows.at(0).at(0));
    });
}

std::vector<DeadLetterSummary> DeadLetterStore::page(const DeadLetterFilter& filter,
                                                     const DeadLetterPageRequest& request) {
    return guarded("page", [&] {
        Query query;
        std::string condition = filter_condition(filter, query);
        if (request.after_id)
            condition += std::string(" AND id ") + (request.newest_first ? "<" : ">") + " " +
                         query.bind(std::to_string(*request.after_id)) + "::bigint";
        const int limit = std::clamp(request.limit, 1, 10'000);
        const std::string sql =
            "SELECT id, kafka_topic, kafka_partition, kafka_offset, encode(kafka_key, 'hex'),"
            " reason, left(message, " +
            std::to_string(kMessagePreviewChars) + "), sqlstate, attempts, " +
            micros_of("first_seen") + ", " + micros_of("last_seen") +
            ", status, length(payload), encode(substring(payload FROM 1 FOR " +
            std::to_string(kPayloadPreviewBytes) + "), 'hex') FROM " + dead_letters_ + " WHERE " +
            condition + " ORDER BY id " + (request.newest_first ? "DESC" : "ASC") + " LIMIT " +
            std::to_string(limit);
        std::vector<DeadLetterSummary> summaries;
        for (const Row& row : connection().query(sql, query.params)) {
            DeadLetterSummary summary;
            summary.id = to_int64(row[0]);
            summary.topic = text_or_empty(row[1]);
            summary.partition = static_cast<int32_t>(to_int64(row[2]));
            summary.offset = to_int64(row[3]);
            summary.key = from_hex(text_or_empty(row[4]));
            summary.reason = text_or_empty(row[5]);
            summary.message = text_or_empty(row[6]);
            summary.sqlstate = text_or_empty(row[7]);
            summary.attempts = static_cast<int>(to_int64(row[8]));
            summary.first_seen = from_micros(to_int64(row[9]));
            summary.last_seen = from_micros(to_int64(row[10]));
            summary.status = text_or_empty(row[11]);
            summary.payload_size = to_int64(row[12]);
            summary.payload_preview = from_hex(text_or_empty(row[13]));
            summaries.push_back(std::move(summary));
        }
        return summaries;
    });
}

std::vector<ReasonCount> DeadLetterStore::counts_by_reason(const DeadLetterFilter& filter) {
    return guarded("counts by reason", [&] {
        Query query;
        const std::string condition = filter_condition(filter, query);
        std::vector<ReasonCount> counts;
        for (const Row& row :
             connection().query("SELECT reason, count(*) FROM " + dead_letters_ + " WHERE " +
                                    condition + " GROUP BY reason ORDER BY 2 DESC, 1",
                                query.params))
            counts.push_back({text_or_empty(row[0]), to_int64(row[1])});
        return counts;
    });
}

std::optional<DeadLetterEntry> DeadLetterStore::read(int64_t id) {
    return guarded("read", [&]() -> std::optional<DeadLetterEntry> {
        const auto rows = connection().query(
            "SELECT " + entry_select_list() + " FROM " + dead_letters_ + " WHERE id = $1::bigint",
            {std::to_string(id)});
        if (rows.empty())
            return std::nullopt;
        return entry_from_row(rows.front());
    });
}

std::vector<DeadLetterAuditRow> DeadLetterStore::audit_log(int limit) {
    return guarded("audit log", [&] {
        std::vector<DeadLetterAuditRow> log;
        const auto rows = connection().query(
            "SELECT id, " + micros_of("at") +
                ", actor, action,"
                " COALESCE((detail->>'entries')::bigint, cardinality(entry_ids), 0),"
                " entry_ids::text, filter, outcome FROM " +
                audit_ + " ORDER BY id DESC LIMIT $1::integer",
            {std::to_string(std::clamp(limit, 1, 100'000))});
        for (const Row& row : rows) {
            DeadLetterAuditRow entry;
            entry.id = to_int64(row[0]);
            entry.at = from_micros(to_int64(row[1]));
            entry.actor = text_or_empty(row[2]);
            entry.action = text_or_empty(row[3]);
            entry.entry_count = to_int64(row[4]);
            entry.entry_ids = parse_bigint_array(row[5]);
            entry.filter = row[6];
            entry.outcome = text_or_empty(row[7]);
            log.push_back(std::move(entry));
        }
        return log;
    });
}

}  // namespace spillway
