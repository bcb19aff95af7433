// The dead-letter store's API against the real embedded PostgreSQL: filtering and keyset paging,
// reading exact bytes, editing, replay back through the pipeline's own validator and writer
// (once, never twice, attempts counted, loops stopped), dry runs, discards, exports and the audit
// trail.
// An edited dead letter replayed lands in the events table once; replaying twice does not
// duplicate; a still-bad replay goes back with attempts incremented.
#include <QtTest/QtTest>
#include <map>
#include <set>
#include <sstream>

#include "core/postgres/batch_writer.h"
#include "core/dead_letters/dead_letter_store.h"
#include "core/pipeline/engine.h"
#include "core/kafka/event_decoder.h"
#include "core/demo/load_generator.h"
#include "core/postgres/pg_connection.h"
#include "support/dead_letter_seed.h"
#include "support/pipeline_fixture.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

namespace {

using Message = DeadLetterMessage;

SinkOptions sink_options(const std::string& conninfo, const std::string& events,
                         const std::string& dead, const std::string& topic = "orders") {
    SinkOptions sink;
    sink.conninfo = conninfo;
    sink.events_table = events;
    sink.dead_letter_table = dead;
    sink.topic = topic;
    return sink;
}

WallTime at(const char* iso) {
    return WallTime(std::chrono::milliseconds(
        QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch()));
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    bool in_quotes = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_quotes) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                in_quotes = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            in_quotes = true;
        } else if (c == ',') {
            record.push_back(field);
            field.clear();
        } else if (c == '\n') {
            record.push_back(field);
            records.push_back(record);
            record.clear();
            field.clear();
        } else if (c != '\r') {
            field += c;
        }
    }
    return records;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

// Payloads of the filter data set, named for what they test.
const std::string kNotePayload =
    "{\"note\":\"50% off_sale \\\"quoted\\\" back\\\\slash O'Brien\"}";  // missing_id
const char kBinaryBytes[] = "{\"event_id\":\"bin-\xff\xfe\x00\x01\"}";   // not UTF-8, NUL
const std::string kBinaryPayload(kBinaryBytes, sizeof kBinaryBytes - 1);
const char kBinaryKeyBytes[] = "\x00\xffkey";
const std::string kBinaryKey(kBinaryKeyBytes, sizeof kBinaryKeyBytes - 1);
const std::string kHeaders = "[{\"key\": \"trace\", \"value\": \"t-1\"}]";  // as jsonb prints it
const std::string kCityPayload = "{\"city\":\"Z\xc3\xbcrich\"}";            // missing_id
const std::string kInjectionPayload = "{\"comment\":\"'; DROP TABLE dl_f; --\"}";  // missing_id
const std::string kLongPayload = "{\"event_id\":\"long\",\"pad\":\"" + std::string(500, 'a');

}  // namespace

class TstDeadLetterStore : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<PipelineFixture> fixture_;

    SinkOptions sink(const std::string& events, const std::string& dead,
                     const std::string& topic = "orders") const {
        return sink_options(fixture_->conninfo(), events, dead, topic);
    }
    void sql(const std::string& statement) {
        PgConnection connection(fixture_->conninfo());
        connection.exec(statement);
    }
    int64_t id_of(const std::string& table, int partition, int64_t offset) {
        return fixture_->scalar("SELECT id FROM " + table + " WHERE kafka_topic = 'orders' AND " +
                                "kafka_partition = " + std::to_string(partition) +
                                " AND kafka_offset = " + std::to_string(offset));
    }
    // A fresh pair of tables with `bad` missing-id entries on partition 0, offsets 0..bad-1.
    std::unique_ptr<DeadLetterStore> fresh_store(const std::string& events, const std::string& dead,
                                                 int bad) {
        auto store = std::make_unique<DeadLetterStore>(sink(events, dead));
        store->ensure_schema();
        std::vector<Message> messages;
        for (int i = 0; i < bad; ++i)
            messages.push_back({0, i, "{\"v\":" + std::to_string(i) + "}", {}, {}, false});
        const std::string error = put_dead_letters(sink(events, dead), messages);
        if (!error.empty())
            qFatal("%s", error.c_str());
        return store;
    }

