// `spillway --headless --archive-dir DIR`, as the packaged systemd service runs it: the real binary
// archives day partitions older than --archive-after-days on its own (the session host starts the
// tiering service for the headless run exactly as for the console). Regression test: the headless
// runner once started no tiering service, so a service never archived anything.
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <chrono>
#include <cstdio>

#include "core/postgres/pg_connection.h"
#include "core/postgres/sink_schema.h"
#include "support/child_service.h"
#include "support/http_client.h"
#include "support/pipeline_fixture.h"
#include "support/test_producer.h"

using namespace spillway;
using namespace spillway::test;

namespace {

double metric(const QByteArray& text, const QByteArray& sample) {
    for (const QByteArray& line : text.split('\n'))
        if (line.startsWith(sample + ' '))
            return line.mid(sample.size() + 1).toDouble();
    return -1;
}

}  // namespace

class TstHeadlessTiering : public QObject {
    Q_OBJECT
private slots:
    void serviceArchivesOldPartitions() {
        PipelineFixture fixture(1);
        fixture.use_topic("old-events", 1);
        const std::string table = "archived";
        const auto old_day = std::chrono::floor<std::chrono::days>(
                                 std::chrono::system_clock::now()) -
                             std::chrono::days(10);
        const std::string old_partition = day_partition_table(table, old_day);
        const std::chrono::year_month_day ymd{old_day};
        char date_text[16];
        std::snprintf(date_text, sizeof date_text, "%04d-%02u-%02u", int(ymd.year()),
                      unsigned(ymd.month()), unsigned(ymd.day()));
        const std::string old_date = date_text;
        {
            // The engine's own schema plus a day partition ten days back, as a service that has
            // run for a while has: the maintainer keeps only the days around today.
            PgConnection db(fixture.conninfo());
            SinkOptions sink;
            sink.conninfo = fixture.conninfo();
            sink.events_table = table;
            sink.dead_letter_table = table + "_dead";
            ensure_schema(db, sink);
            db.exec("CREATE TABLE " + old_partition + " PARTITION OF " + table +
                    " FOR VALUES FROM ('" + old_date + "') TO ('" + old_date + "'::date + 1)");
        }
        {
            TestProducer producer(fixture.bootstrap_servers());
            for (int i = 0; i < 300; ++i)
                producer.send(fixture.topic(),
                              "{\"event_id\":\"old-" + std::to_string(i) + "\",\"ts\":\"" +
                                  old_date + "T12:00:" + std::to_string(10 + i % 50) +
                                  "Z\",\"n\":" + std::to_string(i) + "}",
                              "k" + std::to_string(i % 7));
            QVERIFY(producer.flush());
        }
        {
            // Ingested first, by an engine without tiering: the day must hold its rows before
            // the service looks at it (an old empty day is archived at once, and rightly so).
            auto engine = PipelineFixture::start_engine(
                fixture.engine_options("tiering-group", table, table + "_dead"));
            QVERIFY(fixture.wait_all_committed(*engine, std::chrono::seconds(60)));
            PipelineFixture::drain_and_reset(engine);
            PgConnection db(fixture.conninfo());
            QCOMPARE(db.query_column("SELECT count(*) FROM " + old_partition).at(0),
                     std::string("300"));
        }

        QTemporaryDir archive_root;
        QVERIFY(archive_root.isValid());
        const QString archive_dir = archive_root.filePath("archive");
        QProcess child;
        QString err;
        const quint16 port = start_serving(
            child, SPILLWAY_BINARY,
            service_arguments(fixture, "tiering-group", table, table + "_dead",
                              {"--archive-dir", archive_dir, "--archive-after-days", "2",
                               "--tiering-interval-s", "1", "--listen", "127.0.0.1:0"}),
            err);
        ReleaseOnExit stop_child([&] {
            child.terminate();
            if (!child.waitForFinished(60000))
                child.kill();
        });
        QVERIFY2(port != 0, qPrintable(output_tail(err)));

        // The service archives the old day on its own: the file and its manifest appear, the
        // partition leaves PostgreSQL, and /metrics counts it cold with its 300 rows.
        QByteArray metrics;
        const bool archived = QTest::qWaitFor(
            [&] {
                metrics = http_request(port, "GET", "/metrics").body;
                return metric(metrics, "spillway_tier_partitions{tier=\"cold\"}") >= 1;
            },
            120000);
        err += QString::fromLocal8Bit(child.readAllStandardError());
        QVERIFY2(archived, qPrintable(QString::fromUtf8(metrics) + output_tail(err)));
        QCOMPARE(metric(metrics, "spillway_tier_rows{tier=\"cold\"}"), 300.0);
        QVERIFY(metric(metrics, "spillway_tier_bytes{tier=\"cold\"}") > 0);
        QCOMPARE(metric(metrics, "spillway_tier_error"), 0.0);

        const QDir dir(archive_dir);
        const QString base = QString::fromStdString(old_partition);
        QVERIFY2(dir.exists(base + ".copy.zst"), qPrintable(dir.entryList().join(' ')));
        QVERIFY2(dir.exists(base + ".manifest.json"), qPrintable(dir.entryList().join(' ')));
        PgConnection db(fixture.conninfo());
        QCOMPARE(db.query_column("SELECT count(*) FROM pg_class WHERE relname = '" +
                                 old_partition + "'")
                     .at(0),
                 std::string("0"));
        // Nothing was lost on the way: the ids are still claimed, no row stayed behind.
        QCOMPARE(db.query_column("SELECT count(*) FROM " + table + "_keys").at(0),
                 std::string("300"));
        QCOMPARE(db.query_column("SELECT count(*) FROM " + table).at(0), std::string("0"));

        stop_child.release();
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QCOMPARE(child.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TstHeadlessTiering)
#include "tst_headless_tiering.moc"
