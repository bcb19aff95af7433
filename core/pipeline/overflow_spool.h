#pragma once
// The dead-letter overflow policy's side channel (DOMAIN.md, write-up 5): when the queue is at its
// high watermark, the source hands events here instead of blocking; a separate thread writes them
// to the dead-letter table as "overflow", and only then are their offsets done. The spool itself
// is bounded: when it is full too, the source falls back to pausing its partitions, so memory
// stays bounded whatever the input rate.
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "core/pipeline/bounded_queue.h"
#include "core/postgres/sink_schema.h"

namespace spillway {

struct Metrics;
class OffsetTracker;
class SinkHealth;

class OverflowSpool {
public:
    OverflowSpool(SinkOptions sink, OffsetTracker& offsets, Metrics& metrics,
                  size_t capacity_events = 100000, size_t capacity_bytes = 64u << 20);
    ~OverflowSpool();

    // Its writer reports there whether the database takes writes. Set before start().
    void report_health_to(SinkHealth* health) { health_ = health; }
    void start();
    // Never blocks: false when the spool is full (the event is left untouched).
    bool try_put(Event&& event);
    // Writes what is held (abandon = false) or drops it uncommitted (abandon = true), then ends.
    void stop(bool abandon);
    // Writes what is held until `deadline`, then drops the rest uncommitted (it is read again):
    // a drain's timeout holds even while the database is down. True when everything was written.
    bool stop_by(std::chrono::steady_clock::time_point deadline);

    double fill() const { return spool_.fill(); }
    size_t size() const { return spool_.size(); }

private:
    void run();

    SinkOptions sink_;
    OffsetTracker& offsets_;
    Metrics& metrics_;
    SinkHealth* health_ = nullptr;
    BoundedQueue spool_;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> abandon_{false};
    std::atomic<bool> finished_{false};  // run() returned
};

}  // namespace spillway
