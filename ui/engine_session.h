#pragma once
// What the console runs: the engine and, for the demo, the embedded Kafka and PostgreSQL plus the
// load generator. Everything is started, owned and torn down by one host thread that lives as long
// as the session: the embedded PostgreSQL server is killed (PDEATHSIG) when the thread that
// started it exits, and starting takes a second or two that the GUI thread should not freeze for.
#include <QObject>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "core/run_plan.h"

namespace spillway {

class EngineSession : public QObject {
    Q_OBJECT
public:
    explicit EngineSession(QObject* parent = nullptr);
    ~EngineSession() override;  // stop()

    // Starts `plan` on a new host thread and returns at once; progress(), then started() or
    // failed(), follow as queued signals. Returns false while a session is still active.
    bool start(RunPlan plan);
    // Stops the load generator, drains the engine (up to its drain timeout) and tears everything
    // down; blocks until the host thread has ended. Safe to call when nothing runs.
    void stop();
    bool active() const;

    // The engine's latest snapshot; null while no engine is running. Safe from any thread.
    std::shared_ptr<const Snapshot> snapshot() const;

signals:
    void progress(const QString& step);
    void started();
    void failed(const QString& message);

private:
    void host(RunPlan plan);
    bool stop_requested() const;

    mutable std::mutex mutex_;  // guards the fields below; never held across a blocking call
    std::condition_variable stop_cv_;
    bool stop_requested_ = false;
    bool active_ = false;
    const Engine* engine_ = nullptr;  // set while the engine runs; owned by the host thread
    std::thread host_thread_;
};

}  // namespace spillway
