#include "core/pipeline/knobs.h"

#include "core/kafka/fetch_settings.h"

namespace spillway {

const char* overflow_policy_name(OverflowPolicy policy) {
    return policy == OverflowPolicy::DeadLetter ? "dead-letter" : "backpressure";
}

std::optional<OverflowPolicy> parse_overflow_policy(const std::string& name) {
    if (name == "backpressure")
        return OverflowPolicy::Backpressure;
    if (name == "dead-letter")
        return OverflowPolicy::DeadLetter;
    return std::nullopt;
}

std::string validate(const Knobs& k) {
    if (k.batch_size < 1 || k.batch_size > 1'000'000)
        return "batch_size must be between 1 and 1000000 (got " + std::to_string(k.batch_size) +
               ")";
    // The upper bounds are the console's and the command line's: a batch is held (and copied
    // into the COPY buffer) whole, and the queue bound is what keeps memory bounded at all.
    if (k.batch_bytes < 1024 || k.batch_bytes > kMaxBatchBytes)
        return "batch_bytes must be between 1024 and " + std::to_string(kMaxBatchBytes) + " (got " +
               std::to_string(k.batch_bytes) + ")";
    if (k.flush_interval_ms < 1 || k.flush_interval_ms > 600'000)
        return "flush_interval_ms must be between 1 and 600000 (got " +
               std::to_string(k.flush_interval_ms) + ")";
    if (k.writer_concurrency < 1 || k.writer_concurrency > 64)
        return "writer_concurrency must be between 1 and 64 (got " +
               std::to_string(k.writer_concurrency) + ")";
    if (k.queue_capacity_events < 1)
        return "queue_capacity_events must be at least 1";
    if (k.queue_capacity_bytes < size_t{64} * 1024 || k.queue_capacity_bytes > kMaxQueueCapacityBytes)
        return "queue_capacity_bytes must be between 65536 and " +
               std::to_string(kMaxQueueCapacityBytes) + " (got " +
               std::to_string(k.queue_capacity_bytes) + ")";
    if (!(k.low_watermark > 0 && k.low_watermark < k.high_watermark && k.high_watermark <= 1.0))
        return "watermarks must satisfy 0 < low_watermark < high_watermark <= 1";
    return validate_fetch(k.fetch);
}

KnobStore::KnobStore(const Knobs& initial) : current_(std::make_shared<const Knobs>(initial)) {}

std::shared_ptr<const Knobs> KnobStore::current() const {
    std::lock_guard lock(mutex_);
    return current_;
}

std::string KnobStore::apply(const Knobs& next, const std::string& origin) {
    if (auto reason = validate(next); !reason.empty())
        return reason;
    std::lock_guard lock(mutex_);
    if (*current_ == next)
        return {};
    if (history_.size() >= kMaxKnobHistory)
        history_.erase(history_.begin());  // oldest first; a change is rare, the cost is fine
    history_.push_back({std::chrono::system_clock::now(), *current_, next, origin});
    current_ = std::make_shared<const Knobs>(next);
    ++version_;
    return {};
}

std::vector<KnobChange> KnobStore::history() const {
    std::lock_guard lock(mutex_);
    return history_;
}

uint64_t KnobStore::version() const {
    std::lock_guard lock(mutex_);
    return version_;
}

}  // namespace spillway
