// No secret in anything a run prints or serves. The private PostgreSQL is set to demand a
// password (scram-sha-256) from a dedicated role, so the service really uses the password from
// its file; the Kafka client gets a SASL password (the mock cluster has no SASL: one run tries it
// and fails) and a sasl.password in the config's [kafka] table; the API token is in its file.
// Every run logs everything (QT_LOGGING_RULES spillway.*=true, librdkafka debug conf,security),
// and a grep of all of it, plus every API and /metrics answer, finds none of the secrets.
#include <sys/stat.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <fstream>
#include <sstream>

#include "core/demo/load_generator.h"
#include "core/postgres/pg_connection.h"
#include "support/child_service.h"
#include "support/http_client.h"
#include "support/pipeline_fixture.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

namespace {

const std::string kPgPassword = "Pg-Secret-4f9e2b17c3";
const std::string kKafkaPassword = "Kafka-Secret-88a1d0e6";
const std::string kConfigSecret = "Cfg-Secret-b7c5e2a901";
const std::string kToken = "Api-Token-3e8d1f0c7b6a";

struct Run {
    int exit_code = -1;
    QString output;  // stdout and stderr
};

}  // namespace

class TstSecretHygiene : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<PipelineFixture> fixture_;
    QTemporaryDir dir_;
    QString everything_;  // all output and answers, for the final grep

    std::string write(const QString& name, const std::string& text) {
        const std::string path = dir_.filePath(name).toStdString();
        std::ofstream(path) << text;
        ::chmod(path.c_str(), 0600);
        return path;
    }

    std::string config(const QString& name, const std::string& password_file,
                       const std::string& extra_source = {}) {
        const auto* postgres = fixture_->environment().postgres();
        return write(name,
                     "[service]\nlisten = \"127.0.0.1:0\"\napi_token_file = \"" +
                         dir_.filePath("token").toStdString() +
                         "\"\n[source]\nbootstrap_servers = \"" + fixture_->bootstrap_servers() +
                         "\"\ntopic = \"" + fixture_->topic() + "\"\ngroup = \"secrets\"\n" +
                         extra_source +
                         "[kafka]\ndebug = \"conf,security\"\n\"sasl.password\" = \"" +
                         kConfigSecret + "\"\n[postgres]\npg = \"host=127.0.0.1 port=" +
                         std::to_string(postgres->port()) +
                         " dbname=spillway user=svc_writer\"\npg_password_file = \"" +
                         password_file +
                         "\"\ntable = \"events_sec\"\ndead_letter_table = \"dead_sec\"\n");
    }

    static void start(QProcess& child, const QStringList& arguments) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("QT_LOGGING_RULES", "spillway.*=true");
        child.setProcessEnvironment(environment);
        child.start(SPILLWAY_BINARY, arguments);
    }

    Run run_to_end(const QStringList& arguments) {
        QProcess child;
        start(child, arguments);
        Run run;
        if (!child.waitForFinished(120000))
            child.kill();
        child.waitForFinished();
        run.exit_code = child.exitStatus() == QProcess::NormalExit ? child.exitCode() : -2;
        run.output = QString::fromUtf8(child.readAllStandardOutput() + child.readAllStandardError());
        everything_ += run.output;
        return run;
    }

