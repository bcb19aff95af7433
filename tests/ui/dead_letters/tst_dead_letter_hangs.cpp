// The dead-letter workbench must not freeze or crash the console when the store is slow or goes
// away: destroying the service (a session switch) does not wait on the GUI thread for a request
// that is still running, a replay dialog outlives its service, a local export can be cancelled,
// and a query the database does not answer ends with a statement timeout. A scripted backend
// stands in for a slow store; the statement timeout runs against a private PostgreSQL.
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <atomic>
#include <chrono>
#include <memory>
#include <ostream>
#include <thread>

#include "core/dead_letters/dead_letter_store.h"
#include "core/demo/embedded_postgres.h"
#include "core/postgres/pg_connection.h"
#include "support/test_main.h"
#include "ui/dead_letters/dead_letter_controller.h"
#include "ui/dead_letters/dead_letter_page.h"
#include "ui/dead_letters/dead_letter_replay_dialog.h"
#include "ui/session/dead_letter_service.h"

using namespace spillway;
using namespace std::chrono_literals;

namespace {

// What the scripted backend and the test share; it outlives both the backend and the service.
struct Script {
    std::atomic<bool> entered{false};    // a slow call has started
    std::atomic<bool> release{false};    // the test lets a slow call end
    std::atomic<bool> destroyed{false};  // the backend's destructor ran (the worker ended)
    std::atomic<int> progress_calls{0};  // replay progress callbacks made
    std::atomic<bool> progress_said_stop{false};
    std::chrono::seconds slow_for{20};  // a slow call ends by itself after this at the latest
    bool slow_count = false;            // count() waits like a database that does not answer

    // Blocks like a database that does not answer, until released or slow_for is over.
    void wait_slowly() {
        entered = true;
        const auto until = std::chrono::steady_clock::now() + slow_for;
        while (!release && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(10ms);
    }
};

class ScriptedBackend final : public DeadLetterBackend {
public:
    explicit ScriptedBackend(std::shared_ptr<Script> script) : script_(std::move(script)) {}
    ~ScriptedBackend() override { script_->destroyed = true; }

    void ensure_schema() override {}
    int64_t count(const DeadLetterFilter&) override {
        if (script_->slow_count)
            script_->wait_slowly();
        return 0;
    }
    std::vector<DeadLetterSummary> page(const DeadLetterFilter&,
                                        const DeadLetterPageRequest&) override {
        return {};
    }
    std::vector<ReasonCount> counts_by_reason(const DeadLetterFilter&) override { return {}; }
    std::optional<DeadLetterEntry> read(int64_t) override { return std::nullopt; }
    EditResult edit_payload(int64_t, const std::string&, const std::string&) override { return {}; }
    // A dry run answers at once; a real replay works through chunks slowly, asking progress
    // after each, as DeadLetterStore does.
    ReplayReport replay(const DeadLetterSelection& selection,
                        const ReplayOptions& options) override {
        ReplayReport report;
        report.dry_run = options.dry_run;
        report.selected = int64_t(selection.ids().size());
        if (options.dry_run) {
            report.processed = report.written = report.selected;
            return report;
        }
        script_->entered = true;
        for (int chunk = 0; chunk < 2000; ++chunk) {
            std::this_thread::sleep_for(10ms);
            ++script_->progress_calls;
            if (options.progress && !options.progress(chunk, 2000)) {
                script_->progress_said_stop = true;
                report.cancelled = true;
                break;
            }
        }
        return report;
    }
    DiscardResult discard(const DeadLetterSelection&, const std::string&,
                          const std::string&) override {
        return {};
    }
    // Writes a line every 10 ms for up to slow_for, as a big table would.
    int64_t export_entries(const DeadLetterSelection&, ExportFormat, std::ostream& out,
                           const std::string&) override {
        script_->entered = true;
        int64_t written = 0;
        const auto until = std::chrono::steady_clock::now() + script_->slow_for;
        while (std::chrono::steady_clock::now() < until) {
            out << "{\"id\":" << written++ << "}\n";
            out.flush();
            std::this_thread::sleep_for(10ms);
        }
        return written;
    }
    std::vector<DeadLetterAuditRow> audit_log(int) override { return {}; }

private:
    std::shared_ptr<Script> script_;
};

std::unique_ptr<DeadLetterService> scripted_service(const std::shared_ptr<Script>& script) {
    return std::make_unique<DeadLetterService>(
        [script](const std::atomic<bool>&) { return std::make_unique<ScriptedBackend>(script); });
}

}  // namespace

class TestDeadLetterHangs : public QObject {
    Q_OBJECT

private slots:
    // A session switch destroys the service while a request waits on a database that does not
    // answer: the GUI thread goes on at once; the worker ends by itself later.
    void destroyingTheServiceDoesNotWaitForTheRequest() {
        auto script = std::make_shared<Script>();
        script->slow_count = true;
        auto service = scripted_service(script);
        QObject receiver;
        bool answered = false;
        service->run(
            &receiver, QStringLiteral("counting"),
            [](DeadLetterBackend& store) { return store.count({}); },
            [&answered](int64_t) { answered = true; });
        QTRY_VERIFY_WITH_TIMEOUT(script->entered.load(), 10000);
        QElapsedTimer timer;
        timer.start();
        service.reset();
        const qint64 destroy_ms = timer.elapsed();
        qInfo("destroying the service took %lld ms while a %lld s request ran", destroy_ms,
              static_cast<long long>(script->slow_for.count()));
        // Generous: the request would hold a joining destructor for 20 s.
        QVERIFY2(destroy_ms < 5000, qPrintable(QString::number(destroy_ms)));
        QVERIFY(!script->destroyed);  // the request is still running on its own
        script->release = true;
        QTRY_VERIFY_WITH_TIMEOUT(script->destroyed.load(), 10000);
        QTest::qWait(50);    // any answer the worker posted would be delivered now
        QVERIFY(!answered);  // the service was gone: its answer is dropped, not delivered
    }

