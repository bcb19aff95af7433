// The console on a remote engine (issue 6, item 3): a connection profile of kind "remote engine"
// keeps its URL in the settings and its API token in the keychain (never the file); the profile
// editor shows the remote fields and tests the address without blocking.
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTcpServer>
#include <QTemporaryDir>

#include "support/secret_test_doubles.h"
#include "support/test_main.h"
#include "ui/connection_profile.h"
#include "ui/connection_profile_dialog.h"
#include "ui/connection_profile_secrets.h"

using namespace spillway;
using spillway::test::MemorySecretStore;
using spillway::test::ScriptedPrompt;

namespace {

const QString kToken = QStringLiteral("7f3a-remote-token-5c2e");

ConnectionProfile remote_profile(const QString& url = QStringLiteral("http://127.0.0.1:9464")) {
    ConnectionProfile p;
    p.name = QStringLiteral("remote / lab");
    p.kind = ProfileKind::RemoteEngine;
    p.engine_url = url;
    p.api_token = kToken;
    return p;
}

QString file_text(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

// A loopback port nothing listens on: bound, noted, released.
quint16 closed_port() {
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

}  // namespace

class TstRemoteConsole : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    QString settings_path(const char* name) const {
        return dir_.filePath(QString::fromLatin1(name) + QStringLiteral(".ini"));
    }

private slots:
    void profileProblems_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("token");
        QTest::addColumn<QString>("problem");  // empty: valid
        QTest::newRow("valid") << "http://127.0.0.1:9464"
                               << "t"
                               << "";
        QTest::newRow("https with a path") << "https://engine.lab:8443/spillway"
                                           << "t"
                                           << "";
        QTest::newRow("no scheme") << "127.0.0.1:9464"
                                   << "t"
                                   << "control API's address";
        QTest::newRow("not http") << "ftp://127.0.0.1:9464"
                                  << "t"
                                  << "control API's address";
        QTest::newRow("empty") << ""
                               << "t"
                               << "control API's address";
        QTest::newRow("no token") << "http://127.0.0.1:9464"
                                  << ""
                                  << "API token";
    }
    void profileProblems() {
        QFETCH(QString, url);
        QFETCH(QString, token);
        QFETCH(QString, problem);
        ConnectionProfile profile = remote_profile(url);
        profile.api_token = token;
        if (problem.isEmpty())
            QCOMPARE(profile.problem(), QString());
        else
            QVERIFY2(profile.problem().contains(problem), qPrintable(profile.problem()));
    }

    // The token goes to the keychain, the URL and kind to the file; connecting reads the token
    // back without asking. Without a keychain the token is asked for, naming the engine.
    void tokenInKeychainNotInFile() {
        QSettings settings(settings_path("remote"), QSettings::IniFormat);
        ConnectionProfileStore store(&settings);
        MemorySecretStore secrets;
        std::optional<ConnectionProfile> saved;
        save_profile(store, secrets, remote_profile(),
                     [&](const ConnectionProfile& profile, const QString&) { saved = profile; });
        QTRY_VERIFY(saved.has_value());
        QCOMPARE(secrets.secrets.at(secret_key(QStringLiteral("remote / lab"), "api_token")),
                 kToken);
        settings.sync();
        const QString text = file_text(settings_path("remote"));
        QVERIFY(text.contains(QStringLiteral("remote_engine")));
        QVERIFY(text.contains(QStringLiteral("http://127.0.0.1:9464")));
        QVERIFY(!text.contains(kToken));

        const std::optional<ConnectionProfile> loaded = store.load(QStringLiteral("remote / lab"));
        QVERIFY(loaded);
        QVERIFY(loaded->is_remote());
        QCOMPARE(loaded->engine_url, QStringLiteral("http://127.0.0.1:9464"));
        QVERIFY(loaded->api_has_token);
        QVERIFY(loaded->api_token.isEmpty());
        QCOMPARE(loaded->address(), QStringLiteral("http://127.0.0.1:9464"));
        QVERIFY(loaded->describe().contains(QStringLiteral("Remote engine")));

        ScriptedPrompt prompt;
        std::optional<ConnectionProfile> resolved;
        resolve_secrets(secrets, *loaded, prompt.prompt(),
                        [&](std::optional<ConnectionProfile> p, const QString&) { resolved = p; });
        QTRY_VERIFY(resolved.has_value());
        QVERIFY(prompt.asked.isEmpty());
        QCOMPARE(resolved->api_token, kToken);

        // Editing without retyping keeps the stored token.
        ConnectionProfile edited = *loaded;
        edited.engine_url = QStringLiteral("http://127.0.0.1:9465");
        saved.reset();
        save_profile(store, secrets, edited,
                     [&](const ConnectionProfile& profile, const QString&) { saved = profile; });
        QTRY_VERIFY(saved.has_value());
        QVERIFY(store.load(QStringLiteral("remote / lab"))->api_has_token);

        QSettings plain_settings(settings_path("remote_no_keychain"), QSettings::IniFormat);
        ConnectionProfileStore plain_store(&plain_settings);
        NoSecretStore no_keychain;
        saved.reset();
        save_profile(plain_store, no_keychain, remote_profile(),
                     [&](const ConnectionProfile& profile, const QString&) { saved = profile; });
        QTRY_VERIFY(saved.has_value());
        QCOMPARE(saved->secret_storage, SecretStorage::AskEachTime);
        plain_settings.sync();
        QVERIFY(!file_text(settings_path("remote_no_keychain")).contains(kToken));
        ScriptedPrompt asking;
        asking.answers = {kToken};
        resolved.reset();
        resolve_secrets(no_keychain, *plain_store.load(QStringLiteral("remote / lab")),
                        asking.prompt(),
                        [&](std::optional<ConnectionProfile> p, const QString&) { resolved = p; });
        QTRY_VERIFY(resolved.has_value());
        QCOMPARE(
            asking.asked,
            QStringList{QStringLiteral("API token of the remote engine at http://127.0.0.1:9464")});
        QCOMPARE(resolved->api_token, kToken);
    }

