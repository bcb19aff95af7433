#pragma once
// The dead-letter workbench's filter bar: topic, partition, status, when last seen (a preset
// range or between two times) and a text searched in payloads and errors. It says what filter
// it describes (without the reasons, which the reason list holds) and when it changed: edited()
// while typing (the page waits for a pause), changed() for a choice taken at once. GUI thread.
#include <QWidget>
#include <optional>

#include "core/dead_letters/dead_letter_store.h"

class QComboBox;
class QDateTimeEdit;
class QLineEdit;
class QSpinBox;

namespace spillway {

class DeadLetterFilterBar : public QWidget {
    Q_OBJECT
public:
    explicit DeadLetterFilterBar(QWidget* parent = nullptr);

    // The filter the fields describe now (time ranges end now).
    DeadLetterFilter filter() const;
    void setText(const QString& text);
    void setTopic(const QString& topic);
    void setPartition(std::optional<int> partition);
    void setStatus(const QString& status);  // new, replayed, discarded; empty: any
    // Every field back to "any", without edited() or changed().
    void clear();
    // Ctrl+F: the text field, selected.
    void focusText();

signals:
    void edited();
    void changed();
    void clearRequested();

private:
    void build_fields();
    void build_layout();

    QLineEdit* topic_;
    QSpinBox* partition_;
    QComboBox* status_;
    QComboBox* time_;
    QDateTimeEdit* from_;
    QDateTimeEdit* to_;
    QLineEdit* text_;
};

}  // namespace spillway
