// The partitioned events table against the real parts (a private PostgreSQL and librdkafka's mock
// cluster): day partitions exist ahead of need, events land in the partition of their UTC day,
// events far outside the window land in the default partition and are counted, and dedup holds
// across partitions (the key table): one event_id is stored once whatever its copies' times.
// Also guards the two DDL traps: a day partition created while the default partition holds rows
// of that day (they move), and an events table from before partitioning (refused, clearly).
#include <QtTest/QtTest>
#include <chrono>

#include "core/pipeline/engine.h"
#include "core/demo/load_generator.h"
#include "core/postgres/partition_maintainer.h"
#include "core/postgres/pg_connection.h"
#include "support/pipeline_fixture.h"
#include "support/test_producer.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kEvents = "part_events";
constexpr const char* kDead = "part_dead";
constexpr int kDaysAhead = 5;

using Days = std::chrono::sys_days;

Days today() {
    return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
}

int64_t ms_of(Days day, std::chrono::milliseconds into_day = 0ms) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(day.time_since_epoch() + into_day)
        .count();
}

std::string event_at(const std::string& event_id, int64_t ts_ms) {
    return make_event_json(event_id, 7, 1, ts_ms, 300, 42);
}

}  // namespace

class TstPartitions : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<PipelineFixture> fixture_;
    std::unique_ptr<TestProducer> producer_;
    std::unique_ptr<Engine> engine_;

    // Sends the messages and waits until the engine has committed them all.
    void ingest(const std::vector<std::string>& payloads) {
        for (const auto& payload : payloads)
            producer_->send(fixture_->topic(), payload, "dev-7");
        QVERIFY(producer_->flush());
        QVERIFY(fixture_->wait_all_committed(*engine_, 60s));
    }

    // The partition (table name) holding each stored copy of the event.
    std::vector<std::string> partitions_of(const std::string& event_id) {
        return fixture_->column("SELECT tableoid::regclass::text FROM " + std::string(kEvents) +
                                " WHERE event_id = '" + event_id + "' ORDER BY 1");
    }