    // The dialog keeps its service only while it exists: "Replay for real" after a session
    // switch says the store is gone instead of using a destroyed service.
    void replayDialogOutlivesItsService() {
        auto script = std::make_shared<Script>();
        auto service = scripted_service(script);
        DeadLetterReplayDialog dialog(service.get(),
                                      DeadLetterSelection(std::vector<int64_t>{1, 2}),
                                      QStringLiteral("2 entries"));
        dialog.show();
        QTRY_COMPARE_WITH_TIMEOUT(dialog.stage(), DeadLetterReplayDialog::Stage::DryRunDone, 10000);
        QVERIFY(dialog.replayButton()->isEnabled());
        service.reset();
        QTRY_VERIFY_WITH_TIMEOUT(script->destroyed.load(), 10000);
        dialog.replayButton()->click();
        QCOMPARE(dialog.stage(), DeadLetterReplayDialog::Stage::Failed);
        auto* counts = dialog.findChild<QLabel*>(QStringLiteral("label_replay_counts"));
        QVERIFY(counts);
        qInfo("shown: %s", qPrintable(counts->text()));
        QVERIFY2(counts->text().contains(QStringLiteral("no longer connected")),
                 qPrintable(counts->text()));
    }

    // The service goes away while a real replay runs: the replay hears "stop" at its next chunk,
    // the GUI thread does not wait for it, and the dialog is not called from the dead service.
    void serviceDestroyedDuringAReplay() {
        auto script = std::make_shared<Script>();
        auto service = scripted_service(script);
        auto dialog = std::make_unique<DeadLetterReplayDialog>(
            service.get(), DeadLetterSelection(std::vector<int64_t>{1}), QStringLiteral("1 entry"),
            1);
        QTRY_COMPARE_WITH_TIMEOUT(dialog->stage(), DeadLetterReplayDialog::Stage::DryRunDone,
                                  10000);
        dialog->replayForReal();
        QTRY_VERIFY_WITH_TIMEOUT(script->progress_calls.load() > 3, 10000);
        QElapsedTimer timer;
        timer.start();
        service.reset();
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
        QTRY_VERIFY_WITH_TIMEOUT(script->destroyed.load(), 10000);
        QVERIFY(script->progress_said_stop);
        QVERIFY(script->progress_calls < 2000);
        QCOMPARE(dialog->stage(), DeadLetterReplayDialog::Stage::Failed);
        dialog.reset();
        QTest::qWait(50);
    }

    // A local export of a big selection can be cancelled from the page: the Cancel button shows
    // while it runs, the export stops, the partial file is removed and the line says so.
    void localExportCanBeCancelled() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("export.jsonl"));
        auto script = std::make_shared<Script>();
        DeadLetterPage page;
        page.setService(scripted_service(script));
        page.show();
        auto* cancel = page.findChild<QPushButton*>(QStringLiteral("button_cancel_export"));
        QVERIFY2(cancel, "no Cancel button for an export");
        QVERIFY(!cancel->isVisible());
        QSignalSpy finished(&page, &DeadLetterPage::actionFinished);
        page.exportTo(DeadLetterSelection(std::vector<int64_t>{1}), ExportFormat::JsonLines, path);
        QTRY_VERIFY_WITH_TIMEOUT(script->entered.load(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(QFile(path).size() > 0, 10000);
        QVERIFY(cancel->isVisible());
        QElapsedTimer timer;
        timer.start();
        cancel->click();
        QVERIFY(finished.wait(10000));
        qInfo("cancelled after %lld ms: %s", timer.elapsed(),
              qPrintable(finished.first().at(0).toString()));
        QVERIFY(!finished.first().at(1).toBool());
        QVERIFY2(finished.first().at(0).toString().contains(QStringLiteral("cancelled")),
                 qPrintable(finished.first().at(0).toString()));
        QVERIFY(!QFile::exists(path));
        QVERIFY(!cancel->isVisible());
        QCOMPARE(page.statusLabel()->text(), finished.first().at(0).toString());
    }

    // A query the database holds (a lock another session keeps) ends with the console's
    // statement timeout and says so, instead of leaving the workbench waiting for ever.
    void queriesEndWithAStatementTimeout() {
        EmbeddedPostgres postgres;
        try {
            postgres.start();
        } catch (const std::exception& error) {
            QFAIL(error.what());
        }
        SinkOptions sink;
        sink.conninfo = postgres.conninfo();
        DeadLetterStore(sink).ensure_schema();
        PgConnection locker(postgres.conninfo());
        locker.exec("BEGIN; LOCK TABLE " + quote_table_name(sink.dead_letter_table) +
                    " IN ACCESS EXCLUSIVE MODE");
        {
            DeadLetterPage page;
            page.setStore(sink);
            page.show();
            // Released whatever happens, before the page goes (a failed check returns early).
            auto unlock = qScopeGuard([&locker] { locker.exec("ROLLBACK"); });
            auto* problem = page.findChild<QLabel*>(QStringLiteral("label_dead_letter_problem"));
            QVERIFY(problem);
            QElapsedTimer timer;
            timer.start();
            QTRY_VERIFY_WITH_TIMEOUT(problem->isVisible(), 90000);
            qInfo("after %lld ms: %s", timer.elapsed(), qPrintable(problem->text()));
            QVERIFY2(problem->text().contains(QStringLiteral("statement timeout")),
                     qPrintable(problem->text()));
        }
    }
};

SPILLWAY_TEST_MAIN(TestDeadLetterHangs)
#include "tst_dead_letter_hangs.moc"
