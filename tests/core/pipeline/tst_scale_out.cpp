// Several engine instances in one consumer group: Kafka spreads the partitions among them and
// moves them on a join or a leave. Across every rebalance, nothing is lost and no row is stored
// twice: a revoked partition's queued events are still written, the new owner re-reads from the
// committed offset, and the database absorbs the repeats.
#include <QtTest/QtTest>

#include "core/pipeline/engine.h"
#include "core/demo/load_generator.h"
#include "support/pipeline_fixture.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

class TstScaleOut : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<PipelineFixture> fixture_;

    EngineOptions options(const std::string& group, const std::string& table,
                          const std::string& dead_table) const {
        EngineOptions options = fixture_->engine_options(group, table, dead_table);
        options.knobs.writer_concurrency = 2;
        options.knobs.batch_size = 2000;
        options.knobs.flush_interval_ms = 100;
        return options;
    }

    LoadGeneratorOptions load(uint64_t seed, const std::string& prefix) const {
        // 90,000 events (~27 MB) at 6,000/s into six partitions, consumed while produced.
        return fixture_->mixed_load(90'000, 6'000, seed, prefix);
    }

    void verify_exactly_once(const std::string& group, const std::string& table,
                             const std::string& dead_table, const LoadGeneratorStats& produced) {
        QCOMPARE(produced.delivered, produced.produced);
        const auto truth = fixture_->census();
        QCOMPARE(truth.log_start, int64_t(0));  // retention dropped nothing
        QCOMPARE(truth.messages, produced.produced);
        QCOMPARE(truth.valid_distinct, produced.valid_distinct);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM " + table), produced.valid_distinct);
        QCOMPARE(fixture_->scalar("SELECT count(DISTINCT event_id) FROM " + table),
                 produced.valid_distinct);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM " + dead_table), produced.malformed);
        QCOMPARE(fixture_->scalar("SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM " +
                                  dead_table),
                 produced.malformed);
        QCOMPARE(fixture_->committed_offsets(group), fixture_->end_offsets());
    }

    static size_t assigned(const Engine& engine) { return engine.snapshot()->partitions.size(); }

private slots:
    void initTestCase() { fixture_ = std::make_unique<PipelineFixture>(6); }

    void joiningInstanceTakesOverPartitions() {
        const std::string group = "scale-out";
        fixture_->use_topic("scale_out", 6);
        Engine first(options(group, "events_join", "dead_join"));
        first.start();
        LoadGenerator generator(load(61, "jn"));
        generator.start();
        QTRY_VERIFY_WITH_TIMEOUT(first.snapshot()->written > 5'000, 60000);
        QCOMPARE(assigned(first), size_t(6));

        // A second instance joins mid-run: the group rebalances and spreads the partitions.
        Engine second(options(group, "events_join", "dead_join"));
        QVERIFY(!generator.finished());
        second.start();
        QTRY_VERIFY_WITH_TIMEOUT(
            assigned(second) > 0 && assigned(first) > 0 && assigned(first) + assigned(second) == 6,
            60000);
        qInfo() << "after the join: first has" << assigned(first) << "partitions, second"
                << assigned(second) << "; still producing:" << !generator.finished();
        QTRY_VERIFY_WITH_TIMEOUT(second.snapshot()->written > 0, 60000);

        generator.wait();
        const auto produced = generator.stats();
        QVERIFY(fixture_->wait_group_committed(group, 120s));
        QVERIFY(first.drain_and_stop().completed);
        QVERIFY(second.drain_and_stop().completed);
        const auto a = first.snapshot(), b = second.snapshot();
        qInfo() << "first consumed" << a->consumed << "written" << a->written << "dup"
                << a->duplicates << "dead" << a->dead_lettered << "; second consumed" << b->consumed
                << "written" << b->written << "dup" << b->duplicates << "dead" << b->dead_lettered
                << "; re-read on rebalance" << a->consumed + b->consumed - produced.produced;
        QVERIFY(a->consumed > 0 && b->consumed > 0);
        QCOMPARE(a->lost_to_retention + b->lost_to_retention, int64_t(0));
        QVERIFY(a->consumed + b->consumed >= produced.produced);
        QCOMPARE(a->written + b->written, produced.valid_distinct);
        verify_exactly_once(group, "events_join", "dead_join", produced);
    }

    void leavingInstanceHandsItsPartitionsOver() {
        const std::string group = "hand-over";
        fixture_->use_topic("hand_over", 6);
        Engine first(options(group, "events_leave", "dead_leave"));
        Engine second(options(group, "events_leave", "dead_leave"));
        first.start();
        second.start();
        LoadGenerator generator(load(62, "lv"));
        generator.start();
        QTRY_VERIFY_WITH_TIMEOUT(first.snapshot()->written > 0 && second.snapshot()->written > 0,
                                 60000);
        QTRY_VERIFY_WITH_TIMEOUT(first.snapshot()->written + second.snapshot()->written > 15'000,
                                 60000);

        // The first instance stops gracefully mid-run; the second takes every partition over.
        // Production pauses while the first drains, so a drain slowed by a busy machine cannot
        // outlast the load, and resumes before the hand-over, so events keep arriving while the
        // second instance takes the partitions.
        generator.set_paused(true);
        QVERIFY(!generator.finished());
        const DrainReport drain = first.drain_and_stop();
        QVERIFY(drain.completed);
        const int64_t second_before = second.snapshot()->consumed;
        generator.set_paused(false);
        QTRY_COMPARE_WITH_TIMEOUT(assigned(second), size_t(6), 60000);

        generator.wait();
        const auto produced = generator.stats();
        QVERIFY(fixture_->wait_group_committed(group, 120s));
        QVERIFY(second.drain_and_stop().completed);
        const auto a = first.snapshot(), b = second.snapshot();
        qInfo() << "first consumed" << a->consumed << "(drained" << drain.queued_at_stop
                << "queued) ; second consumed" << b->consumed << "," << b->consumed - second_before
                << "after the hand-over; re-read" << a->consumed + b->consumed - produced.produced;
        QVERIFY(a->consumed > 0);
        QVERIFY(b->consumed > second_before);
        QCOMPARE(a->lost_to_retention + b->lost_to_retention, int64_t(0));
        QCOMPARE(a->written + b->written, produced.valid_distinct);
        verify_exactly_once(group, "events_leave", "dead_leave", produced);
    }
};

QTEST_GUILESS_MAIN(TstScaleOut)
#include "tst_scale_out.moc"
