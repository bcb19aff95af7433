// History gets day partitions: an event older than the maintained window but within the horizon
// (--partition-horizon-days, 400 by default) gets its own day partition, made off the writers'
// path by the partition maintainer, which moves the day's rows out of the default partition; an
// event beyond the horizon stays in the default partition. Against the real embedded PostgreSQL
// and the mock Kafka cluster.
#include <QtTest/QtTest>
#include <chrono>

#include "core/demo/load_generator.h"
#include "core/pipeline/engine.h"
#include "core/postgres/sink_schema.h"
#include "support/pipeline_fixture.h"
#include "support/test_producer.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

class TstHistoryPartitions : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<PipelineFixture> fixture_;

private slots:
    void initTestCase() { fixture_ = std::make_unique<PipelineFixture>(1, 1, "history"); }
    void cleanupTestCase() { fixture_.reset(); }

    void aBackfilledDayGetsItsPartitionBeyondTheHorizonDoesNot() {
        const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
        const auto old_day = today - std::chrono::days(90);
        const auto ancient_day = today - std::chrono::days(500);
        const auto ms = [](std::chrono::sys_days day) {
            return std::chrono::duration_cast<std::chrono::milliseconds>(
                       (day + std::chrono::hours(5)).time_since_epoch())
                .count();
        };
        TestProducer producer(fixture_->bootstrap_servers());
        for (int i = 0; i < 20; ++i)
            producer.send("history",
                          make_event_json("old-" + std::to_string(i), 1, i, ms(old_day), 200, 1),
                          "k");
        producer.send("history", make_event_json("ancient", 1, 99, ms(ancient_day), 200, 1), "k");
        QVERIFY(producer.flush());

        auto engine = PipelineFixture::start_engine(
            fixture_->engine_options("history", "events_hist", "dead_hist"));
        QVERIFY(fixture_->wait_all_committed(*engine, 60s));
        const std::string old_partition = day_partition_table("events_hist", old_day);
        QTRY_COMPARE_WITH_TIMEOUT(
            fixture_->scalar("SELECT count(*) FROM events_hist WHERE tableoid = to_regclass('" +
                             old_partition + "')"),
            int64_t(20), 30000);
        PipelineFixture::drain_and_reset(engine);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM events_hist_default"), int64_t(1));
        QCOMPARE(fixture_->column("SELECT event_id FROM events_hist_default").at(0),
                 std::string("ancient"));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM pg_inherits WHERE inhparent = "
                                  "'events_hist'::regclass"),
                 int64_t(1 + 5 + 1));  // default, yesterday..today+3, the backfilled day
    }
};

QTEST_GUILESS_MAIN(TstHistoryPartitions)
#include "tst_history_partitions.moc"
