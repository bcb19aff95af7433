#include "ui/tuning/tuning_page.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QTableView>
#include <QTime>
#include <QVBoxLayout>

#include "ui/widgets/card.h"
#include "ui/session/engine_control.h"
#include "ui/tuning/fetch_settings_box.h"
#include "ui/tuning/knob_change_text.h"
#include "ui/tuning/knob_form.h"
#include "ui/session/knob_history_feed.h"
#include "ui/tuning/knob_history_model.h"
#include "ui/tuning/knob_presets.h"
#include "ui/session/console_logging.h"
#include "ui/session/snapshot_feed.h"
#include "ui/widgets/tone_label.h"

namespace spillway {

namespace {

const std::string kOrigin = "gui";
const std::string kRevertOrigin = "gui: revert";

QLabel* card_title(const QString& text, QWidget* parent) {
    auto* title = new QLabel(text, parent);
    QFont font = title->font();
    font.setWeight(QFont::DemiBold);
    title->setFont(font);
    return title;
}

}  // namespace

TuningPage::TuningPage(SnapshotFeed* feed, KnobHistoryFeed* history, EngineControl* control,
                       QWidget* parent)
    : QWidget(parent),
      history_(history),
      control_(control),
      presets_(std::make_unique<KnobPresets>()),
      form_(new KnobForm),
      history_model_(new KnobHistoryModel(history, this)),
      fetch_box_(new FetchSettingsBox),
      preset_combo_(new QComboBox),
      save_preset_(new QPushButton(tr("Save as preset…"))),
      delete_preset_(new QPushButton(tr("Delete preset"))),
      apply_(new QPushButton(tr("Apply"))),
      discard_(new QPushButton(tr("Discard edits"))),
      revert_(new QPushButton(tr("Revert to previous settings"))),
      status_(new ToneLabel),
      engine_note_(new QLabel),
      history_view_(new QTableView) {
    setObjectName(QStringLiteral("page_tuning"));
    setWindowTitle(tr("Tuning"));
    preset_combo_->setObjectName(QStringLiteral("combo_preset"));
    apply_->setObjectName(QStringLiteral("button_apply"));
    discard_->setObjectName(QStringLiteral("button_discard"));
    revert_->setObjectName(QStringLiteral("button_revert"));
    status_->setObjectName(QStringLiteral("label_apply_status"));
    history_view_->setObjectName(QStringLiteral("table_knob_history"));

    auto* settings_card = new Card;
    settings_card->setObjectName(QStringLiteral("card_knobs"));
    build_settings_card(settings_card);

    auto* history_card = new Card;
    history_card->setObjectName(QStringLiteral("card_knob_history"));
    history_view_->setModel(history_model_);
    history_view_->verticalHeader()->hide();
    history_view_->verticalHeader()->setDefaultSectionSize(history_view_->fontMetrics().height() +
                                                           8);
    history_view_->horizontalHeader()->setSectionResizeMode(KnobHistoryModel::Time,
                                                            QHeaderView::ResizeToContents);
    history_view_->horizontalHeader()->setSectionResizeMode(KnobHistoryModel::Change,
                                                            QHeaderView::Stretch);
    history_view_->horizontalHeader()->setSectionResizeMode(KnobHistoryModel::Origin,
                                                            QHeaderView::ResizeToContents);
    history_view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    history_view_->setWordWrap(false);
    history_view_->setTextElideMode(Qt::ElideRight);
    history_view_->setAlternatingRowColors(true);
    history_view_->setShowGrid(false);
    history_view_->setFrameShape(QFrame::NoFrame);
    auto* history_layout = new QVBoxLayout(history_card);
    history_layout->setContentsMargins(0, 0, 0, 0);
    history_layout->addWidget(card_title(tr("Change history"), history_card));
    auto* history_hint = new ToneLabel(
        tr("Every accepted change, newest first; each one is also marked on the dashboard's "
           "charts. Hover a row for the full settings before and after."),
        ToneLabel::Role::Muted, history_card);
    history_hint->setWordWrap(true);
    history_layout->addWidget(history_hint);
    history_layout->addWidget(history_view_, 1);

    // The form and what cannot be changed at runtime on the left, the history beside them.
    auto* left = new QVBoxLayout;
    left->setSpacing(12);
    left->addWidget(settings_card);
    left->addWidget(fetch_box_);
    left->addStretch(1);

    auto* content = new QWidget;
    auto* columns = new QHBoxLayout(content);
    columns->setContentsMargins(16, 16, 16, 12);
    columns->setSpacing(12);
    columns->addLayout(left, 3);
    columns->addWidget(history_card, 2);

    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto* page_layout = new QVBoxLayout(this);
    page_layout->setContentsMargins(0, 0, 0, 0);
    page_layout->addWidget(scroll);

    // Shortcuts work anywhere on the page; inside a spin box Ctrl+Z still undoes typing there.
    auto* apply_action = new QAction(tr("Apply the settings"), this);
    apply_action->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    auto* revert_action = new QAction(tr("Revert to the previous settings"), this);
    revert_action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Z));
    for (QAction* action : {apply_action, revert_action}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
    }
    connect(apply_action, &QAction::triggered, this, [this] {
        if (apply_->isEnabled())
            apply();
    });
    connect(revert_action, &QAction::triggered, this, [this] {
        if (revert_->isEnabled())
            revert();
    });

    connect(apply_, &QPushButton::clicked, this, &TuningPage::apply);
    connect(revert_, &QPushButton::clicked, this, &TuningPage::revert);
    connect(discard_, &QPushButton::clicked, this, [this] {
        form_->load(form_->loaded());
        load_fetch(form_->loaded());
        show_status(QString(), false);
    });
    connect(form_, &KnobForm::edited, this, &TuningPage::on_edited);
    connect(fetch_box_, &FetchSettingsBox::edited, this, &TuningPage::on_edited);
    connect(preset_combo_, &QComboBox::activated, this,
            [this](int index) { choosePreset(preset_combo_->itemData(index).toString()); });
    connect(save_preset_, &QPushButton::clicked, this, &TuningPage::ask_preset_name);
    connect(delete_preset_, &QPushButton::clicked, this,
            [this] { removeUserPreset(preset_combo_->currentData().toString()); });
    connect(feed, &SnapshotFeed::updated, this,
            [this](const std::shared_ptr<const Snapshot>& snapshot) { on_snapshot(*snapshot); });
    connect(history_, &KnobHistoryFeed::appended, this, &TuningPage::refresh_buttons);
    connect(history_, &KnobHistoryFeed::reset, this, &TuningPage::refresh_buttons);

    form_->setEnabled(control_ != nullptr);
    engine_note_->setVisible(control_ == nullptr);
    refresh_presets();
    refresh_buttons();
}

