#include "ui/dead_letters/dead_letter_page.h"

#include <QAction>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <fstream>

#include "ui/dead_letters/dead_letter_audit_model.h"
#include "ui/dead_letters/dead_letter_detail_pane.h"
#include "ui/dead_letters/dead_letter_discard_dialog.h"
#include "ui/dead_letters/dead_letter_model.h"
#include "ui/dead_letters/dead_letter_reason_model.h"
#include "ui/dead_letters/dead_letter_replay_dialog.h"
#include "ui/session/dead_letter_service.h"
#include "ui/widgets/format.h"
#include "ui/session/remote_dead_letter_store.h"
#include "ui/widgets/theme.h"

namespace spillway {

namespace {

// A pause in typing before the filter goes to the database.
constexpr int kFilterDelayMs = 250;
constexpr int kAuditRows = 200;

enum class TimeRange { Any, Last15Minutes, LastHour, LastDay, LastWeek, Between };

void set_tone(QLabel* label, theme::Tone tone) {
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, tone == theme::Tone::Neutral
                                               ? theme::muted_text(label->palette())
                                               : theme::tone_color(tone, label->palette()));
    label->setPalette(palette);
}

WallTime wall_time(const QDateTime& time) {
    return WallTime(std::chrono::milliseconds(time.toMSecsSinceEpoch()));
}

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

}  // namespace

