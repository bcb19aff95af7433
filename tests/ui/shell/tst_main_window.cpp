// The console's main window, driven by hand-made snapshots instead of an engine: what the tiles,
// charts and status bar show, the sliding chart window, the empty state, and a screenshot to look
// at (/tmp/spillway_main_window.png, and _dark.png for the dark palette).
#include <qcustomplot.h>
#include <QApplication>
#include <QPushButton>
#include <QStackedWidget>
#include <cmath>

#include "support/test_main.h"
#include "ui/charts/chart_timeline.h"
#include "ui/dashboard/dashboard_page.h"
#include "ui/widgets/elided_label.h"
#include "ui/shell/main_window.h"
#include "ui/widgets/metric_tile.h"

using namespace spillway;
using namespace std::chrono_literals;

namespace {

// Hands out a fresh snapshot per call, each `step` later than the one before, like an engine
// publishing on its own clock. `shape` may vary the figures by call number.
class ScriptedSnapshots {
public:
    explicit ScriptedSnapshots(Snapshot base, std::chrono::milliseconds step = 100ms)
        : base_(std::move(base)), step_(step), start_(std::chrono::system_clock::now()) {}

    std::function<void(Snapshot&, int)> shape;

    SnapshotProvider provider() {
        return [this]() -> std::shared_ptr<const Snapshot> {
            auto next = std::make_shared<Snapshot>(base_);
            next->taken_at = start_ + step_ * calls_;
            if (shape)
                shape(*next, calls_);
            ++calls_;
            return next;
        };
    }
    int calls() const { return calls_; }

private:
    Snapshot base_;
    std::chrono::milliseconds step_;
    std::chrono::system_clock::time_point start_;
    int calls_ = 0;
};

Snapshot busy_snapshot() {
    Snapshot s;
    s.state = "running";
    s.uptime_s = 754;
    s.consumed = 9876543;
    s.written = 9712001;
    s.duplicates = 4321;
    s.dedup_saved_bytes = 3 << 20;
    s.payload_format = "zstd";
    s.payload_raw_bytes = 300 << 20;
    s.payload_stored_bytes = 111 << 20;
    s.compression_ratio = 300.0 / 111.0;
    s.commits = 987;
    s.commit_failures = 2;
    s.dead_lettered = 1234;
    s.consumed_per_s = 12345;
    s.written_per_s = 12001;
    s.dead_lettered_per_s = 17;
    s.queue_events = 45678;
    s.queue_capacity_events = 200000;
    s.writers_busy = 3;
    s.writers_running = 4;
    s.batches = 2210;
    s.total_lag_messages = 56789;
    s.max_lag_seconds = 2.4;
    s.batch_p50_ms = 14.2;
    s.batch_p95_ms = 31.5;
    s.batch_p99_ms = 42.7;
    s.e2e_p50_ms = 180;
    s.e2e_p95_ms = 390;
    s.e2e_p99_ms = 512.3;
    s.knobs.high_watermark = 0.75;
    s.knobs.queue_capacity_events = 200000;
    s.last_kafka_error = "partition 3: broker 127.0.0.1:39091 transport failure, reconnecting";
    return s;
}

QString tile_value(const MainWindow& window, const char* name) {
    auto* tile = window.findChild<MetricTile*>(QLatin1String(name));
    return tile ? tile->value() : QStringLiteral("<no tile %1>").arg(QLatin1String(name));
}

QString tile_detail(const MainWindow& window, const char* name) {
    auto* tile = window.findChild<MetricTile*>(QLatin1String(name));
    return tile ? tile->detail() : QString();
}

QCPGraph* graph_named(const MainWindow& window, const char* chart, const QString& name_start) {
    auto* plot = window.findChild<QCustomPlot*>(QLatin1String(chart));
    if (!plot)
        return nullptr;
    for (int i = 0; i < plot->graphCount(); ++i)
        if (plot->graph(i)->name().startsWith(name_start))
            return plot->graph(i);
    return nullptr;
}

double last_value(QCPGraph* graph) {
    return graph && !graph->data()->isEmpty() ? (graph->data()->constEnd() - 1)->value : NAN;
}

}  // namespace

class TstMainWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        // The expected strings use English separators, whatever the machine's locale.
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void tilesShowTheSnapshotFigures_data() {
        QTest::addColumn<QString>("tile");
        QTest::addColumn<QString>("expected");
        QTest::newRow("events in") << "tile_events_in"
                                   << "12,345/s";
        QTest::newRow("events out") << "tile_events_out"
                                    << "12,001/s";
        QTest::newRow("queue") << "tile_queue"
                               << "45,678";
        QTest::newRow("writers") << "tile_writers"
                                 << "3 / 4";
        QTest::newRow("lag") << "tile_lag"
                             << "56,789";
        QTest::newRow("dead-lettered") << "tile_dead_lettered"
                                       << "1,234";
        QTest::newRow("duplicates") << "tile_duplicates"
                                    << "4,321";
        QTest::newRow("batch p99") << "tile_batch_p99"
                                   << "42.7 ms";
        QTest::newRow("end-to-end p99") << "tile_e2e_p99"
                                        << "512 ms";
        QTest::newRow("state") << "tile_state"
                               << "running";
        QTest::newRow("compression") << "tile_compression"
                                     << "2.70×";
        QTest::newRow("commits") << "tile_commits"
                                 << "987";
    }
    void tilesShowTheSnapshotFigures() {
        QFETCH(QString, tile);
        QFETCH(QString, expected);
        ScriptedSnapshots snapshots(busy_snapshot());
        MainWindow window(snapshots.provider());
        QTRY_COMPARE_WITH_TIMEOUT(tile_value(window, tile.toLatin1().constData()), expected, 2000);
    }

    void tileDetailsCarryTotalsAndFill() {
        ScriptedSnapshots snapshots(busy_snapshot());
        MainWindow window(snapshots.provider());
        QTRY_VERIFY_WITH_TIMEOUT(snapshots.calls() > 0, 2000);
        QCOMPARE(tile_detail(window, "tile_events_in"), QStringLiteral("9,876,543 consumed"));
        // 45,678 of 200,000 events
        QCOMPARE(tile_detail(window, "tile_queue"), QStringLiteral("22.8% of 200,000"));
        QCOMPARE(tile_detail(window, "tile_state"), QStringLiteral("up 0:12:34"));
        QCOMPARE(tile_detail(window, "tile_compression"),
                 QStringLiteral("zstd · 111 MiB stored"));
        QCOMPARE(tile_detail(window, "tile_duplicates"),
                 QStringLiteral("3 MiB not stored"));
        QCOMPARE(tile_detail(window, "tile_commits"), QStringLiteral("2 refused (retried)"));
    }

    void failedStateShowsTheReason() {
        Snapshot failed = busy_snapshot();
        failed.state = "failed: PostgreSQL (the --pg connection string): connection refused";
        ScriptedSnapshots snapshots(failed);
        MainWindow window(snapshots.provider());
        QTRY_COMPARE_WITH_TIMEOUT(tile_value(window, "tile_state"), QStringLiteral("failed"), 2000);
        QVERIFY(tile_detail(window, "tile_state").contains("connection refused"));
    }

    void throughputChartFollowsTheRates() {
        ScriptedSnapshots snapshots(busy_snapshot());
        snapshots.shape = [](Snapshot& s, int call) { s.consumed_per_s = 1000.0 * (call + 1); };
        MainWindow window(snapshots.provider());
        // The one-minute window plots every sample; wider ones reduce them (see tst_dashboard).
        window.dashboardPage()->timeline()->setWindowSeconds(60);
        QCPGraph* in = graph_named(window, "chart_throughput", "Consumed");
        QCPGraph* out = graph_named(window, "chart_throughput", "Written");
        QCPGraph* dead = graph_named(window, "chart_throughput", "Dead");
        QVERIFY(in && out && dead);
        QTRY_VERIFY_WITH_TIMEOUT(in->data()->size() >= 3, 3000);
        // Every delivered snapshot is one point, and the newest point is the newest rate.
        QCOMPARE(in->data()->size(), snapshots.calls());
        QCOMPARE(last_value(in), 1000.0 * snapshots.calls());
        QCOMPARE(last_value(out), 12001.0);
        QCOMPARE(last_value(dead), 17.0);
        QVERIFY(window.findChild<QCustomPlot*>("chart_throughput")->legend->visible());
    }

    void queueChartShowsCapacityAndHighWatermark() {
        ScriptedSnapshots snapshots(busy_snapshot());
        MainWindow window(snapshots.provider());
        QCPGraph* queued = graph_named(window, "chart_queue", "Queued");
        QCPGraph* capacity = graph_named(window, "chart_queue", "Capacity");
        QCPGraph* watermark = graph_named(window, "chart_queue", "High watermark");
        QVERIFY(queued && capacity && watermark);
        QTRY_VERIFY_WITH_TIMEOUT(!watermark->data()->isEmpty(), 2000);
        QCOMPARE(last_value(queued), 45678.0);
        QCOMPARE(last_value(capacity), 200000.0);
        QCOMPARE(last_value(watermark), 200000.0 * 0.75);
        QCOMPARE(watermark->pen().style(), Qt::DashLine);
    }

    // Guards the bounded history: ten minutes of samples leave five minutes (plus a little
    // lead-in) in the chart, and the time axis spans exactly the window.
    void chartsKeepAFiveMinuteWindow() {
        ScriptedSnapshots snapshots(busy_snapshot(), 1s);
        MainWindow window(snapshots.provider());
        for (int second = 0; second < 600; ++second)
            window.feed()->poll();
        auto* plot = window.findChild<QCustomPlot*>("chart_throughput");
        QCPGraph* in = graph_named(window, "chart_throughput", "Consumed");
        const double newest = (in->data()->constEnd() - 1)->key;
        const double oldest = in->data()->constBegin()->key;
        QVERIFY2(newest - oldest <= 300 + 10, qPrintable(QString::number(newest - oldest)));
        QCOMPARE(plot->xAxis->range().size(), 300.0);
        QCOMPARE(plot->xAxis->range().upper, newest);
    }

    void repeatedAndBlankSnapshotsAddNoPoints() {
        auto same = std::make_shared<const Snapshot>(busy_snapshot());  // taken_at is the epoch
        MainWindow window([same] { return same; });
        QTRY_COMPARE_WITH_TIMEOUT(tile_value(window, "tile_events_in"), QStringLiteral("12,345/s"),
                                  2000);
        window.feed()->poll();
        QCOMPARE(graph_named(window, "chart_throughput", "Consumed")->data()->size(), 0);
    }

    void statusBarShowsErrorsAndKnobs() {
        Snapshot s = busy_snapshot();
        ScriptedSnapshots snapshots(s);
        MainWindow window(snapshots.provider());
        window.show();
        auto* kafka_error = window.findChild<ElidedLabel*>("status_kafka_error");
        auto* database_error = window.findChild<ElidedLabel*>("status_database_error");
        auto* knobs = window.findChild<QLabel*>("status_knobs");
        QVERIFY(kafka_error && database_error && knobs);
        QTRY_VERIFY_WITH_TIMEOUT(
            kafka_error->text().contains(QString::fromStdString(s.last_kafka_error)), 2000);
        QVERIFY(kafka_error->isVisible());
        QVERIFY(!database_error->isVisible());
        QVERIFY2(knobs->text().contains("batch 5,000"), qPrintable(knobs->text()));
        QVERIFY2(knobs->text().contains("75%"), qPrintable(knobs->text()));
        QCOMPARE(window.findChild<QLabel*>("status_state")->text(),
                 QStringLiteral("Engine running"));
    }

    void emptyStateOffersTheDemo() {
        MainWindow window([] { return std::shared_ptr<const Snapshot>(); });
        window.showNoConnection();
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* button = window.findChild<QPushButton*>("button_start_demo");
        QVERIFY(button);
        QVERIFY(button->isVisible());
        QCOMPARE(button->text(), QStringLiteral("Start the embedded demo"));
        QSignalSpy requested(&window, &MainWindow::demoRequested);
        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(requested.count(), 1);

        window.showStarting(QStringLiteral("Starting the embedded demo…"));
        QVERIFY(!button->isVisible());
        QVERIFY(window.findChild<QWidget*>("progress_starting")->isVisible());
        QCoreApplication::processEvents();  // let the layouts settle, as the event loop would
        window.grab().save(QStringLiteral("/tmp/spillway_main_window_starting.png"));

        window.showNoConnection(QStringLiteral("embedded PostgreSQL: initdb failed"));
        QVERIFY(button->isVisible());
        QVERIFY(window.findChild<QLabel*>("label_start_problem")->text().contains("initdb failed"));
        QCoreApplication::processEvents();
        window.grab().save(QStringLiteral("/tmp/spillway_main_window_empty.png"));
    }

    void screenshot() { QVERIFY(save_screenshot(QStringLiteral("/tmp/spillway_main_window.png"))); }

    void screenshotDarkPalette() {
        const QPalette original = QApplication::palette();
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x1e, 0x1f, 0x22));
        dark.setColor(QPalette::WindowText, QColor(0xe4, 0xe4, 0xe7));
        dark.setColor(QPalette::Base, QColor(0x18, 0x18, 0x1b));
        dark.setColor(QPalette::AlternateBase, QColor(0x27, 0x27, 0x2a));
        dark.setColor(QPalette::Text, QColor(0xe4, 0xe4, 0xe7));
        dark.setColor(QPalette::Button, QColor(0x2a, 0x2b, 0x2e));
        dark.setColor(QPalette::ButtonText, QColor(0xe4, 0xe4, 0xe7));
        dark.setColor(QPalette::Highlight, QColor(0x3b, 0x82, 0xf6));
        QApplication::setPalette(dark);
        const bool saved = save_screenshot(QStringLiteral("/tmp/spillway_main_window_dark.png"));
        // Tiles derive their text colours from the palette: light figures on the dark theme.
        ScriptedSnapshots snapshots(busy_snapshot());
        MainWindow window(snapshots.provider());
        window.feed()->poll();
        auto* tile = window.findChild<MetricTile*>("tile_events_in");
        QColor value_color;
        for (QLabel* label : tile->findChildren<QLabel*>())
            if (label->text() == tile->value())
                value_color = label->palette().color(QPalette::WindowText);
        QApplication::setPalette(original);
        QVERIFY(saved);
        QVERIFY2(value_color.lightnessF() > 0.5, qPrintable(value_color.name()));
    }

