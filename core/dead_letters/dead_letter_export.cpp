// DeadLetterStore::export_entries: every column of the selected entries as JSON Lines (encoded by
// dead_letter_json) or CSV (RFC 4180), in chunks so memory stays bounded, with one audit row. One
// thread at a time.
#include <limits>
#include <ostream>
#include <stdexcept>

#include <QJsonDocument>

#include "core/common/json_text.h"
#include "core/dead_letters/dead_letter_json.h"
#include "core/dead_letters/dead_letter_sql.h"
#include "core/dead_letters/dead_letter_store.h"

namespace spillway {

using namespace dead_letter_sql;

namespace {

struct EncodedBytes {
    std::string text;
    const char* encoding;  // "utf8" or "base64"
};

// The same rule as the JSON export (dead_letter_json.h), so both files agree on every entry.
EncodedBytes encode_bytes(std::string_view bytes) {
    if (bytes_travel_as_text(bytes))
        return {std::string(bytes), "utf8"};
    return {base64_encode(bytes), "base64"};
}

std::string json_line(const DeadLetterEntry& entry) {
    return QJsonDocument(dead_letter_entry_to_export_json(entry))
               .toJson(QJsonDocument::Compact)
               .toStdString() +
           "\n";
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

}  // namespace

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

std::string export_line(const DeadLetterEntry& entry, ExportFormat format) {
    return format == ExportFormat::Csv ? csv_line(entry) : json_line(entry);
}

}  // namespace spillway
