#include "ui/session/dead_letter_service.h"

#include <QMetaObject>

#include "ui/session/console_logging.h"

namespace spillway {

DeadLetterService::DeadLetterService(BackendFactory make_backend, QObject* parent)
    : QObject(parent), link_(std::make_shared<Link>()) {
    link_->make_backend_ = std::move(make_backend);
    link_->service_ = this;
    // Detached: the destructor must not wait for a request that waits on the database. The
    // thread holds the link, and the link is all it touches.
    std::thread([link = link_] { Link::worker(link); }).detach();
}

DeadLetterService::DeadLetterService(SinkOptions sink, DecoderOptions decoder, QObject* parent,
                                     std::chrono::milliseconds statement_timeout)
    : DeadLetterService(
          [sink = std::move(sink), decoder = std::move(decoder),
           statement_timeout](const std::atomic<bool>&) -> std::unique_ptr<DeadLetterBackend> {
              return std::make_unique<DeadLetterStore>(sink, decoder, statement_timeout);
          },
          parent) {}

DeadLetterService::~DeadLetterService() {
    {
        std::lock_guard lock(link_->mutex_);
        link_->stopping_ = true;
        link_->tasks_.clear();
    }
    link_->wake_.notify_all();
    // From here on the worker posts nothing to this object; what it posted before is dropped
    // with the object's pending events.
    std::lock_guard lock(link_->service_mutex_);
    link_->service_ = nullptr;
}

QString DeadLetterService::actor() {
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME");
    return user.isEmpty() ? QStringLiteral("console") : user;
}

int DeadLetterService::pending() const {
    std::lock_guard lock(link_->mutex_);
    return int(link_->tasks_.size()) + link_->running_;
}

void DeadLetterService::post(Link::Task task) {
    {
        std::lock_guard lock(link_->mutex_);
        if (link_->stopping_)
            return;
        link_->tasks_.push_back(std::move(task));
    }
    link_->wake_.notify_one();
}

void DeadLetterService::Link::post_to_service(std::function<void(DeadLetterService&)> call) {
    // Queued on the service while it exists (checked under the lock its destructor takes); the
    // call runs on the GUI thread, and not at all if the service is deleted before.
    std::lock_guard lock(service_mutex_);
    if (!service_)
        return;
    DeadLetterService* service = service_;
    QMetaObject::invokeMethod(
        service, [service, call = std::move(call)] { call(*service); }, Qt::QueuedConnection);
}

void DeadLetterService::Link::post_to_gui(const QPointer<QObject>& receiver,
                                          std::function<void()> call) {
    // The receiver is checked on the GUI thread, where it is deleted.
    post_to_service([receiver, call = std::move(call)](DeadLetterService&) {
        if (receiver)
            call();
    });
}

void DeadLetterService::Link::report_failure(const QPointer<QObject>& receiver,
                                             const QString& message,
                                             std::function<void(const QString&)> on_failure) {
    qCWarning(lcConsole) << "dead-letter workbench:" << message;
    post_to_service(
        [receiver, message, on_failure = std::move(on_failure)](DeadLetterService& service) {
            if (on_failure && receiver)
                on_failure(message);
            else if (!on_failure)
                emit service.failed(message);
        });
}

void DeadLetterService::Link::worker(const std::shared_ptr<Link>& link) {
    // Backends connect lazily, on their first request, so constructing one does no I/O.
    std::unique_ptr<DeadLetterBackend> store;
    QString store_problem;
    try {
        store = link->make_backend_(link->stopping_);
    } catch (const std::exception& error) {
        store_problem = QString::fromStdString(error.what());
    }
    std::unique_lock lock(link->mutex_);
    for (;;) {
        link->wake_.wait(lock, [&] { return link->stopping_ || !link->tasks_.empty(); });
        if (link->stopping_)
            break;
        Task task = std::move(link->tasks_.front());
        link->tasks_.pop_front();
        ++link->running_;
        lock.unlock();
        task(store.get(), store_problem);
        // Tell the GUI an answer was handled, after the answer's own queued call.
        link->post_to_service([](DeadLetterService& service) { emit service.answered(); });
        lock.lock();
        --link->running_;
    }
    lock.unlock();
    store.reset();  // closes the connections on the thread that opened them
}

}  // namespace spillway
