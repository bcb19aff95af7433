// The cost model on a fixed example whose figures are computed by hand below:
// cost now, projected at 30/90/365 days, and without compression, dedup or tiering.
#include <QtTest/QtTest>

#include "core/tiering/cost_inputs.h"
#include "core/tiering/cost_model.h"

using namespace spillway;

namespace {

constexpr double GiB = kBytesPerGiB;

// 100 GiB hot, 10 GiB cold, 2 GiB/day of new hot data, archives at 0.2 of the hot size,
// compression saves 1.8x, duplicates would add 25 %, partitions go cold after 90 days;
// prices $0.08 (hot) and $0.0036 (cold) per GiB-month.
CostInputs example() {
    CostInputs in;
    in.hot_bytes = 100 * GiB;
    in.cold_bytes = 10 * GiB;
    in.hot_bytes_per_day = 2 * GiB;
    in.compression_factor = 1.8;
    in.dedup_factor = 1.25;
    in.archive_ratio = 0.2;
    in.tier_after_days = 90;
    return in;
}

void compare_point(const CostPoint& point, double hot_gib, double cold_gib, double dollars) {
    QVERIFY2(
        qAbs(point.hot_bytes / GiB - hot_gib) < 1e-9,
        qPrintable(QString("hot %1 GiB, expected %2").arg(point.hot_bytes / GiB).arg(hot_gib)));
    QVERIFY2(
        qAbs(point.cold_bytes / GiB - cold_gib) < 1e-9,
        qPrintable(QString("cold %1 GiB, expected %2").arg(point.cold_bytes / GiB).arg(cold_gib)));
    QVERIFY2(
        qAbs(point.monthly_cost - dollars) < 1e-9,
        qPrintable(QString("$%1, expected $%2").arg(point.monthly_cost, 0, 'f', 6).arg(dollars)));
}

}  // namespace

class TstCostModel : public QObject {
    Q_OBJECT

private slots:
    void actualNowAndProjected() {
        const CostReport report = cost_report(example(), TierPrices{});
        QCOMPARE(report.horizons, (std::vector<double>{30, 90, 365}));
        // now: 100 x 0.08 + 10 x 0.0036 = 8 + 0.036
        compare_point(report.actual.now, 100, 10, 8.036);
        // 30 days (not yet tiering age): hot 100 + 2 x 30 = 160 -> 12.8 + 0.036
        compare_point(report.actual.projected[0], 160, 10, 12.836);
        // 90 days: hot 100 + 180 = 280 -> 22.4 + 0.036
        compare_point(report.actual.projected[1], 280, 10, 22.436);
        // 365 days: moved = 100 + 2 x (365 - 90) = 650; hot = 2 x 90 = 180;
        // cold = 10 + 650 x 0.2 = 140 -> 14.4 + 0.504
        compare_point(report.actual.projected[2], 180, 140, 14.904);
    }

    void withoutCompression() {
        const CostReport report = cost_report(example(), TierPrices{});
        const CostScenario& s = report.what_if.at(0);
        QCOMPARE(s.name, std::string("no compression"));
        // hot 100 x 1.8 = 180, growth 3.6/day; archives hold the same data: ratio 0.2 / 1.8
        compare_point(s.now, 180, 10, 14.436);           // 14.4 + 0.036
        compare_point(s.projected[0], 288, 10, 23.076);  // 180 + 108 = 288 -> 23.04 + 0.036
        compare_point(s.projected[1], 504, 10, 40.356);  // 180 + 324 = 504 -> 40.32 + 0.036
        // moved = 180 + 3.6 x 275 = 1170; hot = 324; cold = 10 + 1170 x 0.2/1.8 = 140
        compare_point(s.projected[2], 324, 140, 26.424);  // 25.92 + 0.504
    }

    void withoutDedup() {
        const CostReport report = cost_report(example(), TierPrices{});
        const CostScenario& s = report.what_if.at(1);
        QCOMPARE(s.name, std::string("no dedup"));
        // everything x 1.25: hot 125, cold 12.5, growth 2.5/day
        compare_point(s.now, 125, 12.5, 10.045);           // 10 + 0.045
        compare_point(s.projected[0], 200, 12.5, 16.045);  // 125 + 75 -> 16 + 0.045
        compare_point(s.projected[1], 350, 12.5, 28.045);  // 125 + 225 -> 28 + 0.045
        // moved = 125 + 2.5 x 275 = 812.5; hot = 225; cold = 12.5 + 162.5 = 175
        compare_point(s.projected[2], 225, 175, 18.63);  // 18 + 0.63
    }

    void withoutTiering() {
        const CostReport report = cost_report(example(), TierPrices{});
        const CostScenario& s = report.what_if.at(2);
        QCOMPARE(s.name, std::string("no tiering"));
        // the cold 10 GiB back at hot size: 10 / 0.2 = 50 -> hot 150, nothing ever moves
        compare_point(s.now, 150, 0, 12.0);
        compare_point(s.projected[0], 210, 0, 16.8);
        compare_point(s.projected[1], 330, 0, 26.4);
        compare_point(s.projected[2], 880, 0, 70.4);  // 150 + 730
    }

    void pricesAreConfigurable() {
        // Deep Archive for the cold tier: 10 GiB x 0.00099 = 0.0099; 100 GiB x 0.10 = 10
        const TierPrices prices{0.10, 0.00099};
        compare_point(project(example(), prices, 0), 100, 10, 10.0099);
    }

    void inputsFromMeasuredFigures() {
        Snapshot engine;
        engine.written = 800;
        engine.duplicates = 200;
        engine.active_seconds = 80;
        const IngestFigures ingest = ingest_figures(engine);
        QCOMPARE(ingest.rows_per_day, 864000.0);   // 800 / 80 s x 86400 s
        QCOMPARE(ingest.dedup_factor, 1.25);       // (800 + 200) / 800
        QCOMPARE(ingest.compression_factor, 1.0);  // nothing measured: stored as sent
        // With payload bytes counted, by bytes: (4000 + 2000) / 4000; ratio as measured.
        engine.payload_raw_bytes = 4000;
        engine.dedup_saved_bytes = 2000;
        engine.compression_ratio = 2.5;
        QCOMPARE(ingest_figures(engine).dedup_factor, 1.5);
        QCOMPARE(ingest_figures(engine).compression_factor, 2.5);

        TierSnapshot tiers;
        tiers.hot_bytes = 1000;
        tiers.hot_rows = 10;
        tiers.cold_bytes = 50;
        tiers.cold_hot_bytes = 200;
        tiers.policy.archive_after_days = 30;
        const CostInputs in = cost_inputs(tiers, ingest);
        QCOMPARE(in.hot_bytes_per_day, 86400000.0);  // 100 bytes/row x 864000 rows/day
        QCOMPARE(in.archive_ratio, 0.25);            // 50 / 200
        QCOMPARE(in.tier_after_days, 30.0);
        tiers.cold_hot_bytes = 0;  // nothing archived yet: the assumed ratio
        QCOMPARE(cost_inputs(tiers, ingest).archive_ratio, kAssumedArchiveRatio);
        tiers.policy.enabled = false;
        QCOMPARE(cost_inputs(tiers, ingest).tier_after_days, 0.0);
    }
};

QTEST_GUILESS_MAIN(TstCostModel)
#include "tst_cost_model.moc"
