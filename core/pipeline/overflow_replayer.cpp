#include "core/pipeline/overflow_replayer.h"

#include "core/common/logging.h"
#include "core/dead_letters/dead_letter_store.h"
#include "core/pipeline/bounded_queue.h"
#include "core/pipeline/knobs.h"
#include "core/pipeline/metrics.h"
#include "core/pipeline/sink_health.h"

namespace spillway {

namespace {
constexpr auto kCheckInterval = std::chrono::milliseconds(500);
}

OverflowReplayer::OverflowReplayer(SinkOptions sink, DecoderOptions decoder,
                                   const BoundedQueue& queue, const KnobStore& knobs,
                                   Metrics& metrics, const SinkHealth& sink_health)
    : sink_(std::move(sink)),
      decoder_(std::move(decoder)),
      queue_(queue),
      knobs_(knobs),
      metrics_(metrics),
      sink_health_(sink_health) {}

OverflowReplayer::~OverflowReplayer() {
    stop();
}

void OverflowReplayer::start() {
    stop_ = false;
    thread_ = std::thread([this] { run(); });
}

void OverflowReplayer::stop() {
    {
        std::lock_guard lock(wait_mutex_);
        stop_ = true;
    }
    wait_cv_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void OverflowReplayer::run() {
    std::unique_ptr<DeadLetterStore> store;
    DeadLetterFilter overflow;
    overflow.reasons = {reject_reason_name(RejectReason::Overflow)};
    overflow.statuses = {"new"};
    // Only this engine's entries: another engine sharing the dead-letter table (another topic,
    // or the same topic into another table) replays its own.
    overflow.topic = sink_.topic;
    overflow.events_table = sink_.events_table;
    ReplayOptions options;
    // Entries at the attempt limit would be skipped by every replay; counting them would start
    // a fruitless replay (and an audit row) every check interval.
    overflow.attempts_below = options.max_attempts;
    while (!stop_) {
        {
            std::unique_lock lock(wait_mutex_);
            wait_cv_.wait_for(lock, kCheckInterval, [&] { return stop_.load(); });
        }
        if (stop_)
            break;
        const auto knobs = knobs_.current();
        if (queue_.fill() > knobs->low_watermark || !sink_health_.available())
            continue;
        try {
            if (!store)
                store = std::make_unique<DeadLetterStore>(sink_, decoder_);
            if (store->count(overflow) == 0)
                continue;
            options.actor = "engine (overflow replay)";
            options.max_outcome_lines = 0;
            options.database_wait = std::chrono::milliseconds(5000);
            // Between chunks: give way as soon as the queue needs the database again.
            options.progress = [&](int64_t, int64_t) {
                return !stop_ && queue_.fill() < knobs_.current()->high_watermark;
            };
            const ReplayReport report = store->replay(overflow, options);
            metrics_.overflow_replayed.fetch_add(report.written + report.duplicates);
            qCInfo(lcEngine) << "overflow replay:" << report.summary().c_str();
        } catch (const std::exception& error) {
            qCWarning(lcEngine) << "overflow replay failed, will retry:" << error.what();
            store.reset();
        }
    }
}

}  // namespace spillway
