// The console around the pages: the log pane (capture from any thread, level and text filter,
// bounded model), the demo controls over a fake demo, the help overlay, the drain dialog, the
// close-drains handshake, the status bar's connection dots, and the layout restored on start.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDockWidget>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QToolButton>
#include <thread>

#include "support/scripted_snapshots.h"
#include "support/test_main.h"
#include "ui/dashboard/dashboard_page.h"
#include "ui/demo/demo_page.h"
#include "ui/shell/drain_dialog.h"
#include "ui/shell/help_overlay.h"
#include "ui/session/log_capture.h"
#include "ui/log/log_model.h"
#include "ui/log/log_pane.h"
#include "ui/shell/main_window.h"
#include "ui/widgets/theme.h"
#include "ui/charts/time_series_chart.h"
#include "ui/tuning/tuning_page.h"

using namespace spillway;
using namespace spillway::test;

namespace {

Q_LOGGING_CATEGORY(lcPaneTest, "spillway.panetest", QtDebugMsg)

// A demo whose slow actions finish on the next turn of the event loop.
class FakeDemo : public DemoControl {
public:
    FakeDemo() {
        status.available = true;
        status.rate_per_sec = 2000;
        status.payload_bytes = 300;
        status.duplicate_share = 0.02;
        status.malformed_share = 0.01;
        status.database_embedded = true;
        status.database_running = true;
        status.broker_down = {false, false, false};
    }
    DemoStatus demo_status() const override { return status; }
    void set_load_rate(double rate) override {
        status.rate_per_sec = rate;
        rates.push_back(rate);
    }
    void set_load_paused(bool paused) override { status.load_paused = paused; }
    void set_payload_bytes(int bytes) override { status.payload_bytes = bytes; }
    void set_shares(double duplicate, double malformed) override {
        status.duplicate_share = duplicate;
        status.malformed_share = malformed;
    }
    void set_database_running(bool running, Done done) override {
        status.busy = true;
        pending = [this, running, done] {
            status.database_running = running;
            status.busy = false;
            done(QString());
        };
    }
    void set_broker_down(int broker_id, bool down, Done done) override {
        status.broker_down[size_t(broker_id - 1)] = down;
        done(QString());
    }
    void finish_pending() {
        if (pending)
            std::exchange(pending, nullptr)();
    }

    DemoStatus status;
    std::vector<double> rates;
    std::function<void()> pending;
};

int rows_containing(const QAbstractItemModel* model, const QString& text) {
    int rows = 0;
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->index(row, LogModel::Message).data().toString().contains(text))
            ++rows;
    return rows;
}

}  // namespace

