// Connection profiles: saved and loaded without their passwords in the settings
// file, passwords from a keychain or, where there is none, asked for on each connect; "Test
// connection" says what failed and where for closed ports and unknown names, and succeeds against
// the fixture's mock Kafka and private PostgreSQL. Saves screenshots of the profile editor and
// the profile list to $SPILLWAY_SCREENSHOT_DIR.
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QStringListModel>
#include <QTemporaryDir>
#include <algorithm>
#include <functional>
#include <map>

#include "core/common/secrets.h"
#include "support/pipeline_fixture.h"
#include "support/secret_test_doubles.h"
#include "support/test_main.h"
#include "support/tls_postgres.h"
#include "ui/profiles/connection_profile_dialog.h"
#include "ui/profiles/connection_profile_manager.h"
#include "ui/profiles/connection_profile_secrets.h"
#include "ui/session/connection_profile.h"
#include "ui/session/connection_profile_check.h"

using namespace spillway;
using spillway::test::MemorySecretStore;
using spillway::test::ScriptedPrompt;
using namespace std::chrono_literals;

namespace {

const QString kKafkaPassword = QStringLiteral("kafka-hunter2");
const QString kPgPassword = QStringLiteral("pg-s3cret-pass");
const QString kKeyPassword = QStringLiteral("tls-key-pa55word");

QString screenshot_dir() {
    QString dir = qEnvironmentVariable("SPILLWAY_SCREENSHOT_DIR");
    if (dir.isEmpty())
        dir = QStringLiteral("/tmp/spillway-screens");
    QDir().mkpath(dir);
    return dir;
}

ConnectionProfile sample_profile() {
    ConnectionProfile p;
    p.name = QStringLiteral("prod / eu");  // a slash: not a settings subgroup
    p.bootstrap_servers = QStringLiteral("kafka-1:9093,kafka-2:9093");
    p.topic = QStringLiteral("orders");
    p.group = QStringLiteral("spillway-eu");
    p.security_protocol = QStringLiteral("sasl_ssl");
    p.sasl_mechanism = QStringLiteral("SCRAM-SHA-512");
    p.sasl_username = QStringLiteral("ingest");
    p.kafka_password = kKafkaPassword;
    p.pg_host = QStringLiteral("db.internal");
    p.pg_port = 6432;
    p.pg_database = QStringLiteral("warehouse");
    p.pg_user = QStringLiteral("writer");
    p.pg_password = kPgPassword;
    p.pg_sslmode = QStringLiteral("require");
    p.payload_format = QStringLiteral("zstd");
    return p;
}

QString file_text(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

// A value as libpq's key='value' syntax quotes it: \ and ' escaped with a backslash.
std::string libpq_quoted(QString value) {
    value.replace(u'\\', QStringLiteral("\\\\")).replace(u'\'', QStringLiteral("\\'"));
    return "'" + value.toStdString() + "'";
}

// save_profile(), waited for: the saved profile, or nullopt when it did not finish.
std::optional<ConnectionProfile> save_and_wait(ConnectionProfileStore& store, SecretStore& secrets,
                                               const ConnectionProfile& profile) {
    auto saved = std::make_shared<std::optional<ConnectionProfile>>();
    save_profile(store, secrets, profile,
                 [saved](const ConnectionProfile& p, const QString&) { *saved = p; });
    if (!QTest::qWaitFor([saved] { return saved->has_value(); }))
        return std::nullopt;
    return *saved;
}

// resolve_secrets(), waited for: the profile with its passwords, or nullopt (cancelled, or it
// did not finish).
std::optional<ConnectionProfile> resolve_and_wait(SecretStore& secrets,
                                                  const ConnectionProfile& profile,
                                                  PasswordPrompt prompt) {
    struct Outcome {
        bool finished = false;
        std::optional<ConnectionProfile> profile;
    };
    auto outcome = std::make_shared<Outcome>();
    resolve_secrets(secrets, profile, std::move(prompt),
                    [outcome](std::optional<ConnectionProfile> p, const QString&) {
                        outcome->profile = std::move(p);
                        outcome->finished = true;
                    });
    if (!QTest::qWaitFor([outcome] { return outcome->finished; }))
        return std::nullopt;
    return outcome->profile;
}

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// key=value pairs of a simple conninfo (the embedded server's).
std::map<std::string, std::string> parse_conninfo(const std::string& conninfo) {
    std::map<std::string, std::string> values;
    for (const QString& part : QString::fromStdString(conninfo).split(u' ', Qt::SkipEmptyParts)) {
        const qsizetype equals = part.indexOf(u'=');
        QString value = part.mid(equals + 1);
        if (value.startsWith(u'\'') && value.endsWith(u'\''))
            value = value.mid(1, value.size() - 2);
        values[part.left(equals).toStdString()] = value.toStdString();
    }
    return values;
}

}  // namespace

class TstConnectionProfiles : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    std::unique_ptr<test::PipelineFixture> fixture_;

    QString settings_path(const char* name) const {
        return dir_.filePath(QString::fromLatin1(name) + QStringLiteral(".ini"));
    }

    // The TLS files live in a directory whose name holds a space and a quote.
    QString cert_path(const char* file) const {
        return dir_.filePath(QStringLiteral("certs/o'brien keys/") + QString::fromLatin1(file));
    }

