// The tuning panel against a real engine (private PostgreSQL and mock Kafka from the pipeline
// fixture): a change made in the panel reaches the engine, lands in the history and as a marker on
// every dashboard chart, and can be reverted; invalid settings are refused with the reason shown
// at the field; presets fill the form; the fetch settings are read-only.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>

#include "support/pipeline_fixture.h"
#include "support/test_main.h"
#include "ui/charts/chart_timeline.h"
#include "ui/dashboard/dashboard_page.h"
#include "ui/session/engine_control.h"
#include "ui/tuning/fetch_settings_box.h"
#include "ui/tuning/knob_form.h"
#include "ui/session/knob_history_feed.h"
#include "ui/tuning/knob_history_model.h"
#include "ui/tuning/knob_presets.h"
#include "ui/shell/main_window.h"
#include "ui/charts/time_series_chart.h"
#include "ui/tuning/tuning_page.h"

using namespace spillway;
using namespace spillway::test;
using Field = KnobForm::Field;

namespace {

// Stands in for an engine that refuses every change with a given reason.
class RefusingEngine : public EngineControl {
public:
    explicit RefusingEngine(std::string reason) : reason_(std::move(reason)) {}
    std::string apply_knobs(const Knobs&, const std::string&) override {
        ++attempts;
        return reason_;
    }
    std::optional<Knobs> knobs() const override { return Knobs{}; }
    std::vector<KnobChange> knob_history() const override { return {}; }
    std::map<std::string, std::string> kafka_properties() const override {
        return {{"fetch.min.bytes", "4096"}};
    }
    int attempts = 0;

private:
    std::string reason_;
};

QSpinBox* spin(TuningPage* page, Field field) {
    return qobject_cast<QSpinBox*>(page->form()->fieldWidget(field));
}

QDoubleSpinBox* percent(TuningPage* page, Field field) {
    return qobject_cast<QDoubleSpinBox*>(page->form()->fieldWidget(field));
}

QPushButton* button(QWidget* page, const char* name) {
    return page->findChild<QPushButton*>(QLatin1String(name));
}

std::shared_ptr<const Snapshot> stamped(Snapshot snapshot) {
    snapshot.taken_at = std::chrono::system_clock::now();
    return std::make_shared<const Snapshot>(std::move(snapshot));
}

}  // namespace

