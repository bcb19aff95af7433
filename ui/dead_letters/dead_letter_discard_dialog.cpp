#include "ui/dead_letters/dead_letter_discard_dialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace spillway {

DeadLetterDiscardDialog::DeadLetterDiscardDialog(const QString& description, QWidget* parent)
    : QDialog(parent),
      note_(new QPlainTextEdit),
      buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel)) {
    setObjectName(QStringLiteral("dialog_discard"));
    setWindowTitle(tr("Discard dead letters"));
    note_->setObjectName(QStringLiteral("edit_discard_note"));
    auto* what = new QLabel(tr("Discard %1? Discarded entries stay in the table, marked as "
                               "discarded; they are not replayed.")
                                .arg(description));
    what->setWordWrap(true);
    note_->setPlaceholderText(tr("Why, for the audit trail (required)"));
    note_->setTabChangesFocus(true);
    note_->setFixedHeight(note_->fontMetrics().lineSpacing() * 4 + 12);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Discard"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(what);
    layout->addWidget(new QLabel(tr("Reason:")));
    layout->addWidget(note_);
    layout->addWidget(buttons_);
    resize(460, sizeHint().height());
    connect(buttons_, &QDialogButtonBox::accepted, this, [this] {
        if (canAccept())
            accept();
    });
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(note_, &QPlainTextEdit::textChanged, this,
            [this] { buttons_->button(QDialogButtonBox::Ok)->setEnabled(canAccept()); });
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(false);
}

QString DeadLetterDiscardDialog::note() const {
    return note_->toPlainText().trimmed();
}

void DeadLetterDiscardDialog::setNote(const QString& note) {
    note_->setPlainText(note);
}

bool DeadLetterDiscardDialog::canAccept() const {
    return !note().isEmpty();
}

}  // namespace spillway
