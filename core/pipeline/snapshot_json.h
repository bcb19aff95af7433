#pragma once
// The engine's figures as JSON, both ways: the control API serves a Snapshot, the knobs and the
// knob history this way, and a remote console turns them back into the same values it would get
// from an embedded engine. Field names are a public interface (API clients read them): add, never
// rename. Times travel as milliseconds since the Unix epoch (UTC), so a round trip is exact.
#include <QJsonArray>
#include <QJsonObject>
#include <optional>
#include <string>
#include <vector>

#include "core/pipeline/knobs.h"
#include "core/pipeline/metrics.h"

namespace spillway {

QJsonObject knobs_to_json(const Knobs& knobs);
// Starts from `base` and overwrites the members present in `json` (a partial update is allowed).
// Unknown members, wrong types and refused values are errors: `error` names the member and why,
// and nothing is returned. The result is also checked with validate(Knobs).
std::optional<Knobs> knobs_from_json(const QJsonObject& json, const Knobs& base,
                                     std::string* error);

QJsonObject knob_change_to_json(const KnobChange& change);
std::optional<KnobChange> knob_change_from_json(const QJsonObject& json, std::string* error);
QJsonArray knob_history_to_json(const std::vector<KnobChange>& history);
std::optional<std::vector<KnobChange>> knob_history_from_json(const QJsonArray& json,
                                                              std::string* error);

QJsonObject partition_lag_to_json(const PartitionLag& lag);
QJsonObject snapshot_to_json(const Snapshot& snapshot);
// GET /api/v1/partitions: the offset timeline of every assigned partition, and the totals
// (exposure, pending, lag, lost to retention) over them.
QJsonObject partitions_to_json(const Snapshot& snapshot);
// Members missing from `json` keep Snapshot's defaults (an older server may send fewer); a member
// of the wrong type is an error naming it.
std::optional<Snapshot> snapshot_from_json(const QJsonObject& json, std::string* error);

// Milliseconds since the Unix epoch, the form every time takes in the API.
qint64 to_epoch_ms(std::chrono::system_clock::time_point at);
std::chrono::system_clock::time_point from_epoch_ms(qint64 ms);

}  // namespace spillway
