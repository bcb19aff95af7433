// The Delivery page driven by hand-made snapshots: the figures each row shows and on hover, the
// bar's coloured segments (a lost-to-retention gap in red), the filters, sorting, the totals with
// the exposure, a rebalance, and 1,000 partitions.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QSpinBox>
#include <QTableView>
#include <algorithm>
#include <cstdlib>

#include "support/scripted_snapshots.h"
#include "support/test_main.h"
#include "ui/delivery/delivery_page.h"
#include "ui/delivery/offset_bar_delegate.h"
#include "ui/delivery/offset_timeline_filter.h"
#include "ui/delivery/offset_timeline_model.h"
#include "ui/session/snapshot_feed.h"

using namespace spillway;
using namespace spillway::test;

namespace {

PartitionLag partition(int32_t id, int64_t log_start, int64_t committed, int64_t durable,
                       int64_t consumed, int64_t end, int64_t pending, int64_t lost = 0) {
    PartitionLag p;
    p.partition = id;
    p.log_start = log_start;
    p.committed = committed;
    p.durable = durable;
    p.consumed_position = consumed;
    p.end_offset = end;
    p.pending = pending;
    p.exposure = consumed - committed;
    p.lag_messages = end - committed;
    p.lost_to_retention = lost;
    return p;
}

Snapshot three_partitions() {
    Snapshot snapshot;
    snapshot.partitions = {
        partition(0, 0, 900, 950, 1000, 1200, 50),
        partition(1, 0, 5000, 5000, 5000, 5000, 0),
        partition(2, 300, 400, 400, 600, 2400, 200, 300),
    };
    return snapshot;
}

bool has_color_near(const QImage& image, const QColor& wanted) {
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - wanted.red()) < 8 && std::abs(c.green() - wanted.green()) < 8 &&
                std::abs(c.blue() - wanted.blue()) < 8)
                return true;
        }
    return false;
}

struct Page {
    explicit Page(SnapshotProvider provider)
        : feed(std::move(provider), std::chrono::hours(1)), page(&feed) {
        page.resize(1300, 700);
        page.show();
    }
    SnapshotFeed feed;
    DeliveryPage page;
};

}  // namespace

