#include "ui/shell/remote_console.h"

#include "ui/session/active_engine.h"
#include "ui/shell/console_status_bar.h"
#include "ui/dead_letters/dead_letter_page.h"
#include "ui/session/console_logging.h"
#include "ui/shell/main_window.h"

namespace spillway {

namespace {

void show_problem(MainWindow& window, const QString& problem) {
    if (auto* bar = qobject_cast<ConsoleStatusBar*>(window.statusBar()))
        bar->setRemoteProblem(problem);
}

}  // namespace

RemoteConsole::RemoteConsole(MainWindow& window, ActiveEngine& active,
                             std::function<void()> use_embedded, QObject* parent)
    : QObject(parent), window_(window), active_(active), use_embedded_(std::move(use_embedded)) {
    connect(&session_, &RemoteEngineSession::connected, this, [this] {
        shown_ = true;
        window_.showConsole();
    });
    connect(&session_, &RemoteEngineSession::requestFailed, this, [this](const QString& problem) {
        if (!shown_) {
            // Never reached: say why on the empty page instead of a spinner that never ends.
            session_.stop();
            window_.deadLetterPage()->clearStore();
            use_embedded_();
            window_.showNoConnection(problem);
        }
        // Otherwise the last good figures stay; polling goes on until the engine answers.
        show_problem(window_, problem);
    });
    connect(&session_, &RemoteEngineSession::recovered, this,
            [this] { show_problem(window_, QString()); });
    connect(&session_, &RemoteEngineSession::knobsRefused, this, [this](const QString& reason) {
        show_problem(window_, tr("The remote engine refused the knobs: %1").arg(reason));
    });
}

void RemoteConsole::connectTo(const ConnectionProfile& profile) {
    session_.stop();
    shown_ = false;
    show_problem(window_, QString());
    window_.setConnectionDescription(profile.describe());
    // Closing the window leaves a remote engine running: it is a service of its own.
    window_.setDrainOnClose(false);
    window_.showStarting(tr("Connecting to the remote engine at %1…").arg(profile.engine_url));
    active_.use(&session_, [this] { return session_.snapshot(); });
    qCInfo(lcConsole) << "connecting to the remote engine of profile" << profile.name;
    session_.start(QUrl(profile.engine_url.trimmed()), profile.api_token);
    // The workbench asks the same engine, through the dead-letter routes of its API.
    window_.deadLetterPage()->setRemote(QUrl(profile.engine_url.trimmed()), profile.api_token);
}

void RemoteConsole::disconnect() {
    if (!session_.active())
        return;
    session_.stop();
    show_problem(window_, QString());
    window_.deadLetterPage()->clearStore();
    use_embedded_();
}

}  // namespace spillway