    // sample_profile() with Kafka TLS (a client certificate and a key with a password) and
    // PostgreSQL client certificates, all files present.
    ConnectionProfile tls_profile() const {
        ConnectionProfile p = sample_profile();
        p.kafka_ssl_ca_location = cert_path("kafka-ca.pem");
        p.kafka_ssl_certificate_location = cert_path("kafka-client.pem");
        p.kafka_ssl_key_location = cert_path("kafka-client.key");
        p.kafka_ssl_key_password = kKeyPassword;
        p.pg_sslmode = QStringLiteral("verify-full");
        p.pg_sslrootcert = cert_path("pg-root.crt");
        p.pg_sslcert = cert_path("pg-client.crt");
        p.pg_sslkey = cert_path("pg-client.key");
        return p;
    }

    ConnectionProfile fixture_profile() const {
        const auto values = parse_conninfo(fixture_->conninfo());
        ConnectionProfile p;
        p.name = QStringLiteral("fixture");
        p.bootstrap_servers = QString::fromStdString(fixture_->bootstrap_servers());
        p.topic = QString::fromStdString(fixture_->topic());
        p.pg_host = QString::fromStdString(values.at("host"));
        p.pg_port = std::stoi(values.at("port"));
        p.pg_database = QString::fromStdString(values.at("dbname"));
        p.pg_user = QString::fromStdString(values.at("user"));
        p.pg_sslmode = QStringLiteral("disable");
        return p;
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY(QDir().mkpath(QFileInfo(cert_path("x")).absolutePath()));
        for (const char* file : {"kafka-ca.pem", "kafka-client.pem", "kafka-client.key",
                                 "pg-root.crt", "pg-client.crt", "pg-client.key"}) {
            QFile out(cert_path(file));
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write("-----BEGIN CERTIFICATE-----\n");
        }
        fixture_ = std::make_unique<test::PipelineFixture>(2);
    }

    void cleanupTestCase() { fixture_.reset(); }

    void conninfoAndKafkaProperties() {
        ConnectionProfile p = sample_profile();
        p.pg_database = QStringLiteral("it's mine");
        const std::string conninfo = postgres_conninfo(p);
        QVERIFY(conninfo.find("host='db.internal'") != std::string::npos);
        QVERIFY(conninfo.find("port=6432") != std::string::npos);
        QVERIFY(conninfo.find("dbname='it\\'s mine'") != std::string::npos);
        QVERIFY(conninfo.find("password='pg-s3cret-pass'") != std::string::npos);
        QVERIFY(conninfo.find("sslmode='require'") != std::string::npos);
        const auto properties = kafka_security_properties(p);
        QCOMPARE(properties.at("security.protocol"), std::string("sasl_ssl"));
        QCOMPARE(properties.at("sasl.mechanism"), std::string("SCRAM-SHA-512"));
        QCOMPARE(properties.at("sasl.username"), std::string("ingest"));
        QCOMPARE(properties.at("sasl.password"), kKafkaPassword.toStdString());
        p.security_protocol = QStringLiteral("plaintext");
        QVERIFY(kafka_security_properties(p).empty());

        const RunPlan plan = plan_for_profile(sample_profile());
        QVERIFY(!plan.demo);
        QCOMPARE(plan.engine.source.bootstrap_servers, std::string("kafka-1:9093,kafka-2:9093"));
        QCOMPARE(plan.engine.source.topic, std::string("orders"));
        QCOMPARE(plan.engine.source.group_id, std::string("spillway-eu"));
        QCOMPARE(plan.engine.source.kafka_properties.at("sasl.username"), std::string("ingest"));
        QCOMPARE(plan.engine.sink.conninfo, postgres_conninfo(sample_profile()));

        QVERIFY(!sample_profile().problem().isEmpty() == false);
        ConnectionProfile unnamed = sample_profile();
        unnamed.name.clear();
        QVERIFY(!unnamed.problem().isEmpty());
    }

