#pragma once
// The knobs as a form: one field per knob with its unit and range, edits tracked against the
// engine's values, and a reason (from validate() or the engine) shown under the field it names.
#include <QWidget>
#include <array>

#include "core/pipeline/knobs.h"

class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QSpinBox;

namespace spillway {

class KnobForm : public QWidget {
    Q_OBJECT
public:
    enum class Field {
        BatchSize,
        BatchBytes,
        FlushInterval,
        WriterConcurrency,
        QueueEvents,
        QueueBytes,
        HighWatermark,
        LowWatermark,
        OverflowPolicy,
    };
    static constexpr size_t kFieldCount = 9;

    explicit KnobForm(QWidget* parent = nullptr);

    // The engine's values: the fields show them and nothing counts as edited.
    void load(const Knobs& knobs);
    // Puts `knobs` into the fields as edits (a preset); load()'s values stay the reference.
    void edit(const Knobs& knobs);
    // The loaded knobs with every edited field applied. A field left alone keeps its loaded value
    // exactly, even where the field rounds it (bytes shown in MiB).
    Knobs knobs() const;
    const Knobs& loaded() const { return loaded_; }
    bool modified() const;

    // Shows `reason` under the field it names and returns true; returns false (and shows nothing)
    // when it names no field. An empty reason clears every field's message.
    bool showReason(const QString& reason);
    // The message under a field, empty when none.
    QString reasonFor(Field field) const;

    QWidget* fieldWidget(Field field) const;

signals:
    // The user changed a field.
    void edited();

private:
    struct Row {
        QLabel* caption;
        QWidget* editor;
        QLabel* reason;
    };
    void add_row(Field field, const QString& caption, QWidget* editor, const QString& hint);
    void set_values(const Knobs& knobs);
    void mark_edits();
    bool field_edited(Field field) const;
    Row& row(Field field) { return rows_[size_t(field)]; }
    const Row& row(Field field) const { return rows_[size_t(field)]; }

    QGridLayout* grid_;
    QSpinBox* batch_size_;
    QSpinBox* batch_mib_;
    QSpinBox* flush_interval_;
    QSpinBox* writers_;
    QSpinBox* queue_events_;
    QSpinBox* queue_mib_;
    QDoubleSpinBox* high_watermark_;
    QDoubleSpinBox* low_watermark_;
    QComboBox* overflow_policy_;
    std::array<Row, kFieldCount> rows_{};
    Knobs loaded_;
    bool filling_ = false;  // fields are being set by code
};

}  // namespace spillway
