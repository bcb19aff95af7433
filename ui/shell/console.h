#pragma once
// The operations console: the main window over a running engine, the embedded demo, a saved
// connection profile or (with no addresses at all) an empty state that offers the demo and the
// profiles. It owns the engine session and connects it to the window: starting, switching
// connections (the running session is drained first), the dead-letter workbench's store, and the
// drain on close.
#include <QObject>
#include <QPointer>
#include <memory>
#include <optional>

#include "core/session/run_plan.h"

namespace spillway {

class ActiveEngine;
class ConnectionProfileManager;
class DrainDialog;
class EngineSession;
class MainWindow;
class RemoteConsole;
struct ConnectionProfile;

class Console : public QObject {
    Q_OBJECT
public:
    // `plan` is the command line's: its knobs and options apply to whatever the console connects
    // to. Requires an existing QApplication.
    explicit Console(RunPlan plan, QObject* parent = nullptr);
    ~Console() override;  // drains and stops the session

    // Shows the window and starts what the plan asks for: the demo, the given addresses, else the
    // last used connection profile, else the empty state.
    void begin();

    void startDemo();
    // Drains the running session (if any), then connects to the profile (passwords resolved).
    // A "remote engine" profile is watched through its control API instead (see RemoteConsole).
    void connectProfile(const ConnectionProfile& profile);
    // The connection profiles dialog, non-modal; connecting from it calls connectProfile().
    ConnectionProfileManager* openProfiles();

    MainWindow& window() { return *window_; }
    EngineSession& session() { return *session_; }
    RemoteConsole& remote() { return *remote_; }

signals:
    // A session has started, with the dead-letter workbench pointed at its store.
    void sessionStarted();

private:
    void start(const RunPlan& run);
    void switch_to(const RunPlan& run, const QString& step);
    ConnectionProfileManager* make_profile_manager();

    RunPlan plan_;
    std::unique_ptr<EngineSession> session_;
    // Local or remote engine: the window runs over active_, pointed at the embedded session or
    // at remote_'s. Declared around window_ so that each outlives what uses it.
    std::unique_ptr<ActiveEngine> active_;
    std::unique_ptr<MainWindow> window_;
    std::unique_ptr<RemoteConsole> remote_;
    QPointer<DrainDialog> drain_dialog_;
    std::optional<RunPlan> next_plan_;  // started once the running session has stopped
};

// Runs a Console until its window is closed and whatever was started has been drained and
// stopped; returns the application's exit code.
int run_console(RunPlan plan);

}  // namespace spillway
