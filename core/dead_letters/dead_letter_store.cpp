#include "core/dead_letters/dead_letter_store.h"

#include <QLoggingCategory>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <limits>
#include <ostream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "core/postgres/batch_writer.h"
#include "core/postgres/bytea_text.h"
#include "core/postgres/copy_text.h"
#include "core/common/json_text.h"
#include "core/postgres/pg_connection.h"

namespace {
Q_LOGGING_CATEGORY(lcDeadLetterStore, "spillway.dlq", QtWarningMsg)
}

namespace spillway {

namespace {

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

bool known_status(const std::string& status) {
    return status == "new" || status == "replayed" || status == "discarded";
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
};

std::string entry_select_list() {
    std::string list;
    for (const char* column : kEntryColumns) {
        std::string expression = column;
        if (expression == "first_seen" || expression == "last_seen" ||
            expression == "status_changed_at")
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
    return entry;
}

std::string entry_label(const DeadLetterEntry& entry) {
    return "#" + std::to_string(entry.id) + " " + clean(entry.topic) + "/" +
           std::to_string(entry.partition) + "@" + std::to_string(entry.offset) + ": ";
}

// ---- export formatting ----

struct EncodedBytes {
    std::string text;
    const char* encoding;  // "utf8" or "base64"
};

EncodedBytes encode_bytes(std::string_view bytes) {
    if (is_valid_utf8(bytes))
        return {std::string(bytes), "utf8"};
    return {base64_encode(bytes), "base64"};
}

void append_json_field(std::string& out, const char* name, bool& first) {
    out += first ? "" : ",";
    first = false;
    append_json_string(out, name);
    out += ':';
}

std::string json_line(const DeadLetterEntry& entry) {
    std::string out = "{";
    bool first = true;
    auto text = [&](const char* name, const std::optional<std::string>& value) {
        append_json_field(out, name, first);
        if (value)
            append_json_string(out, clean(*value));
        else
            out += "null";
    };
    auto number = [&](const char* name, int64_t value) {
        append_json_field(out, name, first);
        out += std::to_string(value);
    };
    auto bytes = [&](const char* name, const char* encoding_name,
                     const std::optional<std::string>& value) {
        if (!value) {
            text(name, std::nullopt);
            text(encoding_name, std::nullopt);
            return;
        }
        const EncodedBytes encoded = encode_bytes(*value);
        text(name, encoded.text);
        text(encoding_name, std::string(encoded.encoding));
    };
    auto time = [&](const char* name, const std::optional<WallTime>& value) {
        text(name, value ? std::optional<std::string>(iso8601(*value)) : std::nullopt);
    };
    number("id", entry.id);
    text("kafka_topic", entry.topic);
    number("kafka_partition", entry.partition);
    number("kafka_offset", entry.offset);
    bytes("kafka_key", "kafka_key_encoding",
          entry.key.empty() ? std::nullopt : std::optional<std::string>(entry.key));
    append_json_field(out, "kafka_headers", first);
    out += entry.headers_json ? *entry.headers_json : "null";  // jsonb text is JSON already
    bytes("payload", "payload_encoding", entry.payload);
    bytes("original_payload", "original_payload_encoding", entry.original_payload);
    text("event_id", entry.event_id);
    text("reason", entry.reason);
    text("message", entry.message);
    text("sqlstate",
         entry.sqlstate.empty() ? std::nullopt : std::optional<std::string>(entry.sqlstate));
    number("attempts", entry.attempts);
    time("first_seen", entry.first_seen);
    time("last_seen", entry.last_seen);
    text("status", entry.status);
    time("status_changed_at", entry.status_changed_at);
    text("status_changed_by", entry.status_changed_by);
    text("status_note", entry.status_note);
    out += "}\n";
    return out;
}

constexpr const char* kCsvHeader =
    "id,kafka_topic,kafka_partition,kafka_offset,kafka_key,kafka_key_encoding,kafka_headers,"
    "payload,payload_encoding,original_payload,original_payload_encoding,event_id,reason,message,"
    "sqlstate,attempts,first_seen,last_seen,status,status_changed_at,status_changed_by,"
    "status_note\r\n";

// RFC 4180: a field holding a comma, quote, CR or LF is quoted, with quotes doubled.
void append_csv_field(std::string& out, std::string_view value, bool first) {
    if (!first)
        out += ',';
    if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += value;
        return;
    }
    out += '"';
    for (char c : value) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

std::string csv_line(const DeadLetterEntry& entry) {
    std::vector<std::string> fields;
    auto bytes = [&](const std::optional<std::string>& value) {
        if (!value) {
            fields.emplace_back();
            fields.emplace_back();
            return;
        }
        EncodedBytes encoded = encode_bytes(*value);
        fields.push_back(clean(encoded.text));
        fields.emplace_back(encoded.encoding);
    };
    auto time = [&](const std::optional<WallTime>& value) {
        fields.push_back(value ? iso8601(*value) : std::string());
    };
    fields.push_back(std::to_string(entry.id));
    fields.push_back(clean(entry.topic));
    fields.push_back(std::to_string(entry.partition));
    fields.push_back(std::to_string(entry.offset));
    bytes(entry.key.empty() ? std::nullopt : std::optional<std::string>(entry.key));
    fields.push_back(entry.headers_json.value_or(std::string()));
    bytes(entry.payload);
    bytes(entry.original_payload);
    fields.push_back(clean(entry.event_id.value_or(std::string())));
    fields.push_back(clean(entry.reason));
    fields.push_back(clean(entry.message));
    fields.push_back(entry.sqlstate);
    fields.push_back(std::to_string(entry.attempts));
    time(entry.first_seen);
    time(entry.last_seen);
    fields.push_back(entry.status);
    time(entry.status_changed_at);
    fields.push_back(clean(entry.status_changed_by.value_or(std::string())));
    fields.push_back(clean(entry.status_note.value_or(std::string())));
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i)
        append_csv_field(out, fields[i], i == 0);
    out += "\r\n";
    return out;
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

}  // namespace

// ---- filter, selection, report ----

std::string DeadLetterFilter::describe() const {
    std::vector<std::string> parts;
    auto list = [](const std::vector<std::string>& values) {
        std::string joined;
        for (const auto& value : values)
            joined += (joined.empty() ? "" : ", ") + clean(value);
        return "(" + joined + ")";
    };
    if (!reasons.empty())
        parts.push_back("reason in " + list(reasons));
    if (topic)
        parts.push_back("topic = " + quoted(*topic));
    if (partition)
        parts.push_back("partition = " + std::to_string(*partition));
    if (from && to)
        parts.push_back("last seen from " + iso8601(*from) + " to before " + iso8601(*to));
    else if (from)
        parts.push_back("last seen from " + iso8601(*from));
    else if (to)
        parts.push_back("last seen before " + iso8601(*to));
    if (!text.empty())
        parts.push_back("text contains " + quoted(text));
    if (!statuses.empty())
        parts.push_back("status in " + list(statuses));
    if (parts.empty())
        return "all entries";
    std::string joined;
    for (const auto& part : parts)
        joined += (joined.empty() ? "" : "; ") + part;
    return joined;
}

DeadLetterSelection::DeadLetterSelection(std::vector<int64_t> ids) : ids_(std::move(ids)) {
    std::sort(ids_.begin(), ids_.end());
    ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
}

DeadLetterSelection::DeadLetterSelection(DeadLetterFilter filter) : filter_(std::move(filter)) {}

std::string DeadLetterSelection::describe() const {
    if (filter_)
        return filter_->describe();
    constexpr size_t kShown = 20;
    std::string text = ids_.size() == 1 ? "id " : "ids ";
    for (size_t i = 0; i < ids_.size() && i < kShown; ++i)
        text += (i ? ", " : "") + std::to_string(ids_[i]);
    if (ids_.size() > kShown)
        text += ", ... (" + std::to_string(ids_.size()) + " ids)";
    if (ids_.empty())
        text = "no ids";
    return text;
}

std::string ReplayReport::summary() const {
    std::string text = dry_run ? "dry run: " : "";
    text += "selected " + std::to_string(selected) + ", processed " + std::to_string(processed) +
            (dry_run ? ": would write " : ": written ") + std::to_string(written) +
            ", duplicates " + std::to_string(duplicates) + ", still bad " +
            std::to_string(still_bad) + ", skipped at attempt limit " +
            std::to_string(skipped_attempt_limit) + ", skipped not new " +
            std::to_string(skipped_not_new);
    if (cancelled)
        text += ", cancelled";
    return text;
}

// ---- the store ----

struct DeadLetterStore::Chunk {
    std::vector<int64_t> ids;
    int64_t cursor = 0;  // the keyset position after this chunk
    bool end = false;
};

struct DeadLetterStore::ReplayRun {
    const ReplayOptions& options;
    ReplayReport& report;
    // Dry run: the event ids that would be inserted earlier in this run.
    std::unordered_set<std::string> would_insert;
    int64_t lines_left_out = 0;

