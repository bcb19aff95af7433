// The embedded mock cluster and the load generator against it: what goes in comes back out,
// keyed consistently, sized as asked, with the duplicate and malformed shares accounted for.
#include "core/kafka/end_offsets.h"
#include "core/demo/embedded_kafka.h"
#include "core/demo/load_generator.h"

#include <librdkafka/rdkafka.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QtTest/QtTest>

#include <map>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace spillway;

namespace {

struct Consumed {
    int32_t partition = 0;
    std::string key;
    std::string payload;
};

struct KafkaDeleter {
    void operator()(rd_kafka_t* rk) const {
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
};
struct PartitionListDeleter {
    void operator()(rd_kafka_topic_partition_list_t* list) const {
        rd_kafka_topic_partition_list_destroy(list);
    }
};

// librdkafka 2.0.2 refuses assign() without a group.id, so one is set; assign() never joins it
// and auto-commit is off, so the group is never used.
std::vector<Consumed> consume_all(const std::string& bootstrap, const std::string& topic,
                                  int partitions, int64_t expected, int timeout_ms = 60000) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char errstr[512];
    const std::pair<const char*, const char*> settings[] = {
        {"bootstrap.servers", bootstrap.c_str()}, {"group.id", "spillway-test-reader"},
        {"enable.auto.commit", "false"},          {"enable.auto.offset.store", "false"},
        {"enable.partition.eof", "false"},        {"fetch.wait.max.ms", "10"},
    };
    for (const auto& [name, value] : settings) {
        if (rd_kafka_conf_set(conf, name, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            throw std::runtime_error(std::string("consumer config: ") + errstr);
        }
    }
    std::unique_ptr<rd_kafka_t, KafkaDeleter> rk(
        rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr));
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        throw std::runtime_error(std::string("consumer: ") + errstr);
    }
    std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter> list(
        rd_kafka_topic_partition_list_new(partitions));
    for (int p = 0; p < partitions; ++p)
        rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
    if (const rd_kafka_resp_err_t err = rd_kafka_assign(rk.get(), list.get()))
        throw std::runtime_error(std::string("assign: ") + rd_kafka_err2str(err));

    std::vector<Consumed> out;
    out.reserve(static_cast<size_t>(expected));
    QElapsedTimer timer;
    timer.start();
    while (static_cast<int64_t>(out.size()) < expected && timer.elapsed() < timeout_ms) {
        rd_kafka_message_t* message = rd_kafka_consumer_poll(rk.get(), 100);
        if (!message)
            continue;
        if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            Consumed c;
            c.partition = message->partition;
            if (message->key)
                c.key.assign(static_cast<const char*>(message->key), message->key_len);
            if (message->payload)
                c.payload.assign(static_cast<const char*>(message->payload), message->len);
            out.push_back(std::move(c));
        } else {
            qWarning("consume error: %s", rd_kafka_message_errstr(message));
        }
        rd_kafka_message_destroy(message);
    }
    return out;
}

// The validator's rule, restated: a UTF-8 JSON object with a non-empty string event_id.
QString valid_event_id(const std::string& payload) {
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray::fromRawData(payload.data(), static_cast<qsizetype>(payload.size())), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return {};
    const QJsonValue id = doc.object().value(QLatin1String("event_id"));
    return id.isString() ? id.toString() : QString();
}

int64_t sum(const std::vector<int64_t>& values) {
    return std::accumulate(values.begin(), values.end(), int64_t{0});
}

}  // namespace

class TstEmbeddedKafka : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void bootstrapIsLoopback();
    void eventJsonSize_data();
    void eventJsonSize();
    void malformedVariantsAreInvalid();
    void produceAndConsume_data();
    void produceAndConsume();
    void rateControl();
    void brokerDownAndUp();
    void endOffsetsOfUnknownTopicThrow();

private:
    std::unique_ptr<EmbeddedKafka> kafka_;
};

void TstEmbeddedKafka::initTestCase() {
    EmbeddedKafkaOptions options;
    options.brokers = 3;
    options.topic = "events";
    options.partitions = 6;
    kafka_ = std::make_unique<EmbeddedKafka>(options);
    kafka_->start();
    QVERIFY(kafka_->running());
}

void TstEmbeddedKafka::cleanupTestCase() {
    kafka_->stop();
    QVERIFY(!kafka_->running());
}

void TstEmbeddedKafka::bootstrapIsLoopback() {
    const QStringList brokers =
        QString::fromStdString(kafka_->bootstrap_servers()).split(QLatin1Char(','));
    QCOMPARE(brokers.size(), 3);
    for (const QString& broker : brokers)
        QVERIFY2(broker.startsWith(QLatin1String("127.0.0.1:")), qPrintable(broker));
}

