#pragma once
// Replay, dry run first: the dialog runs a dry run of the selection at once and shows what would
// happen (counts and one line per entry); "Replay for real" then runs it. Both runs show a
// progress bar with Cancel, which stops the replay after its current chunk. The dialog holds its
// service weakly: a session switch destroys the service while the dialog may stay open. GUI
// thread.
#include <QDialog>
#include <QPointer>
#include <atomic>
#include <memory>
#include <optional>

#include "core/dead_letters/dead_letter_store.h"

class QDialogButtonBox;
class QLabel;
class QListView;
class QProgressBar;
class QPushButton;
class QStringListModel;

namespace spillway {

class DeadLetterService;

class DeadLetterReplayDialog : public QDialog {
    Q_OBJECT
public:
    enum class Stage { DryRunning, DryRunDone, Replaying, Done, Failed };

    DeadLetterReplayDialog(DeadLetterService* service, DeadLetterSelection selection,
                           const QString& description, int chunk_size = 1000,
                           QWidget* parent = nullptr);
    ~DeadLetterReplayDialog() override;

    Stage stage() const { return stage_; }
    const std::optional<ReplayReport>& dryRunReport() const { return dry_run_; }
    const std::optional<ReplayReport>& replayReport() const { return replay_; }
    QPushButton* replayButton() const { return replay_button_; }
    QPushButton* cancelButton() const { return cancel_button_; }
    QStringListModel* outcomes() const { return outcomes_; }

    // Cancels the run under way (after its current chunk).
    void cancel();
    void replayForReal();

signals:
    void stageChanged(Stage stage);
    // A run ended (dry or real): the store and its audit changed.
    void ranReplay(const ReplayReport& report);

protected:
    void reject() override;

private:
    void run(bool dry_run);
    void set_stage(Stage stage);
    void show_report(const ReplayReport& report);
    void show_failure(const QString& message);

    QPointer<DeadLetterService> service_;
    DeadLetterSelection selection_;
    int chunk_size_;
    Stage stage_ = Stage::DryRunning;
    std::shared_ptr<std::atomic<bool>> cancel_;
    std::optional<ReplayReport> dry_run_;
    std::optional<ReplayReport> replay_;

    QLabel* heading_;
    QLabel* counts_;
    QProgressBar* progress_;
    QPushButton* cancel_button_;
    QListView* outcome_view_;
    QStringListModel* outcomes_;
    QPushButton* replay_button_;
    QDialogButtonBox* buttons_;
};

}  // namespace spillway
