// The whole data path against the real parts: librdkafka's mock cluster on 127.0.0.1 and a
// private PostgreSQL server. Guards the core guarantee: every consumed event is in the events
// table or the dead-letter table before its offset is committed, and no id is stored twice.
#include <QtTest/QtTest>

#include "core/pipeline/engine.h"
#include "core/demo/load_generator.h"
#include "support/pipeline_fixture.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

namespace {

// Produced while the engine consumes: 200,000 events of ~300 bytes are ~60 MB, far more than
// six mock partitions keep (~5 MiB each), so a preload would lose data to retention.
constexpr int64_t kEvents = 200'000;
constexpr double kRate = 25'000;

}  // namespace

class TstPipeline : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<PipelineFixture> fixture_;

    // The mixed load every exactly-once check here expects: 2 % duplicates, 1 % malformed, ids
    // "g1-…".
    LoadGeneratorOptions mixed_load(int64_t events, double rate, uint64_t seed) const {
        LoadGeneratorOptions load = fixture_->load_options(events, rate);
        load.duplicate_share = 0.02;
        load.malformed_share = 0.01;
        load.id_prefix = "g1";
        load.seed = seed;
        return load;
    }

    void verify_exactly_once(const std::string& group, const std::string& table,
                             const std::string& dead_table, const LoadGeneratorStats& produced,
                             const Snapshot& final_snapshot, bool rebalanced = false) {
        QCOMPARE(produced.delivered, produced.produced);
        QCOMPARE(final_snapshot.lost_to_retention, int64_t(0));
        // The events table holds exactly the distinct valid ids...
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM " + table), produced.valid_distinct);
        QCOMPARE(fixture_->scalar("SELECT count(DISTINCT event_id) FROM " + table),
                 produced.valid_distinct);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM " + table + " WHERE event_id NOT LIKE '" +
                                  "g1-%'"),
                 int64_t(0));
        // ...the dead-letter table exactly the malformed messages, each with a reason...
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM " + dead_table), produced.malformed);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM " + dead_table + " WHERE message = ''"),
                 int64_t(0));
        // ...duplicates were dropped, not stored...
        QCOMPARE(final_snapshot.written, produced.valid_distinct);
        if (rebalanced)  // what was in flight at a rebalance is read again and dropped as well
            QVERIFY(final_snapshot.duplicates >= produced.duplicates);
        else
            QCOMPARE(final_snapshot.duplicates, produced.duplicates);
        // ...and the broker's committed offsets equal the log-end offsets.
        QCOMPARE(fixture_->committed_offsets(group), fixture_->end_offsets());
    }

