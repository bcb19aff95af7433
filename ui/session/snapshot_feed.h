#pragma once
// The GUI's only window onto the engine: on a fixed tick it asks a provider for the latest
// immutable Snapshot and hands it to every page that listens. Pages never see the engine, and a
// test can drive the whole console with hand-made snapshots.
#include <QObject>
#include <QTimer>
#include <chrono>
#include <functional>
#include <memory>

#include "core/pipeline/metrics.h"

namespace spillway {

// Returns the latest snapshot, or null while there is nothing to show (no engine yet).
using SnapshotProvider = std::function<std::shared_ptr<const Snapshot>()>;

class SnapshotFeed : public QObject {
    Q_OBJECT
public:
    // The tick starts at once; 100 ms matches the engine's publishing interval and caps redraws
    // at 10 per second however fast events arrive.
    explicit SnapshotFeed(SnapshotProvider provider,
                          std::chrono::milliseconds interval = std::chrono::milliseconds(100),
                          QObject* parent = nullptr);

    std::shared_ptr<const Snapshot> latest() const { return latest_; }

    // Polls now instead of waiting for the next tick.
    void poll();

signals:
    // Emitted once per new snapshot (the same published snapshot is never delivered twice).
    void updated(const std::shared_ptr<const Snapshot>& snapshot);

private:
    SnapshotProvider provider_;
    QTimer timer_;
    std::shared_ptr<const Snapshot> latest_;
};

}  // namespace spillway