DeadLetterPage::DeadLetterPage(QWidget* parent)
    : QWidget(parent),
      model_(new DeadLetterModel(this)),
      reasons_(new DeadLetterReasonModel(this)),
      audit_(new DeadLetterAuditModel(this)),
      stack_(new QStackedWidget),
      not_connected_(new QLabel),
      tabs_(new QTabWidget),
      topic_(new QLineEdit),
      partition_(new QSpinBox),
      status_(new QComboBox),
      time_(new QComboBox),
      from_(new QDateTimeEdit),
      to_(new QDateTimeEdit),
      text_(new QLineEdit),
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
      detail_(new DeadLetterDetailPane),
      audit_table_(plain_table()) {
    setObjectName(QStringLiteral("page_dead_letters"));
    table_->setObjectName(QStringLiteral("table_dead_letters"));
    reason_table_->setObjectName(QStringLiteral("table_dead_letter_reasons"));
    audit_table_->setObjectName(QStringLiteral("table_dead_letter_audit"));
    counts_->setObjectName(QStringLiteral("label_dead_letter_counts"));
    problem_->setObjectName(QStringLiteral("label_dead_letter_problem"));
    action_status_->setObjectName(QStringLiteral("label_dead_letter_action"));

    not_connected_->setText(
        tr("The dead-letter workbench works on the engine's PostgreSQL database.\n"
           "Start the embedded demo or connect to your systems to see what could not be stored."));
    not_connected_->setAlignment(Qt::AlignCenter);
    not_connected_->setWordWrap(true);
    set_tone(not_connected_, theme::Tone::Neutral);

    // Entries tab: filter bar, problem line, then reasons | table | detail.
    table_->setModel(model_);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setSortingEnabled(false);  // newest first, by id: the keyset order
    const QFontMetrics metrics = table_->fontMetrics();
    auto width = [&metrics](const char* sample) {
        return metrics.horizontalAdvance(QString::fromLatin1(sample)) + 18;
    };
    QHeaderView* header = table_->horizontalHeader();
    header->resizeSection(DeadLetterModel::Id, width("1234567"));
    header->resizeSection(DeadLetterModel::LastSeen, width("2026-12-31 23:59:59"));
    header->resizeSection(DeadLetterModel::Reason, width("database_reject"));
    header->resizeSection(DeadLetterModel::Topic, width("orders-eu"));
    header->resizeSection(DeadLetterModel::Partition, width("Part."));
    header->resizeSection(DeadLetterModel::Offset, width("12345678"));
    header->resizeSection(DeadLetterModel::Key, width("customer-12"));
    header->resizeSection(DeadLetterModel::Message, width("invalid JSON at byte 123: missing"));
    header->resizeSection(DeadLetterModel::Attempts, width("Tries"));
    header->resizeSection(DeadLetterModel::Status, width("discarded"));
    header->setStretchLastSection(true);

    problem_->setWordWrap(true);
    problem_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    set_tone(problem_, theme::Tone::Bad);
    problem_->hide();
    set_tone(counts_, theme::Tone::Neutral);
    action_status_->setWordWrap(true);
    action_status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* center = new QWidget;
    auto* center_layout = new QVBoxLayout(center);
    center_layout->setContentsMargins(0, 0, 0, 0);
    center_layout->setSpacing(4);
    center_layout->addWidget(counts_);
    center_layout->addWidget(table_, 1);
    center_layout->addWidget(build_actions());
    center_layout->addWidget(action_status_);

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->setObjectName(QStringLiteral("splitter_dead_letters"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(build_reason_list());
    splitter->addWidget(center);
    splitter->addWidget(detail_);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 3);
    splitter->setStretchFactor(2, 2);
    splitter->setSizes({210, 640, 480});

    auto* entries = new QWidget;
    auto* entries_layout = new QVBoxLayout(entries);
    entries_layout->setContentsMargins(8, 8, 8, 8);
    entries_layout->setSpacing(6);
    entries_layout->addWidget(build_filter_bar());
    entries_layout->addWidget(problem_);
    entries_layout->addWidget(splitter, 1);

    // Audit tab.
    audit_table_->setModel(audit_);
    audit_table_->setSelectionMode(QAbstractItemView::SingleSelection);
    QHeaderView* audit_header = audit_table_->horizontalHeader();
    audit_header->resizeSection(DeadLetterAuditModel::At, width("2026-12-31 23:59:59"));
    audit_header->resizeSection(DeadLetterAuditModel::Actor, width("operator-name"));
    audit_header->resizeSection(DeadLetterAuditModel::Action, width("replay_dry_run"));
    audit_header->resizeSection(DeadLetterAuditModel::Entries, width("1,000,000"));
    audit_header->resizeSection(DeadLetterAuditModel::Selection,
                                width("reason in (missing_id, not_an_object); status in (new)"));
    auto* audit_page = new QWidget;
    auto* audit_layout = new QVBoxLayout(audit_page);
    audit_layout->setContentsMargins(8, 8, 8, 8);
    auto* audit_note =
        new QLabel(tr("Every edit, replay (and dry run), discard and export, newest "
                      "first. Stored in the database next to the dead letters."));
    audit_note->setWordWrap(true);
    set_tone(audit_note, theme::Tone::Neutral);
    audit_layout->addWidget(audit_note);
    audit_layout->addWidget(audit_table_, 1);

    tabs_->setObjectName(QStringLiteral("tabs_dead_letters"));
    tabs_->addTab(entries, tr("Entries"));
    tabs_->addTab(audit_page, tr("Audit log"));
    tabs_->setDocumentMode(true);
    stack_->addWidget(not_connected_);
    stack_->addWidget(tabs_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(stack_);

    filter_timer_->setSingleShot(true);
    filter_timer_->setInterval(kFilterDelayMs);
    connect(filter_timer_, &QTimer::timeout, this, &DeadLetterPage::applyFilterNow);
    connect(reasons_, &DeadLetterReasonModel::checkedReasonsChanged, this,
            &DeadLetterPage::applyFilterNow);
    connect(model_, &DeadLetterModel::totalCountChanged, this, &DeadLetterPage::update_counts);
    connect(model_, &DeadLetterModel::loaded, this, [this] {
        problem_->hide();
        update_counts();
    });
    connect(model_, &DeadLetterModel::modelReset, this, &DeadLetterPage::update_action_buttons);
    connect(model_, &DeadLetterModel::loadFailed, this, &DeadLetterPage::show_problem);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        update_action_buttons();
        show_current_entry();
    });
    connect(detail_, &DeadLetterDetailPane::saveRequested, this, &DeadLetterPage::save_payload);
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == 1)
            load_audit();
    });

    // With a text, so the help overlay lists them under this page's title.
    auto add_shortcut = [this](QKeySequence keys, const QString& text, auto slot) {
        auto* action = new QAction(text, this);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    add_shortcut(QKeySequence(Qt::CTRL | Qt::Key_F), tr("Filter by text"), [this] {
        text_->setFocus();
        text_->selectAll();
    });
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
    clearStore();
}

