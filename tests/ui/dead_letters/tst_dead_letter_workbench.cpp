// The dead-letter workbench against the real store (the fixture's private PostgreSQL): the models
// pass QAbstractItemModelTester, keyset paging gives every entry exactly once, the filters reach
// SQL and stale answers are dropped, the detail pane shows JSON indented and binary as hex, the
// payload editor's verdict follows the text, and an edited entry replayed through the page lands
// in the events table (after a dry run that writes nothing). Saves a screenshot of the workbench to $SPILLWAY_SCREENSHOT_DIR.
#include <QAbstractItemModelTester>
#include <QDir>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStringListModel>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <set>

#include "core/postgres/batch_writer.h"
#include "core/dead_letters/dead_letter_store.h"
#include "core/postgres/pg_connection.h"
#include "core/kafka/event_decoder.h"
#include "support/dead_letter_seed.h"
#include "support/pipeline_fixture.h"
#include "support/test_main.h"
#include "ui/dead_letters/dead_letter_audit_model.h"
#include "ui/dead_letters/dead_letter_detail_pane.h"
#include "ui/dead_letters/dead_letter_discard_dialog.h"
#include "ui/dead_letters/dead_letter_model.h"
#include "ui/dead_letters/dead_letter_page.h"
#include "ui/dead_letters/dead_letter_payload_text.h"
#include "ui/dead_letters/dead_letter_reason_model.h"
#include "ui/dead_letters/dead_letter_replay_dialog.h"
#include "ui/session/dead_letter_service.h"

using namespace spillway;
using namespace spillway::test;
using namespace std::chrono_literals;

namespace {

constexpr int kTimeoutMs = 20000;

using Message = DeadLetterMessage;

QString screenshot_dir() {
    QString dir = qEnvironmentVariable("SPILLWAY_SCREENSHOT_DIR");
    if (dir.isEmpty())
        dir = QStringLiteral("/tmp/spillway-screens");
    QDir().mkpath(dir);
    return dir;
}

// The data set: 600 entries on topic "orders". Partition p, offset i:
//   p = 0: {"v":i}                       missing_id     (300)
//   p = 1: {"event_id":"m-i","note":"x    malformed_json (200, truncated)
//   p = 2: [i]                           not_an_object  (99)
//   p = 2, offset 99: binary bytes with a key and headers: malformed_json (1)
constexpr int kMissingId = 300;
constexpr int kMalformed = 200;
constexpr int kNotObject = 99;
constexpr int kEntries = kMissingId + kMalformed + kNotObject + 1;
const char kBinaryBytes[] = "\x01\x02{\"event_id\":\"bin\"}\xff\x00";
const std::string kBinaryPayload(kBinaryBytes, sizeof kBinaryBytes - 1);

}  // namespace

class TstDeadLetterWorkbench : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<PipelineFixture> fixture_;

    SinkOptions sink(const std::string& dead = "dl_wb", const std::string& events = "ev_wb") const {
        SinkOptions options;
        options.conninfo = fixture_->conninfo();
        options.events_table = events;
        options.dead_letter_table = dead;
        options.topic = "orders";
        return options;
    }

    // A page on the store, with its first page loaded.
    std::unique_ptr<DeadLetterPage> open_page(const SinkOptions& options) {
        auto page = std::make_unique<DeadLetterPage>();
        page->resize(1400, 820);
        QSignalSpy loaded(page->model(), &DeadLetterModel::loaded);
        page->setStore(options);
        if (!loaded.wait(kTimeoutMs))
            qWarning("the first page did not load");
        return page;
    }

    static bool wait_settled(DeadLetterPage& page) {
        // Every request answered and the count known.
        return QTest::qWaitFor(
            [&] {
                return page.service()->pending() == 0 && !page.model()->loading() &&
                       page.model()->totalCount() >= 0;
            },
            kTimeoutMs);
    }

    static std::vector<int64_t> loaded_ids(const DeadLetterModel& model) {
        std::vector<int64_t> ids;
        for (int row = 0; row < model.rowCount(); ++row)
            ids.push_back(model.summary(row).id);
        return ids;
    }

    int64_t id_at(int partition, int64_t offset, const std::string& table = "dl_wb") {
        return fixture_->scalar("SELECT id FROM " + table +
                                " WHERE kafka_partition = " + std::to_string(partition) +
                                " AND kafka_offset = " + std::to_string(offset));
    }

