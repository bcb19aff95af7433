// Certificates made by the openssl tool (QProcess, no shell) and a TLS-enabled EmbeddedPostgres.
// Main thread only.
#include "support/tls_postgres.h"

#include <QFile>
#include <QProcess>
#include <QStringList>

#include <stdexcept>

#include "core/postgres/pg_connection.h"

namespace spillway::test {

namespace {

void openssl(const QStringList& arguments) {
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForStarted(10000))
        throw std::runtime_error("cannot run openssl (install the openssl package): " +
                                 process.errorString().toStdString());
    process.waitForFinished(60000);
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        throw std::runtime_error("openssl " + arguments.join(u' ').toStdString() +
                                 " failed: " + process.readAll().toStdString());
}

std::string read_all(const std::string& path) {
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read " + path + ": " + file.errorString().toStdString());
    return file.readAll().toStdString();
}

void write_text(const QString& path, const QByteArray& text) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        throw std::runtime_error("cannot write " + path.toStdString());
}

const QStringList kNewKey = {
    QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
    QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};

void make_ca(const QString& base, const QString& name) {
    openssl(QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + kNewKey +
            QStringList{
                QStringLiteral("-keyout"), base + QStringLiteral(".key"), QStringLiteral("-out"),
                base + QStringLiteral(".crt"), QStringLiteral("-days"), QStringLiteral("3"),
                QStringLiteral("-subj"), QStringLiteral("/CN=") + name, QStringLiteral("-addext"),
                QStringLiteral("basicConstraints=critical,CA:TRUE"), QStringLiteral("-addext"),
                QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")});
}

// A certificate for `subject` signed by the CA at `ca` (ca.crt, ca.key) with `extensions`.
void make_signed(const QString& base, const QString& ca, const QString& subject,
                 const QByteArray& extensions, int serial) {
    write_text(base + QStringLiteral(".ext"), extensions);
    openssl(QStringList{QStringLiteral("req"), QStringLiteral("-new")} + kNewKey +
            QStringList{QStringLiteral("-keyout"), base + QStringLiteral(".key"),
                        QStringLiteral("-out"), base + QStringLiteral(".csr"),
                        QStringLiteral("-subj"), subject});
    openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
             base + QStringLiteral(".csr"), QStringLiteral("-CA"), ca + QStringLiteral(".crt"),
             QStringLiteral("-CAkey"), ca + QStringLiteral(".key"), QStringLiteral("-set_serial"),
             QString::number(serial), QStringLiteral("-days"), QStringLiteral("3"),
             QStringLiteral("-out"), base + QStringLiteral(".crt"), QStringLiteral("-extfile"),
             base + QStringLiteral(".ext")});
    QFile::setPermissions(base + QStringLiteral(".key"), QFile::ReadOwner | QFile::WriteOwner);
}

}  // namespace

TestCertificates make_test_certificates(const std::string& dir) {
    const QString base = QString::fromStdString(dir) + u'/';
    make_ca(base + QStringLiteral("ca"), QStringLiteral("Spillway test CA"));
    make_ca(base + QStringLiteral("other-ca"), QStringLiteral("Unrelated test CA"));
    make_signed(base + QStringLiteral("server"), base + QStringLiteral("ca"),
                QStringLiteral("/CN=localhost"),
                "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n",
                2);
    make_signed(base + QStringLiteral("client"), base + QStringLiteral("ca"),
                QStringLiteral("/CN=") + QLatin1String(TlsPostgres::kClientRole),
                "basicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth\n", 3);
    return {dir + "/ca.crt",     dir + "/other-ca.crt", dir + "/client.crt",
            dir + "/client.key", dir + "/server.crt",   dir + "/server.key"};
}

TlsPostgres::TlsPostgres(const std::string& dir) : certificates_(make_test_certificates(dir)) {
    EmbeddedPostgresOptions options;
    options.server_files = {{"server.crt", read_all(certificates_.server_cert)},
                            {"server.key", read_all(certificates_.server_key)},
                            {"root.crt", read_all(certificates_.ca_cert)},
                            // Replaces initdb's. The first matching line decides: tls_client only
                            // over TLS with its own certificate; everyone else (the superuser the
                            // helper and the tests use) with or without TLS.
                            {"pg_hba.conf", std::string("hostssl all ") + kClientRole +
                                                " 127.0.0.1/32 trust clientcert=verify-full\n"
                                                "host all " +
                                                kClientRole +
                                                " 127.0.0.1/32 reject\n"
                                                "host all all 127.0.0.1/32 trust\n"
                                                "local all all trust\n"}};
    options.server_settings = {"ssl=on", "ssl_cert_file=server.crt", "ssl_key_file=server.key",
                               "ssl_ca_file=root.crt"};
    server_ = std::make_unique<EmbeddedPostgres>(options);
    server_->start();
    PgConnection admin(server_->conninfo() + " sslmode=disable");
    admin.exec(std::string("CREATE ROLE ") + kClientRole + " LOGIN");
}

}  // namespace spillway::test
