#include "ui/dead_letters/dead_letter_page.h"

#include <QAction>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include "ui/dead_letters/dead_letter_audit_model.h"
#include "ui/dead_letters/dead_letter_controller.h"
#include "ui/dead_letters/dead_letter_detail_pane.h"
#include "ui/dead_letters/dead_letter_discard_dialog.h"
#include "ui/dead_letters/dead_letter_filter_bar.h"
#include "ui/dead_letters/dead_letter_model.h"
#include "ui/dead_letters/dead_letter_reason_model.h"
#include "ui/dead_letters/dead_letter_replay_dialog.h"
#include "ui/session/dead_letter_service.h"
#include "ui/session/remote_dead_letter_store.h"
#include "ui/widgets/format.h"
#include "ui/widgets/theme.h"

namespace spillway {

namespace {

// A pause in typing before the filter goes to the database.
constexpr int kFilterDelayMs = 250;

QTableView* plain_table() {
    auto* view = new QTableView;
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->setShowGrid(false);
    view->setWordWrap(false);
    view->setAlternatingRowColors(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->horizontalHeader()->setHighlightSections(false);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}

// The width of a column that fits `sample` in the table's font.
int column_width(const QTableView* table, const char* sample) {
    return table->fontMetrics().horizontalAdvance(QString::fromLatin1(sample)) + 18;
}

QString select_an_entry() {
    return DeadLetterPage::tr("Select an entry to see it in full.");
}

}  // namespace

DeadLetterPage::DeadLetterPage(QWidget* parent)
    : QWidget(parent),
      controller_(std::make_unique<DeadLetterController>([this] { return filter_bar_->filter(); })),
      stack_(new QStackedWidget),
      not_connected_(new QLabel),
      tabs_(new QTabWidget),
      filter_bar_(new DeadLetterFilterBar),
      filter_timer_(new QTimer(this)),
      reason_table_(plain_table()),
      reason_total_(new QLabel),
      table_(plain_table()),
      counts_(new QLabel),
      problem_(new QLabel),
      replay_selected_(new QPushButton(tr("Replay selected…"))),
      replay_matching_(new QPushButton(tr("Replay all matching…"))),
      discard_(new QPushButton(tr("Discard"))),
      export_(new QPushButton(tr("Export"))),
      action_status_(new QLabel),
      cancel_export_(new QPushButton(tr("Cancel export"))),
      detail_(new DeadLetterDetailPane),
      audit_table_(plain_table()) {
    setObjectName(QStringLiteral("page_dead_letters"));
    style_labels();
    tabs_->setObjectName(QStringLiteral("tabs_dead_letters"));
    tabs_->addTab(build_entries_tab(), tr("Entries"));
    tabs_->addTab(build_audit_tab(), tr("Audit log"));
    tabs_->setDocumentMode(true);
    stack_->addWidget(not_connected_);
    stack_->addWidget(tabs_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(stack_);

    filter_timer_->setSingleShot(true);
    filter_timer_->setInterval(kFilterDelayMs);
    connect(filter_timer_, &QTimer::timeout, this, &DeadLetterPage::applyFilterNow);
    connect(filter_bar_, &DeadLetterFilterBar::edited, filter_timer_, qOverload<>(&QTimer::start));
    connect(filter_bar_, &DeadLetterFilterBar::changed, this, &DeadLetterPage::applyFilterNow);
    connect(filter_bar_, &DeadLetterFilterBar::clearRequested, this,
            &DeadLetterPage::clear_filters);
    connect_controller();
    add_shortcuts();
    clearStore();
}

DeadLetterPage::~DeadLetterPage() = default;

void DeadLetterPage::style_labels() {
    table_->setObjectName(QStringLiteral("table_dead_letters"));
    reason_table_->setObjectName(QStringLiteral("table_dead_letter_reasons"));
    audit_table_->setObjectName(QStringLiteral("table_dead_letter_audit"));
    counts_->setObjectName(QStringLiteral("label_dead_letter_counts"));
    problem_->setObjectName(QStringLiteral("label_dead_letter_problem"));
    action_status_->setObjectName(QStringLiteral("label_dead_letter_action"));
    cancel_export_->setObjectName(QStringLiteral("button_cancel_export"));
    cancel_export_->setToolTip(tr("Stop the export and remove the partial file"));
    cancel_export_->hide();

    not_connected_->setText(
        tr("The dead-letter workbench works on the engine's PostgreSQL database.\n"
           "Start the embedded demo or connect to your systems to see what could not be stored."));
    not_connected_->setAlignment(Qt::AlignCenter);
    not_connected_->setWordWrap(true);
    theme::set_tone(not_connected_, theme::Tone::Neutral);
    problem_->setWordWrap(true);
    problem_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    theme::set_tone(problem_, theme::Tone::Bad);
    problem_->hide();
    theme::set_tone(counts_, theme::Tone::Neutral);
    action_status_->setWordWrap(true);
    action_status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
}

// Entries tab: filter bar, problem line, then reasons | table | detail.
QWidget* DeadLetterPage::build_entries_tab() {
    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->setObjectName(QStringLiteral("splitter_dead_letters"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(build_reason_list());
    splitter->addWidget(build_entries_center());
    splitter->addWidget(detail_);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 3);
    splitter->setStretchFactor(2, 2);
    splitter->setSizes({210, 640, 480});

    auto* entries = new QWidget;
    auto* entries_layout = new QVBoxLayout(entries);
    entries_layout->setContentsMargins(8, 8, 8, 8);
    entries_layout->setSpacing(6);
    entries_layout->addWidget(filter_bar_);
    entries_layout->addWidget(problem_);
    entries_layout->addWidget(splitter, 1);
    return entries;
}

// The counts line, the table, the action buttons and the last action's outcome.
QWidget* DeadLetterPage::build_entries_center() {
    table_->setModel(controller_->model());
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setSortingEnabled(false);  // newest first, by id: the keyset order
    size_entry_columns();

    auto* center = new QWidget;
    auto* center_layout = new QVBoxLayout(center);
    center_layout->setContentsMargins(0, 0, 0, 0);
    center_layout->setSpacing(4);
    center_layout->addWidget(counts_);
    center_layout->addWidget(table_, 1);
    center_layout->addWidget(build_actions());
    auto* status_row = new QHBoxLayout;
    status_row->addWidget(action_status_, 1);
    status_row->addWidget(cancel_export_);
    center_layout->addLayout(status_row);
    return center;
}

void DeadLetterPage::size_entry_columns() {
    QHeaderView* header = table_->horizontalHeader();
    const auto size = [this, header](int column, const char* sample) {
        header->resizeSection(column, column_width(table_, sample));
    };
    size(DeadLetterModel::Id, "1234567");
    size(DeadLetterModel::LastSeen, "2026-12-31 23:59:59");
    size(DeadLetterModel::Reason, "database_reject");
    size(DeadLetterModel::Topic, "orders-eu");
    size(DeadLetterModel::Partition, "Part.");
    size(DeadLetterModel::Offset, "12345678");
    size(DeadLetterModel::Key, "customer-12");
    size(DeadLetterModel::Message, "invalid JSON at byte 123: missing");
    size(DeadLetterModel::Attempts, "Tries");
    size(DeadLetterModel::Status, "discarded");
    header->setStretchLastSection(true);
}

QWidget* DeadLetterPage::build_audit_tab() {
    audit_table_->setModel(controller_->audit());
    audit_table_->setSelectionMode(QAbstractItemView::SingleSelection);
    QHeaderView* header = audit_table_->horizontalHeader();
    const auto size = [this, header](int column, const char* sample) {
        header->resizeSection(column, column_width(table_, sample));
    };
    size(DeadLetterAuditModel::At, "2026-12-31 23:59:59");
    size(DeadLetterAuditModel::Actor, "operator-name");
    size(DeadLetterAuditModel::Action, "replay_dry_run");
    size(DeadLetterAuditModel::Entries, "1,000,000");
    size(DeadLetterAuditModel::Selection, "reason in (missing_id, not_an_object); status in (new)");
    auto* audit_page = new QWidget;
    auto* audit_layout = new QVBoxLayout(audit_page);
    audit_layout->setContentsMargins(8, 8, 8, 8);
    auto* audit_note =
        new QLabel(tr("Every edit, replay (and dry run), discard and export, newest "
                      "first. Stored in the database next to the dead letters."));
    audit_note->setWordWrap(true);
    theme::set_tone(audit_note, theme::Tone::Neutral);
    audit_layout->addWidget(audit_note);
    audit_layout->addWidget(audit_table_, 1);
    return audit_page;
}

QWidget* DeadLetterPage::build_reason_list() {
    DeadLetterReasonModel* reasons = controller_->reasons();
    auto* title = new QLabel(tr("By reason"));
    QFont title_font = title->font();
    title_font.setWeight(QFont::DemiBold);
    title->setFont(title_font);
    reason_table_->setModel(reasons);
    reason_table_->setSelectionMode(QAbstractItemView::NoSelection);
    reason_table_->setAlternatingRowColors(false);
    QHeaderView* header = reason_table_->horizontalHeader();
    header->setSectionResizeMode(DeadLetterReasonModel::Reason, QHeaderView::Stretch);
    header->setSectionResizeMode(DeadLetterReasonModel::Count, QHeaderView::ResizeToContents);
    header->setStretchLastSection(false);
    reason_table_->setToolTip(tr("Check reasons to show only those; none checked shows all"));
    theme::set_tone(reason_total_, theme::Tone::Neutral);
    reason_total_->setWordWrap(true);
    auto* all = new QPushButton(tr("All reasons"));
    all->setObjectName(QStringLiteral("button_all_reasons"));
    connect(all, &QPushButton::clicked, reasons, &DeadLetterReasonModel::clearChecks);

    auto* panel = new QWidget;
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(title);
    layout->addWidget(reason_table_, 1);
    layout->addWidget(reason_total_);
    layout->addWidget(all);
    panel->setMinimumWidth(180);
    return panel;
}

QWidget* DeadLetterPage::build_actions() {
    replay_selected_->setObjectName(QStringLiteral("button_replay_selected"));
    replay_matching_->setObjectName(QStringLiteral("button_replay_matching"));
    discard_->setObjectName(QStringLiteral("button_discard"));
    export_->setObjectName(QStringLiteral("button_export"));
    replay_selected_->setToolTip(tr("Dry run, then replay the selected entries (Ctrl+R)"));
    replay_matching_->setToolTip(tr("Dry run, then replay every entry the filter matches"));

    auto* discard_menu = new QMenu(discard_);
    discard_menu->addAction(tr("Discard selected… (Del)"), this, [this] { ask_discard(false); });
    discard_menu->addAction(tr("Discard all matching…"), this, [this] { ask_discard(true); });
    discard_->setMenu(discard_menu);

    auto* export_menu = new QMenu(export_);
    export_menu->addAction(tr("Export selected… (Ctrl+E)"), this, [this] { ask_export(false); });
    export_menu->addAction(tr("Export all matching…"), this, [this] { ask_export(true); });
    export_->setMenu(export_menu);

    auto* refresh_button = new QPushButton(tr("Refresh"));
    refresh_button->setToolTip(tr("Reload the table, the counts and the audit log (F5)"));
    auto* bar = new QWidget;
    auto* layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(replay_selected_);
    layout->addWidget(replay_matching_);
    layout->addWidget(discard_);
    layout->addWidget(export_);
    layout->addStretch(1);
    layout->addWidget(refresh_button);
    connect(replay_selected_, &QPushButton::clicked, this, [this] { replaySelection(); });
    connect(replay_matching_, &QPushButton::clicked, this, [this] { replayMatching(); });
    connect(refresh_button, &QPushButton::clicked, this, &DeadLetterPage::refresh);
    return bar;
}

void DeadLetterPage::connect_controller() {
    DeadLetterController* controller = controller_.get();
    DeadLetterModel* model = controller->model();
    connect(controller->reasons(), &DeadLetterReasonModel::checkedReasonsChanged, this,
            &DeadLetterPage::applyFilterNow);
    connect(model, &DeadLetterModel::totalCountChanged, this, &DeadLetterPage::update_counts);
    connect(model, &DeadLetterModel::loaded, this, [this] {
        problem_->hide();
        update_counts();
    });
    connect(model, &DeadLetterModel::modelReset, this, &DeadLetterPage::update_action_buttons);
    connect(controller, &DeadLetterController::problem, this, &DeadLetterPage::show_problem);
    connect(controller, &DeadLetterController::connected, this, &DeadLetterPage::show_connected);
    connect(controller, &DeadLetterController::disconnected, this,
            &DeadLetterPage::show_disconnected);
    connect(controller, &DeadLetterController::reasonCountsLoaded, this, [this](qint64 total) {
        reason_total_->setText(tr("%1 entries with any reason").arg(format_count(total)));
    });
    connect(controller, &DeadLetterController::auditRefreshed, this,
            &DeadLetterPage::auditRefreshed);
    connect(controller, &DeadLetterController::refreshed, this,
            &DeadLetterPage::reload_shown_entry);
    connect(controller, &DeadLetterController::entryLoaded, this,
            [this](const DeadLetterEntry& entry) {
                detail_->showEntry(entry);
                emit entryShown(entry.id);
            });
    connect(controller, &DeadLetterController::entryUnavailable, detail_,
            &DeadLetterDetailPane::showMessage);
    connect(controller, &DeadLetterController::saveFailed, this,
            [this] { detail_->setSaving(false); });
    connect(controller, &DeadLetterController::actionFinished, this,
            &DeadLetterPage::set_action_status);
    connect(controller, &DeadLetterController::exportRunning, this, [this](bool running) {
        cancel_export_->setVisible(running);
        cancel_export_->setEnabled(running);
    });
    connect(cancel_export_, &QPushButton::clicked, this, &DeadLetterPage::cancelExport);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        update_action_buttons();
        show_current_entry();
    });
    connect(detail_, &DeadLetterDetailPane::saveRequested, this,
            [this](qint64 id, const QByteArray& payload) {
                if (!controller_->has_store())
                    return;
                detail_->setSaving(true);
                controller_->save_payload(id, payload);
            });
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == 1)
            controller_->load_audit();
    });
}

