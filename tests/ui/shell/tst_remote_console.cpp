// The console on a remote engine: a connection profile of kind "remote engine"
// keeps its URL in the settings and its API token in the keychain (never the file); the profile
// editor shows the remote fields and tests the address without blocking. Against a real headless
// engine (the spillway binary on the embedded demo, serving its control API on 127.0.0.1): the
// dashboard shows the remote engine's figures, a knob change made on the tuning page reaches it,
// a wrong token is refused and shown with the URL and HTTP status, and drain stops it.
#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QGroupBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QTcpServer>
#include <QTemporaryDir>
#include <set>

#include "core/pipeline/snapshot_json.h"
#include "support/child_service.h"
#include "support/pipeline_fixture.h"
#include "support/secret_test_doubles.h"
#include "support/test_main.h"
#include "ui/session/active_engine.h"
#include "ui/session/connection_profile.h"
#include "ui/profiles/connection_profile_dialog.h"
#include "ui/profiles/connection_profile_secrets.h"
#include "ui/shell/console.h"
#include "ui/shell/console_status_bar.h"
#include "ui/dashboard/dashboard_page.h"
#include "ui/widgets/elided_label.h"
#include "ui/session/engine_session.h"
#include "ui/group/group_instances_model.h"
#include "ui/group/group_page.h"
#include "ui/tuning/knob_form.h"
#include "ui/tuning/knob_history_model.h"
#include "ui/shell/main_window.h"
#include "ui/widgets/metric_tile.h"
#include "ui/dashboard/partition_lag_model.h"
#include "ui/shell/remote_console.h"
#include "ui/session/remote_engine_api.h"
#include "ui/tuning/tuning_page.h"

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

// A synchronous GET for the test's own look at the engine (the console never waits like this).
QJsonDocument api_get(const QUrl& url, const QString& token, int* status = nullptr) {
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    QNetworkReply* reply = network.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(10000);
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonDocument answer = QJsonDocument::fromJson(reply->readAll());
    reply->deleteLater();
    return answer;
}

QString tile_detail(const MainWindow& window, const char* name) {
    auto* tile = window.findChild<MetricTile*>(QLatin1String(name));
    return tile ? tile->detail() : QString();
}

// "12,345 consumed" -> 12345
qint64 leading_count(const QString& text) {
    QString digits;
    for (const QChar c : text) {
        if (c.isDigit())
            digits += c;
        else if (c != u',')
            break;
    }
    return digits.isEmpty() ? -1 : digits.toLongLong();
}

