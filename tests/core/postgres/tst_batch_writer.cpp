// BatchWriter's write path against a real PostgreSQL: in-batch dedup (the earliest offset wins),
// ids already claimed by another writer or instance, a claim racing another transaction's
// uncommitted claim (committed or rolled back), a poison row isolated by bisection, a row whose
// day's partition is attached while it is copied (retried, not dead-lettered), and the key
// table of an older version migrated to COLLATE "C".
#include <QtTest/QtTest>
#include <chrono>
#include <future>
#include <thread>

#include "core/demo/embedded_postgres.h"
#include "core/postgres/batch_writer.h"
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

Event make_event(const std::string& id, int32_t partition, int64_t offset,
                 const std::string& extra = "1") {
    Event e;
    e.event_id = id;
    e.payload = "{\"event_id\":\"" + id + "\",\"n\":" + extra + "}";
    e.event_time_ms = now_ms();
    e.partition = partition;
    e.offset = offset;
    return e;
}

}  // namespace

class TstBatchWriter : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<EmbeddedPostgres> pg_;
    int tables_ = 0;

    SinkOptions fresh_sink() {
        SinkOptions sink;
        sink.conninfo = pg_->conninfo();
        ++tables_;
        sink.events_table = "bw" + std::to_string(tables_);
        sink.dead_letter_table = "bw" + std::to_string(tables_) + "_dead";
        sink.topic = "t";
        PgConnection db(sink.conninfo);
        ensure_schema(db, sink);
        return sink;
    }

    static BatchResult write(const SinkOptions& sink, std::vector<Event> events) {
        BatchWriter writer(sink, nullptr);
        Batch batch;
        batch.events = std::move(events);
        BatchResult result;
        const auto give_up_at = std::chrono::steady_clock::now() + 60s;
        const bool ok = writer.write(batch, result,
                                     [&] { return std::chrono::steady_clock::now() > give_up_at; });
        if (!ok)
            qFatal("write failed: %s", writer.last_error().c_str());
        return result;
    }

    int64_t scalar(const std::string& sql) {
        PgConnection db(pg_->conninfo());
        return std::stoll(db.query_column(sql).at(0));
    }

