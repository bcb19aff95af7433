#include "ui/console.h"

#include <QApplication>
#include <QMessageBox>

#include "ui/engine_session.h"
#include "ui/log.h"
#include "ui/main_window.h"

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
    EngineSession session;
    MainWindow window([&session] { return session.snapshot(); });

    QObject::connect(&session, &EngineSession::progress, &window,
                     [&window](const QString& step) { window.showStarting(step); });
    QObject::connect(&session, &EngineSession::started, &window,
                     [&window] { window.showDashboard(); });
    QObject::connect(&session, &EngineSession::failed, &window, [&window](const QString& message) {
        window.showNoConnection(message);
        show_start_error(&window, message);
    });
    QObject::connect(&window, &MainWindow::demoRequested, &session, [&session, &window, &plan] {
        window.showStarting(MainWindow::tr("Starting the embedded demo…"));
        if (!session.start(demo_plan(plan)))
            qCWarning(lcConsole) << "demo requested while a session is active";
    });

    if (plan.demo) {
        window.showStarting(MainWindow::tr("Starting the embedded demo…"));
        session.start(demo_plan(plan));
    } else if (!plan.engine.source.bootstrap_servers.empty()) {
        window.showStarting(MainWindow::tr("Connecting to %1…")
                                .arg(QString::fromStdString(plan.engine.source.bootstrap_servers)));
        session.start(plan);
    } else {
        window.showNoConnection();
    }

    window.show();
    const int exit_code = QApplication::exec();
    // The window is gone by now; the drain can take up to the drain timeout.
    session.stop();
    return exit_code;
}

}  // namespace spillway
