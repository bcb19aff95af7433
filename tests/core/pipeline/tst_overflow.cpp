// The overflow policies against the real parts. Under dead-letter, a burst that the writers
// cannot absorb does not stop consumption: what does not fit the queue is parked in the
// dead-letter table as "overflow" and replayed automatically once the queue has room, so the
// events table still ends with exactly the distinct valid events.
#include <QtTest/QtTest>

#include "core/pipeline/engine.h"
#include "core/demo/load_generator.h"
#include "support/pipeline_fixture.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

class TstOverflow : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<PipelineFixture> fixture_;

private slots:
    void initTestCase() { fixture_ = std::make_unique<PipelineFixture>(8); }
    void cleanupTestCase() { fixture_.reset(); }

    void deadLetterPolicyParksAndReplaysABurst() {
        fixture_->use_topic("overflow_burst", 8);
        // Preload a burst far larger than the queue, then let one slow writer face it.
        LoadGeneratorOptions load = fixture_->load_options(60'000);
        load.duplicate_share = 0.02;
        load.malformed_share = 0.01;
        LoadGenerator generator(load);
        generator.start();
        generator.wait();
        const auto produced = generator.stats();
        QCOMPARE(produced.delivered, int64_t(60'000));

        EngineOptions options = fixture_->engine_options("overflow", "events_ovf", "dead_ovf");
        options.knobs.queue_capacity_events = 2000;
        options.knobs.writer_concurrency = 1;
        options.knobs.batch_size = 500;
        options.knobs.flush_interval_ms = 50;
        options.knobs.overflow_policy = OverflowPolicy::DeadLetter;
        Engine engine(options);
        engine.start();

        size_t max_queue = 0;
        const auto ends = fixture_->end_offsets();
        const auto deadline = std::chrono::steady_clock::now() + 120s;
        while (!caught_up(*engine.snapshot(), ends) &&
               std::chrono::steady_clock::now() < deadline) {
            max_queue = std::max(max_queue, engine.snapshot()->queue_events);
            QTest::qWait(20);
        }
        QVERIFY(caught_up(*engine.snapshot(), ends));
        // The queue never held more than its capacity; the burst went to the overflow store
        // instead of pausing the source.
        QVERIFY2(max_queue <= 2000, qPrintable(QString::number(max_queue)));
        const auto at_catch_up = engine.sample_now();
        const int64_t overflowed = at_catch_up.rejected_by_reason[size_t(RejectReason::Overflow)];
        QVERIFY2(overflowed > 1000, qPrintable(QString::number(overflowed)));
        QCOMPARE(at_catch_up.pauses, int64_t(0));

        // The replayer brings every overflow entry home once the queue has room.
        QTRY_COMPARE_WITH_TIMEOUT(fixture_->scalar("SELECT count(*) FROM dead_ovf WHERE reason = "
                                                   "'overflow' AND status = 'new'"),
                                  int64_t(0), 120000);
        engine.drain_and_stop();

        QCOMPARE(fixture_->scalar("SELECT count(*) FROM events_ovf"), produced.valid_distinct);
        // Every malformed message is in the store as new with its real reason — including the
        // ones that overflowed first, whose replay found them still bad — and nothing else is.
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM dead_ovf WHERE status = 'new'"),
                 produced.malformed);
        QCOMPARE(fixture_->scalar(
                     "SELECT count(*) FROM dead_ovf WHERE status = 'new' AND reason = 'overflow'"),
                 int64_t(0));
        // The valid overflow entries were replayed, each once.
        const int64_t replayed =
            fixture_->scalar("SELECT count(*) FROM dead_ovf WHERE status = 'replayed'");
        QVERIFY(replayed > 1000 && replayed <= overflowed);
        QCOMPARE(
            fixture_->scalar(
                "SELECT count(*) FROM dead_ovf WHERE status = 'replayed' AND reason <> 'overflow'"),
            int64_t(0));
        QCOMPARE(fixture_->committed_offsets("overflow"), fixture_->end_offsets());
        QVERIFY(engine.snapshot()->overflow_replayed > 0);
    }

    void backpressurePolicyPausesInstead() {
        fixture_->use_topic("overflow_pause", 8);
        LoadGenerator generator(fixture_->load_options(30'000));
        generator.start();
        generator.wait();
        const auto produced = generator.stats();

        EngineOptions options = fixture_->engine_options("pause", "events_bp", "dead_bp");
        options.knobs.queue_capacity_events = 2000;
        options.knobs.writer_concurrency = 1;
        options.knobs.batch_size = 500;
        options.knobs.flush_interval_ms = 50;
        Engine engine(options);
        engine.start();
        QVERIFY(fixture_->wait_all_committed(engine, 120s));
        engine.drain_and_stop();
        const auto& final_snapshot = *engine.snapshot();
        QVERIFY(final_snapshot.pauses > 0);
        QCOMPARE(final_snapshot.rejected_by_reason[size_t(RejectReason::Overflow)], int64_t(0));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM events_bp"), produced.valid_distinct);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM dead_bp"), int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TstOverflow)
#include "tst_overflow.moc"
