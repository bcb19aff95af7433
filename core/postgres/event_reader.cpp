#include "core/postgres/event_reader.h"

#include <ostream>

#include "core/postgres/bytea_text.h"
#include "core/compression/dictionary_store.h"
#include "core/common/json_text.h"
#include "core/compression/payload_codec.h"
#include "core/postgres/pg_connection.h"

namespace spillway {

namespace {
constexpr int kFetchRows = 1000;  // rows per FETCH: memory stays bounded on any table size

// A time bound as PostgreSQL reads it, normalised to UTC, or a clear error naming the option.
std::string time_bound(PgConnection& connection, const std::string& option,
                       const std::string& text) {
    try {
        const auto rows = connection.query(
            "SELECT to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || "
            "'+00'",
            {text});
        return rows.at(0).at(0).value();
    } catch (const PgError& error) {
        throw std::runtime_error("--" + option + ": \"" + text +
                                 "\" is not a time PostgreSQL can read (" + error.what() + ")");
    }
}
}  // namespace

ReadEventsReport read_events(const ReadEventsOptions& options, std::ostream& out,
                             std::ostream& errors) {
    if (!valid_table_name(options.events_table))
        throw std::invalid_argument("invalid table name \"" + options.events_table + "\"");
    PgConnection connection(options.conninfo);
    std::string where = " WHERE true";
    if (options.since)
        where += " AND event_time >= '" + time_bound(connection, "since", *options.since) + "'";
    if (options.until)
        where += " AND event_time < '" + time_bound(connection, "until", *options.until) + "'";
    connection.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    connection.exec(
        "DECLARE spillway_read NO SCROLL CURSOR FOR SELECT event_id,"
        " to_char(event_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
        " kafka_topic, kafka_partition, kafka_offset, payload::text,"
        " encode(payload_zstd, 'hex'), dict_id FROM " +
        quote_table_name(options.events_table) + where + " ORDER BY event_time, event_id" +
        (options.limit > 0 ? " LIMIT " + std::to_string(options.limit) : std::string()));

    ReadEventsReport report;
    DictionaryCache dictionaries(connection, options.events_table);
    ZstdCodec codec;
    std::string line;
    for (;;) {
        const auto rows =
            connection.query("FETCH " + std::to_string(kFetchRows) + " FROM spillway_read", {});
        for (const auto& row : rows) {
            const std::string event_id = row[0].value_or("");
            std::string payload;
            const char* format = "jsonb";
            try {
                if (row[5]) {
                    payload = *row[5];
                } else {
                    format = "zstd";
                    const std::string frame = from_hex(row[6].value_or(""));
                    payload = row[7]
                                  ? codec.decompress(frame, &dictionaries.get(std::stoi(*row[7])))
                                  : codec.decompress(frame, nullptr);
                }
            } catch (const std::exception& error) {
                ++report.failed;
                errors << "event " << event_id << " (" << row[2].value_or("") << " partition "
                       << row[3].value_or("") << " offset " << row[4].value_or("")
                       << "): cannot read its payload back: " << error.what() << '\n';
                continue;
            }
            line = "{\"event_id\":";
            append_json_string(line, event_id);
            line += ",\"event_time\":\"" + row[1].value_or("") + "\",\"kafka_topic\":";
            append_json_string(line, row[2].value_or(""));
            line += ",\"kafka_partition\":" + row[3].value_or("null") +
                    ",\"kafka_offset\":" + row[4].value_or("null") + ",\"payload_format\":\"" +
                    format + "\",\"payload\":" + payload + "}\n";
            out << line;
            ++report.written;
        }
        if (rows.size() < static_cast<size_t>(kFetchRows))
            break;
    }
    connection.exec("COMMIT");
    out.flush();
    return report;
}

}  // namespace spillway