// A token file the engine accepts (owner-only).
QString write_token_file(const QTemporaryDir& dir) {
    const QString path = dir.filePath(QStringLiteral("api-token"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(kToken.toUtf8() + "\n");
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return path;
}

// Starts `arguments` and waits until it serves its API; 0 when it did not within a minute.
quint16 start_serving(QProcess& child, const QStringList& arguments, QString& err) {
    return test::start_serving(child, QStringLiteral(SPILLWAY_BINARY), arguments, err);
}

void stop_child(QProcess& child) {
    if (child.state() == QProcess::NotRunning)
        return;
    child.kill();
    child.waitForFinished(10000);
}

// "0, 2" -> {0, 2}
std::set<int> partition_set(const QString& text) {
    std::set<int> numbers;
    for (const QString& part : text.split(QStringLiteral(", "), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int number = part.toInt(&ok);
        if (ok)
            numbers.insert(number);
    }
    return numbers;
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

    // The real thing: a headless engine on the embedded demo with its control API, and the
    // console's pages over a RemoteEngineSession.
    void remoteEngineDrivesDashboardAndTuning() {
        QTemporaryDir scratch;
        const QString token_path = write_token_file(scratch);
        QVERIFY(!token_path.isEmpty());
        QProcess engine;
        test::ReleaseOnExit stop_engine([&engine] { stop_child(engine); });
        QString err;
        const quint16 port =
            start_serving(engine,
                          {"--headless", "--demo", "--rate", "400", "--events", "0", "--partitions",
                           "3", "--listen", "127.0.0.1:0", "--api-token-file", token_path},
                          err);
        QVERIFY2(port != 0, qPrintable(test::output_tail(err)));
        const QUrl base(QStringLiteral("http://127.0.0.1:%1").arg(port));

        ActiveEngine active;
        MainWindow window(ConsoleServices{[&active] { return active.snapshot(); }, &active});
        RemoteConsole remote(window, active, [&active] { active.clear(); });
        remote.session().set_request_timeout(std::chrono::seconds(5));
        window.show();
        ConnectionProfile profile = remote_profile(base.toString());
        remote.connectTo(profile);
        QTRY_VERIFY_WITH_TIMEOUT(window.currentPage() == window.dashboardPage(), 30000);

        // The dashboard shows the remote engine's figures: what it consumed lies between the
        // engine's own count before and after the console showed it.
        QTRY_VERIFY_WITH_TIMEOUT(leading_count(tile_detail(window, "tile_events_in")) > 0, 30000);
        const auto remote_snapshot = [&] {
            std::string error;
            const std::optional<Snapshot> snapshot = snapshot_from_json(
                api_get(api_url(base, QStringLiteral("/api/v1/snapshot")), kToken).object(),
                &error);
            return snapshot.value_or(Snapshot{});
        };
        const int64_t before = remote_snapshot().consumed;
        QVERIFY(before > 0);
        QTRY_VERIFY_WITH_TIMEOUT(leading_count(tile_detail(window, "tile_events_in")) >= before,
                                 5000);
        const qint64 shown = leading_count(tile_detail(window, "tile_events_in"));
        QVERIFY2(shown <= remote_snapshot().consumed,
                 qPrintable(tile_detail(window, "tile_events_in")));
        QCOMPARE(window.dashboardPage()->partitionLagModel()->rowCount(), 3);
        QVERIFY(window.grab().save(QDir::tempPath() +
                                   QStringLiteral("/spillway_remote_dashboard.png")));

        // A knob change on the tuning page reaches the remote engine.
        TuningPage* tuning = window.tuningPage();
        window.showPage(tuning);
        QTRY_COMPARE_WITH_TIMEOUT(tuning->form()->loaded().batch_size, 5000, 5000);
        qobject_cast<QSpinBox*>(tuning->form()->fieldWidget(KnobForm::Field::BatchSize))
            ->setValue(700);
        QSignalSpy applied(&remote.session(), &RemoteEngineSession::knobsApplied);
        QVERIFY(tuning->apply());
        QVERIFY(applied.wait(10000));
        const QJsonObject knobs =
            api_get(api_url(base, QStringLiteral("/api/v1/knobs")), kToken).object();
        QCOMPARE(knobs.value(QStringLiteral("batch_size")).toInt(), 700);
        // ... and comes back as the engine's change: the history and the form follow it.
        QTRY_COMPARE_WITH_TIMEOUT(tuning->historyModel()->rowCount(), 1, 5000);
        QCOMPARE(tuning->historyModel()->index(0, KnobHistoryModel::Origin).data().toString(),
                 QStringLiteral("api"));
        QTRY_COMPARE_WITH_TIMEOUT(tuning->form()->loaded().batch_size, 700, 5000);
        auto* status_bar = qobject_cast<ConsoleStatusBar*>(window.statusBar());
        QVERIFY(status_bar);
        auto* remote_error =
            status_bar->findChild<ElidedLabel*>(QStringLiteral("status_remote_error"));
        QVERIFY(remote_error && !remote_error->isVisible());

        // A wrong token: refused, and the console says where and why instead of showing figures.
        ActiveEngine other_active;
        MainWindow other(
            ConsoleServices{[&other_active] { return other_active.snapshot(); }, &other_active});
        RemoteConsole intruder(other, other_active, [&other_active] { other_active.clear(); });
        other.show();
        ConnectionProfile wrong = profile;
        wrong.api_token = QStringLiteral("not-the-token");
        intruder.connectTo(wrong);
        auto* other_bar = qobject_cast<ConsoleStatusBar*>(other.statusBar());
        auto* other_error =
            other_bar->findChild<ElidedLabel*>(QStringLiteral("status_remote_error"));
        QTRY_VERIFY_WITH_TIMEOUT(other_error->isVisible(), 10000);
        const QString problem = other_error->text();
        QVERIFY2(problem.contains(QStringLiteral("GET %1/api/v1/snapshot").arg(base.toString())),
                 qPrintable(problem));
        QVERIFY2(problem.contains(QStringLiteral("HTTP 401")), qPrintable(problem));
        QVERIFY(!problem.contains(QStringLiteral("not-the-token")));
        QVERIFY(!intruder.connected());
        QVERIFY(other.currentPage() != other.dashboardPage());

        // The console itself: a remote-engine profile needs no local session; its pages show the
        // remote engine, and the group view is one of them.
        {
            Console console(RunPlan{});
            console.window().show();
            console.connectProfile(profile);
            QTRY_VERIFY_WITH_TIMEOUT(
                console.window().currentPage() == console.window().dashboardPage(), 30000);
            QVERIFY(!console.session().active());
            QTRY_VERIFY_WITH_TIMEOUT(
                leading_count(tile_detail(console.window(), "tile_events_in")) >= before, 5000);
            QVERIFY(console.window().findChild<GroupPage*>(QStringLiteral("page_group")));
        }

        // Drain: the remote engine stops gracefully and exits.
        QSignalSpy drained(&remote.session(), &RemoteEngineSession::drainAccepted);
        remote.session().request_drain();
        QVERIFY(drained.wait(10000));
        QVERIFY2(engine.waitForFinished(60000), qPrintable(test::output_tail(err)));
        QCOMPARE(engine.exitStatus(), QProcess::NormalExit);
        // The session keeps the last figures and says the engine is gone.
        QTRY_VERIFY_WITH_TIMEOUT(remote_error->isVisible(), 10000);
        QVERIFY(window.dashboardPage()->isVisible() || window.tuningPage()->isVisible());
    }

    // The group view: two headless instances in one consumer group on a shared (mock) Kafka and
    // PostgreSQL, both watched side by side; Kafka splits the partitions between them, and when
    // one drains and leaves, the other is seen taking all of them.
    void groupViewShowsTheInstancesSideBySide() {
        test::PipelineFixture fixture(4);
        QTemporaryDir scratch;
        const QString token_path = write_token_file(scratch);
        QVERIFY(!token_path.isEmpty());
        QProcess first, second;
        test::ReleaseOnExit stop_both([&] {
            stop_child(first);
            stop_child(second);
        });
        const QStringList extra{"--listen", "127.0.0.1:0", "--api-token-file", token_path};
        QString first_err, second_err;
        const quint16 first_port = start_serving(
            first, test::service_arguments(fixture, "group-view", "gv_events", "gv_dead", extra),
            first_err);
        QVERIFY2(first_port != 0, qPrintable(test::output_tail(first_err)));
        const quint16 second_port = start_serving(
            second, test::service_arguments(fixture, "group-view", "gv_events", "gv_dead", extra),
            second_err);
        QVERIFY2(second_port != 0, qPrintable(test::output_tail(second_err)));

        QSettings settings(settings_path("group"), QSettings::IniFormat);
        ConnectionProfileStore store(&settings);
        auto secrets = std::make_unique<MemorySecretStore>();
        for (const auto& [name, port] :
             {std::pair{"instance a", first_port}, {"instance b", second_port}}) {
            ConnectionProfile profile =
                remote_profile(QStringLiteral("http://127.0.0.1:%1").arg(port));
            profile.name = QString::fromLatin1(name);
            profile.api_has_token = true;
            profile.api_token.clear();
            store.save(profile);
            secrets->secrets[secret_key(profile.name, "api_token")] = kToken;
        }
        ConnectionProfile pipeline;  // not a remote engine: not in the group view
        pipeline.name = QStringLiteral("local pipeline");
        pipeline.bootstrap_servers = QStringLiteral("127.0.0.1:9092");
        store.save(pipeline);

        GroupPage page(&settings, std::move(secrets));
        ScriptedPrompt prompt;  // the keychain has every token: nothing is asked
        page.setPasswordPrompt(prompt.prompt());
        GroupInstancesModel* model = page.model();
        QAbstractItemModelTester tester(model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        page.resize(900, 500);
        page.show();
        page.findChild<QPushButton*>(QStringLiteral("button_watch_group"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(model->columnCount(), 2, 5000);
        QVERIFY(prompt.asked.isEmpty());
        QCOMPARE(model->headerData(0, Qt::Horizontal).toString(), QStringLiteral("instance a"));
        QCOMPARE(model->headerData(1, Qt::Horizontal).toString(), QStringLiteral("instance b"));

        const auto cell = [model](GroupInstancesModel::Figure figure, int column) {
            return model->index(figure, column).data().toString();
        };
        const auto assigned = [&](int column) {
            return partition_set(cell(GroupInstancesModel::Partitions, column));
        };
        // Both run and the four partitions are split between them, none twice.
        QTRY_VERIFY_WITH_TIMEOUT(assigned(0).size() + assigned(1).size() == 4 &&
                                     !assigned(0).empty() && !assigned(1).empty(),
                                 90000);
        std::set<int> all = assigned(0);
        const std::set<int> second_share = assigned(1);
        all.insert(second_share.begin(), second_share.end());
        QCOMPARE(all, (std::set<int>{0, 1, 2, 3}));
        QCOMPARE(cell(GroupInstancesModel::State, 0), QStringLiteral("running"));
        QCOMPARE(cell(GroupInstancesModel::State, 1), QStringLiteral("running"));
        QCOMPARE(cell(GroupInstancesModel::BatchSize, 0), QStringLiteral("5,000"));
        QVERIFY(page.grab().save(QDir::tempPath() + QStringLiteral("/spillway_group_view.png")));

        // The second drains (POST /api/v1/drain) and leaves the group: the first takes over
        // every partition, and the second's column says it no longer answers.
        QSignalSpy drained(model->session(1), &RemoteEngineSession::drainAccepted);
        model->session(1)->request_drain();
        QVERIFY(drained.wait(10000));
        QVERIFY2(second.waitForFinished(60000), qPrintable(test::output_tail(second_err)));
        QTRY_COMPARE_WITH_TIMEOUT(assigned(0), (std::set<int>{0, 1, 2, 3}), 90000);
        QTRY_VERIFY_WITH_TIMEOUT(
            cell(GroupInstancesModel::State, 1).contains(QStringLiteral("not answering")), 10000);
        QVERIFY(model->index(GroupInstancesModel::State, 1)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("/api/v1/snapshot")));
    }
};

SPILLWAY_TEST_MAIN(TstRemoteConsole)
#include "tst_remote_console.moc"
