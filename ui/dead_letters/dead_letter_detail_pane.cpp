#include "ui/dead_letters/dead_letter_detail_pane.h"

#include <QAction>
#include <QDateTime>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "ui/dead_letters/dead_letter_payload_text.h"
#include "ui/widgets/format.h"
#include "ui/widgets/theme.h"

namespace spillway {

namespace {

// Long enough not to decode on every keystroke of a burst, short enough to feel live.
constexpr int kValidateDelayMs = 200;

QString time_text(WallTime time) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch());
    return QDateTime::fromMSecsSinceEpoch(ms.count())
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

QLabel* value_label() {
    auto* label = new QLabel;
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    return label;
}

QPlainTextEdit* code_view(bool read_only) {
    auto* view = new QPlainTextEdit;
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view->setReadOnly(read_only);
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    return view;
}

}  // namespace

DeadLetterDetailPane::DeadLetterDetailPane(DecoderOptions decoder, QWidget* parent)
    : QWidget(parent),
      decoder_(std::move(decoder)),
      stack_(new QStackedWidget),
      message_(new QLabel),
      title_(new QLabel),
      error_(value_label()),
      source_(value_label()),
      key_(value_label()),
      event_id_(value_label()),
      attempts_(value_label()),
      seen_(value_label()),
      history_(value_label()),
      tabs_(new QTabWidget),
      payload_(code_view(false)),
      payload_note_(new QLabel),
      edit_as_text_(new QPushButton(tr("Edit as text"))),
      validation_(new QLabel),
      save_(new QPushButton(tr("Save payload"))),
      revert_(new QPushButton(tr("Revert"))),
      original_(code_view(true)),
      headers_(code_view(true)),
      validate_timer_(new QTimer(this)) {
    setObjectName(QStringLiteral("dead_letter_detail"));
    payload_->setObjectName(QStringLiteral("edit_dead_letter_payload"));
    validation_->setObjectName(QStringLiteral("label_payload_validation"));
    save_->setObjectName(QStringLiteral("button_save_payload"));
    revert_->setObjectName(QStringLiteral("button_revert_payload"));
    original_->setObjectName(QStringLiteral("view_original_payload"));
    headers_->setObjectName(QStringLiteral("view_headers"));
    title_->setObjectName(QStringLiteral("label_dead_letter_title"));
    error_->setObjectName(QStringLiteral("label_dead_letter_error"));
    source_->setObjectName(QStringLiteral("label_dead_letter_source"));
    history_->setObjectName(QStringLiteral("label_dead_letter_history"));

    message_->setAlignment(Qt::AlignCenter);
    message_->setWordWrap(true);
    theme::set_tone(message_, theme::Tone::Neutral);

    QFont title_font = title_->font();
    title_font.setPointSizeF(title_font.pointSizeF() * 1.2);
    title_font.setWeight(QFont::DemiBold);
    title_->setFont(title_font);
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    theme::set_tone(error_, theme::Tone::Bad);

    auto* fields = new QFormLayout;
    fields->setContentsMargins(0, 0, 0, 0);
    fields->setHorizontalSpacing(10);
    fields->setVerticalSpacing(3);
    fields->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    fields->setRowWrapPolicy(QFormLayout::DontWrapRows);
    fields->addRow(tr("Source"), source_);
    fields->addRow(tr("Key"), key_);
    fields->addRow(tr("Event id"), event_id_);
    fields->addRow(tr("Attempts"), attempts_);
    fields->addRow(tr("Seen"), seen_);
    fields->addRow(tr("Status"), history_);

    payload_note_->setWordWrap(true);
    theme::set_tone(payload_note_, theme::Tone::Neutral);
    edit_as_text_->setToolTip(tr("Show the bytes as UTF-8 text to fix them by hand"));
    auto* note_row = new QHBoxLayout;
    note_row->addWidget(payload_note_, 1);
    note_row->addWidget(edit_as_text_);
    validation_->setWordWrap(true);
    validation_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    save_->setToolTip(tr("Store the edited payload; replay it afterwards (Ctrl+S)"));
    // An action rather than the button's own shortcut, so the help overlay lists it.
    auto* save_action = new QAction(tr("Save the edited payload"), this);
    save_action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_S));
    save_action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(save_action, &QAction::triggered, this, [this] {
        if (save_->isEnabled() && save_->isVisible())
            save_->click();
    });
    addAction(save_action);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(revert_);
    buttons->addWidget(save_);

    auto* payload_tab = new QWidget;
    auto* payload_layout = new QVBoxLayout(payload_tab);
    payload_layout->setContentsMargins(6, 6, 6, 6);
    payload_layout->addLayout(note_row);
    payload_layout->addWidget(payload_, 1);
    payload_layout->addWidget(validation_);
    payload_layout->addLayout(buttons);
    tabs_->addTab(payload_tab, tr("Payload"));
    tabs_->addTab(original_, tr("Original payload"));
    tabs_->addTab(headers_, tr("Headers"));
    tabs_->setDocumentMode(true);

    auto* entry_page = new QWidget;
    auto* entry_layout = new QVBoxLayout(entry_page);
    entry_layout->setContentsMargins(0, 0, 0, 0);
    entry_layout->setSpacing(6);
    entry_layout->addWidget(title_);
    entry_layout->addWidget(error_);
    entry_layout->addLayout(fields);
    entry_layout->addWidget(tabs_, 1);
    stack_->addWidget(message_);
    stack_->addWidget(entry_page);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(stack_);

    validate_timer_->setSingleShot(true);
    validate_timer_->setInterval(kValidateDelayMs);
    connect(validate_timer_, &QTimer::timeout, this, &DeadLetterDetailPane::validateNow);
    connect(payload_, &QPlainTextEdit::textChanged, this, [this] {
        update_edit_state();
        validate_timer_->start();
    });
    connect(revert_, &QPushButton::clicked, this, [this] {
        if (entry_)
            showEntry(*entry_);
    });
    connect(save_, &QPushButton::clicked, this, [this] {
        if (entry_ && hasUnsavedEdit())
            emit saveRequested(entry_->id, payload_->toPlainText().toUtf8());
    });
    connect(edit_as_text_, &QPushButton::clicked, this,
            &DeadLetterDetailPane::show_payload_as_text);
    showMessage(tr("Select an entry to see it in full."));
}

