// Snapshot, knobs and knob history to JSON and back: what the control API serves and a remote
// console reads. A round trip must give the same values; bad input names the member.
#include <QtTest/QtTest>

#include "core/pipeline/snapshot_json.h"

using namespace spillway;

class TstSnapshotJson : public QObject {
    Q_OBJECT
private slots:
    void snapshotRoundTrips() {
        Snapshot s;
        s.taken_at = from_epoch_ms(1'790'000'000'123);
        s.uptime_s = 12.5;
        s.state = "running";
        s.consumed = 9'007'199'254'740'000;  // beyond 2^53 / 2: integers stay exact
        s.written = 42;
        s.dead_lettered = 3;
        s.rejected_by_reason[static_cast<size_t>(RejectReason::MissingId)] = 2;
        s.rejected_by_reason[static_cast<size_t>(RejectReason::Overflow)] = 1;
        s.queue_events = 17;
        s.queue_capacity_bytes = size_t(1) << 33;
        s.writers_busy = 2;
        s.source_paused = true;
        s.database_available = false;
        s.e2e_p99_ms = 81.25;
        s.partitions = {{0, 10, 8, 12, 4, 0.5}, {3, -1, -1, 0, 0, 0}};
        s.total_lag_messages = 4;
        s.knobs.batch_size = 777;
        s.knobs.overflow_policy = OverflowPolicy::DeadLetter;
        s.knobs.fetch = {{"fetch.wait.max.ms", "100"}, {"queued.min.messages", "20000"}};
        s.knob_version = 5;
        s.last_database_error = "SQLSTATE 57P01: terminating connection";

        const QJsonObject json = snapshot_to_json(s);
        QCOMPARE(json.value("written").toInteger(), 42);
        QCOMPARE(json.value("rejected_by_reason").toObject().value("missing_id").toInteger(), 2);
        std::string error;
        const auto back = snapshot_from_json(json, &error);
        QVERIFY2(back.has_value(), error.c_str());
        QCOMPARE(back->taken_at, s.taken_at);
        QCOMPARE(back->consumed, s.consumed);
        QCOMPARE(back->written, s.written);
        QCOMPARE(back->rejected_by_reason, s.rejected_by_reason);
        QCOMPARE(back->queue_capacity_bytes, s.queue_capacity_bytes);
        QCOMPARE(back->source_paused, true);
        QCOMPARE(back->database_available, false);
        QCOMPARE(back->e2e_p99_ms, 81.25);
        QCOMPARE(back->partitions.size(), size_t(2));
        QCOMPARE(back->partitions[0].lag_messages, int64_t(4));
        QCOMPARE(back->partitions[1].partition, 3);
        QCOMPARE(back->partitions[1].committed, int64_t(-1));
        QCOMPARE(back->knobs, s.knobs);
        QCOMPARE(back->knob_version, uint64_t(5));
        QCOMPARE(back->last_database_error, s.last_database_error);
        QCOMPARE(back->state, s.state);
    }

    // The offset timeline: every figure per partition, in the snapshot and at /api/v1/partitions
    // with the totals, and back again on the remote console's side.
    void offsetTimelineRoundTripsWithTotals() {
        Snapshot s;
        PartitionLag first;
        first.partition = 0;
        first.log_start = 5;
        first.committed = 900;
        first.durable = 950;
        first.pending = 50;
        first.consumed_position = 1000;
        first.end_offset = 1200;
        first.lag_messages = 300;
        first.exposure = 100;
        PartitionLag second = first;
        second.partition = 1;
        second.exposure = 20;
        second.pending = 7;
        second.lost_to_retention = 42;
        s.partitions = {first, second};
        const QJsonObject partitions = partitions_to_json(s);
        const QJsonObject totals = partitions.value("totals").toObject();
        QCOMPARE(totals.value("partitions").toInteger(), qint64(2));
        QCOMPARE(totals.value("exposure").toInteger(), qint64(120));
        QCOMPARE(totals.value("pending").toInteger(), qint64(57));
        QCOMPARE(totals.value("lag_messages").toInteger(), qint64(600));
        QCOMPARE(totals.value("lost_to_retention").toInteger(), qint64(42));
        const QJsonObject row = partitions.value("partitions").toArray().at(0).toObject();
        QCOMPARE(row.value("log_start").toInteger(), qint64(5));
        QCOMPARE(row.value("durable").toInteger(), qint64(950));
        QCOMPARE(row.value("consumed_position").toInteger(), qint64(1000));

        std::string error;
        const auto back = snapshot_from_json(snapshot_to_json(s), &error);
        QVERIFY2(back, error.c_str());
        QCOMPARE(back->partitions[1].lost_to_retention, int64_t(42));
        QCOMPARE(back->partitions[1].exposure, int64_t(20));
        QCOMPARE(back->partitions[0].durable, int64_t(950));
        QCOMPARE(back->partitions[0].pending, int64_t(50));
        QCOMPARE(back->partitions[0].log_start, int64_t(5));
    }

