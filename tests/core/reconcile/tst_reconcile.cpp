// Reconciliation against the real parts (a private PostgreSQL and librdkafka's mock cluster):
// after a clean run every offset is accounted for; rows deleted on purpose from the events table
// and the dead-letter table come back as exactly those offsets, per partition; offsets the group
// never committed count as "not yet committed", not as unaccounted; the real binary's exit code
// says which. Guards the promise "stored, dead-lettered, or not committed".
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <set>

#include "core/demo/load_generator.h"
#include "core/pipeline/engine.h"
#include "core/reconcile/reconciler.h"
#include "support/pipeline_fixture.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

namespace {
constexpr int kPartitions = 3;
constexpr int64_t kEvents = 6000;
const std::string kGroup = "reconcile-engine";
const std::string kTable = "events_rc";
const std::string kDeadTable = "dead_rc";

using Coordinates = std::set<std::pair<int32_t, int64_t>>;

std::string describe(const Coordinates& found, const Coordinates& expected) {
    std::string text = "found";
    for (const auto& [partition, offset] : found)
        text += " " + std::to_string(partition) + ":" + std::to_string(offset);
    text += "; expected";
    for (const auto& [partition, offset] : expected)
        text += " " + std::to_string(partition) + ":" + std::to_string(offset);
    return text;
}
}  // namespace

class TstReconcile : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<PipelineFixture> fixture_;
    LoadGeneratorStats produced_;

    ReconcileOptions options(const std::string& group = kGroup) const {
        ReconcileOptions reconcile;
        reconcile.kafka.bootstrap_servers = fixture_->bootstrap_servers();
        reconcile.kafka.topic = fixture_->topic();
        reconcile.kafka.group = group;
        reconcile.conninfo = fixture_->conninfo();
        reconcile.events_table = kTable;
        reconcile.dead_letter_table = kDeadTable;
        reconcile.chunk_messages = 700;  // several chunks, so chunk edges are crossed
        return reconcile;
    }

    static ReconcileReport run(ReconcileOptions reconcile, Coordinates* unaccounted = nullptr) {
        reconcile.on_unaccounted = [unaccounted](const UnaccountedOffset& offset) {
            if (unaccounted)
                unaccounted->insert({offset.partition, offset.offset});
        };
        return spillway::reconcile(reconcile);
    }

#ifdef SPILLWAY_BINARY  // tst_reconcile_binary: the same checks plus the real binary's
    struct BinaryRun {
        int exit_code = -1;
        QString out, err;
    };
    BinaryRun run_binary(const QStringList& extra) const {
        QProcess process;
        QStringList arguments{"--reconcile",
                              "--bootstrap-servers",
                              QString::fromStdString(fixture_->bootstrap_servers()),
                              "--pg",
                              QString::fromStdString(fixture_->conninfo()),
                              "--topic",
                              QString::fromStdString(fixture_->topic()),
                              "--group",
                              QString::fromStdString(kGroup),
                              "--table",
                              QString::fromStdString(kTable),
                              "--dead-letter-table",
                              QString::fromStdString(kDeadTable)};
        process.start(QStringLiteral(SPILLWAY_BINARY), arguments + extra);
        BinaryRun result;
        if (!process.waitForFinished(120000)) {
            process.kill();
            process.waitForFinished();
            result.err = "timed out";
            return result;
        }
        result.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
        result.out = QString::fromUtf8(process.readAllStandardOutput());
        result.err = QString::fromUtf8(process.readAllStandardError());
        return result;
    }

#endif

