#include "core/dead_letters/dead_letter_json.h"

#include <QJsonDocument>
#include <algorithm>

#include "core/common/json_fields.h"
#include "core/common/json_text.h"
#include "core/dead_letters/dead_letter_sql.h"
#include "core/pipeline/snapshot_json.h"

namespace spillway {

namespace {

using json::Fields;
using json::Reader;
using json::write_all;

// `text_label` names the text encoding: "text" in the API, "utf8" in the export (both public).
void put_bytes(QJsonObject& json, const char* name, const std::string& bytes,
               const char* text_label = "text") {
    const bool text = bytes_travel_as_text(bytes);
    json.insert(QLatin1String(name), text ? QString::fromStdString(bytes)
                                          : QString::fromStdString(base64_encode(bytes)));
    json.insert(QLatin1String(name) + QLatin1String("_encoding"),
                text ? QLatin1String(text_label) : QLatin1String("base64"));
}

bool get_bytes(const QJsonObject& json, const char* name, std::string& out, Reader& reader) {
    std::string value, encoding = "text";
    reader.text(name, value);
    reader.text((std::string(name) + "_encoding").c_str(), encoding);
    if (!reader.ok() || !json.contains(QLatin1String(name)))
        return false;
    if (encoding == "base64") {
        const auto decoded = QByteArray::fromBase64Encoding(
            QByteArray::fromStdString(value), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded) {
            reader.fail(name, "not valid base64");
            return false;
        }
        out = decoded.decoded.toStdString();
    } else if (encoding == "text") {
        out = value;
    } else {
        reader.fail(std::string(name) + "_encoding", "\"" + encoding + "\" is not text or base64");
        return false;
    }
    return true;
}

void put_time(QJsonObject& json, const char* name, WallTime at) {
    json.insert(QLatin1String(name), to_epoch_ms(at));
}
void get_time(Reader& reader, const char* name, WallTime& out) {
    qint64 ms = to_epoch_ms(out);
    reader.integer(name, ms);
    out = from_epoch_ms(ms);
}

QJsonArray strings_to_json(const std::vector<std::string>& values) {
    QJsonArray array;
    for (const auto& value : values)
        array.append(QString::fromStdString(value));
    return array;
}
bool strings_from_json(Reader& reader, const char* name, std::vector<std::string>& out) {
    QJsonArray array;
    if (!reader.container(name, array))
        return reader.ok();
    for (const auto& value : array) {
        if (!value.isString()) {
            reader.fail(name, "expected an array of strings");
            return false;
        }
        out.push_back(value.toString().toStdString());
    }
    return true;
}
QJsonArray ids_to_json(const std::vector<int64_t>& ids) {
    QJsonArray array;
    for (auto id : ids)
        array.append(qint64(id));
    return array;
}
bool ids_from_json(Reader& reader, const char* name, std::vector<int64_t>& out) {
    QJsonArray array;
    if (!reader.container(name, array))
        return reader.ok();
    for (const auto& value : array) {
        if (!value.isDouble() || value.toDouble() != double(value.toInteger())) {
            reader.fail(name, "expected an array of whole numbers");
            return false;
        }
        out.push_back(value.toInteger());
    }
    return true;
}

template <typename T>
std::optional<T> finish(Reader& reader, T value) {
    if (!reader.ok())
        return std::nullopt;
    return value;
}

// DeadLetterSummary and DeadLetterEntry share these members (same names, same meaning).
template <typename Row>
const Fields<Row, std::string>& shared_texts() {
    static const Fields<Row, std::string> fields = {
        {"topic", &Row::topic},       {"reason", &Row::reason}, {"message", &Row::message},
        {"sqlstate", &Row::sqlstate}, {"status", &Row::status},
    };
    return fields;
}

template <typename Row>
QJsonObject shared_to_json(const Row& row) {
    QJsonObject json{{"id", qint64(row.id)},
                     {"partition", row.partition},
                     {"offset", qint64(row.offset)},
                     {"attempts", row.attempts}};
    write_all(shared_texts<Row>(), row, json);
    put_bytes(json, "key", row.key);
    put_time(json, "first_seen_ms", row.first_seen);
    put_time(json, "last_seen_ms", row.last_seen);
    return json;
}

template <typename Row>
void shared_from_json(const QJsonObject& json, Reader& reader, Row& row) {
    reader.integer("id", row.id);
    reader.integer("partition", row.partition);
    reader.integer("offset", row.offset);
    reader.integer("attempts", row.attempts);
    reader.all(shared_texts<Row>(), row);
    get_bytes(json, "key", row.key, reader);
    get_time(reader, "first_seen_ms", row.first_seen);
    get_time(reader, "last_seen_ms", row.last_seen);
}

const Fields<ReplayReport, int64_t> kReplayCounts = {
    {"selected", &ReplayReport::selected},
    {"processed", &ReplayReport::processed},
    {"written", &ReplayReport::written},
    {"duplicates", &ReplayReport::duplicates},
    {"still_bad", &ReplayReport::still_bad},
    {"skipped_attempt_limit", &ReplayReport::skipped_attempt_limit},
    {"skipped_not_new", &ReplayReport::skipped_not_new},
};
const Fields<DiscardResult, int64_t> kDiscardCounts = {
    {"selected", &DiscardResult::selected},
    {"discarded", &DiscardResult::discarded},
    {"skipped", &DiscardResult::skipped},
};

}  // namespace

bool bytes_travel_as_text(std::string_view bytes) {
    return is_valid_utf8(bytes) && bytes.find('\0') == std::string_view::npos;
}

QJsonObject dead_letter_entry_to_export_json(const DeadLetterEntry& entry) {
    using dead_letter_sql::clean;
    using dead_letter_sql::iso8601;
    QJsonObject json{{"id", qint64(entry.id)},
                     {"kafka_topic", QString::fromStdString(clean(entry.topic))},
                     {"kafka_partition", entry.partition},
                     {"kafka_offset", qint64(entry.offset)},
                     {"attempts", entry.attempts},
                     {"reason", QString::fromStdString(clean(entry.reason))},
                     {"message", QString::fromStdString(clean(entry.message))},
                     {"status", QString::fromStdString(clean(entry.status))}};
    auto optional_text = [&](const char* name, const std::optional<std::string>& value) {
        json.insert(QLatin1String(name),
                    value ? QJsonValue(QString::fromStdString(clean(*value))) : QJsonValue());
    };
    auto optional_bytes = [&](const char* name, const std::optional<std::string>& value) {
        if (value) {
            put_bytes(json, name, *value, "utf8");
        } else {
            json.insert(QLatin1String(name), QJsonValue());
            json.insert(QLatin1String(name) + QLatin1String("_encoding"), QJsonValue());
        }
    };
    auto time = [&](const char* name, const std::optional<WallTime>& value) {
        optional_text(name, value ? std::optional<std::string>(iso8601(*value)) : std::nullopt);
    };
    optional_bytes("kafka_key",
                   entry.key.empty() ? std::nullopt : std::optional<std::string>(entry.key));
    optional_bytes("payload", entry.payload);
    optional_bytes("original_payload", entry.original_payload);
    // jsonb text is JSON already: it goes in as the structure it holds.
    QJsonValue headers;
    if (entry.headers_json) {
        const QJsonDocument document =
            QJsonDocument::fromJson(QByteArray::fromStdString(*entry.headers_json));
        headers = document.isArray() ? QJsonValue(document.array())
                  : document.isObject()
                      ? QJsonValue(document.object())
                      : QJsonValue(QString::fromStdString(clean(*entry.headers_json)));
    }
    json.insert("kafka_headers", headers);
    optional_text("event_id", entry.event_id);
    optional_text("sqlstate", entry.sqlstate.empty() ? std::nullopt
                                                     : std::optional<std::string>(entry.sqlstate));
    time("first_seen", entry.first_seen);
    time("last_seen", entry.last_seen);
    time("status_changed_at", entry.status_changed_at);
    optional_text("status_changed_by", entry.status_changed_by);
    optional_text("status_note", entry.status_note);
    return json;
}

QJsonObject dead_letter_filter_to_json(const DeadLetterFilter& filter) {
    QJsonObject json;
    if (!filter.reasons.empty())
        json.insert("reasons", strings_to_json(filter.reasons));
    if (!filter.statuses.empty())
        json.insert("statuses", strings_to_json(filter.statuses));
    if (filter.topic)
        json.insert("topic", QString::fromStdString(*filter.topic));
    if (filter.partition)
        json.insert("partition", *filter.partition);
    if (filter.from)
        put_time(json, "from_ms", *filter.from);
    if (filter.to)
        put_time(json, "to_ms", *filter.to);
    if (!filter.text.empty())
        json.insert("text", QString::fromStdString(filter.text));
    return json;
}

std::optional<DeadLetterFilter> dead_letter_filter_from_json(const QJsonObject& json,
                                                             std::string* error) {
    static const char* const kKnown[] = {"reasons", "statuses", "topic", "partition",
                                         "from_ms", "to_ms",    "text"};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (std::none_of(std::begin(kKnown), std::end(kKnown),
                         [&](const char* name) { return it.key() == QLatin1String(name); })) {
            if (error)
                *error = it.key().toStdString() + ": not a filter member";
            return std::nullopt;
        }
    }
    DeadLetterFilter filter;
    Reader reader(json, error);
    strings_from_json(reader, "reasons", filter.reasons);
    strings_from_json(reader, "statuses", filter.statuses);
    if (json.contains("topic")) {
        std::string topic;
        reader.text("topic", topic);
        filter.topic = topic;
    }
    if (json.contains("partition")) {
        int partition = 0;
        reader.integer("partition", partition, 0);
        filter.partition = partition;
    }
    for (auto [name, member] : {std::pair{"from_ms", &DeadLetterFilter::from},
                                std::pair{"to_ms", &DeadLetterFilter::to}}) {
        if (json.contains(QLatin1String(name))) {
            WallTime at{};
            get_time(reader, name, at);
            filter.*member = at;
        }
    }
    reader.text("text", filter.text);
    return finish(reader, filter);
}