    // Kafka TLS and PostgreSQL certificate files reach librdkafka's properties and libpq's
    // connection string, quoted; the key password is registered as a secret.
    void tlsPropertiesAndConninfo() {
        const ConnectionProfile p = tls_profile();
        QVERIFY2(p.problem().isEmpty(), qPrintable(p.problem()));
        const auto properties = kafka_security_properties(p);
        QCOMPARE(properties.at("security.protocol"), std::string("sasl_ssl"));
        QCOMPARE(properties.at("ssl.ca.location"), cert_path("kafka-ca.pem").toStdString());
        QCOMPARE(properties.at("ssl.certificate.location"),
                 cert_path("kafka-client.pem").toStdString());
        QCOMPARE(properties.at("ssl.key.location"), cert_path("kafka-client.key").toStdString());
        QCOMPARE(properties.at("ssl.key.password"), kKeyPassword.toStdString());
        QCOMPARE(properties.at("sasl.mechanism"), std::string("SCRAM-SHA-512"));

        ConnectionProfile ssl_only = p;  // TLS without SASL
        ssl_only.security_protocol = QStringLiteral("ssl");
        const auto ssl_properties = kafka_security_properties(ssl_only);
        QCOMPARE(ssl_properties.at("ssl.key.location"),
                 cert_path("kafka-client.key").toStdString());
        QVERIFY(!ssl_properties.count("sasl.mechanism"));
        ConnectionProfile sasl_plaintext = p;  // no TLS: the files are not used
        sasl_plaintext.security_protocol = QStringLiteral("sasl_plaintext");
        QVERIFY(!kafka_security_properties(sasl_plaintext).count("ssl.ca.location"));
        QVERIFY(!kafka_security_properties(sasl_plaintext).count("ssl.key.password"));
        QVERIFY(sasl_plaintext.problem().isEmpty());

        const std::string conninfo = postgres_conninfo(p);
        QVERIFY(cert_path("pg-root.crt").contains(QStringLiteral("o'brien keys")));
        for (const auto& [key, file] :
             {std::pair{"sslrootcert=", "pg-root.crt"}, std::pair{"sslcert=", "pg-client.crt"},
              std::pair{"sslkey=", "pg-client.key"}}) {
            const std::string expected = key + libpq_quoted(cert_path(file));
            QVERIFY2(conninfo.find(expected) != std::string::npos, conninfo.c_str());
        }
        QVERIFY(conninfo.find("sslmode='verify-full'") != std::string::npos);
        QVERIFY(conninfo.find("o\\'brien keys/pg-client.key'") != std::string::npos);
        QVERIFY(postgres_conninfo(sample_profile()).find("sslcert") == std::string::npos);

        const RunPlan plan = plan_for_profile(p);
        QCOMPARE(plan.engine.source.kafka_properties.at("ssl.key.location"),
                 cert_path("kafka-client.key").toStdString());
        QCOMPARE(plan.engine.sink.conninfo, conninfo);
        // The console's log lines never show the passwords of the profile it started.
        const std::string line =
            "key " + kKeyPassword.toStdString() + " pg " + kPgPassword.toStdString();
        QCOMPARE(redact(line), std::string("key ******** pg ********"));
        QVERIFY(describe_kafka_properties(properties).find(kKeyPassword.toStdString()) ==
                std::string::npos);
    }

    // What is missing or inconsistent, naming the field and the path.
    void tlsProblems() {
        struct Case {
            const char* what;
            std::function<void(ConnectionProfile&)> change;
            QStringList expected;  // all in problem()
        };
        const std::vector<Case> cases = {
            {"kafka key without certificate",
             [](ConnectionProfile& p) { p.kafka_ssl_certificate_location.clear(); },
             {QStringLiteral("client key"), cert_path("kafka-client.key"),
              QStringLiteral("ssl.certificate.location")}},
            {"key password without key",
             [](ConnectionProfile& p) { p.kafka_ssl_key_location.clear(); },
             {QStringLiteral("key password"), QStringLiteral("ssl.key.location")}},
            {"kafka certificate without key",
             [](ConnectionProfile& p) {
                 p.kafka_ssl_key_location.clear();
                 p.kafka_ssl_key_password.clear();
             },
             {QStringLiteral("ssl.key.location"), cert_path("kafka-client.pem")}},
            {"missing CA file",
             [this](ConnectionProfile& p) { p.kafka_ssl_ca_location = cert_path("missing.pem"); },
             {QStringLiteral("Kafka CA file (ssl.ca.location)"), cert_path("missing.pem"),
              QStringLiteral("does not exist")}},
            {"CA is a directory",
             [this](ConnectionProfile& p) { p.kafka_ssl_ca_location = dir_.path(); },
             {QStringLiteral("is not a file"), dir_.path()}},
            {"missing pg key",
             [this](ConnectionProfile& p) { p.pg_sslkey = cert_path("missing.key"); },
             {QStringLiteral("PostgreSQL client key (sslkey)"), cert_path("missing.key")}},
            {"pg certificate without key",
             [](ConnectionProfile& p) { p.pg_sslkey.clear(); },
             {QStringLiteral("PostgreSQL"), cert_path("pg-client.crt"), QStringLiteral("sslkey")}},
            {"files with sslmode disable",
             [](ConnectionProfile& p) { p.pg_sslmode = QStringLiteral("disable"); },
             {QStringLiteral("PostgreSQL"), QStringLiteral("disable")}},
        };
        for (const Case& c : cases) {
            ConnectionProfile p = tls_profile();
            c.change(p);
            const QString problem = p.problem();
            for (const QString& part : c.expected)
                QVERIFY2(problem.contains(part),
                         qPrintable(QStringLiteral("%1: \"%2\" lacks \"%3\"")
                                        .arg(QLatin1String(c.what), problem, part)));
        }
    }