private slots:
    void initTestCase() {
        fixture_ = std::make_unique<PipelineFixture>(kPartitions);
        fixture_->use_topic("reconcile", kPartitions);
        // No duplicates, so that a deleted row is missing for exactly one offset; malformed
        // messages give the dead-letter table rows to delete.
        LoadGeneratorOptions load = fixture_->load_options(kEvents, 0);
        load.duplicate_share = 0;
        load.malformed_share = 0.02;
        load.id_prefix = "rc";
        load.seed = 14;
        LoadGenerator generator(load);
        generator.start();
        generator.wait();
        produced_ = generator.stats();
        QCOMPARE(produced_.delivered, kEvents);
        QVERIFY(produced_.malformed > 10);

        EngineOptions engine_options = fixture_->engine_options(kGroup, kTable, kDeadTable);
        engine_options.knobs.batch_size = 500;
        engine_options.knobs.flush_interval_ms = 50;
        auto engine = PipelineFixture::start_engine(engine_options);
        QVERIFY(fixture_->wait_all_committed(*engine, 120s));
        PipelineFixture::drain_and_reset(engine);
    }
    void cleanupTestCase() {
        fixture_.reset();
    }

    void cleanRunIsAllAccounted() {
        Coordinates unaccounted;
        const ReconcileReport report = run(options(), &unaccounted);
        QVERIFY(report.all_accounted());
        QVERIFY(unaccounted.empty());
        QCOMPARE(report.read(), kEvents);
        QCOMPARE(report.not_yet_committed(), int64_t(0));
        QCOMPARE(static_cast<int>(report.partitions.size()), kPartitions);
        int64_t stored = 0, dead = 0;
        const auto ends = fixture_->end_offsets();
        for (const auto& partition : report.partitions) {
            QCOMPARE(partition.read, partition.accounted());
            QCOMPARE(partition.committed, ends.at(static_cast<size_t>(partition.partition)));
            stored += partition.stored;
            dead += partition.dead_lettered();
            QCOMPARE(partition.dead_letter_new, partition.dead_lettered());
        }
        QCOMPARE(stored, produced_.valid_distinct);
        QCOMPARE(dead, produced_.malformed);

#ifdef SPILLWAY_BINARY
        const BinaryRun binary = run_binary({});
        QVERIFY2(binary.exit_code == 0, qPrintable(binary.out + binary.err));
        QVERIFY2(binary.out.contains("VERDICT: all accounted"), qPrintable(binary.out));
        QVERIFY2(binary.err.contains("messages checked"), qPrintable(binary.err));
#endif
    }

    void rangeOfOnePartition() {
        ReconcileOptions reconcile = options();
        reconcile.kafka.partition = 1;
        reconcile.kafka.from_offset = 10;
        reconcile.kafka.to_offset = 110;
        const ReconcileReport report = run(reconcile);
        QCOMPARE(static_cast<int>(report.partitions.size()), 1);
        QCOMPARE(report.partitions[0].partition, 1);
        QCOMPARE(report.partitions[0].read, int64_t(100));
        QVERIFY(report.all_accounted());
    }

    // Runs last: it deletes rows.
    void deletedRowsAreReportedExactly() {
        Coordinates deleted;
        const auto take = [&](const std::string& sql) {
            for (const auto& row : fixture_->column(sql)) {
                const auto comma = row.find(',');
                deleted.insert(
                    {std::stoi(row.substr(0, comma)), std::stoll(row.substr(comma + 1))});
            }
        };
        // Five rows of partition 0 and three of partition 2 from the events table, and two
        // dead-letter rows of partition 1.
        take("WITH gone AS (DELETE FROM " + kTable + " WHERE event_id IN (SELECT event_id FROM " +
             kTable +
             " WHERE kafka_partition = 0 ORDER BY kafka_offset LIMIT 5 OFFSET 7) RETURNING "
             "kafka_partition, kafka_offset) SELECT kafka_partition || ',' || kafka_offset FROM "
             "gone");
        take("WITH gone AS (DELETE FROM " + kTable + " WHERE event_id IN (SELECT event_id FROM " +
             kTable +
             " WHERE kafka_partition = 2 ORDER BY kafka_offset DESC LIMIT 3) RETURNING "
             "kafka_partition, kafka_offset) SELECT kafka_partition || ',' || kafka_offset FROM "
             "gone");
        take("WITH gone AS (DELETE FROM " + kDeadTable + " WHERE id IN (SELECT id FROM " +
             kDeadTable +
             " WHERE kafka_partition = 1 ORDER BY kafka_offset LIMIT 2) RETURNING "
             "kafka_partition, kafka_offset) SELECT kafka_partition || ',' || kafka_offset FROM "
             "gone");
        QCOMPARE(deleted.size(), size_t(10));

        Coordinates unaccounted;
        const ReconcileReport report = run(options(), &unaccounted);
        QVERIFY(!report.all_accounted());
        QVERIFY2(unaccounted == deleted, describe(unaccounted, deleted).c_str());
        std::map<int32_t, int64_t> per_partition;
        for (const auto& partition : report.partitions)
            per_partition[partition.partition] = partition.unaccounted;
        QCOMPARE(per_partition[0], int64_t(5));
        QCOMPARE(per_partition[1], int64_t(2));
        QCOMPARE(per_partition[2], int64_t(3));

        // A group that committed nothing: the same offsets are "not yet committed", which a crash
        // would read again, so nothing is unaccounted.
        const ReconcileReport uncommitted = run(options("reconcile-never-committed"));
        QVERIFY(uncommitted.all_accounted());
        QCOMPARE(uncommitted.not_yet_committed(), int64_t(10));

#ifdef SPILLWAY_BINARY
        // The binary: exit code 1 and every unaccounted offset in the JSON Lines file.
        QTemporaryDir directory;
        const QString output = directory.filePath("unaccounted.jsonl");
        const BinaryRun binary = run_binary({"--reconcile-output", output});
        QVERIFY2(binary.exit_code == 1, qPrintable(binary.out + binary.err));
        QVERIFY2(binary.out.contains("VERDICT: 10 of"), qPrintable(binary.out));
        QFile file(output);
        QVERIFY(file.open(QIODevice::ReadOnly));
        Coordinates listed;
        for (const QByteArray& line : file.readAll().split('\n')) {
            if (line.isEmpty())
                continue;
            const QJsonObject record = QJsonDocument::fromJson(line).object();
            QCOMPARE(record.value("topic").toString().toStdString(), fixture_->topic());
            QVERIFY(!record.value("reason").toString().isEmpty());
            listed.insert({record.value("partition").toInt(),
                           static_cast<int64_t>(record.value("offset").toDouble())});
        }
        QVERIFY2(listed == deleted, describe(listed, deleted).c_str());
#endif
    }

    void badRangeIsRefusedByName() {
#ifdef SPILLWAY_BINARY
        const BinaryRun binary = run_binary({"--from-offset", "50", "--to-offset", "10"});
        QCOMPARE(binary.exit_code, 2);
        QVERIFY2(binary.err.contains("--to-offset"), qPrintable(binary.err));
#endif
        ReconcileOptions reconcile = options();
        reconcile.kafka.partition = 99;
        try {
            run(reconcile);
            QFAIL("a partition the topic does not have was accepted");
        } catch (const std::runtime_error& error) {
            QVERIFY2(QString(error.what()).contains("--reconcile-partition 99"), error.what());
        }
    }
};

QTEST_GUILESS_MAIN(TstReconcile)
#include "tst_reconcile.moc"
