#include "ui/session/dead_letter_service.h"

#include <QMetaObject>

#include "ui/session/console_logging.h"

namespace spillway {

DeadLetterService::DeadLetterService(BackendFactory make_backend, QObject* parent)
    : QObject(parent), make_backend_(std::move(make_backend)) {
    thread_ = std::thread([this] { worker(); });
}

DeadLetterService::DeadLetterService(SinkOptions sink, DecoderOptions decoder, QObject* parent)
    : DeadLetterService(
          [sink = std::move(sink), decoder = std::move(decoder)](
              const std::atomic<bool>&) -> std::unique_ptr<DeadLetterBackend> {
              return std::make_unique<DeadLetterStore>(sink, decoder);
          },
          parent) {}

DeadLetterService::~DeadLetterService() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        tasks_.clear();
    }
    wake_.notify_all();
    thread_.join();
}

QString DeadLetterService::actor() {
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME");
    return user.isEmpty() ? QStringLiteral("console") : user;
}

int DeadLetterService::pending() const {
    std::lock_guard lock(mutex_);
    return int(tasks_.size()) + running_;
}

void DeadLetterService::post(Task task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_)
            return;
        tasks_.push_back(std::move(task));
    }
    wake_.notify_one();
}

void DeadLetterService::post_to_gui(const QPointer<QObject>& receiver, std::function<void()> call) {
    // Queued on the service, which outlives its worker; the receiver is checked on the GUI thread,
    // where it is deleted.
    QMetaObject::invokeMethod(
        this,
        [this, receiver, call = std::move(call)] {
            if (receiver)
                call();
        },
        Qt::QueuedConnection);
}

void DeadLetterService::report_failure(const QPointer<QObject>& receiver, const QString& message,
                                       std::function<void(const QString&)> on_failure) {
    qCWarning(lcConsole) << "dead-letter workbench:" << message;
    QMetaObject::invokeMethod(
        this,
        [this, receiver, message, on_failure = std::move(on_failure)] {
            if (on_failure && receiver)
                on_failure(message);
            else if (!on_failure)
                emit failed(message);
        },
        Qt::QueuedConnection);
}

void DeadLetterService::worker() {
    // Backends connect lazily, on their first request, so constructing one does no I/O.
    std::unique_ptr<DeadLetterBackend> store;
    QString store_problem;
    try {
        store = make_backend_(stopping_);
    } catch (const std::exception& error) {
        store_problem = QString::fromStdString(error.what());
    }
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        if (stopping_)
            break;
        Task task = std::move(tasks_.front());
        tasks_.pop_front();
        ++running_;
        lock.unlock();
        task(store.get(), store_problem);
        // Tell the GUI an answer was handled, after the answer's own queued call.
        QMetaObject::invokeMethod(
            this, [this] { emit answered(); }, Qt::QueuedConnection);
        lock.lock();
        --running_;
    }
    lock.unlock();
    store.reset();  // closes the connections on the thread that opened them
}

}  // namespace spillway