private slots:
    void initTestCase() {
        fixture_ = std::make_unique<PipelineFixture>(3);
        // The filter data set in dl_f: 23 entries, see the expectations in filters_data().
        DeadLetterStore store(sink("ev_f", "dl_f"));
        store.ensure_schema();
        std::vector<Message> orders;
        for (int i = 0; i < 9; ++i)
            orders.push_back(
                {0, i, "{\"event_id\":\"t-" + std::to_string(i) + "\",\"note\":\"trunc", {}, {}});
        orders.push_back({0, 9, kLongPayload, {}, {}});
        for (int i = 0; i < 5; ++i)
            orders.push_back({1, i, "[500," + std::to_string(i) + "]", {}, {}});
        for (int i = 5; i < 8; ++i)
            orders.push_back(
                {1, i, "{\"v\":" + std::to_string(i) + ",\"sale\":\"offXsale\"}", {}, {}});
        orders.push_back({2, 0, kNotePayload, {}, {}});
        orders.push_back({2, 1, kBinaryPayload, kBinaryKey, kHeaders});
        orders.push_back({2, 2, kCityPayload, {}, {}});
        orders.push_back({2, 3, kInjectionPayload, {}, {}});
        QCOMPARE(put_dead_letters(sink("ev_f", "dl_f"), orders), std::string());
        QCOMPARE(put_dead_letters(sink("ev_f", "dl_f", "other"),
                                  {{0, 0, "not json at all", {}, {}, false}}),
                 std::string());
        // Partition 0's entries were last seen an hour apart from 2024-01-01T00:00Z.
        sql("UPDATE dl_f SET last_seen = timestamptz '2024-01-01 00:00:00+00' + kafka_offset * "
            "interval '1 hour' WHERE kafka_topic = 'orders' AND kafka_partition = 0");
    }
    void cleanupTestCase() { fixture_.reset(); }

    void filters_data() {
        QTest::addColumn<QStringList>("reasons");
        QTest::addColumn<QString>("topic");
        QTest::addColumn<int>("partition");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QStringList>("statuses");
        QTest::addColumn<qint64>("expected");
        const QStringList any;
        QTest::newRow("all") << any << QString() << -1 << QByteArray() << any << qint64(23);
        QTest::newRow("reason malformed_json") << QStringList{"malformed_json"} << QString() << -1
                                               << QByteArray() << any << qint64(12);
        QTest::newRow("two reasons") << QStringList{"not_an_object", "missing_id"} << QString()
                                     << -1 << QByteArray() << any << qint64(11);
        QTest::newRow("unknown reason")
            << QStringList{"no_such_reason"} << QString() << -1 << QByteArray() << any << qint64(0);
        QTest::newRow("topic") << any << QString("other") << -1 << QByteArray() << any << qint64(1);
        QTest::newRow("topic and partition")
            << any << QString("orders") << 1 << QByteArray() << any << qint64(8);
        QTest::newRow("partition and reason")
            << QStringList{"missing_id"} << QString() << 2 << QByteArray() << any << qint64(3);
        // "[500,..." payloads contain 50: an unescaped % would match them too.
        QTest::newRow("percent is literal")
            << any << QString() << -1 << QByteArray("50%") << any << qint64(1);
        // "offXsale" payloads: an unescaped _ would match them too.
        QTest::newRow("underscore is literal")
            << any << QString() << -1 << QByteArray("off_sale") << any << qint64(1);
        QTest::newRow("single quote")
            << any << QString() << -1 << QByteArray("O'Brien") << any << qint64(1);
        QTest::newRow("case-insensitive")
            << any << QString() << -1 << QByteArray("o'brien") << any << qint64(1);
        QTest::newRow("two backslashes")
            << any << QString() << -1 << QByteArray("back\\\\slash") << any << qint64(1);
        QTest::newRow("backslash quote")
            << any << QString() << -1 << QByteArray("\\\"quoted") << any << qint64(1);
        QTest::newRow("non-ASCII text")
            << any << QString() << -1 << QByteArray("z\xc3\xbcrich") << any << qint64(1);
        QTest::newRow("a byte that is not UTF-8")
            << any << QString() << -1 << QByteArray("\xff") << any << qint64(1);
        QTest::newRow("injection found literally")
            << any << QString() << -1 << QByteArray("'; DROP TABLE dl_f; --") << any << qint64(1);
        QTest::newRow("injection matching everything if pasted")
            << any << QString() << -1 << QByteArray("%' OR '1'='1") << any << qint64(0);
        QTest::newRow("text and reason") << QStringList{"not_an_object"} << QString() << -1
                                         << QByteArray("500") << any << qint64(5);
        QTest::newRow("status new")
            << any << QString() << -1 << QByteArray() << QStringList{"new"} << qint64(23);
        QTest::newRow("status replayed or discarded")
            << any << QString() << -1 << QByteArray() << QStringList{"replayed", "discarded"}
            << qint64(0);
    }
    void filters() {
        QFETCH(QStringList, reasons);
        QFETCH(QString, topic);
        QFETCH(int, partition);
        QFETCH(QByteArray, text);
        QFETCH(QStringList, statuses);
        QFETCH(qint64, expected);
        DeadLetterFilter filter;
        for (const QString& reason : reasons)
            filter.reasons.push_back(reason.toStdString());
        if (!topic.isEmpty())
            filter.topic = topic.toStdString();
        if (partition >= 0)
            filter.partition = partition;
        filter.text = text.toStdString();
        for (const QString& status : statuses)
            filter.statuses.push_back(status.toStdString());

        DeadLetterStore store(sink("ev_f", "dl_f"));
        QCOMPARE(store.count(filter), expected);
        // A page and the per-reason counts agree with the count.
        const auto rows = store.page(filter, {std::nullopt, 100, true});
        QCOMPARE(static_cast<qint64>(rows.size()), expected);
        int64_t by_reason = 0;
        for (const auto& reason_count : store.counts_by_reason(filter))
            by_reason += reason_count.count;
        QCOMPARE(by_reason, expected);
        QVERIFY(!filter.describe().empty());
        // The table survived whatever the text held.
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM dl_f"), int64_t(23));
    }

    void filterByMessageText() {
        DeadLetterStore store(sink("ev_f", "dl_f"));
        const std::string missing_message = EventDecoder().decode("{\"v\":1}").message;
        QVERIFY(!missing_message.empty());
        DeadLetterFilter filter;
        filter.text = missing_message;
        QCOMPARE(store.count(filter), int64_t(6));
    }

    void filterByTimeRange() {
        DeadLetterStore store(sink("ev_f", "dl_f"));
        DeadLetterFilter filter;
        filter.from = at("2024-01-01T02:00:00Z");
        filter.to = at("2024-01-01T05:00:00Z");  // exclusive
        QCOMPARE(store.count(filter), int64_t(3));
        const auto rows = store.page(filter, {std::nullopt, 10, false});
        QCOMPARE(rows.size(), size_t(3));
        QCOMPARE(rows[0].offset, int64_t(2));
        QVERIFY(rows[0].last_seen == at("2024-01-01T02:00:00Z"));
        QVERIFY(rows[2].last_seen == at("2024-01-01T04:00:00Z"));
        QVERIFY(filter.describe().find("2024-01-01T02:00:00.000000Z") != std::string::npos);

        filter.from = at("2024-01-01T08:00:00Z");
        filter.to = at("2025-01-01T00:00:00Z");
        QCOMPARE(store.count(filter), int64_t(2));
        filter.from.reset();
        filter.to = at("2024-01-01T01:00:00Z");
        QCOMPARE(store.count(filter), int64_t(1));
        filter.to.reset();
        filter.from = at("2024-06-01T00:00:00Z");
        QCOMPARE(store.count(filter), int64_t(13));
    }

    void keysetPagingVisitsEveryEntryOnce_data() {
        QTest::addColumn<bool>("newest_first");
        QTest::addColumn<int>("limit");
        QTest::addColumn<int>("partition");
        QTest::addColumn<int>("expected");
        QTest::newRow("newest first, 5 a page") << true << 5 << -1 << 23;
        QTest::newRow("oldest first, 4 a page") << false << 4 << -1 << 23;
        QTest::newRow("one a page") << true << 1 << -1 << 23;
        QTest::newRow("filtered, 3 a page") << false << 3 << 1 << 8;
    }
    void keysetPagingVisitsEveryEntryOnce() {
        QFETCH(bool, newest_first);
        QFETCH(int, limit);
        QFETCH(int, partition);
        QFETCH(int, expected);
        DeadLetterStore store(sink("ev_f", "dl_f"));
        DeadLetterFilter filter;
        if (partition >= 0)
            filter.partition = partition;
        std::vector<int64_t> seen;
        DeadLetterPageRequest request{std::nullopt, limit, newest_first};
        int pages = 0;
        for (;; ++pages) {
            const auto rows = store.page(filter, request);
            QVERIFY(static_cast<int>(rows.size()) <= limit);
            if (rows.empty())
                break;
            for (const auto& row : rows)
                seen.push_back(row.id);
            request.after_id = rows.back().id;
        }
        QCOMPARE(static_cast<int>(seen.size()), expected);
        QCOMPARE(std::set<int64_t>(seen.begin(), seen.end()).size(), seen.size());
        QVERIFY(newest_first ? std::is_sorted(seen.rbegin(), seen.rend())
                             : std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(pages, (expected + limit - 1) / limit);
    }

    void pageSummariesArePreviews() {
        DeadLetterStore store(sink("ev_f", "dl_f"));
        DeadLetterFilter filter;
        filter.partition = 0;
        filter.topic = "orders";
        filter.text = "\"long\"";
        const auto rows = store.page(filter, {});
        QCOMPARE(rows.size(), size_t(1));
        QCOMPARE(rows[0].payload_size, static_cast<int64_t>(kLongPayload.size()));
        QCOMPARE(rows[0].payload_preview, kLongPayload.substr(0, 120));
        QCOMPARE(rows[0].reason, std::string("malformed_json"));
        QVERIFY(rows[0].message.size() <= 200 * 4);
        QCOMPARE(rows[0].attempts, 1);
        QCOMPARE(rows[0].status, std::string("new"));
    }

    void countsByReason() {
        DeadLetterStore store(sink("ev_f", "dl_f"));
        const auto counts = store.counts_by_reason({});
        QCOMPARE(counts.size(), size_t(3));
        QCOMPARE(counts[0].reason, std::string("malformed_json"));
        QCOMPARE(counts[0].count, int64_t(12));
        QCOMPARE(counts[1].reason, std::string("missing_id"));
        QCOMPARE(counts[1].count, int64_t(6));
        QCOMPARE(counts[2].reason, std::string("not_an_object"));
        QCOMPARE(counts[2].count, int64_t(5));
        DeadLetterFilter orders;
        orders.topic = "orders";
        QCOMPARE(store.counts_by_reason(orders)[0].count, int64_t(11));
    }

    void readReturnsExactBytes() {
        DeadLetterStore store(sink("ev_f", "dl_f"));
        const int64_t id = id_of("dl_f", 2, 1);
        const auto entry = store.read(id);
        QVERIFY(entry.has_value());
        QCOMPARE(entry->id, id);
        QCOMPARE(entry->payload, kBinaryPayload);  // NUL and non-UTF-8 bytes intact
        QCOMPARE(entry->key, kBinaryKey);
        QVERIFY(entry->headers_json.has_value());
        QCOMPARE(*entry->headers_json, kHeaders);
        QCOMPARE(entry->topic, std::string("orders"));
        QCOMPARE(entry->partition, 2);
        QCOMPARE(entry->offset, int64_t(1));
        QCOMPARE(entry->reason, std::string("malformed_json"));
        QCOMPARE(entry->message, EventDecoder().decode(kBinaryPayload).message);
        QCOMPARE(entry->attempts, 1);
        QCOMPARE(entry->status, std::string("new"));
        QVERIFY(!entry->edited());
        QVERIFY(!entry->status_changed_at && !entry->status_changed_by && !entry->status_note);
        QVERIFY(entry->first_seen <= entry->last_seen);
        QVERIFY(std::chrono::system_clock::now() - entry->first_seen < 10min);

        QCOMPARE(store.read(id_of("dl_f", 2, 0))->payload, kNotePayload);
        QVERIFY(!store.read(987654321).has_value());
    }

    void editKeepsTheFirstOriginal() {
        auto store = fresh_store("ev_e", "dl_e", 2);
        const int64_t id = id_of("dl_e", 0, 0);
        EditResult edit = store->edit_payload(id, "{\"v\":0,\"still\":\"no id\"}", "alice");
        QVERIFY(edit.ok);
        QVERIFY(!edit.payload_valid);
        QVERIFY2(edit.message.find("still invalid") != std::string::npos, edit.message.c_str());
        const std::string fixed("{\"event_id\":\"e-0\",\"raw\":\"\\u0000\"}");
        edit = store->edit_payload(id, fixed, "alice");
        QVERIFY(edit.ok);
        QVERIFY2(edit.payload_valid, edit.message.c_str());
        const auto entry = store->read(id);
        QCOMPARE(entry->payload, fixed);
        QVERIFY(entry->edited());
        QCOMPARE(*entry->original_payload, std::string("{\"v\":0}"));
        QCOMPARE(entry->status, std::string("new"));
        // Binary bytes go in unchanged too.
        edit = store->edit_payload(id_of("dl_e", 0, 1), kBinaryPayload, "alice");
        QVERIFY(edit.ok);
        QCOMPARE(store->read(id_of("dl_e", 0, 1))->payload, kBinaryPayload);
        // An id that does not exist changes nothing.
        QVERIFY(!store->edit_payload(987654321, "{}", "alice").ok);
        const auto log = store->audit_log(10);
        QCOMPARE(log.size(), size_t(4));
        for (const auto& row : log) {
            QCOMPARE(row.action, std::string("edit"));
            QCOMPARE(row.actor, std::string("alice"));
            QCOMPARE(row.entry_count, int64_t(1));
        }
        QVERIFY(log[0].outcome.find("not found") != std::string::npos);
    }

    void replayLandsEditedEntriesOnce() {
        auto store = fresh_store("ev_r", "dl_r", 6);
        std::vector<int64_t> ids;
        for (int offset = 0; offset < 5; ++offset)
            ids.push_back(id_of("dl_r", 0, offset));
        // Entries 0..2 fixed (0 after a first edit that did not fix it), 3 and 4 left bad.
        QVERIFY(store->edit_payload(ids[0], "{\"v\":0,\"oops\":true}", "alice").ok);
        for (int i = 0; i < 3; ++i) {
            const std::string fixed = "{\"event_id\":\"fixed-" + std::to_string(i) +
                                      "\",\"v\":" + std::to_string(i) +
                                      ",\"ts\":\"2026-01-02T03:04:05Z\"}";
            QVERIFY(store->edit_payload(ids[static_cast<size_t>(i)], fixed, "alice").payload_valid);
        }
        QCOMPARE(*store->read(ids[0])->original_payload, std::string("{\"v\":0}"));

        ReplayOptions options;
        options.actor = "alice";
        ReplayReport report = store->replay(ids, options);
        QCOMPARE(report.selected, int64_t(5));
        QCOMPARE(report.processed, int64_t(5));
        QCOMPARE(report.written, int64_t(3));
        QCOMPARE(report.duplicates, int64_t(0));
        QCOMPARE(report.still_bad, int64_t(2));
        QCOMPARE(report.skipped_not_new, int64_t(0));
        QCOMPARE(report.skipped_attempt_limit, int64_t(0));
        QVERIFY(!report.cancelled);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_r"), int64_t(3));
        // Stored as the pipeline stores: the entry's coordinates, the edited payload, its time.
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_r WHERE event_id = 'fixed-1' AND "
                                  "kafka_topic = 'orders' AND kafka_partition = 0 AND "
                                  "kafka_offset = 1 AND payload = '{\"event_id\":\"fixed-1\","
                                  "\"v\":1,\"ts\":\"2026-01-02T03:04:05Z\"}'::jsonb AND "
                                  "event_time = '2026-01-02T03:04:05Z'"),
                 int64_t(1));
        auto entry = store->read(ids[0]);
        QCOMPARE(entry->status, std::string("replayed"));
        QCOMPARE(*entry->status_changed_by, std::string("alice"));
        QVERIFY(entry->status_changed_at.has_value());
        QVERIFY(entry->status_note->find("inserted") != std::string::npos);
        QCOMPARE(*entry->event_id, std::string("fixed-0"));
        QCOMPARE(entry->attempts, 1);
        // A still-bad entry went back with one more attempt and stays new.
        entry = store->read(ids[3]);
        QCOMPARE(entry->status, std::string("new"));
        QCOMPARE(entry->attempts, 2);
        QCOMPARE(entry->reason, std::string("missing_id"));
        QVERIFY(entry->last_seen > entry->first_seen);

        // Replaying the same selection again adds nothing.
        report = store->replay(ids, options);
        QCOMPARE(report.skipped_not_new, int64_t(3));
        QCOMPARE(report.written, int64_t(0));
        QCOMPARE(report.still_bad, int64_t(2));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_r"), int64_t(3));
        QCOMPARE(store->read(ids[3])->attempts, 3);

        // Another entry edited into an event already stored: a duplicate, marked replayed.
        const int64_t twin = id_of("dl_r", 0, 5);
        QVERIFY(store->edit_payload(twin, "{\"event_id\":\"fixed-1\",\"v\":99}", "bob").ok);
        report = store->replay(std::vector<int64_t>{twin}, options);
        QCOMPARE(report.duplicates, int64_t(1));
        QCOMPARE(report.written, int64_t(0));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_r"), int64_t(3));
        entry = store->read(twin);
        QCOMPARE(entry->status, std::string("replayed"));
        QVERIFY(entry->status_note->find("already stored") != std::string::npos);

        // A replayed entry cannot be edited any more.
        const EditResult refused = store->edit_payload(ids[0], "{}", "alice");
        QVERIFY(!refused.ok);
        QVERIFY(refused.message.find("already replayed") != std::string::npos);
    }

    void attemptLimitStopsReplay() {
        auto store = fresh_store("ev_a", "dl_a", 1);
        const int64_t id = id_of("dl_a", 0, 0);
        ReplayOptions options;
        options.max_attempts = 3;
        for (int attempts = 2; attempts <= 3; ++attempts) {
            const ReplayReport report = store->replay(std::vector<int64_t>{id}, options);
            QCOMPARE(report.still_bad, int64_t(1));
            QCOMPARE(store->read(id)->attempts, attempts);
        }
        const ReplayReport report = store->replay(std::vector<int64_t>{id}, options);
        QCOMPARE(report.still_bad, int64_t(0));
        QCOMPARE(report.skipped_attempt_limit, int64_t(1));
        QCOMPARE(store->read(id)->attempts, 3);
        // Fixed, it still waits for an operator to raise the limit.
        QVERIFY(store->edit_payload(id, "{\"event_id\":\"a-1\"}", "carol").payload_valid);
        QCOMPARE(store->replay(std::vector<int64_t>{id}, options).skipped_attempt_limit,
                 int64_t(1));
        options.max_attempts = 4;
        QCOMPARE(store->replay(std::vector<int64_t>{id}, options).written, int64_t(1));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_a"), int64_t(1));
    }

    void replayRejectedByTheDatabaseCountsAnAttempt() {
        // Valid JSON the validator accepts but PostgreSQL refuses (jsonb holds no \u0000): the
        // writer isolates it and dead-letters it again with the server's SQLSTATE.
        auto store = fresh_store("ev_db", "dl_db", 3);
        const std::vector<int64_t> ids{id_of("dl_db", 0, 0), id_of("dl_db", 0, 1),
                                       id_of("dl_db", 0, 2)};
        QVERIFY(store->edit_payload(ids[0], "{\"event_id\":\"db-0\",\"raw\":\"\\u0000\"}", "fay")
                    .payload_valid);
        QVERIFY(store->edit_payload(ids[2], "{\"event_id\":\"db-2\"}", "fay").payload_valid);
        const ReplayReport report = store->replay(ids, {});
        QCOMPARE(report.written, int64_t(1));
        QCOMPARE(report.still_bad, int64_t(2));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_db"), int64_t(1));
        auto entry = store->read(ids[0]);
        QCOMPARE(entry->status, std::string("new"));
        QCOMPARE(entry->attempts, 2);
        QCOMPARE(entry->reason, std::string("database_reject"));
        QVERIFY2(entry->sqlstate.rfind("22", 0) == 0, entry->sqlstate.c_str());
        QVERIFY(!entry->message.empty());
        entry = store->read(ids[1]);  // untouched, still without an id
        QCOMPARE(entry->attempts, 2);
        QCOMPARE(entry->reason, std::string("missing_id"));
        QCOMPARE(store->read(ids[2])->status, std::string("replayed"));
    }

    void dryRunWritesNothingButTheAudit() {
        auto store = fresh_store("ev_d", "dl_d", 6);
        std::vector<int64_t> ids;
        for (int offset = 0; offset < 6; ++offset)
            ids.push_back(id_of("dl_d", 0, offset));
        // 0: already replayed as dry-c. 1: would insert dry-a. 2: still bad. 3: duplicate of the
        // stored dry-c. 4: at the attempt limit. 5: duplicate of dry-a earlier in this replay.
        QVERIFY(store->edit_payload(ids[0], "{\"event_id\":\"dry-c\"}", "dan").payload_valid);
        QCOMPARE(store->replay(std::vector<int64_t>{ids[0]}, {}).written, int64_t(1));
        QVERIFY(store->edit_payload(ids[1], "{\"event_id\":\"dry-a\"}", "dan").payload_valid);
        QVERIFY(store->edit_payload(ids[3], "{\"event_id\":\"dry-c\",\"n\":3}", "dan").ok);
        QVERIFY(store->edit_payload(ids[4], "{\"event_id\":\"dry-e\"}", "dan").ok);
        sql("UPDATE dl_d SET attempts = 5 WHERE id = " + std::to_string(ids[4]));
        QVERIFY(store->edit_payload(ids[5], "{\"event_id\":\"dry-a\",\"n\":5}", "dan").ok);

        const std::string snapshot_sql =
            "SELECT md5(string_agg(d::text, '|' ORDER BY id)) FROM dl_d d";
        const auto before = fixture_->column(snapshot_sql);
        ReplayOptions options;
        options.actor = "dan";
        options.dry_run = true;
        const ReplayReport report = store->replay(DeadLetterFilter{}, options);
        QVERIFY(report.dry_run);
        QCOMPARE(report.selected, int64_t(6));
        QCOMPARE(report.written, int64_t(1));
        QCOMPARE(report.duplicates, int64_t(2));
        QCOMPARE(report.still_bad, int64_t(1));
        QCOMPARE(report.skipped_attempt_limit, int64_t(1));
        QCOMPARE(report.skipped_not_new, int64_t(1));
        QCOMPARE(report.outcomes.size(), size_t(6));
        const char* expected[] = {"skipped: status is replayed",
                                  "would insert event_id \"dry-a\"",
                                  "still invalid: missing_id",
                                  "duplicate of stored event_id \"dry-c\"",
                                  "attempt limit reached",
                                  "duplicate of event_id \"dry-a\" earlier in this replay"};
        for (size_t i = 0; i < 6; ++i) {
            const std::string prefix =
                "#" + std::to_string(ids[i]) + " orders/0@" + std::to_string(i) + ": ";
            const auto line = std::find_if(
                report.outcomes.begin(), report.outcomes.end(),
                [&](const std::string& outcome) { return outcome.rfind(prefix, 0) == 0; });
            QVERIFY2(line != report.outcomes.end(), prefix.c_str());
            QVERIFY2(line->find(expected[i]) != std::string::npos, line->c_str());
        }
        QCOMPARE(fixture_->column(snapshot_sql), before);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_d"), int64_t(1));
        const auto log = store->audit_log(1);
        QCOMPARE(log.at(0).action, std::string("replay_dry_run"));
        QCOMPARE(log.at(0).actor, std::string("dan"));
        QCOMPARE(log.at(0).entry_count, int64_t(6));
        QCOMPARE(log.at(0).entry_ids, ids);
        QCOMPARE(log.at(0).filter.value_or("?"), std::string("all entries"));
        QVERIFY(log.at(0).outcome.find("dry run") != std::string::npos);
    }

    void discardRecordsTheNote() {
        auto store = fresh_store("ev_x", "dl_x", 4);
        const std::vector<int64_t> ids{id_of("dl_x", 0, 0), id_of("dl_x", 0, 1)};
        const std::string actor = "bob'); DROP TABLE dl_x;--";
        const std::string note = "firmware 1.4.2 sends no id; ticket OPS-7 \\ 100% \"known\"";
        DiscardResult result = store->discard(ids, note, actor);
        QCOMPARE(result.selected, int64_t(2));
        QCOMPARE(result.discarded, int64_t(2));
        QCOMPARE(result.skipped, int64_t(0));
        const auto entry = store->read(ids[0]);
        QCOMPARE(entry->status, std::string("discarded"));
        QCOMPARE(*entry->status_note, note);
        QCOMPARE(*entry->status_changed_by, actor);
        QVERIFY(entry->status_changed_at.has_value());
        DeadLetterFilter discarded;
        discarded.statuses = {"discarded"};
        QCOMPARE(store->count(discarded), int64_t(2));
        DeadLetterFilter fresh;
        fresh.statuses = {"new"};
        QCOMPARE(store->count(fresh), int64_t(2));

        // Again: nothing changes, the first note stays.
        result = store->discard(ids, "second thoughts", "bob");
        QCOMPARE(result.discarded, int64_t(0));
        QCOMPARE(result.skipped, int64_t(2));
        QCOMPARE(*store->read(ids[0])->status_note, note);
        // Discarded entries are not replayed.
        QCOMPARE(store->replay(ids, {}).skipped_not_new, int64_t(2));
        // A note is required.
        bool refused = false;
        try {
            store->discard(ids, "  \t", "bob");
        } catch (const std::invalid_argument& error) {
            refused = std::string(error.what()).find("dead-letter store: discard:") == 0;
        }
        QVERIFY(refused);
        // By filter: the rest.
        DeadLetterFilter missing;
        missing.reasons = {"missing_id"};
        result = store->discard(missing, "bulk clean-up", "bob");
        QCOMPARE(result.selected, int64_t(4));
        QCOMPARE(result.discarded, int64_t(2));
        QCOMPARE(store->count(discarded), int64_t(4));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM dl_x"), int64_t(4));
        const auto log = store->audit_log(10);
        QCOMPARE(log[0].action, std::string("discard"));
        QCOMPARE(log[0].filter.value_or("?"), std::string("reason in (missing_id)"));
        QCOMPARE(log[0].entry_count, int64_t(2));
        QCOMPARE(log.back().actor, actor);
        QVERIFY(log.back().outcome.find(note) != std::string::npos);
    }

    void exportJsonLines() {
        DeadLetterStore store(sink("ev_f", "dl_f"));
        std::ostringstream out;
        QCOMPARE(store.export_entries(DeadLetterFilter{}, ExportFormat::JsonLines, out, "erin"),
                 int64_t(23));
        const auto lines = split_lines(out.str());
        QCOMPARE(lines.size(), size_t(23));
        const int64_t binary_id = id_of("dl_f", 2, 1);
        const int64_t note_id = id_of("dl_f", 2, 0);
        int checked = 0;
        for (const std::string& line : lines) {
            QJsonParseError error;
            const QJsonDocument document =
                QJsonDocument::fromJson(QByteArray::fromStdString(line), &error);
            QVERIFY2(error.error == QJsonParseError::NoError, line.c_str());
            QVERIFY(document.isObject());
            const QJsonObject object = document.object();
            for (const char* field : {"id", "kafka_topic", "kafka_partition", "kafka_offset",
                                      "payload", "payload_encoding", "reason", "message",
                                      "attempts", "first_seen", "last_seen", "status"})
                QVERIFY2(object.contains(QLatin1String(field)), field);
            const auto id = static_cast<int64_t>(object["id"].toDouble());
            if (id == binary_id) {
                QCOMPARE(object["payload_encoding"].toString(), QString("base64"));
                QCOMPARE(
                    QByteArray::fromBase64(object["payload"].toString().toLatin1()).toStdString(),
                    kBinaryPayload);
                QCOMPARE(object["kafka_key_encoding"].toString(), QString("base64"));
                QCOMPARE(
                    QByteArray::fromBase64(object["kafka_key"].toString().toLatin1()).toStdString(),
                    kBinaryKey);
                QCOMPARE(object["kafka_headers"].toArray().at(0).toObject()["value"].toString(),
                         QString("t-1"));
                ++checked;
            } else if (id == note_id) {
                QCOMPARE(object["payload_encoding"].toString(), QString("utf8"));
                QCOMPARE(object["payload"].toString().toStdString(), kNotePayload);
                QVERIFY(object["kafka_key"].isNull());
                ++checked;
            }
        }
        QCOMPARE(checked, 2);
        std::ostringstream some;
        QCOMPARE(store.export_entries(std::vector<int64_t>{binary_id, note_id, 987654321},
                                      ExportFormat::JsonLines, some, "erin"),
                 int64_t(2));
        QCOMPARE(split_lines(some.str()).size(), size_t(2));
        const auto log = store.audit_log(2);
        QCOMPARE(log[0].action, std::string("export"));
        QCOMPARE(log[0].entry_count, int64_t(2));
        QVERIFY(!log[0].filter.has_value());
        QCOMPARE(log[1].entry_count, int64_t(23));
        QCOMPARE(log[1].filter.value_or("?"), std::string("all entries"));
    }

    void exportCsv() {
        DeadLetterStore store(sink("ev_f", "dl_f"));
        std::ostringstream out;
        DeadLetterFilter filter;
        filter.topic = "orders";
        QCOMPARE(store.export_entries(filter, ExportFormat::Csv, out, "erin"), int64_t(22));
        const auto records = parse_csv(out.str());
        QCOMPARE(records.size(), size_t(1 + 22));
        const auto& header = records[0];
        QCOMPARE(header[0], std::string("id"));
        const auto column = [&](const char* name) {
            return static_cast<size_t>(std::find(header.begin(), header.end(), name) -
                                       header.begin());
        };
        for (const auto& record : records)
            QCOMPARE(record.size(), header.size());
        bool found = false;
        for (const auto& record : records) {
            if (record[column("kafka_partition")] == "2" && record[column("kafka_offset")] == "0") {
                QCOMPARE(record[column("payload")], kNotePayload);  // quotes and commas survive
                QCOMPARE(record[column("payload_encoding")], std::string("utf8"));
                found = true;
            }
        }
        QVERIFY(found);
        QCOMPARE(store.audit_log(1).at(0).outcome, std::string("exported 22 entries as CSV"));
    }

    void cancelStopsBetweenChunks() {
        DeadLetterStore store(sink("ev_c", "dl_c"));
        store.ensure_schema();
        std::vector<Message> messages;
        for (int i = 0; i < 25; ++i)
            messages.push_back(
                {0, i, "{\"event_id\":\"c-" + std::to_string(i) + "\"}", {}, {}, true});
        QCOMPARE(put_dead_letters(sink("ev_c", "dl_c"), messages), std::string());
        QCOMPARE(store.counts_by_reason({}).at(0).reason, std::string("overflow"));

        std::vector<std::pair<int64_t, int64_t>> calls;
        ReplayOptions options;
        options.chunk_size = 10;
        options.progress = [&](int64_t done, int64_t total) {
            calls.emplace_back(done, total);
            return false;
        };
        ReplayReport report = store.replay(DeadLetterFilter{}, options);
        QVERIFY(report.cancelled);
        QCOMPARE(calls.size(), size_t(1));
        QCOMPARE(calls[0], std::make_pair(int64_t(10), int64_t(25)));
        QCOMPARE(report.processed, int64_t(10));
        QCOMPARE(report.written, int64_t(10));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_c"), int64_t(10));
        DeadLetterFilter fresh;
        fresh.statuses = {"new"};
        QCOMPARE(store.count(fresh), int64_t(15));
        QVERIFY(store.audit_log(1).at(0).outcome.find("cancelled") != std::string::npos);

        calls.clear();
        options.progress = [&](int64_t done, int64_t total) {
            calls.emplace_back(done, total);
            return true;
        };
        report = store.replay(DeadLetterFilter{}, options);
        QVERIFY(!report.cancelled);
        QCOMPARE(calls.size(), size_t(3));
        QCOMPARE(calls.back(), std::make_pair(int64_t(25), int64_t(25)));
        QCOMPARE(report.skipped_not_new, int64_t(10));
        QCOMPARE(report.written, int64_t(15));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_c"), int64_t(25));
    }

    void largeReplayIsChunkedAndAuditCapped() {
        constexpr int kEntries = 10'001;
        DeadLetterStore store(sink("ev_big", "dl_big"));
        store.ensure_schema();
        std::vector<Message> messages;
        for (int i = 0; i < kEntries; ++i)
            messages.push_back({i % 3,
                                i / 3,
                                "{\"event_id\":\"big-" + std::to_string(i) + "\"}",
                                "dev-" + std::to_string(i % 7),
                                {},
                                true});
        QCOMPARE(put_dead_letters(sink("ev_big", "dl_big"), messages), std::string());

        ReplayOptions options;
        options.dry_run = true;
        options.max_outcome_lines = 100;
        ReplayReport report = store.replay(DeadLetterFilter{}, options);
        QCOMPARE(report.written, int64_t(kEntries));
        QCOMPARE(report.outcomes.size(), size_t(101));
        QVERIFY(report.outcomes.back().find("9901 more") != std::string::npos);
        auto log = store.audit_log(1);
        QCOMPARE(log[0].entry_count, int64_t(kEntries));
        QCOMPARE(log[0].entry_ids.size(), size_t(10'000));
        QVERIFY(log[0].outcome.find("first 10000 of 10001") != std::string::npos);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_big"), int64_t(0));

        // By ids (the first 1,200) in chunks of 1,000, then the rest by filter.
        std::vector<int64_t> first_ids;
        for (const auto& value : fixture_->column("SELECT id FROM dl_big ORDER BY id LIMIT 1200"))
            first_ids.push_back(std::stoll(value));
        int progress_calls = 0;
        ReplayOptions real;
        real.progress = [&](int64_t, int64_t) {
            ++progress_calls;
            return true;
        };
        report = store.replay(first_ids, real);
        QCOMPARE(progress_calls, 2);
        QCOMPARE(report.written, int64_t(1200));
        DeadLetterFilter fresh;
        fresh.statuses = {"new"};
        progress_calls = 0;
        report = store.replay(fresh, real);
        QCOMPARE(progress_calls, 9);
        QCOMPARE(report.written, int64_t(kEntries - 1200));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_big"), int64_t(kEntries));
        QCOMPARE(fixture_->scalar("SELECT count(DISTINCT event_id) FROM ev_big"),
                 int64_t(kEntries));
        QCOMPARE(store.count(fresh), int64_t(0));
        // Keys and coordinates came along.
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_big e JOIN dl_big d ON d.event_id = "
                                  "e.event_id AND d.kafka_partition = e.kafka_partition AND "
                                  "d.kafka_offset = e.kafka_offset AND d.kafka_key = e.kafka_key"),
                 int64_t(kEntries));
    }

    void engineFilledStoreReplays() {
        // The store filled the honest way: an engine consuming a topic with malformed messages.
        fixture_->use_topic("dlq_honest", 3);
        Engine engine(fixture_->engine_options("dlq-honest", "ev_h", "dl_h"));
        engine.start();
        LoadGeneratorOptions load = fixture_->load_options(3000, 20'000);
        load.malformed_share = 0.1;
        load.id_prefix = "h1";
        LoadGenerator generator(load);
        generator.start();
        generator.wait();
        const auto produced = generator.stats();
        QVERIFY(produced.malformed > 100);
        QVERIFY(fixture_->wait_all_committed(engine, 60s));
        engine.drain_and_stop();
        const int64_t dead_lettered = engine.snapshot()->dead_lettered;
        QVERIFY(dead_lettered >= produced.malformed);

        SinkOptions honest = sink("ev_h", "dl_h", "dlq_honest");
        DeadLetterStore store(honest);
        QCOMPARE(store.count({}), dead_lettered);
        DeadLetterFilter topic;
        topic.topic = "dlq_honest";
        QCOMPARE(store.count(topic), dead_lettered);
        int64_t by_reason = 0;
        for (const auto& reason_count : store.counts_by_reason({}))
            by_reason += reason_count.count;
        QCOMPARE(by_reason, dead_lettered);

        ReplayOptions dry;
        dry.dry_run = true;
        const ReplayReport verdict = store.replay(DeadLetterFilter{}, dry);
        QCOMPARE(verdict.still_bad, dead_lettered);
        QCOMPARE(verdict.written, int64_t(0));

        // Fix one entry that lacks its id and replay that reason.
        DeadLetterFilter missing;
        missing.reasons = {"missing_id"};
        const int64_t missing_count = store.count(missing);
        QVERIFY(missing_count > 0);
        const auto rows = store.page(missing, {std::nullopt, 1, false});
        QCOMPARE(rows.size(), size_t(1));
        std::string payload = store.read(rows[0].id)->payload;
        QVERIFY(payload.size() > 2 && payload.front() == '{');
        payload.insert(1, "\"event_id\":\"h1-fixed\",");
        QVERIFY(store.edit_payload(rows[0].id, payload, "operator").payload_valid);
        const int64_t events_before = fixture_->scalar("SELECT count(*) FROM ev_h");
        const ReplayReport report = store.replay(missing, {});
        QCOMPARE(report.written, int64_t(1));
        QCOMPARE(report.still_bad, missing_count - 1);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_h"), events_before + 1);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_h WHERE event_id = 'h1-fixed' AND "
                                  "kafka_topic = 'dlq_honest'"),
                 int64_t(1));
    }

    void everyActionIsAudited() {
        auto store = fresh_store("ev_au", "dl_au", 4);
        const int64_t first = id_of("dl_au", 0, 0);
        QVERIFY(store->edit_payload(first, "{\"event_id\":\"au-0\"}", "zoe").ok);
        ReplayOptions options;
        options.actor = "zoe";
        options.dry_run = true;
        store->replay(std::vector<int64_t>{first}, options);
        options.dry_run = false;
        store->replay(std::vector<int64_t>{first}, options);
        DeadLetterFilter rest;
        rest.statuses = {"new"};
        store->discard(rest, "not ours", "zoe");
        std::ostringstream out;
        store->export_entries(DeadLetterFilter{}, ExportFormat::Csv, out, "zoe");

        const auto log = store->audit_log(100);
        std::vector<std::string> actions;
        for (auto row = log.rbegin(); row != log.rend(); ++row) {
            actions.push_back(row->action);
            QCOMPARE(row->actor, std::string("zoe"));
            QVERIFY(!row->outcome.empty());
            QVERIFY(std::chrono::system_clock::now() - row->at < 10min);
        }
        const std::vector<std::string> expected{"edit", "replay_dry_run", "replay", "discard",
                                                "export"};
        QCOMPARE(actions, expected);
        QCOMPARE(log[4].entry_ids, std::vector<int64_t>{first});  // edit
        QCOMPARE(log[2].entry_ids, std::vector<int64_t>{first});  // replay
        QVERIFY(log[2].outcome.find("written 1") != std::string::npos);
        QCOMPARE(log[1].entry_count, int64_t(3));  // discard
        QCOMPARE(log[1].filter.value_or("?"), std::string("status in (new)"));
        QCOMPARE(log[0].entry_count, int64_t(4));  // export
    }

    void badArgumentsAreNamed() {
        bool refused = false;
        try {
            DeadLetterStore store(sink("ev_f", "dl_f; DROP TABLE dl_f"));
        } catch (const std::invalid_argument& error) {
            refused = std::string(error.what()).find("invalid table name") != std::string::npos;
        }
        QVERIFY(refused);
        DeadLetterStore store(sink("ev_f", "dl_f"));
        DeadLetterFilter filter;
        filter.statuses = {"gone"};
        refused = false;
        try {
            store.count(filter);
        } catch (const std::invalid_argument& error) {
            refused = std::string(error.what()).find("dead-letter store: count:") == 0;
        }
        QVERIFY(refused);
        // A table that does not exist: the server's words with our context.
        DeadLetterStore missing(sink("ev_none", "dl_none"));
        bool failed = false;
        try {
            missing.count({});
        } catch (const PgError& error) {
            failed = std::string(error.what()).find("dead-letter store: count:") == 0 &&
                     error.sqlstate() == "42P01";
        }
        QVERIFY(failed);
        QCOMPARE(store.count({}), int64_t(23));  // the store still works after an error
    }
};

QTEST_GUILESS_MAIN(TstDeadLetterStore)
#include "tst_dead_letter_store.moc"