// With a text, so the help overlay lists them under this page's title.
void DeadLetterPage::add_shortcuts() {
    auto add_shortcut = [this](const QKeySequence& keys, const QString& text, auto slot) {
        auto* action = new QAction(text, this);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    add_shortcut(QKeySequence(Qt::CTRL | Qt::Key_F), tr("Filter by text"),
                 [this] { filter_bar_->focusText(); });
    add_shortcut(QKeySequence(Qt::Key_F5), tr("Reload the list"), [this] { refresh(); });
    add_shortcut(QKeySequence(Qt::CTRL | Qt::Key_R), tr("Replay the selection (dry run first)"),
                 [this] { replaySelection(); });
    add_shortcut(QKeySequence(Qt::CTRL | Qt::Key_E), tr("Export the selection"),
                 [this] { ask_export(false); });
    add_shortcut(QKeySequence(Qt::Key_Delete), tr("Discard the selection (asks for a reason)"),
                 [this] {
                     if (table_->hasFocus())
                         ask_discard(false);
                 });
}

void DeadLetterPage::setStore(const SinkOptions& sink, const DecoderOptions& decoder) {
    use_service(std::make_unique<DeadLetterService>(sink, decoder), decoder);
}

void DeadLetterPage::setRemote(const QUrl& engine_url, const QString& token) {
    // The remote engine judges payloads with its own decoder options; the detail pane's hint uses
    // the defaults, the engine's answer to an edit is what counts.
    use_service(
        std::make_unique<DeadLetterService>([engine_url, token](const std::atomic<bool>& stopping) {
            return std::make_unique<RemoteDeadLetterStore>(engine_url, token, &stopping);
        }),
        DecoderOptions{});
}

void DeadLetterPage::setService(std::unique_ptr<DeadLetterService> service,
                                const DecoderOptions& decoder) {
    use_service(std::move(service), decoder);
}

void DeadLetterPage::use_service(std::unique_ptr<DeadLetterService> service,
                                 const DecoderOptions& decoder) {
    controller_->use_service(std::move(service), decoder);
}

void DeadLetterPage::show_connected(const DecoderOptions& decoder) {
    detail_->setDecoderOptions(decoder);
    stack_->setCurrentWidget(tabs_);
    detail_->showMessage(select_an_entry());
}

void DeadLetterPage::clearStore() {
    controller_->clear();
}

void DeadLetterPage::show_disconnected() {
    detail_->showMessage(select_an_entry());
    stack_->setCurrentWidget(not_connected_);
}

DeadLetterService* DeadLetterPage::service() const {
    return controller_->service();
}

DeadLetterModel* DeadLetterPage::model() const {
    return controller_->model();
}

DeadLetterReasonModel* DeadLetterPage::reasonModel() const {
    return controller_->reasons();
}

DeadLetterAuditModel* DeadLetterPage::auditModel() const {
    return controller_->audit();
}

void DeadLetterPage::setReplayChunkSize(int entries) {
    controller_->set_replay_chunk_size(entries);
}

DeadLetterFilter DeadLetterPage::currentFilter() const {
    return controller_->current_filter();
}

void DeadLetterPage::setTextFilter(const QString& text) {
    filter_bar_->setText(text);
}

void DeadLetterPage::setTopicFilter(const QString& topic) {
    filter_bar_->setTopic(topic);
}

void DeadLetterPage::setPartitionFilter(std::optional<int> partition) {
    filter_bar_->setPartition(partition);
}

void DeadLetterPage::setStatusFilter(const QString& status) {
    filter_bar_->setStatus(status);
}

void DeadLetterPage::setReasonFilter(const QStringList& reasons) {
    controller_->reasons()->setCheckedReasons(reasons);
}

void DeadLetterPage::clear_filters() {
    filter_bar_->clear();
    {
        const QSignalBlocker blocker(controller_->reasons());
        controller_->reasons()->clearChecks();
    }
    applyFilterNow();
}

void DeadLetterPage::applyFilterNow() {
    filter_timer_->stop();
    if (!controller_->has_store())
        return;
    controller_->apply_filter();
    detail_->showMessage(select_an_entry());
}

void DeadLetterPage::update_counts() {
    const DeadLetterModel* model = controller_->model();
    const int64_t total = model->totalCount();
    const int loaded = model->rowCount();
    if (total < 0)
        counts_->setText(model->loading() ? tr("Loading…") : QString());
    else if (total == 0)
        counts_->setText(tr("No entries match the filter."));
    else if (loaded < total)
        counts_->setText(tr("%1 entries match · %2 loaded (scroll for more)")
                             .arg(format_count(total), format_count(loaded)));
    else
        counts_->setText(tr("%1 entries match").arg(format_count(total)));
    update_action_buttons();
}

void DeadLetterPage::update_action_buttons() {
    const bool have_selection = !selectedIds().empty();
    const bool have_matches = controller_->model()->totalCount() != 0 && controller_->has_store();
    replay_selected_->setEnabled(have_selection);
    replay_matching_->setEnabled(have_matches);
    discard_->setEnabled(have_matches);
    export_->setEnabled(have_matches);
}

std::vector<int64_t> DeadLetterPage::selectedIds() const {
    std::vector<int64_t> ids;
    for (const QModelIndex& index : table_->selectionModel()->selectedRows(DeadLetterModel::Id))
        ids.push_back(index.data(DeadLetterModel::IdRole).toLongLong());
    return ids;
}

void DeadLetterPage::selectIds(const std::vector<int64_t>& ids) {
    const DeadLetterModel* model = controller_->model();
    QItemSelection selection;
    for (const int64_t id : ids) {
        const int row = model->rowOfId(id);
        if (row >= 0)
            selection.select(model->index(row, 0),
                             model->index(row, DeadLetterModel::ColumnCount - 1));
    }
    table_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!selection.isEmpty())
        table_->scrollTo(selection.indexes().first());
}