private slots:
    void initTestCase() {
        fixture_ = std::make_unique<PipelineFixture>(2);
        fixture_->use_topic("secrets", 2);
        // A role that must log in with its password over TCP (the first pg_hba line matches).
        PgConnection admin(fixture_->conninfo());
        admin.exec("CREATE ROLE svc_writer LOGIN PASSWORD '" + kPgPassword +
                   "'; GRANT ALL ON SCHEMA public TO svc_writer;");
        const std::string hba = fixture_->environment().postgres()->data_dir() + "/pg_hba.conf";
        std::stringstream rules;
        rules << std::ifstream(hba).rdbuf();
        std::ofstream(hba) << "host all svc_writer 127.0.0.1/32 scram-sha-256\n" << rules.str();
        admin.exec("SELECT pg_reload_conf()");
        write("token", kToken + "\n");
        write("pg_password", kPgPassword + "\n");
        write("wrong_password", "Wrong-" + kPgPassword + "\n");
        write("kafka_password", kKafkaPassword + "\n");
    }
    void cleanupTestCase() { fixture_.reset(); }

    void serviceRunWithPasswordsPrintsNone() {
        QProcess child;
        start(child, {"--headless", "--config",
                      QString::fromStdString(config("service.conf",
                                                    dir_.filePath("pg_password").toStdString()))});
        QString output;
        QVERIFY2(wait_until_consuming(child, output), qPrintable(output_tail(output)));
        const quint16 port = served_port(output);
        QVERIFY(port > 0);

        LoadGenerator generator(fixture_->mixed_load(3000, 0, 91, "sec"));
        generator.start();
        generator.wait();
        QVERIFY(fixture_->wait_group_committed("secrets", 120s));
        // Rows written through the password-authenticated role: the password was used.
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM events_sec"), generator.stats().valid_distinct);

        const QByteArray token = QByteArray::fromStdString(kToken);
        for (const QByteArray target :
             {"/api/v1/status", "/api/v1/snapshot", "/api/v1/knobs", "/api/v1/knobs/history",
              "/api/v1/dead-letters", "/api/v1/dead-letters/audit"}) {
            const HttpReply reply = http_request(port, "GET", target, {}, token);
            QVERIFY2(reply.status == 200, qPrintable(target + " " + reply.body + reply.error));
            everything_ += QString::fromUtf8(reply.body);
        }
        const HttpReply metrics = http_request(port, "GET", "/metrics");
        QCOMPARE(metrics.status, 200);
        everything_ += QString::fromUtf8(metrics.body);
        for (const HttpReply& refused :
             {http_request(port, "PUT", "/api/v1/knobs", "{\"writers\": 0}", token),
              http_request(port, "GET", "/api/v1/status", {}, "wrong-token")}) {
            QVERIFY(refused.status == 400 || refused.status == 401);
            everything_ += QString::fromUtf8(refused.body);
        }
        child.terminate();
        QVERIFY(child.waitForFinished(60000));
        output += QString::fromUtf8(child.readAllStandardOutput() + child.readAllStandardError());
        everything_ += output;
        QVERIFY2(child.exitCode() == 0, qPrintable(output_tail(output)));
        // Logging was really on: librdkafka's configuration dump and our categories are there.
        QVERIFY2(output.contains("spillway.kafka") && output.contains("sasl.password"),
                 qPrintable(output_tail(output)));
    }

    void wrongPasswordFailsWithoutShowingIt() {
        const Run run = run_to_end(
            {"--headless", "--config",
             QString::fromStdString(
                 config("wrong.conf", dir_.filePath("wrong_password").toStdString()))});
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.output.contains("password authentication failed"), qPrintable(run.output));
    }

    void saslAttemptFailsWithoutShowingIt() {
        // librdkafka 2.0's mock cluster has no SASL: the client sends the credentials' setup and
        // fails the handshake, which is logged at length.
        const Run run = run_to_end(
            {"--headless", "--config",
             QString::fromStdString(config(
                 "sasl.conf", dir_.filePath("pg_password").toStdString(),
                 "kafka_security_protocol = \"sasl_plaintext\"\nkafka_sasl_mechanism = "
                 "\"PLAIN\"\nkafka_sasl_username = \"svc\"\nkafka_sasl_password_file = \"" +
                     dir_.filePath("kafka_password").toStdString() + "\"\n"))});
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.output.contains("SASL"), qPrintable(run.output));
    }

    void configErrorsShowNoSecret() {
        const std::string path = write(
            "bad.conf", "[kafka]\n\"sasl.password\" = \"" + kConfigSecret +
                            "\"\n\"ssl.key.password\" = 12\n[engine]\nbatch_size = \"" +
                            kConfigSecret + "x\"\n");
        const Run run = run_to_end({"--check-config", QString::fromStdString(path)});
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.output.contains("bad.conf:5: engine.batch_size"), qPrintable(run.output));
        // The bad batch_size value contains the secret: it is still not shown.
    }

    void grepFindsNoSecret() {
        QVERIFY(everything_.size() > 10000);
        for (const std::string& secret : {kPgPassword, kKafkaPassword, kConfigSecret, kToken})
            QVERIFY2(!everything_.contains(QString::fromStdString(secret)),
                     qPrintable(QString::fromStdString(secret) + " leaked"));
        qInfo() << "grepped" << everything_.size() << "characters of output and answers";
    }
};

QTEST_GUILESS_MAIN(TstSecretHygiene)
#include "tst_secret_hygiene.moc"