    // The TLS paths are saved and loaded; the key password goes to the keychain or is asked
    // for, never to the settings file. Profiles saved before these fields load them empty.
    void tlsRoundTrip() {
        QSettings settings(settings_path("tls"), QSettings::IniFormat);
        ConnectionProfileStore store(&settings);
        NoSecretStore secrets;
        const std::optional<ConnectionProfile> saved = save_and_wait(store, secrets, tls_profile());
        QVERIFY(saved);
        QCOMPARE(saved->secret_storage, SecretStorage::AskEachTime);
        settings.sync();
        const QString text = file_text(settings_path("tls"));
        QVERIFY(text.contains(QStringLiteral("kafka-client.key")));
        QVERIFY(!text.contains(kKeyPassword));
        QVERIFY(!text.contains(QStringLiteral("pa55word")));

        const std::optional<ConnectionProfile> loaded = store.load(QStringLiteral("prod / eu"));
        QVERIFY(loaded);
        const ConnectionProfile expected = tls_profile();
        QCOMPARE(loaded->kafka_ssl_ca_location, expected.kafka_ssl_ca_location);
        QCOMPARE(loaded->kafka_ssl_certificate_location, expected.kafka_ssl_certificate_location);
        QCOMPARE(loaded->kafka_ssl_key_location, expected.kafka_ssl_key_location);
        QCOMPARE(loaded->pg_sslmode, QStringLiteral("verify-full"));
        QCOMPARE(loaded->pg_sslrootcert, expected.pg_sslrootcert);
        QCOMPARE(loaded->pg_sslcert, expected.pg_sslcert);
        QCOMPARE(loaded->pg_sslkey, expected.pg_sslkey);
        QVERIFY(loaded->kafka_ssl_key_password.isEmpty());
        QVERIFY(loaded->kafka_has_key_password);

        // Connecting asks for the key's password, naming the key.
        ScriptedPrompt prompt;
        prompt.answers = {kKafkaPassword, kKeyPassword, kPgPassword};
        std::optional<ConnectionProfile> resolved =
            resolve_and_wait(secrets, *loaded, prompt.prompt());
        QVERIFY(resolved);
        QCOMPARE(prompt.asked.size(), 3);
        QVERIFY(prompt.asked[1].contains(cert_path("kafka-client.key")));
        QCOMPARE(resolved->kafka_ssl_key_password, kKeyPassword);
        QCOMPARE(kafka_security_properties(*resolved).at("ssl.key.password"),
                 kKeyPassword.toStdString());

        // With a keychain: the key password is kept there, and comes back without a prompt.
        QSettings keychain_settings(settings_path("tls_keychain"), QSettings::IniFormat);
        ConnectionProfileStore keychain_store(&keychain_settings);
        MemorySecretStore keychain;
        QVERIFY(save_and_wait(keychain_store, keychain, tls_profile()));
        QCOMPARE(keychain.secrets.at(secret_key(QStringLiteral("prod / eu"), "kafka_ssl_key")),
                 kKeyPassword);
        keychain_settings.sync();
        QVERIFY(!file_text(settings_path("tls_keychain")).contains(kKeyPassword));
        ScriptedPrompt silent;
        resolved = resolve_and_wait(keychain, *keychain_store.load(QStringLiteral("prod / eu")),
                                    silent.prompt());
        QVERIFY(resolved);
        QVERIFY(silent.asked.isEmpty());
        QCOMPARE(resolved->kafka_ssl_key_password, kKeyPassword);

        // A profile from before the TLS fields: the same keys minus the new ones.
        settings.beginGroup(QStringLiteral("connection_profiles/old"));
        settings.setValue(QStringLiteral("bootstrap_servers"), QStringLiteral("k:9093"));
        settings.setValue(QStringLiteral("security_protocol"), QStringLiteral("ssl"));
        settings.setValue(QStringLiteral("pg_sslmode"), QStringLiteral("require"));
        settings.endGroup();
        const std::optional<ConnectionProfile> old = store.load(QStringLiteral("old"));
        QVERIFY(old);
        QVERIFY(old->kafka_ssl_ca_location.isEmpty());
        QVERIFY(old->kafka_ssl_certificate_location.isEmpty());
        QVERIFY(old->kafka_ssl_key_location.isEmpty());
        QVERIFY(!old->kafka_has_key_password);
        QVERIFY(old->pg_sslrootcert.isEmpty() && old->pg_sslcert.isEmpty() &&
                old->pg_sslkey.isEmpty());
        QCOMPARE(kafka_security_properties(*old),
                 (std::map<std::string, std::string>{{"security.protocol", "ssl"}}));
    }

