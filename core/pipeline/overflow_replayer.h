#pragma once
// Brings overflow dead letters home: when the queue has room again (below its low watermark),
// replays entries with reason "overflow" and status "new" through the dead-letter store (the
// same validation, dedup and write path as any replay), and stops as soon as the queue climbs
// back to its high watermark. It waits while the sink cannot take writes (SinkHealth). Runs on its
// own thread with its own connections; start and stop from one controlling thread.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/kafka/event_decoder.h"
#include "core/postgres/sink_schema.h"

namespace spillway {

class BoundedQueue;
class KnobStore;
class SinkHealth;
struct Metrics;

class OverflowReplayer {
public:
    OverflowReplayer(SinkOptions sink, DecoderOptions decoder, const BoundedQueue& queue,
                     const KnobStore& knobs, Metrics& metrics, const SinkHealth& sink_health);
    ~OverflowReplayer();

    void start();
    void stop();

private:
    void run();

    SinkOptions sink_;
    DecoderOptions decoder_;
    const BoundedQueue& queue_;
    const KnobStore& knobs_;
    Metrics& metrics_;
    const SinkHealth& sink_health_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::mutex wait_mutex_;
    std::condition_variable wait_cv_;
};

}  // namespace spillway
