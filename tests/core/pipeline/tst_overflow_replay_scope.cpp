// The overflow spool and replayer against the real embedded PostgreSQL: the replayer brings home
// only its own engine's entries (topic and events table), gives them the time the live path
// would have given them (the Kafka timestamp when the payload has none), leaves entries at the
// attempt limit alone instead of replaying them every half second; the spool keeps the decoder's
// reject reason instead of calling every entry "overflow".
#include <QtTest/QtTest>

#include "core/dead_letters/dead_letter_store.h"
#include "core/kafka/event_decoder.h"
#include "core/pipeline/bounded_queue.h"
#include "core/pipeline/knobs.h"
#include "core/pipeline/metrics.h"
#include "core/pipeline/offset_tracker.h"
#include "core/pipeline/overflow_replayer.h"
#include "core/pipeline/overflow_spool.h"
#include "core/pipeline/sink_health.h"
#include "core/postgres/batch_writer.h"
#include "core/postgres/pg_connection.h"
#include "support/pipeline_test_case.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

namespace {

// 2025-03-01T12:00:00Z, a day no clock of this test run is in.
constexpr int64_t kKafkaTime = 1740830400000;

SinkOptions sink_of(const std::string& conninfo, const std::string& topic,
                    const std::string& events) {
    SinkOptions sink;
    sink.conninfo = conninfo;
    sink.events_table = events;
    sink.dead_letter_table = "dl_shared";
    sink.topic = topic;
    return sink;
}

// Parks valid events as overflow dead letters, the way the spool does.
void park(const SinkOptions& sink, const std::string& prefix, int count, bool with_ts) {
    Batch batch;
    for (int i = 0; i < count; ++i) {
        Event event;
        event.event_id = prefix + std::to_string(i);
        event.payload = "{\"event_id\":\"" + event.event_id + "\"" +
                        (with_ts ? ",\"ts\":\"2024-05-05T05:05:05Z\"" : "") + "}";
        event.partition = 0;
        event.offset = i;
        event.produced_at_ms = kKafkaTime;
        event.event_time_ms = kKafkaTime;
        event.reject = RejectReason::Overflow;
        event.reject_message = "the queue was full";
        batch.events.push_back(std::move(event));
    }
    BatchWriter writer(sink, nullptr);
    BatchResult result;
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    if (!writer.write(batch, result, [&] { return std::chrono::steady_clock::now() > give_up; }))
        qFatal("parking failed: %s", writer.last_error().c_str());
}

}  // namespace

class TstOverflowReplayScope : public PipelineTestCase {
    Q_OBJECT
private:
    int64_t scalar(const std::string& sql) { return fixture_->scalar(sql); }

private slots:

