#include "core/pipeline/bounded_queue.h"

#include <algorithm>

namespace spillway {

BoundedQueue::BoundedQueue(size_t capacity_events, size_t capacity_bytes)
    : capacity_events_(std::max<size_t>(1, capacity_events)),
      capacity_bytes_(std::max<size_t>(1, capacity_bytes)) {}

bool BoundedQueue::fits_locked(size_t footprint) const {
    if (events_.empty())
        return true;
    return events_.size() < capacity_events_ && bytes_ + footprint <= capacity_bytes_;
}

bool BoundedQueue::try_push(Event&& event) {
    const size_t footprint = event.footprint();
    std::unique_lock lock(mutex_);
    if (closed_ || !fits_locked(footprint))
        return false;
    bytes_ += footprint;
    events_.push_back(std::move(event));
    const bool notify = waiting_for_ != 0 && events_.size() >= waiting_for_;
    lock.unlock();
    if (notify)
        data_cv_.notify_one();
    return true;
}

bool BoundedQueue::push(Event&& event, std::chrono::milliseconds timeout) {
    const size_t footprint = event.footprint();
    std::unique_lock lock(mutex_);
    if (!room_cv_.wait_for(lock, timeout, [&] { return closed_ || fits_locked(footprint); }))
        return false;
    if (closed_)
        return false;
    bytes_ += footprint;
    events_.push_back(std::move(event));
    const bool notify = waiting_for_ != 0 && events_.size() >= waiting_for_;
    lock.unlock();
    if (notify)
        data_cv_.notify_one();
    return true;
}

std::vector<Event> BoundedQueue::pop_batch(size_t max_events, size_t max_bytes,
                                           size_t* batch_bytes) {
    std::vector<Event> batch;
    size_t taken_bytes = 0;
    {
        std::lock_guard lock(mutex_);
        const size_t limit = std::min(max_events, events_.size());
        batch.reserve(limit);
        while (batch.size() < limit) {
            const size_t footprint = events_.front().footprint();
            if (!batch.empty() && taken_bytes + footprint > max_bytes)
                break;
            taken_bytes += footprint;
            batch.push_back(std::move(events_.front()));
            events_.pop_front();
        }
        bytes_ -= taken_bytes;
    }
    if (!batch.empty())
        room_cv_.notify_all();
    if (batch_bytes)
        *batch_bytes = taken_bytes;
    return batch;
}

void BoundedQueue::wait_for_events(size_t min_events, SteadyTime deadline) {
    std::unique_lock lock(mutex_);
    waiting_for_ = std::max<size_t>(1, min_events);
    data_cv_.wait_until(lock, deadline,
                        [&] { return closed_ || woken_ || events_.size() >= waiting_for_; });
    waiting_for_ = 0;
    woken_ = false;
}

void BoundedQueue::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    data_cv_.notify_all();
}

void BoundedQueue::close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    room_cv_.notify_all();
    data_cv_.notify_all();
}

bool BoundedQueue::closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

void BoundedQueue::set_capacity(size_t capacity_events, size_t capacity_bytes) {
    {
        std::lock_guard lock(mutex_);
        capacity_events_ = std::max<size_t>(1, capacity_events);
        capacity_bytes_ = std::max<size_t>(1, capacity_bytes);
    }
    room_cv_.notify_all();
}

size_t BoundedQueue::size() const {
    std::lock_guard lock(mutex_);
    return events_.size();
}

size_t BoundedQueue::bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
}

size_t BoundedQueue::capacity_events() const {
    std::lock_guard lock(mutex_);
    return capacity_events_;
}

size_t BoundedQueue::capacity_bytes() const {
    std::lock_guard lock(mutex_);
    return capacity_bytes_;
}

double BoundedQueue::fill_locked() const {
    return std::max(double(events_.size()) / double(capacity_events_),
                    double(bytes_) / double(capacity_bytes_));
}

double BoundedQueue::fill() const {
    std::lock_guard lock(mutex_);
    return fill_locked();
}

std::optional<SteadyTime> BoundedQueue::oldest_received() const {
    std::lock_guard lock(mutex_);
    if (events_.empty())
        return std::nullopt;
    return events_.front().received_at;
}

}  // namespace spillway