class TstDeliveryPage : public QObject {
    Q_OBJECT
private slots:
    void showsEachPartitionsFiguresAndTotals() {
        ScriptedSnapshots script(three_partitions());
        Page view(script.provider());
        QAbstractItemModelTester tester(view.page.filter(),
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        view.feed.poll();
        QTableView* table = view.page.table();
        QAbstractItemModel* model = table->model();
        QCOMPARE(model->rowCount(), 3);
        const auto cell = [&](int row, int column) {
            return model->index(row, column).data().toString();
        };
        QCOMPARE(cell(0, OffsetTimelineModel::Committed), QStringLiteral("900"));
        QCOMPARE(cell(0, OffsetTimelineModel::Durable), QStringLiteral("950"));
        QCOMPARE(cell(0, OffsetTimelineModel::Consumed), QStringLiteral("1,000"));
        QCOMPARE(cell(0, OffsetTimelineModel::HighWatermark), QStringLiteral("1,200"));
        QCOMPARE(cell(0, OffsetTimelineModel::Exposure), QStringLiteral("100"));
        QCOMPARE(cell(2, OffsetTimelineModel::Lost), QStringLiteral("300"));
        // The bar's tooltip carries every figure.
        const QString tip =
            model->index(2, OffsetTimelineModel::Timeline).data(Qt::ToolTipRole).toString();
        for (const char* expected :
             {"Partition 2", "log start: 300", "committed: 400", "consumed up to: 600",
              "high watermark: 2,400", "exposure (read, not committed): 200",
              "LOST TO RETENTION: 300"})
            QVERIFY2(tip.contains(QLatin1String(expected)), qPrintable(tip));
        // Totals: exposure 100 + 0 + 200, pending 250, lag 300 + 0 + 2000, lost 300.
        const QString totals = view.page.findChild<QLabel*>("delivery_totals")->text();
        QVERIFY2(totals.startsWith("3 partitions · exposure 300"), qPrintable(totals));
        QVERIFY2(totals.contains("pending 250"), qPrintable(totals));
        QVERIFY2(totals.contains("lag 2,300"), qPrintable(totals));
        QVERIFY2(totals.contains("LOST TO RETENTION 300"), qPrintable(totals));
    }

    void barsShowTheSegmentsInColour() {
        ScriptedSnapshots script(three_partitions());
        Page view(script.provider());
        view.feed.poll();
        QTableView* table = view.page.table();
        const QPalette palette = table->palette();
        const auto bar_image = [&](int row) {
            const QRect rect =
                table->visualRect(table->model()->index(row, OffsetTimelineModel::Timeline));
            return table->viewport()->grab(rect).toImage();
        };
        // Partition 0: committed, durable-not-committed, pending and unread all show; no red.
        const QImage first = bar_image(0);
        QVERIFY(has_color_near(first, OffsetBarDelegate::committed_color(palette)));
        QVERIFY(has_color_near(first, OffsetBarDelegate::durable_color(palette)));
        QVERIFY(has_color_near(first, OffsetBarDelegate::pending_color(palette)));
        QVERIFY(has_color_near(first, OffsetBarDelegate::unread_color(palette)));
        QVERIFY(!has_color_near(first, OffsetBarDelegate::lost_color(palette)));
        // Partition 1 is fully committed: no amber, no blue.
        const QImage second = bar_image(1);
        QVERIFY(has_color_near(second, OffsetBarDelegate::committed_color(palette)));
        QVERIFY(!has_color_near(second, OffsetBarDelegate::pending_color(palette)));
        QVERIFY(!has_color_near(second, OffsetBarDelegate::durable_color(palette)));
        // Partition 2 lost offsets to retention: red.
        QVERIFY(has_color_near(bar_image(2), OffsetBarDelegate::lost_color(palette)));
    }

    void filtersAndSorting() {
        ScriptedSnapshots script(three_partitions());
        Page view(script.provider());
        view.feed.poll();
        QTableView* table = view.page.table();
        auto* minimum_lag = view.page.findChild<QSpinBox*>("delivery_min_lag");
        minimum_lag->setValue(250);  // lags are 300, 0, 2000
        QCOMPARE(table->model()->rowCount(), 2);
        minimum_lag->setValue(0);
        view.page.findChild<QCheckBox*>("delivery_lost_only")->setChecked(true);
        QCOMPARE(table->model()->rowCount(), 1);
        QCOMPARE(table->model()->index(0, OffsetTimelineModel::Partition).data().toString(),
                 QStringLiteral("2"));
        view.page.findChild<QCheckBox*>("delivery_lost_only")->setChecked(false);
        view.page.findChild<QCheckBox*>("delivery_exposed_only")->setChecked(true);
        QCOMPARE(table->model()->rowCount(), 2);
        view.page.findChild<QCheckBox*>("delivery_exposed_only")->setChecked(false);
        // Sorting by exposure, largest first: 2 (200), 0 (100), 1 (0).
        table->sortByColumn(OffsetTimelineModel::Exposure, Qt::DescendingOrder);
        QStringList order;
        for (int row = 0; row < 3; ++row)
            order << table->model()->index(row, OffsetTimelineModel::Partition).data().toString();
        QCOMPARE(order, QStringList({"2", "0", "1"}));
    }

    void followsARebalance() {
        ScriptedSnapshots script(three_partitions());
        script.shape = [](Snapshot& snapshot, int call) {
            if (call > 0)  // partition 1 went to another instance
                snapshot.partitions.erase(snapshot.partitions.begin() + 1);
        };
        Page view(script.provider());
        view.feed.poll();
        QCOMPARE(view.page.table()->model()->rowCount(), 3);
        view.feed.poll();
        QCOMPARE(view.page.table()->model()->rowCount(), 2);
        QVERIFY(view.page.findChild<QLabel*>("delivery_totals")
                    ->text()
                    .startsWith("2 partitions · exposure 300"));
    }

    // A realistic page, as a person sees it: the whole widget rendered, the red gap among the
    // bars. With SPILLWAY_SCREENSHOT_DIR set the picture is kept there (light and dark).
    void wholePageRenders() {
        Snapshot snapshot;
        for (int32_t id = 0; id < 24; ++id) {
            const int64_t end = 40'000 + 1'700 * id;
            const int64_t committed = end - (id % 5 == 0 ? 6'000 : 400 + 90 * id);
            const int64_t durable = committed + (id % 3) * 150;
            const int64_t consumed = std::min(end, durable + 300 + 40 * id);
            snapshot.partitions.push_back(partition(id, id == 7 ? 9'000 : 0, committed, durable,
                                                    consumed, end, consumed - durable,
                                                    id == 7 ? 2'500 : 0));
        }
        snapshot.source_paused = false;
        ScriptedSnapshots script(snapshot);
        Page view(script.provider());
        view.feed.poll();
        const QImage image = view.page.grab().toImage();
        QVERIFY(!image.isNull());
        QVERIFY(has_color_near(image, OffsetBarDelegate::lost_color(view.page.palette())));
        QVERIFY(has_color_near(image, OffsetBarDelegate::pending_color(view.page.palette())));
        const QString directory = qEnvironmentVariable("SPILLWAY_SCREENSHOT_DIR");
        if (!directory.isEmpty())
            QVERIFY(image.save(directory + "/delivery-timeline.png"));
    }

    void thousandPartitions() {
        Snapshot snapshot;
        for (int32_t id = 0; id < 1000; ++id)
            snapshot.partitions.push_back(
                partition(id, 0, 1000 + id, 1000 + id, 1000 + 2 * id, 5000, id));
        ScriptedSnapshots script(snapshot);
        Page view(script.provider());
        for (int i = 0; i < 5; ++i)
            view.feed.poll();
        QTableView* table = view.page.table();
        QCOMPARE(table->model()->rowCount(), 1000);
        // Only the rows on screen are painted: a bar of the last row can be drawn after a scroll.
        table->scrollToBottom();
        const QImage last = table->viewport()->grab().toImage();
        QVERIFY(has_color_near(last, OffsetBarDelegate::pending_color(table->palette())));
        const QString totals = view.page.findChild<QLabel*>("delivery_totals")->text();
        QVERIFY2(totals.startsWith("1,000 partitions · exposure 499,500"), qPrintable(totals));
    }
};

SPILLWAY_TEST_MAIN(TstDeliveryPage)
#include "tst_delivery_page.moc"
