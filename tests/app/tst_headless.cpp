// `spillway --headless`, run as a user runs it: the real binary in a child process.
#include <QProcess>
#include <QtTest/QtTest>

class TstHeadless : public QObject {
    Q_OBJECT
private:
    struct Run {
        int exit_code = -1;
        QString out;
        QString err;
    };
    static Run run(const QStringList& arguments, int timeout_ms) {
        QProcess process;
        process.start(QStringLiteral(SPILLWAY_BINARY), arguments);
        Run result;
        if (!process.waitForFinished(timeout_ms)) {
            process.kill();
            process.waitForFinished();
            result.err = "timed out";
            return result;
        }
        result.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
        result.out = QString::fromUtf8(process.readAllStandardOutput());
        result.err = QString::fromUtf8(process.readAllStandardError());
        return result;
    }

private slots:
    void demoRunPrintsAVerifiedSummary() {
        const Run result = run({"--headless", "--demo", "--events", "30000", "--partitions", "4",
                                "--batch-size", "1000", "--writers", "2"},
                               180000);
        QVERIFY2(result.exit_code == 0, qPrintable(result.out + result.err));
        for (const char* line :
             {"produced", "written", "duplicates dropped", "malformed", "throughput", "events/s",
              "MB/s", "batch write latency", "end-to-end latency", "p99", "peak RSS"})
            QVERIFY2(result.out.contains(line), line);
        QVERIFY2(result.out.contains(
                     QRegularExpression("events table\\s+[0-9,]+ rows; distinct valid produced "
                                        "[0-9,]+  OK")),
                 qPrintable(result.out));
        QVERIFY2(result.out.contains(
                     QRegularExpression("dead-letter table\\s+[0-9,]+ rows; malformed produced "
                                        "[0-9,]+  OK")),
                 qPrintable(result.out));
        QVERIFY(result.out.contains(QRegularExpression("produced\\s+30,000 ")));
    }

    // The same verified run with compressed payloads: the summary names the format and a ratio
    // above 1 (a dictionary is trained on the first 5,000 events).
    void demoRunWithZstdPayloads() {
        const Run result =
            run({"--headless", "--demo", "--events", "20000", "--partitions", "2", "--batch-size",
                 "1000", "--writers", "2", "--payload-format", "zstd"},
                180000);
        QVERIFY2(result.exit_code == 0, qPrintable(result.out + result.err));
        QVERIFY2(result.out.contains(QRegularExpression("events table\\s+[0-9,]+ rows; distinct "
                                                        "valid produced [0-9,]+  OK")),
                 qPrintable(result.out));
        const auto storage = QRegularExpression(
                                 "storage\\s+zstd, payloads [0-9.]+ MB -> [0-9.]+ MB stored "
                                 "\\(([0-9.]+):1\\)")
                                 .match(result.out);
        QVERIFY2(storage.hasMatch(), qPrintable(result.out));
        QVERIFY2(storage.captured(1).toDouble() > 1.0, qPrintable(storage.captured(0)));
    }

    void helpDocumentsOptions() {
        const Run result = run({"--help"}, 30000);
        QCOMPARE(result.exit_code, 0);
        QVERIFY(result.out.contains("--flush-interval-ms"));
        QVERIFY(result.out.contains("--bootstrap-servers"));
    }

    void badOptionValueIsNamed() {
        const Run result = run({"--headless", "--demo", "--writers", "zero"}, 30000);
        QCOMPARE(result.exit_code, 2);
        QVERIFY2(result.err.contains("--writers") && result.err.contains("zero"),
                 qPrintable(result.err));
    }

    void unreachableDatabaseIsNamed() {
        const Run result = run({"--headless", "--bootstrap-servers", "127.0.0.1:1", "--pg",
                                "host=127.0.0.1 port=1 dbname=x connect_timeout=2"},
                               60000);
        QCOMPARE(result.exit_code, 1);
        QVERIFY2(result.err.contains("--pg"), qPrintable(result.err));
    }
};

QTEST_GUILESS_MAIN(TstHeadless)
#include "tst_headless.moc"
