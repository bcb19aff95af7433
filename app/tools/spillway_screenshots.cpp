// spillway_screenshots: runs the console over a short real demo (embedded Kafka and PostgreSQL, the
// engine, the load generator) and saves a PNG of every page to $SPILLWAY_SCREENSHOT_DIR (default
// /tmp/spillway-screens). Along the way it does what an operator would: changes batch size and
// writers in the tuning panel, bursts the load, stops PostgreSQL for a few seconds, reverts the
// change, so the charts have markers and something to show. About a minute; not run by CTest.
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <iostream>

#include <qcustomplot.h>
#include "ui/charts/chart_timeline.h"
#include "ui/session/connection_profile.h"
#include "ui/profiles/connection_profile_manager.h"
#include "ui/shell/console.h"
#include "ui/dashboard/dashboard_page.h"
#include "ui/dead_letters/dead_letter_model.h"
#include "ui/dead_letters/dead_letter_page.h"
#include "ui/delivery/delivery_page.h"
#include "ui/demo/demo_page.h"
#include "ui/shell/drain_dialog.h"
#include "ui/session/engine_session.h"
#include "ui/shell/help_overlay.h"
#include "ui/storage/storage_page.h"
#include "ui/tuning/knob_form.h"
#include "ui/session/log_capture.h"
#include "ui/log/log_pane.h"
#include "ui/shell/main_window.h"
#include "ui/charts/time_series_chart.h"
#include "ui/tuning/tuning_page.h"
#include "core/postgres/partition_day.h"
#include "core/postgres/pg_connection.h"
#include "core/postgres/sink_schema.h"

using namespace spillway;

namespace {

QString output_dir() {
    QString dir =
        qEnvironmentVariable("SPILLWAY_SCREENSHOT_DIR", QStringLiteral("/tmp/spillway-screens"));
    QDir().mkpath(dir);
    return dir;
}

void save(QWidget* widget, const QString& name) {
    QCoreApplication::processEvents();
    QTest::qWait(250);  // a few feed ticks: queued replots land
    const QString path = output_dir() + u'/' + name + QStringLiteral(".png");
    if (widget->grab().save(path))
        std::cout << "saved " << path.toStdString() << std::endl;
    else
        std::cerr << "could not save " << path.toStdString() << std::endl;
}

// Waits while the event loop runs, so the feed ticks and the charts fill.
void run_for(int seconds) {
    QTest::qWait(seconds * 1000);
}

QPalette dark_palette() {
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x1e, 0x1f, 0x22));
    dark.setColor(QPalette::WindowText, QColor(0xe4, 0xe4, 0xe7));
    dark.setColor(QPalette::Base, QColor(0x18, 0x18, 0x1b));
    dark.setColor(QPalette::AlternateBase, QColor(0x27, 0x27, 0x2a));
    dark.setColor(QPalette::Text, QColor(0xe4, 0xe4, 0xe7));
    dark.setColor(QPalette::Button, QColor(0x2a, 0x2b, 0x2e));
    dark.setColor(QPalette::ButtonText, QColor(0xe4, 0xe4, 0xe7));
    dark.setColor(QPalette::Highlight, QColor(0x3b, 0x82, 0xf6));
    dark.setColor(QPalette::HighlightedText, QColor(0xff, 0xff, 0xff));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        dark.setColor(QPalette::Disabled, role, QColor(0x71, 0x71, 0x7a));
    return dark;
}

