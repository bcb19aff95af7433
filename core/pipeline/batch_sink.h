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
    // Writers with nothing to write and no batch waiting for them: a batch formed now leaves at
    // once, so the scheduler need not wait for a full batch or the flush interval.
    virtual size_t idle_writers() const { return 0; }
};

}  // namespace spillway
