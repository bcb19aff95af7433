#pragma once
// Forms batches from the bounded queue on its own thread: a batch leaves as soon as a writer is
// idle (whatever is queued, up to batch_size events and batch_bytes), when batch_size events (or
// batch_bytes) are queued, or when the oldest queued event has waited flush_interval, whichever
// comes first. At low load batches are small and leave at once; under load the writers are busy
// and batches fill up; the flush interval is only an upper bound. It reads the knobs at the start
// of every cycle and never waits on the database: when the sink has no free slot the events simply
// stay in the queue.
#include <atomic>
#include <cstdint>
#include <thread>

#include "core/pipeline/batch_sink.h"
#include "core/pipeline/bounded_queue.h"
#include "core/pipeline/knobs.h"

namespace spillway {

class BatchScheduler {
public:
    BatchScheduler(BoundedQueue& queue, BatchSink& sink, const KnobStore& knobs);
    ~BatchScheduler();

    void start();
    // Flush everything queued without waiting for the interval (shutdown drain).
    void set_draining(bool draining);
    void stop();  // returns after the thread ended

    uint64_t batches_formed() const { return batches_formed_.load(); }
    uint64_t size_triggered() const { return size_triggered_.load(); }
    uint64_t interval_triggered() const { return interval_triggered_.load(); }
    uint64_t idle_triggered() const { return idle_triggered_.load(); }

private:
    void run();

    BoundedQueue& queue_;
    BatchSink& sink_;
    const KnobStore& knobs_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> draining_{false};
    std::atomic<uint64_t> batches_formed_{0};
    std::atomic<uint64_t> size_triggered_{0};
    std::atomic<uint64_t> interval_triggered_{0};
    std::atomic<uint64_t> idle_triggered_{0};
};

}  // namespace spillway
