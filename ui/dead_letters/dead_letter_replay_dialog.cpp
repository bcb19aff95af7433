#include "ui/dead_letters/dead_letter_replay_dialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QStringListModel>
#include <QVBoxLayout>

#include "ui/session/dead_letter_service.h"
#include "ui/widgets/format.h"
#include "ui/widgets/theme.h"

namespace spillway {

DeadLetterReplayDialog::DeadLetterReplayDialog(DeadLetterService* service,
                                               DeadLetterSelection selection,
                                               const QString& description, int chunk_size,
                                               QWidget* parent)
    : QDialog(parent),
      service_(service),
      selection_(std::move(selection)),
      chunk_size_(chunk_size),
      heading_(new QLabel),
      counts_(new QLabel),
      progress_(new QProgressBar),
      cancel_button_(new QPushButton(tr("Cancel"))),
      outcome_view_(new QListView),
      outcomes_(new QStringListModel(this)),
      replay_button_(new QPushButton(tr("Replay for real"))),
      buttons_(new QDialogButtonBox(QDialogButtonBox::Close)) {
    setObjectName(QStringLiteral("dialog_replay"));
    setWindowTitle(tr("Replay dead letters"));
    replay_button_->setObjectName(QStringLiteral("button_replay_for_real"));
    cancel_button_->setObjectName(QStringLiteral("button_cancel_replay"));
    progress_->setObjectName(QStringLiteral("progress_replay"));
    outcome_view_->setObjectName(QStringLiteral("list_replay_outcomes"));
    counts_->setObjectName(QStringLiteral("label_replay_counts"));

    auto* what = new QLabel(tr("Selection: %1").arg(description));
    what->setWordWrap(true);
    what->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont heading_font = heading_->font();
    heading_font.setWeight(QFont::DemiBold);
    heading_font.setPointSizeF(heading_font.pointSizeF() * 1.1);
    heading_->setFont(heading_font);
    heading_->setWordWrap(true);
    counts_->setWordWrap(true);
    counts_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* progress_row = new QHBoxLayout;
    progress_row->addWidget(progress_, 1);
    progress_row->addWidget(cancel_button_);
    outcome_view_->setModel(outcomes_);
    outcome_view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    outcome_view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    outcome_view_->setUniformItemSizes(true);
    outcome_view_->setAlternatingRowColors(true);

    replay_button_->setToolTip(
        tr("Write what the dry run showed: valid entries go to the events "
           "table, still-bad ones are dead-lettered again"));
    buttons_->addButton(replay_button_, QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(heading_);
    layout->addWidget(what);
    layout->addLayout(progress_row);
    layout->addWidget(counts_);
    layout->addWidget(new QLabel(tr("Per entry:")));
    layout->addWidget(outcome_view_, 1);
    layout->addWidget(buttons_);
    resize(720, 480);

    connect(cancel_button_, &QPushButton::clicked, this, &DeadLetterReplayDialog::cancel);
    connect(replay_button_, &QPushButton::clicked, this, &DeadLetterReplayDialog::replayForReal);
    connect(buttons_, &QDialogButtonBox::rejected, this, &DeadLetterReplayDialog::reject);
    if (service) {
        // A session switch destroys the service: a run under way then never answers.
        connect(service, &QObject::destroyed, this, [this] {
            if (stage_ == Stage::DryRunning || stage_ == Stage::Replaying)
                show_failure(
                    tr("The session changed while this ran: it stops after its current "
                       "chunk. The audit log shows what it did."));
        });
    }
    run(true);
}

DeadLetterReplayDialog::~DeadLetterReplayDialog() {
    if (cancel_)
        cancel_->store(true);
}

void DeadLetterReplayDialog::reject() {
    cancel();
    QDialog::reject();
}

void DeadLetterReplayDialog::cancel() {
    if (cancel_)
        cancel_->store(true);
    cancel_button_->setEnabled(false);
    cancel_button_->setText(tr("Cancelling…"));
}

void DeadLetterReplayDialog::replayForReal() {
    if (stage_ != Stage::DryRunDone)
        return;
    run(false);
}

void DeadLetterReplayDialog::set_stage(Stage stage) {
    stage_ = stage;
    const bool running = stage == Stage::DryRunning || stage == Stage::Replaying;
    progress_->setVisible(running);
    cancel_button_->setVisible(running);
    cancel_button_->setEnabled(running);
    cancel_button_->setText(tr("Cancel"));
    replay_button_->setVisible(stage == Stage::DryRunning || stage == Stage::DryRunDone);
    const bool worth_replaying = dry_run_ && !dry_run_->cancelled &&
                                 dry_run_->written + dry_run_->still_bad + dry_run_->duplicates > 0;
    replay_button_->setEnabled(stage == Stage::DryRunDone && worth_replaying);
    if (stage == Stage::DryRunDone)
        replay_button_->setDefault(true);
    emit stageChanged(stage);
}

void DeadLetterReplayDialog::run(bool dry_run) {
    if (!service_) {
        // The session changed under the open dialog: the store it was opened on is gone.
        show_failure(
            tr("The dead-letter store this dialog was opened on is no longer connected "
               "(the session changed). Close the dialog and select the entries again."));
        return;
    }
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    heading_->setText(dry_run ? tr("Dry run: finding out what a replay would do…")
                              : tr("Replaying…"));
    progress_->setRange(0, 0);
    set_stage(dry_run ? Stage::DryRunning : Stage::Replaying);

    ReplayOptions options;
    options.actor = DeadLetterService::actor().toStdString();
    options.dry_run = dry_run;
    options.chunk_size = chunk_size_;
    const QPointer<QObject> guard(this);
    // The link, not the service: the replay runs on after a session switch destroyed it, up to
    // its next chunk, where it hears "stop".
    options.progress = [link = service_->link(), guard, cancel = cancel_](int64_t done,
                                                                          int64_t total) {
        link->post_to_gui(guard, [guard, done, total] {
            auto* dialog = static_cast<DeadLetterReplayDialog*>(guard.data());
            // The bar counts in thousands past int's range; plain counts otherwise.
            const int scale = total > 1'000'000'000 ? 1000 : 1;
            dialog->progress_->setRange(0, int(total / scale));
            dialog->progress_->setValue(int(done / scale));
            dialog->progress_->setFormat(
                tr("%1 of %2").arg(format_count(done), format_count(total)));
        });
        return !cancel->load() && !link->stopping();
    };
    service_->run(
        this, dry_run ? tr("dry run") : tr("replay"),
        [selection = selection_, options](DeadLetterBackend& store) {
            return store.replay(selection, options);
        },
        [this, dry_run](const ReplayReport& report) {
            (dry_run ? dry_run_ : replay_) = report;
            show_report(report);
            set_stage(dry_run ? Stage::DryRunDone : Stage::Done);
            emit ranReplay(report);
        },
        [this](const QString& message) { show_failure(message); });
}

void DeadLetterReplayDialog::show_failure(const QString& message) {
    heading_->setText(tr("The replay failed"));
    counts_->setText(message);
    QPalette palette = counts_->palette();
    palette.setColor(QPalette::WindowText, theme::tone_color(theme::Tone::Bad, palette));
    counts_->setPalette(palette);
    set_stage(Stage::Failed);
}

void DeadLetterReplayDialog::show_report(const ReplayReport& report) {
    const QString verb = report.dry_run ? tr("would write") : tr("written");
    QString heading;
    if (report.cancelled)
        heading = report.dry_run
                      ? tr("Dry run cancelled after %1 of %2 entries")
                            .arg(format_count(report.processed), format_count(report.selected))
                      : tr("Replay cancelled after %1 of %2 entries")
                            .arg(format_count(report.processed), format_count(report.selected));
    else if (report.dry_run)
        heading = tr("Dry run: %1 of %2 entries would be stored. Nothing was written yet.")
                      .arg(format_count(report.written), format_count(report.selected));
    else
        heading = tr("Replayed: %1 of %2 entries stored in the events table.")
                      .arg(format_count(report.written), format_count(report.selected));
    heading_->setText(heading);
    counts_->setText(tr("Processed %1 · %2 %3 · already stored %4 · still bad %5 · at the attempt "
                        "limit %6 · not new %7")
                         .arg(format_count(report.processed), verb, format_count(report.written),
                              format_count(report.duplicates), format_count(report.still_bad),
                              format_count(report.skipped_attempt_limit),
                              format_count(report.skipped_not_new)));
    QStringList lines;
    lines.reserve(qsizetype(report.outcomes.size()));
    for (const std::string& line : report.outcomes)
        lines << QString::fromStdString(line);
    outcomes_->setStringList(lines);
}

}  // namespace spillway