    // The TLS fields show for ssl and sasl_ssl only, the PostgreSQL files unless SSL is
    // disabled; a missing file is reported by name and path.
    void dialogTlsFields() {
        QSettings settings(settings_path("dialog_tls"), QSettings::IniFormat);
        ConnectionProfileStore store(&settings);
        NoSecretStore secrets;
        ConnectionProfileDialog dialog(store, secrets, std::nullopt);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto* protocol = dialog.findChild<QComboBox*>(QStringLiteral("combo_security_protocol"));
        auto* mechanism = dialog.findChild<QComboBox*>(QStringLiteral("combo_sasl_mechanism"));
        auto* sslmode = dialog.findChild<QComboBox*>(QStringLiteral("combo_pg_sslmode"));
        QVERIFY(protocol && mechanism && sslmode);
        QStringList mechanisms;
        for (int i = 0; i < mechanism->count(); ++i)
            mechanisms << mechanism->itemText(i);
        QCOMPARE(mechanisms, (QStringList{QStringLiteral("PLAIN"), QStringLiteral("SCRAM-SHA-256"),
                                          QStringLiteral("SCRAM-SHA-512")}));
        QList<QWidget*> kafka_tls;
        for (const char* name :
             {"edit_kafka_ssl_ca", "edit_kafka_ssl_certificate", "edit_kafka_ssl_key",
              "edit_kafka_key_password", "edit_kafka_ssl_ca_browse"}) {
            auto* widget = dialog.findChild<QWidget*>(QString::fromLatin1(name));
            QVERIFY2(widget, name);
            kafka_tls << widget;
        }
        QList<QWidget*> pg_tls;
        for (const char* name : {"edit_pg_sslrootcert", "edit_pg_sslcert", "edit_pg_sslkey",
                                 "edit_pg_sslkey_browse"}) {
            auto* widget = dialog.findChild<QWidget*>(QString::fromLatin1(name));
            QVERIFY2(widget, name);
            pg_tls << widget;
        }
        const auto all_visible = [&dialog](const QList<QWidget*>& widgets, bool visible) {
            return std::all_of(widgets.begin(), widgets.end(),
                               [&](QWidget* w) { return w->isVisibleTo(&dialog) == visible; });
        };
        protocol->setCurrentText(QStringLiteral("plaintext"));
        QVERIFY(all_visible(kafka_tls, false));
        protocol->setCurrentText(QStringLiteral("ssl"));
        QVERIFY(all_visible(kafka_tls, true));
        protocol->setCurrentText(QStringLiteral("sasl_plaintext"));
        QVERIFY(all_visible(kafka_tls, false));
        protocol->setCurrentText(QStringLiteral("sasl_ssl"));
        QVERIFY(all_visible(kafka_tls, true));
        sslmode->setCurrentText(QStringLiteral("disable"));
        QVERIFY(all_visible(pg_tls, false));
        sslmode->setCurrentText(QStringLiteral("verify-ca"));
        QVERIFY(all_visible(pg_tls, true));

        // What the fields say is the profile; a profile shown is what the fields say.
        dialog.setProfile(tls_profile());
        QCOMPARE(dialog.findChild<QLineEdit*>(QStringLiteral("edit_pg_sslcert"))->text(),
                 cert_path("pg-client.crt"));
        const ConnectionProfile shown = dialog.profile();
        QCOMPARE(shown.kafka_ssl_key_location, cert_path("kafka-client.key"));
        QCOMPARE(shown.kafka_ssl_key_password, kKeyPassword);
        QCOMPARE(shown.pg_sslrootcert, cert_path("pg-root.crt"));
        QVERIFY(all_visible(kafka_tls, true) && all_visible(pg_tls, true));
        QVERIFY(dialog.grab().save(screenshot_dir() +
                                   QStringLiteral("/connection_profile_dialog_tls.png")));

        auto* ca = dialog.findChild<QLineEdit*>(QStringLiteral("edit_kafka_ssl_ca"));
        ca->setText(cert_path("no-such-ca.pem"));
        dialog.save();
        QVERIFY(dialog.problemLabel()->isVisibleTo(&dialog));
        QVERIFY2(dialog.problemLabel()->text().contains(QStringLiteral("CA file")) &&
                     dialog.problemLabel()->text().contains(cert_path("no-such-ca.pem")),
                 qPrintable(dialog.problemLabel()->text()));
        QVERIFY(store.names().isEmpty());                      // not saved
        QCOMPARE(ca->toolTip(), cert_path("no-such-ca.pem"));  // the whole path, when cut off
        QVERIFY(dialog.grab().save(screenshot_dir() +
                                   QStringLiteral("/connection_profile_dialog_tls_problem.png")));
        protocol->setCurrentText(QStringLiteral("sasl_plaintext"));  // TLS files not used
        QVERIFY(dialog.profile().kafka_ssl_ca_location.isEmpty());
        QVERIFY(dialog.profile().kafka_ssl_key_password.isEmpty());
    }

    // Without a keychain: saved without the passwords, marked ask-each-time, and loaded back
    // field for field. The settings file's text holds neither password.
    void roundTripWithoutSecrets() {
        QSettings settings(settings_path("no_keychain"), QSettings::IniFormat);
        ConnectionProfileStore store(&settings);
        NoSecretStore secrets;
        std::optional<ConnectionProfile> saved;
        QString note;
        save_profile(store, secrets, sample_profile(),
                     [&](const ConnectionProfile& profile, const QString& text) {
                         saved = profile;
                         note = text;
                     });
        QTRY_VERIFY(saved.has_value());
        QCOMPARE(saved->secret_storage, SecretStorage::AskEachTime);
        QVERIFY(note.contains(QStringLiteral("ask for the password")));
        settings.sync();

        const QString text = file_text(settings_path("no_keychain"));
        QVERIFY(text.contains(QStringLiteral("kafka-1:9093")));
        QVERIFY(!text.contains(kKafkaPassword));
        QVERIFY(!text.contains(kPgPassword));
        QVERIFY(!text.contains(QStringLiteral("hunter2")));

        QCOMPARE(store.names(), QStringList{QStringLiteral("prod / eu")});
        const std::optional<ConnectionProfile> loaded = store.load(QStringLiteral("prod / eu"));
        QVERIFY(loaded);
        const ConnectionProfile expected = sample_profile();
        QCOMPARE(loaded->bootstrap_servers, expected.bootstrap_servers);
        QCOMPARE(loaded->topic, expected.topic);
        QCOMPARE(loaded->group, expected.group);
        QCOMPARE(loaded->security_protocol, expected.security_protocol);
        QCOMPARE(loaded->sasl_mechanism, expected.sasl_mechanism);
        QCOMPARE(loaded->sasl_username, expected.sasl_username);
        QCOMPARE(loaded->pg_host, expected.pg_host);
        QCOMPARE(loaded->pg_port, expected.pg_port);
        QCOMPARE(loaded->pg_database, expected.pg_database);
        QCOMPARE(loaded->pg_user, expected.pg_user);
        QCOMPARE(loaded->pg_sslmode, expected.pg_sslmode);
        QCOMPARE(loaded->payload_format, QStringLiteral("zstd"));
        QVERIFY(plan_for_profile(*loaded).engine.sink.payload_format == PayloadFormat::Zstd);
        QVERIFY(loaded->kafka_password.isEmpty());
        QVERIFY(loaded->pg_password.isEmpty());
        QVERIFY(loaded->kafka_has_password);
        QVERIFY(loaded->pg_has_password);
        QCOMPARE(loaded->secret_storage, SecretStorage::AskEachTime);

        // Connecting asks for both passwords; cancelling one is "not connected".
        ScriptedPrompt prompt;
        prompt.answers = {kKafkaPassword, kPgPassword};
        std::optional<ConnectionProfile> resolved;
        bool finished = false;
        resolve_secrets(secrets, *loaded, prompt.prompt(),
                        [&](std::optional<ConnectionProfile> profile, const QString&) {
                            resolved = std::move(profile);
                            finished = true;
                        });
        QTRY_VERIFY(finished);
        QVERIFY(resolved);
        QCOMPARE(prompt.asked.size(), 2);
        QVERIFY(prompt.asked[0].contains(QStringLiteral("Kafka")));
        QVERIFY(prompt.asked[1].contains(QStringLiteral("PostgreSQL password for writer")));
        QCOMPARE(resolved->kafka_password, kKafkaPassword);
        QCOMPARE(resolved->pg_password, kPgPassword);

        ScriptedPrompt cancelled;
        finished = false;
        QString why;
        resolve_secrets(secrets, *loaded, cancelled.prompt(),
                        [&](std::optional<ConnectionProfile> profile, const QString& problem) {
                            resolved = std::move(profile);
                            why = problem;
                            finished = true;
                        });
        QTRY_VERIFY(finished);
        QVERIFY(!resolved);
        QVERIFY(!why.isEmpty());
    }

