#pragma once
// The write side of zstd dictionaries: hands writers the current dictionary, collects a sample of
// valid events when one is needed, trains on its own thread (never on a writer's path), stores
// the dictionary (its id goes with every row compressed with it) and publishes it.
//
// A dictionary is needed at start (unless one is stored: a restart continues with the newest)
// and again when the rolling ratio of recent batches falls DictionaryPolicy::retrain_degradation
// below the ratio measured at training time (on held-out events, not the ones it was trained on).
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
    // What a batch compressed to with `dictionary_id` (0: none): feeds the rolling ratio.
    void report(int dictionary_id, int64_t events, int64_t raw_bytes, int64_t compressed_bytes);

private:
    void run();
    void train(std::vector<std::string> samples);
    void publish(std::shared_ptr<const ZstdDictionary> dictionary);

    SinkOptions options_;
    Metrics* metrics_;
    std::atomic<bool> sampling_{true};
    std::thread thread_;

    mutable std::mutex mutex_;  // guards everything below
    std::condition_variable wake_;
    bool stop_ = false;
    std::shared_ptr<const ZstdDictionary> current_;
    std::vector<std::string> samples_;
    int64_t window_events_ = 0, window_raw_ = 0, window_compressed_ = 0;
};

}  // namespace spillway
