// `spillway --headless --stop-at-end`, the one-off backfill, run as a user runs it: the real
// binary reads what the topic held at start, stores it, commits, prints the summary and exits by
// itself with 0. Without the option the service would consume until signalled (the test would
// time out).
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include "support/child_service.h"
#include "support/pipeline_fixture.h"
#include "support/test_producer.h"

using namespace spillway;
using namespace spillway::test;

class TstStopAtEnd : public QObject {
    Q_OBJECT
private slots:
    void backfillStopsAtTheEndOffsetsAndCommits() {
        PipelineFixture fixture(1);
        fixture.use_topic("backfill", 3);
        {
            TestProducer producer(fixture.bootstrap_servers());
            for (int i = 0; i < 2000; ++i)
                producer.send(fixture.topic(),
                              "{\"event_id\":\"b-" + std::to_string(i) +
                                  "\",\"n\":" + std::to_string(i) + "}",
                              "k" + std::to_string(i % 11));
            // The same id twice, and two messages that are not events.
            producer.send(fixture.topic(), "{\"event_id\":\"b-7\",\"n\":7}", "k7");
            producer.send(fixture.topic(), "{not json", "bad");
            producer.send(fixture.topic(), "[1,2]", "bad");
            QVERIFY(producer.flush());
        }
        const std::vector<int64_t> ends = fixture.end_offsets();

        QProcess child;
        child.start(QStringLiteral(SPILLWAY_BINARY),
                    service_arguments(fixture, "backfill-group", "backfill", "backfill_dead",
                                      {"--stop-at-end"}));
        const bool finished = child.waitForFinished(180000);
        const QString out = QString::fromUtf8(child.readAllStandardOutput());
        const QString err = QString::fromUtf8(child.readAllStandardError());
        if (!finished) {
            child.kill();
            child.waitForFinished();
        }
        QVERIFY2(finished, qPrintable("did not stop by itself\n" + output_tail(out + err)));
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QVERIFY2(child.exitCode() == 0, qPrintable(output_tail(out + err)));
        QVERIFY2(out.contains(QRegularExpression("stop at end\\s+2,003 messages up to the end "
                                                 "offsets at start: all committed")),
                 qPrintable(out));
        QVERIFY2(out.contains("end-to-end latency"), qPrintable(out));

        QCOMPARE(fixture.scalar("SELECT count(*) FROM backfill"), int64_t{2000});
        QCOMPARE(fixture.scalar("SELECT count(DISTINCT event_id) FROM backfill"), int64_t{2000});
        QCOMPARE(fixture.scalar("SELECT count(*) FROM backfill_dead"), int64_t{2});
        // Durable before the exit: the group's committed offsets are the end offsets at start.
        // (An empty partition has nothing to commit: the broker reports no offset, -1001.)
        std::vector<int64_t> committed = fixture.committed_offsets("backfill-group");
        for (size_t p = 0; p < committed.size() && p < ends.size(); ++p)
            if (ends[p] == 0 && committed[p] < 0)
                committed[p] = 0;
        QCOMPARE(committed, ends);
    }

    // The console honours --stop-at-end too (the benchmark times it against the headless run):
    // offscreen, it stores what the topic held at start and closes by itself with 0. Without the
    // option's support it would run until its window is closed (the test would time out).
    void consoleStopsAtTheEndOffsetsToo() {
        PipelineFixture fixture(1);
        fixture.use_topic("console_backfill", 2);
        {
            TestProducer producer(fixture.bootstrap_servers());
            for (int i = 0; i < 500; ++i)
                producer.send(fixture.topic(), "{\"event_id\":\"c-" + std::to_string(i) + "\"}",
                              "k" + std::to_string(i % 7));
            producer.send(fixture.topic(), "{not json", "bad");
            QVERIFY(producer.flush());
        }
        QStringList arguments = service_arguments(fixture, "console-group", "console_backfill",
                                                  "console_backfill_dead", {"--stop-at-end"});
        arguments.removeAll("--headless");
        QTemporaryDir config_home;  // the console's saved layout and profiles stay private
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("QT_QPA_PLATFORM", "offscreen");
        environment.insert("XDG_CONFIG_HOME", config_home.path());
        QProcess child;
        child.setProcessEnvironment(environment);
        child.start(QStringLiteral(SPILLWAY_BINARY), arguments);
        const bool finished = child.waitForFinished(180000);
        const QString output = QString::fromUtf8(child.readAllStandardOutput()) +
                               QString::fromUtf8(child.readAllStandardError());
        if (!finished) {
            child.kill();
            child.waitForFinished();
        }
        QVERIFY2(finished,
                 qPrintable("the console did not close by itself\n" + output_tail(output)));
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QVERIFY2(child.exitCode() == 0, qPrintable(output_tail(output)));
        QCOMPARE(fixture.scalar("SELECT count(*) FROM console_backfill"), int64_t{500});
        QCOMPARE(fixture.scalar("SELECT count(*) FROM console_backfill_dead"), int64_t{1});
    }

    void stopAtEndNeedsARealSource() {
        QProcess child;
        child.start(QStringLiteral(SPILLWAY_BINARY), {"--headless", "--demo", "--stop-at-end"});
        QVERIFY(child.waitForFinished(30000));
        QCOMPARE(child.exitCode(), 2);
        const QString err = QString::fromUtf8(child.readAllStandardError());
        QVERIFY2(err.contains("--stop-at-end"), qPrintable(err));
    }

    void helpDocumentsStopAtEnd() {
        QProcess child;
        child.start(QStringLiteral(SPILLWAY_BINARY), {"--help"});
        QVERIFY(child.waitForFinished(30000));
        QVERIFY(QString::fromUtf8(child.readAllStandardOutput()).contains("--stop-at-end"));
    }
};

QTEST_GUILESS_MAIN(TstStopAtEnd)
#include "tst_stop_at_end.moc"
