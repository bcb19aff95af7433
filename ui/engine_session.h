#pragma once
// What the console runs: the engine and, for the demo, the embedded Kafka and PostgreSQL plus the
// load generator. Everything is started, owned and torn down by one host thread that lives as long
// as the session: the embedded PostgreSQL server is killed (PDEATHSIG) when the thread that
// started it exits, and starting takes a second or two that the GUI thread should not freeze for.
// The same thread runs the demo's slow actions (stopping and restarting PostgreSQL, taking a broker
// down), so they never block the GUI and PostgreSQL is always restarted by its owner.
#include <QObject>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/run_plan.h"
#include "ui/demo_control.h"
#include "ui/engine_control.h"

namespace spillway {

class EngineSession : public QObject, public EngineControl, public DemoControl {
    Q_OBJECT
public:
    explicit EngineSession(QObject* parent = nullptr);
    ~EngineSession() override;  // stop()

    // Starts `plan` on a new host thread and returns at once; progress(), then started() or
    // failed(), follow as queued signals. Returns false while a session is still active.
    bool start(RunPlan plan);
    // Asks the host thread to stop the load generator, drain the engine and tear everything down,
    // and returns at once; stopped() follows. Faults injected through the demo controls are
    // undone first, so the drain can finish.
    void requestStop();
    // requestStop(), then blocks until the host thread has ended. Safe to call when nothing runs.
    void stop();
    bool active() const;

    // The engine's latest snapshot; null while no engine is running. Safe from any thread.
    std::shared_ptr<const Snapshot> snapshot() const;
    // The running engine's options, with the demo's addresses filled in (the dead-letter page
    // opens its own connections with them); empty while no engine is running.
    std::optional<EngineOptions> engine_options() const;

    // EngineControl
    std::string apply_knobs(const Knobs& knobs, const std::string& origin) override;
    std::optional<Knobs> knobs() const override;
    std::vector<KnobChange> knob_history() const override;
    std::map<std::string, std::string> kafka_properties() const override;

    // DemoControl
    DemoStatus demo_status() const override;
    void set_load_rate(double rate_per_sec) override;
    void set_load_paused(bool paused) override;
    void set_payload_bytes(int payload_bytes) override;
    void set_shares(double duplicate_share, double malformed_share) override;
    void set_database_running(bool running, Done done) override;
    void set_broker_down(int broker_id, bool down, Done done) override;

signals:
    void progress(const QString& step);
    void started();
    void failed(const QString& message);
    // The host thread has drained the engine and torn everything down.
    void stopped();

private:
    // Runs on the host thread while the session runs.
    using Task = std::function<void()>;

    void host(RunPlan plan);
    bool stop_requested() const;
    void post(Task task, Done done);
    void serve_until_stopped();
    void undo_faults();

    mutable std::mutex mutex_;  // guards the fields below; never held across a blocking call
    std::condition_variable wake_;
    bool stop_requested_ = false;
    bool active_ = false;
    std::deque<Task> tasks_;
    // Set while they run; owned by the host thread, which clears these before destroying them.
    Engine* engine_ = nullptr;
    std::optional<EngineOptions> engine_options_;
    LoadGenerator* generator_ = nullptr;
    DemoEnvironment* environment_ = nullptr;
    DemoStatus demo_;
    std::thread host_thread_;
};

}  // namespace spillway
