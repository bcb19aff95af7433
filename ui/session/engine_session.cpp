#include "ui/session/engine_session.h"

#include "core/tiering/tiering_service.h"

namespace spillway {

EngineSession::EngineSession(QObject* parent) : QObject(parent) {
    // Signals emitted on the host thread reach receivers on the GUI thread queued (AutoConnection).
    SessionHooks hooks;
    hooks.progress = [this](const std::string& step) {
        emit progress(QString::fromStdString(step));
    };
    hooks.started = [this] { emit started(); };
    hooks.failed = [this](const std::string& message) {
        emit failed(QString::fromStdString(message));
    };
    hooks.stopped = [this] { emit stopped(); };
    host_ = std::make_unique<SessionHost>(std::move(hooks));
}

EngineSession::~EngineSession() {
    stop();
}

bool EngineSession::start(RunPlan plan) {
    return host_->start(std::move(plan));
}

void EngineSession::request_stop() {
    host_->request_stop();
}

void EngineSession::stop() {
    host_->stop();
}

bool EngineSession::active() const {
    return host_->active();
}

std::string EngineSession::database_conninfo() const {
    return host_->database_conninfo();
}

std::shared_ptr<const Snapshot> EngineSession::snapshot() const {
    return host_->snapshot();
}

std::optional<EngineOptions> EngineSession::engine_options() const {
    return host_->engine_options();
}

std::string EngineSession::apply_knobs(const Knobs& knobs, const std::string& origin) {
    return host_->apply_knobs(knobs, origin);
}

std::optional<Knobs> EngineSession::knobs() const {
    return host_->knobs();
}

std::vector<KnobChange> EngineSession::knob_history() const {
    return host_->knob_history();
}

std::map<std::string, std::string> EngineSession::kafka_properties() const {
    return host_->kafka_properties();
}

DemoStatus EngineSession::demo_status() const {
    return host_->demo_status();
}

void EngineSession::set_load_rate(double rate_per_sec) {
    host_->set_load_rate(rate_per_sec);
}

void EngineSession::set_load_paused(bool paused) {
    host_->set_load_paused(paused);
}

void EngineSession::set_payload_bytes(int payload_bytes) {
    host_->set_payload_bytes(payload_bytes);
}

void EngineSession::set_shares(double duplicate_share, double malformed_share) {
    host_->set_shares(duplicate_share, malformed_share);
}

SessionHost::Done EngineSession::on_gui_thread(Done done) {
    return [this, done = std::move(done)](const std::string& error) {
        QMetaObject::invokeMethod(
            this, [done, error = QString::fromStdString(error)] { done ? done(error) : void(); },
            Qt::QueuedConnection);
    };
}

void EngineSession::set_database_running(bool running, Done done) {
    host_->set_database_running(running, on_gui_thread(std::move(done)));
}

void EngineSession::set_broker_down(int broker_id, bool down, Done done) {
    host_->set_broker_down(broker_id, down, on_gui_thread(std::move(done)));
}

std::shared_ptr<const TierSnapshot> EngineSession::tier_snapshot() const {
    return host_->tier_snapshot();
}

void EngineSession::set_tier_policy(const TierPolicy& policy) {
    host_->set_tier_policy(policy);
}

void EngineSession::run_tiering_now() {
    host_->run_tiering_now();
}

void EngineSession::archive_partition(const std::string& partition) {
    host_->archive_partition(partition);
}

void EngineSession::restore_partition(const std::string& partition) {
    host_->restore_partition(partition);
}

TierPrices EngineSession::tier_prices() const {
    return host_->tier_prices();
}

}  // namespace spillway
