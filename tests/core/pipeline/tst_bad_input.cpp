// Bad input against the real parts (librdkafka's mock cluster and a private PostgreSQL): every bad
// message ends in the dead-letter table with its reason, its message, its payload bytes, key and
// headers exactly as produced, and the pipeline keeps flowing (a valid event produced right after
// each bad one is stored). Valid events full of characters that COPY and SQL treat specially are
// stored byte for byte. A poison event that passes the decoder but that PostgreSQL refuses, inside
// one batch of 10,000, is isolated by bisection: only it is dead-lettered, the 9,999 are stored.
#include <librdkafka/rdkafka.h>

#include <QtTest/QtTest>
#include <cstdio>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/common/json_text.h"
#include "core/demo/load_generator.h"
#include "core/pipeline/engine.h"
#include "support/pipeline_fixture.h"
#include "support/test_producer.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kEventsTable = "bad_events";
constexpr const char* kDeadTable = "bad_dead";
constexpr size_t kMaxPayloadBytes = 64 * 1024;

std::string bytes(const QByteArray& array) {
    return std::string(array.constData(), static_cast<size_t>(array.size()));
}

std::string hex(std::string_view data) {
    return QByteArray(data.data(), static_cast<qsizetype>(data.size())).toHex().toStdString();
}

// An SQL string literal (standard_conforming_strings is on: only quotes need doubling).
std::string sql_literal(std::string_view text) {
    std::string quoted = "'";
    for (const char c : text) {
        if (c == '\'')
            quoted += '\'';
        quoted += c;
    }
    return quoted + "'";
}

// `text` as a JSON string literal, escaped by the engine's own writer.
std::string json_string(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

// A string that exercises every byte COPY text format and SQL treat specially: quotes,
// backslashes (also before N and '.', COPY's NULL and end-of-data markers), commas, tabs,
// newlines, carriage returns, plus multi-byte UTF-8.
std::string tricky_string() {
    return "he said \"hi\", then \"bye\"\\ \\N \\\\N \\. \n\\.\n,,,\t\t\"\r\n'' ;\\t\\n\\r"
           " caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80 \\\\\\\" end";
}

}  // namespace

