#pragma once
// Whether the sink (PostgreSQL) can take writes right now: the one signal that decides whether
// the stages feeding it keep going. The writers report into it (a write succeeded, the connection
// was lost); the Kafka source pauses its partitions and the overflow replayer waits while it says
// unavailable, because nothing they take could become durable meanwhile. The Engine owns it; the
// snapshot's database_available shows it.
//
// Any thread: writers report from their own threads, readers poll it from theirs.
#include <atomic>

namespace spillway {

class SinkHealth {
public:
    // A writer stored a batch: the sink takes writes.
    void report_write_succeeded() { available_.store(true, std::memory_order_release); }
    // A writer lost its connection (or could not make one): the sink takes nothing until a
    // writer succeeds again.
    void report_connection_lost() { available_.store(false, std::memory_order_release); }

    bool available() const { return available_.load(std::memory_order_acquire); }

private:
    std::atomic<bool> available_{true};
};

}  // namespace spillway