    // With a working keychain: the passwords go there, not to the file, and come back without a
    // prompt. Editing without retyping keeps them.
    void keychainKeepsThePasswords() {
        QSettings settings(settings_path("keychain"), QSettings::IniFormat);
        ConnectionProfileStore store(&settings);
        MemorySecretStore secrets;
        std::optional<ConnectionProfile> saved;
        save_profile(store, secrets, sample_profile(),
                     [&](const ConnectionProfile& profile, const QString&) { saved = profile; });
        QTRY_VERIFY(saved.has_value());
        QCOMPARE(saved->secret_storage, SecretStorage::Keychain);
        QCOMPARE(secrets.secrets.at(secret_key(QStringLiteral("prod / eu"), "postgres")),
                 kPgPassword);
        settings.sync();
        QVERIFY(!file_text(settings_path("keychain")).contains(kPgPassword));

        ConnectionProfile edited = *store.load(QStringLiteral("prod / eu"));
        edited.topic = QStringLiteral("orders-v2");  // passwords left empty: unchanged
        saved.reset();
        save_profile(store, secrets, edited,
                     [&](const ConnectionProfile& profile, const QString&) { saved = profile; });
        QTRY_VERIFY(saved.has_value());
        QVERIFY(saved->pg_has_password);

        ScriptedPrompt prompt;
        std::optional<ConnectionProfile> resolved;
        resolve_secrets(secrets, *store.load(QStringLiteral("prod / eu")), prompt.prompt(),
                        [&](std::optional<ConnectionProfile> profile, const QString&) {
                            resolved = std::move(profile);
                        });
        QTRY_VERIFY(resolved.has_value());
        QVERIFY(prompt.asked.isEmpty());
        QCOMPARE(resolved->pg_password, kPgPassword);
        QCOMPARE(resolved->kafka_password, kKafkaPassword);
        QCOMPARE(resolved->topic, QStringLiteral("orders-v2"));
    }

    // The real system keychain: offscreen and in CI there is no secret service, so this shows
    // the fallback; on a desktop it stores the password there. Never in the file either way.
    void systemKeychainOrFallback() {
        QSettings settings(settings_path("system"), QSettings::IniFormat);
        ConnectionProfileStore store(&settings);
        std::unique_ptr<SecretStore> secrets = make_system_secret_store();
        ConnectionProfile profile = sample_profile();
        profile.name = QStringLiteral("spillway-test-%1").arg(QCoreApplication::applicationPid());
        std::optional<ConnectionProfile> saved;
        QString note;
        save_profile(store, *secrets, profile,
                     [&](const ConnectionProfile& p, const QString& text) {
                         saved = p;
                         note = text;
                     });
        QTRY_VERIFY_WITH_TIMEOUT(saved.has_value(), 60000);
        qInfo("system keychain: %s", saved->secret_storage == SecretStorage::Keychain
                                         ? "stored the passwords"
                                         : qPrintable(note));
        settings.sync();
        const QString text = file_text(settings_path("system"));
        QVERIFY(text.contains(QStringLiteral("kafka-1:9093")));
        QVERIFY(!text.contains(kKafkaPassword));
        QVERIFY(!text.contains(kPgPassword));
        if (saved->secret_storage == SecretStorage::Keychain) {
            secrets->remove(secret_key(profile.name, "kafka"));
            secrets->remove(secret_key(profile.name, "postgres"));
        } else {
            QVERIFY(!note.isEmpty());
        }
    }