private:
    // Five simulated minutes of a demo with a write stall: the queue climbs to the high
    // watermark, intake pauses, and the writers catch up.
    static bool save_screenshot(const QString& path) {
        Snapshot base = busy_snapshot();
        base.knobs = Knobs{};
        base.last_database_error =
            "batch of 5,000 rows: could not serialize access due to concurrent update (SQLSTATE "
            "40001), retrying";
        ScriptedSnapshots snapshots(base, 1s);
        snapshots.shape = [](Snapshot& s, int call) {
            const double wobble = std::sin(call * 0.21) * 900 + std::sin(call * 0.05) * 1400;
            const bool stalled = call >= 150 && call < 190;
            const bool catching_up = call >= 190 && call < 215;
            s.consumed_per_s = stalled && call > 175 ? 0 : 20000 + wobble;
            s.written_per_s = stalled ? 2500 : catching_up ? 26500 : 20000 + wobble * 0.9;
            s.dead_lettered_per_s = 200 + std::sin(call * 0.4) * 60;
            const double depth = stalled       ? 8000 + (call - 150) * 4200.0
                                 : catching_up ? 168000 - (call - 190) * 6400.0
                                               : 6000 + wobble * 2;
            s.queue_events = size_t(std::max(depth, 0.0));
            s.queue_capacity_events = s.knobs.queue_capacity_events;
            s.source_paused = call > 175 && call < 200;
        };
        MainWindow window(snapshots.provider());
        window.resize(1280, 820);
        window.show();
        if (!QTest::qWaitForWindowExposed(&window))
            return false;
        for (int second = 0; second < 300; ++second)
            window.feed()->poll();
        QCoreApplication::processEvents();
        return window.grab().save(path);
    }
};

SPILLWAY_TEST_MAIN(TstMainWindow)
#include "tst_main_window.moc"
