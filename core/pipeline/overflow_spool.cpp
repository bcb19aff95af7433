#include "core/pipeline/overflow_spool.h"

#include "core/postgres/batch_writer.h"
#include "core/common/logging.h"
#include "core/pipeline/metrics.h"
#include "core/pipeline/offset_tracker.h"

namespace spillway {

namespace {
constexpr size_t kChunkEvents = 5000;
constexpr size_t kChunkBytes = 16u << 20;
}  // namespace

OverflowSpool::OverflowSpool(SinkOptions sink, OffsetTracker& offsets, Metrics& metrics,
                             size_t capacity_events, size_t capacity_bytes)
    : sink_(std::move(sink)),
      offsets_(offsets),
      metrics_(metrics),
      spool_(capacity_events, capacity_bytes) {}

OverflowSpool::~OverflowSpool() {
    stop(true);
}

void OverflowSpool::start() {
    stopping_ = false;
    abandon_ = false;
    thread_ = std::thread([this] { run(); });
}

bool OverflowSpool::try_put(Event&& event) {
    return spool_.try_push(std::move(event));
}

void OverflowSpool::stop(bool abandon) {
    abandon_ = abandon;
    stopping_ = true;
    spool_.wake();
    if (thread_.joinable())
        thread_.join();
}

void OverflowSpool::run() {
    BatchWriter writer(sink_, &metrics_);
    writer.report_health_to(health_);
    const auto should_stop = [this] { return abandon_.load(); };
    uint64_t sequence = 0;
    while (true) {
        if (spool_.size() == 0) {
            if (stopping_)
                break;
            spool_.wait_for_events(
                1, std::chrono::steady_clock::now() + std::chrono::milliseconds(50));
            continue;
        }
        if (abandon_)
            break;
        Batch batch;
        batch.sequence = ++sequence;
        batch.events = spool_.pop_batch(kChunkEvents, kChunkBytes, &batch.bytes);
        for (Event& event : batch.events) {
            event.reject = RejectReason::Overflow;
            event.reject_message =
                "the queue was full and the overflow policy is dead-letter: kept here, replayed "
                "automatically when the queue has room";
        }
        BatchResult result;
        if (!writer.write(batch, result, should_stop)) {
            qCWarning(lcWriter) << "abandoned" << batch.events.size()
                                << "overflow events at shutdown; their offsets stay uncommitted";
            break;
        }
        std::vector<PartitionOffset> done;
        done.reserve(batch.events.size());
        for (const Event& event : batch.events)
            done.push_back({event.partition, event.offset});
        offsets_.mark_done(done);
        metrics_.dead_lettered.fetch_add(result.dead_lettered);
        metrics_.rejected_by_reason[static_cast<size_t>(RejectReason::Overflow)].fetch_add(
            static_cast<int64_t>(batch.events.size()));
    }
}

}  // namespace spillway
