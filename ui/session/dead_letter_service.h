#pragma once
// The dead-letter workbench's way to the store: one long-lived worker thread owns the backend (a
// DeadLetterStore holds one PostgreSQL connection, a RemoteDeadLetterStore its own network
// manager, and either belongs to one thread) and runs the workbench's requests in order. Answers
// come back to the GUI thread as queued calls, so the GUI thread never waits on the database. A
// view that may ask again before the answer comes (the operator is still typing a filter) numbers
// its requests with DeadLetterJobs and drops answers that are no longer the latest (hotspot's
// JobTracker).
#include <QObject>
#include <QPointer>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>

#include "core/dead_letters/dead_letter_backend.h"
#include "core/dead_letters/dead_letter_store.h"

namespace spillway {

// The latest request of a kind wins: start() numbers a request, is_latest() says whether its
// answer may still be applied.
class DeadLetterJobs {
public:
    uint64_t start() { return ++latest_; }
    bool is_latest(uint64_t job) const { return job == latest_; }
    void invalidate() { ++latest_; }

private:
    uint64_t latest_ = 0;
};

class DeadLetterService : public QObject {
    Q_OBJECT
public:
    // Makes the backend on the worker thread, which then owns it; a throw is reported by every
    // request. `stopping` turns true when the service is being destroyed: a backend that waits
    // (on the network) gives up then, so the GUI thread is not held up joining the worker.
    using BackendFactory =
        std::function<std::unique_ptr<DeadLetterBackend>(const std::atomic<bool>& stopping)>;
    explicit DeadLetterService(BackendFactory make_backend, QObject* parent = nullptr);
    // The embedded engine's table in SQL. decoder: the engine's decoder options, so a replayed
    // or edited entry is judged as a live one would be.
    DeadLetterService(SinkOptions sink, DecoderOptions decoder, QObject* parent = nullptr);
    // Asks a running replay to stop after its current chunk, lets the current request finish,
    // drops the queued ones and joins the worker.
    ~DeadLetterService() override;

    // The operator's name as written into the audit table.
    static QString actor();

    // Runs work(backend) on the worker thread, then done(result) on the GUI thread while `receiver`
    // still exists. A failure (any exception) goes to failed(message) instead, or, without a
    // handler, to the failed() signal. The message starts with `operation`.
    template <typename Work, typename Done>
    void run(QObject* receiver, const QString& operation, Work work, Done done,
             std::function<void(const QString&)> on_failure = {});

    // Calls `call` on the GUI thread if `receiver` still exists then: for progress from inside a
    // request. Safe from the worker thread.
    void post_to_gui(const QPointer<QObject>& receiver, std::function<void()> call);
    // True once the service is being destroyed: long requests check it to end early.
    bool stopping() const { return stopping_.load(); }
    // Requests queued or running.
    int pending() const;

signals:
    // A request without its own failure handler failed: "<operation>: <what>".
    void failed(const QString& message);
    // Every answer, success or failure, after its handler ran (tests wait on it).
    void answered();

private:
    using Task = std::function<void(DeadLetterBackend*, const QString& store_problem)>;
    void post(Task task);
    void worker();
    void report_failure(const QPointer<QObject>& receiver, const QString& message,
                        std::function<void(const QString&)> on_failure);

    const BackendFactory make_backend_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Task> tasks_;
    int running_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

template <typename Work, typename Done>
void DeadLetterService::run(QObject* receiver, const QString& operation, Work work, Done done,
                            std::function<void(const QString&)> on_failure) {
    using Result = std::invoke_result_t<Work&, DeadLetterBackend&>;
    post([this, guard = QPointer<QObject>(receiver ? receiver : this), operation,
          work = std::move(work), done = std::move(done), on_failure = std::move(on_failure)](
             DeadLetterBackend* store, const QString& store_problem) mutable {
        if (!store) {
            report_failure(guard, operation + QStringLiteral(": ") + store_problem, on_failure);
            return;
        }
        try {
            if constexpr (std::is_void_v<Result>) {
                work(*store);
                post_to_gui(guard, [done] { done(); });
            } else {
                auto result = std::make_shared<Result>(work(*store));
                post_to_gui(guard, [done, result] { done(std::move(*result)); });
            }
        } catch (const std::exception& error) {
            report_failure(guard,
                           operation + QStringLiteral(": ") + QString::fromStdString(error.what()),
                           on_failure);
        }
    });
}

}  // namespace spillway
