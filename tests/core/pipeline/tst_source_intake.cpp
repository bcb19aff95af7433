// The Kafka source's two explicit controls, against a mock Kafka cluster: it keeps its
// partitions paused while SinkHealth says the database takes no writes (and resumes when a
// writer reports success), and stop_intake() returns only once the source thread has stopped
// handing events to the queue, which is what lets the drain count what is left without a sleep.
#include <QtTest/QtTest>

#include "core/demo/embedded_kafka.h"
#include "core/kafka/kafka_source.h"
#include "core/pipeline/bounded_queue.h"
#include "core/pipeline/knobs.h"
#include "core/pipeline/offset_tracker.h"
#include "core/pipeline/sink_health.h"
#include "support/test_producer.h"

using namespace spillway;
using namespace std::chrono_literals;

namespace {

void produce(const std::string& bootstrap, const std::string& topic, int count) {
    test::TestProducer producer(bootstrap);
    for (int i = 0; i < count; ++i)
        producer.send(topic, "{\"id\":\"" + topic + "-" + std::to_string(i) + "\"}", {});
    QVERIFY(producer.flush());
}

SourceOptions source_options(const EmbeddedKafka& kafka, const std::string& topic) {
    SourceOptions options;
    options.bootstrap_servers = kafka.bootstrap_servers();
    options.topic = topic;
    options.group_id = "intake-" + topic;
    options.kafka_properties["auto.offset.reset"] = "earliest";
    return options;
}

}  // namespace

class TstSourceIntake : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<EmbeddedKafka> kafka_;

private slots:
    void initTestCase() {
        EmbeddedKafkaOptions options;
        options.brokers = 1;
        options.topic.clear();
        kafka_ = std::make_unique<EmbeddedKafka>(options);
        kafka_->start();
    }
    void cleanupTestCase() { kafka_.reset(); }

    // Regression guard: the source used to read this from a display metric the writers set.
    void staysPausedWhileTheSinkIsUnavailable() {
        const std::string topic = "sink_down";
        kafka_->create_topic(topic, 1);
        produce(kafka_->bootstrap_servers(), topic, 200);
        BoundedQueue queue(100'000, 256u << 20);
        OffsetTracker offsets;
        KnobStore knobs;
        Metrics metrics;
        SinkHealth health;
        health.report_connection_lost();
        KafkaSource source(source_options(*kafka_, topic), queue, offsets, knobs, metrics, health);
        source.start();
        QTRY_VERIFY_WITH_TIMEOUT(source.paused(), 10'000);
        // Assigned its partition, yet it takes none of the 200 messages.
        QTRY_VERIFY_WITH_TIMEOUT(!source.partition_lag().empty(), 10'000);
        QTest::qWait(500);  // a window in which an unpaused source fetches them
        QCOMPARE(metrics.consumed.load(), int64_t(0));
        QCOMPARE(queue.size(), size_t(0));

        health.report_write_succeeded();
        QTRY_COMPARE_WITH_TIMEOUT(queue.size(), size_t(200), 10'000);
        QVERIFY(!source.paused());
        source.close();
    }

    void stopIntakeReturnsOnceTheSourceTakesNoMore() {
        const std::string topic = "stop_intake";
        kafka_->create_topic(topic, 1);
        produce(kafka_->bootstrap_servers(), topic, 50'000);
        BoundedQueue queue(100'000, 256u << 20);
        OffsetTracker offsets;
        KnobStore knobs;
        Metrics metrics;
        SinkHealth health;
        KafkaSource source(source_options(*kafka_, topic), queue, offsets, knobs, metrics, health);
        source.start();
        QTRY_VERIFY_WITH_TIMEOUT(metrics.consumed.load() > 1000, 20'000);
        QVERIFY(source.stop_intake(10s));
        // Confirmed: nothing more reaches the queue, however long the thread keeps running.
        const int64_t consumed_at_stop = metrics.consumed.load();
        const size_t queued_at_stop = queue.size();
        QCOMPARE(queued_at_stop, size_t(consumed_at_stop));
        QVERIFY2(consumed_at_stop < 50'000, "stopped before the end, or the test proves nothing");
        QTRY_VERIFY_WITH_TIMEOUT(source.paused(), 10'000);
        source.close();
        QCOMPARE(metrics.consumed.load(), consumed_at_stop);
        QCOMPARE(queue.size(), queued_at_stop);
    }
};

QTEST_GUILESS_MAIN(TstSourceIntake)
#include "tst_source_intake.moc"
