#include "core/pipeline/writer_pool.h"

#include <algorithm>

#include "core/common/logging.h"
#include "core/pipeline/metrics.h"
#include "core/pipeline/offset_tracker.h"
#include "core/postgres/batch_writer.h"

namespace spillway {

WriterPool::WriterPool(SinkOptions sink, const KnobStore& knobs, OffsetTracker& offsets,
                       Metrics& metrics, DictionaryKeeper* dictionaries)
    : sink_(std::move(sink)),
      knobs_(knobs),
      offsets_(offsets),
      metrics_(metrics),
      dictionaries_(dictionaries) {}

WriterPool::~WriterPool() {
    stop(true);
}

void WriterPool::start() {
    std::lock_guard lock(mutex_);
    stopping_ = false;
    abandon_ = false;
    adjust_locked(knobs_.current()->writer_concurrency);
}

void WriterPool::reap_finished_locked() {
    for (auto it = workers_.begin(); it != workers_.end();) {
        if ((*it)->finished) {
            (*it)->thread.join();
            it = workers_.erase(it);
        } else {
            ++it;
        }
    }
}

// Called with the lock held whenever the pool is touched, so a knob change takes effect on the
// next batch hand-off.
void WriterPool::adjust_locked(int desired) {
    reap_finished_locked();
    desired_ = desired;
    int active = 0;
    for (auto& worker : workers_) {
        if (!worker->retire)
            ++active;
    }
    for (auto it = workers_.rbegin(); it != workers_.rend() && active > desired; ++it) {
        if (!(*it)->retire) {
            (*it)->retire = true;
            --active;
        }
    }
    if (active < desired && !stopping_) {
        for (; active < desired; ++active) {
            auto worker = std::make_unique<Worker>();
            Worker* raw = worker.get();
            worker->thread = std::thread([this, raw] { run(raw); });
            workers_.push_back(std::move(worker));
        }
    }
    work_cv_.notify_all();  // retiring writers wake up and leave
}

size_t WriterPool::free_slots() const {
    std::lock_guard lock(mutex_);
    const int desired = knobs_.current()->writer_concurrency;
    const int capacity = desired * 2;  // one batch being written and one waiting, per writer
    const int used = static_cast<int>(pending_.size()) + busy_;
    return stopping_ || used >= capacity ? 0 : static_cast<size_t>(capacity - used);
}

size_t WriterPool::idle_writers() const {
    std::lock_guard lock(mutex_);
    if (stopping_)
        return 0;
    int active = 0;
    for (const auto& worker : workers_) {
        if (!worker->retire && !worker->finished)
            ++active;
    }
    const int idle = active - busy_ - static_cast<int>(pending_.size());
    return idle > 0 ? static_cast<size_t>(idle) : 0;
}

void WriterPool::submit(Batch&& batch) {
    {
        std::lock_guard lock(mutex_);
        const int desired = knobs_.current()->writer_concurrency;
        if (desired != desired_ || workers_.size() != static_cast<size_t>(desired))
            adjust_locked(desired);
        pending_.push_back(std::move(batch));
    }
    work_cv_.notify_one();
}

void WriterPool::run(Worker* worker) {
    metrics_.writers_running.fetch_add(1);
    BatchWriter writer(sink_, &metrics_, dictionaries_);
    writer.report_health_to(health_);
    const auto should_stop = [this] { return abandon_.load(); };
    std::unique_lock lock(mutex_);
    while (true) {
        work_cv_.wait(lock, [&] { return worker->retire || !pending_.empty() || stopping_; });
        if (worker->retire || (stopping_ && pending_.empty()))
            break;
        if (pending_.empty())
            continue;
        Batch batch = std::move(pending_.front());
        pending_.pop_front();
        ++busy_;
        InFlight flight;
        const std::vector<std::string_view> ids = take_ids_locked(batch, flight);
        lock.unlock();

        metrics_.writers_busy.fetch_add(1);
        const auto started = std::chrono::steady_clock::now();
        BatchResult result;
        const bool durable = batch.events.empty() || writer.write(batch, result, should_stop);
        const auto finished = std::chrono::steady_clock::now();
        metrics_.writers_busy.fetch_sub(1);
        settle_followers(flight, ids, durable, result, batch);

        if (durable && batch.events.empty()) {
            // Every event followed another batch: nothing of its own was written.
        } else if (durable) {
            const int64_t committed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count();
            std::vector<PartitionOffset> done;
            done.reserve(batch.events.size());
            for (const Event& event : batch.events) {
                done.push_back({event.partition, event.offset});
                metrics_.end_to_end_latency.record_us(
                    std::chrono::duration_cast<std::chrono::microseconds>(finished -
                                                                          event.received_at)
                        .count());
                // A producer clock ahead of ours would give a negative figure: count it as 0.
                if (event.produced_at_ms > 0)
                    metrics_.kafka_to_commit_latency.record_us(
                        std::max<int64_t>(0, committed_ms - event.produced_at_ms) * 1000);
            }
            offsets_.mark_done(done);
            metrics_.last_durable_ns.store(finished.time_since_epoch().count());
            metrics_.batch_write_latency.record_us(
                std::chrono::duration_cast<std::chrono::microseconds>(finished - started).count());
            metrics_.written.fetch_add(result.inserted);
            metrics_.written_bytes.fetch_add(result.payload_bytes);
            metrics_.events_to_default_partition.fetch_add(result.to_default_partition);
            metrics_.payload_raw_bytes.fetch_add(result.stored_raw_bytes);
            metrics_.payload_stored_bytes.fetch_add(result.stored_bytes);
            metrics_.dedup_saved_bytes.fetch_add(result.dedup_saved_bytes);
            metrics_.duplicates.fetch_add(result.duplicates);
            metrics_.dead_lettered.fetch_add(result.dead_lettered);
            metrics_.rejected_by_reason[static_cast<size_t>(RejectReason::DatabaseReject)]
                .fetch_add(result.database_rejects);
            metrics_.batch_splits.fetch_add(result.splits);
            metrics_.batches.fetch_add(1);
        } else {
            qCWarning(lcWriter) << "abandoned batch" << batch.sequence << "of"
                                << batch.events.size()
                                << "events at shutdown; their offsets stay uncommitted";
        }

        lock.lock();
        --busy_;
        last_error_ = writer.last_error();  // empty again once a batch succeeds
        if (pending_.empty() && busy_ == 0)
            idle_cv_.notify_all();
        if (on_free_) {
            // After busy_ dropped, so the woken scheduler counts this writer as idle.
            lock.unlock();
            on_free_();
            lock.lock();
        }
    }
    worker->finished = true;
    metrics_.writers_running.fetch_sub(1);
    idle_cv_.notify_all();
}

// Splits `batch`: an event whose id another batch being written holds becomes a follower of that
// batch and leaves this one; the ids of the rest are registered as this batch's. Returns them.
std::vector<std::string_view> WriterPool::take_ids_locked(Batch& batch, InFlight& flight) {
    std::vector<std::string_view> ids;
    ids.reserve(batch.events.size());
    size_t kept = 0;
    for (size_t i = 0; i < batch.events.size(); ++i) {
        Event& event = batch.events[i];
        if (!event.rejected()) {
            const auto holder = in_flight_ids_.find(event.event_id);
            if (holder != in_flight_ids_.end()) {
                holder->second->followers.push_back(std::move(event));
                continue;
            }
        }
        if (kept != i)
            batch.events[kept] = std::move(event);
        ++kept;
    }
    batch.events.resize(kept);
    // Registered only now: moving the kept events above would have moved the ids' bytes.
    for (const Event& event : batch.events) {
        if (!event.rejected() && in_flight_ids_.emplace(event.event_id, &flight).second)
            ids.push_back(event.event_id);
    }
    return ids;
}

// After the batch's write: its ids are no longer in flight. Durable with every valid row stored
// (or already there), each follower's id is stored too: a duplicate, done. When the database
// rejected some rows, a follower may share an id with a rejected row, so they are written as a
// batch of their own instead. Abandoned (stopping), the followers' offsets stay uncommitted too.
void WriterPool::settle_followers(InFlight& flight, const std::vector<std::string_view>& ids,
                                  bool durable, const BatchResult& result, const Batch& batch) {
    std::vector<Event> followers;
    {
        std::lock_guard lock(mutex_);
        for (const std::string_view id : ids)
            in_flight_ids_.erase(id);
        followers.swap(flight.followers);
        if (durable && result.database_rejects > 0 && !followers.empty()) {
            Batch again;
            again.sequence = batch.sequence;
            again.formed_at = std::chrono::steady_clock::now();
            for (const Event& event : followers)
                again.bytes += event.payload.size();
            again.events = std::move(followers);
            pending_.push_front(std::move(again));
            work_cv_.notify_one();
            return;
        }
    }
    if (!durable || followers.empty())
        return;
    const int64_t committed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
    std::vector<PartitionOffset> done;
    done.reserve(followers.size());
    int64_t bytes = 0;
    for (const Event& event : followers) {
        done.push_back({event.partition, event.offset});
        bytes += static_cast<int64_t>(event.payload.size());
        if (event.produced_at_ms > 0)
            metrics_.kafka_to_commit_latency.record_us(
                std::max<int64_t>(0, committed_ms - event.produced_at_ms) * 1000);
    }
    offsets_.mark_done(done);
    metrics_.duplicates.fetch_add(static_cast<int64_t>(followers.size()));
    metrics_.written_bytes.fetch_add(bytes);
    metrics_.dedup_saved_bytes.fetch_add(bytes);
}

bool WriterPool::wait_idle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return idle_cv_.wait_for(lock, timeout, [&] { return pending_.empty() && busy_ == 0; });
}

void WriterPool::stop(bool abandon) {
    std::vector<std::unique_ptr<Worker>> workers;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        abandon_ = abandon;
        if (abandon)
            pending_.clear();
        workers.swap(workers_);
    }
    work_cv_.notify_all();
    for (auto& worker : workers) {
        if (worker->thread.joinable())
            worker->thread.join();
    }
}

size_t WriterPool::pending() const {
    std::lock_guard lock(mutex_);
    return pending_.size();
}

int WriterPool::busy() const {
    std::lock_guard lock(mutex_);
    return busy_;
}

std::string WriterPool::last_error() const {
    std::lock_guard lock(mutex_);
    return last_error_;
}

}  // namespace spillway