// The demo's events are all from today; for the storage page to show a cold tier, copy a slice of
// them into partitions of days long past (new ids, event times shifted back), which the tiering
// job then archives for real. Needs the partitioned events table; skipped otherwise.
void age_some_events(const std::string& conninfo) {
    PgConnection db(conninfo);
    db.exec("SET TimeZone = 'UTC'");
    if (db.query_column("SELECT count(*) FROM pg_partitioned_table WHERE partrelid = "
                        "'events'::regclass")
            .at(0) == "0") {
        std::cerr << "events is not partitioned: no cold tier to show" << std::endl;
        return;
    }
    std::string columns, shifted;
    for (const std::string& column : db.query_column(
             "SELECT attname FROM pg_attribute WHERE attrelid = 'events'::regclass AND attnum > 0 "
             "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum")) {
        columns += (columns.empty() ? "" : ", ") + quote_identifier(column);
        shifted += std::string(shifted.empty() ? "" : ", ") +
                   (column == "event_id"     ? "event_id || '-aged-' || $1"
                    : column == "event_time" ? "event_time - make_interval(days => $1::int)"
                                             : quote_identifier(column));
    }
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    for (int days_ago : {123, 122, 121, 120, 95}) {
        const auto day = today - std::chrono::days(days_ago);
        const std::string partition = day_partition_table("events", day);
        db.exec("CREATE TABLE IF NOT EXISTS " + partition + " PARTITION OF events FOR VALUES FROM ('" +
                iso_utc(day) + "') TO ('" + iso_utc(day + std::chrono::days(1)) + "')");
        db.exec_params("INSERT INTO events (" + columns + ") SELECT " + shifted +
                           " FROM events WHERE event_time >= $2::timestamptz LIMIT $3",
                       {std::to_string(days_ago), iso_utc(today), std::to_string(15000 + days_ago * 100)});
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);  // keep the user's settings out of this
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QLoggingCategory::setFilterRules(QStringLiteral("spillway.console.info=true"));
    LogCapture::instance();

    // No demo in the plan: the console opens on its empty state, and the demo starts from there
    // with these settings, as with the welcome page's button.
    RunPlan plan;
    plan.environment.kafka.brokers = 3;
    plan.environment.kafka.partitions = 6;
    plan.load.rate_per_sec = 8000;
    plan.load.duplicate_share = 0.02;
    plan.load.malformed_share = 0.01;
    const QTemporaryDir archive_dir;
    plan.tiering.archive_dir = archive_dir.path().toStdString();
    plan.tier_policy.archive_after_days = 90;

    Console console(plan);
    MainWindow& window = console.window();
    EngineSession& session = console.session();
    window.resize(1440, 900);
    console.begin();
    save(&window, QStringLiteral("00-welcome"));
    QSignalSpy started(&session, &EngineSession::started);
    QSignalSpy failed(&session, &EngineSession::failed);
    console.startDemo();
    save(&window, QStringLiteral("00-starting"));
    if (!started.wait(120000)) {
        std::cerr << "the demo did not start: "
                  << (failed.isEmpty() ? std::string("timeout")
                                       : failed.first().first().toString().toStdString())
                  << std::endl;
        return 1;
    }
    window.dashboardPage()->timeline()->setWindowSeconds(60);
    run_for(12);

    // An operator's change through the tuning panel: smaller batches, one writer.
    TuningPage* tuning = window.tuningPage();
    window.showPage(tuning);
    qobject_cast<QSpinBox*>(tuning->form()->fieldWidget(KnobForm::Field::BatchSize))->setValue(700);
    qobject_cast<QSpinBox*>(tuning->form()->fieldWidget(KnobForm::Field::WriterConcurrency))
        ->setValue(1);
    save(&window, QStringLiteral("02-tuning-edited"));
    QTest::mouseClick(tuning->findChild<QPushButton*>(QStringLiteral("button_apply")),
                      Qt::LeftButton);
    window.showDashboard();
    run_for(8);

    DemoPage* demo = window.demoPage();
    demo->startBurst();
    run_for(7);
    // Through the demo page's button, as an operator would.
    auto* database = demo->findChild<QPushButton*>(QStringLiteral("button_database"));
    database->click();
    run_for(6);
    for (int waited = 0; !database->isEnabled() && waited < 200; ++waited)
        QTest::qWait(100);
    database->click();
    run_for(6);
    tuning->revert();
    run_for(6);
    // An invalid edit: the reason shows at the field and Apply stays off.
    window.showPage(tuning);
    qobject_cast<QDoubleSpinBox*>(tuning->form()->fieldWidget(KnobForm::Field::LowWatermark))
        ->setValue(90);
    save(&window, QStringLiteral("03-tuning-refused"));
    tuning->form()->load(tuning->form()->loaded());

    window.showDashboard();
    save(&window, QStringLiteral("01-dashboard"));
    window.dashboardPage()->timeline()->setWindowSeconds(300);
    save(&window, QStringLiteral("01-dashboard-5min"));
    window.showPage(tuning);
    save(&window, QStringLiteral("04-tuning"));
    window.showPage(demo);
    save(&window, QStringLiteral("05-demo"));
    window.showPage(window.deliveryPage());
    save(&window, QStringLiteral("17-delivery"));
    window.showDashboard();
    window.logDock()->show();
    window.logPane()->setMinimumLevel(QtDebugMsg);
    save(&window, QStringLiteral("06-dashboard-with-log"));
    window.logDock()->hide();
    window.helpOverlay()->open();
    save(&window, QStringLiteral("07-help"));
    window.helpOverlay()->hide();

    // The workbench on the demo's dead letters, the first one selected.
    DeadLetterPage* workbench = window.deadLetterPage();
    window.showPage(workbench);
    for (int waited = 0; workbench->model()->rowCount() == 0 && waited < 50; ++waited) {
        workbench->refresh();
        QTest::qWait(200);
    }
    workbench->table()->selectRow(0);
    QTest::qWait(500);
    save(&window, QStringLiteral("12-dead-letters"));
    window.showDashboard();
    ConnectionProfile staging;
    staging.name = QStringLiteral("staging");
    staging.bootstrap_servers = QStringLiteral("127.0.0.1:9092");
    staging.topic = QStringLiteral("orders");
    staging.pg_host = QStringLiteral("127.0.0.1");
    staging.pg_user = QStringLiteral("ingest");
    staging.pg_database = QStringLiteral("ingest");
    ConnectionProfileStore().save(staging);
    ConnectionProfileManager* profiles = console.openProfiles();
    save(profiles, QStringLiteral("13-profiles"));
    profiles->close();

    const QPalette original = QApplication::palette();
    QApplication::setPalette(dark_palette());
    save(&window, QStringLiteral("08-dashboard-dark"));
    window.showPage(tuning);
    save(&window, QStringLiteral("09-tuning-dark"));
    window.showPage(demo);
    save(&window, QStringLiteral("10-demo-dark"));
    window.showPage(workbench);
    save(&window, QStringLiteral("14-dead-letters-dark"));
    window.showPage(window.deliveryPage());
    save(&window, QStringLiteral("18-delivery-dark"));
    QApplication::setPalette(original);
    window.showDashboard();

    // Storage: a few aged partitions, archived by the tiering job; one restored on demand.
    auto* storage = window.findChild<StoragePage*>();  // the console adds it
    try {
        age_some_events(session.database_conninfo());
    } catch (const std::exception& error) {
        std::cerr << "could not age events: " << error.what() << std::endl;
    }
    window.showPage(storage);
    session.run_tiering_now();
    run_for(8);
    session.restore_partition(day_partition_table(
        "events", std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) -
                      std::chrono::days(95)));
    run_for(6);
    save(&window, QStringLiteral("15-storage"));
    QApplication::setPalette(dark_palette());
    save(&window, QStringLiteral("16-storage-dark"));
    QApplication::setPalette(original);
    window.showDashboard();


    // Closing drains, with the dialog counting down. With PostgreSQL stopped for a while first
    // there is a backlog to count: the session restarts the database, then drains.
    database->click();
    run_for(4);
    DrainDialog dialog([&session] { return session.snapshot(); }, &window);
    QSignalSpy stopped(&session, &EngineSession::stopped);
    session.request_stop();
    dialog.open();
    QTest::qWait(100);
    save(&dialog, QStringLiteral("11-draining"));
    stopped.wait(60000);
    dialog.finish();
    return 0;
}
