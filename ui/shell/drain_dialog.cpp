#include "ui/shell/drain_dialog.h"

#include <QLabel>
#include <QProgressBar>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/widgets/format.h"

namespace spillway {

DrainDialog::DrainDialog(SnapshotProvider snapshots, QWidget* parent)
    : QDialog(parent, Qt::Dialog | Qt::CustomizeWindowHint | Qt::WindowTitleHint),
      snapshots_(std::move(snapshots)),
      label_(new QLabel(this)),
      progress_(new QProgressBar(this)) {
    setObjectName(QStringLiteral("drain_dialog"));
    setWindowTitle(tr("Closing Spillway"));
    setModal(true);
    label_->setObjectName(QStringLiteral("label_drain"));
    label_->setMinimumWidth(360);
    progress_->setRange(0, 0);
    progress_->setTextVisible(false);
    auto* explanation = new QLabel(
        tr("Intake has stopped. Events already taken from Kafka are being written and their "
           "offsets committed, so nothing is consumed twice or lost."),
        this);
    explanation->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 18, 20, 18);
    layout->setSpacing(10);
    layout->addWidget(label_);
    layout->addWidget(progress_);
    layout->addWidget(explanation);

    auto* timer = new QTimer(this);
    timer->setInterval(100);
    connect(timer, &QTimer::timeout, this, &DrainDialog::poll);
    timer->start();
    poll();
}

void DrainDialog::poll() {
    const auto snapshot = snapshots_ ? snapshots_() : nullptr;
    if (!snapshot) {
        // No engine: not started yet, or already drained and the rest is being torn down.
        label_->setText(most_left_ > 0 || seen_engine_ ? tr("Drained; shutting down…")
                                                       : tr("Draining…"));
        return;
    }
    seen_engine_ = true;
    // Everything consumed and not yet durable: queued, in the writers' hands, or waiting to be
    // parked as overflow.
    const size_t left =
        std::max(snapshot->in_flight_offsets, snapshot->queue_events + snapshot->overflow_queued);
    most_left_ = std::max(most_left_, left);
    label_->setText(tr("Draining… %1 events left").arg(format_count(int64_t(left))));
    if (most_left_ > 0) {
        progress_->setRange(0, int(std::min<size_t>(most_left_, INT32_MAX)));
        progress_->setValue(int(std::min<size_t>(most_left_ - left, INT32_MAX)));
    }
}

QString DrainDialog::text() const {
    return label_->text();
}

void DrainDialog::finish() {
    accept();
}

void DrainDialog::reject() {}

}  // namespace spillway
