#include "core/pipeline/metrics.h"

namespace spillway {

bool caught_up(const Snapshot& snapshot, const std::vector<int64_t>& end_offsets) {
    if (snapshot.partitions.size() != end_offsets.size())
        return false;
    for (const auto& lag : snapshot.partitions) {
        const auto index = static_cast<size_t>(lag.partition);
        if (index >= end_offsets.size())
            return false;
        if (end_offsets[index] != 0 && lag.committed < end_offsets[index])
            return false;
    }
    return true;
}

}  // namespace spillway
