// Faults against the real parts: the private PostgreSQL stopped and started under load, a broker
// of the mock cluster taken down, the engine process killed with SIGKILL and restarted, graceful
// and forced shutdown with a full queue. Whatever happens, every event ends exactly once in the
// events table (by id) or in the dead-letter table (by source offset), and the committed offsets
// never pass an event that is not stored.
#include <sys/stat.h>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <fstream>
#include <functional>
#include <future>
#include <thread>

#include "core/demo/load_generator.h"
#include "core/pipeline/engine.h"
#include "core/postgres/pg_connection.h"
#include "core/postgres/sink_schema.h"
#include "support/child_service.h"
#include "support/http_client.h"
#include "support/pipeline_fixture.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

class TstFaults : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<PipelineFixture> fixture_;

    int64_t rows(const std::string& table) {
        return fixture_->scalar("SELECT count(*) FROM " + table);
    }
    // 0 while the engine has not created the table yet.
    int64_t rows_if_created(const std::string& table) {
        if (fixture_->scalar("SELECT count(*) FROM pg_class WHERE oid = to_regclass('" + table +
                             "')") == 0)
            return 0;
        return rows(table);
    }

    // Every valid event once, every malformed message once, nothing of another topic.
    void verify_tables(const std::string& table, const std::string& dead_table,
                       int64_t valid_distinct, int64_t malformed) {
        QCOMPARE(rows(table), valid_distinct);
        QCOMPARE(fixture_->scalar("SELECT count(DISTINCT event_id) FROM " + table), valid_distinct);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM " + table + " WHERE kafka_topic <> '" +
                                  fixture_->topic() + "'"),
                 int64_t(0));
        QCOMPARE(rows(dead_table), malformed);
        QCOMPARE(fixture_->scalar("SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM " +
                                  dead_table),
                 malformed);
    }

    // The log as the broker holds it must be what the generator produced, all of it still there.
    void verify_census(const LoadGeneratorStats& produced) {
        const auto truth = fixture_->census();
        QCOMPARE(truth.log_start, int64_t(0));
        QCOMPARE(truth.messages, produced.produced);
        QCOMPARE(truth.valid_distinct, produced.valid_distinct);
        QCOMPARE(truth.malformed, produced.malformed);
    }

    LoadGeneratorOptions load(int64_t events, double rate, uint64_t seed,
                              const std::string& prefix) const {
        return fixture_->mixed_load(events, rate, seed, prefix);
    }

    // Backends of the engine waiting for a lock (on the blocked events table).
    // Backends of the engine blocked on a lock. The partition maintainer can wait on the locked
    // table beside the writers, and a writer can block before its COPY (on a statement that
    // names the table), so callers ask for at least as many as there are writers.
    int64_t writers_waiting_for_lock() {
        return fixture_->scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> "
            "pg_backend_pid()");
    }