void DeadLetterDetailPane::setDecoderOptions(DecoderOptions decoder) {
    decoder_ = EventDecoder(std::move(decoder));
}

void DeadLetterDetailPane::showMessage(const QString& text) {
    entry_.reset();
    validate_timer_->stop();
    message_->setText(text);
    stack_->setCurrentIndex(0);
}

std::optional<int64_t> DeadLetterDetailPane::entryId() const {
    return entry_ ? std::optional<int64_t>(entry_->id) : std::nullopt;
}

void DeadLetterDetailPane::set_field(QLabel* label, const QString& text) {
    label->setText(text.isEmpty() ? tr("—") : text);
}

void DeadLetterDetailPane::showEntry(const DeadLetterEntry& entry) {
    const bool same_entry = entry_ && entry_->id == entry.id;
    entry_ = entry;
    saving_ = false;
    title_->setText(
        tr("#%1 · %2 · %3")
            .arg(entry.id)
            .arg(QString::fromStdString(entry.reason), QString::fromStdString(entry.status)));
    QString error = QString::fromStdString(entry.message);
    if (!entry.sqlstate.empty())
        error += tr("  (SQLSTATE %1)").arg(QString::fromStdString(entry.sqlstate));
    error_->setText(error);
    set_field(source_, tr("%1 · partition %2 · offset %3")
                           .arg(QString::fromStdString(entry.topic))
                           .arg(entry.partition)
                           .arg(entry.offset));
    set_field(key_, entry.key.empty() ? tr("(none)") : printable_bytes(entry.key));
    set_field(event_id_, entry.event_id ? QString::fromStdString(*entry.event_id) : tr("(none)"));
    set_field(attempts_, QString::number(entry.attempts));
    set_field(
        seen_,
        entry.first_seen == entry.last_seen
            ? time_text(entry.first_seen)
            : tr("first %1, last %2").arg(time_text(entry.first_seen), time_text(entry.last_seen)));
    QString history = QString::fromStdString(entry.status);
    if (entry.status_changed_at) {
        history += tr(" since %1").arg(time_text(*entry.status_changed_at));
        if (entry.status_changed_by)
            history += tr(" by %1").arg(QString::fromStdString(*entry.status_changed_by));
        if (entry.status_note && !entry.status_note->empty())
            history += tr(": “%1”").arg(QString::fromStdString(*entry.status_note));
    }
    if (entry.edited())
        history += tr("; payload edited");
    set_field(history_, history);

    const PayloadText text = payload_text(entry.payload);
    hex_shown_ = text.kind == PayloadText::Kind::Hex;
    shown_payload_ = text.text;
    {
        const QSignalBlocker blocker(payload_);
        payload_->setPlainText(text.text);
    }
    switch (text.kind) {
        case PayloadText::Kind::Json:
            payload_note_->setText(
                tr("JSON, %1, shown indented").arg(format_bytes(double(entry.payload.size()))));
            break;
        case PayloadText::Kind::Text:
            payload_note_->setText(tr("Text, %1").arg(format_bytes(double(entry.payload.size()))));
            break;
        case PayloadText::Kind::Hex:
            payload_note_->setText(
                tr("Not text (%1): shown as hex").arg(format_bytes(double(entry.payload.size()))));
            break;
    }
    edit_as_text_->setVisible(hex_shown_ && entry.status == "new");

    const int original_tab = tabs_->indexOf(original_);
    tabs_->setTabEnabled(original_tab, entry.edited());
    original_->setPlainText(entry.original_payload ? payload_text(*entry.original_payload).text
                                                   : QString());
    if (!entry.edited() && tabs_->currentIndex() == original_tab)
        tabs_->setCurrentIndex(0);
    headers_->setPlainText(entry.headers_json ? payload_text(*entry.headers_json).text
                                              : tr("(no headers)"));
    if (!same_entry)
        tabs_->setCurrentIndex(0);
    stack_->setCurrentIndex(1);
    update_edit_state();
    validateNow();
}

