// Command-line parsing: every documented option is read, and a bad option or value gets a
// message naming it and a non-zero exit code.
#include <QtTest/QtTest>

#include "app/options.h"
#include "app/make_run_plan.h"

using namespace spillway;

class TstOptions : public QObject {
    Q_OBJECT
private slots:
    void parsesEveryOption() {
        const auto outcome = parse_options({"spillway",
                                            "--headless",
                                            "--demo",
                                            "--events",
                                            "1000",
                                            "--rate",
                                            "500",
                                            "--batch-size",
                                            "250",
                                            "--flush-interval-ms",
                                            "50",
                                            "--writers",
                                            "3",
                                            "--partitions",
                                            "8",
                                            "--payload-bytes",
                                            "5000",
                                            "--duplicate-share",
                                            "0.1",
                                            "--malformed-share",
                                            "0.05",
                                            "--topic",
                                            "t1",
                                            "--group",
                                            "g1",
                                            "--table",
                                            "ingest.events",
                                            "--queue-capacity",
                                            "1234",
                                            "--payload-format",
                                            "zstd"});
        QVERIFY2(outcome.options.has_value(), outcome.output.c_str());
        const AppOptions& o = *outcome.options;
        QVERIFY(o.headless && o.demo);
        QCOMPARE(o.events, int64_t(1000));
        QCOMPARE(o.rate, 500.0);
        QCOMPARE(o.knobs.batch_size, 250);
        QCOMPARE(o.knobs.flush_interval_ms, 50);
        QCOMPARE(o.knobs.writer_concurrency, 3);
        QCOMPARE(o.knobs.queue_capacity_events, size_t(1234));
        QCOMPARE(o.partitions, 8);
        QCOMPARE(o.payload_bytes, 5000);
        QCOMPARE(o.duplicate_share, 0.1);
        QCOMPARE(o.table, std::string("ingest.events"));
        const RunPlan plan = make_run_plan(o);
        QCOMPARE(plan.environment.kafka.partitions, 8);
        QCOMPARE(plan.engine.source.group_id, std::string("g1"));
        QCOMPARE(plan.load.events, int64_t(1000));
        QCOMPARE(plan.engine.knobs.batch_size, 250);
        QVERIFY(plan.engine.sink.payload_format == PayloadFormat::Zstd);
    }

    void sizesPartitionsForTheVolume() {
        const auto outcome =
            parse_options({"spillway", "--headless", "--demo", "--events", "1000000"});
        QVERIFY(outcome.options.has_value());
        const int partitions = make_run_plan(*outcome.options).environment.kafka.partitions;
        QVERIFY2(partitions >= 64, QByteArray::number(partitions));  // ~5 MiB kept per partition
    }

    void rejectsBadInput_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("names");
        QTest::newRow("unknown option") << QStringList{"--frobnicate"} << "frobnicate";
        QTest::newRow("batch size text")
            << QStringList{"--demo", "--batch-size", "lots"} << "--batch-size";
        QTest::newRow("batch size zero")
            << QStringList{"--demo", "--batch-size", "0"} << "--batch-size";
        QTest::newRow("writers too many")
            << QStringList{"--demo", "--writers", "1000"} << "--writers";
        QTest::newRow("negative events") << QStringList{"--demo", "--events", "-5"} << "--events";
        QTest::newRow("rate not a number") << QStringList{"--demo", "--rate", "fast"} << "--rate";
        QTest::newRow("share above 1")
            << QStringList{"--demo", "--duplicate-share", "1.5"} << "--duplicate-share";
        QTest::newRow("missing value") << QStringList{"--demo", "--events"} << "events";
        QTest::newRow("bad table")
            << QStringList{"--demo", "--table", "events; drop table x"} << "--table";
        QTest::newRow("pg without kafka")
            << QStringList{"--headless", "--pg", "host=127.0.0.1"} << "--bootstrap-servers";
        QTest::newRow("headless alone") << QStringList{"--headless"} << "--headless";
        QTest::newRow("stray argument") << QStringList{"--demo", "extra"} << "extra";
        QTest::newRow("payload format")
            << QStringList{"--demo", "--payload-format", "gzip"} << "--payload-format";
        QTest::newRow("table too long for its partitions")
            << QStringList{"--demo", "--table", QString(51, 'e')} << "--table";
        QTest::newRow("read events without pg") << QStringList{"--read-events"} << "--pg";
        QTest::newRow("since without read events")
            << QStringList{"--demo", "--since", "2026-01-01"} << "--read-events";
    }

    void parsesReadEvents() {
        const auto outcome =
            parse_options({"spillway", "--read-events", "--pg", "host=127.0.0.1", "--table", "ev",
                           "--since", "2026-11-01", "--until", "2026-12-01", "--limit", "9"});
        QVERIFY2(outcome.options.has_value(), outcome.output.c_str());
        QVERIFY(outcome.options->read_events);
        QCOMPARE(outcome.options->since.value_or(""), std::string("2026-11-01"));
        QCOMPARE(outcome.options->until.value_or(""), std::string("2026-12-01"));
        QCOMPARE(outcome.options->limit, int64_t(9));
        QCOMPARE(outcome.options->table, std::string("ev"));
    }

    void rejectsBadInput() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, names);
        arguments.prepend("spillway");
        const auto outcome = parse_options(arguments);
        QVERIFY(!outcome.options.has_value());
        QCOMPARE(outcome.exit_code, 2);
        QVERIFY2(QString::fromStdString(outcome.output).contains(names), outcome.output.c_str());
    }

    void helpListsTheOptions() {
        const auto outcome = parse_options({"spillway", "--help"});
        QVERIFY(!outcome.options.has_value());
        QCOMPARE(outcome.exit_code, 0);
        for (const char* option :
             {"--headless", "--demo", "--events", "--rate", "--batch-size", "--flush-interval-ms",
              "--writers", "--partitions", "--payload-bytes", "--bootstrap-servers", "--topic",
              "--group", "--pg", "--payload-format", "--read-events", "--since", "--until",
              "--limit"})
            QVERIFY2(outcome.output.find(option) != std::string::npos, option);
    }
};

QTEST_GUILESS_MAIN(TstOptions)
#include "tst_options.moc"
