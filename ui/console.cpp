#include "ui/console.h"

#include <QApplication>
#include <QMessageBox>
#include <QPointer>

#include "ui/active_engine.h"
#include "ui/drain_dialog.h"
#include "ui/engine_session.h"
#include "ui/group_page.h"
#include "ui/log.h"
#include "ui/log_capture.h"
#include "ui/main_window.h"
#include "ui/remote_console.h"

namespace spillway {

namespace {

// An unbounded demo producing as fast as possible overruns the mock cluster's small retention and
// makes the charts about the generator rather than the engine; a steady rate is the better show.
constexpr double kConsoleDemoRatePerSecond = 20000;

RunPlan demo_plan(RunPlan plan) {
    plan.demo = true;
    if (plan.load.events == 0 && plan.load.rate_per_sec == 0)
        plan.load.rate_per_sec = kConsoleDemoRatePerSecond;
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

int run_console(RunPlan plan) {
    // Before any page is built, so the log pane sees start-up's lines.
    LogCapture::instance();
    EngineSession session;
    // --- remote engine (issue 6): the window runs over whichever engine is active, the embedded
    // session or a remote one; a "remote engine" profile goes to remote.connectTo(profile).
    ActiveEngine active;
    const auto use_embedded = [&active, &session] {
        active.use(&session, [&session] { return session.snapshot(); });
    };
    use_embedded();
    MainWindow window(ConsoleServices{[&active] { return active.snapshot(); }, &active, &session});
    RemoteConsole remote(window, active, use_embedded);
    window.addPage(new GroupPage(nullptr, nullptr, &window), MainWindow::tr("Group"),
                   MainWindow::tr("Every remote engine side by side"));
    // --- end remote engine
    window.restoreLayout();
    QPointer<DrainDialog> drain_dialog;

    const auto start = [&session, &window, &remote](const RunPlan& run) {
        remote.disconnect();  // remote engine (issue 6): the embedded session takes over
        window.setConnectionDescription(describe_connection(run));
        window.setDrainOnClose(true);
        session.start(run);
    };

    QObject::connect(&session, &EngineSession::progress, &window,
                     [&window](const QString& step) { window.showStarting(step); });
    QObject::connect(&session, &EngineSession::started, &window,
                     [&window] { window.showConsole(); });
    QObject::connect(&session, &EngineSession::failed, &window, [&window](const QString& message) {
        window.showNoConnection(message);
        show_start_error(&window, message);
    });
    QObject::connect(&session, &EngineSession::stopped, &window, [&window, &drain_dialog] {
        window.setDrainOnClose(false);
        if (drain_dialog) {
            drain_dialog->finish();
            window.close();
        }
    });
    QObject::connect(&window, &MainWindow::demoRequested, &session, [&window, &plan, start] {
        window.showStarting(MainWindow::tr("Starting the embedded demo…"));
        start(demo_plan(plan));
    });
    // Closing drains: intake stops, the queue is written, offsets are committed. The host thread
    // does it; the dialog counts down and the window closes when the session reports stopped().
    QObject::connect(
        &window, &MainWindow::closeRequested, &window, [&window, &session, &drain_dialog] {
            if (drain_dialog)
                return;
            drain_dialog = new DrainDialog([&session] { return session.snapshot(); }, &window);
            drain_dialog->setAttribute(Qt::WA_DeleteOnClose);
            qCInfo(lcConsole) << "closing: draining the engine";
            session.requestStop();
            drain_dialog->open();
        });

    if (plan.demo) {
        window.showStarting(MainWindow::tr("Starting the embedded demo…"));
        start(demo_plan(plan));
    } else if (!plan.engine.source.bootstrap_servers.empty()) {
        window.showStarting(MainWindow::tr("Connecting to %1…")
                                .arg(QString::fromStdString(plan.engine.source.bootstrap_servers)));
        start(plan);
    } else {
        window.showNoConnection();
    }

    window.show();
    const int exit_code = QApplication::exec();
    // Already drained after a window close; after a signal (SIGINT) this drains now.
    session.stop();
    return exit_code;
}

}  // namespace spillway
