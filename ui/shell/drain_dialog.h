#pragma once
// Shown while the console closes: the engine stops intake and writes what it holds before the
// window goes. It counts down the events still queued (read from the snapshots) until finish().
#include <QDialog>

#include "ui/session/snapshot_feed.h"

class QLabel;
class QProgressBar;

namespace spillway {

class DrainDialog : public QDialog {
    Q_OBJECT
public:
    DrainDialog(SnapshotProvider snapshots, QWidget* parent = nullptr);

    // Called when the drain is over; closes the dialog.
    void finish();
    QString text() const;

protected:
    void reject() override;  // Esc does not abandon a drain

private:
    void poll();

    SnapshotProvider snapshots_;
    QLabel* label_;
    QProgressBar* progress_;
    size_t most_left_ = 0;
    bool seen_engine_ = false;
};

}  // namespace spillway
