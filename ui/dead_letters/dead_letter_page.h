#pragma once
// The dead-letter workbench: what the engine could not store, to be looked at, fixed and replayed
// by hand. A filter bar (topic, partition, status, time, text) and the reasons with their counts
// narrow the table (paged and filtered in SQL); the detail pane shows one entry in full and edits
// its payload; the actions replay (dry run first), discard (with a reason) or export the
// selection or everything the filter matches; the audit tab lists every action. This is the view:
// widgets, layout and what they show; DeadLetterController holds the store, the models, paging
// and the actions, and runs every store call on its DeadLetterService thread. GUI thread.
#include <QWidget>
#include <memory>
#include <optional>

#include "core/dead_letters/dead_letter_store.h"

class QLabel;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QTimer;
class QUrl;

namespace spillway {

class DeadLetterAuditModel;
class DeadLetterController;
class DeadLetterDetailPane;
class DeadLetterFilterBar;
class DeadLetterModel;
class DeadLetterReasonModel;
class DeadLetterReplayDialog;
class DeadLetterService;

class DeadLetterPage : public QWidget {
    Q_OBJECT
public:
    explicit DeadLetterPage(QWidget* parent = nullptr);
    ~DeadLetterPage() override;

    // Works on the dead-letter table of `sink` (its conninfo and table names), judging payloads
    // with `decoder` (the engine's options). Replaces the store in use, if any.
    void setStore(const SinkOptions& sink, const DecoderOptions& decoder = {});
    // Works on a remote engine's dead-letter table through its control API (engine_url:
    // http://host:port; token: its bearer token). Replaces the store in use, if any.
    void setRemote(const QUrl& engine_url, const QString& token);
    // Works on the store behind `service` (any backend: tests give a scripted one).
    void setService(std::unique_ptr<DeadLetterService> service, const DecoderOptions& decoder = {});
    // Back to the "not connected" state.
    void clearStore();
    DeadLetterService* service() const;

    // The filter the bar and the reason list describe now.
    DeadLetterFilter currentFilter() const;
    // Filter bar setters (tests, and the group-by-reason list); each reloads after a short pause.
    void setTextFilter(const QString& text);
    void setTopicFilter(const QString& topic);
    void setPartitionFilter(std::optional<int> partition);
    void setStatusFilter(const QString& status);  // new, replayed, discarded; empty: any
    void setReasonFilter(const QStringList& reasons);
    // Applies the filter bar now instead of after the pause.
    void applyFilterNow();

    std::vector<int64_t> selectedIds() const;
    void selectIds(const std::vector<int64_t>& ids);

    // Actions. The replay dialog starts with a dry run; it deletes itself when closed.
    DeadLetterReplayDialog* replaySelection();
    DeadLetterReplayDialog* replayMatching();
    void discard(const DeadLetterSelection& selection, const QString& note);
    // Exports to a file; "Cancel export" (cancelExport()) shows while it runs.
    void exportTo(const DeadLetterSelection& selection, ExportFormat format, const QString& path);
    void cancelExport();
    // Entries per replay chunk: the progress bar moves and Cancel takes effect between chunks.
    void setReplayChunkSize(int entries);
    // Reloads the table (keeping what is loaded), the reason counts, the detail and the audit.
    void refresh();

    DeadLetterModel* model() const;
    DeadLetterReasonModel* reasonModel() const;
    DeadLetterAuditModel* auditModel() const;
    QTableView* table() const { return table_; }
    QTableView* auditTable() const { return audit_table_; }
    DeadLetterDetailPane* detailPane() const { return detail_; }
    QTabWidget* tabs() const { return tabs_; }
    QLabel* statusLabel() const { return action_status_; }

signals:
    // An action finished (or failed): the line shown under the table.
    void actionFinished(const QString& message, bool ok);
    void auditRefreshed();
    void entryShown(qint64 id);

private:
    void use_service(std::unique_ptr<DeadLetterService> service, const DecoderOptions& decoder);
    // The panels, built once by the constructor.
    QWidget* build_entries_tab();
    QWidget* build_entries_center();
    QWidget* build_audit_tab();
    QWidget* build_reason_list();
    QWidget* build_actions();
    void size_entry_columns();
    void style_labels();
    void connect_controller();
    void add_shortcuts();

    void show_connected(const DecoderOptions& decoder);
    void show_disconnected();
    void clear_filters();
    void show_current_entry();
    void reload_shown_entry();
    void set_action_status(const QString& message, bool ok);
    void show_problem(const QString& message);
    void update_counts();
    void update_action_buttons();
    DeadLetterReplayDialog* open_replay(DeadLetterSelection selection, const QString& description);
    void ask_discard(bool matching);
    void ask_export(bool matching);
    QString describe_selection(bool matching) const;

    // Destroyed before the widgets (members go before the QWidget base deletes its children), so
    // no answer or model signal reaches a half-destroyed page.
    std::unique_ptr<DeadLetterController> controller_;
    QStackedWidget* stack_;
    QLabel* not_connected_;
    QTabWidget* tabs_;
    DeadLetterFilterBar* filter_bar_;
    QTimer* filter_timer_;
    QTableView* reason_table_;
    QLabel* reason_total_;
    QTableView* table_;
    QLabel* counts_;
    QLabel* problem_;
    QPushButton* replay_selected_;
    QPushButton* replay_matching_;
    QPushButton* discard_;
    QPushButton* export_;
    QLabel* action_status_;
    QPushButton* cancel_export_;  // shown while an export runs
    DeadLetterDetailPane* detail_;
    QTableView* audit_table_;
};

}  // namespace spillway
