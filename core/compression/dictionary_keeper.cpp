#include "core/compression/dictionary_keeper.h"

#include <system_error>

#include "core/compression/dictionary_store.h"
#include "core/common/logging.h"
#include "core/pipeline/metrics.h"
#include "core/postgres/pg_connection.h"

namespace spillway {

// One training's inputs and result. The thread that trains owns a reference and touches nothing
// else, so it may outlive the keeper when stop() abandons it (it then discards its result).
struct DictionaryKeeper::TrainingJob {
    std::mutex mutex;  // guards everything below
    std::condition_variable finished_or_abandoned;
    bool finished = false;
    bool abandoned = false;
    std::string bytes;  // the dictionary; empty when training failed
    double ratio = 0;
    std::string error;
};

namespace {
constexpr int kHeldOutEvery = 10;  // every 10th sample measures the ratio, the rest train
constexpr auto kStoreRetry = std::chrono::seconds(2);
constexpr size_t kMinSamples = 100;
}  // namespace

DictionaryKeeper::DictionaryKeeper(SinkOptions options, Metrics* metrics)
    : options_(std::move(options)), metrics_(metrics) {}

DictionaryKeeper::~DictionaryKeeper() {
    stop();
}

void DictionaryKeeper::start() {
    try {
        PgConnection connection(options_.conninfo);
        if (auto latest = load_latest_dictionary(connection, options_.events_table,
                                                 options_.compression_level)) {
            publish(std::move(latest));
            // Its ratio at training time is known; judge it again on today's events.
            sampling_ = false;
        }
    } catch (const std::exception& error) {
        // Not fatal: compress without a dictionary and train a new one.
        qCWarning(lcStorage).noquote()
            << "loading the newest zstd dictionary failed:" << error.what();
    }
    {
        std::lock_guard lock(mutex_);
        stop_ = false;
    }
    thread_ = std::thread([this] { run(); });
}

void DictionaryKeeper::stop() {
    std::shared_ptr<TrainingJob> job;
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
        job = job_;
    }
    wake_.notify_all();
    if (job) {
        std::lock_guard lock(job->mutex);
        job->abandoned = true;
        job->finished_or_abandoned.notify_all();
    }
    if (thread_.joinable())
        thread_.join();
}

std::shared_ptr<const ZstdDictionary> DictionaryKeeper::current() const {
    std::lock_guard lock(mutex_);
    return current_;
}

void DictionaryKeeper::add_samples(const std::vector<const Event*>& events) {
    std::lock_guard lock(mutex_);
    if (!sampling_)
        return;  // a writer that checked wants_samples() before the sample was complete
    const auto wanted = static_cast<size_t>(options_.dictionary.sample_events);
    const size_t byte_limit = sample_byte_limit(options_.dictionary.dictionary_bytes);
    // The byte limit alone could leave too few samples of very large events to train on.
    const auto enough = [&] {
        return samples_.size() >= wanted ||
               (sample_bytes_ >= byte_limit && samples_.size() >= kMinSamples);
    };
    for (const Event* event : events) {
        if (enough())
            break;
        samples_.push_back(event->payload);
        sample_bytes_ += event->payload.size();
    }
    if (enough() && sampling_.exchange(false))
        wake_.notify_all();
}

void DictionaryKeeper::report(int dictionary_id, int64_t events, int64_t raw_bytes,
                              int64_t compressed_bytes) {
    std::lock_guard lock(mutex_);
    const int current_id = current_ ? current_->id() : 0;
    if (dictionary_id != current_id)
        return;  // a batch compressed before the newest dictionary arrived
    window_events_ += events;
    window_raw_ += raw_bytes;
    window_compressed_ += compressed_bytes;
    if (window_events_ < options_.dictionary.judge_after_events || window_compressed_ == 0)
        return;
    const double rolling = double(window_raw_) / double(window_compressed_);
    window_events_ = window_raw_ = window_compressed_ = 0;
    if (metrics_)
        metrics_->dictionary_rolling_ratio.store(rolling);
    if (!current_ || sampling_)
        return;
    const double floor =
        current_->trained_ratio() * (1.0 - options_.dictionary.retrain_degradation);
    if (rolling < floor) {
        qCInfo(lcStorage) << "zstd dictionary" << current_id << "now compresses" << rolling
                          << ": 1, below" << floor << "(trained at" << current_->trained_ratio()
                          << "): sampling events to retrain";
        samples_.clear();
        sample_bytes_ = 0;
        sampling_ = true;
    }
}

