#pragma once
// The dead-letter workbench's way to the store: one long-lived worker thread owns the backend (a
// DeadLetterStore holds one PostgreSQL connection, a RemoteDeadLetterStore its own network
// manager, and either belongs to one thread) and runs the workbench's requests in order. Answers
// come back to the GUI thread as queued calls, so the GUI thread never waits on the database, not
// even when the service is destroyed while a request runs (the worker is not joined). A
// view that may ask again before the answer comes (the operator is still typing a filter) numbers
// its requests with DeadLetterJobs and drops answers that are no longer the latest (hotspot's
// JobTracker).
#include <QObject>
#include <QPointer>
#include <QString>
#include <atomic>
#include <chrono>
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
    // (on the network) gives up then.
    using BackendFactory =
        std::function<std::unique_ptr<DeadLetterBackend>(const std::atomic<bool>& stopping)>;
    explicit DeadLetterService(BackendFactory make_backend, QObject* parent = nullptr);
    // The embedded engine's table in SQL. decoder: the engine's decoder options, so a replayed
    // or edited entry is judged as a live one would be. Every statement of the store's own
    // connection ends after `statement_timeout` unless the role or connection string sets one,
    // so a database that holds a query (a lock, an overload) cannot keep the workbench waiting;
    // replay's writes use connections of their own, without it.
    DeadLetterService(SinkOptions sink, DecoderOptions decoder, QObject* parent = nullptr,
                      std::chrono::milliseconds statement_timeout = kStatementTimeout);
    // Asks a running replay to stop after its current chunk and drops the queued requests, but
    // does not wait for the current one: it may wait on a database that does not answer, and
    // the GUI thread must not. The worker finishes it on its own, then closes the backend;
    // nothing it answers reaches anyone after this.
    ~DeadLetterService() override;

    static constexpr std::chrono::milliseconds kStatementTimeout{30'000};

    // What the worker and the service share; the worker keeps it, so it outlives the service.
    // Code that runs inside a request (a replay's progress callback) uses it rather than the
    // service, which may be gone by then. Any thread.
    class Link {
    public:
        // Calls `call` on the GUI thread if the service and `receiver` still exist then.
        void post_to_gui(const QPointer<QObject>& receiver, std::function<void()> call);
        // True once the service is being destroyed: long requests check it to end early.
        bool stopping() const { return stopping_.load(); }

    private:
        friend class DeadLetterService;
        using Task = std::function<void(DeadLetterBackend*, const QString& store_problem)>;
        void report_failure(const QPointer<QObject>& receiver, const QString& message,
                            std::function<void(const QString&)> on_failure);
        void post_to_service(std::function<void(DeadLetterService&)> call);
        static void worker(const std::shared_ptr<Link>& link);

        BackendFactory make_backend_;
        mutable std::mutex mutex_;
        std::condition_variable wake_;
        std::deque<Task> tasks_;
        int running_ = 0;
        std::atomic<bool> stopping_{false};
        std::mutex service_mutex_;
        DeadLetterService* service_ = nullptr;  // cleared by ~DeadLetterService
    };

    // The operator's name as written into the audit table.
    static QString actor();

    // Runs work(backend) on the worker thread, then done(result) on the GUI thread while `receiver`
    // (and the service) still exist. A failure (any exception) goes to failed(message) instead, or,
    // without a handler, to the failed() signal. The message starts with `operation`.
    template <typename Work, typename Done>
    void run(QObject* receiver, const QString& operation, Work work, Done done,
             std::function<void(const QString&)> on_failure = {});

    // Calls `call` on the GUI thread if `receiver` still exists then: for progress from inside a
    // request. Safe from the worker thread while the service exists; later, use link().
    void post_to_gui(const QPointer<QObject>& receiver, std::function<void()> call) {
        link_->post_to_gui(receiver, std::move(call));
    }
    bool stopping() const { return link_->stopping(); }
    const std::shared_ptr<Link>& link() const { return link_; }
    // Requests queued or running.
    int pending() const;

signals:
    // A request without its own failure handler failed: "<operation>: <what>".
    void failed(const QString& message);
    // Every answer, success or failure, after its handler ran (tests wait on it).
    void answered();

private:
    void post(Link::Task task);

    std::shared_ptr<Link> link_;
};

template <typename Work, typename Done>
void DeadLetterService::run(QObject* receiver, const QString& operation, Work work, Done done,
                            std::function<void(const QString&)> on_failure) {
    using Result = std::invoke_result_t<Work&, DeadLetterBackend&>;
    // The task holds the link, never the service: it may finish after the service is gone.
    post([link = link_, guard = QPointer<QObject>(receiver ? receiver : this), operation,
          work = std::move(work), done = std::move(done), on_failure = std::move(on_failure)](
             DeadLetterBackend* store, const QString& store_problem) mutable {
        if (!store) {
            link->report_failure(guard, operation + QStringLiteral(": ") + store_problem,
                                 on_failure);
            return;
        }
        try {
            if constexpr (std::is_void_v<Result>) {
                work(*store);
                link->post_to_gui(guard, [done] { done(); });
            } else {
                auto result = std::make_shared<Result>(work(*store));
                link->post_to_gui(guard, [done, result] { done(std::move(*result)); });
            }
        } catch (const std::exception& error) {
            link->report_failure(
                guard, operation + QStringLiteral(": ") + QString::fromStdString(error.what()),
                on_failure);
        }
    });
}

}  // namespace spillway