class TstConsolePanes : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        LogCapture::instance();
    }

    void logPaneFiltersByLevel() {
        LogPane pane;
        QAbstractItemModelTester source_tester(
            pane.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester filter_tester(
            pane.filter(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        const QString marker = QStringLiteral("level-filter-check");
        qCDebug(lcPaneTest) << marker << "debug";
        qCInfo(lcPaneTest) << marker << "info";
        qCWarning(lcPaneTest) << marker << "warning";
        qCCritical(lcPaneTest) << marker << "critical";
        QTRY_COMPARE_WITH_TIMEOUT(rows_containing(pane.model(), marker), 4, 2000);
        pane.setMinimumLevel(QtDebugMsg);
        QCOMPARE(rows_containing(pane.filter(), marker), 4);
        pane.setMinimumLevel(QtInfoMsg);
        QCOMPARE(rows_containing(pane.filter(), marker), 3);
        pane.setMinimumLevel(QtWarningMsg);
        QCOMPARE(rows_containing(pane.filter(), marker), 2);
        pane.setMinimumLevel(QtCriticalMsg);
        QCOMPARE(rows_containing(pane.filter(), marker), 1);
        QCOMPARE(pane.filter()->index(pane.filter()->rowCount() - 1, LogModel::Level).data(),
                 QVariant(QStringLiteral("error")));
        QCOMPARE(pane.filter()->index(pane.filter()->rowCount() - 1, LogModel::Category).data(),
                 QVariant(QStringLiteral("spillway.panetest")));
        pane.setMinimumLevel(QtDebugMsg);
        pane.filter()->setText(QStringLiteral("panetest"));
        QCOMPARE(pane.filter()->rowCount(), rows_containing(pane.filter(), marker));
    }

    // Lines logged on other threads arrive, in each thread's order, on the GUI thread.
    void logLinesFromOtherThreadsArrive() {
        LogPane pane;
        constexpr int kThreads = 4, kLines = 300;
        std::vector<std::thread> threads;
        for (int thread = 0; thread < kThreads; ++thread)
            threads.emplace_back([thread] {
                for (int line = 0; line < kLines; ++line)
                    qCWarning(lcPaneTest, "threaded %d:%d", thread, line);
            });
        for (std::thread& thread : threads)
            thread.join();
        QTRY_COMPARE_WITH_TIMEOUT(rows_containing(pane.model(), QStringLiteral("threaded ")),
                                  kThreads * kLines, 3000);
        std::vector<int> next(kThreads, 0);
        for (int row = 0; row < pane.model()->rowCount(); ++row) {
            const QString message = pane.model()->index(row, LogModel::Message).data().toString();
            if (!message.startsWith(QStringLiteral("threaded ")))
                continue;
            const QStringList parts = message.mid(9).split(u':');
            const int thread = parts[0].toInt();
            QCOMPARE(parts[1].toInt(), next[size_t(thread)]++);
        }
    }

    // Guards the bound: the oldest lines go, the newest stay.
    void logModelKeepsTheNewestLines() {
        LogModel model(100);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        for (int batch = 0; batch < 5; ++batch) {
            std::vector<LogEntry> entries;
            for (int line = 0; line < 50; ++line)
                entries.push_back({QDateTime::currentDateTime(), QtInfoMsg, "test",
                                   QString::number(batch * 50 + line)});
            model.append(entries);
        }
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.index(0, LogModel::Message).data().toString(), QStringLiteral("150"));
        QCOMPARE(model.index(99, LogModel::Message).data().toString(), QStringLiteral("249"));
        std::vector<LogEntry> flood(250,
                                    LogEntry{QDateTime::currentDateTime(), QtInfoMsg, "t", "x"});
        model.append(flood);
        QCOMPARE(model.rowCount(), 100);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void demoPageDrivesTheDemo() {
        FakeDemo demo;
        ScriptedSnapshots snapshots(running_snapshot());
        MainWindow window(ConsoleServices{snapshots.provider(), nullptr, &demo});
        DemoPage* page = window.demoPage();
        page->setBurstSeconds(1);
        window.feed()->poll();
        QVERIFY(page->available());
        QVERIFY(window.findChild<QToolButton*>("nav_2")->isVisibleTo(&window));
        window.showPage(page);
        QCOMPARE(window.currentPage(), page);

        auto* rate = page->findChild<QSpinBox*>("spin_rate");
        QCOMPARE(rate->value(), 2000);
        rate->setValue(5000);
        QCOMPARE(demo.status.rate_per_sec, 5000.0);
        page->findChild<QSlider*>("slider_rate")->setValue(400);  // the right end: 100,000/s
        QCOMPARE(demo.status.rate_per_sec, 100000.0);
        rate->setValue(3000);
        page->findChild<QSpinBox*>("spin_payload")->setValue(1200);
        QCOMPARE(demo.status.payload_bytes, 1200);
        page->findChild<QDoubleSpinBox*>("spin_malformed")->setValue(5);
        QCOMPARE(demo.status.malformed_share, 0.05);

        // A burst multiplies the rate, then returns to it.
        auto* burst = page->findChild<QPushButton*>("button_burst");
        QTest::mouseClick(burst, Qt::LeftButton);
        QCOMPARE(demo.status.rate_per_sec, 3000.0 * DemoPage::kBurstFactor);
        QVERIFY(!burst->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(demo.status.rate_per_sec, 3000.0, 3000);
        QVERIFY(burst->isEnabled());

        // Pausing stops the generator (a rate of 0 would mean "as fast as possible").
        auto* pause = page->findChild<QPushButton*>("button_pause_load");
        QTest::mouseClick(pause, Qt::LeftButton);
        QVERIFY(demo.status.load_paused);
        QCOMPARE(demo.status.rate_per_sec, 3000.0);
        QCOMPARE(pause->text(), QStringLiteral("Resume the load"));
        window.feed()->poll();
        QTRY_VERIFY_WITH_TIMEOUT(
            page->findChild<QLabel*>("label_load_stats")->text().endsWith(" · paused"), 2000);
        QVERIFY(!burst->isEnabled());
        QTest::mouseClick(pause, Qt::LeftButton);
        QVERIFY(!demo.status.load_paused);
        QCOMPARE(pause->text(), QStringLiteral("Pause the load"));

        // Stopping PostgreSQL: the button waits for the action, the state follows.
        auto* database = page->findChild<QPushButton*>("button_database");
        QCOMPARE(database->text(), QStringLiteral("Stop PostgreSQL"));
        QTest::mouseClick(database, Qt::LeftButton);
        QVERIFY(!database->isEnabled());
        QCOMPARE(page->findChild<QLabel*>("label_database_state")->text(),
                 QStringLiteral("stopping…"));
        demo.finish_pending();
        QTRY_COMPARE_WITH_TIMEOUT(database->text(), QStringLiteral("Start PostgreSQL"), 2000);
        QVERIFY(database->isEnabled());
        QCOMPARE(page->findChild<QLabel*>("label_database_state")->text(),
                 QStringLiteral("stopped"));

        auto* broker = page->findChild<QPushButton*>("button_broker_2");
        QVERIFY(broker);
        QTest::mouseClick(broker, Qt::LeftButton);
        QVERIFY(demo.status.broker_down[1]);
        QTRY_COMPARE_WITH_TIMEOUT(broker->text(), QStringLiteral("Bring up"), 2000);

        // Each action is marked on the page's own charts.
        auto* effect = page->findChild<TimeSeriesChart*>("card_demo_effect");
        QVERIFY(effect);
        QTRY_COMPARE_WITH_TIMEOUT(
            effect->markerLabels(),
            (QStringList{"burst ×3", "load paused", "load resumed", "Stopped PostgreSQL",
                         "Broker 2 is down"}),
            2000);

        // The demo ends: the page leaves the navigation.
        demo.status.available = false;
        window.feed()->poll();
        QVERIFY(!window.findChild<QToolButton*>("nav_2")->isVisibleTo(&window));
        QVERIFY(window.currentPage() != page);
    }

    void withoutADemoThePageIsHidden() {
        MainWindow window([] { return nullptr; });
        window.show();
        QVERIFY(!window.findChild<QToolButton*>("nav_2")->isVisible());
        QVERIFY(window.findChild<QToolButton*>("nav_0")->isVisible());
    }

    void helpOverlayListsTheShortcuts() {
        MainWindow window([] { return nullptr; });
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QTest::keyClick(&window, Qt::Key_F1);
        HelpOverlay* help = window.helpOverlay();
        QVERIFY(help->isVisible());
        QStringList lines;
        for (const QStringList& entry : help->entries())
            lines << entry.join(u'|');
        const QString all = lines.join(u'\n');
        for (const char* expected :
             {"Everywhere|Ctrl+1|Show the Dashboard page", "Dashboard|F5 or Space|Pause",
              "Dashboard|1|Show the last 1 min", "Tuning|Ctrl+Return or Ctrl+Enter|Apply",
              "Tuning|Ctrl+Z|Revert", "Everywhere|F1 or ?|", "Everywhere|Ctrl+L|",
              "Everywhere|Ctrl+O|Connection profiles", "Dead letters|Ctrl+F|Filter by text",
              "Dead letters|F5|Reload", "Dead letters|Ctrl+R|Replay the selection",
              "Dead letters|Ctrl+E|Export", "Dead letters|Del|Discard",
              "Dead letters|Ctrl+S|Save the edited payload"})
            QVERIFY2(all.contains(QLatin1String(expected)), qPrintable(expected + ("\n" + all)));
        QVERIFY(!all.contains("Demo page"));  // no demo, no shortcut to it
        QTest::keyClick(help, Qt::Key_Escape);
        QVERIFY(!help->isVisible());
    }

    void pagesSwitchWithCtrlNumber() {
        MainWindow window([] { return nullptr; });
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QTest::keyClick(&window, Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(window.currentPage(), window.tuningPage());
        QTest::keyClick(&window, Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(window.currentPage(), static_cast<QWidget*>(window.dashboardPage()));
        QTest::keyClick(&window, Qt::Key_L, Qt::ControlModifier);
        QVERIFY(window.logDock()->isVisible());
        QSignalSpy profiles(&window, &MainWindow::profilesRequested);
        QTest::keyClick(&window, Qt::Key_O, Qt::ControlModifier);
        QCOMPARE(profiles.count(), 1);
        // The empty state offers the profiles as well as the demo.
        window.showNoConnection();
        auto* button = window.findChild<QPushButton*>("button_profiles");
        QVERIFY(button && button->isVisible());
        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(profiles.count(), 2);
    }

    void drainDialogCountsDown() {
        auto snapshot = std::make_shared<Snapshot>(running_snapshot());
        snapshot->queue_events = 1234;
        DrainDialog dialog([&snapshot] { return std::shared_ptr<const Snapshot>(snapshot); });
        dialog.open();
        QCOMPARE(dialog.text(), QStringLiteral("Draining… 1,234 events left"));
        snapshot = std::make_shared<Snapshot>(*snapshot);
        snapshot->queue_events = 34;
        QTRY_COMPARE_WITH_TIMEOUT(dialog.text(), QStringLiteral("Draining… 34 events left"), 1000);
        QTest::keyClick(&dialog, Qt::Key_Escape);  // does not abandon a drain
        QVERIFY(dialog.isVisible());
        dialog.finish();
        QVERIFY(!dialog.isVisible());
    }

    // The console drains before the window goes: closing asks instead of closing.
    void closingAsksToDrainFirst() {
        MainWindow window([] { return nullptr; });
        window.show();
        QSignalSpy requested(&window, &MainWindow::closeRequested);
        window.setDrainOnClose(true);
        QVERIFY(!window.close());
        QCOMPARE(requested.count(), 1);
        QVERIFY(window.isVisible());
        window.setDrainOnClose(false);
        QVERIFY(window.close());
    }

    void layoutIsRestored() {
        {
            MainWindow window([] { return nullptr; });
            window.show();
            window.resize(1111, 777);
            window.showPage(window.tuningPage());
            window.logDock()->show();
            QVERIFY(window.close());  // saves
        }
        MainWindow window([] { return nullptr; });
        window.restoreLayout();
        window.showConsole();
        window.show();
        QCOMPARE(window.currentPage(), window.tuningPage());
        QCOMPARE(window.size(), QSize(1111, 777));
        QVERIFY(window.logDock()->isVisible());
    }

    void statusBarShowsTheConnection() {
        Snapshot s = running_snapshot();
        s.database_available = false;
        ScriptedSnapshots snapshots(s);
        MainWindow window(snapshots.provider());
        window.feed()->poll();
        auto* connection = window.findChild<QLabel*>("status_connection");
        QVERIFY(connection);
        const QString text = connection->text();
        QVERIFY(text.contains("Kafka") && text.contains("PostgreSQL"));
        // Kafka healthy (green), PostgreSQL unavailable (red).
        QVERIFY2(text.contains(theme::tone_color(theme::Tone::Good, window.palette()).name()),
                 qPrintable(text));
        QVERIFY2(text.contains(theme::tone_color(theme::Tone::Bad, window.palette()).name()),
                 qPrintable(text));
    }
};

SPILLWAY_TEST_MAIN(TstConsolePanes)
#include "tst_console_panes.moc"