private slots:
    void initTestCase() {
        fixture_ = std::make_unique<PipelineFixture>(1);
        DeadLetterStore store(sink());
        store.ensure_schema();
        std::vector<Message> messages;
        for (int i = 0; i < kMissingId; ++i)
            messages.push_back({0, i, "{\"v\":" + std::to_string(i) + "}", {}, {}});
        for (int i = 0; i < kMalformed; ++i)
            messages.push_back(
                {1, i, "{\"event_id\":\"m-" + std::to_string(i) + "\",\"note\":\"x", {}, {}});
        for (int i = 0; i < kNotObject; ++i)
            messages.push_back({2, i, "[" + std::to_string(i) + "]", {}, {}});
        messages.push_back(
            {2, kNotObject, kBinaryPayload, "key-7", "[{\"key\": \"trace\", \"value\": \"t-1\"}]"});
        QCOMPARE(put_dead_letters(sink(), messages), std::string());
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM dl_wb"), int64_t(kEntries));
    }

    void cleanupTestCase() { fixture_.reset(); }

    // Keyset paging through fetchMore, three pages and a bit: every entry exactly once, newest
    // first, with the model checked by QAbstractItemModelTester all along.
    void pagesEveryEntryOnce() {
        auto page = open_page(sink());
        DeadLetterModel* model = page->model();
        QAbstractItemModelTester tester(model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester reason_tester(
            page->reasonModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QVERIFY(wait_settled(*page));
        // (The tester fetches more pages itself, as views do; the first one came whole.)
        QVERIFY(model->rowCount() >= model->pageSize());
        QCOMPARE(model->rowCount() % model->pageSize(), 0);
        QCOMPARE(model->totalCount(), int64_t(kEntries));
        while (model->canFetchMore({})) {
            QSignalSpy loaded(model, &DeadLetterModel::loaded);
            model->fetchMore({});
            QVERIFY(!model->canFetchMore({}));  // one request at a time
            QVERIFY(loaded.wait(kTimeoutMs));
        }
        QVERIFY(model->exhausted());
        const std::vector<int64_t> ids = loaded_ids(*model);
        QCOMPARE(int(ids.size()), kEntries);
        QCOMPARE(std::set<int64_t>(ids.begin(), ids.end()).size(), size_t(kEntries));
        QVERIFY(std::is_sorted(ids.begin(), ids.end(), std::greater<>()));
        QCOMPARE(page->table()->model()->rowCount(), kEntries);

        // Grouped by reason, with the counts SQL gives.
        QCOMPARE(page->reasonModel()->rowCount(), 3);
        QCOMPARE(page->reasonModel()->total(), int64_t(kEntries));
        QCOMPARE(page->reasonModel()->index(0, DeadLetterReasonModel::Reason).data().toString(),
                 QStringLiteral("missing_id"));
        QCOMPARE(page->reasonModel()->index(0, DeadLetterReasonModel::Count).data().toString(),
                 QStringLiteral("300"));
    }

    void filters_data() {
        QTest::addColumn<QStringList>("reasons");
        QTest::addColumn<int>("partition");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("topic");
        QTest::addColumn<int>("expected");
        QTest::newRow("one reason")
            << QStringList{"not_an_object"} << -1 << QString() << QString() << kNotObject;
        QTest::newRow("two reasons") << QStringList{"not_an_object", "missing_id"} << -1
                                     << QString() << QString() << kNotObject + kMissingId;
        QTest::newRow("partition") << QStringList{} << 1 << QString() << QString() << kMalformed;
        QTest::newRow("text in payload") << QStringList{} << -1 << QStringLiteral("\"m-1")
                                         << QString() << 111;  // m-1, m-10..m-19, m-100..m-199
        QTest::newRow("text, case-insensitive, in message")
            << QStringList{} << 0 << QStringLiteral("EVENT_ID") << QString() << kMissingId;
        QTest::newRow("other topic")
            << QStringList{} << -1 << QString() << QStringLiteral("nope") << 0;
        QTest::newRow("topic and reason") << QStringList{"malformed_json"} << -1 << QString()
                                          << QStringLiteral("orders") << kMalformed + 1;
    }

    void filters() {
        QFETCH(QStringList, reasons);
        QFETCH(int, partition);
        QFETCH(QString, text);
        QFETCH(QString, topic);
        QFETCH(int, expected);
        auto page = open_page(sink());
        QAbstractItemModelTester tester(page->model(),
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QVERIFY(wait_settled(*page));
        page->setReasonFilter(reasons);
        page->setPartitionFilter(partition >= 0 ? std::optional<int>(partition) : std::nullopt);
        page->setTextFilter(text);
        page->setTopicFilter(topic);
        page->applyFilterNow();
        QVERIFY(wait_settled(*page));
        QCOMPARE(page->model()->totalCount(), int64_t(expected));
        // At least the first page; the tester may have fetched more, never past the total.
        QVERIFY(page->model()->rowCount() >= std::min(expected, page->model()->pageSize()));
        QVERIFY(page->model()->rowCount() <= expected);
        for (int row = 0; row < page->model()->rowCount(); ++row) {
            const DeadLetterSummary& entry = page->model()->summary(row);
            if (!reasons.isEmpty())
                QVERIFY(reasons.contains(QString::fromStdString(entry.reason)));
            if (partition >= 0)
                QCOMPARE(entry.partition, partition);
        }
    }

    // A filter typed quickly: the answers to the earlier requests arrive but change nothing.
    void staleAnswersAreDropped() {
        auto page = open_page(sink());
        QVERIFY(wait_settled(*page));
        QSignalSpy reset(page->model(), &QAbstractItemModel::modelReset);
        for (const char* text : {"m", "m-", "m-1", "m-19", "m-199"}) {
            page->setTextFilter(QString::fromLatin1(text));
            page->applyFilterNow();  // each one a new request, before the last is answered
        }
        QVERIFY(wait_settled(*page));
        QCOMPARE(page->model()->totalCount(), int64_t(1));
        QCOMPARE(page->model()->rowCount(), 1);
        QCOMPARE(page->model()->summary(0).offset, int64_t(199));
    }

    void detailShowsIndentedJsonAndHex() {
        auto page = open_page(sink());
        QVERIFY(wait_settled(*page));
        page->setStatusFilter(QString());
        page->applyFilterNow();
        QVERIFY(wait_settled(*page));
        // Valid JSON (missing its id) is indented, byte for byte otherwise.
        const int64_t json_id = id_at(0, 7);
        page->setPartitionFilter(0);
        page->setTextFilter(QStringLiteral("\"v\":7}"));
        page->applyFilterNow();
        QVERIFY(wait_settled(*page));
        QSignalSpy shown(page.get(), &DeadLetterPage::entryShown);
        page->selectIds({json_id});
        QVERIFY(shown.wait(kTimeoutMs));
        DeadLetterDetailPane* detail = page->detailPane();
        QCOMPARE(detail->payloadEditor()->toPlainText(), QStringLiteral("{\n  \"v\": 7\n}"));
        QVERIFY(!detail->payloadShownAsHex());
        QVERIFY(!detail->validationLabel()->property("payloadValid").toBool());
        QVERIFY(detail->validationLabel()->text().contains(QStringLiteral("missing_id")));

        // Bytes that are not text come as a hex dump, read-only.
        const int64_t binary_id = id_at(2, kNotObject);
        page->setPartitionFilter(2);
        page->setTextFilter(QString());
        page->applyFilterNow();
        QVERIFY(wait_settled(*page));
        page->selectIds({binary_id});
        QVERIFY(shown.wait(kTimeoutMs));
        QVERIFY(detail->payloadShownAsHex());
        QVERIFY(detail->payloadEditor()->isReadOnly());
        QVERIFY(detail->payloadEditor()->toPlainText().startsWith(
            QStringLiteral("00000000  01 02 7b 22 65 76 65 6e  74 5f 69 64 22 3a 22 62")));
        QVERIFY(detail->findChild<QPlainTextEdit*>(QStringLiteral("view_headers"))
                    ->toPlainText()
                    .contains(QStringLiteral("\"trace\"")));
        QVERIFY(detail->findChild<QLabel*>(QStringLiteral("label_dead_letter_source"))
                    ->text()
                    .contains(QStringLiteral("partition 2 · offset 99")));
    }

    // The pure helpers behind the pane.
    void payloadText() {
        QCOMPARE(
            QString::fromStdString(indent_json("{\"a\":[1,2,{}],\"b\":{\"c\":\"x,{y}\"}}")),
            QStringLiteral("{\n  \"a\": [\n    1,\n    2,\n    {}\n  ],\n  \"b\": {\n    \"c\": "
                           "\"x,{y}\"\n  }\n}"));
        // Numbers past 2^53 and repeated keys stay as they were (QJsonDocument would not keep
        // them).
        QCOMPARE(QString::fromStdString(indent_json("{\"n\":123456789012345678901,\"n\":2}")),
                 QStringLiteral("{\n  \"n\": 123456789012345678901,\n  \"n\": 2\n}"));
        QCOMPARE(payload_text("not json").kind, PayloadText::Kind::Text);
        QCOMPARE(payload_text(std::string("a\0b", 3)).kind, PayloadText::Kind::Hex);
        QCOMPARE(payload_text("\xc3\x28").kind, PayloadText::Kind::Hex);  // not UTF-8
        QCOMPARE(hex_dump("AB"), QStringLiteral("00000000  41 42") + QString(14 * 3 + 2, u' ') +
                                     QStringLiteral(" |AB|"));
        QCOMPARE(printable_bytes(std::string("\x00\x01", 2)), QStringLiteral("0x0001"));
    }

    // Edit with live validation, save, dry run (writes nothing), replay for real: the fixed event
    // is in the events table, the entry is marked replayed, and the audit view shows each step.
    void editValidateSaveAndReplay() {
        auto page = open_page(sink());
        QVERIFY(wait_settled(*page));
        const int64_t id = id_at(1, 42);  // {"event_id":"m-42","note":"x   (truncated)
        page->setPartitionFilter(1);
        page->setTextFilter(QStringLiteral("\"m-42\""));
        page->applyFilterNow();
        QVERIFY(wait_settled(*page));
        QCOMPARE(page->model()->rowCount(), 1);
        QSignalSpy shown(page.get(), &DeadLetterPage::entryShown);
        page->selectIds({id});
        QVERIFY(shown.wait(kTimeoutMs));
        DeadLetterDetailPane* detail = page->detailPane();
        QLabel* verdict = detail->validationLabel();
        QVERIFY(verdict->text().contains(QStringLiteral("malformed_json")));
        QVERIFY(!detail->saveButton()->isEnabled());

        // The verdict follows the text after a pause in typing.
        detail->payloadEditor()->setPlainText(QStringLiteral("{\"note\":\"x\"}"));
        QTRY_VERIFY_WITH_TIMEOUT(verdict->text().contains(QStringLiteral("missing_id")), 5000);
        QVERIFY(!verdict->property("payloadValid").toBool());
        detail->payloadEditor()->setPlainText(
            QStringLiteral("{\"event_id\":\"m-42\",\"note\":\"fixed\"}"));
        QTRY_VERIFY_WITH_TIMEOUT(verdict->property("payloadValid").toBool(), 5000);
        QVERIFY(verdict->text().contains(QStringLiteral("m-42")));
        detail->payloadEditor()->setPlainText(QStringLiteral("{\"event_id\":\"m-42\""));
        QTRY_VERIFY_WITH_TIMEOUT(!verdict->property("payloadValid").toBool(), 5000);
        detail->payloadEditor()->setPlainText(
            QStringLiteral("{\"event_id\":\"m-42\",\"note\":\"fixed\"}"));
        QTRY_VERIFY_WITH_TIMEOUT(verdict->property("payloadValid").toBool(), 5000);

        QVERIFY(detail->saveButton()->isEnabled());
        detail->saveButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(
            fixture_->column("SELECT convert_from(payload, 'UTF8') FROM dl_wb WHERE id = " +
                             std::to_string(id)),
            std::vector<std::string>{"{\"event_id\":\"m-42\",\"note\":\"fixed\"}"}, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(
            detail->originalView()->toPlainText().contains(QStringLiteral("\"note\":\"x")),
            kTimeoutMs);

        // Dry run first: says it would write one, writes nothing.
        QPointer<DeadLetterReplayDialog> dialog = page->replaySelection();
        QVERIFY(dialog);
        QTRY_COMPARE_WITH_TIMEOUT(dialog->stage(), DeadLetterReplayDialog::Stage::DryRunDone,
                                  kTimeoutMs);
        QCOMPARE(dialog->dryRunReport()->written, int64_t(1));
        QCOMPARE(dialog->outcomes()->rowCount(), 1);
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_wb WHERE event_id = 'm-42'"), 0);
        QCOMPARE(fixture_->column("SELECT status FROM dl_wb WHERE id = " + std::to_string(id)),
                 std::vector<std::string>{"new"});
        QVERIFY(dialog->replayButton()->isEnabled());
        if (QWidget* top = dialog.data())
            top->grab().save(screenshot_dir() + QStringLiteral("/dead_letter_replay_dry_run.png"));

        // Then for real.
        dialog->replayButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(dialog->stage(), DeadLetterReplayDialog::Stage::Done, kTimeoutMs);
        QCOMPARE(dialog->replayReport()->written, int64_t(1));
        QCOMPARE(fixture_->scalar("SELECT count(*) FROM ev_wb WHERE event_id = 'm-42' AND "
                                  "payload->>'note' = 'fixed'"),
                 1);
        QCOMPARE(fixture_->column("SELECT status FROM dl_wb WHERE id = " + std::to_string(id)),
                 std::vector<std::string>{"replayed"});
        dialog->close();

        // The audit view shows the edit, the dry run and the replay, newest first.
        QTRY_VERIFY_WITH_TIMEOUT(page->auditModel()->rowCount() >= 3 &&
                                     page->auditModel()->auditRow(0).action == "replay",
                                 kTimeoutMs);
        QAbstractItemModelTester tester(page->auditModel(),
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QCOMPARE(page->auditModel()->auditRow(1).action, std::string("replay_dry_run"));
        QCOMPARE(page->auditModel()->auditRow(2).action, std::string("edit"));
        QCOMPARE(page->auditModel()->auditRow(0).entry_ids, std::vector<int64_t>{id});
        // The table (status "new") no longer lists it.
        QTRY_COMPARE_WITH_TIMEOUT(page->model()->totalCount(), int64_t(0), kTimeoutMs);
    }

    // A bulk replay over the filter in chunks: Cancel stops it after the current chunk.
    void bulkReplayCancels() {
        auto page = open_page(sink());
        QVERIFY(wait_settled(*page));
        page->setReasonFilter({QStringLiteral("not_an_object")});
        page->applyFilterNow();
        QVERIFY(wait_settled(*page));
        page->setReplayChunkSize(20);
        // The dry run waits on this lock until the cancel is in: else its 99 entries can all be
        // read before the test's cancel() (seen on a loaded machine), and nothing is cancelled.
        PgConnection locker(fixture_->conninfo());
        locker.exec("BEGIN");
        locker.exec("LOCK TABLE dl_wb IN ACCESS EXCLUSIVE MODE");
        QPointer<DeadLetterReplayDialog> dialog = page->replayMatching();
        QVERIFY(dialog);
        QCOMPARE(dialog->stage(), DeadLetterReplayDialog::Stage::DryRunning);
        QVERIFY(dialog->cancelButton()->isVisible());
        dialog->cancel();
        locker.exec("COMMIT");
        QTRY_COMPARE_WITH_TIMEOUT(dialog->stage(), DeadLetterReplayDialog::Stage::DryRunDone,
                                  kTimeoutMs);
        QVERIFY(dialog->dryRunReport()->cancelled);
        QCOMPARE(dialog->dryRunReport()->selected, int64_t(kNotObject));
        QVERIFY(dialog->dryRunReport()->processed < kNotObject);
        QVERIFY(!dialog->replayButton()->isEnabled());  // nothing to do after a cancelled run
        dialog->close();
    }

    void discardNeedsAReason() {
        DeadLetterDiscardDialog dialog(QStringLiteral("entry 1"));
        QVERIFY(!dialog.canAccept());
        dialog.setNote(QStringLiteral("   "));
        QVERIFY(!dialog.canAccept());
        dialog.setNote(QStringLiteral("test traffic"));
        QVERIFY(dialog.canAccept());

        auto page = open_page(sink());
        QVERIFY(wait_settled(*page));
        const int64_t id = id_at(0, 3);
        QSignalSpy finished(page.get(), &DeadLetterPage::actionFinished);
        page->discard(DeadLetterSelection(std::vector<int64_t>{id}),
                      QStringLiteral("test traffic"));
        QVERIFY(finished.wait(kTimeoutMs));
        QCOMPARE(fixture_->column("SELECT status || ':' || status_note FROM dl_wb WHERE id = " +
                                  std::to_string(id)),
                 std::vector<std::string>{"discarded:test traffic"});
        QTRY_VERIFY_WITH_TIMEOUT(page->auditModel()->rowCount() > 0 &&
                                     page->auditModel()->auditRow(0).action == "discard",
                                 kTimeoutMs);
    }

    void exportsSelectionAndFilter() {
        auto page = open_page(sink());
        QVERIFY(wait_settled(*page));
        QTemporaryDir dir;
        const QString jsonl = dir.filePath(QStringLiteral("selected.jsonl"));
        const QString csv = dir.filePath(QStringLiteral("filtered.csv"));
        QSignalSpy finished(page.get(), &DeadLetterPage::actionFinished);
        page->exportTo(DeadLetterSelection(std::vector<int64_t>{id_at(0, 1), id_at(0, 2)}),
                       ExportFormat::JsonLines, jsonl);
        QVERIFY(finished.wait(kTimeoutMs));
        QVERIFY(finished.last().at(1).toBool());
        QFile jsonl_file(jsonl);
        QVERIFY(jsonl_file.open(QIODevice::ReadOnly));
        QCOMPARE(jsonl_file.readAll().count('\n'), 2);

        page->setReasonFilter({QStringLiteral("not_an_object")});
        page->applyFilterNow();
        QVERIFY(wait_settled(*page));
        page->exportTo(DeadLetterSelection(page->currentFilter()), ExportFormat::Csv, csv);
        QVERIFY(finished.wait(kTimeoutMs));
        QFile csv_file(csv);
        QVERIFY(csv_file.open(QIODevice::ReadOnly));
        QVERIFY(csv_file.readAll().count('\n') >= kNotObject + 1);  // a header and the rows
        QTRY_VERIFY_WITH_TIMEOUT(page->auditModel()->rowCount() > 0 &&
                                     page->auditModel()->auditRow(0).action == "export",
                                 kTimeoutMs);

        // A path that cannot be written says so.
        page->exportTo(DeadLetterSelection(page->currentFilter()), ExportFormat::Csv,
                       QStringLiteral("/nonexistent-dir/x.csv"));
        QVERIFY(finished.wait(kTimeoutMs));
        QVERIFY(!finished.last().at(1).toBool());
        QVERIFY(page->statusLabel()->text().contains(QStringLiteral("/nonexistent-dir/x.csv")));
    }

    // 100,000 entries stay fluid: the first page and the next one come in well under a second.
    void hundredThousandEntries() {
        const SinkOptions big = sink("dl_big", "ev_big");
        DeadLetterStore store(big);
        store.ensure_schema();
        constexpr int kBig = 100'000;
        constexpr int kBatch = 20'000;
        for (int start = 0; start < kBig; start += kBatch) {
            std::vector<Message> messages;
            for (int i = start; i < start + kBatch; ++i)
                messages.push_back({i % 4, i, "{\"seq\":" + std::to_string(i) + "}", {}, {}});
            QCOMPARE(put_dead_letters(big, messages), std::string());
        }
        QElapsedTimer timer;
        timer.start();
        auto page = open_page(big);
        QVERIFY(wait_settled(*page));
        const qint64 first_ms = timer.elapsed();
        QCOMPARE(page->model()->totalCount(), int64_t(kBig));
        timer.restart();
        QSignalSpy loaded(page->model(), &DeadLetterModel::loaded);
        page->model()->fetchMore({});
        QVERIFY(loaded.wait(kTimeoutMs));
        const qint64 next_ms = timer.elapsed();
        qInfo("100,000 entries: first page and count in %lld ms, next page in %lld ms", first_ms,
              next_ms);
        // The timings are printed for people, not asserted: speed is for benchmarks, and a
        // loaded or sanitized run would fail a bound without anything being wrong.
        QCOMPARE(page->model()->rowCount(), 2 * page->model()->pageSize());

        // The screenshot: the workbench with an entry open.
        page->selectIds({page->model()->summary(3).id});
        page->show();
        QSignalSpy shown(page.get(), &DeadLetterPage::entryShown);
        QVERIFY(shown.wait(kTimeoutMs));
    }

    void screenshot() {
        auto page = open_page(sink());
        page->show();
        QVERIFY(wait_settled(*page));
        page->setStatusFilter(QString());
        page->applyFilterNow();
        QVERIFY(wait_settled(*page));
        QSignalSpy shown(page.get(), &DeadLetterPage::entryShown);
        // A JSON array (not_an_object), indented in the detail pane.
        QTest::qWait(50);  // laid out, so the selection can be scrolled to
        page->selectIds({id_at(2, 87)});
        QVERIFY(shown.wait(kTimeoutMs));
        QVERIFY(wait_settled(*page));
        const QString dir = screenshot_dir();
        QVERIFY(page->grab().save(dir + QStringLiteral("/dead_letter_workbench.png")));
        // The edited and replayed entry: history and original payload.
        page->setTextFilter(QStringLiteral("m-4"));
        page->applyFilterNow();
        QVERIFY(wait_settled(*page));
        page->selectIds({id_at(1, 42)});
        QVERIFY(shown.wait(kTimeoutMs));
        QVERIFY(page->grab().save(dir + QStringLiteral("/dead_letter_workbench_replayed.png")));
        // Editing a missing-id entry into a valid one.
        page->setTextFilter(QString());
        page->setPartitionFilter(0);
        page->applyFilterNow();
        QVERIFY(wait_settled(*page));
        page->selectIds({page->model()->summary(4).id});
        QVERIFY(shown.wait(kTimeoutMs));
        page->detailPane()->payloadEditor()->setPlainText(
            QStringLiteral("{\n  \"event_id\": \"fixed-9\",\n  \"v\": 9\n}"));
        page->detailPane()->validateNow();
        QVERIFY(page->grab().save(dir + QStringLiteral("/dead_letter_workbench_edit.png")));
        page->tabs()->setCurrentIndex(1);
        QTRY_VERIFY_WITH_TIMEOUT(page->auditModel()->rowCount() > 0, kTimeoutMs);
        QVERIFY(page->grab().save(dir + QStringLiteral("/dead_letter_audit.png")));
    }
};

SPILLWAY_TEST_MAIN(TstDeadLetterWorkbench)
#include "tst_dead_letter_workbench.moc"