QJsonObject dead_letter_summary_to_json(const DeadLetterSummary& s) {
    QJsonObject json = shared_to_json(s);
    json.insert("payload_size", qint64(s.payload_size));
    put_bytes(json, "payload_preview", s.payload_preview);
    return json;
}

std::optional<DeadLetterSummary> dead_letter_summary_from_json(const QJsonObject& json,
                                                               std::string* error) {
    DeadLetterSummary s;
    Reader reader(json, error);
    shared_from_json(json, reader, s);
    reader.integer("payload_size", s.payload_size);
    get_bytes(json, "payload_preview", s.payload_preview, reader);
    return finish(reader, s);
}

QJsonObject dead_letter_entry_to_json(const DeadLetterEntry& e) {
    QJsonObject json = shared_to_json(e);
    json.insert("edited", e.edited());
    put_bytes(json, "payload", e.payload);
    if (e.original_payload)
        put_bytes(json, "original_payload", *e.original_payload);
    if (e.headers_json)
        json.insert("headers_json", QString::fromStdString(*e.headers_json));
    if (e.event_id)
        json.insert("event_id", QString::fromStdString(*e.event_id));
    if (e.status_changed_at)
        put_time(json, "status_changed_at_ms", *e.status_changed_at);
    if (e.status_changed_by)
        json.insert("status_changed_by", QString::fromStdString(*e.status_changed_by));
    if (e.status_note)
        json.insert("status_note", QString::fromStdString(*e.status_note));
    return json;
}

