#pragma once
// Knows, per partition, which consumed offsets are durable (written or dead-lettered) and which
// are still in flight. The commit point of a partition is its lowest in-flight offset, or one past
// the last consumed offset when nothing is in flight: never past an unwritten event, whatever
// order the writers finish in. Offsets need not be contiguous (compaction, transaction markers).
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <span>
#include <vector>

namespace spillway {

struct PartitionOffset {
    int32_t partition;
    int64_t offset;
    bool operator==(const PartitionOffset&) const = default;
};

class OffsetTracker {
public:
    // Called by the source, in consumption order per partition, before the event is queued.
    void register_consumed(int32_t partition, int64_t offset, int64_t timestamp_ms = 0);
    // Called after the database commit that made these offsets durable. Unknown offsets (of a
    // revoked partition) are ignored.
    void mark_done(std::span<const PartitionOffset> done);
    void mark_done(int32_t partition, int64_t offset);

    // Commit points that moved since the last call to take_commit_points (or all of them when
    // `all` is set). The caller commits them to Kafka.
    std::vector<PartitionOffset> take_commit_points(bool all = false);
    // The commit of a point handed out failed (an asynchronous commit's outcome arrives later):
    // the next take_commit_points hands it out again, even if the partition stays idle.
    void commit_failed(int32_t partition, int64_t offset);
    // The current commit point of one partition (-1 if the partition was never seen).
    int64_t commit_point(int32_t partition) const;
    // Kafka timestamp of the oldest event of the partition not yet durable (0 if none).
    int64_t oldest_pending_timestamp(int32_t partition) const;

    void forget(int32_t partition);  // partition revoked: drop its state
    size_t in_flight() const;        // offsets registered and not yet done, all partitions
    size_t in_flight(int32_t partition) const;

private:
    struct Pending {
        int64_t offset;
        int64_t timestamp_ms;
        bool done;
    };
    struct PartitionState {
        std::deque<Pending> pending;   // ascending offsets
        int64_t next_after_last = -1;  // last consumed + 1
        int64_t last_reported = -1;    // commit point handed out last time
        size_t open = 0;               // pending entries not yet done
    };
    static int64_t commit_point_locked(const PartitionState& state);
    void mark_done_locked(int32_t partition, int64_t offset);

    mutable std::mutex mutex_;
    std::map<int32_t, PartitionState> partitions_;
};

}  // namespace spillway
