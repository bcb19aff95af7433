#include "ui/engine_session.h"

#include <exception>

#include "ui/log.h"

namespace spillway {

EngineSession::EngineSession(QObject* parent) : QObject(parent) {}

EngineSession::~EngineSession() {
    stop();
}

bool EngineSession::start(RunPlan plan) {
    {
        std::lock_guard lock(mutex_);
        if (active_)
            return false;
        active_ = true;
        stop_requested_ = false;
    }
    // A previous session that failed to start has ended its thread but not been joined yet.
    if (host_thread_.joinable())
        host_thread_.join();
    host_thread_ = std::thread([this, plan = std::move(plan)]() mutable { host(std::move(plan)); });
    return true;
}

void EngineSession::stop() {
    {
        std::lock_guard lock(mutex_);
        stop_requested_ = true;
    }
    stop_cv_.notify_all();
    if (host_thread_.joinable())
        host_thread_.join();
}

bool EngineSession::active() const {
    std::lock_guard lock(mutex_);
    return active_;
}

bool EngineSession::stop_requested() const {
    std::lock_guard lock(mutex_);
    return stop_requested_;
}

std::shared_ptr<const Snapshot> EngineSession::snapshot() const {
    std::lock_guard lock(mutex_);
    return engine_ ? engine_->snapshot() : nullptr;
}

void EngineSession::host(RunPlan plan) {
    // Declared in construction order so that an early return or an exception tears down in
    // reverse: generator, engine, then the environment they both use.
    std::unique_ptr<DemoEnvironment> environment;
    std::unique_ptr<Engine> engine;
    std::unique_ptr<LoadGenerator> generator;
    try {
        if (plan.demo) {
            emit progress(tr("Starting the embedded Kafka cluster and PostgreSQL server…"));
            environment = std::make_unique<DemoEnvironment>(plan.environment);
            environment->start();
            plan.engine.source.bootstrap_servers = environment->bootstrap_servers();
            plan.engine.sink.conninfo = environment->conninfo();
            plan.load.bootstrap_servers = environment->bootstrap_servers();
        }
        if (!stop_requested()) {
            emit progress(tr("Connecting to PostgreSQL and Kafka…"));
            engine = std::make_unique<Engine>(plan.engine);
            engine->start();
        }
        if (plan.demo && !stop_requested()) {
            emit progress(tr("Starting the load generator…"));
            generator = std::make_unique<LoadGenerator>(plan.load);
            generator->start();
        }
    } catch (const std::exception& error) {
        qCWarning(lcConsole) << "start failed:" << error.what();
        generator.reset();
        engine.reset();
        environment.reset();
        {
            std::lock_guard lock(mutex_);
            active_ = false;
        }
        emit failed(QString::fromStdString(error.what()));
        return;
    }

    {
        std::unique_lock lock(mutex_);
        if (!stop_requested_) {
            engine_ = engine.get();
            lock.unlock();
            emit started();
            lock.lock();
            stop_cv_.wait(lock, [this] { return stop_requested_; });
        }
    }

    if (generator)
        generator->stop();
    if (engine) {
        const DrainReport drain = engine->drain_and_stop();
        qCInfo(lcConsole) << "drained" << drain.queued_at_stop << "queued events in"
                          << drain.seconds << "s, complete:" << drain.completed;
    }
    {
        std::lock_guard lock(mutex_);
        engine_ = nullptr;
        active_ = false;
    }
    generator.reset();
    engine.reset();
    environment.reset();
}

}  // namespace spillway