    void wrongTypeIsNamed() {
        QJsonObject json = snapshot_to_json(Snapshot{});
        json.insert("written", "many");
        std::string error;
        QVERIFY(!snapshot_from_json(json, &error));
        QVERIFY2(error.find("written") != std::string::npos, error.c_str());

        QJsonObject lag = partition_lag_to_json(PartitionLag{});
        lag.insert("end_offset", 1.5);
        json = snapshot_to_json(Snapshot{});
        json.insert("partitions", QJsonArray{lag});
        QVERIFY(!snapshot_from_json(json, &error));
        QVERIFY2(error.find("partitions[0].end_offset") != std::string::npos, error.c_str());
    }

    void knobsPartialUpdate() {
        Knobs base;
        std::string error;
        const auto knobs = knobs_from_json(
            QJsonObject{{"batch_size", 1234}, {"overflow_policy", "dead-letter"}}, base, &error);
        QVERIFY2(knobs.has_value(), error.c_str());
        QCOMPARE(knobs->batch_size, 1234);
        QCOMPARE(knobs->overflow_policy, OverflowPolicy::DeadLetter);
        QCOMPARE(knobs->flush_interval_ms, base.flush_interval_ms);
    }

    void knobsRefusalsNameTheKnob_data() {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<QString>("named");
        QTest::newRow("unknown") << QJsonObject{{"batch_sise", 10}} << "batch_sise";
        QTest::newRow("type") << QJsonObject{{"writer_concurrency", "4"}} << "writer_concurrency";
        QTest::newRow("fraction") << QJsonObject{{"batch_size", 10.5}} << "batch_size";
        QTest::newRow("range") << QJsonObject{{"writer_concurrency", 0}} << "writer_concurrency";
        QTest::newRow("negative") << QJsonObject{{"queue_capacity_events", -1}}
                                  << "queue_capacity_events";
        QTest::newRow("policy") << QJsonObject{{"overflow_policy", "drop"}} << "overflow_policy";
        QTest::newRow("fetch property")
            << QJsonObject{{"fetch", QJsonObject{{"session.timeout.ms", "6000"}}}}
            << "session.timeout.ms";
        QTest::newRow("fetch value")
            << QJsonObject{{"fetch", QJsonObject{{"fetch.wait.max.ms", "soon"}}}}
            << "fetch.wait.max.ms";
        QTest::newRow("fetch type") << QJsonObject{{"fetch", 5}} << "fetch";
    }
    void knobsRefusalsNameTheKnob() {
        QFETCH(QJsonObject, json);
        QFETCH(QString, named);
        std::string error;
        QVERIFY(!knobs_from_json(json, Knobs{}, &error));
        QVERIFY2(QString::fromStdString(error).contains(named), error.c_str());
    }

    void historyRoundTrips() {
        KnobChange change;
        change.at = from_epoch_ms(1'790'000'000'000);
        change.after.batch_size = 10;
        change.origin = "api";
        const QJsonArray json = knob_history_to_json({change, change});
        std::string error;
        const auto back = knob_history_from_json(json, &error);
        QVERIFY2(back.has_value(), error.c_str());
        QCOMPARE(back->size(), size_t(2));
        QCOMPARE(back->at(1).origin, std::string("api"));
        QCOMPARE(back->at(1).after.batch_size, 10);
        QCOMPARE(back->at(1).at, change.at);
    }
};

QTEST_GUILESS_MAIN(TstSnapshotJson)
#include "tst_snapshot_json.moc"
