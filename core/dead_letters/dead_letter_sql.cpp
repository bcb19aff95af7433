// SQL pieces and row decoding shared by the DeadLetterStore files (see dead_letter_sql.h).
#include "core/dead_letters/dead_letter_sql.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "core/common/json_text.h"
#include "core/postgres/bytea_text.h"
#include "core/postgres/copy_text.h"

namespace spillway::dead_letter_sql {

Q_LOGGING_CATEGORY(lcDeadLetterStore, "spillway.dlq", QtWarningMsg)

namespace {

// The way encode(bytes, 'escape') shows bytes: NUL and bytes with the high bit set as \ooo,
// a backslash doubled, everything else as it is. Searching the escaped payload for the escaped
// search text finds the text wherever its bytes occur.
std::string escape_form(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte == 0 || byte >= 0x80) {
            char octal[8];
            std::snprintf(octal, sizeof octal, "\\%03o", static_cast<unsigned>(byte));
            out += octal;
        } else if (c == '\\') {
            out += "\\\\";
        } else {
            out += c;
        }
    }
    return out;
}

// A LIKE pattern matching `text` anywhere, literally: with ESCAPE '!', the wildcards % and _
// and the escape character itself are escaped. (A backslash is then an ordinary character.)
std::string contains_pattern(std::string_view text) {
    std::string out = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '!')
            out += '!';
        out += c;
    }
    out += '%';
    return out;
}

bool known_status(const std::string& status) {
    return status == "new" || status == "replayed" || status == "discarded";
}

const char* const kEntryColumns[] = {
    "id",
    "kafka_topic",
    "kafka_partition",
    "kafka_offset",
    "encode(kafka_key, 'hex')",
    "kafka_headers::text",
    "encode(payload, 'hex')",
    "encode(original_payload, 'hex')",
    "event_id",
    "reason",
    "message",
    "sqlstate",
    "attempts",
    "first_seen",
    "last_seen",
    "status",
    "status_changed_at",
    "status_changed_by",
    "status_note",
    "kafka_timestamp",
};

}  // namespace

// Text a person typed may be invalid UTF-8 or hold NUL; PostgreSQL text can hold neither.
std::string clean(std::string_view text) {
    return sanitize_utf8(text);
}

std::optional<std::string> from_hex_or_null(const std::optional<std::string>& hex) {
    if (!hex)
        return std::nullopt;
    return from_hex(*hex);
}

int64_t to_int64(const std::optional<std::string>& value) {
    return value ? std::stoll(*value) : 0;
}

std::string text_or_empty(const std::optional<std::string>& value) {
    return value.value_or(std::string());
}

int64_t to_micros(WallTime time) {
    return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

WallTime from_micros(int64_t micros) {
    return WallTime(
        std::chrono::duration_cast<WallTime::duration>(std::chrono::microseconds(micros)));
}

std::optional<WallTime> optional_time(const std::optional<std::string>& micros) {
    if (!micros)
        return std::nullopt;
    return from_micros(std::stoll(*micros));
}

// SQL for a timestamptz column as integer microseconds since the epoch (exact: extract returns
// numeric since PostgreSQL 14).
std::string micros_of(const std::string& column) {
    return "(extract(epoch FROM " + column + ") * 1000000)::bigint";
}

std::string timestamp_param(Query& query, WallTime time) {
    return "(timestamptz 'epoch' + " + query.bind(std::to_string(to_micros(time))) +
           "::bigint * interval '1 microsecond')";
}

std::string iso8601(WallTime time) {
    const int64_t micros = to_micros(time);
    int64_t seconds = micros / 1'000'000;
    int64_t fraction = micros % 1'000'000;
    if (fraction < 0) {
        fraction += 1'000'000;
        --seconds;
    }
    const auto clock = static_cast<std::time_t>(seconds);
    std::tm parts{};
    gmtime_r(&clock, &parts);
    char text[48];
    const size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
    std::snprintf(text + length, sizeof text - length, ".%06lldZ",
                  static_cast<long long>(fraction));
    return text;
}

std::string bigint_array(const std::vector<int64_t>& ids) {
    std::string out = "{";
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i)
            out += ',';
        out += std::to_string(ids[i]);
    }
    out += '}';
    return out;
}

std::vector<int64_t> parse_bigint_array(const std::optional<std::string>& text) {
    std::vector<int64_t> ids;
    if (!text)
        return ids;
    std::string number;
    for (char c : *text) {
        if ((c >= '0' && c <= '9') || c == '-') {
            number += c;
        } else if (!number.empty()) {
            ids.push_back(std::stoll(number));
            number.clear();
        }
    }
    if (!number.empty())
        ids.push_back(std::stoll(number));
    return ids;
}