    void testConnection_data() {
        QTest::addColumn<bool>("kafka_closed");
        QTest::addColumn<QString>("database");
        QTest::addColumn<QString>("topic");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("kafka_expected");  // a regular expression
        QTest::addColumn<QString>("postgres_expected");
        QTest::addColumn<bool>("kafka_ok");
        QTest::addColumn<bool>("postgres_ok");
        QTest::newRow("closed ports")
            << true << QString() << QString() << QString()
            << QStringLiteral("^✗ Kafka at 127\\.0\\.0\\.1:1: connection refused")
            << QStringLiteral(
                   "^✗ PostgreSQL at 127\\.0\\.0\\.1:1/\\w+: connection "
                   "refused")
            << false << false;
        QTest::newRow("fixture") << false << QString() << QString() << QString()
                                 << QStringLiteral(
                                        "^✓ Kafka at 127\\.0\\.0\\.1:\\d+.*: connected, "
                                        "\\d brokers?; topic \"events\" has 2 partitions")
                                 << QStringLiteral(
                                        "^✓ PostgreSQL at 127\\.0\\.0\\.1:\\d+/\\w+: "
                                        "connected, server \\d+")
                                 << true << true;
        QTest::newRow("unknown topic, database")
            << false << QStringLiteral("nope_db") << QStringLiteral("nope_topic") << QString()
            << QStringLiteral("topic \"nope_topic\" does not exist")
            << QStringLiteral(
                   "/nope_db: database \"nope_db\" "
                   "does not exist")
            << false << false;
        QTest::newRow("unknown role")
            << false << QString() << QString() << QStringLiteral("nobody_x")
            << QStringLiteral("connected") << QStringLiteral("role \"nobody_x\" does not exist")
            << true << false;
    }

    // Through the dialog, off the GUI thread: what failed and where.
    void testConnection() {
        QFETCH(bool, kafka_closed);
        QFETCH(QString, database);
        QFETCH(QString, topic);
        QFETCH(QString, user);
        QFETCH(QString, kafka_expected);
        QFETCH(QString, postgres_expected);
        QFETCH(bool, kafka_ok);
        QFETCH(bool, postgres_ok);
        ConnectionProfile profile = fixture_profile();
        if (kafka_closed) {
            profile.bootstrap_servers = QStringLiteral("127.0.0.1:1");
            profile.pg_port = 1;
        }
        if (!database.isEmpty())
            profile.pg_database = database;
        if (!topic.isEmpty())
            profile.topic = topic;
        if (!user.isEmpty())
            profile.pg_user = user;

        QSettings settings(settings_path("dialog"), QSettings::IniFormat);
        ConnectionProfileStore store(&settings);
        NoSecretStore secrets;
        ConnectionProfileDialog dialog(store, secrets, std::nullopt);
        dialog.setProfile(profile);
        dialog.show();
        QSignalSpy tested(&dialog, &ConnectionProfileDialog::tested);
        QElapsedTimer timer;
        timer.start();
        dialog.testButton()->click();
        QVERIFY(!dialog.testButton()->isEnabled());
        QVERIFY(dialog.testing());
        // The GUI thread stays free: the event loop runs while the test is under way.
        QVERIFY(tested.wait(30000));
        qInfo("tested in %lld ms: %s | %s", timer.elapsed(),
              qPrintable(dialog.kafkaResult()->text()),
              qPrintable(dialog.postgresResult()->text()));
        const auto kafka = tested.first().at(0).value<ConnectionCheck>();
        const auto postgres = tested.first().at(1).value<ConnectionCheck>();
        QCOMPARE(kafka.ok, kafka_ok);
        QCOMPARE(postgres.ok, postgres_ok);
        QVERIFY2(dialog.kafkaResult()->text().contains(QRegularExpression(kafka_expected)),
                 qPrintable(dialog.kafkaResult()->text()));
        QVERIFY2(dialog.postgresResult()->text().contains(QRegularExpression(postgres_expected)),
                 qPrintable(dialog.postgresResult()->text()));
        QVERIFY(dialog.testButton()->isEnabled());
        if (kafka_closed)
            QVERIFY(dialog.grab().save(screenshot_dir() +
                                       QStringLiteral("/connection_profile_dialog_failed.png")));
        else if (kafka_ok && postgres_ok)
            QVERIFY(dialog.grab().save(screenshot_dir() +
                                       QStringLiteral("/connection_profile_dialog_ok.png")));
    }

