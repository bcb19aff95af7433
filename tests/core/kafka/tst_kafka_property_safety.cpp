// Kafka client properties that would break a guarantee (an offset committed before its row is
// durable, an incremental rebalance the eager callback cannot serve, skipped or invented data)
// are refused with the reason; ordinary tuning properties are still accepted.
#include <QtTest/QtTest>

#include "core/kafka/kafka_property_check.h"

using namespace spillway;

class TstKafkaPropertySafety : public QObject {
    Q_OBJECT
private slots:
    void unsafePropertiesAreRefused_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("reason");
        QTest::newRow("auto commit") << "enable.auto.commit"
                                     << "true"
                                     << "durable";
        QTest::newRow("auto commit, other spelling") << "enable.auto.commit"
                                                     << "True"
                                                     << "durable";
        QTest::newRow("auto offset store") << "enable.auto.offset.store"
                                           << "true"
                                           << "durable";
        QTest::newRow("cooperative") << "partition.assignment.strategy"
                                     << "cooperative-sticky"
                                     << "eager";
        QTest::newRow("cooperative in a list") << "partition.assignment.strategy"
                                               << "range, cooperative-sticky"
                                               << "eager";
        QTest::newRow("next-generation protocol") << "group.protocol"
                                                  << "consumer"
                                                  << "eager";
        QTest::newRow("reset to latest") << "auto.offset.reset"
                                         << "latest"
                                         << "skip";
        QTest::newRow("reset to end") << "auto.offset.reset"
                                      << "end"
                                      << "skip";
        QTest::newRow("uncommitted reads") << "isolation.level"
                                           << "read_uncommitted"
                                           << "aborted";
    }
    void unsafePropertiesAreRefused() {
        QFETCH(QString, name);
        QFETCH(QString, value);
        QFETCH(QString, reason);
        const std::string problem = kafka_property_problem(name.toStdString(), value.toStdString());
        QVERIFY2(!problem.empty(), qPrintable(name + "=" + value + " was accepted"));
        QVERIFY2(problem.find(name.toStdString()) != std::string::npos, problem.c_str());
        QVERIFY2(problem.find(reason.toStdString()) != std::string::npos, problem.c_str());
    }

    void safePropertiesAreAccepted_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::newRow("auto commit off") << "enable.auto.commit"
                                         << "false";
        QTest::newRow("offset store off") << "enable.auto.offset.store"
                                          << "false";
        QTest::newRow("range") << "partition.assignment.strategy"
                               << "range,roundrobin";
        QTest::newRow("earliest") << "auto.offset.reset"
                                  << "earliest";
        QTest::newRow("committed reads") << "isolation.level"
                                         << "read_committed";
        QTest::newRow("tuning") << "fetch.min.bytes"
                                << "1024";
    }
    void safePropertiesAreAccepted() {
        QFETCH(QString, name);
        QFETCH(QString, value);
        QCOMPARE(kafka_property_problem(name.toStdString(), value.toStdString()), std::string());
    }
};

QTEST_GUILESS_MAIN(TstKafkaPropertySafety)
#include "tst_kafka_property_safety.moc"