private slots:
    void initTestCase() {
        // Three brokers, so one can go down while the others serve.
        fixture_ = std::make_unique<PipelineFixture>(6, 3);
    }
    void cleanupTestCase() { fixture_.reset(); }

    void databaseDownPausesIntakeAndLosesNothing() {
        const std::string group = "db-down";
        // 80,000 events of ~300 bytes in eight partitions: the whole log fits the mock's
        // retention even if nothing were consumed while the database is down.
        fixture_->use_topic("db_down", 8);
        EngineOptions options = fixture_->engine_options(group, "events_dbdown", "dead_dbdown");
        options.knobs.writer_concurrency = 3;
        options.knobs.batch_size = 2000;
        options.knobs.flush_interval_ms = 100;
        Engine engine(options);
        engine.start();
        LoadGenerator generator(load(80'000, 10'000, 21, "db"));
        generator.start();
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->written > 10'000, 60000);

        auto* postgres = fixture_->environment().postgres();
        QVERIFY(postgres);
        postgres->stop();
        // The writers lose their connections and the source pauses its partitions.
        QTRY_VERIFY_WITH_TIMEOUT(
            !engine.snapshot()->database_available && engine.snapshot()->source_paused, 20000);
        QTest::qWait(300);  // what was already handed to the queue settles
        const auto at_pause = engine.snapshot();
        const int64_t written_at_pause = at_pause->written;
        // Keep the database down for four seconds; intake must stay paused all along.
        int samples = 0, paused_samples = 0;
        const auto until = std::chrono::steady_clock::now() + 4s;
        while (std::chrono::steady_clock::now() < until) {
            QTest::qWait(100);
            const auto s = engine.snapshot();
            ++samples;
            if (s->source_paused && !s->database_available)
                ++paused_samples;
        }
        const auto before_restart = engine.snapshot();
        const int64_t consumed_while_down = before_restart->consumed - at_pause->consumed;
        qInfo() << "database down: consumed" << consumed_while_down << "while paused; written"
                << before_restart->written - written_at_pause << "; queue"
                << before_restart->queue_events << "; retries" << before_restart->batch_retries
                << "; last database error" << before_restart->last_database_error.c_str();
        QCOMPARE(paused_samples, samples);
        QCOMPARE(consumed_while_down, int64_t(0));
        QCOMPARE(before_restart->written, written_at_pause);
        QVERIFY(before_restart->batch_retries > 0);

        postgres->start();
        // The engine recovers by itself: writes succeed again and intake resumes.
        QTRY_VERIFY_WITH_TIMEOUT(
            engine.snapshot()->database_available && engine.snapshot()->written > written_at_pause,
            60000);
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->consumed > before_restart->consumed, 60000);

        generator.wait();
        const auto produced = generator.stats();
        QCOMPARE(produced.delivered, produced.produced);
        QVERIFY(fixture_->wait_all_committed(engine, 120s));
        const DrainReport drain = engine.drain_and_stop();
        QVERIFY(drain.completed);
        const auto final_snapshot = engine.snapshot();
        QCOMPARE(final_snapshot->lost_to_retention, int64_t(0));
        verify_census(produced);
        verify_tables("events_dbdown", "dead_dbdown", produced.valid_distinct, produced.malformed);
        QCOMPARE(fixture_->committed_offsets(group), fixture_->end_offsets());
        qInfo() << "checked" << produced.valid_distinct << "distinct valid," << produced.malformed
                << "malformed," << produced.duplicates << "duplicates of" << produced.produced;
        // While writes were failing, the snapshot named the failure ("latest failed write,
        // retried"), so an operator can see why intake is paused.
        QVERIFY2(!before_restart->last_database_error.empty(),
                 "Snapshot.last_database_error was empty during the outage");
    }

    void brokerDownAndBackResumesIngestion() {
        const std::string group = "broker-down";
        fixture_->use_topic("broker_down", 6);
        EngineOptions options = fixture_->engine_options(group, "events_brk", "dead_brk");
        options.knobs.writer_concurrency = 3;
        options.knobs.batch_size = 2000;
        options.knobs.flush_interval_ms = 100;
        Engine engine(options);
        engine.start();
        // 60,000 events (~18 MB) in six partitions, consumed while produced.
        LoadGenerator generator(load(60'000, 8'000, 22, "bk"));
        generator.start();
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->written > 10'000, 60000);

        fixture_->environment().kafka()->set_broker_down(1, true);
        QTest::qWait(4000);  // the broker stays down for a while: there is nothing to poll for
        const auto while_down = engine.snapshot();
        fixture_->environment().kafka()->set_broker_down(1, false);
        qInfo() << "broker 1 down: written" << while_down->written << "commit failures"
                << while_down->commit_failures << "last Kafka error"
                << while_down->last_kafka_error.c_str();

        generator.wait();
        const auto produced = generator.stats();
        QCOMPARE(produced.delivered, produced.produced);
        // Ingestion resumes by itself: every partition, those broker 1 leads included, is
        // consumed, written and committed to its end.
        QVERIFY(fixture_->wait_all_committed(engine, 120s));
        const DrainReport drain = engine.drain_and_stop();
        QVERIFY(drain.completed);
        QCOMPARE(engine.snapshot()->lost_to_retention, int64_t(0));
        // A producer retry across the outage may have stored a message twice: the broker's log is
        // the truth the tables must match.
        const auto truth = fixture_->census();
        QCOMPARE(truth.log_start, int64_t(0));
        QCOMPARE(truth.valid_distinct, produced.valid_distinct);
        QVERIFY(truth.messages >= produced.produced);
        if (truth.messages != produced.produced)
            qInfo() << "the producer stored" << truth.messages - produced.produced
                    << "messages twice across the outage";
        verify_tables("events_brk", "dead_brk", truth.valid_distinct, truth.malformed);
        QCOMPARE(fixture_->committed_offsets(group), fixture_->end_offsets());
        qInfo() << "checked" << truth.valid_distinct << "distinct valid," << truth.malformed
                << "malformed of" << truth.messages << "messages in the log";
    }

    void sigkillAtRandomMomentsLosesNothing() {
        const std::string group = "sigkill";
        const std::string table = "events_kill", dead_table = "dead_kill";
        // 100,000 events (~30 MB) in ten partitions: the whole log fits the mock's retention
        // however long the engine is down between a kill and its restart. Produced while the
        // engine is killed and restarted (about 70 s), 1,400/s on average, in pulses: 250 ms at
        // 5,600/s each second. A smooth low rate would make thousands of one-message sets per
        // partition, and the mock cluster finds a fetch offset by walking a partition's message
        // sets one by one: the backlog a restart leaves would then be read back at about 2,000
        // events/s.
        fixture_->use_topic("sigkill", 10);
        LoadGenerator generator(load(100'000, 5'600, 23, "kl"));
        generator.start();
        std::atomic<bool> stop_pulses{false};
        std::thread pulses([&] {
            while (!stop_pulses && !generator.finished()) {
                generator.set_rate(5'600);
                std::this_thread::sleep_for(250ms);
                generator.set_rate(0.001);  // paused until the next pulse
                std::this_thread::sleep_for(750ms);
            }
        });
        ReleaseOnExit join_pulses{[&] {
            stop_pulses = true;
            pulses.join();
        }};
        const QStringList arguments = service_arguments(
            *fixture_, group, table, dead_table,
            {"--batch-size", "1000", "--writers", "2", "--flush-interval-ms", "100"});

        // The group's committed offsets move only after what they cover is durable: a run that
        // advanced them has written something.
        const auto committed_total = [&]() -> int64_t {
            try {
                int64_t total = 0;
                for (const int64_t offset : fixture_->committed_offsets(group))
                    total += std::max<int64_t>(offset, 0);
                return total;
            } catch (const std::exception&) {
                return -1;  // the coordinator is busy: ask again
            }
        };
        const auto end_total = [&]() -> int64_t {
            int64_t total = 0;
            for (const int64_t offset : fixture_->end_offsets())
                total += offset;
            return total;
        };

        QRandomGenerator random(20240611);
        constexpr int kKills = 4;
        for (int kill = 0; kill < kKills; ++kill) {
            if (kill > 0)
                wait_out_dead_member();
            QProcess child;
            child.start(QStringLiteral(SPILLWAY_BINARY), arguments);
            QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
            // Once the run has its partitions, it commits what it writes.
            const int64_t before = committed_total();
            QTRY_VERIFY2_WITH_TIMEOUT(
                committed_total() > before ||
                    (generator.finished() && committed_total() == end_total()),
                qPrintable(output_tail(child.readAllStandardError())), 90000);
            // Then kill it at a random moment, once something produced is not yet committed
            // (still in the broker, queued, being written, or written and not yet committed).
            const int delay_ms = static_cast<int>(random.bounded(100, 2500));
            QTest::qWait(delay_ms);
            const bool busy = QTest::qWaitFor(
                [&] {
                    const int64_t committed = committed_total();
                    return committed >= 0 && committed < end_total();
                },
                5000);
            QVERIFY2(child.state() == QProcess::Running,
                     qPrintable(output_tail(child.readAllStandardError())));
            child.kill();
            QVERIFY(child.waitForFinished(10000));
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);
            qInfo() << "kill" << kill + 1 << delay_ms << "ms into writing"
                    << (busy ? "with work in flight" : "when idle") << ": rows" << rows(table)
                    << "dead letters" << rows(dead_table) << "committed" << committed_total()
                    << "of" << end_total();
        }

        join_pulses.release();
        generator.set_rate(0);
        generator.wait();
        const auto produced = generator.stats();
        QCOMPARE(produced.produced, int64_t(100'000));
        QCOMPARE(produced.delivered, produced.produced);

        // A last run reads what the killed ones left uncommitted, then stops on SIGTERM.
        wait_out_dead_member();
        QProcess child;
        child.start(QStringLiteral(SPILLWAY_BINARY), arguments);
        QString err;
        QVERIFY2(wait_until_consuming(child, err), qPrintable(output_tail(err)));
        const bool committed = fixture_->wait_group_committed(group, 150s);
        QVERIFY2(committed, qPrintable(output_tail(err + child.readAllStandardError())));
        child.terminate();
        QVERIFY(child.waitForFinished(60000));
        const QString out = QString::fromUtf8(child.readAllStandardOutput());
        err += QString::fromUtf8(child.readAllStandardError());
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QVERIFY2(child.exitCode() == 0, qPrintable(out + output_tail(err)));
        QVERIFY2(out.contains(QRegularExpression("lost to retention\\s+0\\n")), qPrintable(out));

        verify_census(produced);
        verify_tables(table, dead_table, produced.valid_distinct, produced.malformed);
        QCOMPARE(fixture_->committed_offsets(group), fixture_->end_offsets());
        qInfo() << "checked" << produced.valid_distinct << "distinct valid," << produced.malformed
                << "malformed," << produced.duplicates << "duplicates of" << produced.produced
                << "; dead-letter attempts beyond the first (re-reads):"
                << fixture_->scalar("SELECT coalesce(sum(attempts - 1), 0) FROM " + dead_table);
    }

    void gracefulShutdownWritesAFullQueue() {
        const std::string group = "full-queue";
        const std::string table = "events_fq", dead_table = "dead_fq";
        fixture_->use_topic("full_queue", 6);
        EngineOptions options = fixture_->engine_options(group, table, dead_table);
        options.knobs.writer_concurrency = 2;
        options.knobs.batch_size = 1000;
        options.knobs.flush_interval_ms = 100;
        options.knobs.queue_capacity_events = 10'000;
        Engine engine(options);
        engine.start();  // creates the tables

        // Block every write: the writers wait on the lock, the queue fills, the source pauses.
        PgConnection blocker(fixture_->conninfo());
        blocker.exec("BEGIN");
        blocker.exec("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        // 40,000 events (~12 MB) in six partitions: fits retention without being consumed.
        LoadGenerator generator(load(40'000, 0, 24, "fq"));
        generator.start();
        QTRY_VERIFY_WITH_TIMEOUT(
            engine.snapshot()->source_paused && engine.snapshot()->queue_fill >= 0.8, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(writers_waiting_for_lock() >= 2, 30000);
        generator.wait();
        const auto produced = generator.stats();
        QCOMPARE(produced.delivered, produced.produced);

        // The drain waits for the blocked writers; release them a moment later.
        auto drained =
            std::async(std::launch::async, [&engine] { return engine.drain_and_stop(); });
        // An early return (a failed check) must not leave the drain waiting on the lock forever.
        ReleaseOnExit guard{[&blocker] { blocker.exec("COMMIT"); }};
        QTRY_COMPARE_WITH_TIMEOUT(engine.snapshot()->state, std::string("draining"), 10000);
        QTest::qWait(1500);
        QVERIFY(drained.wait_for(0s) == std::future_status::timeout);
        guard.release();
        QVERIFY(drained.wait_for(60s) == std::future_status::ready);
        const DrainReport drain = drained.get();
        const auto s = engine.snapshot();
        qInfo() << "drain:" << drain.queued_at_stop << "queued at stop, completed"
                << drain.completed << "in" << drain.seconds << "s; consumed" << s->consumed
                << "written" << s->written << "dup" << s->duplicates << "dead" << s->dead_lettered;
        QVERIFY(drain.completed);
        QVERIFY(drain.queued_at_stop >= 5'000);
        QCOMPARE(s->lost_to_retention, int64_t(0));
        // Every consumed event is stored (or a duplicate of a stored one)...
        QCOMPARE(s->written + s->duplicates + s->dead_lettered, s->consumed);
        QCOMPARE(rows(table), s->written);
        QCOMPARE(rows(dead_table), s->dead_lettered);
        // ...and the committed offsets cover exactly what was consumed: one run from offset 0.
        int64_t committed_total = 0;
        for (const int64_t offset : fixture_->committed_offsets(group))
            committed_total += std::max<int64_t>(offset, 0);
        QCOMPARE(committed_total, s->consumed);
        QVERIFY(s->consumed < produced.produced);  // the rest is still in the log

        // A fresh engine on the same group reads only what the first never consumed.
        Engine second(options);
        second.start();
        QVERIFY(fixture_->wait_all_committed(second, 120s));
        QVERIFY(second.drain_and_stop().completed);
        QCOMPARE(second.snapshot()->consumed, produced.produced - s->consumed);
        QCOMPARE(second.snapshot()->lost_to_retention, int64_t(0));
        verify_census(produced);
        verify_tables(table, dead_table, produced.valid_distinct, produced.malformed);
        QCOMPARE(fixture_->committed_offsets(group), fixture_->end_offsets());
    }

    void secondSignalExitsFastAndLosesNothing() {
        const std::string group = "second-signal";
        const std::string table = "events_sig", dead_table = "dead_sig";
        fixture_->use_topic("second_signal", 6);
        // Preloaded: 20,000 events (~6 MB) in six partitions fit the mock's retention.
        LoadGenerator generator(load(20'000, 0, 25, "sg"));
        generator.start();
        generator.wait();
        const auto produced = generator.stats();
        QCOMPARE(produced.delivered, produced.produced);

        // The tables exist and the events table is locked before the engine starts: nothing it
        // reads can become durable.
        SinkOptions sink;
        sink.conninfo = fixture_->conninfo();
        sink.events_table = table;
        sink.dead_letter_table = dead_table;
        sink.topic = fixture_->topic();
        PgConnection blocker(fixture_->conninfo());
        ensure_schema(blocker, sink);
        blocker.exec("BEGIN");
        blocker.exec("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");

        const QStringList arguments = service_arguments(*fixture_, group, table, dead_table,
                                                        {"--batch-size", "2000", "--writers", "2"});
        {
            QProcess child;
            child.start(QStringLiteral(SPILLWAY_BINARY), arguments);
            QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
            QTRY_VERIFY2_WITH_TIMEOUT(writers_waiting_for_lock() >= 2,
                                      qPrintable(output_tail(child.readAllStandardError())), 60000);
            // The first SIGTERM starts a graceful drain, which waits for the blocked writers...
            child.terminate();
            QTest::qWait(500);
            QCOMPARE(child.state(), QProcess::Running);
            // ...and the second one cuts it short.
            child.terminate();
            QVERIFY(child.waitForFinished(10000));
            const QString err = QString::fromUtf8(child.readAllStandardError());
            QCOMPARE(child.exitStatus(), QProcess::NormalExit);
            QVERIFY2(child.exitCode() == 130, qPrintable(output_tail(err)));
            QVERIFY2(err.contains("stopped fast on a second signal"), qPrintable(output_tail(err)));
        }
        // Nothing was written, so no offset past the first was committed.
        QCOMPARE(std::stoll(blocker.query_column("SELECT count(*) FROM " + table).at(0)),
                 int64_t(0));
        for (const int64_t offset : fixture_->committed_offsets(group))
            QVERIFY2(offset <= 0, qPrintable(QString::number(offset)));
        blocker.exec("COMMIT");

        // A fresh run reads everything again and stores it exactly once.
        wait_out_dead_member();
        QProcess child;
        child.start(QStringLiteral(SPILLWAY_BINARY), arguments);
        QString err;
        QVERIFY2(wait_until_consuming(child, err), qPrintable(output_tail(err)));
        const bool committed = fixture_->wait_group_committed(group, 120s);
        QVERIFY2(committed, qPrintable(output_tail(err + child.readAllStandardError())));
        child.terminate();
        QVERIFY(child.waitForFinished(60000));
        const QString out = QString::fromUtf8(child.readAllStandardOutput());
        err += QString::fromUtf8(child.readAllStandardError());
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QVERIFY2(child.exitCode() == 0, qPrintable(out + output_tail(err)));
        QVERIFY2(out.contains(QRegularExpression("lost to retention\\s+0\\n")), qPrintable(out));
        verify_census(produced);
        verify_tables(table, dead_table, produced.valid_distinct, produced.malformed);
        QCOMPARE(fixture_->committed_offsets(group), fixture_->end_offsets());
    }

    // An API drain is not a signal: a second drain request, and then one SIGTERM (systemctl stop),
    // leave the graceful drain running; it ends with everything written and committed, exit 0.
    void drainRequestsAndOneSignalStayGraceful() {
        const std::string group = "api-drain";
        const std::string table = "events_apidrain", dead_table = "dead_apidrain";
        fixture_->use_topic("api_drain", 4);
        LoadGenerator generator(load(8'000, 0, 27, "ad"));
        generator.start();
        generator.wait();
        const auto produced = generator.stats();
        QCOMPARE(produced.delivered, produced.produced);

        SinkOptions sink;
        sink.conninfo = fixture_->conninfo();
        sink.events_table = table;
        sink.dead_letter_table = dead_table;
        sink.topic = fixture_->topic();
        PgConnection blocker(fixture_->conninfo());
        ensure_schema(blocker, sink);
        blocker.exec("BEGIN");
        blocker.exec("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        ReleaseOnExit unlock([&blocker] { blocker.exec("COMMIT"); });

        QTemporaryDir dir;
        const std::string token_file = dir.filePath("token").toStdString();
        std::ofstream(token_file) << "drain-test-token-2b9e41\n";
        ::chmod(token_file.c_str(), 0600);
        const QStringList arguments =
            service_arguments(*fixture_, group, table, dead_table,
                              {"--batch-size", "2000", "--writers", "2", "--listen", "127.0.0.1:0",
                               "--api-token-file", qtext(token_file)});
        QProcess child;
        QString err;
        const quint16 port = start_serving(child, QStringLiteral(SPILLWAY_BINARY), arguments, err);
        QVERIFY2(port > 0, qPrintable(output_tail(err)));
        QTRY_VERIFY2_WITH_TIMEOUT(writers_waiting_for_lock() >= 2,
                                  qPrintable(output_tail(err + child.readAllStandardError())),
                                  60000);
        // Two drain requests close together, then systemctl stop's SIGTERM.
        for (int request = 0; request < 2; ++request) {
            const HttpReply reply =
                http_request(port, "POST", "/api/v1/drain", {}, "drain-test-token-2b9e41", 10000);
            QVERIFY2(reply.status == 202 || reply.status == 503,
                     qPrintable(QString::number(reply.status) + " " + reply.body + reply.error));
        }
        child.terminate();
        QTest::qWait(1000);
        QVERIFY2(child.state() == QProcess::Running,
                 qPrintable(output_tail(err + child.readAllStandardError())));
        unlock.release();  // the writers go on; the drain completes
        QVERIFY(child.waitForFinished(120000));
        const QString out = QString::fromUtf8(child.readAllStandardOutput());
        err += QString::fromUtf8(child.readAllStandardError());
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QVERIFY2(child.exitCode() == 0, qPrintable(out + output_tail(err)));
        QVERIFY2(!err.contains("stopped fast"), qPrintable(output_tail(err)));
        QVERIFY2(out.contains("all written") && !out.contains("NOT all written"), qPrintable(out));
        // The final commit happened: what was written is committed.
        PgConnection reader(fixture_->conninfo());
        const int64_t rows = std::stoll(reader.query_column("SELECT count(*) FROM " + table).at(0));
        QVERIFY(rows > 0);
        int64_t committed = 0;
        for (const int64_t offset : fixture_->committed_offsets(group))
            committed += std::max<int64_t>(offset, 0);
        QVERIFY2(committed > 0, "no offset committed by the drain");
    }
};

QTEST_GUILESS_MAIN(TstFaults)
#include "tst_faults.moc"
