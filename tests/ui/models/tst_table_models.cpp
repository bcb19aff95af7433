// Every table model of the console under QAbstractItemModelTester (mode Fatal: a broken
// invariant aborts the run): each is filled, refilled with the same keys, with fewer rows and
// with more, and cleared while the tester watches, and a known row shows the text a user reads.
// The dead-letter page model, which pages from a database, has its tester in
// tst_dead_letter_workbench (against a private PostgreSQL).
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QSignalSpy>
#include <QtTest/QtTest>

#include "support/test_main.h"
#include "ui/dashboard/partition_lag_model.h"
#include "ui/dead_letters/dead_letter_audit_model.h"
#include "ui/dead_letters/dead_letter_reason_model.h"
#include "ui/delivery/offset_timeline_filter.h"
#include "ui/delivery/offset_timeline_model.h"
#include "ui/group/group_instances_model.h"
#include "ui/log/log_model.h"
#include "ui/session/engine_control.h"
#include "ui/session/knob_history_feed.h"
#include "ui/session/snapshot_feed.h"
#include "ui/storage/tier_move_model.h"
#include "ui/storage/tier_partition_model.h"
#include "ui/tuning/knob_history_model.h"

using namespace spillway;

namespace {

constexpr auto kFatal = QAbstractItemModelTester::FailureReportingMode::Fatal;

QString text(const QAbstractItemModel& model, int row, int column, int role = Qt::DisplayRole) {
    return model.index(row, column).data(role).toString();
}

PartitionLag lag(int partition, int64_t committed) {
    PartitionLag p;
    p.partition = partition;
    p.committed = committed;
    p.end_offset = committed < 0 ? -1 : committed + 1234;
    p.lag_messages = committed < 0 ? 0 : 1234;
    p.lag_seconds = 12.3;
    p.log_start = 0;
    p.durable = committed < 0 ? -1 : committed + 1000;
    p.pending = 17;
    p.exposure = 2500;
    return p;
}

std::vector<PartitionLag> partitions(std::initializer_list<int> numbers) {
    std::vector<PartitionLag> rows;
    for (int number : numbers)
        rows.push_back(lag(number, number * 10'000));
    return rows;
}

// Fill, the same keys again (in place), fewer, more, none: what every snapshot-driven model
// goes through; the tester attached to `model` checks each step.
template <typename Model, typename Rows>
void run_lifecycle(Model& model, const std::function<void(Model&, Rows)>& set,
                   const std::vector<Rows>& steps) {
    for (const Rows& rows : steps) {
        set(model, rows);
        QCOMPARE(model.rowCount(), int(rows.size()));
    }
}

TierPartition tier_partition(const std::string& day, Tier tier, int64_t rows) {
    TierPartition p;
    p.name = day.empty() ? "events_default"
                         : "events_p" + day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2);
    p.tier = tier;
    p.range_from = day.empty() ? std::string() : day + "T00:00:00Z";
    p.rows = rows;
    p.rows_estimated = tier == Tier::Hot;
    p.bytes = 65536;
    p.hot_bytes = 3 * 1024 * 1024;
    p.archive_file = tier == Tier::Cold ? "/archive/" + p.name + ".jsonl.zst" : std::string();
    return p;
}

TierMove tier_move(int64_t id, const std::string& state) {
    TierMove move;
    move.id = id;
    move.partition = "events_p20260131";
    move.from_tier = "hot";
    move.to_tier = "cold";
    move.state = state;
    move.rows = 12345;
    move.bytes = 1536;
    move.sha256 = "ab12";
    move.started_at = "2026-01-31T12:34:56Z";
    return move;
}

DeadLetterAuditRow audit_row(int64_t id, std::vector<int64_t> entries) {
    DeadLetterAuditRow row;
    row.id = id;
    row.at = WallTime(std::chrono::milliseconds(1'700'000'000'000));
    row.actor = "operator";
    row.action = "discard";
    row.entry_count = int64_t(entries.size());
    row.entry_ids = std::move(entries);
    row.outcome = "discarded";
    return row;
}

LogEntry log_line(int n, QtMsgType level = QtWarningMsg) {
    return {QDateTime(QDate(2026, 1, 31), QTime(12, 0, n % 60)), level,
            QStringLiteral("spillway.test"), QStringLiteral("line %1").arg(n)};
}

// An engine whose knob history the test sets: the feed reads it when the knob version moves.
class HistoryEngine : public EngineControl {
public:
    std::string apply_knobs(const Knobs&, const std::string&) override { return {}; }
    std::optional<Knobs> knobs() const override { return Knobs{}; }
    std::vector<KnobChange> knob_history() const override { return history; }
    std::map<std::string, std::string> kafka_properties() const override { return {}; }
    std::vector<KnobChange> history;
};

KnobChange knob_change(int seconds, int batch_size, const std::string& origin) {
    Knobs before, after;
    after.batch_size = batch_size;
    return {std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000 + seconds)),
            before, after, origin};
}

}  // namespace

