#include "ui/engine_session.h"

#include <exception>

#include "ui/log.h"

namespace spillway {

namespace {

const std::string kNoEngine = "no engine is running";

}  // namespace

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

void EngineSession::requestStop() {
    {
        std::lock_guard lock(mutex_);
        stop_requested_ = true;
    }
    wake_.notify_all();
}

void EngineSession::stop() {
    requestStop();
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

std::optional<EngineOptions> EngineSession::engine_options() const {
    std::lock_guard lock(mutex_);
    return engine_options_;
}

std::string EngineSession::apply_knobs(const Knobs& knobs, const std::string& origin) {
    std::lock_guard lock(mutex_);
    return engine_ ? engine_->apply_knobs(knobs, origin) : kNoEngine;
}

std::optional<Knobs> EngineSession::knobs() const {
    std::lock_guard lock(mutex_);
    return engine_ ? std::optional<Knobs>(engine_->knobs()) : std::nullopt;
}

std::vector<KnobChange> EngineSession::knob_history() const {
    std::lock_guard lock(mutex_);
    return engine_ ? engine_->knob_history() : std::vector<KnobChange>{};
}

std::map<std::string, std::string> EngineSession::kafka_properties() const {
    std::lock_guard lock(mutex_);
    return engine_ ? engine_->options().source.kafka_properties
                   : std::map<std::string, std::string>{};
}

DemoStatus EngineSession::demo_status() const {
    std::lock_guard lock(mutex_);
    DemoStatus status = demo_;
    if (generator_)
        status.load = generator_->stats();
    return status;
}

void EngineSession::set_load_rate(double rate_per_sec) {
    std::lock_guard lock(mutex_);
    if (!generator_)
        return;
    generator_->set_rate(rate_per_sec);
    demo_.rate_per_sec = rate_per_sec;
}

void EngineSession::set_load_paused(bool paused) {
    std::lock_guard lock(mutex_);
    if (!generator_)
        return;
    generator_->set_paused(paused);
    demo_.load_paused = paused;
}

void EngineSession::set_payload_bytes(int payload_bytes) {
    std::lock_guard lock(mutex_);
    if (!generator_)
        return;
    generator_->set_payload_bytes(payload_bytes);
    demo_.payload_bytes = payload_bytes;
}

void EngineSession::set_shares(double duplicate_share, double malformed_share) {
    std::lock_guard lock(mutex_);
    if (!generator_)
        return;
    generator_->set_shares(duplicate_share, malformed_share);
    demo_.duplicate_share = duplicate_share;
    demo_.malformed_share = malformed_share;
}

void EngineSession::set_database_running(bool running, Done done) {
    post(
        [this, running] {
            EmbeddedPostgres* postgres = environment_ ? environment_->postgres() : nullptr;
            if (!postgres)
                throw std::runtime_error("the demo does not run an embedded PostgreSQL");
            if (running && !postgres->running())
                postgres->start();
            else if (!running && postgres->running())
                postgres->stop();
            qCInfo(lcConsole) << "embedded PostgreSQL" << (running ? "started" : "stopped");
            std::lock_guard lock(mutex_);
            demo_.database_running = postgres->running();
        },
        std::move(done));
}

void EngineSession::set_broker_down(int broker_id, bool down, Done done) {
    post(
        [this, broker_id, down] {
            EmbeddedKafka* kafka = environment_ ? environment_->kafka() : nullptr;
            if (!kafka)
                throw std::runtime_error("the demo does not run an embedded Kafka cluster");
            if (broker_id < 1 || broker_id > kafka->options().brokers)
                throw std::runtime_error("there is no broker " + std::to_string(broker_id));
            kafka->set_broker_down(broker_id, down);
            qCInfo(lcConsole) << "mock broker" << broker_id << (down ? "taken down" : "brought up");
            std::lock_guard lock(mutex_);
            demo_.broker_down[size_t(broker_id - 1)] = down;
        },
        std::move(done));
}

void EngineSession::post(Task task, Done done) {
    // The task reports to the GUI thread through a queued call on this object; if the session is
    // gone by then, Qt drops the call.
    auto report = [this, done = std::move(done)](const QString& error) {
        if (!error.isEmpty())
            qCWarning(lcConsole) << "demo action failed:" << error;
        QMetaObject::invokeMethod(
            this, [done, error] { done ? done(error) : void(); }, Qt::QueuedConnection);
    };
    std::unique_lock lock(mutex_);
    if (!environment_ || stop_requested_) {
        lock.unlock();
        report(tr("the embedded demo is not running"));
        return;
    }
    demo_.busy = true;
    tasks_.push_back([task = std::move(task), report = std::move(report)] {
        QString error;
        try {
            task();
        } catch (const std::exception& failure) {
            error = QString::fromStdString(failure.what());
        }
        report(error);
    });
    lock.unlock();
    wake_.notify_all();
}

void EngineSession::serve_until_stopped() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stop_requested_ || !tasks_.empty(); });
        // Tasks already accepted still run: each one's caller is waiting for its report.
        while (!tasks_.empty()) {
            Task task = std::move(tasks_.front());
            tasks_.pop_front();
            lock.unlock();
            task();
            lock.lock();
        }
        demo_.busy = false;
        if (stop_requested_)
            return;
    }
}

void EngineSession::undo_faults() {
    // A drain with the database stopped would only wait out its timeout.
    if (!environment_)
        return;
    try {
        if (EmbeddedKafka* kafka = environment_->kafka()) {
            for (int broker = 1; broker <= kafka->options().brokers; ++broker)
                if (demo_status().broker_down[size_t(broker - 1)])
                    kafka->set_broker_down(broker, false);
        }
        if (EmbeddedPostgres* postgres = environment_->postgres(); postgres && !postgres->running())
            postgres->start();
    } catch (const std::exception& error) {
        qCWarning(lcConsole) << "could not undo the demo's faults before draining:" << error.what();
    }
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
        emit stopped();
        return;
    }

    bool serve = false;
    {
        std::lock_guard lock(mutex_);
        if (!stop_requested_) {
            serve = true;
            engine_ = engine.get();
            engine_options_ = engine->options();
            generator_ = generator.get();
            environment_ = environment.get();
            if (environment) {
                demo_.available = true;
                demo_.rate_per_sec = plan.load.rate_per_sec;
                demo_.payload_bytes = plan.load.payload_bytes;
                demo_.duplicate_share = plan.load.duplicate_share;
                demo_.malformed_share = plan.load.malformed_share;
                demo_.database_embedded = environment->postgres() != nullptr;
                demo_.database_running = demo_.database_embedded;
                const int brokers =
                    environment->kafka() ? environment->kafka()->options().brokers : 0;
                demo_.broker_down.assign(size_t(brokers), false);
            }
        }
    }
    if (serve) {
        emit started();
        serve_until_stopped();
    }

    {
        std::lock_guard lock(mutex_);
        generator_ = nullptr;
    }
    if (generator)
        generator->stop();
    undo_faults();
    if (engine) {
        const DrainReport drain = engine->drain_and_stop();
        qCInfo(lcConsole) << "drained" << drain.queued_at_stop << "queued events in"
                          << drain.seconds << "s, complete:" << drain.completed;
    }
    {
        std::lock_guard lock(mutex_);
        engine_ = nullptr;
        engine_options_.reset();
        environment_ = nullptr;
        demo_ = DemoStatus{};
        active_ = false;
    }
    generator.reset();
    engine.reset();
    environment.reset();
    emit stopped();
}

}  // namespace spillway
