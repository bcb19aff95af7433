#pragma once
// The knob changes the console shows (chart markers, the tuning panel's history), read from the
// engine when a snapshot's knob_version moves. Without an EngineControl (a console driven by
// snapshots alone) changes are inferred from consecutive snapshots, with no origin.
#include <QObject>
#include <memory>
#include <optional>
#include <vector>

#include "core/pipeline/knobs.h"
#include "core/pipeline/metrics.h"

namespace spillway {

class EngineControl;
class SnapshotFeed;

class KnobHistoryFeed : public QObject {
    Q_OBJECT
public:
    KnobHistoryFeed(SnapshotFeed* feed, EngineControl* control, QObject* parent = nullptr);

    const std::vector<KnobChange>& changes() const { return changes_; }
    // Reads the engine's history now instead of waiting for the next version change.
    void reload();

signals:
    // changes()[first] onwards are new.
    void appended(int first);
    // The history started over (a new engine): everything in changes() replaces what was there.
    void reset();

private:
    void on_snapshot(const Snapshot& snapshot);
    void take(std::vector<KnobChange> history);

    EngineControl* control_;
    std::vector<KnobChange> changes_;
    std::optional<uint64_t> seen_version_;
    std::optional<Knobs> seen_knobs_;
};

}  // namespace spillway
