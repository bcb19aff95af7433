// The storage and cost page driven by a hand-made TierControl: the tiles, the partitions and
// moves tables and the charts show the figures they are given (costs computed by hand below),
// the actions and the policy editor reach the control, and without a tiering job the page says
// how to get one.
#include <qcustomplot.h>
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>

#include "support/test_main.h"
#include "ui/charts/bar_chart_card.h"
#include "ui/widgets/metric_tile.h"
#include "ui/storage/storage_page.h"
#include "ui/session/tier_control.h"
#include "ui/storage/tier_move_model.h"
#include "ui/storage/tier_partition_model.h"
#include "ui/storage/tier_policy_form.h"
#include "ui/charts/time_series_chart.h"

using namespace spillway;

namespace {

constexpr double GiB = 1024.0 * 1024.0 * 1024.0;

// Records what the page asks for; hands out whatever snapshot the test sets.
class ScriptedTiers : public TierControl {
public:
    std::shared_ptr<const TierSnapshot> tier_snapshot() const override { return snapshot; }
    void set_tier_policy(const TierPolicy& policy) override { policies.push_back(policy); }
    void run_tiering_now() override { ++runs; }
    void archive_partition(const std::string& partition) override { archived.push_back(partition); }
    void restore_partition(const std::string& partition) override { restored.push_back(partition); }
    TierPrices tier_prices() const override { return prices; }

    std::shared_ptr<const TierSnapshot> snapshot;
    TierPrices prices;
    std::vector<TierPolicy> policies;
    std::vector<std::string> archived, restored;
    int runs = 0;
};

// 10 GiB hot in two partitions (1 KiB per row), 1 GiB cold that took 4 GiB hot; 90-day policy.
TierSnapshot example_tiers() {
    TierSnapshot tiers;
    tiers.available = true;
    tiers.taken_at = std::chrono::system_clock::now();
    tiers.hot_bytes = int64_t(10 * GiB);
    tiers.hot_rows = 10 * 1024 * 1024;
    tiers.cold_bytes = int64_t(1 * GiB);
    tiers.cold_rows = 3'000'000;
    tiers.cold_hot_bytes = int64_t(4 * GiB);
    tiers.partitions = {
        {"events_p20250101", Tier::Cold, "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z", 3'000'000,
         false, int64_t(1 * GiB), int64_t(4 * GiB), "/archive/events_p20250101.copy.zst"},
        {"events_p20260130", Tier::Hot, "2026-01-30T00:00:00Z", "2026-01-31T00:00:00Z", 5'000'000,
         false, int64_t(5 * GiB), 0, ""},
        {"events_p20260131", Tier::Hot, "2026-01-31T00:00:00Z", "2026-02-01T00:00:00Z", 5'485'760,
         true, int64_t(5 * GiB), 0, ""},
    };
    tiers.moves = {{1, "events_p20250101", "hot", "cold", "done", 3'000'000, int64_t(1 * GiB),
                    "ab12", "2026-01-31T10:00:00Z", "2026-01-31T10:01:00Z", ""}};
    tiers.last_outcome = "archived events_p20250101: 3000000 rows";
    return tiers;
}

// 1 GiB of new hot data a day (1,048,576 rows of 1 KiB), payloads 2x smaller, 25 % more events
// received than stored.
IngestFigures example_ingest() {
    IngestFigures ingest;
    ingest.rows_per_day = 1024 * 1024;
    ingest.compression_factor = 2.0;
    ingest.dedup_factor = 1.25;
    return ingest;
}

MetricTile* tile(const QWidget& page, const char* name) {
    return page.findChild<MetricTile*>(QLatin1String(name));
}

double bar_value(const BarChartCard* card, int series, int category) {
    const QCPBars* bars = card ? card->series(series) : nullptr;
    if (!bars || category >= bars->data()->size())
        return NAN;
    return (bars->data()->constBegin() + category)->value;
}

double last_value(const TimeSeriesChart* chart, int series) {
    const QCPGraph* graph = chart ? chart->series(series) : nullptr;
    return graph && !graph->data()->isEmpty() ? (graph->data()->constEnd() - 1)->value : NAN;
}

}  // namespace

