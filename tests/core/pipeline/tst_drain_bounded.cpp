// A graceful drain honours its timeout even when events wait in an overflow spool that cannot
// write: against the real embedded PostgreSQL and the mock Kafka cluster. Nothing is lost: what
// was not written stays uncommitted and is read again by the next run.
#include <QtTest/QtTest>

#include <atomic>
#include <thread>

#include "core/demo/load_generator.h"
#include "core/pipeline/engine.h"
#include "core/postgres/pg_connection.h"
#include "support/pipeline_fixture.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

class TstDrainBounded : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<PipelineFixture> fixture_;

private slots:
    void initTestCase() { fixture_ = std::make_unique<PipelineFixture>(2); }
    void cleanupTestCase() { fixture_.reset(); }

    // The events table takes writes, the dead-letter table does not (it is renamed away: every
    // overflow write fails, and the spool's writer retries), so the queue drains while the spool
    // is stuck: the drain used to wait for the spool for ever.
    void drainWithAStuckSpoolEndsInTime() {
        fixture_->use_topic("drain_spool", 2);
        EngineOptions options = fixture_->engine_options("drain_spool", "events_ds", "dead_ds");
        options.knobs.queue_capacity_events = 200;
        options.knobs.writer_concurrency = 1;
        options.knobs.batch_size = 50;
        options.knobs.overflow_policy = OverflowPolicy::DeadLetter;
        options.drain_timeout_ms = 2000;
        auto engine = PipelineFixture::start_engine(options);
        PgConnection(fixture_->conninfo()).exec("ALTER TABLE dead_ds RENAME TO dead_ds_away");

        LoadGenerator generator(fixture_->load_options(5000));
        generator.start();
        generator.wait();
        QTRY_VERIFY_WITH_TIMEOUT(engine->snapshot()->batch_retries > 0, 60000);
        // The queue is empty and the writers idle: only the spool holds events. (Intake may
        // pause before all 5,000 are read: the failing dead-letter writes mark the sink down.)
        QTRY_VERIFY_WITH_TIMEOUT(engine->snapshot()->queue_events == 0 &&
                                     engine->snapshot()->overflow_queued > 0,
                                 60000);
        QVERIFY(fixture_->scalar("SELECT count(*) FROM events_ds") < 5000);

        std::atomic<bool> returned{false};
        DrainReport report;
        std::thread drainer([&] {
            report = engine->drain_and_stop();
            returned = true;
        });
        // Far beyond the 2 s timeout: a drain that has not returned by then never will.
        (void)QTest::qWaitFor([&] { return returned.load(); }, 60000);
        if (!returned)
            qFatal("drain_and_stop() did not return 60 s after a 2 s drain timeout");
        drainer.join();
        QVERIFY(!report.completed);
        // Nothing lost: the spooled events stay uncommitted and are read again.
        QVERIFY(fixture_->committed_offsets("drain_spool") != fixture_->end_offsets());
        PgConnection(fixture_->conninfo()).exec("ALTER TABLE dead_ds_away RENAME TO dead_ds");
        engine = PipelineFixture::start_engine(options);
        QVERIFY(fixture_->wait_all_committed(*engine, 120s));
        // Overflow of the second run comes home through the replayer.
        QTRY_COMPARE_WITH_TIMEOUT(fixture_->scalar("SELECT count(*) FROM events_ds"), int64_t(5000),
                                  120000);
        PipelineFixture::drain_and_reset(engine);
    }
};

QTEST_GUILESS_MAIN(TstDrainBounded)
#include "tst_drain_bounded.moc"
