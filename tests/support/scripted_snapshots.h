#pragma once
// Hand-made snapshots for the console's GUI tests: a provider that hands out a fresh snapshot per
// call, each `step` later than the one before, like an engine publishing on its own clock.
#include <chrono>
#include <functional>
#include <memory>

#include "core/pipeline/metrics.h"
#include "ui/session/snapshot_feed.h"

namespace spillway::test {

class ScriptedSnapshots {
public:
    explicit ScriptedSnapshots(Snapshot base,
                               std::chrono::milliseconds step = std::chrono::milliseconds(100))
        : base_(std::move(base)), step_(step), start_(std::chrono::system_clock::now()) {}

    // Varies the figures by call number.
    std::function<void(Snapshot&, int)> shape;

    SnapshotProvider provider() {
        return [this]() -> std::shared_ptr<const Snapshot> {
            auto next = std::make_shared<Snapshot>(base_);
            next->taken_at = start_ + step_ * calls_;
            if (shape)
                shape(*next, calls_);
            ++calls_;
            return next;
        };
    }
    int calls() const { return calls_; }
    std::chrono::system_clock::time_point start() const { return start_; }

private:
    Snapshot base_;
    std::chrono::milliseconds step_;
    std::chrono::system_clock::time_point start_;
    int calls_ = 0;
};

// A running engine's figures, every field the dashboard shows set to something distinct.
inline Snapshot running_snapshot() {
    Snapshot s;
    s.state = "running";
    s.uptime_s = 754;
    s.consumed = 9876543;
    s.written = 9712001;
    s.consumed_per_s = 12345;
    s.written_per_s = 12001;
    s.dead_lettered_per_s = 17;
    s.queue_events = 45678;
    s.queue_bytes = 13u << 20;
    s.queue_capacity_events = 200000;
    s.queue_capacity_bytes = 256u << 20;
    s.writers_busy = 3;
    s.writers_running = 4;
    s.total_lag_messages = 56789;
    s.max_lag_seconds = 2.5;
    s.batch_p50_ms = 14.2;
    s.batch_p95_ms = 31.5;
    s.batch_p99_ms = 42.7;
    s.e2e_p50_ms = 180;
    s.e2e_p95_ms = 390;
    s.e2e_p99_ms = 512.3;
    s.knobs.high_watermark = 0.75;
    s.knobs.low_watermark = 0.4;
    s.partitions = {
        {0, 100, 90, 130, 40, 1.5}, {1, 200, 200, 201, 1, 0.1}, {2, 50, 10, 60, 50, 2.5}};
    return s;
}

inline double seconds_of(std::chrono::system_clock::time_point at) {
    return std::chrono::duration<double>(at.time_since_epoch()).count();
}

}  // namespace spillway::test
