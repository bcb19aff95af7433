#pragma once
// The console's side of a remote engine: connecting with a "remote engine" profile points the
// window's ActiveEngine at a RemoteEngineSession, so the dashboard and the tuning page show and
// tune the remote engine as they do the embedded one, and the dead-letter workbench works on its
// table through the API. Failed requests go to the status bar with their URL and HTTP status;
// closing the window only stops polling (the remote engine is a service and keeps running). The
// embedded session's wiring stays in console.cpp.
#include <QObject>
#include <functional>

#include "ui/session/connection_profile.h"
#include "ui/session/remote_engine_session.h"

namespace spillway {

class ActiveEngine;
class MainWindow;

class RemoteConsole : public QObject {
    Q_OBJECT
public:
    // `use_embedded` re-points `active` at the embedded session when the remote one is left.
    RemoteConsole(MainWindow& window, ActiveEngine& active, std::function<void()> use_embedded,
                  QObject* parent = nullptr);

    // Connects to the profile's engine (its token already resolved) and returns at once.
    void connectTo(const ConnectionProfile& profile);
    // Stops polling and hands the window back to the embedded session. No-op when not connected.
    void disconnect();
    bool connected() const { return session_.active(); }

    RemoteEngineSession& session() { return session_; }

private:
    MainWindow& window_;
    ActiveEngine& active_;
    std::function<void()> use_embedded_;
    RemoteEngineSession session_;
    bool shown_ = false;  // the console pages are up (the first snapshot arrived)
};

}  // namespace spillway