void TstEmbeddedKafka::eventJsonSize_data() {
    QTest::addColumn<int>("payloadBytes");
    QTest::newRow("200") << 200;
    QTest::newRow("300") << 300;
    QTest::newRow("1000") << 1000;
    QTest::newRow("5000") << 5000;
    QTest::newRow("64000") << 64000;
}

void TstEmbeddedKafka::eventJsonSize() {
    QFETCH(int, payloadBytes);
    for (uint64_t noise = 0; noise < 50; ++noise) {
        const std::string json = make_event_json("g1-000000000042", static_cast<int>(noise * 131),
                                                 42, 1795000926123, payloadBytes, noise);
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QVERIFY(doc.isObject());
        const QJsonObject event = doc.object();
        QCOMPARE(event.value("event_id").toString(), QStringLiteral("g1-000000000042"));
        QCOMPARE(event.value("seq").toInteger(), 42);
        QCOMPARE(event.value("ts").toString(), QStringLiteral("2026-11-18T11:22:06.123Z"));
        QVERIFY(event.value("device_id").toString().startsWith(QLatin1String("dev-")));
        for (const char* field : {"event_type", "firmware", "site", "pad"})
            QVERIFY2(event.value(QLatin1String(field)).isString(), field);
        for (const char* field : {"temperature_c", "humidity_pct", "battery_v", "rssi_dbm"})
            QVERIFY2(event.value(QLatin1String(field)).isDouble(), field);
        if (payloadBytes >= 1000)
            QVERIFY(!event.value("readings").toArray().isEmpty());
        const auto size = static_cast<double>(json.size());
        if (payloadBytes >= 300)
            QVERIFY2(size >= payloadBytes * 0.98 && size <= payloadBytes * 1.02,
                     qPrintable(QString::number(size)));
        else  // below the fixed fields' size only the pad shrinks
            QVERIFY2(size <= 300, qPrintable(QString::number(size)));
    }
    // Same inputs, same bytes: the generator is reproducible given its seed.
    QCOMPARE(make_event_json("a", 1, 2, 3, payloadBytes, 4),
             make_event_json("a", 1, 2, 3, payloadBytes, 4));
}

void TstEmbeddedKafka::malformedVariantsAreInvalid() {
    const std::string example =
        make_event_json("g1-bad-000000000007", 17, 7, 1795000926123, 300, 99);
    QVERIFY(!valid_event_id(example).isEmpty());
    QSet<QByteArray> seen;
    for (uint64_t variant = 0; variant < 7; ++variant) {
        const std::string bad = make_malformed_message(variant, example);
        QVERIFY2(valid_event_id(bad).isEmpty(), bad.c_str());
        seen.insert(QByteArray::fromStdString(bad));
    }
    QCOMPARE(seen.size(), 7);
    QCOMPARE(make_malformed_message(7, example), make_malformed_message(0, example));
}

void TstEmbeddedKafka::produceAndConsume_data() {
    QTest::addColumn<int>("payloadBytes");
    QTest::addColumn<QString>("topic");
    QTest::addColumn<int>("partitions");
    QTest::newRow("300 B") << 300 << QStringLiteral("events") << 6;
    // The mock keeps about 5 MiB per partition and silently drops older data beyond that, so
    // 50 MB of 5 kB events need more partitions than the 6 that hold 3 MB of 300 B events.
    QTest::newRow("5000 B") << 5000 << QStringLiteral("events-large") << 24;
}

