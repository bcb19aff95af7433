#include "core/session/session_host.h"

#include <exception>
#include <filesystem>

#include "core/common/logging.h"
#include "core/tiering/tiering_service.h"

namespace spillway {

namespace {

const std::string kNoEngine = "no engine is running";

template <typename Hook, typename... Args>
void call(const Hook& hook, Args&&... args) {
    if (hook)
        hook(std::forward<Args>(args)...);
}

}  // namespace

SessionHost::SessionHost(SessionHooks hooks) : hooks_(std::move(hooks)) {}

SessionHost::~SessionHost() {
    stop();
}

bool SessionHost::start(RunPlan plan) {
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

void SessionHost::request_stop() {
    {
        std::lock_guard lock(mutex_);
        stop_requested_ = true;
    }
    wake_.notify_all();
}

void SessionHost::stop() {
    request_stop();
    wait();
}

void SessionHost::wait() {
    if (host_thread_.joinable() && host_thread_.get_id() != std::this_thread::get_id())
        host_thread_.join();
}

bool SessionHost::active() const {
    std::lock_guard lock(mutex_);
    return active_;
}

bool SessionHost::stop_requested() const {
    std::lock_guard lock(mutex_);
    return stop_requested_;
}

Engine* SessionHost::engine() const {
    std::lock_guard lock(mutex_);
    return engine_;
}

std::shared_ptr<const Snapshot> SessionHost::snapshot() const {
    std::lock_guard lock(mutex_);
    return engine_ ? engine_->snapshot() : nullptr;
}

std::optional<EngineOptions> SessionHost::engine_options() const {
    std::lock_guard lock(mutex_);
    return engine_options_;
}

std::string SessionHost::database_conninfo() const {
    std::lock_guard lock(mutex_);
    return engine_options_ ? engine_options_->sink.conninfo : std::string();
}

std::string SessionHost::bootstrap_servers() const {
    std::lock_guard lock(mutex_);
    return engine_options_ ? engine_options_->source.bootstrap_servers : std::string();
}

std::string SessionHost::apply_knobs(const Knobs& knobs, const std::string& origin) {
    std::lock_guard lock(mutex_);
    return engine_ ? engine_->apply_knobs(knobs, origin) : kNoEngine;
}

std::optional<Knobs> SessionHost::knobs() const {
    std::lock_guard lock(mutex_);
    return engine_ ? std::optional<Knobs>(engine_->knobs()) : std::nullopt;
}

std::vector<KnobChange> SessionHost::knob_history() const {
    std::lock_guard lock(mutex_);
    return engine_ ? engine_->knob_history() : std::vector<KnobChange>{};
}

std::map<std::string, std::string> SessionHost::kafka_properties() const {
    std::lock_guard lock(mutex_);
    return engine_ ? engine_->options().source.kafka_properties
                   : std::map<std::string, std::string>{};
}

DemoStatus SessionHost::demo_status() const {
    std::lock_guard lock(mutex_);
    DemoStatus status = demo_;
    if (generator_)
        status.load = generator_->stats();
    return status;
}

bool SessionHost::load_finished() const {
    std::lock_guard lock(mutex_);
    return generator_ && generator_->finished();
}

void SessionHost::set_load_rate(double rate_per_sec) {
    std::lock_guard lock(mutex_);
    if (!generator_)
        return;
    generator_->set_rate(rate_per_sec);
    demo_.rate_per_sec = rate_per_sec;
}

void SessionHost::set_load_paused(bool paused) {
    std::lock_guard lock(mutex_);
    if (!generator_)
        return;
    generator_->set_paused(paused);
    demo_.load_paused = paused;
}

void SessionHost::set_payload_bytes(int payload_bytes) {
    std::lock_guard lock(mutex_);
    if (!generator_)
        return;
    generator_->set_payload_bytes(payload_bytes);
    demo_.payload_bytes = payload_bytes;
}

void SessionHost::set_shares(double duplicate_share, double malformed_share) {
    std::lock_guard lock(mutex_);
    if (!generator_)
        return;
    generator_->set_shares(duplicate_share, malformed_share);
    demo_.duplicate_share = duplicate_share;
    demo_.malformed_share = malformed_share;
}

void SessionHost::set_database_running(bool running, Done done) {
    post(
        [this, running] {
            EmbeddedPostgres* postgres = environment_ ? environment_->postgres() : nullptr;
            if (!postgres)
                throw std::runtime_error("the demo does not run an embedded PostgreSQL");
            if (running && !postgres->running())
                postgres->start();
            else if (!running && postgres->running())
                postgres->stop();
            qCInfo(lcSession) << "embedded PostgreSQL" << (running ? "started" : "stopped");
            std::lock_guard lock(mutex_);
            demo_.database_running = postgres->running();
        },
        std::move(done));
}

void SessionHost::set_broker_down(int broker_id, bool down, Done done) {
    post(
        [this, broker_id, down] {
            EmbeddedKafka* kafka = environment_ ? environment_->kafka() : nullptr;
            if (!kafka)
                throw std::runtime_error("the demo does not run an embedded Kafka cluster");
            if (broker_id < 1 || broker_id > kafka->options().brokers)
                throw std::runtime_error("there is no broker " + std::to_string(broker_id));
            kafka->set_broker_down(broker_id, down);
            qCInfo(lcSession) << "mock broker" << broker_id << (down ? "taken down" : "brought up");
            std::lock_guard lock(mutex_);
            demo_.broker_down[size_t(broker_id - 1)] = down;
        },
        std::move(done));
}

std::shared_ptr<const TierSnapshot> SessionHost::tier_snapshot() const {
    std::lock_guard lock(mutex_);
    return tiering_ ? tiering_->snapshot() : nullptr;
}

void SessionHost::set_tier_policy(const TierPolicy& policy) {
    std::lock_guard lock(mutex_);
    if (tiering_)
        tiering_->set_policy(policy);
}

void SessionHost::run_tiering_now() {
    std::lock_guard lock(mutex_);
    if (tiering_)
        tiering_->run_now();
}

void SessionHost::archive_partition(const std::string& partition) {
    std::lock_guard lock(mutex_);
    if (tiering_)
        tiering_->archive_now(partition);
}

void SessionHost::restore_partition(const std::string& partition) {
    std::lock_guard lock(mutex_);
    if (tiering_)
        tiering_->restore(partition);
}

TierPrices SessionHost::tier_prices() const {
    std::lock_guard lock(mutex_);
    return prices_;
}

void SessionHost::post(Task task, Done done) {
    auto report = [done = std::move(done)](const std::string& error) {
        if (!error.empty())
            qCWarning(lcSession) << "demo action failed:" << error.c_str();
        if (done)
            done(error);
    };
    std::unique_lock lock(mutex_);
    if (!environment_ || stop_requested_) {
        lock.unlock();
        report("the embedded demo is not running");
        return;
    }
    demo_.busy = true;
    tasks_.push_back([task = std::move(task), report = std::move(report)] {
        std::string error;
        try {
            task();
        } catch (const std::exception& failure) {
            error = failure.what();
        }
        report(error);
    });
    lock.unlock();
    wake_.notify_all();
}

void SessionHost::serve_until_stopped() {
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

void SessionHost::undo_faults() {
    // A drain with the database stopped would only wait out its timeout.
    if (!environment_)
        return;
    try {
        const DemoStatus status = demo_status();
        if (EmbeddedKafka* kafka = environment_->kafka()) {
            for (int broker = 1; broker <= kafka->options().brokers; ++broker)
                if (size_t(broker) <= status.broker_down.size() &&
                    status.broker_down[size_t(broker - 1)])
                    kafka->set_broker_down(broker, false);
        }
        if (EmbeddedPostgres* postgres = environment_->postgres(); postgres && !postgres->running())
            postgres->start();
    } catch (const std::exception& error) {
        qCWarning(lcSession) << "could not undo the demo's faults before draining:"
                             << error.what();
    }
}

void SessionHost::host(RunPlan plan) {
    // Declared in start order so that an early return or an exception tears down in reverse:
    // attachment, generator, tiering, engine, then the environment they all use.
    std::unique_ptr<DemoEnvironment> environment;
    std::unique_ptr<Engine> engine;
    std::unique_ptr<TieringService> tiering;
    std::unique_ptr<LoadGenerator> generator;
    std::shared_ptr<void> attachment;
    std::string failure;
    try {
        if (plan.demo) {
            call(hooks_.progress, "Starting the embedded Kafka cluster and PostgreSQL server…");
            environment = std::make_unique<DemoEnvironment>(plan.environment);
            environment->start();
            plan.engine.source.bootstrap_servers = environment->bootstrap_servers();
            plan.engine.sink.conninfo = environment->conninfo();
            plan.load.bootstrap_servers = environment->bootstrap_servers();
        }
        plan.tiering.conninfo = plan.engine.sink.conninfo;
        if (!stop_requested()) {
            call(hooks_.progress, "Connecting to PostgreSQL and Kafka…");
            engine = std::make_unique<Engine>(plan.engine);
            engine->start();
        }
        if (!plan.tiering.archive_dir.empty() && engine && !stop_requested()) {
            // Its own thread and connection: an export never holds up ingestion or the GUI.
            tiering = std::make_unique<TieringService>(plan.tiering, plan.tier_policy);
            tiering->start();
        }
        if (engine && !stop_requested()) {
            std::lock_guard lock(mutex_);
            engine_ = engine.get();
            engine_options_ = engine->options();
            environment_ = environment.get();
            tiering_ = tiering.get();
            prices_ = plan.prices;
        }
        if (engine && hooks_.attach && !stop_requested())
            attachment = hooks_.attach(*this);
        if (plan.demo && engine && !stop_requested()) {
            call(hooks_.progress, "Starting the load generator…");
            generator = std::make_unique<LoadGenerator>(plan.load);
            generator->start();
        }
    } catch (const std::exception& error) {
        failure = error.what();
        if (failure.empty())
            failure = "the session could not start";
    }

    bool serve = false;
    if (failure.empty()) {
        std::lock_guard lock(mutex_);
        if (!stop_requested_ && engine) {
            serve = true;
            generator_ = generator.get();
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
    } else {
        qCWarning(lcSession) << "start failed:" << failure.c_str();
        call(hooks_.failed, failure);
    }
    if (serve) {
        call(hooks_.started);
        serve_until_stopped();
    }

    {
        std::lock_guard lock(mutex_);
        generator_ = nullptr;
        tiering_ = nullptr;
    }
    // Lets a running export or restore finish its step; nothing it does is left half-way.
    tiering.reset();
    if (generator)
        generator->stop();
    undo_faults();
    if (engine && engine->running()) {
        SessionEnd end;
        end.drain = engine->drain_and_stop();
        qCInfo(lcSession) << "drained" << end.drain.queued_at_stop << "queued events in"
                          << end.drain.seconds << "s, complete:" << end.drain.completed;
        attachment.reset();
        if (generator) {
            generator->wait();
            end.load = generator->stats();
        }
        end.snapshot = *engine->snapshot();
        end.plan = plan;
        if (failure.empty()) {
            try {
                call(hooks_.drained, end);
            } catch (const std::exception& error) {
                qCWarning(lcSession) << "after the drain:" << error.what();
            }
        }
    }
    attachment.reset();
    if (plan.remove_archive_dir && !plan.tiering.archive_dir.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(plan.tiering.archive_dir, ignored);
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
    call(hooks_.stopped);
}

}  // namespace spillway
