#include "ui/shell/console.h"

#include <QApplication>
#include <QMessageBox>
#include <algorithm>
#include <utility>

#include "ui/session/active_engine.h"
#include "ui/session/connection_profile.h"
#include "ui/profiles/connection_profile_manager.h"
#include "ui/dead_letters/dead_letter_page.h"
#include "ui/shell/drain_dialog.h"
#include "ui/session/engine_session.h"
#include "ui/group/group_page.h"
#include "ui/session/console_logging.h"
#include "ui/session/log_capture.h"
#include "ui/shell/main_window.h"
#include "ui/storage/storage_page.h"
#include "ui/shell/remote_console.h"

namespace spillway {

namespace {

// An unbounded demo producing as fast as possible overruns the mock cluster's small retention and
// makes the charts about the generator rather than the engine; a steady rate is the better show.
constexpr double kConsoleDemoRatePerSecond = 20000;

// The mock cluster keeps ~5 MiB per partition; this many seconds of the demo's load must fit, so
// that stopping PostgreSQL for a while shows backpressure and recovery rather than data aged out.
constexpr double kConsoleDemoRetentionSeconds = 15;

RunPlan demo_plan(RunPlan plan) {
    plan.demo = true;
    if (plan.load.events == 0 && plan.load.rate_per_sec == 0) {
        plan.load.rate_per_sec = kConsoleDemoRatePerSecond;
        plan.environment.kafka.partitions =
            std::max(plan.environment.kafka.partitions,
                     DemoEnvironment::partitions_for(
                         int64_t(kConsoleDemoRatePerSecond * kConsoleDemoRetentionSeconds),
                         plan.load.payload_bytes));
    }
    return plan;
}

QString describe_connection(const RunPlan& plan) {
    if (plan.demo)
        return MainWindow::tr(
                   "Embedded demo: mock Kafka cluster (%1 brokers) and a private "
                   "PostgreSQL server on this machine")
            .arg(plan.environment.kafka.brokers);
    return MainWindow::tr("Kafka %1 · topic %2 · group %3")
        .arg(QString::fromStdString(plan.engine.source.bootstrap_servers),
             QString::fromStdString(plan.engine.source.topic),
             QString::fromStdString(plan.engine.source.group_id));
}

// Start-up errors can carry a server's log excerpt: the first line goes in the dialog's text, the
// whole message behind "Show Details…" where it can be read and copied.
void show_start_error(QWidget* parent, const QString& message) {
    QMessageBox box(QMessageBox::Critical, MainWindow::tr("Spillway could not start"),
                    message.section(u'\n', 0, 0), QMessageBox::Ok, parent);
    if (message.contains(u'\n'))
        box.setDetailedText(message);
    box.setTextInteractionFlags(Qt::TextSelectableByMouse);
    box.exec();
}

}  // namespace

Console::Console(RunPlan plan, QObject* parent)
    : QObject(parent), plan_(std::move(plan)), session_(std::make_unique<EngineSession>()) {
    // Before any page is built, so the log pane sees start-up's lines.
    LogCapture::instance();
    EngineSession* session = session_.get();
    // --- the pages see whichever engine is active, embedded or remote.
    active_ = std::make_unique<ActiveEngine>();
    ActiveEngine* active = active_.get();
    const auto use_embedded = [active, session] {
        active->use(session, [session] { return session->snapshot(); });
    };
    use_embedded();
    window_ = std::make_unique<MainWindow>(
        ConsoleServices{[active] { return active->snapshot(); }, active, session});
    remote_ = std::make_unique<RemoteConsole>(*window_, *active_, use_embedded);
    window_->addPage(new StoragePage(window_->feed(), session), MainWindow::tr("Storage"),
                     MainWindow::tr("Bytes per tier, what they cost, partitions and tiering policy"));
    window_->addPage(new GroupPage(nullptr, nullptr, window_.get()), MainWindow::tr("Group"),
                     MainWindow::tr("Every remote engine side by side"));
    // --- end remote engine
    window_->restoreLayout();
    MainWindow* window = window_.get();

    connect(session, &EngineSession::progress, window,
            [window](const QString& step) { window->showStarting(step); });
    connect(session, &EngineSession::started, this, [this, window, session] {
        window->showConsole();
        // The workbench opens its own connections to the engine's dead-letter table.
        if (const std::optional<EngineOptions> options = session->engine_options())
            window->deadLetterPage()->setStore(options->sink, options->source.decoder);
        emit sessionStarted();
    });
    connect(session, &EngineSession::failed, window, [window](const QString& message) {
        window->showNoConnection(message);
        show_start_error(window, message);
    });
    connect(session, &EngineSession::stopped, this, [this, window] {
        // --- a drain ending after a remote connect keeps its workbench
        if (!remote_->connected())
            window->deadLetterPage()->clearStore();
        // --- end remote engine
        window->setDrainOnClose(false);
        if (drain_dialog_) {
            drain_dialog_->finish();
            window->close();
        } else if (next_plan_) {
            start(*std::exchange(next_plan_, std::nullopt));
        }
    });
    connect(window, &MainWindow::demoRequested, this, &Console::startDemo);
    connect(window, &MainWindow::profilesRequested, this, [this] { openProfiles(); });
    // Closing drains: intake stops, the queue is written, offsets are committed. The host thread
    // does it; the dialog counts down and the window closes when the session reports stopped().
    connect(window, &MainWindow::closeRequested, this, [this, window, session] {
        if (drain_dialog_)
            return;
        drain_dialog_ = new DrainDialog([session] { return session->snapshot(); }, window);
        drain_dialog_->setAttribute(Qt::WA_DeleteOnClose);
        qCInfo(lcConsole) << "closing: draining the engine";
        session->request_stop();
        drain_dialog_->open();
    });
}

Console::~Console() {
    // Already drained after a window close; otherwise (a signal, a test) this drains now.
    session_->stop();
}

void Console::begin() {
    window_->show();
    const QString last_profile = ConnectionProfileStore().last_used();
    if (plan_.demo) {
        window_->showStarting(MainWindow::tr("Starting the embedded demo…"));
        start(demo_plan(plan_));
    } else if (!plan_.engine.source.bootstrap_servers.empty()) {
        window_->showStarting(
            MainWindow::tr("Connecting to %1…")
                .arg(QString::fromStdString(plan_.engine.source.bootstrap_servers)));
        start(plan_);
    } else if (!last_profile.isEmpty() && ConnectionProfileStore().load(last_profile)) {
        // The last profile comes back: its passwords from the keychain, or asked for now.
        window_->showNoConnection();
        make_profile_manager()->activate(last_profile);
    } else {
        window_->showNoConnection();
    }
}

void Console::startDemo() {
    // The demo is not a saved connection: the next start offers it again instead of connecting
    // to the profile used before.
    ConnectionProfileStore().set_last_used({});
    switch_to(demo_plan(plan_), MainWindow::tr("Starting the embedded demo…"));
}

void Console::connectProfile(const ConnectionProfile& profile) {
    if (profile.is_remote()) {  // a remote engine needs no local session
        next_plan_.reset();
        if (session_->active())
            session_->request_stop();  // drains in the background
        remote_->connectTo(profile);
        return;
    }
    switch_to(plan_for_profile(profile, plan_),
              MainWindow::tr("Connecting with profile “%1” to %2…")
                  .arg(profile.name, profile.kafka_address()));
}

ConnectionProfileManager* Console::openProfiles() {
    ConnectionProfileManager* manager = make_profile_manager();
    manager->open();
    return manager;
}

ConnectionProfileManager* Console::make_profile_manager() {
    auto* manager = new ConnectionProfileManager(nullptr, nullptr, window_.get());
    manager->setAttribute(Qt::WA_DeleteOnClose);
    connect(manager, &ConnectionProfileManager::profileActivated, this, &Console::connectProfile);
    return manager;
}

void Console::start(const RunPlan& run) {
    remote_->disconnect();  // the embedded session takes over
    window_->setConnectionDescription(describe_connection(run));
    window_->setDrainOnClose(true);
    session_->start(run);
}

void Console::switch_to(const RunPlan& run, const QString& step) {
    window_->showStarting(step);
    if (session_->active()) {
        qCInfo(lcConsole) << "switching connection: draining the running session first";
        next_plan_ = run;
        session_->request_stop();
    } else {
        start(run);
    }
}

int run_console(RunPlan plan) {
    Console console(std::move(plan));
    console.begin();
    return QApplication::exec();
}

}  // namespace spillway