TuningPage::~TuningPage() = default;

void TuningPage::build_settings_card(QWidget* card) {
    auto* presets_row = new QHBoxLayout;
    presets_row->addWidget(new QLabel(tr("Preset")));
    presets_row->addWidget(preset_combo_, 1);
    presets_row->addWidget(save_preset_);
    presets_row->addWidget(delete_preset_);

    engine_note_->setText(tr("Tuning needs a running engine; these are the knobs last reported."));
    engine_note_->setWordWrap(true);

    apply_->setDefault(true);
    apply_->setToolTip(tr("Send the edited settings to the engine (Ctrl+Return)"));
    revert_->setToolTip(tr("Apply the settings in force before the latest change (Ctrl+Z)"));
    discard_->setToolTip(tr("Show the engine's current settings again"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(apply_);
    buttons->addWidget(discard_);
    buttons->addStretch(1);
    buttons->addWidget(revert_);

    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QVBoxLayout(card);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);
    layout->addWidget(card_title(tr("Engine settings"), card));
    layout->addWidget(engine_note_);
    layout->addLayout(presets_row);
    layout->addSpacing(4);
    layout->addWidget(form_);
    layout->addSpacing(4);
    layout->addLayout(buttons);
    layout->addWidget(status_);
}

void TuningPage::on_snapshot(const Snapshot& s) {
    if (s.taken_at.time_since_epoch().count() == 0)
        return;
    const bool first = !loaded_once_;
    if (first) {
        loaded_once_ = true;
        if (control_)
            start_up_properties_ = control_->kafka_properties();
    }
    // The knobs changed elsewhere (another origin, a revert): show them, unless the operator is
    // in the middle of editing.
    if (first || (s.knob_version != loaded_version_ && !modified())) {
        form_->load(s.knobs);
        load_fetch(s.knobs);
        loaded_version_ = s.knob_version;
        refresh_buttons();
    }
}

void TuningPage::on_edited() {
    // Checked as the operator types, with the engine's own rules: Apply stays off while the
    // settings would be refused, and the reason is shown at the field.
    const std::string reason = validate(wanted());
    const QString text = QString::fromStdString(reason);
    if (!show_reason(text))
        show_status(text, true);
    else if (reason.empty() && status_->property("problem").toBool())
        show_status(QString(), false);
    refresh_buttons();
}

void TuningPage::refresh_buttons() {
    const bool valid = validate(wanted()).empty();
    apply_->setEnabled(control_ && modified() && valid);
    discard_->setEnabled(modified());
    revert_->setEnabled(control_ && !history_->changes().empty());
    if (!history_->changes().empty()) {
        const KnobChange& last = history_->changes().back();
        revert_->setToolTip(tr("Apply the settings before the latest change (Ctrl+Z): %1")
                                .arg(describe_knob_change(last.after, last.before)));
    }
    delete_preset_->setEnabled(
        presets_->userNames().contains(preset_combo_->currentData().toString()));
}

bool TuningPage::send(const Knobs& knobs, const std::string& origin) {
    if (!control_)
        return false;
    const Knobs before = form_->loaded();
    const std::string reason = control_->apply_knobs(knobs, origin);
    if (!reason.empty()) {
        const QString text = QString::fromStdString(reason);
        const bool at_field = show_reason(text);
        show_status(at_field ? tr("The engine refused the settings; see the field marked.")
                             : tr("The engine refused the settings: %1").arg(text),
                    true);
        qCInfo(lcConsole) << "knob change refused:" << text;
        return false;
    }
    const Knobs now = control_->knobs().value_or(knobs);
    form_->load(now);
    load_fetch(now);
    history_->reload();
    const QString when = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
    show_status((origin == kRevertOrigin ? tr("Reverted at %1: %2") : tr("Applied at %1: %2"))
                    .arg(when, describe_knob_change(before, now)),
                false);
    qCInfo(lcConsole).noquote() << "knobs applied:" << describe_knob_change(before, now);
    refresh_buttons();
    return true;
}

bool TuningPage::apply() {
    const Knobs knobs = wanted();
    // Refused here already when the engine would refuse it, with the same words.
    if (const std::string reason = validate(knobs); !reason.empty()) {
        const QString text = QString::fromStdString(reason);
        if (!show_reason(text))
            show_status(text, true);
        return false;
    }
    return send(knobs, kOrigin);
}

Knobs TuningPage::wanted() const {
    Knobs knobs = form_->knobs();
    knobs.fetch = fetch_box_->fetch();
    return knobs;
}

bool TuningPage::modified() const {
    return form_->modified() || fetch_box_->modified();
}

void TuningPage::load_fetch(const Knobs& knobs) {
    fetch_box_->load(start_up_properties_, knobs.fetch);
}

bool TuningPage::show_reason(const QString& reason) {
    if (reason.isEmpty()) {
        form_->showReason(reason);
        fetch_box_->showReason(reason);
        return false;
    }
    return form_->showReason(reason) || fetch_box_->showReason(reason);
}

bool TuningPage::revert() {
    if (history_->changes().empty())
        return false;
    return send(history_->changes().back().before, kRevertOrigin);
}

bool TuningPage::choosePreset(const QString& name) {
    std::optional<Knobs> knobs = KnobPresets::builtin(name, form_->knobs());
    if (!knobs)
        knobs = presets_->user(name);
    if (!knobs)
        return false;
    form_->edit(*knobs);
    const int index = preset_combo_->findData(name);
    if (index >= 0)
        preset_combo_->setCurrentIndex(index);
    show_status(tr("Preset “%1” is in the form; Apply sends it to the engine.").arg(name), false);
    refresh_buttons();
    return true;
}

void TuningPage::saveUserPreset(const QString& name) {
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty() || KnobPresets::builtinNames().contains(trimmed))
        return;
    presets_->saveUser(trimmed, form_->knobs());
    refresh_presets();
    preset_combo_->setCurrentIndex(preset_combo_->findData(trimmed));
    show_status(tr("Saved the form as preset “%1”.").arg(trimmed), false);
    refresh_buttons();
}