class TstTableModels : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void partitionLag() {
        PartitionLagModel model;
        QAbstractItemModelTester tester(&model, kFatal);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
        model.setPartitions(partitions({2, 0, 1}));
        QCOMPARE(resets.size(), 1);
        // Sorted by partition; what the dashboard's table shows.
        QCOMPARE(model.index(2, PartitionLagModel::Partition).data().toInt(), 2);
        QCOMPARE(text(model, 2, PartitionLagModel::LagMessages), QStringLiteral("1,234"));
        QCOMPARE(text(model, 2, PartitionLagModel::LagSeconds), QStringLiteral("12 s"));
        QCOMPARE(text(model, 2, PartitionLagModel::Committed), QStringLiteral("20,000"));
        QCOMPARE(text(model, 2, PartitionLagModel::LogEnd), QStringLiteral("21,234"));
        QCOMPARE(model.index(2, PartitionLagModel::LogEnd).data(PartitionLagModel::ValueRole),
                 QVariant(qlonglong(21234)));
        QCOMPARE(text(model, 2, PartitionLagModel::Partition, Qt::ToolTipRole),
                 QStringLiteral("Partition 2: committed offset 20,000, log end 21,234, consumer "
                                "position –"));
        QCOMPARE(model.headerData(PartitionLagModel::LagMessages, Qt::Horizontal).toString(),
                 QStringLiteral("Lag"));

        // The same assignment: in place, one dataChanged, no reset.
        auto moved = partitions({0, 1, 2});
        moved[0].committed = -1;
        model.setPartitions(moved);
        QCOMPARE(resets.size(), 1);
        QCOMPARE(changes.size(), 1);
        QCOMPARE(text(model, 0, PartitionLagModel::Committed), QStringLiteral("–"));