void DeadLetterPage::show_current_entry() {
    const std::vector<int64_t> ids = selectedIds();
    if (ids.size() != 1) {
        controller_->forget_entry();
        detail_->showMessage(ids.empty() ? select_an_entry()
                                         : tr("%1 entries selected.").arg(ids.size()));
        return;
    }
    if (detail_->entryId() == ids.front())
        return;
    controller_->load_entry(ids.front());
}

// After a refresh: the entry shown again, unless the user is editing it.
void DeadLetterPage::reload_shown_entry() {
    if (const auto id = detail_->entryId(); id && !detail_->hasUnsavedEdit())
        controller_->load_entry(*id);
}

void DeadLetterPage::set_action_status(const QString& message, bool ok) {
    action_status_->setText(message);
    theme::set_tone(action_status_, ok ? theme::Tone::Neutral : theme::Tone::Bad);
    emit actionFinished(message, ok);
}

void DeadLetterPage::show_problem(const QString& message) {
    problem_->setText(message);
    problem_->setToolTip(message);
    problem_->show();
}

void DeadLetterPage::refresh() {
    controller_->refresh();
}

QString DeadLetterPage::describe_selection(bool matching) const {
    if (matching) {
        const int64_t total = controller_->model()->totalCount();
        const QString filter = QString::fromStdString(currentFilter().describe());
        return total >= 0 ? tr("all %1 entries matching %2").arg(format_count(total), filter)
                          : tr("all entries matching %1").arg(filter);
    }
    const size_t count = selectedIds().size();
    return count == 1 ? tr("entry %1").arg(selectedIds().front())
                      : tr("%1 selected entries").arg(format_count(int64_t(count)));
}

