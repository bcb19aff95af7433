#include "core/pipeline/offset_tracker.h"

#include <algorithm>

namespace spillway {

void OffsetTracker::register_consumed(int32_t partition, int64_t offset, int64_t timestamp_ms) {
    std::lock_guard lock(mutex_);
    auto& state = partitions_[partition];
    state.pending.push_back({offset, timestamp_ms, false});
    state.next_after_last = offset + 1;
    ++state.open;
}

void OffsetTracker::mark_done_locked(int32_t partition, int64_t offset) {
    auto it = partitions_.find(partition);
    if (it == partitions_.end())
        return;
    auto& state = it->second;
    auto& pending = state.pending;
    auto pos = std::lower_bound(pending.begin(), pending.end(), offset,
                                [](const Pending& p, int64_t o) { return p.offset < o; });
    if (pos == pending.end() || pos->offset != offset || pos->done)
        return;
    pos->done = true;
    --state.open;
    while (!pending.empty() && pending.front().done)
        pending.pop_front();
}

void OffsetTracker::mark_done(std::span<const PartitionOffset> done) {
    std::lock_guard lock(mutex_);
    for (const auto& item : done)
        mark_done_locked(item.partition, item.offset);
}

void OffsetTracker::mark_done(int32_t partition, int64_t offset) {
    std::lock_guard lock(mutex_);
    mark_done_locked(partition, offset);
}

int64_t OffsetTracker::commit_point_locked(const PartitionState& state) {
    if (!state.pending.empty())
        return state.pending.front().offset;
    return state.next_after_last;
}

std::vector<PartitionOffset> OffsetTracker::take_commit_points(bool all) {
    std::vector<PartitionOffset> points;
    std::lock_guard lock(mutex_);
    for (auto& [partition, state] : partitions_) {
        const int64_t point = commit_point_locked(state);
        if (point < 0)
            continue;
        if (all || point != state.last_reported) {
            points.push_back({partition, point});
            state.last_reported = point;
        }
    }
    return points;
}

void OffsetTracker::commit_failed(int32_t partition, int64_t offset) {
    std::lock_guard lock(mutex_);
    auto it = partitions_.find(partition);
    if (it != partitions_.end() && it->second.last_reported == offset)
        it->second.last_reported = -1;
}

int64_t OffsetTracker::commit_point(int32_t partition) const {
    std::lock_guard lock(mutex_);
    auto it = partitions_.find(partition);
    return it == partitions_.end() ? -1 : commit_point_locked(it->second);
}

int64_t OffsetTracker::oldest_pending_timestamp(int32_t partition) const {
    std::lock_guard lock(mutex_);
    auto it = partitions_.find(partition);
    if (it == partitions_.end() || it->second.pending.empty())
        return 0;
    return it->second.pending.front().timestamp_ms;
}

void OffsetTracker::forget(int32_t partition) {
    std::lock_guard lock(mutex_);
    partitions_.erase(partition);
}

size_t OffsetTracker::in_flight() const {
    std::lock_guard lock(mutex_);
    size_t total = 0;
    for (const auto& [partition, state] : partitions_)
        total += state.open;
    return total;
}

size_t OffsetTracker::in_flight(int32_t partition) const {
    std::lock_guard lock(mutex_);
    auto it = partitions_.find(partition);
    return it == partitions_.end() ? 0 : it->second.open;
}

}  // namespace spillway
