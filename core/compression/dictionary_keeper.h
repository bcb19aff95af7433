#pragma once
// The write side of zstd dictionaries: hands writers the current dictionary, collects a sample of
// valid events when one is needed, trains on its own thread (never on a writer's path), stores
// the dictionary (its id goes with every row compressed with it) and publishes it.
//
// A dictionary is needed at start (unless one is stored: a restart continues with the newest)
// and again when the rolling ratio of recent batches falls DictionaryPolicy::retrain_degradation
// below the ratio measured at training time (on held-out events, not the ones it was trained on).
//
// zstd's trainer cannot be interrupted, so it runs on a thread of its own that only touches a
// TrainingJob it shares: stop() abandons a running training instead of waiting seconds for it
// (a backfill's drain would otherwise end only when the trainer does). The sample is bounded in
// bytes too, which bounds the training's time and the memory it holds.
//
// Threads: start()/stop() from the engine's owner; current(), wants_samples(), add_samples() and
// report() from the writers; training() from anyone.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/pipeline/event.h"
#include "core/compression/payload_codec.h"
#include "core/postgres/sink_schema.h"

namespace spillway {

struct Metrics;

class DictionaryKeeper {
public:
    DictionaryKeeper(SinkOptions options, Metrics* metrics);
    ~DictionaryKeeper();  // stop()

    // Loads the newest stored dictionary, if any, and starts the trainer thread.
    void start();
    void stop();

    // The dictionary to compress with now; null until the first one is trained.
    std::shared_ptr<const ZstdDictionary> current() const;
    // Cheap check a writer makes per batch before offering samples.
    bool wants_samples() const { return sampling_.load(std::memory_order_relaxed); }
    void add_samples(const std::vector<const Event*>& events);
    // True while a training is running (its samples were taken and its result is not in yet).
    bool training() const { return training_.load(std::memory_order_relaxed); }
    // What a batch compressed to with `dictionary_id` (0: none): feeds the rolling ratio.
    void report(int dictionary_id, int64_t events, int64_t raw_bytes, int64_t compressed_bytes);

    // Bytes of payload sampled at most: zstd's guideline is about 100 times the dictionary's
    // size for training, plus the tenth held out to measure the ratio.
    static size_t sample_byte_limit(size_t dictionary_bytes) { return dictionary_bytes * 110; }

private:
    struct TrainingJob;

    void run();
    void train(std::vector<std::string> samples);
    bool wait_for_training(const std::shared_ptr<TrainingJob>& job);
    void publish(std::shared_ptr<const ZstdDictionary> dictionary);

    SinkOptions options_;
    Metrics* metrics_;
    std::atomic<bool> sampling_{true};
    std::atomic<bool> training_{false};
    std::thread thread_;

    mutable std::mutex mutex_;  // guards everything below
    std::condition_variable wake_;
    bool stop_ = false;
    std::shared_ptr<const ZstdDictionary> current_;
    std::vector<std::string> samples_;
    size_t sample_bytes_ = 0;
    std::shared_ptr<TrainingJob> job_;  // the training running now, if any
    int64_t window_events_ = 0, window_raw_ = 0, window_compressed_ = 0;
};

}  // namespace spillway
