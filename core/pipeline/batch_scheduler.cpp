#include "core/pipeline/batch_scheduler.h"

#include <algorithm>
#include <cstdint>

namespace spillway {

namespace {
// Upper bound on one wait, so a knob change or a freed writer slot is seen promptly even when no
// event arrives.
constexpr auto kMaxWait = std::chrono::milliseconds(5);
}  // namespace

BatchScheduler::BatchScheduler(BoundedQueue& queue, BatchSink& sink, const KnobStore& knobs)
    : queue_(queue), sink_(sink), knobs_(knobs) {}

BatchScheduler::~BatchScheduler() {
    stop();
}

void BatchScheduler::start() {
    stop_ = false;
    thread_ = std::thread([this] { run(); });
}

void BatchScheduler::set_draining(bool draining) {
    draining_ = draining;
    queue_.wake();
}

void BatchScheduler::stop() {
    stop_ = true;
    queue_.wake();
    if (thread_.joinable())
        thread_.join();
}

void BatchScheduler::run() {
    uint64_t sequence = 0;
    while (!stop_) {
        const auto knobs = knobs_.current();
        const auto batch_size = static_cast<size_t>(knobs->batch_size);
        const auto interval = std::chrono::milliseconds(knobs->flush_interval_ms);
        const auto now = std::chrono::steady_clock::now();

        const size_t queued = queue_.size();
        const auto oldest = queue_.oldest_received();
        const bool size_ready = queued >= batch_size || queue_.bytes() >= knobs->batch_bytes;
        const bool interval_ready = oldest && now - *oldest >= interval;
        const bool drain_ready = draining_ && queued > 0;
        const size_t idle_writers = knobs->dispatch_when_idle ? sink_.idle_writers() : 0;
        const bool idle_ready = queued > 0 && idle_writers > 0;

        if ((size_ready || interval_ready || drain_ready || idle_ready) && sink_.free_slots() > 0) {
            Batch batch;
            batch.sequence = ++sequence;
            batch.formed_at = now;
            batch.events = queue_.pop_batch(batch_size, knobs->batch_bytes, &batch.bytes);
            if (!batch.events.empty()) {
                (size_ready       ? size_triggered_
                 : interval_ready ? interval_triggered_
                 : idle_ready     ? idle_triggered_
                                  : interval_triggered_)
                    .fetch_add(1);
                batches_formed_.fetch_add(1);
                sink_.submit(std::move(batch));
            }
            continue;  // maybe another full batch is ready
        }

        if (sink_.free_slots() == 0) {
            // Every writer is busy and the hand-off is full: the events wait in the queue (which
            // pauses the source at its high watermark). Look again shortly.
            queue_.wait_for_events(SIZE_MAX, now + std::chrono::milliseconds(1));
            continue;
        }
        // Sleep until the next batch could be due: batch_size events arrive (one, when a writer
        // is idle), or the oldest event's interval runs out.
        auto deadline = now + kMaxWait;
        if (oldest)
            deadline = std::min(deadline, *oldest + interval);
        queue_.wait_for_events(idle_writers > 0 ? 1 : batch_size, deadline);
    }
}

}  // namespace spillway
