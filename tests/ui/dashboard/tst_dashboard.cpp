// The dashboard driven by hand-made snapshots: what each chart and the lag table show, the time
// window and its bounded, reduced history, pause, browsing with the mouse, the legend, and
// knob-change markers.
#include <qcustomplot.h>
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QTableView>
#include <QToolButton>
#include <cmath>

#include "support/scripted_snapshots.h"
#include "support/test_main.h"
#include "ui/charts/chart_timeline.h"
#include "ui/dashboard/dashboard_page.h"
#include "ui/session/knob_history_feed.h"
#include "ui/dashboard/partition_lag_model.h"
#include "ui/session/snapshot_feed.h"
#include "ui/widgets/theme.h"
#include "ui/charts/time_series_chart.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

namespace {

// A dashboard on its own feed, polled by hand (the feed's own tick is an hour away).
struct Dashboard {
    explicit Dashboard(SnapshotProvider provider)
        : feed(std::move(provider), std::chrono::hours(1)),
          history(&feed, nullptr),
          page(&feed, &history) {
        page.resize(1400, 900);
    }
    TimeSeriesChart* chart(const char* card) const {
        return page.findChild<TimeSeriesChart*>(QLatin1String(card));
    }
    QCPGraph* graph(const char* card, const QString& name_start) const {
        TimeSeriesChart* owner = chart(card);
        for (int i = 0; owner && i < owner->plot()->graphCount(); ++i)
            if (owner->plot()->graph(i)->name().startsWith(name_start))
                return owner->plot()->graph(i);
        return nullptr;
    }
    void poll(int times) {
        for (int i = 0; i < times; ++i)
            feed.poll();
    }

    SnapshotFeed feed;
    KnobHistoryFeed history;
    DashboardPage page;
};

double last_value(const QCPGraph* graph) {
    return graph && !graph->data()->isEmpty() ? (graph->data()->constEnd() - 1)->value : NAN;
}

double highest_value(const QCPGraph* graph) {
    double highest = -INFINITY;
    for (auto point = graph->data()->constBegin(); point != graph->data()->constEnd(); ++point)
        highest = std::max(highest, point->value);
    return highest;
}

}  // namespace

