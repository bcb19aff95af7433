#pragma once
// One dead letter in full: the error, where it came from, its headers and history, and its
// payload (JSON indented, other text as it is, hex when it is not text). The payload can be
// edited while the entry is new; each change is checked with the pipeline's own decoder (after a
// short pause in typing) and the verdict shown, so the operator knows before saving whether a
// replay would store it.
#include <QWidget>
#include <optional>

#include "core/dead_letters/dead_letter_store.h"
#include "core/kafka/event_decoder.h"

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTimer;

namespace spillway {

class DeadLetterDetailPane : public QWidget {
    Q_OBJECT
public:
    explicit DeadLetterDetailPane(DecoderOptions decoder = {}, QWidget* parent = nullptr);

    void setDecoderOptions(DecoderOptions decoder);
    void showEntry(const DeadLetterEntry& entry);
    void showMessage(const QString& text);  // nothing selected, loading, a failure
    std::optional<int64_t> entryId() const;
    bool hasUnsavedEdit() const;
    void setSaving(bool saving);

    // For tests and shortcuts.
    QPlainTextEdit* payloadEditor() const { return payload_; }
    QLabel* validationLabel() const { return validation_; }
    QPushButton* saveButton() const { return save_; }
    QPlainTextEdit* originalView() const { return original_; }
    bool payloadShownAsHex() const { return hex_shown_; }
    // Checks the editor's text now instead of after the typing pause.
    void validateNow();

signals:
    void saveRequested(qint64 id, const QByteArray& payload);

private:
    void set_field(QLabel* label, const QString& text);
    void show_payload_as_text();
    void update_edit_state();

    EventDecoder decoder_;
    std::optional<DeadLetterEntry> entry_;
    QString shown_payload_;  // the editor's text as loaded
    bool hex_shown_ = false;
    bool saving_ = false;

    QStackedWidget* stack_;
    QLabel* message_;
    QLabel* title_;
    QLabel* error_;
    QLabel* source_;
    QLabel* key_;
    QLabel* event_id_;
    QLabel* attempts_;
    QLabel* seen_;
    QLabel* history_;
    QTabWidget* tabs_;
    QPlainTextEdit* payload_;
    QLabel* payload_note_;
    QPushButton* edit_as_text_;
    QLabel* validation_;
    QPushButton* save_;
    QPushButton* revert_;
    QPlainTextEdit* original_;
    QPlainTextEdit* headers_;
    QTimer* validate_timer_;
};

}  // namespace spillway
