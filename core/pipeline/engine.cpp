#include "core/pipeline/engine.h"

#include <algorithm>

#include "core/pipeline/batch_scheduler.h"
#include "core/pipeline/bounded_queue.h"
#include "core/compression/dictionary_keeper.h"
#include "core/common/logging.h"
#include "core/pipeline/offset_tracker.h"
#include "core/pipeline/overflow_replayer.h"
#include "core/pipeline/overflow_spool.h"
#include "core/postgres/partition_maintainer.h"
#include "core/postgres/pg_connection.h"
#include "core/pipeline/writer_pool.h"

namespace spillway {

// Counter values at one moment: rates and recent percentiles are differences of two samples.
struct Engine::Sample {
    std::chrono::steady_clock::time_point at;
    int64_t consumed = 0, written = 0, written_bytes = 0, dead_lettered = 0;
    LatencyHistogram::Counts batch_latency{};
    LatencyHistogram::Counts e2e_latency{};
    LatencyHistogram::Counts true_e2e_latency{};
};

namespace {
constexpr auto kRateWindow = std::chrono::seconds(1);
}

Engine::Engine(EngineOptions options)
    : options_(std::move(options)),
      metrics_(std::make_unique<Metrics>()),
      sink_health_(std::make_unique<SinkHealth>()),
      knobs_(std::make_unique<KnobStore>(options_.knobs)),
      queue_(std::make_unique<BoundedQueue>(options_.knobs.queue_capacity_events,
                                            options_.knobs.queue_capacity_bytes)),
      offsets_(std::make_unique<OffsetTracker>()),
      snapshot_(std::make_shared<const Snapshot>()) {
    options_.sink.topic = options_.source.topic;
}

Engine::~Engine() {
    abort();
}

void Engine::set_state(std::string state) {
    std::lock_guard lock(snapshot_mutex_);
    state_ = std::move(state);
}

void Engine::start() {
    if (const auto reason = validate(options_.knobs); !reason.empty())
        throw std::runtime_error("invalid settings: " + reason);
    set_state("starting");
    started_at_ = std::chrono::steady_clock::now();
    try {
        PgConnection connection(options_.sink.conninfo);
        ensure_schema(connection, options_.sink);
    } catch (const std::exception& error) {
        set_state(std::string("failed: ") + error.what());
        // The connection string may hold a password: name the option, not its value.
        throw std::runtime_error(std::string("PostgreSQL (the --pg connection string): ") +
                                 error.what());
    }
    // ensure_schema made today's partitions; the maintainer keeps them ahead from now on.
    partitions_ = std::make_unique<PartitionMaintainer>(options_.sink, metrics_.get());
    partitions_->start();
    if (options_.sink.payload_format == PayloadFormat::Zstd) {
        dictionaries_ = std::make_unique<DictionaryKeeper>(options_.sink, metrics_.get());
        dictionaries_->start();
    }
    writers_ = std::make_unique<WriterPool>(options_.sink, *knobs_, *offsets_, *metrics_,
                                            dictionaries_.get());
    writers_->report_health_to(sink_health_.get());
    writers_->notify_free_to([queue = queue_.get()] { queue->wake(); });
    scheduler_ = std::make_unique<BatchScheduler>(*queue_, *writers_, *knobs_);
    overflow_ = std::make_unique<OverflowSpool>(options_.sink, *offsets_, *metrics_);
    overflow_->report_health_to(sink_health_.get());
    source_ = std::make_unique<KafkaSource>(options_.source, *queue_, *offsets_, *knobs_, *metrics_,
                                            *sink_health_, overflow_.get());
    try {
        source_->start();
    } catch (const std::exception& error) {
        set_state(std::string("failed: ") + error.what());
        source_.reset();
        throw;
    }
    writers_->start();
    scheduler_->start();
    overflow_->start();
    overflow_replayer_ = std::make_unique<OverflowReplayer>(options_.sink, options_.source.decoder,
                                                            *queue_, *knobs_, *metrics_,
                                                            *sink_health_);
    overflow_replayer_->start();
    running_ = true;
    set_state("running");
    sampler_stop_ = false;
    sampler_ = std::thread([this] { sampler_loop(); });
}

DrainReport Engine::drain_and_stop() {
    DrainReport report;
    if (!running_.exchange(false))
        return report;
    const auto began = std::chrono::steady_clock::now();
    set_state("draining");
    const auto deadline = began + std::chrono::milliseconds(options_.drain_timeout_ms);
    // What is queued is counted once the source confirms it hands over nothing more.
    const auto intake_wait = std::max(deadline - std::chrono::steady_clock::now(),
                                      std::chrono::steady_clock::duration::zero());
    source_->stop_intake(std::chrono::duration_cast<std::chrono::milliseconds>(intake_wait));
    report.queued_at_stop = queue_->size();
    overflow_replayer_->stop();
    scheduler_->set_draining(true);
    while (std::chrono::steady_clock::now() < deadline) {
        if (queue_->size() == 0 && writers_->wait_idle(std::chrono::milliseconds(20)) &&
            queue_->size() == 0)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    report.completed = queue_->size() == 0 && writers_->wait_idle(std::chrono::milliseconds(0));
    scheduler_->stop();
    writers_->stop(!report.completed);
    // The spool's writer retries for as long as the database is down: bounded by the same
    // deadline, or the drain would hang.
    if (report.completed)
        report.completed = overflow_->stop_by(deadline);
    else
        overflow_->stop(true);
    source_->close();
    queue_->close();
    partitions_->stop();
    if (dictionaries_)
        dictionaries_->stop();
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    qCInfo(lcEngine) << "drained" << report.queued_at_stop << "queued events in" << report.seconds
                     << "s, complete:" << report.completed;
    sampler_stop_ = true;
    sampler_cv_.notify_all();
    if (sampler_.joinable())
        sampler_.join();
    set_state("stopped");
    auto final_snapshot = std::make_shared<const Snapshot>(build_snapshot());
    std::lock_guard lock(snapshot_mutex_);
    snapshot_ = final_snapshot;
    return report;
}

void Engine::abort() {
    const bool was_running = running_.exchange(false);
    if (scheduler_)
        scheduler_->stop();
    if (writers_)
        writers_->stop(true);
    if (overflow_replayer_)
        overflow_replayer_->stop();
    if (overflow_)
        overflow_->stop(true);
    if (source_)
        source_->close();
    if (partitions_)
        partitions_->stop();
    if (dictionaries_)
        dictionaries_->stop();
    queue_->close();
    sampler_stop_ = true;
    sampler_cv_.notify_all();
    if (sampler_.joinable())
        sampler_.join();
    if (was_running)
        set_state("stopped");
}

std::shared_ptr<const Snapshot> Engine::snapshot() const {
    std::lock_guard lock(snapshot_mutex_);
    return snapshot_;
}

Snapshot Engine::sample_now() {
    return build_snapshot();
}

std::string Engine::apply_knobs(const Knobs& knobs, const std::string& origin) {
    auto reason = knobs_->apply(knobs, origin);
    if (reason.empty()) {
        queue_->set_capacity(knobs.queue_capacity_events, knobs.queue_capacity_bytes);
        queue_->wake();
    }
    return reason;
}

Knobs Engine::knobs() const {
    return *knobs_->current();
}

std::vector<KnobChange> Engine::knob_history() const {
    return knobs_->history();
}

Snapshot Engine::build_snapshot() {
    const Metrics& m = *metrics_;
    Snapshot s;
    s.taken_at = std::chrono::system_clock::now();
    const auto now = std::chrono::steady_clock::now();
    s.uptime_s = std::chrono::duration<double>(now - started_at_).count();
    {
        std::lock_guard lock(snapshot_mutex_);
        s.state = state_;
    }
    s.consumed = m.consumed.load();
    s.consumed_bytes = m.consumed_bytes.load();
    s.written = m.written.load();
    s.written_bytes = m.written_bytes.load();
    s.duplicates = m.duplicates.load();
    s.dead_lettered = m.dead_lettered.load();
    for (size_t i = 0; i < kRejectReasonCount; ++i) {
        s.rejected_by_reason[i] = m.rejected_by_reason[i].load();
        s.rejected += s.rejected_by_reason[i];
    }
    const int64_t first = m.first_consumed_ns.load(), last = m.last_durable_ns.load();
    if (first > 0 && last > first)
        s.active_seconds = double(last - first) / 1e9;
    s.batches = m.batches.load();
    s.batch_retries = m.batch_retries.load();
    s.batch_splits = m.batch_splits.load();
    s.commits = m.commits.load();
    s.commit_failures = m.commit_failures.load();
    s.consumer_recreations = m.consumer_recreations.load();
    s.lost_to_retention = m.lost_to_retention.load();
    s.pauses = m.pauses.load();
    s.overflow_replayed = m.overflow_replayed.load();
    s.payload_format = payload_format_name(options_.sink.payload_format);
    s.events_to_default_partition = m.events_to_default_partition.load();
    s.payload_raw_bytes = m.payload_raw_bytes.load();
    s.payload_stored_bytes = m.payload_stored_bytes.load();
    if (s.payload_stored_bytes > 0)
        s.compression_ratio = double(s.payload_raw_bytes) / double(s.payload_stored_bytes);
    s.dedup_saved_bytes = m.dedup_saved_bytes.load();
    s.dictionary_id = m.dictionary_id.load();
    s.dictionary_trained_ratio = m.dictionary_trained_ratio.load();
    s.dictionary_rolling_ratio = m.dictionary_rolling_ratio.load();
    s.dictionaries_trained = m.dictionaries_trained.load();
    s.last_storage_error = m.storage_error.get();
    s.queue_events = queue_->size();
    s.queue_bytes = queue_->bytes();
    s.queue_capacity_events = queue_->capacity_events();
    s.queue_capacity_bytes = queue_->capacity_bytes();
    s.queue_fill = queue_->fill();
    s.in_flight_offsets = offsets_->in_flight();
    s.overflow_queued = overflow_ ? overflow_->size() : 0;
    s.writers_busy = m.writers_busy.load();
    s.writers_running = m.writers_running.load();
    s.source_paused = m.source_paused.load();
    s.database_available = sink_health_->available();
    s.knobs = *knobs_->current();
    s.knob_version = knobs_->version();

    auto current = std::make_unique<Sample>();
    current->at = now;
    current->consumed = s.consumed;
    current->written = s.written;
    current->written_bytes = s.written_bytes;
    current->dead_lettered = s.dead_lettered;
    current->batch_latency = m.batch_write_latency.counts();
    current->e2e_latency = m.end_to_end_latency.counts();
    current->true_e2e_latency = m.kafka_to_commit_latency.counts();

    constexpr double us_to_ms = 1e-3;
    s.batch_p50_total_ms = LatencyHistogram::percentile_us(current->batch_latency, 0.50) * us_to_ms;
    s.batch_p99_total_ms = LatencyHistogram::percentile_us(current->batch_latency, 0.99) * us_to_ms;
    s.e2e_p50_total_ms = LatencyHistogram::percentile_us(current->e2e_latency, 0.50) * us_to_ms;
    s.e2e_p99_total_ms = LatencyHistogram::percentile_us(current->e2e_latency, 0.99) * us_to_ms;
    s.true_e2e_p50_total_ms =
        LatencyHistogram::percentile_us(current->true_e2e_latency, 0.50) * us_to_ms;
    s.true_e2e_p99_total_ms =
        LatencyHistogram::percentile_us(current->true_e2e_latency, 0.99) * us_to_ms;

    {
        std::lock_guard lock(sampler_mutex_);
        while (samples_.size() > 1 && now - samples_[1]->at >= kRateWindow)
            samples_.pop_front();
        if (!samples_.empty()) {
            const Sample& old = *samples_.front();
            const double seconds = std::chrono::duration<double>(now - old.at).count();
            if (seconds > 0.05) {
                s.consumed_per_s = double(s.consumed - old.consumed) / seconds;
                s.written_per_s = double(s.written - old.written) / seconds;
                s.dead_lettered_per_s = double(s.dead_lettered - old.dead_lettered) / seconds;
                s.written_mb_per_s = double(s.written_bytes - old.written_bytes) / seconds / 1e6;
            }
            const auto batch =
                LatencyHistogram::difference(current->batch_latency, old.batch_latency);
            const auto e2e = LatencyHistogram::difference(current->e2e_latency, old.e2e_latency);
            s.batch_p50_ms = LatencyHistogram::percentile_us(batch, 0.50) * us_to_ms;
            s.batch_p95_ms = LatencyHistogram::percentile_us(batch, 0.95) * us_to_ms;
            s.batch_p99_ms = LatencyHistogram::percentile_us(batch, 0.99) * us_to_ms;
            s.e2e_p50_ms = LatencyHistogram::percentile_us(e2e, 0.50) * us_to_ms;
            s.e2e_p95_ms = LatencyHistogram::percentile_us(e2e, 0.95) * us_to_ms;
            s.e2e_p99_ms = LatencyHistogram::percentile_us(e2e, 0.99) * us_to_ms;
            const auto true_e2e =
                LatencyHistogram::difference(current->true_e2e_latency, old.true_e2e_latency);
            s.true_e2e_p50_ms = LatencyHistogram::percentile_us(true_e2e, 0.50) * us_to_ms;
            s.true_e2e_p95_ms = LatencyHistogram::percentile_us(true_e2e, 0.95) * us_to_ms;
            s.true_e2e_p99_ms = LatencyHistogram::percentile_us(true_e2e, 0.99) * us_to_ms;
        }
        samples_.push_back(std::move(current));
    }

    if (writers_)
        s.last_database_error = metrics_->database_error.get();
    if (source_) {
        s.last_kafka_error = source_->last_error();
        s.partitions = source_->partition_lag();
        for (const auto& lag : s.partitions) {
            s.total_lag_messages += lag.lag_messages;
            s.max_lag_seconds = std::max(s.max_lag_seconds, lag.lag_seconds);
        }
    }
    return s;
}

void Engine::sampler_loop() {
    std::mutex wait_mutex;
    while (!sampler_stop_) {
        auto next = std::make_shared<const Snapshot>(build_snapshot());
        {
            std::lock_guard lock(snapshot_mutex_);
            snapshot_ = std::move(next);
        }
        std::unique_lock lock(wait_mutex);
        sampler_cv_.wait_for(lock, std::chrono::milliseconds(options_.snapshot_interval_ms),
                             [&] { return sampler_stop_.load(); });
    }
}

}  // namespace spillway