class TstDashboard : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void seriesShowTheSnapshotFigures_data() {
        QTest::addColumn<QString>("card");
        QTest::addColumn<QString>("series");
        QTest::addColumn<double>("expected");
        const Snapshot s = running_snapshot();
        QTest::newRow("batch p50") << "card_batch_latency"
                                   << "p50" << s.batch_p50_ms;
        QTest::newRow("batch p95") << "card_batch_latency"
                                   << "p95" << s.batch_p95_ms;
        QTest::newRow("batch p99") << "card_batch_latency"
                                   << "p99" << s.batch_p99_ms;
        QTest::newRow("e2e p50") << "card_e2e_latency"
                                 << "p50" << s.e2e_p50_ms;
        QTest::newRow("e2e p95") << "card_e2e_latency"
                                 << "p95" << s.e2e_p95_ms;
        QTest::newRow("e2e p99") << "card_e2e_latency"
                                 << "p99" << s.e2e_p99_ms;
        QTest::newRow("lag messages") << "card_lag"
                                      << "Messages" << double(s.total_lag_messages);
        QTest::newRow("lag seconds") << "card_lag"
                                     << "Oldest" << s.max_lag_seconds;
        QTest::newRow("queue events") << "card_queue"
                                      << "Queued" << double(s.queue_events);
        QTest::newRow("queue high watermark") << "card_queue"
                                              << "High watermark" << 200000 * 0.75;
        QTest::newRow("queue low watermark") << "card_queue"
                                             << "Low watermark" << 200000 * 0.4;
        QTest::newRow("queue bytes") << "card_queue_bytes"
                                     << "Queued" << double(13u << 20);
        QTest::newRow("queue bytes capacity") << "card_queue_bytes"
                                              << "Capacity" << double(256u << 20);
        QTest::newRow("queue bytes high watermark")
            << "card_queue_bytes"
            << "High watermark" << double(256u << 20) * 0.75;
        QTest::newRow("queue bytes low watermark") << "card_queue_bytes"
                                                   << "Low watermark" << double(256u << 20) * 0.4;
    }
    void seriesShowTheSnapshotFigures() {
        QFETCH(QString, card);
        QFETCH(QString, series);
        QFETCH(double, expected);
        ScriptedSnapshots snapshots(running_snapshot());
        Dashboard dashboard(snapshots.provider());
        dashboard.poll(3);
        QCPGraph* graph = dashboard.graph(card.toLatin1().constData(), series);
        QVERIFY2(graph, qPrintable(card + u'/' + series));
        QCOMPARE(last_value(graph), expected);
    }

    // Messages and seconds have different scales: seconds go on the right-hand axis.
    void lagSecondsUseTheirOwnAxis() {
        ScriptedSnapshots snapshots(running_snapshot());
        Dashboard dashboard(snapshots.provider());
        dashboard.poll(2);
        QCustomPlot* plot = dashboard.chart("card_lag")->plot();
        QCOMPARE(dashboard.graph("card_lag", "Oldest")->valueAxis(), plot->yAxis2);
        QCOMPARE(dashboard.graph("card_lag", "Messages")->valueAxis(), plot->yAxis);
        QVERIFY(plot->yAxis2->visible());
        QVERIFY(plot->yAxis2->range().upper >= 2.5);
    }

    void partitionTableFollowsTheSnapshots() {
        ScriptedSnapshots snapshots(running_snapshot());
        snapshots.shape = [](Snapshot& s, int call) {
            for (PartitionLag& lag : s.partitions)
                lag.lag_messages += call;
            // A rebalance at call 4: partition 2 goes, 3 and 4 arrive.
            if (call >= 4)
                s.partitions = {{0, 1, 1, 2, 7, 0.2}, {3, 5, 5, 9, 4, 0.3}, {4, 0, 0, 0, 0, 0}};
        };
        Dashboard dashboard(snapshots.provider());
        PartitionLagModel* model = dashboard.page.partitionLagModel();
        QAbstractItemModelTester tester(model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        dashboard.poll(3);
        QCOMPARE(model->rowCount(), 3);
        QCOMPARE(model->data(model->index(2, PartitionLagModel::Partition)).toInt(), 2);
        QCOMPARE(model->data(model->index(0, PartitionLagModel::LagMessages)).toString(),
                 QStringLiteral("42"));  // 40 + call 2
        QCOMPARE(model->data(model->index(2, PartitionLagModel::LagSeconds)).toString(),
                 QStringLiteral("2.5 s"));
        QCOMPARE(
            model->data(model->index(1, PartitionLagModel::Committed), PartitionLagModel::ValueRole)
                .toLongLong(),
            200);
        dashboard.poll(3);
        QCOMPARE(model->rowCount(), 3);
        QCOMPARE(model->data(model->index(2, PartitionLagModel::Partition)).toInt(), 4);
        QVERIFY(model->data(model->index(1, PartitionLagModel::LagMessages), Qt::ToolTipRole)
                    .toString()
                    .contains("log end 9"));
        auto* table = dashboard.page.findChild<QTableView*>("table_partition_lag");
        QVERIFY(table);
        QCOMPARE(table->model()->rowCount(), 3);
    }

    void windowSelectorSetsTheSpan_data() {
        QTest::addColumn<int>("seconds");
        for (int seconds : {60, 300, 900, 3600})
            QTest::newRow(qPrintable(QString::number(seconds))) << seconds;
    }
    void windowSelectorSetsTheSpan() {
        QFETCH(int, seconds);
        ScriptedSnapshots snapshots(running_snapshot(), 10s);
        Dashboard dashboard(snapshots.provider());
        dashboard.poll(2 * 3600 / 10);  // two hours of samples, one every 10 s
        auto* button =
            dashboard.page.findChild<QToolButton*>(QStringLiteral("button_window_%1").arg(seconds));
        QVERIFY(button);
        button->click();
        dashboard.poll(1);
        QCOMPARE(dashboard.page.timeline()->windowSeconds(), double(seconds));
        for (TimeSeriesChart* chart : dashboard.page.timeline()->charts()) {
            QCOMPARE(chart->plot()->xAxis->range().size(), double(seconds));
            QCOMPARE(chart->plot()->xAxis->range().upper, chart->newestTime());
        }
    }

    // Guards the bounded history: two hours of samples keep one hour (and a little lead-in),
    // whatever window is shown.
    void historyIsBoundedToAnHour() {
        ScriptedSnapshots snapshots(running_snapshot(), 5s);
        Dashboard dashboard(snapshots.provider());
        dashboard.poll(7200 / 5);
        TimeSeriesChart* chart = dashboard.chart("card_throughput");
        QVERIFY(chart->historySize(0) <= (3600 + 80) / 5);
        QVERIFY(chart->historySize(0) >= 3600 / 5);
        // The plot holds the 5-minute window (and a little lead-in).
        QVERIFY(chart->plot()->graph(0)->data()->size() <= (300 + 20) / 5);
    }

    // Guards the point reduction: an hour at 10 Hz is 36,000 samples, drawn with a bounded number
    // of points that keep the extremes and end at the newest sample.
    void wideWindowsReducePointsButKeepPeaks() {
        TimeSeriesChart chart(QStringLiteral("Throughput"), QStringLiteral("chart"));
        chart.addSeries(QStringLiteral("Consumed"), theme::series_in,
                        TimeSeriesChart::SeriesKind::Line);
        chart.setWindowSeconds(3600);
        const double start = seconds_of(std::chrono::system_clock::now());
        for (int sample = 0; sample < 36000; ++sample)
            chart.append(start + sample * 0.1, {sample == 20000 ? 99999.0 : 1000.0 + sample % 50});
        chart.refresh();
        QCPGraph* consumed = chart.series(0);
        QVERIFY2(consumed->data()->size() <= 4 * TimeSeriesChart::kBuckets + 8,
                 qPrintable(QString::number(consumed->data()->size())));
        QCOMPARE(highest_value(consumed), 99999.0);
        QCOMPARE(last_value(consumed), 1000.0 + (35999 % 50));
        QCOMPARE(chart.plot()->xAxis->range().upper, chart.newestTime());
        QVERIFY(chart.plot()->xAxis->range().size() > 3599);
        // Back to one minute: every sample again.
        chart.setWindowSeconds(60);
        QVERIFY(consumed->data()->size() >= 600);
        QVERIFY(consumed->data()->size() <= 600 + 110);
    }

    // The value axis always has room for the highest visible point, spikes included.
    void valueAxisFitsTheVisiblePeak() {
        ScriptedSnapshots snapshots(running_snapshot(), 100ms);
        snapshots.shape = [](Snapshot& s, int call) {
            s.consumed_per_s = call >= 200 && call < 215 ? 80000.0 + call : 8000.0;
        };
        Dashboard dashboard(snapshots.provider());
        dashboard.page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard.page));
        dashboard.page.timeline()->setWindowSeconds(60);
        dashboard.poll(460);
        QCustomPlot* plot = dashboard.chart("card_throughput")->plot();
        QCPGraph* consumed = dashboard.graph("card_throughput", "Consumed");
        QCOMPARE(highest_value(consumed), 80214.0);
        QVERIFY2(plot->yAxis->range().upper >= 80214.0,
                 qPrintable(QString::number(plot->yAxis->range().upper)));
    }

    // At the 300 s window a chart a few hundred pixels wide moves a fraction of a pixel per 100 ms
    // snapshot: it is redrawn once its view has moved a pixel, not on every snapshot, and what it
    // shows is never a pixel behind the newest sample. Its axes follow every snapshot.
    void liveChartsRedrawOncePerPixelMoved() {
        ScriptedSnapshots snapshots(running_snapshot(), 100ms);
        Dashboard dashboard(snapshots.provider());
        dashboard.poll(3100);  // a full window of samples, drawn by no one: the page is hidden
        dashboard.page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard.page));
        TimeSeriesChart* chart = dashboard.chart("card_throughput");
        QCustomPlot* plot = chart->plot();
        double drawn_upper = 0;
        connect(plot, &QCustomPlot::afterReplot, this,
                [&] { drawn_upper = plot->xAxis->range().upper; });
        const int before = chart->redrawCount();
        const int ticks = 100;
        dashboard.poll(ticks);
        const int redraws = chart->redrawCount() - before;
        const double seconds_per_pixel = plot->xAxis->range().size() / plot->axisRect()->width();
        QCOMPARE(plot->xAxis->range().upper, chart->newestTime());
        QCOMPARE(plot->xAxis->range().size(), 300.0);
        QVERIFY2(seconds_per_pixel > 0.2, qPrintable(QString::number(seconds_per_pixel)));
        QVERIFY2(redraws > 0 && redraws <= ticks / 2,
                 qPrintable(QString("%1 redraws in %2 ticks").arg(redraws).arg(ticks)));
        QVERIFY2(chart->newestTime() - drawn_upper < seconds_per_pixel,
                 qPrintable(QString("drawn %1 s behind, a pixel is %2 s")
                                .arg(chart->newestTime() - drawn_upper)
                                .arg(seconds_per_pixel)));
        // At most one redraw per pixel moved, and at least one per two (a redraw waits for the
        // first snapshot that completes a pixel).
        const double pixels = ticks * 0.1 / seconds_per_pixel;
        QVERIFY2(redraws <= pixels + 1 && redraws >= pixels / 2 - 1,
                 qPrintable(QString("%1 redraws for %2 pixels").arg(redraws).arg(pixels)));
    }

    void pauseFreezesTheViewAndResumeCatchesUp() {
        ScriptedSnapshots snapshots(running_snapshot(), 1s);
        Dashboard dashboard(snapshots.provider());
        dashboard.poll(100);
        ChartTimeline* timeline = dashboard.page.timeline();
        QCustomPlot* plot = dashboard.chart("card_queue")->plot();
        timeline->pause();
        QCOMPARE(timeline->mode(), ChartTimeline::Mode::Paused);
        const QCPRange frozen = plot->xAxis->range();
        dashboard.poll(30);
        QCOMPARE(plot->xAxis->range(), frozen);
        auto* live = dashboard.page.findChild<QToolButton*>("button_live");
        QVERIFY(live->isEnabled());
        live->click();
        QCOMPARE(timeline->mode(), ChartTimeline::Mode::Live);
        QCOMPARE(plot->xAxis->range().upper, dashboard.chart("card_queue")->newestTime());
        QVERIFY(!live->isEnabled());
    }

    // Zooming one chart with the wheel pauses the live view and zooms every chart with it.
    void wheelZoomPausesAndMovesEveryChart() {
        ScriptedSnapshots snapshots(running_snapshot(), 1s);
        Dashboard dashboard(snapshots.provider());
        dashboard.page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard.page));
        dashboard.poll(300);
        QCustomPlot* plot = dashboard.chart("card_throughput")->plot();
        plot->replot();
        const QPointF centre = plot->axisRect()->rect().center();
        const double before = plot->xAxis->range().size();
        QWheelEvent wheel(centre, plot->mapToGlobal(centre), QPoint(), QPoint(0, 120), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(plot, &wheel);
        QVERIFY2(plot->xAxis->range().size() < before, "the wheel zooms in");
        QCOMPARE(dashboard.page.timeline()->mode(), ChartTimeline::Mode::Browsing);
        for (TimeSeriesChart* chart : dashboard.page.timeline()->charts())
            QCOMPARE(chart->plot()->xAxis->range(), plot->xAxis->range());
        const QCPRange zoomed = plot->xAxis->range();
        dashboard.poll(10);
        QCOMPARE(plot->xAxis->range(), zoomed);  // new samples do not move a browsed view
        dashboard.page.timeline()->goLive();
        QCOMPARE(plot->xAxis->range().size(), 300.0);
    }

    void legendClickHidesAndShowsASeries() {
        ScriptedSnapshots snapshots(running_snapshot());
        Dashboard dashboard(snapshots.provider());
        dashboard.page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dashboard.page));
        dashboard.poll(5);
        QCustomPlot* plot = dashboard.chart("card_e2e_latency")->plot();
        plot->replot();
        QCPGraph* p99 = dashboard.graph("card_e2e_latency", "p99");
        QCPPlottableLegendItem* entry = plot->legend->itemWithPlottable(p99);
        QVERIFY(entry);
        const QPoint where = entry->rect().center();
        QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, where);
        QVERIFY(!p99->visible());
        // A hidden series no longer sets the scale: p95 (390) does.
        dashboard.poll(1);
        QVERIFY(plot->yAxis->range().upper < 512.3);
        QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, where);
        QVERIFY(p99->visible());
    }

    // Without an engine to ask, a knob change is read off consecutive snapshots.
    void knobChangesAreMarkedOnEveryChart() {
        Snapshot base = running_snapshot();
        base.knobs = Knobs{};
        ScriptedSnapshots snapshots(base, 1s);
        snapshots.shape = [](Snapshot& s, int call) {
            if (call >= 10) {
                s.knobs.batch_size = 700;
                s.knobs.writer_concurrency = 1;
                s.knob_version = 1;
            }
        };
        Dashboard dashboard(snapshots.provider());
        dashboard.poll(20);
        QCOMPARE(dashboard.history.changes().size(), size_t(1));
        const double change_at = seconds_of(snapshots.start() + 10s);
        for (TimeSeriesChart* chart : dashboard.page.timeline()->charts()) {
            QCOMPARE(chart->markerLabels(), QStringList{"batch 5,000→700, writers 4→1"});
            QCOMPARE(chart->markerTimes().value(0), change_at);
        }
    }

    void keysPickTheWindowAndPause() {
        ScriptedSnapshots snapshots(running_snapshot(), 1s);
        Dashboard dashboard(snapshots.provider());
        dashboard.page.show();
        dashboard.page.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&dashboard.page));
        dashboard.page.setFocus();
        dashboard.poll(30);
        QTest::keyClick(&dashboard.page, Qt::Key_3);
        QCOMPARE(dashboard.page.timeline()->windowSeconds(), 900.0);
        QTest::keyClick(&dashboard.page, Qt::Key_Space);
        QCOMPARE(dashboard.page.timeline()->mode(), ChartTimeline::Mode::Paused);
        QTest::keyClick(&dashboard.page, Qt::Key_F5);
        QCOMPARE(dashboard.page.timeline()->mode(), ChartTimeline::Mode::Live);
    }
};

SPILLWAY_TEST_MAIN(TstDashboard)
#include "tst_dashboard.moc"