std::string quoted(std::string_view text) {
    return "\"" + clean(text) + "\"";
}

// The WHERE condition for a filter; every value is a bound parameter.
std::string filter_condition(const DeadLetterFilter& filter, Query& query) {
    std::vector<std::string> conditions;
    auto in_list = [&](const char* column, const std::vector<std::string>& values) {
        std::string list;
        for (const auto& value : values)
            list += (list.empty() ? "" : ", ") + query.bind(clean(value));
        conditions.push_back(std::string(column) + " IN (" + list + ")");
    };
    if (!filter.reasons.empty())
        in_list("reason", filter.reasons);
    if (filter.topic)
        conditions.push_back("kafka_topic = " + query.bind(clean(*filter.topic)));
    if (filter.partition)
        conditions.push_back("kafka_partition = " + query.bind(std::to_string(*filter.partition)) +
                             "::integer");
    if (filter.from)
        conditions.push_back("last_seen >= " + timestamp_param(query, *filter.from));
    if (filter.to)
        conditions.push_back("last_seen < " + timestamp_param(query, *filter.to));
    if (!filter.text.empty()) {
        const std::string in_payload = query.bind(contains_pattern(escape_form(filter.text)));
        const std::string in_message = query.bind(contains_pattern(clean(filter.text)));
        conditions.push_back("(encode(payload, 'escape') ILIKE " + in_payload +
                             " ESCAPE '!' OR message ILIKE " + in_message + " ESCAPE '!')");
    }
    if (!filter.statuses.empty()) {
        for (const auto& status : filter.statuses) {
            if (!known_status(status))
                throw std::invalid_argument("unknown status " + quoted(status) +
                                            ": use new, replayed or discarded");
        }
        in_list("status", filter.statuses);
    }
    if (filter.events_table)
        conditions.push_back("events_table = " + query.bind(clean(*filter.events_table)));
    if (filter.attempts_below)
        conditions.push_back("attempts < " + query.bind(std::to_string(*filter.attempts_below)) +
                             "::integer");
    if (conditions.empty())
        return "TRUE";
    std::string joined;
    for (const auto& condition : conditions)
        joined += (joined.empty() ? "" : " AND ") + condition;
    return joined;
}

std::string selection_condition(const DeadLetterSelection& selection, Query& query) {
    if (!selection.by_ids())
        return filter_condition(*selection.filter(), query);
    if (selection.ids().empty())
        return "FALSE";
    return "id = ANY(" + query.bind(bigint_array(selection.ids())) + "::bigint[])";
}

std::string entry_select_list() {
    std::string list;
    for (const char* column : kEntryColumns) {
        std::string expression = column;
        if (expression == "first_seen" || expression == "last_seen" ||
            expression == "status_changed_at" || expression == "kafka_timestamp")
            expression = micros_of(expression);
        list += (list.empty() ? "" : ", ") + expression;
    }
    return list;
}

DeadLetterEntry entry_from_row(const Row& row) {
    DeadLetterEntry entry;
    entry.id = to_int64(row[0]);
    entry.topic = text_or_empty(row[1]);
    entry.partition = static_cast<int32_t>(to_int64(row[2]));
    entry.offset = to_int64(row[3]);
    entry.key = from_hex(text_or_empty(row[4]));
    entry.headers_json = row[5];
    entry.payload = from_hex(text_or_empty(row[6]));
    entry.original_payload = from_hex_or_null(row[7]);
    entry.event_id = row[8];
    entry.reason = text_or_empty(row[9]);
    entry.message = text_or_empty(row[10]);
    entry.sqlstate = text_or_empty(row[11]);
    entry.attempts = static_cast<int>(to_int64(row[12]));
    entry.first_seen = from_micros(to_int64(row[13]));
    entry.last_seen = from_micros(to_int64(row[14]));
    entry.status = text_or_empty(row[15]);
    entry.status_changed_at = optional_time(row[16]);
    entry.status_changed_by = row[17];
    entry.status_note = row[18];
    entry.kafka_timestamp = optional_time(row[19]);
    return entry;
}

std::string entry_label(const DeadLetterEntry& entry) {
    return "#" + std::to_string(entry.id) + " " + clean(entry.topic) + "/" +
           std::to_string(entry.partition) + "@" + std::to_string(entry.offset) + ": ";
}

std::string json_number_fields(std::initializer_list<std::pair<const char*, int64_t>> numbers) {
    std::string out;
    for (const auto& [name, value] : numbers) {
        out += ',';
        append_json_string(out, name);
        out += ':' + std::to_string(value);
    }
    return out;
}

}  // namespace spillway::dead_letter_sql
