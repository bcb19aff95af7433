// The config file and the settings that guard secrets: every problem names file, line and key;
// the command line overrides the file; the shipped example is valid; secrets stay out of sight.
#include <sys/stat.h>

#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <fstream>

#include "app/config_file.h"
#include "app/make_run_plan.h"
#include "app/options.h"
#include "core/common/secrets.h"
#include "core/postgres/conninfo.h"

using namespace spillway;

class TstConfigFile : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;

    std::string write(const QString& name, const std::string& text, int mode = 0600) {
        const std::string path = dir_.filePath(name).toStdString();
        std::ofstream(path) << text;
        ::chmod(path.c_str(), static_cast<mode_t>(mode));
        return path;
    }
    static QString joined(const std::vector<std::string>& problems) {
        QStringList lines;
        for (const auto& line : problems)
            lines << QString::fromStdString(line);
        return lines.join('\n');
    }

private slots:
    void shippedExampleIsValid() {
        std::string report;
        const int code = check_config_file(SPILLWAY_SOURCE_DIR "/packaging/spillway.conf", report);
        QVERIFY2(code == 0, report.c_str());
        AppOptions options;
        QVERIFY(apply_config_file(SPILLWAY_SOURCE_DIR "/packaging/spillway.conf", options).empty());
        QCOMPARE(options.listen, std::string("127.0.0.1:9464"));
        QVERIFY(options.demo);
    }

    void settingsReachTheOptions() {
        const std::string path = write("good.conf",
                                       "[source]\n"
                                       "bootstrap_servers = \"127.0.0.1:9092\"\n"
                                       "topic = \"orders\"\n"
                                       "[postgres]\n"
                                       "pg = \"host=127.0.0.1 dbname=x\"\n"
                                       "pg_sslmode = \"verify-full\"\n"
                                       "table = \"ingest.orders\"\n"
                                       "[engine]\n"
                                       "batch_size = 1234\n"
                                       "writers = 3\n"
                                       "overflow_policy = \"dead-letter\"\n"
                                       "[kafka]\n"
                                       "fetch.wait.max.ms = 25\n"
                                       "\"client.id\" = \"svc-1\"\n");
        const auto outcome = parse_options(
            {"spillway", "--headless", "--config", QString::fromStdString(path), "--writers", "5"});
        QVERIFY2(outcome.options.has_value(), outcome.output.c_str());
        const AppOptions& o = *outcome.options;
        QCOMPARE(o.topic, std::string("orders"));
        QCOMPARE(o.knobs.batch_size, 1234);
        QCOMPARE(o.knobs.writer_concurrency, 5);  // the command line wins
        QCOMPARE(o.knobs.overflow_policy, OverflowPolicy::DeadLetter);
        QCOMPARE(o.table, std::string("ingest.orders"));
        const RunPlan plan = make_run_plan(o);
        QCOMPARE(plan.engine.source.kafka_properties.at("fetch.wait.max.ms"), std::string("25"));
        QCOMPARE(plan.engine.source.kafka_properties.at("client.id"), std::string("svc-1"));
        QVERIFY2(plan.engine.sink.conninfo.find("sslmode='verify-full'") != std::string::npos,
                 plan.engine.sink.conninfo.c_str());
    }

    void problemsNameFileLineAndKey_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");  // after "FILE:"
        QTest::newRow("unknown key") << "[engine]\nbatch_size = 10\nbatch_sise = 10\n"
                                     << "3: engine.batch_sise: unknown key";
        QTest::newRow("bad value") << "[engine]\n\nwriters = 0\n"
                                   << "3: engine.writers: \"0\" is not a whole number from 1 to 64";
        QTest::newRow("bad type") << "[engine]\nbatch_size = \"many\"\n"
                                  << "2: engine.batch_size: expected an integer, got a string";
        QTest::newRow("bad flag type") << "[service]\nallow_remote_listen = \"yes\"\n"
                                       << "2: service.allow_remote_listen: expected true or "
                                          "false, got a string";
        QTest::newRow("bad enum") << "[engine]\noverflow_policy = \"drop\"\n"
                                  << "2: engine.overflow_policy: \"drop\" is not one of";
        QTest::newRow("unknown table") << "[engin]\nbatch_size = 1\n"
                                       << "1: engin: unknown table";
        QTest::newRow("bad table name") << "[postgres]\ntable = \"x; drop table y\"\n"
                                        << "2: postgres.table: \"x; drop table y\" is not a valid "
                                           "table name";
        QTest::newRow("bad topic") << "[source]\ntopic = \"it's\"\n"
                                   << "2: source.topic: \"it's\" is not a valid Kafka topic name";
        QTest::newRow("kafka property") << "[kafka]\n# comment\nfetch.wait.max.ms = \"soon\"\n"
                                        << "3: kafka.fetch.wait.max.ms: ";
        QTest::newRow("unknown kafka property") << "[kafka]\nno.such.property = 1\n"
                                                << "2: kafka.no.such.property: ";
        QTest::newRow("syntax") << "[engine]\nbatch_size = = 3\n"
                                << "2: ";
    }
    void problemsNameFileLineAndKey() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const std::string path = write("bad.conf", text.toStdString());
        std::string report;
        QCOMPARE(check_config_file(path, report), 1);
        const QString message = QString::fromStdString(report);
        QVERIFY2(message.startsWith(QString::fromStdString(path) + ":" + expected),
                 qPrintable(message));
        // The same file refuses to start the service, with the same words.
        const auto outcome = parse_options(
            {"spillway", "--headless", "--demo", "--config", QString::fromStdString(path)});
        QVERIFY(!outcome.options.has_value());
        QCOMPARE(outcome.exit_code, 2);
        QVERIFY2(QString::fromStdString(outcome.output).contains(expected), outcome.output.c_str());
    }

    void everyProblemIsReported() {
        const std::string path =
            write("many.conf", "[engine]\nbatch_size = 0\nwriters = \"x\"\nfoo = 1\n");
        AppOptions options;
        const auto problems = apply_config_file(path, options);
        QCOMPARE(problems.size(), size_t(3));
        QVERIFY(joined(problems).contains(":2: engine.batch_size"));
        QVERIFY(joined(problems).contains(":3: engine.writers"));
        QVERIFY(joined(problems).contains(":4: engine.foo"));
    }

    void missingFileIsNamed() {
        std::string report;
        QCOMPARE(check_config_file("/nonexistent/spillway.conf", report), 1);
        QVERIFY2(report.find("/nonexistent/spillway.conf") != std::string::npos, report.c_str());
    }

    void secretInAWorldReadableFileIsRefused() {
        const std::string path =
            write("secret.conf", "[kafka]\nsasl.password = \"hunter2-config\"\n", 0644);
        std::string report;
        QCOMPARE(check_config_file(path, report), 1);
        QVERIFY2(report.find(":2: kafka.sasl.password: a secret in a file every user may read") !=
                     std::string::npos,
                 report.c_str());
        QVERIFY2(report.find("hunter2-config") == std::string::npos, report.c_str());
    }

    void secretOnTheCommandLineIsRefused() {
        const auto outcome =
            parse_options({"spillway", "--demo", "--kafka-property", "sasl.password=hunter2-cli"});
        QVERIFY(!outcome.options.has_value());
        QVERIFY2(outcome.output.find("--kafka-property") != std::string::npos &&
                     outcome.output.find("hunter2-cli") == std::string::npos,
                 outcome.output.c_str());
    }

    void pgPasswordOnTheCommandLineIsRefused() {
        for (const QString& conninfo :
             {QStringLiteral("host=127.0.0.1 dbname=x password=hunter3-cli"),
              QStringLiteral("postgresql://u:hunter3-cli@127.0.0.1/x"),
              QStringLiteral("host=127.0.0.1 sslpassword=hunter3-cli")}) {
            const auto outcome = parse_options({"spillway", "--headless", "--bootstrap-servers",
                                                "127.0.0.1:9092", "--pg", conninfo});
            QVERIFY2(!outcome.options.has_value(), qPrintable(conninfo));
            QVERIFY2(outcome.output.find("--pg: ") != std::string::npos &&
                         outcome.output.find("--pg-password-file") != std::string::npos &&
                         outcome.output.find("PGPASSFILE") != std::string::npos &&
                         outcome.output.find("hunter3-cli") == std::string::npos,
                     outcome.output.c_str());
        }
        // Without a secret it is taken as before.
        const auto accepted = parse_options({"spillway", "--headless", "--bootstrap-servers",
                                             "127.0.0.1:9092", "--pg", "host=127.0.0.1 dbname=x"});
        QVERIFY2(accepted.options.has_value(), accepted.output.c_str());
    }

    void tokenFileMustBeOwnerOnly() {
        const std::string token = write("token", "t0ken-value\n", 0640);
        const auto outcome =
            parse_options({"spillway", "--headless", "--demo", "--listen", "127.0.0.1:0",
                           "--api-token-file", QString::fromStdString(token)});
        QVERIFY(!outcome.options.has_value());
        QVERIFY2(outcome.output.find(token + " has mode 0640") != std::string::npos,
                 outcome.output.c_str());
        ::chmod(token.c_str(), 0600);
        const auto accepted =
            parse_options({"spillway", "--headless", "--demo", "--listen", "127.0.0.1:0",
                           "--api-token-file", QString::fromStdString(token)});
        QVERIFY2(accepted.options.has_value(), accepted.output.c_str());
    }

    void remoteListenNeedsAFlag() {
        QVERIFY(!parse_options({"spillway", "--demo", "--listen", "127.0.0.1:9464"}).options);
        const auto refused =
            parse_options({"spillway", "--headless", "--demo", "--listen", "0.0.0.0:9464"});
        QVERIFY(!refused.options.has_value());
        QVERIFY2(refused.output.find("--allow-remote-listen") != std::string::npos,
                 refused.output.c_str());
        const auto allowed = parse_options({"spillway", "--headless", "--demo", "--listen",
                                            "0.0.0.0:9464", "--allow-remote-listen"});
        QVERIFY2(allowed.options.has_value(), allowed.output.c_str());
        QVERIFY(
            parse_options({"spillway", "--headless", "--demo", "--listen", "[::1]:9464"}).options);
        QVERIFY(!parse_options({"spillway", "--headless", "--demo", "--listen", "9464"}).options);
    }

    void passwordsGoThroughLibpqQuoting() {
        const std::string password_file = write("pgpass", "it's a \\ pass word\n");
        const auto outcome =
            parse_options({"spillway", "--headless", "--bootstrap-servers", "127.0.0.1:9092",
                           "--pg", "host=127.0.0.1 dbname=x", "--pg-password-file",
                           QString::fromStdString(password_file), "--pg-sslmode", "require"});
        QVERIFY2(outcome.options.has_value(), outcome.output.c_str());
        const std::string conninfo = outcome.options->effective_conninfo();
        QVERIFY2(conninfo.find("password='it\\'s a \\\\ pass word'") != std::string::npos,
                 conninfo.c_str());
        const std::string shown = redact_conninfo(conninfo);
        QVERIFY2(shown.find("pass word") == std::string::npos &&
                     shown.find("password=********") != std::string::npos,
                 shown.c_str());
        QCOMPARE(redact("error: it's a \\ pass word was refused"),
                 std::string("error: ******** was refused"));
        // A parameter that is not libpq's is refused, a bad string is refused without its text.
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, conninfo_with("host=x", {{"sslmod", "x"}}));
        try {
            conninfo_with("host=x password='s3cr3t-fragment", {});
            QFAIL("accepted a broken connection string");
        } catch (const std::invalid_argument& error) {
            QVERIFY2(std::string(error.what()).find("s3cr3t") == std::string::npos, error.what());
        }
    }
};

QTEST_GUILESS_MAIN(TstConfigFile)
#include "tst_config_file.moc"