class TstBadInput : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<PipelineFixture> fixture_;
    std::unique_ptr<Engine> engine_;
    std::unique_ptr<TestProducer> producer_;
    int64_t canaries_ = 0;          // valid events produced after each case
    int64_t stored_cases_ = 0;      // valid cases stored in the events table
    int64_t dead_cases_ = 0;        // cases expected in the dead-letter table
    int64_t decoder_rejects_ = 0;   // of which the decoder refused
    int64_t database_rejects_ = 0;  // of which the database refused

    std::string dead_column(const std::string& column, int64_t offset) {
        const auto values = fixture_->column(
            "SELECT " + column + " FROM " + kDeadTable +
            " WHERE kafka_partition = 0 AND kafka_offset = " + std::to_string(offset));
        return values.size() == 1 ? values.front() : "<" + std::to_string(values.size()) + " rows>";
    }

    int64_t dead_rows_at(int64_t offset) {
        return fixture_->scalar(
            std::string("SELECT count(*) FROM ") + kDeadTable +
            " WHERE kafka_partition = 0 AND kafka_offset = " + std::to_string(offset));
    }

    int64_t events_with_id(const std::string& event_id) {
        return fixture_->scalar(std::string("SELECT count(*) FROM ") + kEventsTable +
                                " WHERE event_id = " + sql_literal(event_id));
    }

    // Every dead-letter row and the engine's own view, for a failure message: when a count is
    // off, which row is extra (its reason and message) says whether the engine misfiled an event
    // or the test expected the wrong thing.
    std::string describe_state() {
        std::string text = "dead-letter rows (offset | reason | event_id | message):\n";
        for (const std::string& row : fixture_->column(
                 std::string("SELECT kafka_offset || ' | ' || reason || ' | ' || "
                             "coalesce(event_id, '<null>') || ' | ' || left(message, 200) FROM ") +
                 kDeadTable + " ORDER BY kafka_offset"))
            text += "  " + row + "\n";
        text +=
            "events stored: " +
            std::to_string(fixture_->scalar(std::string("SELECT count(*) FROM ") + kEventsTable)) +
            "; expected dead letters " + std::to_string(dead_cases_) + ", events " +
            std::to_string(canaries_ + stored_cases_) + "\n";
        const auto snapshot = engine_->snapshot();
        text += "engine: state " + snapshot->state + ", consumed " +
                std::to_string(snapshot->consumed) + ", written " +
                std::to_string(snapshot->written) + ", dead-lettered " +
                std::to_string(snapshot->dead_lettered) + ", batches " +
                std::to_string(snapshot->batches) + ", retries " +
                std::to_string(snapshot->batch_retries) + ", splits " +
                std::to_string(snapshot->batch_splits) + ", pauses " +
                std::to_string(snapshot->pauses) + ", queued " +
                std::to_string(snapshot->queue_events) + ", in flight " +
                std::to_string(snapshot->in_flight_offsets) + ", overflow queued " +
                std::to_string(snapshot->overflow_queued) + ", source paused " +
                (snapshot->source_paused ? "yes" : "no") + ", database available " +
                (snapshot->database_available ? "yes" : "no") + "\n";
        text += "last Kafka error: " + snapshot->last_kafka_error +
                "\nlast database error: " + snapshot->last_database_error + "\n";
        return text;
    }

    // Waits (as QTRY_COMPARE does) until `count()` is `expected`; on timeout prints the state.
    template <typename Count>
    bool wait_for_count(Count count, int64_t expected, const char* what) {
        if (QTest::qWaitFor([&] { return count() == expected; }, 30000))
            return true;
        qWarning("%s: still %lld, expected %lld after 30 s\n%s", what,
                 static_cast<long long>(count()), static_cast<long long>(expected),
                 describe_state().c_str());
        return false;
    }

    static std::string canary_json(const std::string& event_id) {
        return "{\"event_id\":" + json_string(event_id) + ",\"ts\":\"2026-11-22T04:22:06.123Z\"}";
    }