DeadLetterPage::~DeadLetterPage() {
    // The models and dialogs go first, so no answer arrives for a half-destroyed page.
    model_->setService(nullptr);
    service_.reset();
}

QWidget* DeadLetterPage::build_filter_bar() {
    auto* bar = new QWidget;
    bar->setObjectName(QStringLiteral("dead_letter_filter_bar"));
    topic_->setObjectName(QStringLiteral("edit_filter_topic"));
    partition_->setObjectName(QStringLiteral("spin_filter_partition"));
    status_->setObjectName(QStringLiteral("combo_filter_status"));
    time_->setObjectName(QStringLiteral("combo_filter_time"));
    text_->setObjectName(QStringLiteral("edit_filter_text"));

    topic_->setPlaceholderText(tr("any topic"));
    topic_->setClearButtonEnabled(true);
    topic_->setMaximumWidth(170);
    partition_->setRange(-1, 100000);
    partition_->setSpecialValueText(tr("any"));
    partition_->setValue(-1);
    partition_->setMinimumWidth(72);
    status_->addItem(tr("New"), QStringLiteral("new"));
    status_->addItem(tr("Replayed"), QStringLiteral("replayed"));
    status_->addItem(tr("Discarded"), QStringLiteral("discarded"));
    status_->addItem(tr("Any status"), QString());
    time_->addItem(tr("Any time"), int(TimeRange::Any));
    time_->addItem(tr("Last 15 minutes"), int(TimeRange::Last15Minutes));
    time_->addItem(tr("Last hour"), int(TimeRange::LastHour));
    time_->addItem(tr("Last 24 hours"), int(TimeRange::LastDay));
    time_->addItem(tr("Last 7 days"), int(TimeRange::LastWeek));
    time_->addItem(tr("Between…"), int(TimeRange::Between));
    time_->setToolTip(tr("When the entry was last seen"));
    const QDateTime now = QDateTime::currentDateTime();
    for (QDateTimeEdit* edit : {from_, to_}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        edit->hide();
    }
    from_->setDateTime(now.addDays(-1));
    to_->setDateTime(now.addSecs(3600));
    text_->setPlaceholderText(tr("Search payload and error text (Ctrl+F)"));
    text_->setClearButtonEnabled(true);
    auto* clear = new QPushButton(tr("Clear filters"));
    clear->setObjectName(QStringLiteral("button_clear_filters"));

    auto* layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(new QLabel(tr("Topic")));
    layout->addWidget(topic_);
    layout->addWidget(new QLabel(tr("Partition")));
    layout->addWidget(partition_);
    layout->addWidget(new QLabel(tr("Status")));
    layout->addWidget(status_);
    layout->addWidget(new QLabel(tr("Last seen")));
    layout->addWidget(time_);
    layout->addWidget(from_);
    layout->addWidget(to_);
    layout->addWidget(text_, 1);
    layout->addWidget(clear);

    connect(topic_, &QLineEdit::textChanged, this, &DeadLetterPage::schedule_filter);
    connect(text_, &QLineEdit::textChanged, this, &DeadLetterPage::schedule_filter);
    connect(partition_, &QSpinBox::valueChanged, this, &DeadLetterPage::schedule_filter);
    connect(status_, &QComboBox::currentIndexChanged, this, &DeadLetterPage::applyFilterNow);
    connect(time_, &QComboBox::currentIndexChanged, this, [this] {
        const bool between = TimeRange(time_->currentData().toInt()) == TimeRange::Between;
        from_->setVisible(between);
        to_->setVisible(between);
        applyFilterNow();
    });
    connect(from_, &QDateTimeEdit::dateTimeChanged, this, &DeadLetterPage::schedule_filter);
    connect(to_, &QDateTimeEdit::dateTimeChanged, this, &DeadLetterPage::schedule_filter);
    connect(clear, &QPushButton::clicked, this, [this] {
        const QSignalBlocker b1(topic_), b2(text_), b3(partition_), b4(status_), b5(time_),
            b6(reasons_);
        topic_->clear();
        text_->clear();
        partition_->setValue(-1);
        status_->setCurrentIndex(0);
        time_->setCurrentIndex(0);
        from_->hide();
        to_->hide();
        reasons_->clearChecks();
        applyFilterNow();
    });
    return bar;
}