private slots:
    void initTestCase() {
        pg_ = std::make_unique<EmbeddedPostgres>();
        pg_->start();
    }

    void sameIdTwiceInABatchIsStoredOnceAtItsEarliestOffset() {
        const SinkOptions sink = fresh_sink();
        const BatchResult result = write(sink, {make_event("a", 0, 9, "9"), make_event("b", 0, 4),
                                                make_event("a", 0, 3, "3"), make_event("a", 1, 2)});
        QCOMPARE(result.inserted, int64_t{2});
        QCOMPARE(result.duplicates, int64_t{2});
        const std::string& t = sink.events_table;
        QCOMPARE(scalar("SELECT count(*) FROM " + t), int64_t{2});
        QCOMPARE(scalar("SELECT count(*) FROM " + t + "_keys"), int64_t{2});
        // The earliest (partition, offset) wins: partition 0 offset 3.
        QCOMPARE(scalar("SELECT kafka_offset FROM " + t + " WHERE event_id = 'a'"), int64_t{3});
        QCOMPARE(scalar("SELECT (payload->>'n')::int FROM " + t + " WHERE event_id = 'a'"),
                 int64_t{3});
        QCOMPARE(scalar("SELECT kafka_partition FROM " + t + " WHERE event_id = 'a'"), int64_t{0});
    }

    void idClaimedByAnotherInstanceIsADuplicate() {
        const SinkOptions sink = fresh_sink();
        QCOMPARE(write(sink, {make_event("x", 0, 0), make_event("y", 0, 1)}).inserted, int64_t{2});
        // Another writer (its own connection, as another instance has) sees y already claimed.
        const BatchResult second = write(sink, {make_event("y", 1, 0), make_event("z", 1, 1)});
        QCOMPARE(second.inserted, int64_t{1});
        QCOMPARE(second.duplicates, int64_t{1});
        QCOMPARE(scalar("SELECT count(*) FROM " + sink.events_table), int64_t{3});
        // The first instance's row stays.
        QCOMPARE(
            scalar("SELECT kafka_partition FROM " + sink.events_table + " WHERE event_id = 'y'"),
            int64_t{0});
        // Ids with quotes, backslashes, commas and braces survive the array parameter.
        const std::string odd = "q\"u,o}t{e\\ \u00e9";
        const BatchResult third = write(sink, {make_event("odd", 2, 0)});
        QCOMPARE(third.inserted, int64_t{1});
        Event weird = make_event("w", 2, 1);
        weird.event_id = odd;
        QCOMPARE(write(sink, {weird}).inserted, int64_t{1});
        QCOMPARE(write(sink, {weird}).duplicates, int64_t{1});
        PgConnection db(pg_->conninfo());
        QCOMPARE(
            db.query("SELECT count(*) FROM " + sink.events_table + " WHERE event_id = $1", {odd})
                .at(0)
                .at(0)
                .value(),
            std::string("1"));
    }

    void concurrentClaimWaitsForTheOtherTransaction_data() {
        QTest::addColumn<bool>("other_commits");
        QTest::newRow("other commits") << true;
        QTest::newRow("other rolls back") << false;
    }

    void concurrentClaimWaitsForTheOtherTransaction() {
        QFETCH(bool, other_commits);
        const SinkOptions sink = fresh_sink();
        // Another writer has claimed c and not committed yet.
        PgConnection other(pg_->conninfo());
        other.exec("BEGIN");
        other.exec("INSERT INTO " + sink.events_table +
                   "_keys (event_id, event_time) VALUES ('c', now())");
        auto pending = std::async(std::launch::async, [&] {
            return write(sink, {make_event("c", 0, 0), make_event("d", 0, 1)});
        });
        QVERIFY(pending.wait_for(1s) == std::future_status::timeout);  // it waits on c
        other.exec(other_commits ? "COMMIT" : "ROLLBACK");
        const BatchResult result = pending.get();
        QCOMPARE(result.inserted, other_commits ? int64_t{1} : int64_t{2});
        QCOMPARE(result.duplicates, other_commits ? int64_t{1} : int64_t{0});
        QCOMPARE(scalar("SELECT count(*) FROM " + sink.events_table + "_keys"), int64_t{2});
        QCOMPARE(scalar("SELECT count(*) FROM " + sink.events_table + " WHERE event_id = 'c'"),
                 other_commits ? int64_t{0} : int64_t{1});
    }

    void poisonRowIsIsolatedAndDeadLettered() {
        const SinkOptions sink = fresh_sink();
        std::vector<Event> events;
        for (int i = 0; i < 40; ++i)
            events.push_back(make_event("ok-" + std::to_string(i), 0, i));
        // Valid JSON that jsonb refuses: the database's data error, found only by the COPY.
        Event poison = make_event("poison", 0, 40);
        poison.payload = "{\"event_id\":\"poison\",\"s\":\"\\u0000\"}";
        events.insert(events.begin() + 17, poison);
        const BatchResult result = write(sink, events);
        QCOMPARE(result.inserted, int64_t{40});
        QCOMPARE(result.database_rejects, int64_t{1});
        QVERIFY(result.splits > 0);
        QCOMPARE(scalar("SELECT count(*) FROM " + sink.events_table), int64_t{40});
        // The poison id is not left claimed: its claim rolled back with its transaction.
        QCOMPARE(scalar("SELECT count(*) FROM " + sink.events_table + "_keys"), int64_t{40});
        QCOMPARE(scalar("SELECT count(*) FROM " + sink.dead_letter_table +
                        " WHERE event_id = 'poison' AND reason = 'database_reject'"),
                 int64_t{1});
    }

    // The partition maintainer attaches a day's partition while a writer copies a row of that
    // day: the COPY routed the row to the default partition, waits for its lock, and when the
    // attach commits the row fails the default partition's new bounds (SQLSTATE 23514). The row
    // is valid: the writer retries the batch and stores it in the new partition; nothing is
    // dead-lettered. (Seen as tst_bad_input's canary dead-lettered on a busy machine.)
    void rowOfADayBeingAttachedIsRetriedNotDeadLettered() {
        const SinkOptions sink = fresh_sink();
        // A day long before the partitions the schema makes: its rows go to the default one.
        const auto day = std::chrono::sys_days(std::chrono::year(2020) / 1 / 15);
        Event event = make_event("attach-1", 0, 0);
        event.event_time_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(day.time_since_epoch()).count() +
            3'600'000;
        const std::string partition = day_partition_table(sink.events_table, day);
        const std::string default_partition = default_partition_table(sink.events_table);
        // The maintainer's steps (partition_maintainer.cpp), held open in one transaction.
        PgConnection maintainer(pg_->conninfo());
        maintainer.exec("BEGIN");
        maintainer.exec("LOCK TABLE " + default_partition + " IN ACCESS EXCLUSIVE MODE");
        maintainer.exec("CREATE TABLE " + partition + " (LIKE " + sink.events_table +
                        " INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
        maintainer.exec(
            "ALTER TABLE " + sink.events_table + " ATTACH PARTITION " + partition +
            " FOR VALUES FROM ('2020-01-15 00:00:00+00') TO ('2020-01-16 00:00:00+00')");
        auto pending = std::async(std::launch::async, [&] { return write(sink, {event}); });
        // The writer's COPY waits for the default partition: the race is on.
        QTRY_VERIFY_WITH_TIMEOUT(scalar("SELECT count(*) FROM pg_stat_activity WHERE "
                                        "wait_event_type = 'Lock' AND query LIKE 'COPY %'") == 1,
                                 60000);
        maintainer.exec("COMMIT");
        const BatchResult result = pending.get();
        QCOMPARE(result.database_rejects, int64_t{0});
        QCOMPARE(result.inserted, int64_t{1});
        QVERIFY(result.retries >= 1);  // the first attempt did meet the new partition
        QCOMPARE(scalar("SELECT count(*) FROM " + sink.dead_letter_table), int64_t{0});
        QCOMPARE(scalar("SELECT count(*) FROM " + partition + " WHERE event_id = 'attach-1'"),
                 int64_t{1});
    }

    void olderKeyTableIsMigratedToCollateC() {
        SinkOptions sink;
        sink.conninfo = pg_->conninfo();
        sink.events_table = "old_keys_ev";
        sink.dead_letter_table = "old_keys_dead";
        sink.topic = "t";
        PgConnection db(sink.conninfo);
        // The key table as an older version made it: the database's default collation.
        db.exec(
            "CREATE TABLE old_keys_ev_keys (event_id text PRIMARY KEY,"
            " event_time timestamptz NOT NULL);"
            "INSERT INTO old_keys_ev_keys VALUES ('kept', now())");
        ensure_schema(db, sink);
        QCOMPARE(db.query_column("SELECT c.collname::text FROM pg_attribute a JOIN pg_collation c"
                                 " ON c.oid = a.attcollation WHERE a.attrelid ="
                                 " 'old_keys_ev_keys'::regclass AND a.attname = 'event_id'")
                     .at(0),
                 std::string("C"));
        // The claimed id is still claimed.
        const BatchResult result = write(sink, {make_event("kept", 0, 0), make_event("new", 0, 1)});
        QCOMPARE(result.inserted, int64_t{1});
        QCOMPARE(result.duplicates, int64_t{1});
    }
};

QTEST_GUILESS_MAIN(TstBatchWriter)
#include "tst_batch_writer.moc"