DeadLetterReplayDialog* DeadLetterPage::open_replay(DeadLetterSelection selection,
                                                    const QString& description) {
    if (!controller_->has_store())
        return nullptr;
    auto* dialog = new DeadLetterReplayDialog(controller_->service(), std::move(selection),
                                              description, controller_->replay_chunk_size(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &DeadLetterReplayDialog::ranReplay, controller_.get(),
            &DeadLetterController::replay_ran);
    // A replay cancelled by closing the dialog still changed what it reached.
    connect(dialog, &QDialog::finished, this, &DeadLetterPage::refresh);
    dialog->open();
    return dialog;
}

DeadLetterReplayDialog* DeadLetterPage::replaySelection() {
    const std::vector<int64_t> ids = selectedIds();
    if (ids.empty())
        return nullptr;
    return open_replay(DeadLetterSelection(ids), describe_selection(false));
}

DeadLetterReplayDialog* DeadLetterPage::replayMatching() {
    return open_replay(DeadLetterSelection(currentFilter()), describe_selection(true));
}

void DeadLetterPage::ask_discard(bool matching) {
    if (!controller_->has_store() || (!matching && selectedIds().empty()))
        return;
    const DeadLetterSelection selection =
        matching ? DeadLetterSelection(currentFilter()) : DeadLetterSelection(selectedIds());
    auto* dialog = new DeadLetterDiscardDialog(describe_selection(matching), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog, selection] { discard(selection, dialog->note()); });
    dialog->open();
}