    // Two engines share the default dead-letter table: A reads topic "ta" into ev_a, B reads
    // "tb" into ev_b, C reads "ta" too but into ev_c. A's replayer must take only A's entries.
    void replayerTakesOnlyItsOwnTopicAndTable() {
        const std::string db = fixture_->conninfo();
        const SinkOptions a = sink_of(db, "ta", "ev_a");
        const SinkOptions b = sink_of(db, "tb", "ev_b");
        const SinkOptions c = sink_of(db, "tc", "ev_c");
        SinkOptions c_on_ta = c;
        c_on_ta.topic = "ta";
        for (const auto* s : {&a, &b, &c})
            DeadLetterStore(*s).ensure_schema();
        park(a, "a-", 5, false);
        park(b, "b-", 4, false);
        // C's entries on topic "ta" at other offsets.
        {
            Batch batch;
            for (int i = 0; i < 3; ++i) {
                Event event;
                event.event_id = "c-" + std::to_string(i);
                event.payload = "{\"event_id\":\"" + event.event_id + "\"}";
                event.partition = 1;
                event.offset = i;
                event.produced_at_ms = event.event_time_ms = kKafkaTime;
                event.reject = RejectReason::Overflow;
                event.reject_message = "the queue was full";
                batch.events.push_back(std::move(event));
            }
            BatchWriter writer(c_on_ta, nullptr);
            BatchResult result;
            QVERIFY(writer.write(batch, result, [] { return false; }));
        }

        BoundedQueue queue(1000, 1 << 20);
        KnobStore knobs;
        Metrics metrics;
        {
            const SinkHealth health;
            OverflowReplayer replayer(a, DecoderOptions{}, queue, knobs, metrics, health);
            replayer.start();
            QTRY_COMPARE_WITH_TIMEOUT(scalar("SELECT count(*) FROM ev_a"), int64_t(5), 30000);
            QTest::qWait(1500);
            replayer.stop();
        }
        QCOMPARE(scalar("SELECT count(*) FROM ev_a WHERE event_id LIKE 'a-%'"), int64_t(5));
        QCOMPARE(
            scalar("SELECT count(*) FROM dl_shared WHERE kafka_topic = 'tb' AND status = 'new'"),
            int64_t(4));
        QCOMPARE(
            scalar("SELECT count(*) FROM dl_shared WHERE kafka_partition = 1 AND status = 'new'"),
            int64_t(3));
        QCOMPARE(scalar("SELECT count(*) FROM ev_b") + scalar("SELECT count(*) FROM ev_c"),
                 int64_t(0));
        // Item 4: no ts in the payload: the Kafka timestamp, as the live path would.
        QCOMPARE(scalar("SELECT count(*) FROM ev_a WHERE event_time = "
                        "timestamptz '2025-03-01 12:00:00+00'"),
                 int64_t(5));
    }

    // Entries at the attempt limit are not replayed (nor audited) over and over.
    void entriesAtTheAttemptLimitAreLeftAlone() {
        const SinkOptions d = sink_of(fixture_->conninfo(), "td", "ev_d");
        DeadLetterStore(d).ensure_schema();
        park(d, "d-", 2, true);
        PgConnection(fixture_->conninfo())
            .exec("UPDATE dl_shared SET attempts = 5 WHERE kafka_topic = 'td'");
        const int64_t audits_before = scalar("SELECT count(*) FROM dl_shared_audit");
        BoundedQueue queue(1000, 1 << 20);
        KnobStore knobs;
        Metrics metrics;
        {
            const SinkHealth health;
            OverflowReplayer replayer(d, DecoderOptions{}, queue, knobs, metrics, health);
            replayer.start();
            QTest::qWait(3000);
            replayer.stop();
        }
        const int64_t audits = scalar("SELECT count(*) FROM dl_shared_audit") - audits_before;
        QVERIFY2(audits <= 1, qPrintable(QString("%1 audited replays in 3 s").arg(audits)));
        QCOMPARE(scalar("SELECT count(*) FROM ev_d"), int64_t(0));
    }

    // A message the decoder rejected keeps its reason when it overflows.
    void spoolKeepsTheDecodersReason() {
        SinkOptions e = sink_of(fixture_->conninfo(), "te", "ev_e");
        DeadLetterStore(e).ensure_schema();
        OffsetTracker offsets;
        Metrics metrics;
        OverflowSpool spool(e, offsets, metrics);
        spool.start();
        EventDecoder decoder;
        Event event;
        event.payload = "not json";
        event.partition = 0;
        event.offset = 0;
        const DecodeResult decoded = decoder.decode(event.payload);
        event.reject = decoded.reject;
        event.reject_message = decoded.message;
        offsets.register_consumed(0, 0);
        QVERIFY(spool.try_put(std::move(event)));
        spool.stop(false);
        QCOMPARE(fixture_->column("SELECT reason FROM dl_shared WHERE kafka_topic = 'te'").at(0),
                 std::string("malformed_json"));
    }
};

QTEST_GUILESS_MAIN(TstOverflowReplayScope)
#include "tst_overflow_replay_scope.moc"