void DictionaryKeeper::publish(std::shared_ptr<const ZstdDictionary> dictionary) {
    if (metrics_) {
        metrics_->dictionary_id.store(dictionary->id());
        metrics_->dictionary_trained_ratio.store(dictionary->trained_ratio());
    }
    std::lock_guard lock(mutex_);
    current_ = std::move(dictionary);
    window_events_ = window_raw_ = window_compressed_ = 0;
}

void DictionaryKeeper::run() {
    for (;;) {
        std::vector<std::string> samples;
        {
            std::unique_lock lock(mutex_);
            // sampling_ turns false only once add_samples() has enough.
            wake_.wait(lock, [this] { return stop_ || (!sampling_ && !samples_.empty()); });
            if (stop_)
                return;
            samples.swap(samples_);
            sample_bytes_ = 0;
        }
        train(std::move(samples));
    }
}

void DictionaryKeeper::train(std::vector<std::string> samples) {
    std::vector<std::string> training, held_out;
    for (size_t i = 0; i < samples.size(); ++i)
        (i % kHeldOutEvery == kHeldOutEvery - 1 ? held_out : training)
            .push_back(std::move(samples[i]));
    const size_t training_events = training.size(), held_out_events = held_out.size();
    auto job = std::make_shared<TrainingJob>();
    {
        std::lock_guard lock(mutex_);
        if (stop_)
            return;
        job_ = job;
    }
    training_ = true;
    try {
        std::thread([job, training = std::move(training), held_out = std::move(held_out),
                     capacity = options_.dictionary.dictionary_bytes,
                     level = options_.compression_level] {
            std::string bytes, error;
            double ratio = 0;
            try {
                bytes = train_zstd_dictionary(training, capacity);
                const ZstdDictionary candidate(0, bytes, level);
                ratio = compression_ratio(held_out, &candidate, level);
            } catch (const std::exception& failure) {
                bytes.clear();
                error = failure.what();
            }
            std::lock_guard lock(job->mutex);
            job->bytes = std::move(bytes);
            job->ratio = ratio;
            job->error = std::move(error);
            job->finished = true;
            job->finished_or_abandoned.notify_all();
        }).detach();
    } catch (const std::system_error& error) {
        std::lock_guard lock(job->mutex);
        job->finished = true;
        job->error = std::string("no thread to train on: ") + error.what();
    }
    const bool finished = wait_for_training(job);
    training_ = false;
    if (!finished)
        return;  // stopping: the training thread discards what it makes
    std::string bytes = std::move(job->bytes);
    const double ratio = job->ratio;
    if (bytes.empty()) {
        qCWarning(lcStorage).noquote()
            << "zstd dictionary training failed, sampling again:" << job->error.c_str();
        if (metrics_)
            metrics_->storage_error.set("dictionary: " + job->error);
        sampling_ = true;
        return;
    }
    // Stored before use: a row must never name a dictionary the database does not have.
    for (;;) {
        try {
            PgConnection connection(options_.conninfo);
            const int id = store_dictionary(connection, options_.events_table, bytes,
                                            static_cast<int>(training_events), ratio);
            publish(std::make_shared<const ZstdDictionary>(id, std::move(bytes),
                                                           options_.compression_level, ratio));
            if (metrics_)
                metrics_->dictionaries_trained.fetch_add(1);
            qCInfo(lcStorage) << "zstd dictionary" << id << "trained on" << training_events
                              << "events, ratio" << ratio << "on" << held_out_events
                              << "held-out events";
            return;
        } catch (const std::exception& error) {
            if (metrics_)
                metrics_->storage_error.set(std::string("storing a zstd dictionary: ") +
                                            error.what());
            std::unique_lock lock(mutex_);
            if (wake_.wait_for(lock, kStoreRetry, [this] { return stop_; }))
                return;
        }
    }
}

// True when the training finished, false when stop() abandoned it first.
bool DictionaryKeeper::wait_for_training(const std::shared_ptr<TrainingJob>& job) {
    bool finished;
    {
        std::unique_lock lock(job->mutex);
        job->finished_or_abandoned.wait(lock, [&] { return job->finished || job->abandoned; });
        finished = job->finished && !job->abandoned;
    }
    std::lock_guard lock(mutex_);
    job_.reset();
    return finished;
}

}  // namespace spillway
