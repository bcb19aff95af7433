#pragma once
// The pipeline's only buffer between the source and the writers. Bounded in events AND bytes;
// capacity and watermarks can change at runtime. Producers may block (with a timeout) or try;
// the scheduler takes batches without ever blocking on a producer.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "core/pipeline/event.h"

namespace spillway {

class BoundedQueue {
public:
    BoundedQueue(size_t capacity_events, size_t capacity_bytes);

    // Non-blocking: false when the event does not fit (or the queue is closed). An event larger
    // than the whole byte capacity is admitted only into an empty queue, so it cannot wedge.
    bool try_push(Event&& event);
    // Blocks until there is room, the timeout passes (false) or the queue is closed (false).
    bool push(Event&& event, std::chrono::milliseconds timeout);

    // Takes up to max_events / max_bytes from the front (at least one event if any is queued).
    std::vector<Event> pop_batch(size_t max_events, size_t max_bytes,
                                 size_t* batch_bytes = nullptr);

    // Waits until at least min_events are queued, the deadline passes, or wake()/close().
    void wait_for_events(size_t min_events, SteadyTime deadline);
    void wake();   // interrupts wait_for_events (knob change, drain)
    void close();  // wakes every waiter; later pushes fail
    bool closed() const;

    void set_capacity(size_t capacity_events, size_t capacity_bytes);

    size_t size() const;
    size_t bytes() const;
    size_t capacity_events() const;
    size_t capacity_bytes() const;
    // The larger of the event fill and the byte fill, 0..1 (can exceed 1 briefly for one oversized
    // event).
    double fill() const;
    std::optional<SteadyTime> oldest_received() const;

private:
    bool fits_locked(size_t footprint) const;
    double fill_locked() const;

    mutable std::mutex mutex_;
    std::condition_variable room_cv_;  // producers wait here
    std::condition_variable data_cv_;  // the scheduler waits here
    std::deque<Event> events_;
    size_t bytes_ = 0;
    size_t capacity_events_;
    size_t capacity_bytes_;
    size_t waiting_for_ = 0;  // min_events the scheduler waits for; 0 = nobody waits
    bool woken_ = false;
    bool closed_ = false;
};

}  // namespace spillway