class TstStoragePage : public QObject {
    Q_OBJECT

private slots:
    void showsTheFiguresItIsGiven() {
        ScriptedTiers control;
        StoragePage page(nullptr, &control);
        page.resize(1400, 1000);
        page.showFigures(example_tiers(), example_ingest());

        QCOMPARE(tile(page, "tile_hot")->value(), QStringLiteral("10 GiB"));
        QCOMPARE(tile(page, "tile_hot")->detail(),
                 QStringLiteral("90.9% of bytes · 10,485,760 rows"));
        QCOMPARE(tile(page, "tile_hot")->toolTip(), QStringLiteral("2 partitions in PostgreSQL"));
        QCOMPARE(tile(page, "tile_cold")->value(), QStringLiteral("1 GiB"));
        QCOMPARE(tile(page, "tile_cold")->detail(), QStringLiteral("1 file · 3,000,000 rows"));
        QVERIFY(tile(page, "tile_cold")
                    ->toolTip()
                    .contains(QStringLiteral("took 4 GiB in PostgreSQL")));
        // now: 10 GiB x $0.08 + 1 GiB x $0.0036 = $0.8036
        QCOMPARE(tile(page, "tile_cost_now")->value(), QStringLiteral("$0.804"));
        // in 30 days: hot 10 + 30 x 1 = 40 GiB -> $3.20 + $0.0036 = $3.2036
        QCOMPARE(tile(page, "tile_cost_30")->value(), QStringLiteral("$3.20"));
        // without compression: hot 20 + 30 x 2 = 80 GiB -> $6.40 + $0.0036
        QVERIFY2(
            tile(page, "tile_cost_30")->toolTip().contains(QStringLiteral("no compression $6.40")),
            qPrintable(tile(page, "tile_cost_30")->toolTip()));
        // without tiering: hot 10 + 1 / 0.25 + 30 = 44 GiB -> $3.52
        QVERIFY(tile(page, "tile_cost_30")->toolTip().contains(QStringLiteral("no tiering $3.52")));
        QCOMPARE(tile(page, "tile_compression")->value(), QStringLiteral("50.0%"));
        QCOMPARE(tile(page, "tile_dedup")->value(), QStringLiteral("20.0%"));

        auto* cost = page.findChild<BarChartCard*>(QStringLiteral("card_cost"));
        QVERIFY(cost);
        QCOMPARE(cost->categories().size(), 4);
        QVERIFY(qAbs(bar_value(cost, 0, 0) - 0.8036) < 1e-9);  // actual, now
        QVERIFY(qAbs(bar_value(cost, 0, 1) - 3.2036) < 1e-9);  // actual, 30 days
        QVERIFY(qAbs(bar_value(cost, 3, 1) - 3.52) < 1e-9);    // no tiering, 30 days
        // 365 days: moved = 10 + 275 = 285 GiB -> cold 1 + 285 x 0.25 = 72.25; hot 90
        // -> 90 x 0.08 + 72.25 x 0.0036 = 7.2 + 0.2601
        QVERIFY(qAbs(bar_value(cost, 0, 3) - 7.4601) < 1e-9);
        auto* split = page.findChild<BarChartCard*>(QStringLiteral("card_tier_split"));
        QVERIFY(qAbs(bar_value(split, 0, 0) - 10 * GiB) < 1);  // hot now
        QVERIFY(qAbs(bar_value(split, 1, 0) - 1 * GiB) < 1);   // cold now
        QVERIFY(qAbs(bar_value(split, 1, 3) - 72.25 * GiB) < 1);

        auto* bytes = page.findChild<TimeSeriesChart*>(QStringLiteral("card_tier_bytes"));
        QCOMPARE(last_value(bytes, 0), 11 * GiB);  // stacked: hot + cold
        QCOMPARE(last_value(bytes, 1), 10 * GiB);
        auto* savings = page.findChild<TimeSeriesChart*>(QStringLiteral("card_savings"));
        QCOMPARE(last_value(savings, 0), 50.0);
        QCOMPARE(last_value(savings, 1), 20.0);
        QCOMPARE(last_value(savings, 2), 75.0);  // 1 GiB archive for 4 GiB in PostgreSQL

        auto* table = page.findChild<QTableView*>(QStringLiteral("table_tier_partitions"));
        QAbstractItemModel* model = table->model();
        QAbstractItemModelTester tester(model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QCOMPARE(model->rowCount(), 3);
        QCOMPARE(model->index(0, TierPartitionModel::Name).data().toString(),
                 QStringLiteral("events_p20250101"));
        QCOMPARE(model->index(0, TierPartitionModel::TierColumn).data().toString(),
                 QStringLiteral("cold"));
        QCOMPARE(model->index(0, TierPartitionModel::Rows).data().toString(),
                 QStringLiteral("3,000,000"));
        QCOMPARE(model->index(1, TierPartitionModel::Size).data().toString(),
                 QStringLiteral("5 GiB"));
        QCOMPARE(model->index(2, TierPartitionModel::Rows).data().toString(),
                 QStringLiteral("≈5,485,760"));
        QCOMPARE(model->index(2, TierPartitionModel::Day).data().toString(),
                 QStringLiteral("2026-01-31"));
        auto* moves = page.findChild<QTableView*>(QStringLiteral("table_tier_moves"))->model();
        QAbstractItemModelTester moves_tester(
            moves, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QCOMPARE(moves->rowCount(), 1);
        QCOMPARE(moves->index(0, TierMoveModel::Direction).data().toString(),
                 QStringLiteral("hot → cold"));
        QCOMPARE(moves->index(0, TierMoveModel::Started).data().toString(),
                 QStringLiteral("2026-01-31 10:00:00"));
    }

    void pricesChangeTheCost() {
        ScriptedTiers control;
        StoragePage page(nullptr, &control);
        page.showFigures(example_tiers(), example_ingest());
        page.policyForm()->setPrices(TierPrices{0.10, 0.00099});
        emit page.policyForm()->pricesChanged(page.policyForm()->prices());
        // 10 x 0.10 + 1 x 0.00099 = 1.00099
        QCOMPARE(tile(page, "tile_cost_now")->value(), QStringLiteral("$1.00"));
        QVERIFY(qAbs(page.costReport().actual.now.monthly_cost - 1.00099) < 1e-9);
    }

    void actionsAndPolicyReachTheControl() {
        ScriptedTiers control;
        control.prices = TierPrices{0.2, 0.01};
        control.snapshot = std::make_shared<TierSnapshot>(example_tiers());
        StoragePage page(nullptr, &control);
        page.poll();
        QCOMPARE(page.policyForm()->prices().hot_per_gib_month, 0.2);

        auto* table = page.findChild<QTableView*>(QStringLiteral("table_tier_partitions"));
        auto* archive = page.findChild<QPushButton*>(QStringLiteral("partition_archive"));
        auto* restore = page.findChild<QPushButton*>(QStringLiteral("partition_restore"));
        QVERIFY(!archive->isEnabled() && !restore->isEnabled());  // nothing selected
        table->selectRow(0);                                      // the cold one
        QVERIFY(!archive->isEnabled());
        QVERIFY(restore->isEnabled());
        restore->click();
        QCOMPARE(control.restored, std::vector<std::string>{"events_p20250101"});
        table->selectRow(1);
        QVERIFY(archive->isEnabled());
        QVERIFY(!restore->isEnabled());
        archive->click();
        QCOMPARE(control.archived, std::vector<std::string>{"events_p20260130"});

        auto* days = page.findChild<QSpinBox*>(QStringLiteral("policy_archive_after_days"));
        QCOMPARE(days->value(), 90);
        days->setValue(30);
        page.findChild<QPushButton*>(QStringLiteral("policy_apply"))->click();
        QCOMPARE(control.policies.size(), size_t(1));
        QCOMPARE(control.policies[0].archive_after_days, 30);
        page.findChild<QPushButton*>(QStringLiteral("tiering_run_now"))->click();
        QCOMPARE(control.runs, 1);
    }

    void withoutTieringThePageSaysHowToStartIt() {
        StoragePage page(nullptr, nullptr);
        auto* status = page.findChild<QLabel*>(QStringLiteral("tiering_status"));
        QVERIFY(status->text().contains(QStringLiteral("--archive-dir")));
        QVERIFY(!page.findChild<QPushButton*>(QStringLiteral("tiering_run_now"))->isEnabled());
    }

    void errorsAreShown() {
        ScriptedTiers control;
        StoragePage page(nullptr, &control);
        TierSnapshot tiers = example_tiers();
        tiers.last_error =
            "archive file /a/x.copy.zst is corrupt: its SHA-256 is 1 but its manifest says 2";
        page.showFigures(tiers, example_ingest());
        auto* status = page.findChild<QLabel*>(QStringLiteral("tiering_status"));
        QVERIFY(status->text().contains(QStringLiteral("is corrupt")));
    }
};

SPILLWAY_TEST_MAIN(TstStoragePage)
#include "tst_storage_page.moc"
