#pragma once
// Discard asks why: the note is required and goes into the entries' status history and the audit.
#include <QDialog>

class QDialogButtonBox;
class QPlainTextEdit;

namespace spillway {

class DeadLetterDiscardDialog : public QDialog {
    Q_OBJECT
public:
    DeadLetterDiscardDialog(const QString& description, QWidget* parent = nullptr);

    QString note() const;
    void setNote(const QString& note);
    bool canAccept() const;

private:
    QPlainTextEdit* note_;
    QDialogButtonBox* buttons_;
};

}  // namespace spillway