        run_lifecycle<PartitionLagModel, std::vector<PartitionLag>>(
            model, [](auto& m, auto rows) { m.setPartitions(std::move(rows)); },
            {partitions({0}), partitions({0, 1, 2, 3, 4, 5}), {}});
        QCOMPARE(resets.size(), 4);
    }

    void offsetTimeline() {
        OffsetTimelineModel model;
        OffsetTimelineFilter filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&model, kFatal);
        QAbstractItemModelTester filter_tester(&filter, kFatal);
        model.setPartitions(partitions({0, 1, 2}));
        QCOMPARE(text(model, 1, OffsetTimelineModel::Partition), QStringLiteral("1"));
        QCOMPARE(text(model, 1, OffsetTimelineModel::LogStart), QStringLiteral("0"));
        QCOMPARE(text(model, 1, OffsetTimelineModel::Durable), QStringLiteral("11,000"));
        QCOMPARE(text(model, 1, OffsetTimelineModel::Exposure), QStringLiteral("2,500"));
        QVERIFY(!model.index(1, OffsetTimelineModel::Timeline).data().isValid());
        QVERIFY(text(model, 1, OffsetTimelineModel::Timeline, Qt::ToolTipRole)
                    .contains(QStringLiteral("durable up to: 11,000")));
        QCOMPARE(model.partitionAt(2)->partition, 2);
        QVERIFY(!model.partitionAt(3));
        QCOMPARE(model.headerData(OffsetTimelineModel::HighWatermark, Qt::Horizontal).toString(),
                 QStringLiteral("High watermark"));
        QVERIFY(!model.headerData(OffsetTimelineModel::Exposure, Qt::Horizontal, Qt::ToolTipRole)
                     .toString()
                     .isEmpty());

        run_lifecycle<OffsetTimelineModel, std::vector<PartitionLag>>(
            model, [](auto& m, auto rows) { m.setPartitions(std::move(rows)); },
            {partitions({0, 1, 2}), partitions({1}), partitions({0, 1, 2, 3, 4, 5, 6, 7}), {}});
        QCOMPARE(filter.rowCount(), 0);
    }

    void tierPartitions() {
        TierPartitionModel model;
        QAbstractItemModelTester tester(&model, kFatal);
        model.setPartitions({tier_partition("2026-01-30", Tier::Cold, 5000),
                             tier_partition("2026-01-31", Tier::Hot, 1000),
                             tier_partition("", Tier::Hot, 3)});
        QCOMPARE(text(model, 0, TierPartitionModel::Name), QStringLiteral("events_p20260130"));
        QCOMPARE(text(model, 0, TierPartitionModel::TierColumn), QStringLiteral("cold"));
        QCOMPARE(text(model, 0, TierPartitionModel::Rows), QStringLiteral("5,000"));
        QCOMPARE(text(model, 0, TierPartitionModel::Size), QStringLiteral("64 KiB"));
        QCOMPARE(text(model, 0, TierPartitionModel::Name, Qt::ToolTipRole),
                 QStringLiteral("Archived in /archive/events_p20260130.jsonl.zst (took 3 MiB in "
                                "PostgreSQL)"));
        QCOMPARE(text(model, 1, TierPartitionModel::Day), QStringLiteral("2026-01-31"));
        QCOMPARE(text(model, 1, TierPartitionModel::Rows), QStringLiteral("≈1,000"));
        QCOMPARE(text(model, 2, TierPartitionModel::Day), QStringLiteral("other days"));
        QCOMPARE(model.index(1, TierPartitionModel::TierColumn).data(TierPartitionModel::ValueRole),
                 QVariant(QStringLiteral("hot")));
        QCOMPARE(model.partitionAt(1)->name, std::string("events_p20260131"));

        run_lifecycle<TierPartitionModel, std::vector<TierPartition>>(
            model, [](auto& m, auto rows) { m.setPartitions(std::move(rows)); },
            {{tier_partition("2026-01-31", Tier::Cold, 1000)},
             {tier_partition("2026-01-29", Tier::Hot, 1),
              tier_partition("2026-01-30", Tier::Hot, 2),
              tier_partition("2026-01-31", Tier::Hot, 3), tier_partition("", Tier::Hot, 4)},
             {}});
    }

    void tierMoves() {
        TierMoveModel model;
        QAbstractItemModelTester tester(&model, kFatal);
        model.setMoves({tier_move(2, "done"), tier_move(1, "failed")});
        QCOMPARE(text(model, 0, TierMoveModel::Started), QStringLiteral("2026-01-31 12:34:56"));
        QCOMPARE(text(model, 0, TierMoveModel::Direction), QStringLiteral("hot → cold"));
        QCOMPARE(text(model, 0, TierMoveModel::Rows), QStringLiteral("12,345"));
        QCOMPARE(text(model, 0, TierMoveModel::Size), QStringLiteral("1.5 KiB"));
        QCOMPARE(text(model, 0, TierMoveModel::State, Qt::ToolTipRole),
                 QStringLiteral("SHA-256 ab12"));
        QCOMPARE(model.headerData(TierMoveModel::Size, Qt::Horizontal).toString(),
                 QStringLiteral("Archive"));
        run_lifecycle<TierMoveModel, std::vector<TierMove>>(
            model, [](auto& m, auto rows) { m.setMoves(std::move(rows)); },
            {{tier_move(3, "exporting")},
             {tier_move(6, "done"), tier_move(5, "done"), tier_move(4, "done")},
             {}});
    }

    void deadLetterReasons() {
        DeadLetterReasonModel model;
        QAbstractItemModelTester tester(&model, kFatal);
        model.setCounts({{"missing_id", 12}, {"not_an_object", 1500}});
        QCOMPARE(text(model, 1, DeadLetterReasonModel::Reason), QStringLiteral("not_an_object"));
        QCOMPARE(text(model, 1, DeadLetterReasonModel::Count), QStringLiteral("1,500"));
        QCOMPARE(model.index(0, DeadLetterReasonModel::Reason).data(Qt::CheckStateRole).toInt(),
                 int(Qt::Unchecked));
        QVERIFY(model.setData(model.index(0, DeadLetterReasonModel::Reason), Qt::Checked,
                              Qt::CheckStateRole));
        // Fewer: the checked reason stays, with a count of 0.
        model.setCounts({{"not_an_object", 3}});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(text(model, 1, DeadLetterReasonModel::Reason), QStringLiteral("missing_id"));
        QCOMPARE(text(model, 1, DeadLetterReasonModel::Count), QStringLiteral("0"));
        model.clearChecks();
        model.setCounts({{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}});
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.total(), 10);
        model.setCounts({});
        QCOMPARE(model.rowCount(), 0);
    }

    void deadLetterAudit() {
        DeadLetterAuditModel model;
        QAbstractItemModelTester tester(&model, kFatal);
        model.setRows({audit_row(2, {7, 8}), audit_row(1, {3})});
        QCOMPARE(text(model, 0, DeadLetterAuditModel::Selection), QStringLiteral("ids 7, 8"));
        QCOMPARE(text(model, 1, DeadLetterAuditModel::Selection), QStringLiteral("id 3"));
        QCOMPARE(text(model, 0, DeadLetterAuditModel::Actor), QStringLiteral("operator"));
        QCOMPARE(text(model, 0, DeadLetterAuditModel::Entries), QStringLiteral("2"));
        QCOMPARE(text(model, 0, DeadLetterAuditModel::At),
                 QDateTime::fromMSecsSinceEpoch(1'700'000'000'000)
                     .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
        run_lifecycle<DeadLetterAuditModel, std::vector<DeadLetterAuditRow>>(
            model, [](auto& m, auto rows) { m.setRows(std::move(rows)); },
            {{audit_row(1, {1})},
             {audit_row(5, {1}), audit_row(4, {2}), audit_row(3, {3}), audit_row(2, {4})},
             {}});
    }

    void logLines() {
        LogModel model(5);
        LogLevelFilter filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&model, kFatal);
        QAbstractItemModelTester filter_tester(&filter, kFatal);
        model.append({log_line(1, QtInfoMsg), log_line(2), log_line(3)});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(text(model, 1, LogModel::Time), QStringLiteral("12:00:02.000"));
        QCOMPARE(text(model, 1, LogModel::Level), QStringLiteral("warning"));
        QCOMPARE(text(model, 1, LogModel::Category), QStringLiteral("spillway.test"));
        QCOMPARE(text(model, 1, LogModel::Message), QStringLiteral("line 2"));
        filter.setMinimumLevel(QtWarningMsg);
        QCOMPARE(filter.rowCount(), 2);
        // Past the bound the oldest lines go: more, then fewer (a clear), then some again.
        model.append({log_line(4), log_line(5), log_line(6), log_line(7)});
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(text(model, 0, LogModel::Message), QStringLiteral("line 3"));
        model.append(
            {log_line(8), log_line(9), log_line(10), log_line(11), log_line(12), log_line(13)});
        QCOMPARE(text(model, 0, LogModel::Message), QStringLiteral("line 9"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        model.append({log_line(14)});
        QCOMPARE(filter.rowCount(), 1);
    }

    void knobHistory() {
        HistoryEngine engine;
        int version = 0;
        SnapshotFeed feed(
            [&version] {
                auto s = std::make_shared<Snapshot>();
                s->taken_at = std::chrono::system_clock::now();
                s->knob_version = uint64_t(version);
                return std::shared_ptr<const Snapshot>(s);
            },
            std::chrono::hours(1));
        KnobHistoryFeed history(&feed, &engine);
        KnobHistoryModel model(&history);
        QAbstractItemModelTester tester(&model, kFatal);
        const auto publish = [&](std::vector<KnobChange> changes) {
            engine.history = std::move(changes);
            ++version;
            feed.poll();
        };
        publish({knob_change(1, 1000, "gui"), knob_change(2, 2000, "api")});
        QCOMPARE(model.rowCount(), 2);
        // Newest first.
        QCOMPARE(text(model, 0, KnobHistoryModel::Origin), QStringLiteral("api"));
        QVERIFY(text(model, 0, KnobHistoryModel::Change).contains(QStringLiteral("2,000")));
        publish({knob_change(1, 1000, "gui"), knob_change(2, 2000, "api"),
                 knob_change(3, 3000, "cli"), knob_change(4, 4000, "")});
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(text(model, 0, KnobHistoryModel::Origin), QStringLiteral("unknown"));
        publish({knob_change(9, 500, "test")});  // a new engine: fewer rows
        QCOMPARE(model.rowCount(), 1);
        publish({});
        QCOMPARE(model.rowCount(), 0);
    }

    // Columns are instances here: added, replaced, removed and cleared under the tester. The
    // addresses are closed loopback ports: each instance reports itself unreachable.
    void groupInstances() {
        GroupInstancesModel model;
        QAbstractItemModelTester tester(&model, kFatal);
        const auto profile = [](const QString& name, int port) {
            ConnectionProfile p;
            p.name = name;
            p.kind = ProfileKind::RemoteEngine;
            p.engine_url = QStringLiteral("http://127.0.0.1:%1").arg(port);
            return p;
        };
        QCOMPARE(model.addInstance(profile(QStringLiteral("first"), 9)), 0);
        QCOMPARE(model.addInstance(profile(QStringLiteral("second"), 9)), 1);
        QCOMPARE(model.columnCount(), 2);
        QCOMPARE(model.rowCount(), int(GroupInstancesModel::FigureCount));
        QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("second"));
        QCOMPARE(model.headerData(GroupInstancesModel::Lag, Qt::Vertical).toString(),
                 QStringLiteral("Consumer lag"));
        QCOMPARE(text(model, GroupInstancesModel::Lag, 0), QStringLiteral("–"));
        QTRY_COMPARE_WITH_TIMEOUT(text(model, GroupInstancesModel::State, 0),
                                  QStringLiteral("unreachable"), 10000);
        QCOMPARE(model.addInstance(profile(QStringLiteral("first"), 1)), 1);  // replaced
        QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("second"));
        model.addInstance(profile(QStringLiteral("third"), 9));
        model.removeInstance(0);
        QCOMPARE(model.columnCount(), 2);
        model.clear();
        QCOMPARE(model.columnCount(), 0);
    }
};

SPILLWAY_TEST_MAIN(TstTableModels)
#include "tst_table_models.moc"
