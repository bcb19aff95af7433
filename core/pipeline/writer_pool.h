#pragma once
// writer_concurrency threads, each with its own BatchWriter (one PostgreSQL connection, owned by
// that thread). The pool holds at most one waiting batch per writer besides the ones being
// written, so memory stays bounded and a free writer never waits for the scheduler. The number
// of writers follows the knob at runtime: extra writers finish their batch and leave.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/pipeline/batch_sink.h"
#include "core/pipeline/knobs.h"
#include "core/postgres/sink_schema.h"

namespace spillway {

struct BatchResult;
struct Metrics;
class OffsetTracker;
class DictionaryKeeper;
class SinkHealth;

class WriterPool : public BatchSink {
public:
    // `dictionaries` (PayloadFormat::Zstd; may be null) is shared by every writer.
    WriterPool(SinkOptions sink, const KnobStore& knobs, OffsetTracker& offsets, Metrics& metrics,
               DictionaryKeeper* dictionaries = nullptr);
    ~WriterPool() override;

    // Every writer reports there whether the database takes writes. Set before start().
    void report_health_to(SinkHealth* health) { health_ = health; }
    // Called on a writer's thread each time it finishes a batch and is free for the next: the
    // scheduler hands work to a free writer at once instead of noticing it on its next poll.
    // Set before start().
    void notify_free_to(std::function<void()> callback) { on_free_ = std::move(callback); }
    void start();
    // Stops the writers. With abandon = false, waits until every submitted batch is written;
    // with abandon = true, writers give up retrying against an unavailable database (their
    // offsets stay uncommitted and will be read again).
    void stop(bool abandon);
    // Waits until no batch is waiting or being written; false on timeout.
    bool wait_idle(std::chrono::milliseconds timeout);

    size_t free_slots() const override;
    void submit(Batch&& batch) override;
    size_t idle_writers() const override;

    size_t pending() const;
    int busy() const;
    std::string last_error() const;

private:
    // A batch being written, seen by the other writers: an id of theirs that it holds too is not
    // claimed again (the claim would wait on this batch's uncommitted key until it commits) but
    // follows it. Once the batch is durable its id is stored, so the followers are duplicates.
    struct InFlight {
        std::vector<Event> followers;
    };
    struct Worker {
        std::thread thread;
        std::atomic<bool> retire{false};
        std::atomic<bool> finished{false};
    };
    void adjust_locked(int desired);
    void reap_finished_locked();
    void run(Worker* worker);
    std::vector<std::string_view> take_ids_locked(Batch& batch, InFlight& flight);
    void settle_followers(InFlight& flight, const std::vector<std::string_view>& ids, bool durable,
                          const BatchResult& result, const Batch& batch);

    SinkOptions sink_;
    const KnobStore& knobs_;
    OffsetTracker& offsets_;
    Metrics& metrics_;
    DictionaryKeeper* dictionaries_;
    SinkHealth* health_ = nullptr;
    std::function<void()> on_free_;

    mutable std::mutex mutex_;
    std::condition_variable work_cv_;
    std::condition_variable idle_cv_;
    std::deque<Batch> pending_;
    // Every valid event id of the batches being written, to the batch that holds it. The views
    // point into those batches' events, which outlive their entries here.
    std::unordered_map<std::string_view, InFlight*> in_flight_ids_;
    std::vector<std::unique_ptr<Worker>> workers_;
    int desired_ = 0;
    int busy_ = 0;
    bool stopping_ = false;
    std::atomic<bool> abandon_{false};
    std::string last_error_;
};

}  // namespace spillway
