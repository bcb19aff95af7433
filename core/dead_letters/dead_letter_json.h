#pragma once
// The one JSON encoding of dead letters. The control API serves the values below and a remote
// console's workbench reads them back; the export writes one entry per line with
// dead_letter_entry_to_export_json. Bytes (payload, key, original payload) travel as text when
// bytes_travel_as_text() says so, else as base64, with "<name>_encoding" saying which. In the API
// times are milliseconds since the Unix epoch. Field names are a public interface: add, never
// rename. Pure functions; any thread.
#include <QJsonArray>
#include <QJsonObject>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dead_letters/dead_letter_backend.h"

namespace spillway {

// Valid UTF-8 without NUL: the bytes can travel as JSON or CSV text unchanged.
bool bytes_travel_as_text(std::string_view bytes);

// One entry as an export line (JSON Lines): every column under its table name (kafka_topic,
// kafka_partition, ...), null where the column is null, times as ISO 8601 UTC with microseconds,
// kafka_headers as the JSON array stored, bytes with <name>_encoding "utf8" or "base64". A file
// format: add fields, never rename.
QJsonObject dead_letter_entry_to_export_json(const DeadLetterEntry& entry);

QJsonObject dead_letter_filter_to_json(const DeadLetterFilter& filter);
std::optional<DeadLetterFilter> dead_letter_filter_from_json(const QJsonObject& json,
                                                             std::string* error);

QJsonObject dead_letter_summary_to_json(const DeadLetterSummary& summary);
std::optional<DeadLetterSummary> dead_letter_summary_from_json(const QJsonObject& json,
                                                               std::string* error);

QJsonObject dead_letter_entry_to_json(const DeadLetterEntry& entry);
std::optional<DeadLetterEntry> dead_letter_entry_from_json(const QJsonObject& json,
                                                           std::string* error);

QJsonArray reason_counts_to_json(const std::vector<ReasonCount>& counts);
std::optional<std::vector<ReasonCount>> reason_counts_from_json(const QJsonArray& json,
                                                                std::string* error);

QJsonObject edit_result_to_json(const EditResult& result);
std::optional<EditResult> edit_result_from_json(const QJsonObject& json, std::string* error);

QJsonObject replay_report_to_json(const ReplayReport& report);
std::optional<ReplayReport> replay_report_from_json(const QJsonObject& json, std::string* error);

QJsonObject discard_result_to_json(const DiscardResult& result);
std::optional<DiscardResult> discard_result_from_json(const QJsonObject& json, std::string* error);

QJsonObject audit_row_to_json(const DeadLetterAuditRow& row);
std::optional<DeadLetterAuditRow> audit_row_from_json(const QJsonObject& json, std::string* error);

}  // namespace spillway