    // A profile with TLS files against a private server that speaks TLS (certificates made by
    // openssl): the dialog's "Test connection" verifies the server with the profile's CA, sends
    // its client certificate, and says what failed when either does not fit.
    void testConnectionOverTls() {
        QTemporaryDir certificates;
        QVERIFY(certificates.isValid());
        std::unique_ptr<test::TlsPostgres> server;
        try {
            server = std::make_unique<test::TlsPostgres>(certificates.path().toStdString());
        } catch (const std::exception& error) {
            QFAIL(error.what());
        }
        const test::TestCertificates& files = server->certificates();
        const auto values = parse_conninfo(server->conninfo());
        struct Case {
            const char* what;
            QString user;
            std::string rootcert, cert, key;
            bool ok;
            QString expected;  // a regular expression for the PostgreSQL result label
        };
        const QString client = QLatin1String(test::TlsPostgres::kClientRole);
        const QString ok = QStringLiteral("^✓ PostgreSQL at 127\\.0\\.0\\.1:\\d+/\\w+: connected");
        const std::vector<Case> cases = {
            {"right CA", q(values.at("user")), files.ca_cert, {}, {}, true, ok},
            {"wrong CA",
             q(values.at("user")),
             files.other_ca_cert,
             {},
             {},
             false,
             QStringLiteral("^✗ PostgreSQL at 127\\.0\\.0\\.1:\\d+/\\w+: .*certificate verify "
                            "failed.*not signed by a CA in sslrootcert ") +
                 QRegularExpression::escape(q(files.other_ca_cert))},
            {"client certificate", client, files.ca_cert, files.client_cert, files.client_key, true,
             ok},
            {"client certificate missing",
             client,
             files.ca_cert,
             {},
             {},
             false,
             QStringLiteral("^✗ PostgreSQL.*certificate")},
        };
        QSettings settings(settings_path("tls-dialog"), QSettings::IniFormat);
        ConnectionProfileStore store(&settings);
        NoSecretStore secrets;
        for (const Case& c : cases) {
            ConnectionProfile profile = fixture_profile();
            profile.pg_port = server->port();
            profile.pg_database = q(values.at("dbname"));
            profile.pg_user = c.user;
            profile.pg_sslmode = QStringLiteral("verify-full");
            profile.pg_sslrootcert = q(c.rootcert);
            profile.pg_sslcert = q(c.cert);
            profile.pg_sslkey = q(c.key);
            QVERIFY2(profile.problem().isEmpty(), qPrintable(profile.problem()));
            ConnectionProfileDialog dialog(store, secrets, std::nullopt);
            dialog.setProfile(profile);
            dialog.show();
            QSignalSpy tested(&dialog, &ConnectionProfileDialog::tested);
            dialog.testButton()->click();
            QVERIFY(tested.wait(30000));
            const QString shown = dialog.postgresResult()->text();
            qInfo("%s: %s", c.what, qPrintable(shown));
            QCOMPARE(tested.first().at(1).value<ConnectionCheck>().ok, c.ok);
            QVERIFY2(shown.contains(QRegularExpression(c.expected)),
                     qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(c.what), shown)));
        }
    }

    // Saving through the dialog, and connecting through the list: the profile comes out with
    // the passwords asked for, ready for plan_for_profile().
    void managerSavesAndActivates() {
        QSettings settings(settings_path("manager"), QSettings::IniFormat);
        ConnectionProfileManager manager(&settings, std::make_unique<NoSecretStore>());
        ScriptedPrompt prompt;
        prompt.answers = {kPgPassword};
        manager.setPasswordPrompt(prompt.prompt());
        manager.show();
        QCOMPARE(manager.names()->rowCount(), 0);

        ConnectionProfileDialog* editor = manager.openEditor();
        QVERIFY(editor);
        ConnectionProfile profile = fixture_profile();
        profile.name = QString();
        editor->setProfile(profile);
        editor->save();  // refused: no name
        QVERIFY(editor->problemLabel()->isVisibleTo(editor));
        QVERIFY(editor->problemLabel()->text().contains(QStringLiteral("name")));
        profile.name = QStringLiteral("local fixture");
        profile.pg_password = kPgPassword;
        editor->setProfile(profile);
        QSignalSpy saved(editor, &ConnectionProfileDialog::saved);
        editor->save();
        QTRY_COMPARE(saved.count(), 1);
        QTRY_COMPARE(manager.names()->rowCount(), 1);
        QCOMPARE(manager.selectedName(), QStringLiteral("local fixture"));
        QVERIFY(manager.statusLabel()->text().contains(QStringLiteral("ask for the password")));
        QVERIFY(manager.grab().save(screenshot_dir() + QStringLiteral("/connection_profiles.png")));
        settings.sync();
        QVERIFY(!file_text(settings_path("manager")).contains(kPgPassword));

        QSignalSpy activated(&manager, &ConnectionProfileManager::profileActivated);
        manager.activate(QStringLiteral("local fixture"));
        QTRY_COMPARE(activated.count(), 1);
        const auto active = activated.first().at(0).value<ConnectionProfile>();
        QCOMPARE(active.pg_password, kPgPassword);
        QCOMPARE(prompt.asked.size(), 1);
        QCOMPARE(manager.store().last_used(), QStringLiteral("local fixture"));
        const RunPlan plan = plan_for_profile(active);
        QCOMPARE(plan.engine.source.bootstrap_servers, fixture_->bootstrap_servers());
        QVERIFY(plan.engine.sink.conninfo.find("password=") != std::string::npos);

        manager.removeProfile(QStringLiteral("local fixture"));
        QCOMPARE(manager.names()->rowCount(), 0);
    }

    // The payload storage format is a per-profile choice the dialog shows and returns.
    void dialogEditsThePayloadFormat() {
        QSettings settings(settings_path("payload_format"), QSettings::IniFormat);
        ConnectionProfileStore store(&settings);
        NoSecretStore secrets;
        ConnectionProfileDialog dialog(store, secrets, std::nullopt);
        auto* combo = dialog.findChild<QComboBox*>(QStringLiteral("combo_payload_format"));
        QVERIFY(combo);
        QCOMPARE(combo->currentData().toString(), QStringLiteral("jsonb"));  // the default
        dialog.setProfile(sample_profile());
        QCOMPARE(combo->currentData().toString(), QStringLiteral("zstd"));
        QVERIFY(combo->currentText().startsWith(QStringLiteral("zstd")));
        combo->setCurrentIndex(combo->findData(QStringLiteral("jsonb")));
        QCOMPARE(dialog.profile().payload_format, QStringLiteral("jsonb"));
        ConnectionProfile bad = sample_profile();
        bad.payload_format = QStringLiteral("gzip");
        QVERIFY(bad.problem().contains(QStringLiteral("gzip")));
    }
};

SPILLWAY_TEST_MAIN(TstConnectionProfiles)
#include "tst_connection_profiles.moc"
