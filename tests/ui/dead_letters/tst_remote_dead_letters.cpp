// The dead-letter workbench on a remote engine: the real `spillway --headless
// --demo` with malformed messages in its load serves its control API on 127.0.0.1, and a
// DeadLetterPage works on it through RemoteDeadLetterStore. The table and reason counts fill with
// the demo's malformed entries, the detail shows an entry's payload, an edit to valid JSON is
// dry-run then replayed (the entry ends "replayed", the event is in the engine's events table),
// Cancel stops a chunked replay, discard and export are audited, and a wrong token reads as
// HTTP 401 with the URL and without the token. A RemoteConsole points the window's workbench at
// the engine it connects to and clears it when it leaves.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QTemporaryDir>

#include "support/child_service.h"
#include "support/test_main.h"
#include "ui/session/active_engine.h"
#include "ui/session/connection_profile.h"
#include "ui/dead_letters/dead_letter_audit_model.h"
#include "ui/dead_letters/dead_letter_detail_pane.h"
#include "ui/dead_letters/dead_letter_model.h"
#include "ui/dead_letters/dead_letter_page.h"
#include "ui/dead_letters/dead_letter_reason_model.h"
#include "ui/dead_letters/dead_letter_replay_dialog.h"
#include "ui/session/dead_letter_service.h"
#include "ui/shell/main_window.h"
#include "ui/shell/remote_console.h"
#include "ui/session/remote_engine_api.h"

using namespace spillway;

namespace {

constexpr int kTimeoutMs = 30000;
const QString kToken = QStringLiteral("4b1d-dead-letter-token-9e0c");

// The test's own look at the engine, blocking (the workbench does this on its worker thread).
QJsonObject api_entry(const QUrl& base, int64_t id) {
    QNetworkAccessManager network;
    const QUrl url = api_url(base, QStringLiteral("/api/v1/dead-letters/%1").arg(id));
    QNetworkReply* reply = network.get(api_request(url, kToken, std::chrono::seconds(10)));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(15000);
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return answer;
}

bool wait_settled(DeadLetterPage& page) {
    return QTest::qWaitFor(
        [&] {
            return page.service() && page.service()->pending() == 0 && !page.model()->loading() &&
                   page.model()->totalCount() >= 0;
        },
        kTimeoutMs);
}

// Narrows the page to new entries whose payload contains `text` and waits for at least `rows`.
bool show_new_entries(DeadLetterPage& page, const QString& text, int rows) {
    page.setStatusFilter(QStringLiteral("new"));
    page.setTextFilter(text);
    page.applyFilterNow();
    return QTest::qWaitFor(
        [&] {
            page.refresh();
            return wait_settled(page) && page.model()->rowCount() >= rows;
        },
        kTimeoutMs);
}

}  // namespace

class TstRemoteDeadLetters : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QProcess engine_;
    QString err_;
    QUrl base_;

    std::unique_ptr<DeadLetterPage> open_page(const QString& token = kToken) {
        auto page = std::make_unique<DeadLetterPage>();
        page->resize(1400, 820);
        page->setRemote(base_, token);
        page->show();
        return page;
    }

