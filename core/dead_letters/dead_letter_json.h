#pragma once
// The dead-letter store's values as JSON, both ways: the control API serves them, a remote
// console's workbench reads them back. Bytes (payload, key, original payload) travel as text when
// they are valid UTF-8 without NUL, else as base64 with "<name>_encoding": "base64". Times are
// milliseconds since the Unix epoch. Field names are a public interface: add, never rename.
#include <QJsonArray>
#include <QJsonObject>
#include <optional>
#include <string>
#include <vector>

#include "core/dead_letters/dead_letter_backend.h"

namespace spillway {

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
