// libFuzzer target for the dead-letter round trips: an entry built from the input is written as
// the API's JSON (dead_letter_entry_to_json) and read back, and written as an export line (JSON
// Lines and CSV) and read back with an independent reader. What must hold: the JSON entry comes
// back equal; the JSON line is one JSON object on one line whose numbers and bytes (utf8 or
// base64) give back the entry's; the CSV record has exactly the header's 22 fields and gives back
// the same numbers and bytes. Single-threaded.
#include <fuzzer/FuzzedDataProvider.h>

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdint>
#include <string>
#include <vector>

#include "core/dead_letters/dead_letter_json.h"
#include "core/dead_letters/dead_letter_store.h"

using namespace spillway;

namespace {

[[noreturn]] void fail(const char* what) {
    fprintf(stderr, "round trip broken: %s\n", what);
    __builtin_trap();
}

// RFC 4180 reader for one record ending in CRLF; false when it is not one well-formed record.
bool read_csv_record(const std::string& line, std::vector<std::string>& fields) {
    fields.assign(1, std::string());
    size_t i = 0;
    bool quoted = false, field_start = true;
    while (i < line.size()) {
        const char c = line[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < line.size() && line[i + 1] == '"') {
                    fields.back() += '"';
                    i += 2;
                    continue;
                }
                quoted = false;
            } else {
                fields.back() += c;
            }
            ++i;
            continue;
        }
        if (c == '"' && field_start) {
            quoted = true;
            field_start = false;
        } else if (c == ',') {
            fields.emplace_back();
            field_start = true;
        } else if (c == '\r') {
            return i + 2 == line.size() && line[i + 1] == '\n';
        } else if (c == '"' || c == '\n') {
            return false;
        } else {
            fields.back() += c;
            field_start = false;
        }
        ++i;
    }
    return false;
}

std::string decode(const std::string& text, const std::string& encoding) {
    if (encoding == "base64") {
        const QByteArray bytes = QByteArray::fromBase64(QByteArray::fromStdString(text));
        return bytes.toStdString();
    }
    return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    DeadLetterEntry entry;
    entry.id = in.ConsumeIntegralInRange<int64_t>(1, INT64_MAX);
    entry.partition = in.ConsumeIntegralInRange<int32_t>(0, 1'000'000);
    entry.offset = in.ConsumeIntegralInRange<int64_t>(0, INT64_MAX);
    entry.attempts = in.ConsumeIntegralInRange<int>(0, 1000);
    entry.first_seen = entry.last_seen = WallTime{};
    entry.topic = in.ConsumeRandomLengthString(64);
    entry.key = in.ConsumeRandomLengthString(64);
    entry.reason = in.ConsumeRandomLengthString(32);
    entry.message = in.ConsumeRandomLengthString(128);
    entry.status = in.PickValueInArray({"new", "replayed", "discarded", "overflow"});
    if (in.ConsumeBool())
        entry.original_payload = in.ConsumeRandomLengthString(256);
    entry.payload = in.ConsumeRemainingBytesAsString();

    // The API's JSON (read by the remote console).
    std::string error;
    const auto back = dead_letter_entry_from_json(dead_letter_entry_to_json(entry), &error);
    if (!back)
        fail(("API JSON does not read back: " + error).c_str());
    if (back->id != entry.id || back->partition != entry.partition ||
        back->offset != entry.offset || back->payload != entry.payload ||
        back->original_payload != entry.original_payload || back->key != entry.key)
        fail("API JSON changes the entry");

    // The export's JSON line.
    const std::string json_line = export_line(entry, ExportFormat::JsonLines);
    if (json_line.empty() || json_line.back() != '\n' ||
        json_line.find('\n') != json_line.size() - 1)
        fail("a JSON line is not one line");
    QJsonParseError parse_error{};
    const QJsonObject object =
        QJsonDocument::fromJson(QByteArray::fromStdString(json_line), &parse_error).object();
    if (parse_error.error != QJsonParseError::NoError)
        fail("a JSON line does not parse");
    if (object.value("id").toInteger() != entry.id ||
        object.value("kafka_offset").toInteger() != entry.offset ||
        object.value("kafka_partition").toInteger() != entry.partition)
        fail("a JSON line changes the numbers");
    if (decode(object.value("payload").toString().toStdString(),
               object.value("payload_encoding").toString().toStdString()) != entry.payload)
        fail("a JSON line changes the payload");

    // The export's CSV record.
    std::vector<std::string> fields;
    if (!read_csv_record(export_line(entry, ExportFormat::Csv), fields))
        fail("a CSV record is malformed");
    if (fields.size() != 22)
        fail("a CSV record has the wrong number of fields");
    if (fields[0] != std::to_string(entry.id) || fields[3] != std::to_string(entry.offset))
        fail("a CSV record changes the numbers");
    if (decode(fields[7], fields[8]) != entry.payload)
        fail("a CSV record changes the payload");
    return 0;
}
