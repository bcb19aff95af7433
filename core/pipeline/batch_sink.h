#pragma once
// Where the scheduler hands batches. Both calls return at once: the scheduler's tick never waits
// on the database.
#include <cstddef>

#include "core/pipeline/event.h"

namespace spillway {

class BatchSink {
public:
    virtual ~BatchSink() = default;
    // How many more batches the sink takes right now (0: all writers busy and the hand-off full).
    virtual size_t free_slots() const = 0;
    virtual void submit(Batch&& batch) = 0;
};

}  // namespace spillway