private slots:
    void initTestCase() {
        fixture_ = std::make_unique<PipelineFixture>(1, 1, "bad_input");
        producer_ = std::make_unique<TestProducer>(fixture_->bootstrap_servers());
        EngineOptions options = fixture_->engine_options("bad-input", kEventsTable, kDeadTable);
        options.source.decoder.max_payload_bytes = kMaxPayloadBytes;
        options.knobs.flush_interval_ms = 50;
        options.knobs.writer_concurrency = 2;
        engine_ = PipelineFixture::start_engine(options);
    }

    void cleanupTestCase() {
        PipelineFixture::drain_and_reset(engine_);
        producer_.reset();
        fixture_.reset();
    }

    void badInputIsDeadLetteredAndFlowContinues_data() {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QString>("reason");  // empty: a valid event, stored
        QTest::addColumn<QString>("message_contains");
        QTest::addColumn<QString>("sqlstate");  // for database rejects
        // For stored events: the id, and a field whose decoded value must come back byte for byte.
        QTest::addColumn<QByteArray>("event_id");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QByteArray>("value");

        const auto reject = [](const char* tag, const std::string& payload, const char* reason,
                               const char* message, const char* sqlstate = "") {
            QTest::newRow(tag) << QByteArray::fromStdString(payload) << QString(reason)
                               << QString::fromUtf8(message) << QString(sqlstate) << QByteArray()
                               << QString() << QByteArray();
        };
        const auto stored = [](const char* tag, const std::string& payload,
                               const std::string& event_id, const char* field,
                               const std::string& value) {
            QTest::newRow(tag) << QByteArray::fromStdString(payload) << QString() << QString()
                               << QString() << QByteArray::fromStdString(event_id) << QString(field)
                               << QByteArray::fromStdString(value);
        };

        reject("truncated JSON", "{\"event_id\":\"t-1\",\"ts\":\"2026-11-22T04:2", "malformed_json",
               "not valid JSON");
        reject("not JSON", "device 17 rebooted, uptime 3d", "malformed_json", "not valid JSON");
        reject("empty message", "", "malformed_json", "empty message");
        reject("JSON array", "[{\"event_id\":\"a-1\"},{\"event_id\":\"a-2\"}]", "not_an_object",
               "top level is a JSON array");
        reject("JSON scalar string", "\"event_id\"", "not_an_object", "top level is a JSON scalar");
        reject("JSON scalar number", "42", "not_an_object", "top level is a JSON scalar");
        reject("invalid UTF-8", "{\"event_id\":\"u-1\",\"site\":\"\xc3\x28\xff\"}",
               "malformed_json", "not valid UTF-8: byte 0xc3 at offset 26");
        reject("lone UTF-16 surrogate escape", "{\"event_id\":\"s-1\",\"s\":\"\\ud800\"}",
               "malformed_json", "not valid JSON");
        reject("NUL bytes", std::string("{\"event_id\":\"n-1\",\"s\":\"a\0\0b\"}", 29),
               "malformed_json", "raw NUL byte at offset 24");
        reject("deeply nested JSON (10,000 levels)",
               "{\"event_id\":\"deep-1\",\"deep\":" + std::string(10000, '[') +
                   std::string(10000, ']') + "}",
               "malformed_json", "nested deeper than 1024 levels");
        reject("integer out of range",
               "{\"event_id\":\"r-1\",\"count\":123456789012345678901234567890}", "invalid_field",
               "number out of range: 123456789012345678901234567890");
        reject("double out of range", "{\"event_id\":\"r-2\",\"reading\":-1.5e999}",
               "invalid_field", "number out of range: -1.5e999");
        reject("event_id is an object", "{\"event_id\":{\"value\":\"w-1\"},\"ts\":0}",
               "invalid_field", "field \"event_id\" must be a string or an integer");
        reject("event_id is a float", "{\"event_id\":1.5}", "invalid_field",
               "field \"event_id\" must be a string or an integer");
        reject("ts is a boolean", "{\"event_id\":\"w-2\",\"ts\":true}", "invalid_field",
               "field \"ts\" must be an ISO-8601 string or epoch milliseconds");
        reject("missing id", "{\"device_id\":\"dev-1\",\"ts\":\"2026-11-22T04:22:06.123Z\"}",
               "missing_id", "field \"event_id\" is missing");
        reject("empty id", "{\"event_id\":\"\"}", "missing_id", "field \"event_id\" is empty");
        reject("oversized message",
               "{\"event_id\":\"big-1\",\"pad\":\"" + std::string(100'000, 'x') + "\"}",
               "oversized", "message is 100029 bytes, over the limit of 65536");
        reject("duplicate keys in one object", "{\"event_id\":\"dup-1\",\"temp\":1,\"temp\":2}",
               "invalid_field", "field \"temp\" appears twice in one object");
        reject("duplicate keys nested",
               "{\"event_id\":\"dup-2\",\"readings\":[{\"v\":1},{\"v\":2,\"v\":3}]}",
               "invalid_field", "field \"v\" appears twice in one object (at readings[1])");
        reject("duplicate id", "{\"event_id\":\"dup-3\",\"event_id\":\"dup-4\"}", "invalid_field",
               "field \"event_id\" appears twice in one object");
        // Valid JSON the decoder passes, but jsonb cannot hold \u0000: the writer isolates it.
        reject("escaped NUL refused by the database", "{\"event_id\":\"z-1\",\"s\":\"a\\u0000b\"}",
               "database_reject", "unsupported Unicode escape sequence", "22P05");

        const std::string tricky = tricky_string();
        stored("strings full of quotes, backslashes, commas, tabs and newlines",
               "{\"event_id\":\"tricky-1\",\"s\":" + json_string(tricky) + "}", "tricky-1", "s",
               tricky);
        stored("raw tabs, newlines and CRs between tokens",
               "{\r\n\t\"event_id\" :\t\"tricky-2\" ,\n\"s\"\t:\r\n" + json_string("a\tb\\c") +
                   "\n}\n",
               "tricky-2", "s", "a\tb\\c");
        stored("backslash sequences COPY would misread",
               "{\"event_id\":\"tricky-3\",\"s\":" + json_string("\\.\n\\N\t\\\\.\\") + "}",
               "tricky-3", "s", "\\.\n\\N\t\\\\.\\");
        const std::string injection = "Robert'); DROP TABLE bad_events; DROP TABLE bad_dead; --";
        const std::string injection_id = "inj-1'); DELETE FROM bad_events; --";
        stored("SQL injection attempt in a field and the id",
               "{\"event_id\":" + json_string(injection_id) +
                   ",\"name\":" + json_string(injection) + ",\"q\":\"' OR '1'='1\"}",
               injection_id, "name", injection);
    }

    void badInputIsDeadLetteredAndFlowContinues() {
        QFETCH(QByteArray, payload);
        QFETCH(QString, reason);
        QFETCH(QString, message_contains);
        QFETCH(QString, sqlstate);
        QFETCH(QByteArray, event_id);
        QFETCH(QString, field);
        QFETCH(QByteArray, value);

        const std::string topic = fixture_->topic();
        const std::string case_payload = bytes(payload);
        // A key with bytes that are not text, to check it is kept as bytes.
        const std::string key = std::string("key\0\xff-", 5) + std::to_string(canaries_);
        const std::string canary_id = "canary-" + std::to_string(++canaries_);
        Delivery bad, canary;
        producer_->send(topic, case_payload, key, {}, &bad);
        producer_->send(topic, canary_json(canary_id), "canary", {}, &canary);
        QVERIFY(producer_->flush());
        QVERIFY2(bad.error.empty() && bad.offset >= 0, bad.error.c_str());
        QVERIFY2(canary.error.empty() && canary.offset == bad.offset + 1, canary.error.c_str());

        // Counted before any wait, so a failed wait here does not show up again as a count
        // mismatch in the final accounting: the bad message is dead-lettered regardless.
        if (reason.isEmpty()) {
            ++stored_cases_;
        } else {
            ++dead_cases_;
            ++(reason == "database_reject" ? database_rejects_ : decoder_rejects_);
        }

        // The pipeline keeps flowing: the valid event produced after the bad one is stored.
        QVERIFY(wait_for_count([&] { return events_with_id(canary_id); }, 1, "canary stored"));

        if (reason.isEmpty()) {
            const std::string id = bytes(event_id);
            QTRY_COMPARE_WITH_TIMEOUT(events_with_id(id), int64_t(1), 30000);
            QCOMPARE(dead_rows_at(bad.offset), int64_t(0));
            const std::string where =
                std::string(" FROM ") + kEventsTable + " WHERE event_id = " + sql_literal(id);
            // Byte for byte through JSON escaping, COPY escaping and jsonb.
            const auto stored_value =
                fixture_->column("SELECT encode(convert_to(payload->>" +
                                 sql_literal(field.toStdString()) + ", 'UTF8'), 'hex')" + where);
            QCOMPARE(stored_value, std::vector<std::string>{hex(bytes(value))});
            QCOMPARE(fixture_->column("SELECT encode(kafka_key, 'hex')" + where),
                     std::vector<std::string>{hex(key)});
            QCOMPARE(fixture_->column("SELECT kafka_offset::text" + where),
                     std::vector<std::string>{std::to_string(bad.offset)});
            return;
        }

        QVERIFY(wait_for_count([&] { return dead_rows_at(bad.offset); }, 1,
                               "dead-letter rows at the bad message's offset"));
        QCOMPARE(QString::fromStdString(dead_column("reason", bad.offset)), reason);
        const QString message = QString::fromStdString(dead_column("message", bad.offset));
        QVERIFY2(message.contains(message_contains), qPrintable(message));
        QCOMPARE(QString::fromStdString(dead_column("coalesce(sqlstate, '')", bad.offset)),
                 sqlstate);
        // The payload exactly as produced (NUL bytes, invalid UTF-8 and all), the key as bytes.
        QCOMPARE(dead_column("encode(payload, 'hex')", bad.offset), hex(case_payload));
        QCOMPARE(dead_column("encode(kafka_key, 'hex')", bad.offset), hex(key));
        QCOMPARE(dead_column("kafka_headers IS NULL", bad.offset), std::string("t"));
        QCOMPARE(dead_column("kafka_topic", bad.offset), topic);
        QCOMPARE(dead_column("status", bad.offset), std::string("new"));
        QCOMPARE(dead_column("attempts", bad.offset), std::string("1"));
    }

    void deadLetterKeepsKeyAndHeaders() {
        const std::string payload = "not JSON, but it came with headers";
        const std::string key = "device-\x01\x02";
        const std::vector<Header> headers = {
            {"trace-id", std::string("4bf92f3577b34da6")},
            {"binary", std::string("\xff\x00\x01", 3)},  // not text: kept as base64
            {"no-value", std::nullopt},
            {"content-type", std::string("application/json; charset=\"utf-8\"")},
        };
        const std::string canary_id = "canary-" + std::to_string(++canaries_);
        Delivery bad, canary;
        producer_->send(fixture_->topic(), payload, key, headers, &bad);
        producer_->send(fixture_->topic(), canary_json(canary_id), "", {}, &canary);
        QVERIFY(producer_->flush());
        QVERIFY2(bad.error.empty() && bad.offset >= 0, bad.error.c_str());
        ++dead_cases_;
        ++decoder_rejects_;

        QTRY_COMPARE_WITH_TIMEOUT(dead_rows_at(bad.offset), int64_t(1), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(events_with_id(canary_id), int64_t(1), 30000);
        QCOMPARE(dead_column("reason", bad.offset), std::string("malformed_json"));
        QCOMPARE(dead_column("encode(payload, 'hex')", bad.offset), hex(payload));
        QCOMPARE(dead_column("encode(kafka_key, 'hex')", bad.offset), hex(key));
        const std::string expected =
            "[{\"key\":\"trace-id\",\"value\":\"4bf92f3577b34da6\"},"
            "{\"key\":\"binary\",\"value_base64\":\"/wAB\"},"
            "{\"key\":\"no-value\",\"value\":null},"
            "{\"key\":\"content-type\",\"value\":\"application/json; charset=\\\"utf-8\\\"\"}]";
        const std::string matches =
            dead_column("kafka_headers = " + sql_literal(expected) + "::jsonb", bad.offset);
        QVERIFY2(matches == "t", dead_column("kafka_headers::text", bad.offset).c_str());
    }

    void tablesSurviveAndEverythingIsAccountedFor() {
        // The injection attempts were stored as data: both tables are still there.
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM pg_tables WHERE tablename IN ('" +
                                  std::string(kEventsTable) + "', '" + kDeadTable + "')"),
                 int64_t(2));
        QVERIFY(fixture_->wait_all_committed(*engine_, 60s));
        const int64_t dead_rows =
            fixture_->scalar(std::string("SELECT count(*) FROM ") + kDeadTable);
        const int64_t event_rows =
            fixture_->scalar(std::string("SELECT count(*) FROM ") + kEventsTable);
        if (dead_rows != dead_cases_ || event_rows != canaries_ + stored_cases_)
            qWarning("%s", describe_state().c_str());
        QCOMPARE(dead_rows, dead_cases_);
        QCOMPARE(event_rows, canaries_ + stored_cases_);
        const DrainReport drain = engine_->drain_and_stop();
        QVERIFY(drain.completed);
        const auto snapshot = engine_->snapshot();
        QCOMPARE(snapshot->consumed, fixture_->end_offsets().at(0));
        QCOMPARE(snapshot->dead_lettered, dead_cases_);
        QCOMPARE(snapshot->written, canaries_ + stored_cases_);
        int64_t rejected = 0;
        for (size_t reason = 1; reason < snapshot->rejected_by_reason.size(); ++reason)
            rejected += snapshot->rejected_by_reason[reason];
        QCOMPARE(rejected, decoder_rejects_ + database_rejects_);
        QCOMPARE(snapshot->rejected_by_reason[static_cast<size_t>(RejectReason::DatabaseReject)],
                 database_rejects_);
    }

    // One event among 10,000 in a single batch passes the decoder but PostgreSQL refuses it
    // (\u0000 in a string: jsonb cannot hold it, SQLSTATE 22P05). Bisection must dead-letter
    // exactly that event with the server's words and store the other 9,999.
    void poisonEventInABatchOf10000() {
        constexpr int kEvents = 10'000;
        constexpr int kPoisonAt = 6'789;
        fixture_->use_topic("poison", 1);
        std::deque<Delivery> deliveries(kEvents);
        std::string poison_payload;
        for (int i = 0; i < kEvents; ++i) {
            char id[32];
            std::snprintf(id, sizeof id, "poison-%06d", i);
            std::string payload =
                make_event_json(id, i % 500, i, 1795321326123 + i, 300, uint64_t(i) * 7919);
            if (i == kPoisonAt) {
                payload.insert(payload.size() - 1, ",\"note\":\"firmware said \\u0000 here\"");
                poison_payload = payload;
            }
            producer_->send(fixture_->topic(), payload, "dev-" + std::to_string(i % 500), {},
                            &deliveries[static_cast<size_t>(i)]);
        }
        QVERIFY(producer_->flush(60000));
        for (const Delivery& delivery : deliveries)
            QVERIFY2(delivery.error.empty() && delivery.offset >= 0, delivery.error.c_str());
        const int64_t poison_offset = deliveries[kPoisonAt].offset;
        QCOMPARE(fixture_->end_offsets(), std::vector<int64_t>{kEvents});

        // Everything is on the broker before the engine starts; a batch leaves only when all
        // 10,000 are queued (the flush interval is far longer than consuming them takes, and an
        // idle writer does not take a partial batch).
        EngineOptions options = fixture_->engine_options("poison", "poison_events", "poison_dead");
        options.knobs.batch_size = kEvents;
        options.knobs.flush_interval_ms = 60'000;
        options.knobs.writer_concurrency = 1;
        options.knobs.dispatch_when_idle = false;
        Engine engine(options);
        engine.start();
        QVERIFY(fixture_->wait_all_committed(engine, 120s));
        QVERIFY(engine.drain_and_stop().completed);

        const auto snapshot = engine.snapshot();
        QCOMPARE(snapshot->batches, int64_t(1));  // one batch of 10,000, as intended
        QVERIFY(snapshot->batch_splits > 0);      // isolated by bisection
        QCOMPARE(snapshot->written, int64_t(kEvents - 1));
        QCOMPARE(snapshot->dead_lettered, int64_t(1));
        QCOMPARE(snapshot->rejected_by_reason[static_cast<size_t>(RejectReason::DatabaseReject)],
                 int64_t(1));

        QCOMPARE(fixture_->scalar("SELECT count(*) FROM poison_events"), int64_t(kEvents - 1));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM poison_events WHERE event_id = "
                                  "'poison-006789'"),
                 int64_t(0));
        QCOMPARE(fixture_->scalar("SELECT count(DISTINCT event_id) FROM poison_events"),
                 int64_t(kEvents - 1));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM poison_dead"), int64_t(1));
        const std::string where =
            " FROM poison_dead WHERE kafka_offset = " + std::to_string(poison_offset) +
            " AND kafka_partition = 0";
        QCOMPARE(fixture_->column("SELECT reason" + where),
                 std::vector<std::string>{"database_reject"});
        QCOMPARE(fixture_->column("SELECT sqlstate" + where), std::vector<std::string>{"22P05"});
        QCOMPARE(fixture_->column("SELECT event_id" + where),
                 std::vector<std::string>{"poison-006789"});
        QCOMPARE(fixture_->column("SELECT encode(payload, 'hex')" + where),
                 std::vector<std::string>{hex(poison_payload)});
        const auto message = fixture_->column("SELECT message" + where);
        QCOMPARE(message.size(), size_t(1));
        // The server's own words: its message and its detail.
        QVERIFY2(
            message.front().find("SQLSTATE 22P05") != std::string::npos &&
                message.front().find("unsupported Unicode escape sequence") != std::string::npos &&
                message.front().find("cannot be converted to text") != std::string::npos,
            message.front().c_str());
    }
};

QTEST_GUILESS_MAIN(TstBadInput)
#include "tst_bad_input.moc"