    // The editor: choosing "remote engine" swaps the Kafka and PostgreSQL boxes for the address
    // and token; "Test connection" against a closed port says so with the URL, and the window
    // stays responsive meanwhile.
    void dialogForRemoteEngine() {
        QSettings settings(settings_path("dialog"), QSettings::IniFormat);
        ConnectionProfileStore store(&settings);
        MemorySecretStore secrets;
        ConnectionProfileDialog dialog(store, secrets, std::nullopt);
        dialog.show();
        auto* kind = dialog.findChild<QComboBox*>(QStringLiteral("combo_profile_kind"));
        auto* url = dialog.findChild<QLineEdit*>(QStringLiteral("edit_engine_url"));
        auto* token = dialog.findChild<QLineEdit*>(QStringLiteral("edit_api_token"));
        auto* bootstrap = dialog.findChild<QLineEdit*>(QStringLiteral("edit_bootstrap_servers"));
        QVERIFY(kind && url && token && bootstrap);
        QVERIFY(bootstrap->isVisible());
        QVERIFY(!url->isVisible());

        kind->setCurrentIndex(kind->findData(int(ProfileKind::RemoteEngine)));
        QVERIFY(url->isVisible());
        QVERIFY(token->isVisible());
        QVERIFY(!bootstrap->isVisible());
        QCOMPARE(token->echoMode(), QLineEdit::Password);

        const quint16 port = closed_port();
        QVERIFY(port != 0);
        const QString address = QStringLiteral("http://127.0.0.1:%1").arg(port);
        dialog.findChild<QLineEdit*>(QStringLiteral("edit_profile_name"))
            ->setText(QStringLiteral("lab"));
        url->setText(address);
        token->setText(kToken);
        QSignalSpy tested(&dialog, &ConnectionProfileDialog::remoteTested);
        dialog.testButton()->click();
        QVERIFY(!dialog.testButton()->isEnabled());
        QVERIFY(tested.wait(10000));
        const auto check = tested.first().at(0).value<ConnectionCheck>();
        QVERIFY(!check.ok);
        const QString shown = dialog.remoteResult()->text();
        QVERIFY2(shown.contains(QStringLiteral("GET %1/api/v1/status").arg(address)),
                 qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("refused"), Qt::CaseInsensitive), qPrintable(shown));
        QVERIFY(!shown.contains(kToken));
        QVERIFY(dialog.testButton()->isEnabled());

        QSignalSpy saved(&dialog, &ConnectionProfileDialog::saved);
        dialog.save();
        QTRY_COMPARE(saved.count(), 1);
        const std::optional<ConnectionProfile> stored = store.load(QStringLiteral("lab"));
        QVERIFY(stored && stored->is_remote());
        QCOMPARE(stored->engine_url, address);
        QCOMPARE(secrets.secrets.at(secret_key(QStringLiteral("lab"), "api_token")), kToken);

        // Reopened, the editor shows the remote fields with the token kept in the keychain.
        ConnectionProfileDialog reopened(store, secrets, stored);
        reopened.show();
        QCOMPARE(reopened.findChild<QLineEdit*>(QStringLiteral("edit_engine_url"))->text(),
                 address);
        QVERIFY(
            !reopened.findChild<QLineEdit*>(QStringLiteral("edit_bootstrap_servers"))->isVisible());
        QVERIFY(reopened.findChild<QLineEdit*>(QStringLiteral("edit_api_token"))
                    ->placeholderText()
                    .contains(QStringLiteral("keychain")));
    }
};

SPILLWAY_TEST_MAIN(TstRemoteConsole)
#include "tst_remote_console.moc"
