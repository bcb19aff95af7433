// An asynchronous offset commit that the broker refuses is tried again at the next commit
// interval, even when no new event arrives on the partition: against the real embedded
// PostgreSQL and the mock Kafka cluster, which refuses the first OffsetCommit requests.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <QtTest/QtTest>

#include "core/demo/embedded_kafka.h"
#include "core/demo/load_generator.h"
#include "core/pipeline/engine.h"
#include "support/pipeline_test_case.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

class TstCommitRetry : public PipelineTestCase {
    Q_OBJECT
private slots:

    void refusedCommitOnAnIdlePartitionIsRetried() {
        fixture_->use_topic("commit_retry", 1);
        LoadGenerator generator(fixture_->load_options(20));
        generator.start();
        generator.wait();
        QCOMPARE(generator.stats().delivered, int64_t(20));

        // The next three OffsetCommit requests (Kafka API key 8; librdkafka's name for it is in
        // a private header) fail with an error librdkafka does not retry itself.
        constexpr int16_t kOffsetCommitApiKey = 8;
        rd_kafka_mock_push_request_errors(fixture_->environment().kafka()->mock_cluster(),
                                          kOffsetCommitApiKey, 3,
                                          RD_KAFKA_RESP_ERR_OFFSET_METADATA_TOO_LARGE,
                                          RD_KAFKA_RESP_ERR_OFFSET_METADATA_TOO_LARGE,
                                          RD_KAFKA_RESP_ERR_OFFSET_METADATA_TOO_LARGE);
        auto engine = PipelineFixture::start_engine(
            fixture_->engine_options("commit_retry", "events_cr", "dead_cr"));
        QTRY_COMPARE_WITH_TIMEOUT(fixture_->scalar("SELECT count(*) FROM events_cr"),
                                  generator.stats().valid_distinct, 30000);
        // Nothing else arrives: only a retry can move the group's committed offset.
        const bool committed = fixture_->wait_group_committed("commit_retry", 30s);
        const int64_t failures = engine->sample_now().commit_failures;
        PipelineFixture::drain_and_reset(engine);
        QVERIFY2(failures >= 1, "the mock cluster refused no commit: the test proves nothing");
        QVERIFY2(committed, "the refused commit was not retried while the engine ran");
    }
};

QTEST_GUILESS_MAIN(TstCommitRetry)
#include "tst_commit_retry.moc"