    void line(std::string text) {
        if (report.outcomes.size() < options.max_outcome_lines)
            report.outcomes.push_back(std::move(text));
        else
            ++lines_left_out;
    }
};

DeadLetterStore::DeadLetterStore(SinkOptions sink, DecoderOptions decoder)
    : sink_(std::move(sink)), decoder_(std::move(decoder)) {
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
        connection_ = std::make_unique<PgConnection>(sink_.conninfo);
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

template <typename Body>
auto DeadLetterStore::guarded(const char* operation, Body&& body) -> decltype(body()) {
    const std::string context = std::string("dead-letter store: ") + operation + ": ";
    try {
        return body();
    } catch (const PgError& error) {
        rollback_after_error();
        throw PgError(context + error.what(), error.sqlstate(), error.detail(),
                      error.connection_lost());
    } catch (const std::invalid_argument& error) {
        rollback_after_error();
        throw std::invalid_argument(context + error.what());
    } catch (const std::exception& error) {
        rollback_after_error();
        throw std::runtime_error(context + error.what());
    }
}

void DeadLetterStore::ensure_schema() {
    guarded("ensure schema", [&] { spillway::ensure_schema(connection(), sink_); });
}

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

BatchWriter& DeadLetterStore::writer_for(const std::string& topic) {
    auto found = writers_.find(topic);
    if (found == writers_.end()) {
        SinkOptions options = sink_;
        options.topic = topic;  // the writer stores every row under this topic
        found = writers_.emplace(topic, std::make_unique<BatchWriter>(options, nullptr)).first;
    }
    return *found->second;
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

std::vector<std::string> DeadLetterStore::stored_event_ids(
    const std::vector<std::string>& event_ids) {
    Query query;
    std::string list;
    for (const auto& event_id : event_ids) {
        // An id PostgreSQL text cannot hold is not stored (the write would reject it).
        if (event_id.find('\0') != std::string::npos || !is_valid_utf8(event_id))
            continue;
        list += (list.empty() ? "" : ", ") + query.bind(event_id);
    }
    std::vector<std::string> stored;
    if (list.empty())
        return stored;
    for (const Row& row : connection().query(
             "SELECT event_id FROM " + event_keys_ + " WHERE event_id IN (" + list + ")",
             query.params))
        stored.push_back(text_or_empty(row[0]));
    return stored;
}

void DeadLetterStore::replay_chunk(const std::vector<DeadLetterEntry>& entries, ReplayRun& run) {
    ReplayReport& report = run.report;
    const ReplayOptions& options = run.options;
    struct Candidate {
        const DeadLetterEntry* entry;
        DecodeResult decoded;
    };
    std::vector<Candidate> candidates;
    std::vector<std::string> valid_ids;
    for (const DeadLetterEntry& entry : entries) {
        ++report.processed;
        if (entry.status != "new") {
            ++report.skipped_not_new;
            run.line(entry_label(entry) + "skipped: status is " + entry.status);
            continue;
        }
        if (entry.attempts >= options.max_attempts) {
            ++report.skipped_attempt_limit;
            run.line(entry_label(entry) + "attempt limit reached (" +
                     std::to_string(entry.attempts) + " of " +
                     std::to_string(options.max_attempts) + ")");
            continue;
        }
        Candidate candidate{&entry, decoder_.decode(entry.payload)};
        if (candidate.decoded.ok())
            valid_ids.push_back(candidate.decoded.event_id);
        candidates.push_back(std::move(candidate));
    }
    const std::vector<std::string> stored_list = stored_event_ids(valid_ids);
    const std::unordered_set<std::string> stored(stored_list.begin(), stored_list.end());

    if (options.dry_run) {
        for (const Candidate& candidate : candidates) {
            const std::string label = entry_label(*candidate.entry);
            const std::string& event_id = candidate.decoded.event_id;
            if (!candidate.decoded.ok()) {
                ++report.still_bad;
                run.line(label + "still invalid: " + reject_reason_name(candidate.decoded.reject) +
                         ": " + clean(candidate.decoded.message));
            } else if (stored.count(event_id)) {
                ++report.duplicates;
                run.line(label + "duplicate of stored event_id " + quoted(event_id));
            } else if (!run.would_insert.insert(event_id).second) {
                ++report.duplicates;
                run.line(label + "duplicate of event_id " + quoted(event_id) +
                         " earlier in this replay");
            } else {
                ++report.written;
                run.line(label + "would insert event_id " + quoted(event_id));
            }
        }
        return;
    }

    // The pipeline's own write path, one batch per source topic.
    std::map<std::string, Batch> batches;
    for (const Candidate& candidate : candidates) {
        const DeadLetterEntry& entry = *candidate.entry;
        const int64_t first_seen_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                          entry.first_seen.time_since_epoch())
                                          .count();
        Event event;
        event.payload = entry.payload;
        event.key = entry.key;
        event.headers_json = entry.headers_json.value_or(std::string());
        event.partition = entry.partition;
        event.offset = entry.offset;
        event.received_at = std::chrono::steady_clock::now();
        event.produced_at_ms = first_seen_ms;
        if (candidate.decoded.ok()) {
            event.event_id = candidate.decoded.event_id;
            // Without a time in the payload, when it first arrived is the best we know.
            event.event_time_ms = candidate.decoded.event_time_ms > 0
                                      ? candidate.decoded.event_time_ms
                                      : first_seen_ms;
        } else {
            event.reject = candidate.decoded.reject;
            event.reject_message = candidate.decoded.message;
        }
        Batch& batch = batches[entry.topic];
        batch.bytes += event.footprint();
        batch.events.push_back(std::move(event));
    }
    int64_t inserted = 0;
    for (auto& [topic, batch] : batches) {
        batch.formed_at = std::chrono::steady_clock::now();
        BatchWriter& writer = writer_for(topic);
        const auto give_up_at = std::chrono::steady_clock::now() + options.database_wait;
        BatchResult result;
        if (!writer.write(batch, result,
                          [&] { return std::chrono::steady_clock::now() >= give_up_at; }))
            throw std::runtime_error("the database stayed unavailable for " +
                                     std::to_string(options.database_wait.count()) +
                                     " ms: " + writer.last_error());
        inserted += result.inserted;
    }
    if (candidates.empty())
        return;

    // An entry that was dead-lettered again has one more attempt on its row; the others are
    // stored (new or already there).
    std::vector<int64_t> candidate_ids;
    for (const Candidate& candidate : candidates)
        candidate_ids.push_back(candidate.entry->id);
    struct After {
        int attempts;
        std::string reason;
        std::string message;
    };
    std::unordered_map<int64_t, After> after;
    for (const Row& row : connection().query("SELECT id, attempts, reason, message FROM " +
                                                 dead_letters_ + " WHERE id = ANY($1::bigint[])",
                                             {bigint_array(candidate_ids)}))
        after.emplace(to_int64(row[0]), After{static_cast<int>(to_int64(row[1])),
                                              text_or_empty(row[2]), text_or_empty(row[3])});

    Query update;
    update.bind(clean(options.actor));
    std::string values;
    int64_t replayed = 0;
    std::unordered_set<std::string> inserted_here;
    for (const Candidate& candidate : candidates) {
        const DeadLetterEntry& entry = *candidate.entry;
        const std::string label = entry_label(entry);
        const auto found = after.find(entry.id);
        if (found == after.end()) {
            run.line(label + "the entry disappeared during the replay");
            continue;
        }
        if (found->second.attempts > entry.attempts) {
            ++report.still_bad;
            run.line(label +
                     (candidate.decoded.ok() ? "rejected by the database: " : "still invalid: ") +
                     found->second.reason + ": " + found->second.message);
            continue;
        }
        const std::string& event_id = candidate.decoded.event_id;
        const bool duplicate = stored.count(event_id) || !inserted_here.insert(event_id).second;
        const std::string note =
            duplicate ? "replayed: the event was already stored" : "replayed: inserted";
        run.line(label + (duplicate ? "duplicate of stored event_id " : "inserted event_id ") +
                 quoted(event_id));
        values += (values.empty() ? "(" : ", (") + update.bind(std::to_string(entry.id)) +
                  "::bigint, " + update.bind(note) + "::text, " + update.bind(event_id) + "::text)";
        ++replayed;
    }
    report.written += inserted;
    report.duplicates += replayed - inserted;
    if (values.empty())
        return;
    connection().exec_params(
        "UPDATE " + dead_letters_ +
            " AS dead SET status = 'replayed', status_changed_at = now(),"
            " status_changed_by = $1, status_note = v.note, event_id = v.event_id"
            " FROM (VALUES " +
            values + ") AS v(id, note, event_id) WHERE dead.id = v.id AND dead.status = 'new'",
        update.params);
}

ReplayReport DeadLetterStore::replay(const DeadLetterSelection& selection,
                                     const ReplayOptions& options) {
    return guarded(options.dry_run ? "replay (dry run)" : "replay", [&] {
        ReplayReport report;
        report.dry_run = options.dry_run;
        ReplayRun run{options, report, {}, 0};
        IdRecorder audited;
        const std::string action = options.dry_run ? "replay_dry_run" : "replay";
        const std::optional<std::string> filter =
            selection.by_ids() ? std::nullopt : std::optional<std::string>(selection.describe());
        auto audit = [&](const std::string& outcome) {
            write_audit(options.actor, action, audited.ids, audited.total, filter, outcome,
                        json_number_fields({{"selected", report.selected},
                                            {"processed", report.processed},
                                            {"written", report.written},
                                            {"duplicates", report.duplicates},
                                            {"still_bad", report.still_bad},
                                            {"skipped_attempt_limit", report.skipped_attempt_limit},
                                            {"skipped_not_new", report.skipped_not_new},
                                            {"cancelled", report.cancelled ? 1 : 0}}));
        };
        try {
            report.selected = count_selection(selection);
            int64_t cursor = std::numeric_limits<int64_t>::min();
            for (;;) {
                const Chunk chunk = next_chunk(selection, cursor, options.chunk_size);
                if (chunk.end)
                    break;
                cursor = chunk.cursor;
                if (chunk.ids.empty())
                    continue;
                const std::vector<DeadLetterEntry> entries = fetch_entries(chunk.ids);
                for (const DeadLetterEntry& entry : entries)
                    audited.add(entry.id);
                replay_chunk(entries, run);
                if (options.progress && !options.progress(report.processed, report.selected)) {
                    report.cancelled = report.processed < report.selected;
                    break;
                }
            }
        } catch (const std::exception& error) {
            const std::string outcome =
                std::string("failed: ") + error.what() + "; " + report.summary();
            try {
                rollback_after_error();
                audit(outcome);
            } catch (const std::exception&) {
                // The failure itself is what the caller needs to hear about.
            }
            throw;
        }
        if (run.lines_left_out > 0)
            report.outcomes.push_back("... and " + std::to_string(run.lines_left_out) +
                                      " more entries");
        audit(report.summary());
        qCInfo(lcDeadLetterStore).noquote()
            << QString::fromStdString(clean(options.actor)) << action.c_str() << "of"
            << QString::fromStdString(selection.describe()) << "->"
            << QString::fromStdString(report.summary());
        return report;
    });
}

EditResult DeadLetterStore::edit_payload(int64_t id, const std::string& new_payload,
                                         const std::string& actor) {
    return guarded("edit", [&] {
        PgConnection& db = connection();
        const DecodeResult verdict = decoder_.decode(new_payload);
        const std::string entry = "entry #" + std::to_string(id);
        EditResult result;
        db.exec("BEGIN");
        const auto rows = db.query("SELECT status, length(payload) FROM " + dead_letters_ +
                                       " WHERE id = $1::bigint FOR UPDATE",
                                   {std::to_string(id)});
        if (rows.empty()) {
            result.message = entry + " not found";
        } else if (text_or_empty(rows[0][0]) == "replayed") {
            result.message =
                entry + " was already replayed (its event is stored); the payload stays as it was";
        } else {
            db.exec_params("UPDATE " + dead_letters_ +
                               " SET original_payload = COALESCE(original_payload, payload),"
                               " payload = $2::bytea WHERE id = $1::bigint",
                           {std::to_string(id), hex_bytea(new_payload)});
            result.ok = true;
            result.payload_valid = verdict.ok();
            result.message = "payload of " + entry + " edited (" + text_or_empty(rows[0][1]) +
                             " -> " + std::to_string(new_payload.size()) + " bytes); ";
            if (verdict.ok())
                result.message += "it is now valid (event_id " + quoted(verdict.event_id) +
                                  "): replay it to store it";
            else
                result.message += std::string("it is still invalid: ") +
                                  reject_reason_name(verdict.reject) + ": " + verdict.message;
            result.message = clean(result.message);
        }
        write_audit(actor, "edit", {id}, 1, std::nullopt, result.message,
                    json_number_fields({{"ok", result.ok ? 1 : 0},
                                        {"payload_valid", result.payload_valid ? 1 : 0},
                                        {"new_size", static_cast<int64_t>(new_payload.size())}}));
        db.exec("COMMIT");
        qCInfo(lcDeadLetterStore).noquote()
            << QString::fromStdString(clean(actor)) << QString::fromStdString(result.message);
        return result;
    });
}

DiscardResult DeadLetterStore::discard(const DeadLetterSelection& selection,
                                       const std::string& note, const std::string& actor) {
    return guarded("discard", [&] {
        std::string reason = clean(note);
        const auto first = reason.find_first_not_of(" \t\r\n");
        reason = first == std::string::npos ? std::string() : reason.substr(first);
        while (!reason.empty() &&
               std::string_view(" \t\r\n").find(reason.back()) != std::string_view::npos)
            reason.pop_back();
        if (reason.empty())
            throw std::invalid_argument("a note saying why the entries are discarded is required");
        PgConnection& db = connection();
        DiscardResult result;
        db.exec("BEGIN");
        result.selected = count_selection(selection);
        Query query;
        query.bind(clean(actor));
        query.bind(reason);
        const std::string condition = selection_condition(selection, query);
        IdRecorder discarded;
        for (const Row& row : db.query("UPDATE " + dead_letters_ +
                                           " SET status = 'discarded', status_changed_at = now(),"
                                           " status_changed_by = $1, status_note = $2"
                                           " WHERE status = 'new' AND (" +
                                           condition + ") RETURNING id",
                                       query.params))
            discarded.add(to_int64(row[0]));
        std::sort(discarded.ids.begin(), discarded.ids.end());
        result.discarded = discarded.total;
        result.skipped = result.selected - result.discarded;
        result.message = "discarded " + std::to_string(result.discarded) + " of " +
                         std::to_string(result.selected) + " selected entries";
        if (result.skipped > 0)
            result.message += " (" + std::to_string(result.skipped) +
                              " already replayed or discarded, left as they were)";
        result.message += ": " + reason;
        write_audit(
            actor, "discard", discarded.ids, discarded.total,
            selection.by_ids() ? std::nullopt : std::optional<std::string>(selection.describe()),
            result.message,
            json_number_fields({{"selected", result.selected},
                                {"discarded", result.discarded},
                                {"skipped", result.skipped}}));
        db.exec("COMMIT");
        qCInfo(lcDeadLetterStore).noquote()
            << QString::fromStdString(clean(actor)) << QString::fromStdString(result.message);
        return result;
    });
}

int64_t DeadLetterStore::export_entries(const DeadLetterSelection& selection, ExportFormat format,
                                        std::ostream& out, const std::string& actor) {
    return guarded("export", [&] {
        const char* format_name = format == ExportFormat::Csv ? "CSV" : "JSON Lines";
        IdRecorder exported;
        if (format == ExportFormat::Csv)
            out << kCsvHeader;
        int64_t cursor = std::numeric_limits<int64_t>::min();
        for (;;) {
            const Chunk chunk = next_chunk(selection, cursor, kExportChunk);
            if (chunk.end)
                break;
            cursor = chunk.cursor;
            for (const DeadLetterEntry& entry : fetch_entries(chunk.ids)) {
                out << (format == ExportFormat::Csv ? csv_line(entry) : json_line(entry));
                exported.add(entry.id);
            }
            if (!out)
                throw std::runtime_error("the output stream failed after " +
                                         std::to_string(exported.total) + " entries");
        }
        out.flush();
        if (!out)
            throw std::runtime_error("the output stream failed after " +
                                     std::to_string(exported.total) + " entries");
        write_audit(
            actor, "export", exported.ids, exported.total,
            selection.by_ids() ? std::nullopt : std::optional<std::string>(selection.describe()),
            "exported " + std::to_string(exported.total) + " entries as " + format_name, {});
        return exported.total;
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

std::string export_line(const DeadLetterEntry& entry, ExportFormat format) {
    return format == ExportFormat::Csv ? csv_line(entry) : json_line(entry);
}

}  // namespace spillway
