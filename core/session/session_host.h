#pragma once
// The one session host: everything a run starts, in order, and stops in reverse, for the console
// and the headless service alike. From a RunPlan it starts the embedded parts (for the demo),
// the engine, the tiering service (when the plan has an archive directory), whatever the caller
// attaches beside the engine (the service endpoint), and the demo's load generator; on stop it
// stops the load, undoes injected faults, drains the engine, detaches, and tears down.
//
// All of it runs on one host thread that lives as long as the session: the embedded PostgreSQL
// server is killed (PDEATHSIG) when the thread that started it exits, starting takes a second or
// two that no caller should block on, and the demo's slow actions (stopping and restarting
// PostgreSQL, taking a broker down) run there too, so PostgreSQL is always restarted by its
// owner. Every public call is safe from any thread; hooks are called on the host thread.
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/session/demo_status.h"
#include "core/session/run_plan.h"

namespace spillway {

class SessionHost;
class TieringService;

// What a session ended with, handed to SessionHooks::drained while the embedded parts still run.
struct SessionEnd {
    DrainReport drain;
    Snapshot snapshot;                       // the engine's, after the drain
    std::optional<LoadGeneratorStats> load;  // the demo's load generator, when it ran
    RunPlan plan;                            // as run: the embedded parts' addresses filled in
};

struct SessionHooks {
    using Attach = std::function<std::shared_ptr<void>(SessionHost& host)>;
    std::function<void(const std::string& step)> progress;
    // The engine runs and the attachment (if any) is up.
    std::function<void()> started;
    // Starting failed; `stopped` follows.
    std::function<void(const std::string& message)> failed;
    // Called once the engine runs; what it returns lives until the engine has drained and is
    // destroyed before the engine (the service endpoint lives here). Throwing fails the start.
    Attach attach;
    // After the drain, before the embedded PostgreSQL and Kafka stop: final checks, summaries.
    std::function<void(const SessionEnd& end)> drained;
    // Everything is torn down; the host thread is about to end.
    std::function<void()> stopped;
};

class SessionHost {
public:
    // Called on the host thread once a demo action is done: an empty error means it worked.
    using Done = std::function<void(const std::string& error)>;

    explicit SessionHost(SessionHooks hooks = {});
    ~SessionHost();  // stop()
    SessionHost(const SessionHost&) = delete;
    SessionHost& operator=(const SessionHost&) = delete;

    // Starts `plan` on a new host thread and returns at once; progress, then started or failed,
    // follow through the hooks. Returns false while a session is still active.
    bool start(RunPlan plan);
    // Asks the host thread to stop the load, drain the engine and tear everything down; returns
    // at once. Faults injected through the demo controls are undone first, so the drain can
    // finish.
    void request_stop();
    // request_stop(), then blocks until the host thread has ended. Safe when nothing runs.
    void stop();
    // Blocks until the host thread has ended, without asking it to stop.
    void wait();
    bool active() const;
    bool stop_requested() const;

    // The running engine, for attachments (valid from `attach` until the attachment is
    // destroyed); null while no engine runs.
    Engine* engine() const;
    // The engine's latest snapshot; null while no engine is running.
    std::shared_ptr<const Snapshot> snapshot() const;
    // The running engine's options, with the embedded parts' addresses filled in.
    std::optional<EngineOptions> engine_options() const;
    std::string database_conninfo() const;  // empty while no engine runs
    std::string bootstrap_servers() const;  // empty while no engine runs
    // Knobs: refused with the reason "no engine is running" while none runs.
    std::string apply_knobs(const Knobs& knobs, const std::string& origin);
    std::optional<Knobs> knobs() const;
    std::vector<KnobChange> knob_history() const;
    std::map<std::string, std::string> kafka_properties() const;

    // The demo: no effect (and `available` false) unless the plan was a demo.
    DemoStatus demo_status() const;
    bool load_finished() const;  // the generator produced all its --events
    void set_load_rate(double rate_per_sec);
    void set_load_paused(bool paused);
    void set_payload_bytes(int payload_bytes);
    void set_shares(double duplicate_share, double malformed_share);
    // Run on the host thread; `done` is called there with the outcome.
    void set_database_running(bool running, Done done);
    void set_broker_down(int broker_id, bool down, Done done);

    // Storage tiers: null snapshot and no effect while the plan has no archive directory.
    std::shared_ptr<const TierSnapshot> tier_snapshot() const;
    void set_tier_policy(const TierPolicy& policy);
    void run_tiering_now();
    void archive_partition(const std::string& partition);
    void restore_partition(const std::string& partition);
    TierPrices tier_prices() const;

private:
    using Task = std::function<void()>;

    void host(RunPlan plan);
    void post(Task task, Done done);
    void serve_until_stopped();
    void undo_faults();
    void fail(const std::string& message);

    const SessionHooks hooks_;
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
    TieringService* tiering_ = nullptr;
    TierPrices prices_;
    DemoStatus demo_;
    std::thread host_thread_;
};

}  // namespace spillway