void TstEmbeddedKafka::produceAndConsume() {
    QFETCH(int, payloadBytes);
    QFETCH(QString, topic);
    QFETCH(int, partitions);
    if (topic != QLatin1String("events"))
        kafka_->create_topic(topic.toStdString(), partitions);

    LoadGeneratorOptions options;
    options.bootstrap_servers = kafka_->bootstrap_servers();
    options.topic = topic.toStdString();
    options.events = 10000;
    options.payload_bytes = payloadBytes;
    options.devices = 500;
    options.duplicate_share = 0.05;
    options.malformed_share = 0.03;
    options.seed = 7;
    LoadGenerator generator(options);
    generator.start();
    generator.wait();
    QVERIFY(generator.finished());

    const LoadGeneratorStats stats = generator.stats();
    QCOMPARE(stats.produced, 10000);
    QCOMPARE(stats.valid_distinct + stats.duplicates + stats.malformed, stats.produced);
    QCOMPARE(stats.delivered, 10000);
    QCOMPARE(stats.delivery_failed, 0);
    // Loose bands around 5 % and 3 % of 10,000 so the test checks the shares, not the PRNG.
    QVERIFY2(stats.duplicates > 350 && stats.duplicates < 650,
             qPrintable(QString::number(stats.duplicates)));
    QVERIFY2(stats.malformed > 200 && stats.malformed < 400,
             qPrintable(QString::number(stats.malformed)));

    const std::vector<int64_t> ends =
        query_end_offsets(kafka_->bootstrap_servers(), topic.toStdString());
    QCOMPARE(static_cast<int>(ends.size()), partitions);
    QCOMPARE(sum(ends), 10000);

    const std::vector<Consumed> messages =
        consume_all(kafka_->bootstrap_servers(), topic.toStdString(), partitions, 10000);
    QCOMPARE(static_cast<int64_t>(messages.size()), 10000);

    QSet<QString> ids;
    int64_t valid_messages = 0;
    int64_t invalid_messages = 0;
    std::map<std::string, int32_t> partition_of_key;
    for (const Consumed& m : messages) {
        const auto [it, inserted] = partition_of_key.emplace(m.key, m.partition);
        QVERIFY2(inserted || it->second == m.partition, m.key.c_str());
        QVERIFY(!m.key.empty());
        const QString id = valid_event_id(m.payload);
        if (id.isEmpty()) {
            ++invalid_messages;
            continue;
        }
        ++valid_messages;
        ids.insert(id);
        const auto size = static_cast<double>(m.payload.size());
        QVERIFY2(size >= payloadBytes * 0.9 && size <= payloadBytes * 1.1,
                 qPrintable(QString::number(size)));
        QVERIFY2(m.payload.find(m.key) != std::string::npos, "key is the event's device_id");
    }
    QCOMPARE(static_cast<int64_t>(ids.size()), stats.valid_distinct);
    QCOMPARE(valid_messages, stats.valid_distinct + stats.duplicates);
    QCOMPARE(invalid_messages, stats.malformed);
}

void TstEmbeddedKafka::rateControl() {
    kafka_->create_topic("rate", 6);
    LoadGeneratorOptions options;
    options.bootstrap_servers = kafka_->bootstrap_servers();
    options.topic = "rate";
    options.events = 2000;
    options.rate_per_sec = 4000;
    options.id_prefix = "rate";
    LoadGenerator generator(options);
    QElapsedTimer timer;
    timer.start();
    generator.start();
    generator.wait();
    const qint64 elapsed = timer.elapsed();
    QVERIFY2(elapsed >= 400, qPrintable(QString::number(elapsed)));
    QCOMPARE(generator.stats().produced, 2000);
    QCOMPARE(generator.stats().delivered, 2000);

    // A runtime rate change applies at once: 1/s would need ~half an hour for 2,000 events.
    LoadGeneratorOptions slow = options;
    slow.rate_per_sec = 1;
    slow.id_prefix = "rate2";
    LoadGenerator changed(slow);
    changed.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    changed.set_rate(0);
    changed.wait();
    QCOMPARE(changed.stats().produced, 2000);
    QCOMPARE(changed.stats().delivered, 2000);
}

void TstEmbeddedKafka::brokerDownAndUp() {
    kafka_->create_topic("outage", 6);
    LoadGeneratorOptions options;
    options.bootstrap_servers = kafka_->bootstrap_servers();
    options.topic = "outage";
    options.events = 20000;
    options.rate_per_sec = 20000;
    options.id_prefix = "outage";
    LoadGenerator generator(options);
    generator.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    kafka_->set_broker_down(2, true);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    kafka_->set_broker_down(2, false);
    generator.wait();

    const LoadGeneratorStats stats = generator.stats();
    QCOMPARE(stats.produced, 20000);
    QCOMPARE(stats.delivered, 20000);
    QCOMPARE(stats.delivery_failed, 0);
    // Retries after a dropped connection may store a batch twice; nothing is lost.
    QVERIFY(sum(query_end_offsets(kafka_->bootstrap_servers(), "outage")) >= 20000);

    QVERIFY_THROWS_EXCEPTION(std::runtime_error, kafka_->set_broker_down(4, true));
}

void TstEmbeddedKafka::endOffsetsOfUnknownTopicThrow() {
    QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                             query_end_offsets(kafka_->bootstrap_servers(), "no-such-topic", 3000));
}

QTEST_GUILESS_MAIN(TstEmbeddedKafka)
#include "tst_embedded_kafka.moc"
