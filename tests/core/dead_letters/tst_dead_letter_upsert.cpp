// How a dead letter is stored when its (topic, partition, offset) was seen before, against the
// real embedded PostgreSQL: the same message failing again counts one more attempt; a different
// message at a reused offset (the topic was re-created, or another cluster took over) replaces
// the stale row whole and is new again, whatever the old row's status was.
#include <QtTest/QtTest>

#include "core/dead_letters/dead_letter_store.h"
#include "core/kafka/event_decoder.h"
#include "core/postgres/batch_writer.h"
#include "core/postgres/pg_connection.h"
#include "support/pipeline_test_case.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

class TstDeadLetterUpsert : public PipelineTestCase {
    Q_OBJECT
private:
    SinkOptions sink() const {
        SinkOptions s;
        s.conninfo = fixture_->conninfo();
        s.events_table = "ev_up";
        s.dead_letter_table = "dl_up";
        s.topic = "orders";
        return s;
    }
    void put(const std::string& payload, const std::string& key) {
        EventDecoder decoder;
        Event event;
        event.payload = payload;
        event.key = key;
        event.partition = 0;
        event.offset = 5;
        const DecodeResult decoded = decoder.decode(payload);
        QVERIFY(!decoded.ok());
        event.reject = decoded.reject;
        event.reject_message = decoded.message;
        Batch batch;
        batch.events.push_back(std::move(event));
        BatchWriter writer(sink(), nullptr);
        BatchResult result;
        const auto give_up = std::chrono::steady_clock::now() + 30s;
        QVERIFY(writer.write(batch, result,
                             [&] { return std::chrono::steady_clock::now() > give_up; }));
        QCOMPARE(result.dead_lettered, int64_t(1));
    }
    std::string text(const std::string& sql) { return fixture_->column(sql).at(0); }

private slots:

    void sameMessageAgainCountsAnAttempt() {
        DeadLetterStore(sink()).ensure_schema();
        put("{\"v\":1}", "k1");
        put("{\"v\":1}", "k1");
        QCOMPARE(fixture_->scalar("SELECT attempts FROM dl_up WHERE kafka_offset = 5"), int64_t(2));
    }

    void differentMessageAtAReusedOffsetReplacesTheStaleRow() {
        // The old row was dealt with: discarded by an operator.
        PgConnection(fixture_->conninfo())
            .exec(
                "UPDATE dl_up SET status = 'discarded', status_changed_by = 'ann', "
                "status_note = 'junk' WHERE kafka_offset = 5");
        put("not json, a new message", "k2");
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM dl_up"), int64_t(1));
        QCOMPARE(text("SELECT convert_from(payload, 'UTF8') FROM dl_up"),
                 std::string("not json, a new message"));
        QCOMPARE(text("SELECT convert_from(kafka_key, 'UTF8') FROM dl_up"), std::string("k2"));
        QCOMPARE(text("SELECT status FROM dl_up"), std::string("new"));
        QCOMPARE(text("SELECT reason FROM dl_up"), std::string("malformed_json"));
        QCOMPARE(fixture_->scalar("SELECT attempts FROM dl_up"), int64_t(1));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM dl_up WHERE status_changed_by IS NULL AND "
                                  "status_note IS NULL AND original_payload IS NULL"),
                 int64_t(1));
    }
};

QTEST_GUILESS_MAIN(TstDeadLetterUpsert)
#include "tst_dead_letter_upsert.moc"