QWidget* DeadLetterPage::build_reason_list() {
    auto* panel = new QWidget;
    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    auto* title = new QLabel(tr("By reason"));
    QFont title_font = title->font();
    title_font.setWeight(QFont::DemiBold);
    title->setFont(title_font);
    reason_table_->setModel(reasons_);
    reason_table_->setSelectionMode(QAbstractItemView::NoSelection);
    reason_table_->setAlternatingRowColors(false);
    reason_table_->horizontalHeader()->setSectionResizeMode(DeadLetterReasonModel::Reason,
                                                            QHeaderView::Stretch);
    reason_table_->horizontalHeader()->setSectionResizeMode(DeadLetterReasonModel::Count,
                                                            QHeaderView::ResizeToContents);
    reason_table_->horizontalHeader()->setStretchLastSection(false);
    reason_table_->setToolTip(tr("Check reasons to show only those; none checked shows all"));
    set_tone(reason_total_, theme::Tone::Neutral);
    reason_total_->setWordWrap(true);
    auto* all = new QPushButton(tr("All reasons"));
    all->setObjectName(QStringLiteral("button_all_reasons"));
    connect(all, &QPushButton::clicked, reasons_, &DeadLetterReasonModel::clearChecks);
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

void DeadLetterPage::use_service(std::unique_ptr<DeadLetterService> service,
                                 const DecoderOptions& decoder) {
    model_->setService(nullptr);
    service_ = std::move(service);
    decoder_ = decoder;
    detail_->setDecoderOptions(decoder);
    connect(service_.get(), &DeadLetterService::failed, this, &DeadLetterPage::show_problem);
    stack_->setCurrentWidget(tabs_);
    detail_->showMessage(tr("Select an entry to see it in full."));
    // ensure_schema: the workbench may open before the engine made the tables.
    service_->run(
        this, tr("preparing the dead-letter tables"),
        [](DeadLetterBackend& store) { store.ensure_schema(); }, [] {},
        [](const QString&) {});  // without CREATE rights the tables must exist; queries will tell
    model_->setFilter(currentFilter());
    model_->setService(service_.get());
    load_reason_counts();
    load_audit();
}

void DeadLetterPage::clearStore() {
    model_->setService(nullptr);
    service_.reset();
    reasons_->setCounts({});
    audit_->setRows({});
    detail_->showMessage(tr("Select an entry to see it in full."));
    stack_->setCurrentWidget(not_connected_);
}

DeadLetterFilter DeadLetterPage::currentFilter() const {
    DeadLetterFilter filter;
    filter.reasons = reasons_->checkedReasons();
    if (const QString topic = topic_->text().trimmed(); !topic.isEmpty())
        filter.topic = topic.toStdString();
    if (partition_->value() >= 0)
        filter.partition = partition_->value();
    if (const QString status = status_->currentData().toString(); !status.isEmpty())
        filter.statuses = {status.toStdString()};
    filter.text = text_->text().toStdString();
    const QDateTime now = QDateTime::currentDateTime();
    switch (TimeRange(time_->currentData().toInt())) {
        case TimeRange::Any:
            break;
        case TimeRange::Last15Minutes:
            filter.from = wall_time(now.addSecs(-15 * 60));
            break;
        case TimeRange::LastHour:
            filter.from = wall_time(now.addSecs(-3600));
            break;
        case TimeRange::LastDay:
            filter.from = wall_time(now.addDays(-1));
            break;
        case TimeRange::LastWeek:
            filter.from = wall_time(now.addDays(-7));
            break;
        case TimeRange::Between:
            filter.from = wall_time(from_->dateTime());
            filter.to = wall_time(to_->dateTime());
            break;
    }
    return filter;
}

void DeadLetterPage::setTextFilter(const QString& text) {
    text_->setText(text);
}

void DeadLetterPage::setTopicFilter(const QString& topic) {
    topic_->setText(topic);
}

void DeadLetterPage::setPartitionFilter(std::optional<int> partition) {
    partition_->setValue(partition.value_or(-1));
}

void DeadLetterPage::setStatusFilter(const QString& status) {
    status_->setCurrentIndex(status_->findData(status));
}

void DeadLetterPage::setReasonFilter(const QStringList& reasons) {
    reasons_->setCheckedReasons(reasons);
}

void DeadLetterPage::schedule_filter() {
    filter_timer_->start();
}

void DeadLetterPage::applyFilterNow() {
    filter_timer_->stop();
    if (!service_)
        return;
    model_->setFilter(currentFilter());
    load_reason_counts();
    detail_->showMessage(tr("Select an entry to see it in full."));
}

void DeadLetterPage::load_reason_counts() {
    if (!service_)
        return;
    DeadLetterFilter filter = currentFilter();
    filter.reasons.clear();  // each reason's count under the rest of the filter
    const uint64_t job = ++reason_job_;
    service_->run(
        this, tr("counting by reason"),
        [filter](DeadLetterBackend& store) { return store.counts_by_reason(filter); },
        [this, job](std::vector<ReasonCount> counts) {
            if (job != reason_job_)
                return;
            reasons_->setCounts(counts);  // keeps the checks: not a new filter
            reason_total_->setText(
                tr("%1 entries with any reason").arg(format_count(reasons_->total())));
        });
}

void DeadLetterPage::load_audit() {
    if (!service_)
        return;
    const uint64_t job = ++audit_job_;
    service_->run(
        this, tr("reading the audit log"),
        [](DeadLetterBackend& store) { return store.audit_log(kAuditRows); },
        [this, job](std::vector<DeadLetterAuditRow> rows) {
            if (job != audit_job_)
                return;
            audit_->setRows(std::move(rows));
            emit auditRefreshed();
        });
}

void DeadLetterPage::update_counts() {
    const int64_t total = model_->totalCount();
    const int loaded = model_->rowCount();
    if (total < 0)
        counts_->setText(model_->loading() ? tr("Loading…") : QString());
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
    const bool have_matches = model_->totalCount() != 0 && service_;
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
    QItemSelection selection;
    for (const int64_t id : ids) {
        const int row = model_->rowOfId(id);
        if (row >= 0)
            selection.select(model_->index(row, 0),
                             model_->index(row, DeadLetterModel::ColumnCount - 1));
    }
    table_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (!selection.isEmpty())
        table_->scrollTo(selection.indexes().first());
}

void DeadLetterPage::show_current_entry() {
    const std::vector<int64_t> ids = selectedIds();
    if (ids.size() != 1) {
        ++detail_job_;
        detail_->showMessage(ids.empty() ? tr("Select an entry to see it in full.")
                                         : tr("%1 entries selected.").arg(ids.size()));
        return;
    }
    if (detail_->entryId() == ids.front())
        return;
    load_entry(ids.front());
}

void DeadLetterPage::load_entry(int64_t id) {
    if (!service_)
        return;
    const uint64_t job = ++detail_job_;
    service_->run(
        this, tr("reading entry %1").arg(id),
        [id](DeadLetterBackend& store) { return store.read(id); },
        [this, job, id](std::optional<DeadLetterEntry> entry) {
            if (job != detail_job_)
                return;
            if (!entry) {
                detail_->showMessage(tr("Entry %1 is no longer in the table.").arg(id));
                return;
            }
            detail_->showEntry(*entry);
            emit entryShown(id);
        },
        [this, job](const QString& message) {
            if (job == detail_job_)
                detail_->showMessage(message);
        });
}

void DeadLetterPage::save_payload(int64_t id, const QByteArray& payload) {
    if (!service_)
        return;
    detail_->setSaving(true);
    service_->run(
        this, tr("saving the payload of entry %1").arg(id),
        [id, payload = payload.toStdString(), actor = DeadLetterService::actor().toStdString()](
            DeadLetterBackend& store) { return store.edit_payload(id, payload, actor); },
        [this, id](EditResult result) {
            set_action_status(QString::fromStdString(result.message), result.ok);
            load_entry(id);
            model_->refresh();
            load_audit();
        },
        [this](const QString& message) {
            detail_->setSaving(false);
            set_action_status(message, false);
        });
}

void DeadLetterPage::set_action_status(const QString& message, bool ok) {
    action_status_->setText(message);
    set_tone(action_status_, ok ? theme::Tone::Neutral : theme::Tone::Bad);
    emit actionFinished(message, ok);
}

void DeadLetterPage::show_problem(const QString& message) {
    problem_->setText(message);
    problem_->setToolTip(message);
    problem_->show();
}

void DeadLetterPage::refresh() {
    if (!service_)
        return;
    model_->refresh();
    load_reason_counts();
    load_audit();
    if (const auto id = detail_->entryId(); id && !detail_->hasUnsavedEdit())
        load_entry(*id);
}

QString DeadLetterPage::describe_selection(bool matching) const {
    if (matching) {
        const int64_t total = model_->totalCount();
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
    if (!service_)
        return nullptr;
    auto* dialog = new DeadLetterReplayDialog(service_.get(), std::move(selection), description,
                                              replay_chunk_size_, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &DeadLetterReplayDialog::ranReplay, this, [this](const ReplayReport& report) {
        set_action_status(QString::fromStdString(report.summary()), true);
        if (!report.dry_run)
            refresh();
        else
            load_audit();
    });
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
    if (!service_ || (!matching && selectedIds().empty()))
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
    if (!service_)
        return;
    service_->run(
        this, tr("discarding"),
        [selection, note = note.toStdString(), actor = DeadLetterService::actor().toStdString()](
            DeadLetterBackend& store) { return store.discard(selection, note, actor); },
        [this](DiscardResult result) {
            set_action_status(QString::fromStdString(result.message), true);
            refresh();
        },
        [this](const QString& message) { set_action_status(message, false); });
}

void DeadLetterPage::ask_export(bool matching) {
    if (!service_ || (!matching && selectedIds().empty()))
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
    if (!service_)
        return;
    service_->run(
        this, tr("exporting to %1").arg(path),
        [selection, format, path = path.toStdString(),
         actor = DeadLetterService::actor().toStdString()](DeadLetterBackend& store) {
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            if (!out)
                throw std::runtime_error("cannot open " + path + " for writing");
            const int64_t written = store.export_entries(selection, format, out, actor);
            out.close();
            if (!out)
                throw std::runtime_error("writing " + path + " failed");
            return written;
        },
        [this, path](int64_t written) {
            set_action_status(tr("Exported %1 entries to %2").arg(format_count(written), path),
                              true);
            load_audit();
        },
        [this](const QString& message) { set_action_status(message, false); });
}

}  // namespace spillway