class TstTuningPage : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        fixture_ = std::make_unique<PipelineFixture>(2);
    }

    void cleanupTestCase() { fixture_.reset(); }

    void changeReachesTheEngineAndMarksTheCharts() {
        Engine engine(fixture_->engine_options("gui-tuning"));
        engine.start();
        EngineRef control(engine);
        MainWindow window(ConsoleServices{[&engine] { return engine.snapshot(); }, &control});
        TuningPage* tuning = window.tuningPage();
        QAbstractItemModelTester tester(tuning->historyModel(),
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        window.show();
        window.showPage(tuning);
        QTRY_COMPARE_WITH_TIMEOUT(tuning->form()->loaded().batch_size, 5000, 5000);
        auto* apply = button(tuning, "button_apply");
        QVERIFY(!apply->isEnabled());  // nothing edited yet

        spin(tuning, Field::BatchSize)->setValue(700);
        spin(tuning, Field::WriterConcurrency)->setValue(1);
        QVERIFY(apply->isEnabled());
        QTest::mouseClick(apply, Qt::LeftButton);

        QCOMPARE(engine.knobs().batch_size, 700);
        QCOMPARE(engine.knobs().writer_concurrency, 1);
        QCOMPARE(engine.knob_history().size(), size_t(1));
        QCOMPARE(engine.knob_history().back().origin, std::string("gui"));
        QCOMPARE(tuning->historyModel()->rowCount(), 1);
        QCOMPARE(tuning->historyModel()->index(0, KnobHistoryModel::Change).data().toString(),
                 QStringLiteral("batch 5,000→700, writers 4→1"));
        QCOMPARE(tuning->historyModel()->index(0, KnobHistoryModel::Origin).data().toString(),
                 QStringLiteral("gui"));

        // The marker sits at the engine's time of the change, on every chart.
        const double changed_at =
            std::chrono::duration<double>(engine.knob_history().back().at.time_since_epoch())
                .count();
        for (TimeSeriesChart* chart : window.dashboardPage()->timeline()->charts()) {
            QTRY_COMPARE_WITH_TIMEOUT(chart->markerLabels(),
                                      QStringList{"batch 5,000→700, writers 4→1"}, 3000);
            QCOMPARE(chart->markerTimes().value(0), changed_at);
        }
        // The engine's next snapshots carry the new knobs.
        QTRY_COMPARE_WITH_TIMEOUT(engine.snapshot()->knobs.batch_size, 700, 3000);

        // Revert applies the settings before the latest change.
        auto* revert = button(tuning, "button_revert");
        QVERIFY(revert->isEnabled());
        QTest::mouseClick(revert, Qt::LeftButton);
        QCOMPARE(engine.knobs().batch_size, 5000);
        QCOMPARE(engine.knobs().writer_concurrency, 4);
        QCOMPARE(engine.knob_history().back().origin, std::string("gui: revert"));
        QCOMPARE(tuning->historyModel()->rowCount(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(
            window.dashboardPage()->timeline()->charts().front()->markerLabels().size(), 2, 3000);
        engine.drain_and_stop();
    }

    void keyboardAppliesAndReverts() {
        Engine engine(fixture_->engine_options("gui-tuning-keys"));
        engine.start();
        EngineRef control(engine);
        MainWindow window(ConsoleServices{[&engine] { return engine.snapshot(); }, &control});
        TuningPage* tuning = window.tuningPage();
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        window.showPage(tuning);
        QTRY_COMPARE_WITH_TIMEOUT(tuning->form()->loaded().batch_size, 5000, 5000);
        spin(tuning, Field::FlushInterval)->setValue(50);
        QTest::keyClick(tuning, Qt::Key_Return, Qt::ControlModifier);
        QCOMPARE(engine.knobs().flush_interval_ms, 50);
        QTest::keyClick(tuning, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(engine.knobs().flush_interval_ms, 200);
        engine.drain_and_stop();
    }

    // The spin boxes' ranges are the engine's: the ends are accepted, one step beyond is not.
    void fieldRangesMatchTheEngine_data() {
        QTest::addColumn<int>("field");
        QTest::newRow("batch size") << int(Field::BatchSize);
        QTest::newRow("flush interval") << int(Field::FlushInterval);
        QTest::newRow("writers") << int(Field::WriterConcurrency);
    }
    void fieldRangesMatchTheEngine() {
        QFETCH(int, field);
        SnapshotFeed feed([] { return nullptr; });
        KnobHistoryFeed history(&feed, nullptr);
        TuningPage page(&feed, &history, nullptr);
        auto* box = qobject_cast<QSpinBox*>(page.form()->fieldWidget(Field(field)));
        const auto knobs_with = [field](int value) {
            Knobs k;
            (Field(field) == Field::BatchSize       ? k.batch_size
             : Field(field) == Field::FlushInterval ? k.flush_interval_ms
                                                    : k.writer_concurrency) = value;
            return k;
        };
        QCOMPARE(validate(knobs_with(box->minimum())), std::string());
        QCOMPARE(validate(knobs_with(box->maximum())), std::string());
        QVERIFY(!validate(knobs_with(box->minimum() - 1)).empty());
        QVERIFY(!validate(knobs_with(box->maximum() + 1)).empty());
    }

    void invalidSettingsAreRefusedWithTheReason() {
        Engine engine(fixture_->engine_options("gui-tuning-invalid"));
        engine.start();
        EngineRef control(engine);
        MainWindow window(ConsoleServices{[&engine] { return engine.snapshot(); }, &control});
        TuningPage* tuning = window.tuningPage();
        QTRY_COMPARE_WITH_TIMEOUT(tuning->form()->loaded().batch_size, 5000, 5000);

        // Low watermark above the high one: refused as typed, in the engine's words.
        percent(tuning, Field::LowWatermark)->setValue(90);
        const QString reason = tuning->form()->reasonFor(Field::LowWatermark);
        QCOMPARE(reason, QString::fromStdString(validate(tuning->form()->knobs())));
        QVERIFY(reason.contains("low_watermark < high_watermark"));
        QVERIFY(tuning->form()->findChild<QLabel*>("reason_7")->isVisibleTo(tuning));
        QVERIFY(!button(tuning, "button_apply")->isEnabled());
        QVERIFY(!tuning->apply());
        QCOMPARE(engine.knobs().low_watermark, 0.5);
        QVERIFY(engine.knob_history().empty());

        // Fixed: the reason goes and the change applies.
        percent(tuning, Field::LowWatermark)->setValue(60);
        QVERIFY(tuning->form()->reasonFor(Field::LowWatermark).isEmpty());
        QVERIFY(tuning->apply());
        QCOMPARE(engine.knobs().low_watermark, 0.6);
        engine.drain_and_stop();
    }

    // What the engine refuses for its own reasons shows at the field the reason names.
    void engineRefusalIsShownAtTheField() {
        RefusingEngine refusing(
            "queue_capacity_bytes must be at least 65536 (got 1024)");  // as core/pipeline/knobs.cpp says
        Snapshot s;
        SnapshotFeed feed([s] { return stamped(s); });
        KnobHistoryFeed history(&feed, &refusing);
        TuningPage page(&feed, &history, &refusing);
        feed.poll();
        spin(&page, Field::QueueBytes)->setValue(512);
        QVERIFY(!page.apply());
        QCOMPARE(refusing.attempts, 1);
        QCOMPARE(page.form()->reasonFor(Field::QueueBytes),
                 QStringLiteral("queue_capacity_bytes must be at least 65536 (got 1024)"));
        QVERIFY(page.findChild<QLabel*>("label_apply_status")->text().contains("refused"));
        // The edit stays in the form to be corrected.
        QCOMPARE(page.form()->knobs().queue_capacity_bytes, size_t(512) << 20);
    }

    void presetsFillTheForm() {
        Snapshot s;
        SnapshotFeed feed([s] { return stamped(s); });
        RefusingEngine control("unused");
        KnobHistoryFeed history(&feed, &control);
        TuningPage page(&feed, &history, &control);
        feed.poll();
        QVERIFY(page.choosePreset(QStringLiteral("Low latency")));
        QCOMPARE(page.form()->knobs().batch_size, 500);
        QCOMPARE(page.form()->knobs().flush_interval_ms, 20);
        QVERIFY(page.form()->modified());
        QVERIFY(page.choosePreset(QStringLiteral("High throughput")));
        QCOMPARE(page.form()->knobs().batch_size, 20000);
        QCOMPARE(page.form()->knobs().writer_concurrency, 8);

        spin(&page, Field::WriterConcurrency)->setValue(6);
        page.saveUserPreset(QStringLiteral("night shift"));
        const auto saved = KnobPresets().user(QStringLiteral("night shift"));
        QVERIFY(saved);
        QCOMPARE(saved->writer_concurrency, 6);
        QCOMPARE(saved->batch_size, 20000);
        auto* combo = page.findChild<QComboBox*>("combo_preset");
        QVERIFY(combo->findData(QStringLiteral("night shift")) >= 0);

        page.form()->load(Knobs{});
        QVERIFY(page.choosePreset(QStringLiteral("night shift")));
        QCOMPARE(page.form()->knobs().writer_concurrency, 6);
        page.removeUserPreset(QStringLiteral("night shift"));
        QVERIFY(!KnobPresets().user(QStringLiteral("night shift")));
        QCOMPARE(combo->findData(QStringLiteral("night shift")), -1);
    }

    // Fetch settings are knobs too: a change re-creates the consumer, is marked on the charts
    // and reverts like any other; a value librdkafka would refuse is refused at the field.
    void fetchSettingsApplyThroughTheEngine() {
        EngineOptions options = fixture_->engine_options("gui-tuning-fetch");
        options.source.kafka_properties["fetch.min.bytes"] = "4096";
        Engine engine(options);
        engine.start();
        EngineRef control(engine);
        MainWindow window(ConsoleServices{[&engine] { return engine.snapshot(); }, &control});
        TuningPage* tuning = window.tuningPage();
        window.show();
        window.showPage(tuning);
        QTRY_COMPARE_WITH_TIMEOUT(tuning->form()->loaded().batch_size, 5000, 5000);
        auto* box = tuning->findChild<FetchSettingsBox*>("card_fetch_settings");
        QVERIFY(box);
        // The values in use: the start-up property, Spillway's default, librdkafka's default.
        QTRY_COMPARE_WITH_TIMEOUT(box->field("fetch.min.bytes")->text(), QStringLiteral("4096"),
                                  5000);
        QCOMPARE(box->field("fetch.wait.max.ms")->text(), QStringLiteral("10"));
        QCOMPARE(box->field("max.partition.fetch.bytes")->text(), QStringLiteral("1048576"));
        auto* apply = button(tuning, "button_apply");
        QVERIFY(!apply->isEnabled());

        QLineEdit* wait = box->field("fetch.wait.max.ms");
        wait->setText(QStringLiteral("soon"));
        emit wait->textEdited(wait->text());
        QVERIFY(!apply->isEnabled());
        auto* reason = box->findChild<QLabel*>("label_fetch_reason");
        QVERIFY(reason->isVisibleTo(tuning));
        QCOMPARE(reason->text(),
                 QStringLiteral("fetch.wait.max.ms must be a whole number (got \"soon\")"));

        wait->setText(QStringLiteral("100"));
        emit wait->textEdited(wait->text());
        QVERIFY(!reason->isVisibleTo(tuning));
        QVERIFY(apply->isEnabled());
        QTest::mouseClick(apply, Qt::LeftButton);
        QCOMPARE(engine.knobs().fetch,
                 (std::map<std::string, std::string>{{"fetch.wait.max.ms", "100"}}));
        QTRY_COMPARE_WITH_TIMEOUT(engine.snapshot()->consumer_recreations, int64_t(1), 20000);
        for (TimeSeriesChart* chart : window.dashboardPage()->timeline()->charts())
            QTRY_COMPARE_WITH_TIMEOUT(chart->markerLabels(),
                                      QStringList{"fetch.wait.max.ms start-up→100"}, 3000);
        QCOMPARE(wait->text(), QStringLiteral("100"));

        QTest::mouseClick(button(tuning, "button_revert"), Qt::LeftButton);
        QVERIFY(engine.knobs().fetch.empty());
        QCOMPARE(wait->text(), QStringLiteral("10"));
        QTRY_COMPARE_WITH_TIMEOUT(engine.snapshot()->consumer_recreations, int64_t(2), 20000);
        engine.drain_and_stop();
    }

    void withoutAnEngineThePanelIsReadOnly() {
        MainWindow window([] { return stamped(Snapshot{}); });
        QVERIFY(!window.tuningPage()->form()->isEnabled());
        QVERIFY(!button(window.tuningPage(), "button_apply")->isEnabled());
        QVERIFY(!window.tuningPage()->revert());
    }

private:
    std::unique_ptr<PipelineFixture> fixture_;
};

SPILLWAY_TEST_MAIN(TstTuningPage)
#include "tst_tuning_page.moc"
