#pragma once
// The engine facade: everything the UI, the headless runner and (later) a network API need —
// start, graceful drain, a snapshot of the live figures, and the knob setters. It owns the
// pipeline: source -> bounded queue -> batch scheduler -> writer pool -> offset tracker.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/kafka/kafka_source.h"
#include "core/pipeline/knobs.h"
#include "core/pipeline/metrics.h"
#include "core/pipeline/sink_health.h"
#include "core/postgres/sink_schema.h"

namespace spillway {

class BoundedQueue;
class OffsetTracker;
class BatchScheduler;
class WriterPool;
class OverflowSpool;
class OverflowReplayer;
class PartitionMaintainer;
class DictionaryKeeper;

struct EngineOptions {
    SourceOptions source;
    SinkOptions sink;  // sink.topic is taken from source.topic
    Knobs knobs;
    int drain_timeout_ms = 30000;  // how long a graceful stop waits for in-flight writes
    int snapshot_interval_ms = 100;
};

struct DrainReport {
    size_t queued_at_stop = 0;  // events in the queue when intake stopped
    bool completed = false;     // everything queued was written before the timeout
    double seconds = 0;
};

class Engine {
public:
    explicit Engine(EngineOptions options);
    ~Engine();  // abort() if still running
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Connects to PostgreSQL (creating the tables) and Kafka, then starts every stage. Throws
    // std::runtime_error naming what failed (the connection string, the brokers, the topic).
    void start();
    // Graceful: stop intake, finish in-flight writes, drain the queue in batch-size chunks,
    // commit offsets, leave the group.
    DrainReport drain_and_stop();
    // Fast: stop everything, abandon what is not durable (its offsets stay uncommitted).
    void abort();
    bool running() const { return running_.load(); }

    // The latest published snapshot (refreshed every snapshot_interval_ms); never null.
    std::shared_ptr<const Snapshot> snapshot() const;
    // Builds a fresh snapshot now (used for final summaries).
    Snapshot sample_now();

    // Applies new knobs at the next cycle of every stage; returns why not when refused.
    std::string apply_knobs(const Knobs& knobs, const std::string& origin);
    Knobs knobs() const;
    std::vector<KnobChange> knob_history() const;

    const EngineOptions& options() const { return options_; }
    const Metrics& metrics() const { return *metrics_; }

private:
    struct Sample;
    void sampler_loop();
    Snapshot build_snapshot();
    void set_state(std::string state);

    EngineOptions options_;
    std::unique_ptr<Metrics> metrics_;
    // Writers report into it; the source and the overflow replayer pause on it.
    std::unique_ptr<SinkHealth> sink_health_;
    std::unique_ptr<KnobStore> knobs_;
    std::unique_ptr<BoundedQueue> queue_;
    std::unique_ptr<OffsetTracker> offsets_;
    std::unique_ptr<WriterPool> writers_;
    std::unique_ptr<BatchScheduler> scheduler_;
    std::unique_ptr<OverflowSpool> overflow_;
    std::unique_ptr<OverflowReplayer> overflow_replayer_;
    std::unique_ptr<KafkaSource> source_;
    std::unique_ptr<PartitionMaintainer> partitions_;
    std::unique_ptr<DictionaryKeeper> dictionaries_;  // PayloadFormat::Zstd only

    std::atomic<bool> running_{false};
    std::chrono::steady_clock::time_point started_at_{};

    mutable std::mutex snapshot_mutex_;  // held only to swap the pointer
    std::shared_ptr<const Snapshot> snapshot_;
    std::string state_ = "stopped";

    std::mutex sampler_mutex_;  // guards the sample history used for rates
    std::deque<std::unique_ptr<Sample>> samples_;
    std::thread sampler_;
    std::atomic<bool> sampler_stop_{false};
    std::condition_variable sampler_cv_;
};

}  // namespace spillway
