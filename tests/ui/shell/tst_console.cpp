// The console as a person uses it, on the real embedded demo (mock Kafka + private PostgreSQL +
// load generator): the window comes up on the dashboard, the dead-letter workbench is connected to
// the running engine's store and shows the demo's malformed events, switching to a saved profile
// drains the demo and connects to that profile's systems (whose events then land in its
// database), and a new console restores the last used profile on start.

#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>

#include "core/demo/load_generator.h"
#include "support/pipeline_fixture.h"
#include "support/test_main.h"
#include "ui/session/connection_profile.h"
#include "ui/profiles/connection_profile_manager.h"
#include "ui/shell/console.h"
#include "ui/dashboard/dashboard_page.h"
#include "ui/dead_letters/dead_letter_model.h"
#include "ui/dead_letters/dead_letter_page.h"
#include "ui/session/engine_session.h"
#include "ui/shell/main_window.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

namespace {

constexpr int kStartTimeoutMs = 90000;

RunPlan small_demo() {
    RunPlan plan;
    plan.demo = true;
    plan.environment.kafka.brokers = 1;
    plan.environment.kafka.partitions = 3;
    plan.load.rate_per_sec = 400;
    plan.load.malformed_share = 0.05;
    plan.engine.knobs.flush_interval_ms = 50;
    return plan;
}

// A profile for the fixture's systems (the embedded PostgreSQL trusts loopback: no password).
ConnectionProfile profile_for(const PipelineFixture& fixture, const QString& name) {
    ConnectionProfile profile;
    profile.name = name;
    profile.bootstrap_servers = QString::fromStdString(fixture.bootstrap_servers());
    profile.topic = QString::fromStdString(fixture.topic());
    profile.group = QStringLiteral("console-test");
    const QString conninfo = QString::fromStdString(fixture.conninfo());
    for (const QString& pair : conninfo.split(u' ', Qt::SkipEmptyParts)) {
        const QString key = pair.section(u'=', 0, 0), value = pair.section(u'=', 1);
        if (key == "host")
            profile.pg_host = value;
        else if (key == "port")
            profile.pg_port = value.toInt();
        else if (key == "dbname")
            profile.pg_database = value;
        else if (key == "user")
            profile.pg_user = value;
    }
    profile.pg_sslmode = QStringLiteral("disable");
    return profile;
}

}  // namespace

class TestConsole : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        // Profiles and the last used one go to a test-only settings file.
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("spillway-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_console"));
        QSettings().clear();
    }

    void demoWorkbenchAndProfileSwitch() {
        Console console(small_demo());
        QSignalSpy started(&console, &Console::sessionStarted);
        console.begin();
        QVERIFY(console.window().isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, kStartTimeoutMs);
        QCOMPARE(console.window().currentPage(),
                 static_cast<QWidget*>(console.window().dashboardPage()));

        // The workbench is on the demo's dead-letter table and shows its malformed events.
        DeadLetterPage* workbench = console.window().deadLetterPage();
        QVERIFY(workbench->service());
        console.window().showPage(workbench);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                workbench->refresh();
                QTest::qWait(300);
                return workbench->model()->rowCount() > 0;
            }(),
            30000);
        const std::string reason = workbench->model()->summary(0).reason;
        QVERIFY2(!reason.empty() && reason != "overflow", reason.c_str());

        // A saved profile for other systems: connecting drains the demo first, then starts there.
        PipelineFixture other(2, 1, "orders");
        const ConnectionProfile profile = profile_for(other, QStringLiteral("staging"));
        ConnectionProfileStore().save(profile);
        ConnectionProfileManager* manager = console.openProfiles();
        QVERIFY(manager->isVisible());
        manager->select(profile.name);
        QCOMPARE(manager->selectedName(), profile.name);
        QTest::mouseClick(manager->findChild<QPushButton*>("button_connect_profile"),
                          Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 2, kStartTimeoutMs);
        const std::optional<EngineOptions> options = console.session().engine_options();
        QVERIFY(options);
        QCOMPARE(options->source.bootstrap_servers, other.bootstrap_servers());
        QCOMPARE(options->source.topic, std::string("orders"));
        QCOMPARE(ConnectionProfileStore().last_used(), profile.name);
        QVERIFY(console.session().demo_status().available == false);

        // Events produced there land in that profile's database.
        LoadGenerator generator(other.load_options(500));
        generator.start();
        generator.wait();
        QTRY_COMPARE_WITH_TIMEOUT(other.scalar("SELECT count(*) FROM events"), int64_t(500), 30000);
        // And the workbench followed: it now reads the profile's (empty) dead-letter table.
        workbench->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(workbench->model()->rowCount(), 0, 10000);
    }

    void lastProfileReconnectsOnStart() {
        PipelineFixture other(2, 1, "payments");
        ConnectionProfile profile = profile_for(other, QStringLiteral("production"));
        ConnectionProfileStore().save(profile);
        ConnectionProfileStore().set_last_used(profile.name);

        Console console(RunPlan{});  // no demo, no addresses: the last profile comes back
        QSignalSpy started(&console, &Console::sessionStarted);
        console.begin();
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, kStartTimeoutMs);
        const std::optional<EngineOptions> options = console.session().engine_options();
        QVERIFY(options);
        QCOMPARE(options->source.bootstrap_servers, other.bootstrap_servers());
        QCOMPARE(options->source.topic, std::string("payments"));

        // Starting the demo from here forgets the profile for the next start.
        console.startDemo();
        QCOMPARE(ConnectionProfileStore().last_used(), QString());
    }
};

SPILLWAY_TEST_MAIN(TestConsole)
#include "tst_console.moc"