void DeadLetterDetailPane::show_payload_as_text() {
    if (!entry_)
        return;
    hex_shown_ = false;
    payload_->setPlainText(
        QString::fromUtf8(entry_->payload.data(), qsizetype(entry_->payload.size())));
    payload_note_->setText(tr("Not text: shown as UTF-8 with the invalid bytes replaced"));
    edit_as_text_->hide();
    update_edit_state();
}

bool DeadLetterDetailPane::hasUnsavedEdit() const {
    return entry_ && !hex_shown_ && payload_->toPlainText() != shown_payload_;
}

void DeadLetterDetailPane::setSaving(bool saving) {
    saving_ = saving;
    update_edit_state();
}

void DeadLetterDetailPane::update_edit_state() {
    const bool editable = entry_ && entry_->status == "new" && !hex_shown_;
    payload_->setReadOnly(!editable);
    save_->setEnabled(editable && !saving_ && hasUnsavedEdit());
    revert_->setEnabled(!saving_ && hasUnsavedEdit());
    if (entry_ && entry_->status != "new")
        save_->setToolTip(tr("Only new entries can be edited; this one is %1")
                              .arg(QString::fromStdString(entry_->status)));
}

void DeadLetterDetailPane::validateNow() {
    validate_timer_->stop();
    if (!entry_)
        return;
    const QByteArray bytes =
        hex_shown_ ? QByteArray(entry_->payload.data(), qsizetype(entry_->payload.size()))
                   : payload_->toPlainText().toUtf8();
    const DecodeResult result =
        decoder_.decode(std::string_view(bytes.data(), size_t(bytes.size())));
    if (result.ok()) {
        validation_->setText(tr("✓ Valid — a replay would store it as event_id “%1”")
                                 .arg(QString::fromStdString(result.event_id)));
        theme::set_tone(validation_, theme::Tone::Good);
    } else {
        validation_->setText(tr("✗ Not valid (%1): %2")
                                 .arg(QString::fromLatin1(reject_reason_name(result.reject)),
                                      QString::fromStdString(result.message)));
        theme::set_tone(validation_, theme::Tone::Bad);
    }
    validation_->setProperty("payloadValid", result.ok());
}

}  // namespace spillway
