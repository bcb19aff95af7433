#include "ui/shell/console_status_bar.h"

#include <QEvent>
#include <QLabel>

#include "ui/widgets/elided_label.h"
#include "ui/widgets/format.h"
#include "ui/session/snapshot_feed.h"
#include "ui/widgets/theme.h"

namespace spillway {

namespace {

QString knob_summary(const Knobs& knobs) {
    return QObject::tr("batch %1 · flush %2 ms · %3 writers · queue %4 · watermarks %5 / %6")
        .arg(format_count(knobs.batch_size), format_count(knobs.flush_interval_ms),
             QString::number(knobs.writer_concurrency),
             format_count(int64_t(knobs.queue_capacity_events)),
             QStringLiteral("%1%").arg(qRound(knobs.high_watermark * 100)),
             QStringLiteral("%1%").arg(qRound(knobs.low_watermark * 100)));
}

void show_error(ElidedLabel* label, const QString& source, const std::string& error) {
    label->setVisible(!error.empty());
    label->setFullText(error.empty()
                           ? QString()
                           : QStringLiteral("%1: %2").arg(source, QString::fromStdString(error)));
}

}  // namespace

ConsoleStatusBar::ConsoleStatusBar(SnapshotFeed* feed, QWidget* parent)
    : QStatusBar(parent),
      connection_(new QLabel(this)),
      state_(new QLabel(this)),
      kafka_error_(new ElidedLabel(this)),
      database_error_(new ElidedLabel(this)),
      remote_error_(new ElidedLabel(this)),
      knobs_(new QLabel(this)) {
    setObjectName(QStringLiteral("status_bar"));
    setSizeGripEnabled(false);
    connection_->setObjectName(QStringLiteral("status_connection"));
    connection_->setTextFormat(Qt::RichText);
    connection_->setContentsMargins(8, 0, 4, 0);
    state_->setObjectName(QStringLiteral("status_state"));
    kafka_error_->setObjectName(QStringLiteral("status_kafka_error"));
    database_error_->setObjectName(QStringLiteral("status_database_error"));
    remote_error_->setObjectName(QStringLiteral("status_remote_error"));
    knobs_->setObjectName(QStringLiteral("status_knobs"));
    state_->setContentsMargins(8, 0, 8, 0);
    knobs_->setContentsMargins(8, 0, 8, 0);
    addWidget(connection_);
    addWidget(state_);
    addWidget(kafka_error_, 1);
    addWidget(database_error_, 1);
    addWidget(remote_error_, 1);
    addPermanentWidget(knobs_);
    kafka_error_->hide();
    database_error_->hide();
    remote_error_->hide();
    apply_colors();
    show_connection(nullptr);
    connect(feed, &SnapshotFeed::updated, this,
            [this](const std::shared_ptr<const Snapshot>& snapshot) { showSnapshot(*snapshot); });
}

void ConsoleStatusBar::setConnectionDescription(const QString& text) {
    connection_->setToolTip(text);
}

void ConsoleStatusBar::show_connection(const Snapshot* s) {
    // A dot per service: green when healthy, amber for a recent Kafka problem, red when the
    // database is unavailable, grey without an engine.
    const auto dot = [this](const QColor& color, const QString& name) {
        return QStringLiteral("<span style=\"color:%1\">●</span>&nbsp;%2")
            .arg(color.name(), name.toHtmlEscaped());
    };
    const QColor idle = theme::muted_text(palette());
    const QColor kafka = !s ? idle
                         : s->last_kafka_error.empty()
                             ? theme::tone_color(theme::Tone::Good, palette())
                             : theme::tone_color(theme::Tone::Warning, palette());
    const QColor database = !s ? idle
                            : s->database_available
                                ? theme::tone_color(theme::Tone::Good, palette())
                                : theme::tone_color(theme::Tone::Bad, palette());
    connection_->setText(dot(kafka, tr("Kafka")) + QStringLiteral("&nbsp;&nbsp;") +
                         dot(database, tr("PostgreSQL")));
}

void ConsoleStatusBar::setConnectionText(const QString& text) {
    show_connection(nullptr);
    state_->setText(text);
    kafka_error_->hide();
    database_error_->hide();
    knobs_->clear();
}

void ConsoleStatusBar::showSnapshot(const Snapshot& s) {
    // Only the state word fits here; a failure's reason is on the State tile and in the tooltip.
    show_connection(&s);
    const QString state = QString::fromStdString(s.state);
    state_->setText(state.isEmpty() ? tr("Waiting for the engine")
                                    : tr("Engine %1").arg(state.section(QLatin1Char(':'), 0, 0)));
    state_->setToolTip(state);
    show_error(kafka_error_, tr("Kafka"), s.last_kafka_error);
    show_error(database_error_, tr("PostgreSQL"), s.last_database_error);
    knobs_->setText(knob_summary(s.knobs));
}

void ConsoleStatusBar::setRemoteProblem(const QString& problem) {
    remote_error_->setVisible(!problem.isEmpty());
    remote_error_->setFullText(problem);
}

void ConsoleStatusBar::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange)
        apply_colors();
    QStatusBar::changeEvent(event);
}

void ConsoleStatusBar::apply_colors() {
    const auto recolor = [](QLabel* label, const QColor& color) {
        QPalette palette = label->palette();
        palette.setColor(QPalette::WindowText, color);
        label->setPalette(palette);
    };
    recolor(kafka_error_, theme::tone_color(theme::Tone::Bad, palette()));
    recolor(database_error_, theme::tone_color(theme::Tone::Bad, palette()));
    recolor(remote_error_, theme::tone_color(theme::Tone::Bad, palette()));
    recolor(knobs_, theme::muted_text(palette()));
}

}  // namespace spillway