private slots:
    void initTestCase() { fixture_ = std::make_unique<PipelineFixture>(6); }
    void cleanupTestCase() { fixture_.reset(); }

    void ingestsEverythingExactlyOnce() {
        fixture_->use_topic("exactly_once", 6);
        EngineOptions options = fixture_->engine_options("exactly-once", "events_a", "dead_a");
        options.knobs.writer_concurrency = 4;
        options.knobs.batch_size = 2000;
        options.knobs.flush_interval_ms = 100;
        Engine engine(options);
        engine.start();

        LoadGeneratorOptions load = fixture_->load_options(kEvents, kRate);
        load.duplicate_share = 0.02;
        load.malformed_share = 0.01;
        LoadGenerator generator(load);
        generator.start();
        generator.wait();
        const auto produced = generator.stats();
        QCOMPARE(produced.produced, kEvents);
        QVERIFY(produced.duplicates > 0 && produced.malformed > 0);

        QVERIFY(fixture_->wait_all_committed(engine, 120s));
        const DrainReport drain = engine.drain_and_stop();
        QVERIFY(drain.completed);
        verify_exactly_once("exactly-once", "events_a", "dead_a", produced, *engine.snapshot());
    }

    void knobChangesMidRunLoseNothing() {
        fixture_->use_topic("knob_changes", 6);
        EngineOptions options = fixture_->engine_options("knob-changes", "events_b", "dead_b");
        options.knobs.writer_concurrency = 4;
        options.knobs.batch_size = 5000;
        Engine engine(options);
        engine.start();

        LoadGenerator generator(mixed_load(kEvents, kRate, 7));
        generator.start();

        // Change batch size and writer count twice while events flow.
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->written > kEvents / 5, 60000);
        Knobs knobs = engine.knobs();
        knobs.batch_size = 700;
        knobs.writer_concurrency = 1;
        QCOMPARE(engine.apply_knobs(knobs, "test"), std::string());
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->writers_running == 1, 30000);
        const int64_t written_before = engine.snapshot()->written;
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->written > written_before + kEvents / 10, 60000);
        knobs.batch_size = 3000;
        knobs.writer_concurrency = 6;
        QCOMPARE(engine.apply_knobs(knobs, "test"), std::string());
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->writers_running == 6, 30000);
        QCOMPARE(engine.knob_history().size(), size_t(2));

        generator.wait();
        const auto produced = generator.stats();
        QVERIFY(fixture_->wait_all_committed(engine, 120s));
        engine.drain_and_stop();
        verify_exactly_once("knob-changes", "events_b", "dead_b", produced, *engine.snapshot());
    }

    // Fetch settings re-create the consumer mid-run (librdkafka cannot change them on a running
    // one): the group rebalances, what was in flight is re-read and dropped as duplicates.
    void fetchSettingsChangeMidRunLoseNothing() {
        fixture_->use_topic("fetch_changes", 6);
        EngineOptions options = fixture_->engine_options("fetch-changes", "events_f", "dead_f");
        Engine engine(options);
        engine.start();

        Knobs refused = engine.knobs();
        refused.fetch = {{"fetch.wait.max.ms", "soon"}};
        QCOMPARE(engine.apply_knobs(refused, "test"),
                 std::string("fetch.wait.max.ms must be a whole number (got \"soon\")"));
        refused.fetch = {{"session.timeout.ms", "6000"}};
        QVERIFY(engine.apply_knobs(refused, "test").starts_with("\"session.timeout.ms\" is not"));
        refused.fetch = {{"queued.min.messages", "0"}};
        QVERIFY(engine.apply_knobs(refused, "test").starts_with("queued.min.messages must be"));
        QCOMPARE(engine.knob_history().size(), size_t(0));

        // A slower load than the other tests: each re-creation leaves the group and joins again,
        // and the mock cluster delays a join to an empty group by 3 s, longer than its ~5 MiB
        // per partition holds at full speed.
        constexpr int64_t kFetchEvents = 60'000;
        LoadGenerator generator(mixed_load(kFetchEvents, 5'000, 11));
        generator.start();

        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->written > kFetchEvents / 5, 60000);
        Knobs knobs = engine.knobs();
        knobs.fetch = {{"fetch.wait.max.ms", "100"}, {"queued.min.messages", "20000"}};
        QCOMPARE(engine.apply_knobs(knobs, "test"), std::string());
        QTRY_COMPARE_WITH_TIMEOUT(engine.snapshot()->consumer_recreations, int64_t(1), 30000);
        // The new consumer reads: consumed grows again.
        const int64_t consumed_before = engine.snapshot()->consumed;
        QTRY_VERIFY_WITH_TIMEOUT(engine.snapshot()->consumed > consumed_before + kFetchEvents / 10,
                                 60000);
        knobs.fetch.clear();  // back to the start-up settings: another re-creation
        QCOMPARE(engine.apply_knobs(knobs, "test"), std::string());
        QTRY_COMPARE_WITH_TIMEOUT(engine.snapshot()->consumer_recreations, int64_t(2), 30000);

        generator.wait();
        const auto produced = generator.stats();
        QVERIFY(fixture_->wait_all_committed(engine, 120s));
        engine.drain_and_stop();
        const auto final_snapshot = engine.snapshot();
        qInfo("fetch changes: %lld consumer re-creations, %lld duplicates dropped (%lld produced)",
              static_cast<long long>(final_snapshot->consumer_recreations),
              static_cast<long long>(final_snapshot->duplicates),
              static_cast<long long>(produced.duplicates));
        verify_exactly_once("fetch-changes", "events_f", "dead_f", produced, *final_snapshot, true);
    }

    void restartResumesFromCommittedOffsets() {
        // A second engine in the same group after the first stopped mid-stream: it starts where
        // the first committed, nothing is lost and dedup absorbs any repeat.
        const std::string group = "restart";
        fixture_->use_topic("restart", 6);
        LoadGeneratorOptions load = fixture_->load_options(60'000, 30'000);
        load.id_prefix = "g1";
        load.seed = 11;
        LoadGenerator generator(load);
        {
            Engine first(fixture_->engine_options(group, "events_c", "dead_c"));
            first.start();
            generator.start();
            QTRY_VERIFY_WITH_TIMEOUT(first.snapshot()->written > 10'000, 60000);
            first.drain_and_stop();
        }
        generator.wait();
        const auto produced = generator.stats();
        Engine second(fixture_->engine_options(group, "events_c", "dead_c"));
        second.start();
        QVERIFY(fixture_->wait_all_committed(second, 120s));
        second.drain_and_stop();
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM events_c"), produced.valid_distinct);
        QCOMPARE(fixture_->committed_offsets(group), fixture_->end_offsets());
        QCOMPARE(second.snapshot()->lost_to_retention, int64_t(0));
    }

    void badConnectionStringIsNamed() {
        EngineOptions options = fixture_->engine_options("bad-pg");
        options.sink.conninfo = "host=127.0.0.1 port=1 dbname=nowhere connect_timeout=2";
        Engine engine(options);
        try {
            engine.start();
            QFAIL("start() accepted an unreachable database");
        } catch (const std::runtime_error& error) {
            const QString message = QString::fromUtf8(error.what());
            QVERIFY2(message.contains("--pg") && message.contains("127.0.0.1"), error.what());
        }
    }

    void unreachableKafkaIsNamed() {
        EngineOptions options = fixture_->engine_options("bad-kafka");
        options.source.bootstrap_servers = "127.0.0.1:1";
        options.source.connect_timeout_ms = 2000;
        Engine engine(options);
        try {
            engine.start();
            QFAIL("start() accepted an unreachable Kafka cluster");
        } catch (const std::runtime_error& error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains("127.0.0.1:1"), error.what());
        }
    }

    void missingTopicIsNamed() {
        EngineOptions options = fixture_->engine_options("bad-topic");
        options.source.topic = "no_such_topic";
        Engine engine(options);
        try {
            engine.start();
            QFAIL("start() accepted a missing topic");
        } catch (const std::runtime_error& error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains("no_such_topic"), error.what());
        }
    }
};

QTEST_GUILESS_MAIN(TstPipeline)
#include "tst_pipeline.moc"
