// The decoder: what is accepted, what is rejected and with which reason, how the event id and
// time are derived; plus the COPY text escaping every payload goes through.
#include <QtTest/QtTest>

#include "core/postgres/copy_text.h"
#include "core/kafka/event_decoder.h"

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
        QTest::newRow("deep nesting unbalanced")
            << QByteArray(10000, '[') << RejectReason::MalformedJson << "not valid JSON";
        QTest::newRow("deep nesting 10000 levels")
            << ("{\"event_id\":\"a\",\"deep\":" + QByteArray(10000, '[') + QByteArray(10000, ']') +
                "}")
            << RejectReason::MalformedJson << "nested deeper than 1024 levels";
        QTest::newRow("nesting 1000 levels is fine")
            << ("{\"event_id\":\"a\",\"deep\":" + QByteArray(1000, '[') + QByteArray(1000, ']') +
                "}")
            << RejectReason::None << QString();
        QTest::newRow("raw NUL in a string")
            << QByteArray("{\"event_id\":\"a\0b\"}", 18) << RejectReason::MalformedJson
            << "raw NUL byte at offset 14";
        QTest::newRow("raw NUL after the object")
            << QByteArray("{\"event_id\":\"a\"}\0", 18) << RejectReason::MalformedJson
            << "raw NUL byte at offset 16";
        QTest::newRow("invalid utf8 names the byte")
            << QByteArray("{\"event_id\":\"a\xff\"}") << RejectReason::MalformedJson
            << "byte 0xff at offset 14";
        QTest::newRow("escaped NUL in a value passes (the database refuses it)")
            << QByteArray("{\"event_id\":\"a\",\"note\":\"x\\u0000y\"}") << RejectReason::None
            << QString();
        QTest::newRow("escaped NUL in the id")
            << QByteArray("{\"event_id\":\"a\\u0000\"}") << RejectReason::InvalidField
            << "field \"event_id\" contains a NUL character";
        QTest::newRow("duplicate key")
            << QByteArray("{\"event_id\":\"a\",\"x\":1,\"x\":2}") << RejectReason::InvalidField
            << "field \"x\" appears twice in one object";
        QTest::newRow("duplicate id")
            << QByteArray("{\"event_id\":\"a\",\"event_id\":\"b\"}") << RejectReason::InvalidField
            << "field \"event_id\" appears twice in one object";
        QTest::newRow("duplicate key nested")
            << QByteArray("{\"event_id\":\"a\",\"a\":{\"b\":[{},{\"k\":1,\"k\":1}]}}")
            << RejectReason::InvalidField << "field \"k\" appears twice in one object (at a.b[1])";
        QTest::newRow("duplicate key in nested arrays")
            << QByteArray("{\"event_id\":\"a\",\"m\":[[1],[{\"k\":1,\"k\":1}]]}")
            << RejectReason::InvalidField << "(at m[1][0])";
        QTest::newRow("duplicate key spelled with an escape")
            << QByteArray("{\"event_id\":\"a\",\"x\":1,\"\\u0078\":2}")
            << RejectReason::InvalidField << "field \"x\" appears twice";
        QTest::newRow("same key in sibling objects is fine")
            << QByteArray("{\"event_id\":\"a\",\"p\":{\"x\":1},\"q\":{\"x\":1},\"x\":[{\"x\":1}]}")
            << RejectReason::None << QString();
        QTest::newRow("keys with equal length and ends are told apart")
            << QByteArray("{\"event_id\":\"a\",\"abc\":1,\"axc\":2,\"\":3}") << RejectReason::None
            << QString();
        QTest::newRow("empty key twice")
            << QByteArray("{\"event_id\":\"a\",\"\":1,\"\":2}") << RejectReason::InvalidField
            << "field \"\" appears twice";
        QTest::newRow("big integer")
            << QByteArray("{\"event_id\":\"a\",\"n\":99999999999999999999999}")
            << RejectReason::InvalidField << "number out of range: 99999999999999999999999";
        QTest::newRow("negative integer below int64")
            << QByteArray("{\"event_id\":\"a\",\"n\":-9223372036854775809}")
            << RejectReason::InvalidField << "number out of range: -9223372036854775809";
        QTest::newRow("huge double") << QByteArray("{\"event_id\":\"a\",\"n\":[1,1e400]}")
                                     << RejectReason::InvalidField << "number out of range: 1e400";
        QTest::newRow("huge double without exponent")
            << ("{\"event_id\":\"a\",\"n\":" + QByteArray(400, '9') + ".5}")
            << RejectReason::InvalidField << "number out of range: 9999";
        QTest::newRow("uint64 max fits")
            << QByteArray("{\"event_id\":\"a\",\"n\":18446744073709551615}") << RejectReason::None
            << QString();
        QTest::newRow("int64 min fits")
            << QByteArray("{\"event_id\":\"a\",\"n\":-9223372036854775808}") << RejectReason::None
            << QString();
        QTest::newRow("tiny double rounds to zero")
            << QByteArray("{\"event_id\":\"a\",\"n\":1e-400}") << RejectReason::None << QString();
        QTest::newRow("malformed number") << QByteArray("{\"event_id\":\"a\",\"n\":1.}")
                                          << RejectReason::MalformedJson << "malformed number";
        QTest::newRow("out-of-range text inside a string is not a number")
            << QByteArray("{\"event_id\":\"a\",\"s\":\"1e400\",\"n\":01}")
            << RejectReason::MalformedJson << "malformed number";
        QTest::newRow("quotes, backslashes, commas, tabs and newlines")
            << QByteArray("{\"event_id\":\"q\\\"1\",\"s\":\"a\\\",b\\\\c\\td\\ne\\r,,\\\"\"}")
            << RejectReason::None << QString();
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

    void manyKeysAreCheckedForDuplicates() {
        // Past the pairwise limit the keys are sorted; both paths must agree.
        EventDecoder decoder;
        for (int count : {5, 24, 25, 200}) {
            std::string payload = "{\"event_id\":\"a\"";
            for (int i = 0; i < count; ++i)
                payload += ",\"key" + std::to_string(i) + "\":" + std::to_string(i);
            QVERIFY2(decoder.decode(payload + "}").ok(), payload.c_str());
            const auto result =
                decoder.decode(payload + ",\"key" + std::to_string(count / 2) + "\":0}");
            QCOMPARE(result.reject, RejectReason::InvalidField);
            QCOMPARE(result.message,
                     "field \"key" + std::to_string(count / 2) + "\" appears twice in one object");
        }
    }

    void longNamesAreShortenedInMessages() {
        EventDecoder decoder;
        const std::string name(500, 'k');
        const auto result =
            decoder.decode("{\"event_id\":\"a\",\"" + name + "\":1,\"" + name + "\":2}");
        QCOMPARE(result.reject, RejectReason::InvalidField);
        QVERIFY2(result.message.size() < 150, result.message.c_str());
        const auto number =
            decoder.decode("{\"event_id\":\"a\",\"n\":" + std::string(1000, '9') + "}");
        QCOMPARE(number.reject, RejectReason::InvalidField);
        QVERIFY2(number.message.size() < 150, number.message.c_str());
    }

    void messagesAreCleanUtf8() {
        // Names from the payload are cut on a character boundary and never carry NUL, so the
        // message is valid text for the dead-letter table as it is.
        EventDecoder decoder;
        std::string name;
        for (int i = 0; i < 40; ++i)
            name += "\xc3\xa9";  // 80 bytes of 'é'
        auto result =
            decoder.decode("{\"event_id\":\"a\",\"" + name + "x\":1,\"" + name + "x\":2}");
        QCOMPARE(result.reject, RejectReason::InvalidField);
        QCOMPARE(sanitize_utf8(result.message), result.message);
        QVERIFY2(result.message.find(name.substr(0, 64) + "...") != std::string::npos,
                 result.message.c_str());
        result = decoder.decode("{\"event_id\":\"a\",\"k\\u0000\":1,\"k\\u0000\":2}");
        QCOMPARE(result.reject, RejectReason::InvalidField);
        QCOMPARE(result.message.find('\0'), std::string::npos);
        QCOMPARE(result.message,
                 std::string("field \"k\xef\xbf\xbd\" appears twice in one object"));
    }

    void decoderIsReusableAfterRejects() {
        // The parser and the key scratch are kept between calls: a reject must not leak state.
        EventDecoder decoder;
        QCOMPARE(decoder.decode("{\"event_id\":\"a\",\"x\":{\"k\":1,\"k\":2}}").reject,
                 RejectReason::InvalidField);
        QCOMPARE(decoder.decode("{\"event_id\":\"a\",\"n\":1e999}").reject,
                 RejectReason::InvalidField);
        const auto ok = decoder.decode("{\"event_id\":\"b\",\"x\":{\"k\":1},\"k\":2}");
        QVERIFY2(ok.ok(), ok.message.c_str());
        QCOMPARE(ok.event_id, std::string("b"));
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
              "2026-11-22T04:22:06Zjunk", "", "2026-11-22",
              // signs where digits belong, impossible dates and zones
              "2026-11-22T-1:00:00Z", "-026-11-22T04:22:06Z", "2026-11-22T04:-2:06Z",
              "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-22T04:22:06+24:00",
              "2026-11-22T04:22:06+01:60", "2026-11-22T04:22:06+-1:00"})
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

    void copyTimestampsAreUtcWithMilliseconds() {
        const auto text = [](int64_t ms) {
            std::string out = "x";
            append_copy_timestamp_ms(out, ms);
            return out;
        };
        QCOMPARE(text(0), std::string("x1970-01-01 00:00:00.000+00"));
        QCOMPARE(text(1'700'000'000'123), std::string("x2023-11-14 22:13:20.123+00"));
        QCOMPARE(text(-1), std::string("x1969-12-31 23:59:59.999+00"));
        QCOMPARE(text(951'782'400'007), std::string("x2000-02-29 00:00:00.007+00"));
        QCOMPARE(text(253'402'300'799'999), std::string("x9999-12-31 23:59:59.999+00"));
        QCOMPARE(text(-62'167'219'200'000), std::string("x0000-01-01 00:00:00.000+00"));
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
