// PostgreSQL over TLS, as an operator configures it: --pg-sslmode and --pg-sslrootcert reach
// every connection the program makes (the engine's and --read-events'), verify-full with the CA
// that signed the server's certificate connects over TLS, and a wrong CA is refused with libpq's
// reason. Runs a private TLS server (tests/support/tls_postgres.h) and the real binary.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <memory>

#include "app/make_run_plan.h"
#include "app/options.h"
#include "core/postgres/pg_connection.h"
#include "core/postgres/sink_schema.h"
#include "support/tls_postgres.h"

using namespace spillway;

namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

struct Run {
    int exit_code = -1;
    QString out, err;
};

Run run_binary(const QStringList& arguments) {
    QProcess child;
    child.start(QStringLiteral(SPILLWAY_BINARY), arguments);
    Run run;
    if (!child.waitForFinished(60000)) {
        child.kill();
        child.waitForFinished();
        run.err = QStringLiteral("(did not finish within 60 s)");
        return run;
    }
    run.exit_code = child.exitStatus() == QProcess::NormalExit ? child.exitCode() : -2;
    run.out = QString::fromUtf8(child.readAllStandardOutput());
    run.err = QString::fromUtf8(child.readAllStandardError());
    return run;
}

// Whether the connection's own backend runs over TLS, as the server sees it.
bool over_tls(PgConnection& connection) {
    const auto ssl =
        connection.query_column("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
    return ssl.size() == 1 && ssl.front() == "t";
}

}  // namespace

class TestPostgresTls : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<test::TlsPostgres> server_;

    QStringList pg_arguments(const std::string& sslmode, const std::string& rootcert) const {
        QStringList arguments = {QStringLiteral("--pg"), q(server_->conninfo()),
                                 QStringLiteral("--pg-sslmode"), q(sslmode)};
        if (!rootcert.empty())
            arguments << QStringLiteral("--pg-sslrootcert") << q(rootcert);
        return arguments;
    }

    // The engine's conninfo for a command line with these TLS options.
    std::string engine_conninfo(const std::string& sslmode, const std::string& rootcert) const {
        const auto outcome = parse_options(
            QStringList{QStringLiteral("spillway"), QStringLiteral("--headless"),
                        QStringLiteral("--bootstrap-servers"), QStringLiteral("127.0.0.1:9")} +
            pg_arguments(sslmode, rootcert));
        if (!outcome.options)
            throw std::runtime_error("options refused: " + outcome.output);
        return make_run_plan(*outcome.options).engine.sink.conninfo;
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        try {
            server_ = std::make_unique<test::TlsPostgres>(dir_.path().toStdString());
        } catch (const std::exception& error) {
            QFAIL(error.what());
        }
        // Something for --read-events to read.
        PgConnection admin(server_->conninfo() + " sslmode=disable");
        SinkOptions sink;
        sink.conninfo = server_->conninfo();
        ensure_schema(admin, sink);
    }

    void cleanupTestCase() { server_.reset(); }

    // The engine's connection with verify-full and the right CA: TLS, as the server reports.
    void engineVerifyFullWithTheRightCa() {
        const std::string conninfo =
            engine_conninfo("verify-full", server_->certificates().ca_cert);
        PgConnection connection(conninfo);
        QVERIFY(over_tls(connection));
        // The same server answers without TLS too: the check above is not a given.
        PgConnection plain(server_->conninfo() + " sslmode=disable");
        QVERIFY(!over_tls(plain));
    }

    // A CA that did not sign the server's certificate: refused, saying why.
    void engineVerifyFullWithAWrongCa() {
        const std::string conninfo =
            engine_conninfo("verify-full", server_->certificates().other_ca_cert);
        try {
            PgConnection connection(conninfo);
            QFAIL("connected although the server's certificate is not signed by the given CA");
        } catch (const PgError& error) {
            qInfo("refused: %s", error.what());
            const QString what = QString::fromUtf8(error.what());
            QVERIFY2(what.contains(QStringLiteral("certificate verify failed")), error.what());
            // What to look at: the CA file given.
            QVERIFY2(what.contains(QStringLiteral("sslrootcert ") +
                                   q(server_->certificates().other_ca_cert)),
                     error.what());
        }
        // require without a CA file encrypts without checking the certificate (with one, libpq
        // checks it as verify-ca does), which is why verify-full is what an operator wants.
        PgConnection unchecked(engine_conninfo("require", ""));
        QVERIFY(over_tls(unchecked));
        QVERIFY_THROWS_EXCEPTION(PgError, PgConnection(engine_conninfo(
                                              "require", server_->certificates().other_ca_cert)));
    }

    // `spillway --read-events` honours the same options: it connects with the right CA and is
    // refused, with the reason, with a wrong one.
    void readEventsHonoursTheTlsOptions() {
        const QStringList read = {QStringLiteral("--read-events"), QStringLiteral("--limit"),
                                  QStringLiteral("1")};
        const Run right =
            run_binary(read + pg_arguments("verify-full", server_->certificates().ca_cert));
        QVERIFY2(right.exit_code == 0, qPrintable(right.err));

        const Run wrong =
            run_binary(read + pg_arguments("verify-full", server_->certificates().other_ca_cert));
        qInfo("wrong CA: exit %d: %s", wrong.exit_code, qPrintable(wrong.err.trimmed()));
        QCOMPARE(wrong.exit_code, 1);
        QVERIFY2(wrong.err.contains(QStringLiteral("--read-events")), qPrintable(wrong.err));
        QVERIFY2(wrong.err.contains(QStringLiteral("certificate verify failed")),
                 qPrintable(wrong.err));
        QVERIFY2(wrong.err.contains(q(server_->certificates().other_ca_cert)),
                 qPrintable(wrong.err));
    }
};

QTEST_GUILESS_MAIN(TestPostgresTls)
#include "tst_postgres_tls.moc"
