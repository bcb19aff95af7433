// The source thread never takes the process down: when librdkafka refuses to re-create the
// consumer (new fetch settings, and the previous ones too, e.g. a key file that became
// unreadable), intake stops, the reason is in the snapshot, and the engine still drains and
// stops. Against the real embedded PostgreSQL and the mock Kafka cluster; the refusal is
// simulated by the source's fault hook at consumer creation.
#include <QtTest/QtTest>

#include <atomic>

#include "core/demo/load_generator.h"
#include "core/pipeline/engine.h"
#include "support/pipeline_test_case.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

class TstSourceFailure : public PipelineTestCase {
    Q_OBJECT
private slots:

    void refusedConsumerRecreationStopsIntakeNotTheProcess() {
        fixture_->use_topic("source_failure", 1);
        LoadGenerator generator(fixture_->load_options(100));
        generator.start();
        generator.wait();

        EngineOptions options = fixture_->engine_options("source_failure", "events_sf", "dead_sf");
        auto creations = std::make_shared<std::atomic<int>>(0);
        options.source.fault_hook = [creations](std::string_view step) {
            if (step == "create_consumer" && creations->fetch_add(1) >= 1)
                throw std::runtime_error("ssl.key.location: cannot read /etc/spillway/client.key");
        };
        auto engine = PipelineFixture::start_engine(options);
        QVERIFY(fixture_->wait_all_committed(*engine, 60s));

        Knobs knobs = engine->knobs();
        knobs.fetch["fetch.wait.max.ms"] = "25";
        QCOMPARE(engine->apply_knobs(knobs, "test"), std::string());
        // Both the new and the previous settings are refused: the source stops, loudly.
        QTRY_VERIFY_WITH_TIMEOUT(engine->snapshot()->last_kafka_error.find(
                                     "cannot read /etc/spillway/client.key") != std::string::npos,
                                 30000);
        QVERIFY(creations->load() >= 3);
        PipelineFixture::drain_and_reset(engine);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM events_sf"), int64_t(100));
    }
};

QTEST_GUILESS_MAIN(TstSourceFailure)
#include "tst_source_failure.moc"
