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
    finished_ = false;
    thread_ = std::thread([this] {
        run();
        finished_ = true;
    });
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

bool OverflowSpool::stop_by(std::chrono::steady_clock::time_point deadline) {
    stopping_ = true;
    spool_.wake();
    while (thread_.joinable() && !finished_ && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const bool wrote_all = !thread_.joinable() || (finished_ && !abandon_ && spool_.size() == 0);
    if (!finished_)
        abandon_ = true;  // the writer gives up at its next retry wait
    stop(abandon_);
    return wrote_all;
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
        int64_t overflowed = 0;
        for (Event& event : batch.events) {
            // A message the decoder rejected keeps its own reason: it is bad, not just early.
            if (event.rejected())
                continue;
            event.reject = RejectReason::Overflow;
            event.reject_message =
                "the queue was full and the overflow policy is dead-letter: kept here, replayed "
                "automatically when the queue has room";
            ++overflowed;
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
            overflowed);
    }
}

}  // namespace spillway