void TuningPage::removeUserPreset(const QString& name) {
    if (!presets_->userNames().contains(name))
        return;
    presets_->removeUser(name);
    refresh_presets();
    show_status(tr("Deleted preset “%1”.").arg(name), false);
    refresh_buttons();
}

void TuningPage::ask_preset_name() {
    bool accepted = false;
    const QString name =
        QInputDialog::getText(this, tr("Save preset"), tr("Name for the settings in the form:"),
                              QLineEdit::Normal, QString(), &accepted);
    if (accepted)
        saveUserPreset(name);
}

void TuningPage::refresh_presets() {
    preset_combo_->clear();
    preset_combo_->addItem(tr("Choose a preset…"), QString());
    for (const QString& name : KnobPresets::builtinNames()) {
        preset_combo_->addItem(name, name);
        preset_combo_->setItemData(preset_combo_->count() - 1,
                                   KnobPresets::builtinDescription(name), Qt::ToolTipRole);
    }
    const QStringList user = presets_->userNames();
    if (!user.isEmpty())
        preset_combo_->insertSeparator(preset_combo_->count());
    for (const QString& name : user) {
        preset_combo_->addItem(name, name);
        if (const auto knobs = presets_->user(name))
            preset_combo_->setItemData(preset_combo_->count() - 1, describe_knobs(*knobs),
                                       Qt::ToolTipRole);
    }
}

void TuningPage::show_status(const QString& text, bool problem) {
    status_->setText(text);
    status_->setVisible(!text.isEmpty());
    status_->setProperty("problem", problem);
    status_->setRole(problem ? ToneLabel::Role::Bad : ToneLabel::Role::Muted);
}

}  // namespace spillway
