#pragma once
// What the console runs locally: a thin Qt adapter over the SessionHost (core/session), which
// starts and stops every part of the run on its own host thread. This class turns the host's
// hooks into queued signals for the GUI thread and offers the host's controls through the
// console's interfaces (EngineControl, DemoControl, TierControl). GUI thread.
#include <QObject>
#include <memory>
#include <optional>

#include "core/session/session_host.h"
#include "ui/session/demo_control.h"
#include "ui/session/engine_control.h"
#include "ui/session/tier_control.h"

namespace spillway {

class EngineSession : public QObject,
                      public EngineControl,
                      public DemoControl,
                      public TierControl {
    Q_OBJECT
public:
    explicit EngineSession(QObject* parent = nullptr);
    ~EngineSession() override;  // stop()

    // Starts `plan` on the host thread and returns at once; progress(), then started() or
    // failed(), follow as queued signals. Returns false while a session is still active.
    bool start(RunPlan plan);
    // Asks the host to stop the load generator, drain the engine and tear everything down, and
    // returns at once; stopped() follows.
    void request_stop();
    // request_stop(), then blocks until the host thread has ended. Safe when nothing runs.
    void stop();
    bool active() const;

    std::string database_conninfo() const;
    std::shared_ptr<const Snapshot> snapshot() const;
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

    // TierControl
    std::shared_ptr<const TierSnapshot> tier_snapshot() const override;
    void set_tier_policy(const TierPolicy& policy) override;
    void run_tiering_now() override;
    void archive_partition(const std::string& partition) override;
    void restore_partition(const std::string& partition) override;
    TierPrices tier_prices() const override;

signals:
    void progress(const QString& step);
    void started();
    void failed(const QString& message);
    // The host thread has drained the engine and torn everything down.
    void stopped();

private:
    // The host reports on its own thread; the answer reaches `done` on the GUI thread, or is
    // dropped by Qt if this session is gone by then.
    SessionHost::Done on_gui_thread(Done done);

    std::unique_ptr<SessionHost> host_;
};

}  // namespace spillway