void DeadLetterPage::discard(const DeadLetterSelection& selection, const QString& note) {
    controller_->discard(selection, note);
}

void DeadLetterPage::ask_export(bool matching) {
    if (!controller_->has_store() || (!matching && selectedIds().empty()))
        return;
    const QString jsonl = tr("JSON Lines (*.jsonl)");
    const QString csv = tr("CSV (*.csv)");
    QString chosen_filter = jsonl;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export %1").arg(describe_selection(matching)),
        QStringLiteral("dead-letters.jsonl"), jsonl + QStringLiteral(";;") + csv, &chosen_filter);
    if (path.isEmpty())
        return;
    const bool as_csv =
        chosen_filter == csv || path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive);
    exportTo(matching ? DeadLetterSelection(currentFilter()) : DeadLetterSelection(selectedIds()),
             as_csv ? ExportFormat::Csv : ExportFormat::JsonLines, path);
}

void DeadLetterPage::exportTo(const DeadLetterSelection& selection, ExportFormat format,
                              const QString& path) {
    action_status_->setText(tr("Exporting to %1…").arg(path));  // not finished: no signal
    theme::set_tone(action_status_, theme::Tone::Neutral);
    controller_->export_to(selection, format, path);
}

void DeadLetterPage::cancelExport() {
    cancel_export_->setEnabled(false);
    controller_->cancel_export();
}

}  // namespace spillway