private slots:
    void initTestCase() {
        const QString token_path = dir_.filePath(QStringLiteral("api-token"));
        QFile token_file(token_path);
        QVERIFY(token_file.open(QIODevice::WriteOnly));
        token_file.write(kToken.toUtf8() + "\n");
        token_file.close();
        token_file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        const quint16 port =
            test::start_serving(engine_, QStringLiteral(SPILLWAY_BINARY),
                                {"--headless", "--demo", "--rate", "400", "--events", "0",
                                 "--partitions", "3", "--malformed-share", "0.05", "--listen",
                                 "127.0.0.1:0", "--api-token-file", token_path},
                                err_);
        QVERIFY2(port != 0, qPrintable(test::output_tail(err_)));
        base_ = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    }

    void cleanupTestCase() {
        if (engine_.state() == QProcess::NotRunning)
            return;
        engine_.kill();
        engine_.waitForFinished(10000);
    }

    // The demo's malformed messages reach the remote table: rows, a count and reasons.
    void fillsWithTheDemosEntries() {
        auto page = open_page();
        QVERIFY(QTest::qWaitFor(
            [&] {
                page->refresh();
                return wait_settled(*page) && page->model()->rowCount() > 0 &&
                       page->reasonModel()->total() > 0;
            },
            kTimeoutMs));
        QVERIFY(page->model()->totalCount() >= page->model()->rowCount());
        bool malformed_listed = false;
        for (int row = 0; row < page->reasonModel()->rowCount(); ++row)
            malformed_listed |= page->reasonModel()->index(row, 0).data().toString() ==
                                QStringLiteral("malformed_json");
        QVERIFY(malformed_listed);
        const DeadLetterSummary first = page->model()->summary(0);
        QVERIFY(first.id > 0);
        QVERIFY(!first.reason.empty());
        QVERIFY(
            !page->findChild<QLabel*>(QStringLiteral("label_dead_letter_problem"))->isVisible());
    }

    // Read, edit, dry run, replay: the engine stores the fixed event and marks the entry.
    void editAndReplayOnTheEngine() {
        auto page = open_page();
        // The demo's plain-text log lines sent to the wrong topic: malformed_json.
        QVERIFY(show_new_entries(*page, QStringLiteral("garbage: device reboot"), 2));
        const int64_t id = page->model()->summary(0).id;
        const int64_t twin = page->model()->summary(1).id;
        QSignalSpy shown(page.get(), &DeadLetterPage::entryShown);
        page->selectIds({id});
        QVERIFY(shown.wait(kTimeoutMs));
        DeadLetterDetailPane* detail = page->detailPane();
        const QString stored = api_entry(base_, id).value(QStringLiteral("payload")).toString();
        QVERIFY2(stored.startsWith(QStringLiteral("garbage: device reboot")), qPrintable(stored));
        QCOMPARE(detail->payloadEditor()->toPlainText(), stored);

        const QString event_id = QStringLiteral("remote-fixed-%1").arg(id);
        const QString fixed =
            QStringLiteral("{\"event_id\":\"%1\",\"note\":\"fixed\"}").arg(event_id);
        detail->payloadEditor()->setPlainText(fixed);
        QTRY_VERIFY_WITH_TIMEOUT(detail->saveButton()->isEnabled(), 5000);
        detail->saveButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(api_entry(base_, id).value(QStringLiteral("payload")).toString(),
                                  fixed, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(
            detail->originalView()->toPlainText().contains(QStringLiteral("garbage")), kTimeoutMs);

        // The edited payload no longer matches the text filter: find it by its new text.
        QVERIFY(show_new_entries(*page, event_id, 1));
        page->selectIds({id});
        QCOMPARE(page->selectedIds(), std::vector{id});
        QPointer<DeadLetterReplayDialog> dialog = page->replaySelection();
        QVERIFY(dialog);
        QTRY_COMPARE_WITH_TIMEOUT(dialog->stage(), DeadLetterReplayDialog::Stage::DryRunDone,
                                  kTimeoutMs);
        QCOMPARE(dialog->dryRunReport()->selected, int64_t(1));
        QCOMPARE(dialog->dryRunReport()->written, int64_t(1));
        QCOMPARE(api_entry(base_, id).value(QStringLiteral("status")).toString(),
                 QStringLiteral("new"));
        QVERIFY(dialog->replayButton()->isEnabled());
        dialog->replayButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(dialog->stage(), DeadLetterReplayDialog::Stage::Done, kTimeoutMs);
        QCOMPARE(dialog->replayReport()->written, int64_t(1));
        QCOMPARE(api_entry(base_, id).value(QStringLiteral("status")).toString(),
                 QStringLiteral("replayed"));
        dialog->close();

        // The event is in the engine's events table: the same event from another entry is a
        // duplicate there.
        QVERIFY(show_new_entries(*page, QStringLiteral("garbage: device reboot"), 1));
        page->selectIds({twin});
        QVERIFY(shown.wait(kTimeoutMs));
        detail->payloadEditor()->setPlainText(fixed);
        QTRY_VERIFY_WITH_TIMEOUT(detail->saveButton()->isEnabled(), 5000);
        detail->saveButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(
            api_entry(base_, twin).value(QStringLiteral("payload")).toString(), fixed, kTimeoutMs);
        QVERIFY(show_new_entries(*page, event_id, 1));
        page->selectIds({twin});
        QCOMPARE(page->selectedIds(), std::vector{twin});
        dialog = page->replaySelection();
        QVERIFY(dialog);
        QTRY_COMPARE_WITH_TIMEOUT(dialog->stage(), DeadLetterReplayDialog::Stage::DryRunDone,
                                  kTimeoutMs);
        QCOMPARE(dialog->dryRunReport()->duplicates, int64_t(1));
        QCOMPARE(dialog->dryRunReport()->written, int64_t(0));
        dialog->close();

        // The audit tab shows the engine's record: the replay, its dry run and the edit.
        QTRY_VERIFY_WITH_TIMEOUT(page->auditModel()->rowCount() >= 3, kTimeoutMs);
        bool replay_audited = false;
        for (int row = 0; row < page->auditModel()->rowCount(); ++row) {
            const DeadLetterAuditRow& audit = page->auditModel()->auditRow(row);
            replay_audited |= audit.action == "replay" && audit.entry_ids == std::vector{id};
        }
        QVERIFY(replay_audited);
    }

    // Over HTTP the replay goes in chunks of ids, so Cancel still stops it between them.
    void chunkedReplayCancels() {
        auto page = open_page();
        QVERIFY(show_new_entries(*page, QString(), 12));
        page->setReplayChunkSize(3);
        QPointer<DeadLetterReplayDialog> dialog = page->replayMatching();
        QVERIFY(dialog);
        dialog->cancel();
        QTRY_COMPARE_WITH_TIMEOUT(dialog->stage(), DeadLetterReplayDialog::Stage::DryRunDone,
                                  kTimeoutMs);
        QVERIFY(dialog->dryRunReport()->cancelled);
        QVERIFY(dialog->dryRunReport()->selected >= 12);
        QVERIFY(dialog->dryRunReport()->processed < dialog->dryRunReport()->selected);
        dialog->close();
    }

    // Discard with a note and export: the engine audits both, the audit tab shows them, and the
    // export file is written here.
    void discardAndExportAreAudited() {
        auto page = open_page();
        QVERIFY(show_new_entries(*page, QString(), 3));
        const int64_t id = page->model()->summary(0).id;
        QSignalSpy finished(page.get(), &DeadLetterPage::actionFinished);
        page->discard(DeadLetterSelection(std::vector<int64_t>{id}),
                      QStringLiteral("remote test traffic"));
        QVERIFY(finished.wait(kTimeoutMs));
        QVERIFY2(finished.last().at(1).toBool(), qPrintable(finished.last().at(0).toString()));
        const QJsonObject entry = api_entry(base_, id);
        QCOMPARE(entry.value(QStringLiteral("status")).toString(), QStringLiteral("discarded"));
        QCOMPARE(entry.value(QStringLiteral("status_note")).toString(),
                 QStringLiteral("remote test traffic"));
        QTRY_VERIFY_WITH_TIMEOUT(page->auditModel()->rowCount() > 0 &&
                                     page->auditModel()->auditRow(0).action == "discard",
                                 kTimeoutMs);
        QCOMPARE(page->auditModel()->auditRow(0).entry_ids, std::vector{id});
        QVERIFY(page->auditModel()
                    ->index(0, DeadLetterAuditModel::Outcome)
                    .data()
                    .toString()
                    .contains(QStringLiteral("remote test traffic")));

        const std::vector<int64_t> ids{page->model()->summary(1).id, page->model()->summary(2).id};
        QTemporaryDir out;
        const QString path = out.filePath(QStringLiteral("remote.jsonl"));
        page->exportTo(DeadLetterSelection(ids), ExportFormat::JsonLines, path);
        QVERIFY(finished.wait(kTimeoutMs));
        QVERIFY2(finished.last().at(1).toBool(), qPrintable(finished.last().at(0).toString()));
        QVERIFY(page->statusLabel()->text().contains(QStringLiteral("Exported 2 entries")));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.size(), 3);  // two lines and the empty rest after the last newline
        QCOMPARE(QJsonDocument::fromJson(lines[0]).object().value(QStringLiteral("id")).toInteger(),
                 qint64(ids[1]));  // oldest first: the page lists newest first
        QTRY_VERIFY_WITH_TIMEOUT(page->auditModel()->rowCount() > 0 &&
                                     page->auditModel()->auditRow(0).action == "export",
                                 kTimeoutMs);
        QVERIFY(page->grab().save(QDir::tempPath() +
                                  QStringLiteral("/spillway_remote_dead_letters.png")));
    }

    // The console: connecting with a remote-engine profile points the window's workbench at that
    // engine; leaving it puts the workbench back to "not connected".
    void consoleWorkbenchFollowsTheRemoteEngine() {
        ActiveEngine active;
        MainWindow window(ConsoleServices{[&active] { return active.snapshot(); }, &active});
        RemoteConsole remote(window, active, [&active] { active.clear(); });
        window.show();
        ConnectionProfile profile;
        profile.name = QStringLiteral("remote dead letters");
        profile.kind = ProfileKind::RemoteEngine;
        profile.engine_url = base_.toString();
        profile.api_token = kToken;
        remote.connectTo(profile);
        DeadLetterPage* page = window.deadLetterPage();
        QVERIFY(page->service());
        QTRY_VERIFY_WITH_TIMEOUT(page->model()->rowCount() > 0 && page->reasonModel()->total() > 0,
                                 kTimeoutMs);
        remote.disconnect();
        QVERIFY(!page->service());
        QCOMPARE(page->model()->rowCount(), 0);
    }

    // A wrong token: the page says which request failed and why, without the token.
    void wrongTokenNamesHttp401() {
        auto page = open_page(QStringLiteral("not-the-token"));
        auto* problem = page->findChild<QLabel*>(QStringLiteral("label_dead_letter_problem"));
        QVERIFY(problem);
        QTRY_VERIFY_WITH_TIMEOUT(problem->isVisible(), kTimeoutMs);
        const QString text = problem->text();
        QVERIFY2(text.contains(QStringLiteral("HTTP 401")), qPrintable(text));
        QVERIFY2(text.contains(base_.toString() + QStringLiteral("/api/v1/dead-letters")),
                 qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("not-the-token")));
        QCOMPARE(page->model()->rowCount(), 0);
    }
};

SPILLWAY_TEST_MAIN(TstRemoteDeadLetters)
#include "tst_remote_dead_letters.moc"
