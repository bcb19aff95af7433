// WriterPool against a real PostgreSQL: an event whose id a batch being written already holds
// follows that batch instead of claiming the id again. A second claim would wait on the first
// batch's uncommitted key until it commits, stalling the second writer with it; following, the
// second batch's other rows commit at once, and the follower is a duplicate (its offset done) only
// once the first batch is durable, or is written itself when the database refused the first.
#include <QtTest/QtTest>
#include <chrono>

#include "core/demo/embedded_postgres.h"
#include "core/pipeline/knobs.h"
#include "core/pipeline/metrics.h"
#include "core/pipeline/offset_tracker.h"
#include "core/pipeline/writer_pool.h"
#include "core/postgres/pg_connection.h"
#include "core/postgres/sink_schema.h"

using namespace spillway;
using namespace std::chrono_literals;

namespace {

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// 2001-01-01: no day partition, so the row goes to the default partition, which a test locks to
// hold the batch that writes it in flight.
constexpr int64_t kOldMs = 978'307'200'000;

Event make_event(const std::string& id, int64_t offset, int64_t time_ms,
                 const std::string& payload = {}) {
    Event e;
    e.event_id = id;
    e.payload = payload.empty()
                    ? "{\"event_id\":\"" + id + "\",\"o\":" + std::to_string(offset) + "}"
                    : payload;
    e.event_time_ms = time_ms;
    e.partition = 0;
    e.offset = offset;
    return e;
}

Batch make_batch(uint64_t sequence, std::vector<Event> events) {
    Batch batch;
    batch.sequence = sequence;
    batch.events = std::move(events);
    batch.formed_at = std::chrono::steady_clock::now();
    return batch;
}

// Two writers over `sink`, with partition 0's offsets 0..2 consumed and in flight.
struct Pool {
    explicit Pool(const SinkOptions& sink)
        : store([] {
              Knobs knobs;
              knobs.writer_concurrency = 2;
              return knobs;
          }()),
          pool(sink, store, offsets, metrics) {
        for (int64_t offset = 0; offset < 3; ++offset)
            offsets.register_consumed(0, offset);
        pool.start();
    }
    KnobStore store;
    OffsetTracker offsets;
    Metrics metrics;
    WriterPool pool;
};

}  // namespace

class TstWriterPool : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<EmbeddedPostgres> pg_;
    int tables_ = 0;

    SinkOptions fresh_sink() {
        SinkOptions sink;
        sink.conninfo = pg_->conninfo();
        ++tables_;
        sink.events_table = "wp" + std::to_string(tables_);
        sink.dead_letter_table = "wp" + std::to_string(tables_) + "_dead";
        sink.topic = "t";
        PgConnection db(sink.conninfo);
        ensure_schema(db, sink);
        // ensure_schema gives today a partition of its own, away from the locked default one.
        return sink;
    }

    int64_t scalar(const std::string& sql) {
        PgConnection db(pg_->conninfo());
        return std::stoll(db.query_column(sql).at(0));
    }

    // True once some session waits for a lock on `table` (the batch writing to it is held).
    bool someone_waits_on(const std::string& table) {
        return scalar("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = '" + table +
                      "'::regclass") > 0;
    }

private slots:
    void initTestCase() {
        pg_ = std::make_unique<EmbeddedPostgres>();
        pg_->start();
    }

    void idHeldByABatchInFlightIsFollowedNotClaimedAgain() {
        const SinkOptions sink = fresh_sink();
        const std::string old_days = default_partition_table(sink.events_table);
        Pool rig(sink);
        auto& [store, offsets, metrics, pool] = rig;

        // Batch 1 claims "x" and then waits to write its row into the locked default partition.
        PgConnection blocker(pg_->conninfo());
        blocker.exec("BEGIN; LOCK TABLE " + quote_table_name(old_days) + " IN SHARE MODE");
        pool.submit(make_batch(1, {make_event("x", 0, kOldMs)}));
        QTRY_VERIFY_WITH_TIMEOUT(someone_waits_on(old_days), 30000);

        // Batch 2 holds "x" again and "y": "y" is stored while batch 1 is still held, and "x"'s
        // offset stays open until batch 1 is durable.
        pool.submit(make_batch(2, {make_event("x", 1, now_ms()), make_event("y", 2, now_ms())}));
        QTRY_COMPARE_WITH_TIMEOUT(
            scalar("SELECT count(*) FROM " + sink.events_table + " WHERE event_id = 'y'"),
            int64_t{1}, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(pool.busy(), 1, 30000);
        QCOMPARE(offsets.commit_point(0), int64_t{0});
        QCOMPARE(metrics.duplicates.load(), int64_t{0});

        blocker.exec("COMMIT");
        QVERIFY(pool.wait_idle(30s));
        QCOMPARE(offsets.commit_point(0), int64_t{3});
        QCOMPARE(metrics.duplicates.load(), int64_t{1});
        QCOMPARE(metrics.written.load(), int64_t{2});
        QCOMPARE(scalar("SELECT count(*) FROM " + sink.events_table), int64_t{2});
        // The stored "x" is the first one read (offset 0), as without a batch in flight.
        QCOMPARE(scalar("SELECT kafka_offset FROM " + sink.events_table + " WHERE event_id = 'x'"),
                 int64_t{0});
        pool.stop(false);
    }

    void followersOfABatchWithARefusedRowAreWrittenThemselves() {
        const SinkOptions sink = fresh_sink();
        const std::string old_days = default_partition_table(sink.events_table);
        Pool rig(sink);
        auto& [store, offsets, metrics, pool] = rig;

        // Batch 1's "x" breaks a constraint of the partition it is routed to (checked after the
        // row waited for that partition's lock): the database dead-letters it, so the id is never
        // stored and the later "x" must be written, not counted a duplicate.
        PgConnection(pg_->conninfo())
            .exec("ALTER TABLE " + quote_table_name(old_days) +
                  " ADD CONSTRAINT no_poison CHECK (payload->>'poison' IS NULL)");
        PgConnection blocker(pg_->conninfo());
        blocker.exec("BEGIN; LOCK TABLE " + quote_table_name(old_days) + " IN SHARE MODE");
        pool.submit(
            make_batch(1, {make_event("x", 0, kOldMs, "{\"event_id\":\"x\",\"poison\":1}")}));
        QTRY_VERIFY_WITH_TIMEOUT(someone_waits_on(old_days), 30000);
        pool.submit(make_batch(2, {make_event("x", 1, now_ms()), make_event("y", 2, now_ms())}));
        QTRY_COMPARE_WITH_TIMEOUT(
            scalar("SELECT count(*) FROM " + sink.events_table + " WHERE event_id = 'y'"),
            int64_t{1}, 30000);

        blocker.exec("COMMIT");
        QVERIFY(pool.wait_idle(30s));
        QCOMPARE(offsets.commit_point(0), int64_t{3});
        QCOMPARE(metrics.duplicates.load(), int64_t{0});
        QCOMPARE(scalar("SELECT kafka_offset FROM " + sink.events_table + " WHERE event_id = 'x'"),
                 int64_t{1});
        QCOMPARE(scalar("SELECT count(*) FROM " + sink.dead_letter_table +
                        " WHERE event_id = 'x' AND reason = 'database_reject'"),
                 int64_t{1});
        pool.stop(false);
    }
};

QTEST_GUILESS_MAIN(TstWriterPool)
#include "tst_writer_pool.moc"
