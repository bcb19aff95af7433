// The decoder: what is accepted, what is rejected and with which reason, how the event id and
// time are derived; plus the COPY text escaping every payload goes through.
#include <QtTest/QtTest>

#include "core/copy_text.h"
#include "core/event_decoder.h"

using namespace spillway;

Q_DECLARE_METATYPE(spillway::RejectReason)

class TstEventDecoder : public QObject {
    Q_OBJECT
private slots:
    void classifies_data() {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<RejectReason>("reason");
        QTest::addColumn<QString>("message_contains");
        QTest::newRow("valid") << QByteArray(
                                      "{\"event_id\":\"a-1\",\"ts\":\"2026-11-22T04:22:06.123Z\"}")
                               << RejectReason::None << QString();
        QTest::newRow("integer id")
            << QByteArray("{\"event_id\":42}") << RejectReason::None << QString();
        QTest::newRow("empty message") << QByteArray() << RejectReason::MalformedJson << "empty";
        QTest::newRow("truncated") << QByteArray("{\"event_id\":\"a-1\",\"ts\":")
                                   << RejectReason::MalformedJson << "not valid JSON";
        QTest::newRow("not json") << QByteArray("garbage, not json") << RejectReason::MalformedJson
                                  << "not valid JSON";
        QTest::newRow("array") << QByteArray("[{\"event_id\":\"a\"}]") << RejectReason::NotAnObject
                               << "array";
        QTest::newRow("scalar") << QByteArray("42") << RejectReason::NotAnObject << "scalar";
        QTest::newRow("missing id")
            << QByteArray("{\"device\":\"d\"}") << RejectReason::MissingId << "event_id";
        QTest::newRow("empty id") << QByteArray("{\"event_id\":\"\"}") << RejectReason::MissingId
                                  << "empty";
        QTest::newRow("id wrong type") << QByteArray("{\"event_id\":{\"x\":1}}")
                                       << RejectReason::InvalidField << "string or an integer";
        QTest::newRow("invalid utf8")
            << QByteArray("{\"event_id\":\"a\xff\xfe\"}") << RejectReason::MalformedJson << "UTF-8";
        QTest::newRow("bad ts") << QByteArray("{\"event_id\":\"a\",\"ts\":\"yesterday\"}")
                                << RejectReason::InvalidField << "ISO-8601";
        QTest::newRow("ts wrong type") << QByteArray("{\"event_id\":\"a\",\"ts\":true}")
                                       << RejectReason::InvalidField << "epoch milliseconds";
        QTest::newRow("ts out of range") << QByteArray("{\"event_id\":\"a\",\"ts\":-5}")
                                         << RejectReason::InvalidField << "out of range";
        QTest::newRow("deep nesting")
            << QByteArray(10000, '[') << RejectReason::MalformedJson << "not valid JSON";
    }

    void classifies() {
        QFETCH(QByteArray, payload);
        QFETCH(RejectReason, reason);
        QFETCH(QString, message_contains);
        EventDecoder decoder;
        const auto result =
            decoder.decode(std::string_view(payload.constData(), size_t(payload.size())));
        QCOMPARE(result.reject, reason);
        QVERIFY2(QString::fromStdString(result.message).contains(message_contains),
                 result.message.c_str());
        if (reason != RejectReason::None)
            QVERIFY(!result.message.empty());
    }

    void oversizedIsRejectedBeforeParsing() {
        DecoderOptions options;
        options.max_payload_bytes = 100;
        EventDecoder decoder(options);
        const std::string payload =
            "{\"event_id\":\"a\",\"pad\":\"" + std::string(200, 'x') + "\"}";
        const auto result = decoder.decode(payload);
        QCOMPARE(result.reject, RejectReason::Oversized);
        QVERIFY(result.message.find("over the limit of 100") != std::string::npos);
    }

    void idAndTimeAreExtracted() {
        EventDecoder decoder;
        const auto result =
            decoder.decode("{\"ts\":\"2026-11-22T04:22:06.123Z\",\"event_id\":\"g1-7\"}");
        QVERIFY(result.ok());
        QCOMPARE(result.event_id, std::string("g1-7"));
        QCOMPARE(result.event_time_ms, int64_t(1795321326123));
        const auto epoch = decoder.decode("{\"event_id\":\"x\",\"ts\":1700000000000}");
        QCOMPARE(epoch.event_time_ms, int64_t(1700000000000));
        const auto no_time = decoder.decode("{\"event_id\":\"x\"}");
        QCOMPARE(no_time.event_time_ms, int64_t(0));  // the engine then uses the Kafka timestamp
    }

    void iso8601Variants_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("epoch") << "1970-01-01T00:00:00Z" << qint64(0);
        QTest::newRow("millis") << "1970-01-01T00:00:01.5Z" << qint64(1500);
        QTest::newRow("micros truncated") << "1970-01-01T00:00:00.123456Z" << qint64(123);
        QTest::newRow("offset") << "1970-01-01T02:00:00+02:00" << qint64(0);
        QTest::newRow("negative offset") << "1969-12-31T23:00:00-01:00" << qint64(0);
        QTest::newRow("leap day") << "2024-02-29T00:00:00Z" << qint64(1709164800000);
    }

    void iso8601Variants() {
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        int64_t parsed = -1;
        QVERIFY(parse_iso8601_ms(text.toStdString(), &parsed));
        QCOMPARE(parsed, expected);
    }

    void iso8601Rejects() {
        int64_t parsed = 0;
        for (const char* text :
             {"2026-11-22T04:22:06", "2026-13-01T00:00:00Z", "2026-11-22T04:22:06.Z",
              "2026-11-22T04:22:06Zjunk", "", "2026-11-22"})
            QVERIFY2(!parse_iso8601_ms(text, &parsed), text);
    }

    void hashIdIsStableAndDistinct() {
        DecoderOptions options;
        options.id_field.clear();
        EventDecoder decoder(options);
        const auto a = decoder.decode("{\"x\":1}");
        const auto again = decoder.decode("{\"x\":1}");
        const auto b = decoder.decode("{\"x\":2}");
        QVERIFY(a.ok());
        QCOMPARE(a.event_id.size(), size_t(32));
        QCOMPARE(a.event_id, again.event_id);
        QVERIFY(a.event_id != b.event_id);
        QCOMPARE(a.event_id, payload_hash_id("{\"x\":1}"));
    }

    void copyTextEscapesSpecialBytes() {
        std::string out;
        append_copy_text(out, "a\\b\tc\nd\re,\"f'");
        QCOMPARE(out, std::string("a\\\\b\\tc\\nd\\re,\"f'"));
        out.clear();
        append_copy_bytea(out, std::string("\x00\xff"
                                           "A",
                                           3));
        QCOMPARE(out, std::string("\\\\x00ff41"));
    }

    void sanitizeUtf8ReplacesInvalidSequences() {
        QCOMPARE(sanitize_utf8("ok é"), std::string("ok é"));
        QCOMPARE(sanitize_utf8(std::string("a\xff"
                                           "b",
                                           3)),
                 std::string("a\xef\xbf\xbd"
                             "b"));
        QCOMPARE(sanitize_utf8(std::string("a\0b", 3)), std::string("a\xef\xbf\xbd"
                                                                    "b"));
        QCOMPARE(sanitize_utf8("\xe2\x82"), std::string("\xef\xbf\xbd\xef\xbf\xbd"));  // truncated
    }
};

QTEST_GUILESS_MAIN(TstEventDecoder)
#include "tst_event_decoder.moc"