private slots:
    void initTestCase() {
        fixture_ = std::make_unique<PipelineFixture>(1, 1, "partitions");
        producer_ = std::make_unique<TestProducer>(fixture_->bootstrap_servers());
        EngineOptions options = fixture_->engine_options("partitions", kEvents, kDead);
        options.sink.partitions.days_ahead = kDaysAhead;
        options.knobs.flush_interval_ms = 50;
        engine_ = PipelineFixture::start_engine(options);
    }

    void cleanupTestCase() {
        PipelineFixture::drain_and_reset(engine_);
        producer_.reset();
        fixture_.reset();
    }

    void partitionsExistAheadOfNeed() {
        const Days first = today() - std::chrono::days(1);
        for (int day = 0; day <= kDaysAhead + 1; ++day) {
            const std::string name = day_partition_table(kEvents, first + std::chrono::days(day));
            QCOMPARE(fixture_->scalar("SELECT count(*) FROM pg_inherits WHERE inhrelid = "
                                      "to_regclass('" +
                                      name + "') AND inhparent = '" + kEvents + "'::regclass"),
                     int64_t(1));
        }
        // Exactly the window (yesterday .. today + kDaysAhead) and the default partition.
        QCOMPARE(
            fixture_->scalar(std::string("SELECT count(*) FROM pg_inherits WHERE inhparent = '") +
                             kEvents + "'::regclass"),
            int64_t(kDaysAhead + 2 + 1));
        QCOMPARE(
            fixture_->scalar(
                "SELECT count(*) FROM pg_class WHERE relname = '" +
                day_partition_table(kEvents, today() + std::chrono::days(kDaysAhead + 1)) + "'"),
            int64_t(0));
        QVERIFY(engine_->snapshot()->last_storage_error.empty());
    }

    void eventsLandInTheirDaysPartition() {
        const Days day0 = today();
        const int64_t before_default = engine_->snapshot()->events_to_default_partition;
        struct Case {
            std::string id;
            int64_t ts_ms;
            std::string partition;
        };
        const std::vector<Case> cases = {
            {"span-a", ms_of(day0) - 1, day_partition_table(kEvents, day0 - std::chrono::days(1))},
            {"span-b", ms_of(day0), day_partition_table(kEvents, day0)},
            {"span-c", ms_of(day0, 12h), day_partition_table(kEvents, day0)},
            {"span-d", ms_of(day0 + std::chrono::days(2)) + 1,
             day_partition_table(kEvents, day0 + std::chrono::days(2))},
            {"span-e", ms_of(day0 + std::chrono::days(kDaysAhead + 1)) - 1,
             day_partition_table(kEvents, day0 + std::chrono::days(kDaysAhead))},
        };
        std::vector<std::string> payloads;
        for (const auto& c : cases)
            payloads.push_back(event_at(c.id, c.ts_ms));
        ingest(payloads);
        for (const auto& c : cases) {
            QCOMPARE(partitions_of(c.id), std::vector<std::string>{c.partition});
            // The stored event time is the payload's, to the millisecond.
            QCOMPARE(
                fixture_->scalar("SELECT (extract(epoch FROM event_time) * 1000)::bigint FROM " +
                                 std::string(kEvents) + " WHERE event_id = '" + c.id + "'"),
                c.ts_ms);
        }
        QCOMPARE(engine_->sample_now().events_to_default_partition, before_default);
    }

    void farEventsLandInTheDefaultPartitionAndAreCounted() {
        const int64_t before = engine_->snapshot()->events_to_default_partition;
        const Days day0 = today();
        ingest({event_at("far-past", ms_of(Days{std::chrono::year{2001} / 1 / 1})),
                event_at("far-future", ms_of(Days{std::chrono::year{2099} / 6 / 15}, 3h)),
                event_at("just-behind", ms_of(day0 - std::chrono::days(1)) - 1),
                event_at("just-ahead", ms_of(day0 + std::chrono::days(kDaysAhead + 1)))});
        const std::string default_partition = default_partition_table(kEvents);
        for (const char* id : {"far-past", "far-future", "just-ahead"})
            QCOMPARE(partitions_of(id), std::vector<std::string>{default_partition});
        QCOMPARE(engine_->sample_now().events_to_default_partition, before + 4);
        // A day behind the window but within the horizon gets its partition soon after (the
        // maintainer moves the row); 2001 is beyond the horizon and stays.
        QTRY_COMPARE_WITH_TIMEOUT(
            partitions_of("just-behind"),
            std::vector<std::string>{day_partition_table(kEvents, day0 - std::chrono::days(2))},
            30000);
        QCOMPARE(partitions_of("far-past"), std::vector<std::string>{default_partition});
    }

    void duplicateAcrossPartitionsIsStoredOnce() {
        const Days day0 = today();
        const int64_t duplicates_before = engine_->sample_now().duplicates;
        // Across batches: the first copy is durable before the second arrives, a day later.
        ingest({event_at("dup-across", ms_of(day0, 1h))});
        ingest({event_at("dup-across", ms_of(day0 + std::chrono::days(1), 1h)),
                event_at("dup-across", ms_of(Days{std::chrono::year{2099} / 1 / 1}))});
        QCOMPARE(partitions_of("dup-across"),
                 std::vector<std::string>{day_partition_table(kEvents, day0)});
        // Within one batch: the earliest offset wins, whichever partition its time points to.
        ingest({event_at("dup-within", ms_of(day0 + std::chrono::days(2))),
                event_at("dup-within", ms_of(day0 - std::chrono::days(1))),
                event_at("dup-within", ms_of(Days{std::chrono::year{2001} / 1 / 1}))});
        QCOMPARE(partitions_of("dup-within"), std::vector<std::string>{day_partition_table(
                                                  kEvents, day0 + std::chrono::days(2))});
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM " + event_keys_table(kEvents) +
                                  " WHERE event_id IN ('dup-across', 'dup-within')"),
                 int64_t(2));
        const Snapshot now = engine_->sample_now();
        QCOMPARE(now.duplicates, duplicates_before + 4);
        QVERIFY(now.dedup_saved_bytes > 0);
        // The key table and the events table agree row for row.
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM " + std::string(kEvents)),
                 fixture_->scalar("SELECT count(*) FROM " + event_keys_table(kEvents)));
    }

    // A day partition is created while the default partition already holds rows of that day: they
    // move into the new partition in the same transaction (PostgreSQL refuses the attach
    // otherwise), and nothing is lost or doubled.
    void newPartitionTakesItsRowsFromTheDefault() {
        const Days far_day{std::chrono::year{2099} / 6 / 15};
        const std::string far_partition = day_partition_table(kEvents, far_day);
        QCOMPARE(partitions_of("far-future"),
                 std::vector<std::string>{default_partition_table(kEvents)});
        const int64_t rows = fixture_->scalar(std::string("SELECT count(*) FROM ") + kEvents);
        SinkOptions sink = engine_->options().sink;
        sink.partitions.days_behind = 0;
        sink.partitions.days_ahead = 0;
        PgConnection connection(fixture_->conninfo());
        QCOMPARE(ensure_partitions(connection, sink,
                                   std::chrono::sys_days{far_day} + std::chrono::hours(5)),
                 1);
        QCOMPARE(partitions_of("far-future"), std::vector<std::string>{far_partition});
        QCOMPARE(fixture_->scalar(std::string("SELECT count(*) FROM ") + kEvents), rows);
        // Running again creates nothing.
        QCOMPARE(ensure_partitions(connection, sink, std::chrono::sys_days{far_day}), 0);
        // The engine keeps writing into the new partition.
        ingest({event_at("far-future-2", ms_of(far_day, 4h))});
        QCOMPARE(partitions_of("far-future-2"), std::vector<std::string>{far_partition});
    }

    void unpartitionedTableFromAnOlderVersionIsRefused() {
        fixture_->scalar(
            "CREATE TABLE legacy_events (event_id text PRIMARY KEY, event_time timestamptz,"
            " payload jsonb); SELECT 1");
        EngineOptions options = fixture_->engine_options("legacy", "legacy_events", "legacy_dead");
        Engine legacy(options);
        try {
            legacy.start();
            QFAIL("an unpartitioned events table was accepted");
        } catch (const std::runtime_error& error) {
            const std::string message = error.what();
            QVERIFY2(message.find("legacy_events") != std::string::npos, message.c_str());
            QVERIFY2(message.find("not partitioned") != std::string::npos, message.c_str());
        }
        // Nothing was created beside it, and its rows (none) are untouched.
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM pg_class WHERE relname IN "
                                  "('legacy_events_keys', 'legacy_events_default', 'legacy_dead')"),
                 int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TstPartitions)
#include "tst_partitions.moc"