std::optional<DeadLetterEntry> dead_letter_entry_from_json(const QJsonObject& json,
                                                           std::string* error) {
    DeadLetterEntry e;
    Reader reader(json, error);
    shared_from_json(json, reader, e);
    get_bytes(json, "payload", e.payload, reader);
    std::string original;
    if (get_bytes(json, "original_payload", original, reader))
        e.original_payload = original;
    const std::pair<const char*, std::optional<std::string> DeadLetterEntry::*> optional_texts[] = {
        {"headers_json", &DeadLetterEntry::headers_json},
        {"event_id", &DeadLetterEntry::event_id},
        {"status_changed_by", &DeadLetterEntry::status_changed_by},
        {"status_note", &DeadLetterEntry::status_note}};
    for (const auto& [name, member] : optional_texts) {
        if (json.contains(QLatin1String(name))) {
            std::string value;
            reader.text(name, value);
            e.*member = value;
        }
    }
    if (json.contains("status_changed_at_ms")) {
        WallTime at{};
        get_time(reader, "status_changed_at_ms", at);
        e.status_changed_at = at;
    }
    return finish(reader, e);
}

QJsonArray reason_counts_to_json(const std::vector<ReasonCount>& counts) {
    QJsonArray array;
    for (const auto& count : counts)
        array.append(QJsonObject{{"reason", QString::fromStdString(count.reason)},
                                 {"count", qint64(count.count)}});
    return array;
}

