#pragma once
// The runtime knobs: one immutable value that every stage reads at the start of each cycle, so a
// change takes effect on the next cycle with no restart and nothing lost. Every accepted change
// is recorded with its time so charts can mark it.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace spillway {

// What happens to events that arrive when the queue is at its high watermark.
enum class OverflowPolicy {
    Backpressure,  // pause consumption: nothing leaves the broker until there is room
    DeadLetter,    // keep consuming: events that do not fit go to the dead-letter table as
                   // "overflow" (written by a separate thread) and are replayed when there is room
};
const char* overflow_policy_name(OverflowPolicy policy);
std::optional<OverflowPolicy> parse_overflow_policy(const std::string& name);

struct Knobs {
    int batch_size = 5000;                  // events per batch (size trigger)
    size_t batch_bytes = 16u << 20;         // bytes per batch (size trigger)
    int flush_interval_ms = 200;            // a non-empty batch leaves after this long at most
    int writer_concurrency = 4;             // writer threads, one database connection each
    // A batch leaves as soon as a writer is free (capped by batch_size and batch_bytes): small
    // batches and low latency at low load, full ones under load. Off: batches leave only when
    // full or when the flush interval runs out, the fixed batching of earlier versions.
    bool dispatch_when_idle = true;
    size_t queue_capacity_events = 200000;  // hard capacity of the bounded queue
    size_t queue_capacity_bytes = 256u << 20;
    double high_watermark = 0.8;  // pause consumption above this fill (events or bytes)
    double low_watermark = 0.5;   // resume below this fill
    OverflowPolicy overflow_policy = OverflowPolicy::Backpressure;
    // Consumer fetch settings set at runtime (see fetch_settings.h), over the start-up ones; a
    // change re-creates the consumer.
    std::map<std::string, std::string> fetch;

    bool operator==(const Knobs&) const = default;
};

constexpr size_t kMaxBatchBytes = size_t(1) << 30;           // 1 GiB
constexpr size_t kMaxQueueCapacityBytes = size_t(64) << 30;  // 64 GiB
// The most recent changes kept by KnobStore::history (older ones are dropped).
constexpr size_t kMaxKnobHistory = 1000;

// Returns an empty string when valid, else why not, naming the knob.
std::string validate(const Knobs& knobs);

struct KnobChange {
    std::chrono::system_clock::time_point at;
    Knobs before;
    Knobs after;
    std::string origin;  // who asked: "cli", "gui", "api", "test"
};

class KnobStore {
public:
    explicit KnobStore(const Knobs& initial = {});

    std::shared_ptr<const Knobs> current() const;
    // Applies a new set if valid; returns the reason when refused (the knobs stay as they were).
    std::string apply(const Knobs& next, const std::string& origin);
    std::vector<KnobChange> history() const;
    uint64_t version() const;

private:
    mutable std::mutex mutex_;  // held only to swap a pointer or copy the history
    std::shared_ptr<const Knobs> current_;
    std::vector<KnobChange> history_;
    uint64_t version_ = 0;
};

}  // namespace spillway
