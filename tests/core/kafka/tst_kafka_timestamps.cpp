// Which time an event is stored under, live and replayed, against the real embedded PostgreSQL and
// the mock Kafka cluster: "ts": 0 in the payload is the epoch, not "no time"; a Kafka timestamp
// that PostgreSQL cannot hold (or before the epoch) is not used: the event gets its arrival time
// instead of becoming a database reject.
#include <librdkafka/rdkafka.h>
#include <QtTest/QtTest>

#include "core/pipeline/engine.h"
#include "support/pipeline_test_case.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

namespace {

// Produces to partition 0 with an explicit Kafka timestamp.
bool produce(const std::string& bootstrap, const std::string& topic,
             const std::vector<std::pair<std::string, int64_t>>& messages) {
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), error, sizeof error);
    rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (!producer)
        return false;
    for (const auto& [payload, timestamp] : messages)
        rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(0),
                          RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_TIMESTAMP(timestamp),
                          RD_KAFKA_V_END);
    const bool flushed = rd_kafka_flush(producer, 30000) == RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_destroy(producer);
    return flushed;
}

}  // namespace

class TstKafkaTimestamps : public PipelineTestCase {
    Q_OBJECT
private slots:

    void timesAreTakenFromTheRightPlace() {
        fixture_->use_topic("times", 1);
        constexpr int64_t kKafka = 1740830400000;                   // 2025-03-01T12:00:00Z
        constexpr int64_t kBeyondPostgres = 9'300'000'000'000'000;  // year ~296,000
        QVERIFY(produce(fixture_->bootstrap_servers(), "times",
                        {{"{\"event_id\":\"zero\",\"ts\":0}", kKafka},
                         {"{\"event_id\":\"plain\"}", kKafka},
                         {"{\"event_id\":\"far\"}", kBeyondPostgres}}));
        const auto started = std::chrono::system_clock::now();
        auto engine = PipelineFixture::start_engine(
            fixture_->engine_options("times", "events_ts", "dead_ts"));
        QVERIFY(fixture_->wait_all_committed(*engine, 60s));
        PipelineFixture::drain_and_reset(engine);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM dead_ts"), int64_t(0));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM events_ts WHERE event_id = 'zero' AND "
                                  "event_time = timestamptz 'epoch'"),
                 int64_t(1));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM events_ts WHERE event_id = 'plain' AND "
                                  "event_time = timestamptz '2025-03-01 12:00:00+00'"),
                 int64_t(1));
        const int64_t started_s =
            std::chrono::duration_cast<std::chrono::seconds>(started.time_since_epoch()).count();
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM events_ts WHERE event_id = 'far' AND "
                                  "event_time BETWEEN to_timestamp(" +
                                  std::to_string(started_s - 60) + ") AND now()"),
                 int64_t(1));
    }
};

QTEST_GUILESS_MAIN(TstKafkaTimestamps)
#include "tst_kafka_timestamps.moc"