std::optional<std::vector<ReasonCount>> reason_counts_from_json(const QJsonArray& json,
                                                                std::string* error) {
    std::vector<ReasonCount> counts;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const QJsonObject item = json.at(i).toObject();
        Reader reader(item, error, "[" + std::to_string(i) + "].");
        ReasonCount count;
        reader.text("reason", count.reason);
        reader.integer("count", count.count);
        if (!reader.ok())
            return std::nullopt;
        counts.push_back(count);
    }
    return counts;
}

QJsonObject edit_result_to_json(const EditResult& r) {
    return QJsonObject{{"ok", r.ok},
                       {"payload_valid", r.payload_valid},
                       {"message", QString::fromStdString(r.message)}};
}

std::optional<EditResult> edit_result_from_json(const QJsonObject& json, std::string* error) {
    EditResult r;
    Reader reader(json, error);
    reader.flag("ok", r.ok);
    reader.flag("payload_valid", r.payload_valid);
    reader.text("message", r.message);
    return finish(reader, r);
}

QJsonObject replay_report_to_json(const ReplayReport& r) {
    QJsonObject json{{"dry_run", r.dry_run},
                     {"cancelled", r.cancelled},
                     {"outcomes", strings_to_json(r.outcomes)},
                     {"summary", QString::fromStdString(r.summary())}};
    write_all(kReplayCounts, r, json);
    return json;
}

std::optional<ReplayReport> replay_report_from_json(const QJsonObject& json, std::string* error) {
    ReplayReport r;
    Reader reader(json, error);
    reader.flag("dry_run", r.dry_run);
    reader.flag("cancelled", r.cancelled);
    reader.all(kReplayCounts, r);
    strings_from_json(reader, "outcomes", r.outcomes);
    return finish(reader, r);
}

QJsonObject discard_result_to_json(const DiscardResult& r) {
    QJsonObject json{{"message", QString::fromStdString(r.message)}};
    write_all(kDiscardCounts, r, json);
    return json;
}

std::optional<DiscardResult> discard_result_from_json(const QJsonObject& json, std::string* error) {
    DiscardResult r;
    Reader reader(json, error);
    reader.all(kDiscardCounts, r);
    reader.text("message", r.message);
    return finish(reader, r);
}

QJsonObject audit_row_to_json(const DeadLetterAuditRow& row) {
    QJsonObject json{{"id", qint64(row.id)},
                     {"actor", QString::fromStdString(row.actor)},
                     {"action", QString::fromStdString(row.action)},
                     {"entry_count", qint64(row.entry_count)},
                     {"entry_ids", ids_to_json(row.entry_ids)},
                     {"outcome", QString::fromStdString(row.outcome)}};
    put_time(json, "at_ms", row.at);
    if (row.filter)
        json.insert("filter", QString::fromStdString(*row.filter));
    return json;
}

std::optional<DeadLetterAuditRow> audit_row_from_json(const QJsonObject& json, std::string* error) {
    DeadLetterAuditRow row;
    Reader reader(json, error);
    reader.integer("id", row.id);
    reader.text("actor", row.actor);
    reader.text("action", row.action);
    reader.integer("entry_count", row.entry_count);
    ids_from_json(reader, "entry_ids", row.entry_ids);
    reader.text("outcome", row.outcome);
    get_time(reader, "at_ms", row.at);
    if (json.contains("filter")) {
        std::string filter;
        reader.text("filter", filter);
        row.filter = filter;
    }
    return finish(reader, row);
}

}  // namespace spillway
