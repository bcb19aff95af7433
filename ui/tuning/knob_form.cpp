#include "ui/tuning/knob_form.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QSpinBox>
#include <cmath>

#include "ui/widgets/format.h"
#include "ui/tuning/knob_change_text.h"
#include "ui/widgets/tone_label.h"

namespace spillway {

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

int to_mib(size_t bytes) {
    return int(std::llround(double(bytes) / kMiB));
}

QSpinBox* spin(int minimum, int maximum, int step, const QString& suffix) {
    auto* box = new QSpinBox;
    box->setRange(minimum, maximum);
    box->setSingleStep(step);
    box->setSuffix(suffix);
    box->setGroupSeparatorShown(true);
    box->setAccelerated(true);
    box->setMinimumWidth(150);
    box->setMaximumWidth(220);
    return box;
}

QDoubleSpinBox* percent_spin() {
    auto* box = new QDoubleSpinBox;
    box->setRange(1, 100);
    box->setDecimals(1);
    box->setSingleStep(5);
    box->setSuffix(QStringLiteral(" %"));
    box->setMinimumWidth(150);
    box->setMaximumWidth(220);
    return box;
}

// The knob names the engine's reasons start with, mapped to the field that holds each.
struct ReasonPrefix {
    const char* prefix;
    KnobForm::Field field;
};
constexpr ReasonPrefix kReasonPrefixes[] = {
    {"batch_size", KnobForm::Field::BatchSize},
    {"batch_bytes", KnobForm::Field::BatchBytes},
    {"flush_interval", KnobForm::Field::FlushInterval},
    {"writer_concurrency", KnobForm::Field::WriterConcurrency},
    {"queue_capacity_events", KnobForm::Field::QueueEvents},
    {"queue_capacity_bytes", KnobForm::Field::QueueBytes},
    {"high_watermark", KnobForm::Field::HighWatermark},
    {"watermark", KnobForm::Field::LowWatermark},  // "watermarks must satisfy low < high"
    {"low_watermark", KnobForm::Field::LowWatermark},
    {"overflow", KnobForm::Field::OverflowPolicy},
};

}  // namespace

KnobForm::KnobForm(QWidget* parent)
    : QWidget(parent),
      grid_(new QGridLayout(this)),
      batch_size_(spin(1, 1'000'000, 500, tr(" events"))),
      batch_mib_(spin(1, 1024, 1, QStringLiteral(" MiB"))),
      flush_interval_(spin(1, 600'000, 50, QStringLiteral(" ms"))),
      writers_(spin(1, 64, 1, QString())),
      queue_events_(spin(1, 100'000'000, 10'000, tr(" events"))),
      queue_mib_(spin(1, 65536, 16, QStringLiteral(" MiB"))),
      high_watermark_(percent_spin()),
      low_watermark_(percent_spin()),
      overflow_policy_(new QComboBox) {
    setObjectName(QStringLiteral("knob_form"));
    grid_->setContentsMargins(0, 0, 0, 0);
    grid_->setHorizontalSpacing(12);
    grid_->setVerticalSpacing(2);
    overflow_policy_->addItem(tr("Backpressure · pause consumption"),
                              int(OverflowPolicy::Backpressure));
    overflow_policy_->addItem(tr("Dead-letter · park the overflow, replay later"),
                              int(OverflowPolicy::DeadLetter));

    add_row(Field::BatchSize, tr("Batch size"), batch_size_,
            tr("A batch leaves when it has this many events (1 – 1,000,000)"));
    add_row(Field::BatchBytes, tr("Batch bytes"), batch_mib_,
            tr("… or this many bytes, whichever comes first"));
    add_row(Field::FlushInterval, tr("Flush interval"), flush_interval_,
            tr("A partial batch leaves after this long (1 ms – 10 min)"));
    add_row(Field::WriterConcurrency, tr("Writers"), writers_,
            tr("Concurrent writers, one PostgreSQL connection each (1 – 64)"));
    add_row(Field::QueueEvents, tr("Queue capacity"), queue_events_,
            tr("Events held between Kafka and the writers"));
    add_row(Field::QueueBytes, tr("Queue bytes"), queue_mib_, tr("… and the bytes they may take"));
    add_row(Field::HighWatermark, tr("High watermark"), high_watermark_,
            tr("Intake pauses above this fill (events or bytes)"));
    add_row(Field::LowWatermark, tr("Low watermark"), low_watermark_,
            tr("Intake resumes below this fill; must be under the high watermark"));
    add_row(Field::OverflowPolicy, tr("Overflow policy"), overflow_policy_,
            tr("What happens to events arriving above the high watermark"));
    grid_->setColumnStretch(2, 1);
    // Room for the widest caption in bold (an edited field), so nothing shifts while editing.
    QFont bold = font();
    bold.setBold(true);
    int caption_width = 0;
    for (const Row& each : rows_)
        caption_width =
            std::max(caption_width, QFontMetrics(bold).horizontalAdvance(each.caption->text()));
    grid_->setColumnMinimumWidth(0, caption_width + 4);
    overflow_policy_->setMaximumWidth(360);

    for (QSpinBox* box :
         {batch_size_, batch_mib_, flush_interval_, writers_, queue_events_, queue_mib_})
        connect(box, &QSpinBox::valueChanged, this, &KnobForm::mark_edits);
    for (QDoubleSpinBox* box : {high_watermark_, low_watermark_})
        connect(box, &QDoubleSpinBox::valueChanged, this, &KnobForm::mark_edits);
    connect(overflow_policy_, &QComboBox::currentIndexChanged, this, &KnobForm::mark_edits);
    load(Knobs{});
}

void KnobForm::add_row(Field field, const QString& caption, QWidget* editor, const QString& hint) {
    const int line = int(field) * 2;
    auto* caption_label = new QLabel(caption, this);
    caption_label->setBuddy(editor);
    auto* hint_label = new ToneLabel(hint, ToneLabel::Role::Muted, this);
    hint_label->setWordWrap(true);
    auto* reason = new ToneLabel(QString(), ToneLabel::Role::Bad, this);
    reason->setWordWrap(true);
    reason->setObjectName(QStringLiteral("reason_%1").arg(int(field)));
    reason->hide();
    editor->setParent(this);
    grid_->addWidget(caption_label, line, 0);
    grid_->addWidget(editor, line, 1);
    grid_->addWidget(hint_label, line, 2);
    grid_->addWidget(reason, line + 1, 1, 1, 2);
    grid_->setRowMinimumHeight(line + 1, 6);
    rows_[size_t(field)] = {caption_label, editor, reason};
}

QWidget* KnobForm::fieldWidget(Field field) const {
    return row(field).editor;
}

void KnobForm::set_values(const Knobs& k) {
    filling_ = true;
    batch_size_->setValue(k.batch_size);
    batch_mib_->setValue(to_mib(k.batch_bytes));
    flush_interval_->setValue(k.flush_interval_ms);
    writers_->setValue(k.writer_concurrency);
    queue_events_->setValue(int(std::min<size_t>(k.queue_capacity_events, 100'000'000)));
    queue_mib_->setValue(to_mib(k.queue_capacity_bytes));
    high_watermark_->setValue(k.high_watermark * 100);
    low_watermark_->setValue(k.low_watermark * 100);
    overflow_policy_->setCurrentIndex(overflow_policy_->findData(int(k.overflow_policy)));
    filling_ = false;
}

void KnobForm::load(const Knobs& knobs) {
    loaded_ = knobs;
    set_values(knobs);
    showReason(QString());
    mark_edits();
}

void KnobForm::edit(const Knobs& knobs) {
    set_values(knobs);
    mark_edits();
}

bool KnobForm::field_edited(Field field) const {
    const Knobs& k = loaded_;
    switch (field) {
        case Field::BatchSize:
            return batch_size_->value() != k.batch_size;
        case Field::BatchBytes:
            return batch_mib_->value() != to_mib(k.batch_bytes);
        case Field::FlushInterval:
            return flush_interval_->value() != k.flush_interval_ms;
        case Field::WriterConcurrency:
            return writers_->value() != k.writer_concurrency;
        case Field::QueueEvents:
            return size_t(queue_events_->value()) != k.queue_capacity_events;
        case Field::QueueBytes:
            return queue_mib_->value() != to_mib(k.queue_capacity_bytes);
        case Field::HighWatermark:
            return std::abs(high_watermark_->value() - k.high_watermark * 100) > 0.05;
        case Field::LowWatermark:
            return std::abs(low_watermark_->value() - k.low_watermark * 100) > 0.05;
        case Field::OverflowPolicy:
            return overflow_policy_->currentData().toInt() != int(k.overflow_policy);
    }
    return false;
}

Knobs KnobForm::knobs() const {
    Knobs k = loaded_;
    if (field_edited(Field::BatchSize))
        k.batch_size = batch_size_->value();
    if (field_edited(Field::BatchBytes))
        k.batch_bytes = size_t(batch_mib_->value()) * size_t(kMiB);
    if (field_edited(Field::FlushInterval))
        k.flush_interval_ms = flush_interval_->value();
    if (field_edited(Field::WriterConcurrency))
        k.writer_concurrency = writers_->value();
    if (field_edited(Field::QueueEvents))
        k.queue_capacity_events = size_t(queue_events_->value());
    if (field_edited(Field::QueueBytes))
        k.queue_capacity_bytes = size_t(queue_mib_->value()) * size_t(kMiB);
    if (field_edited(Field::HighWatermark))
        k.high_watermark = high_watermark_->value() / 100;
    if (field_edited(Field::LowWatermark))
        k.low_watermark = low_watermark_->value() / 100;
    if (field_edited(Field::OverflowPolicy))
        k.overflow_policy = OverflowPolicy(overflow_policy_->currentData().toInt());
    return k;
}

bool KnobForm::modified() const {
    for (size_t field = 0; field < kFieldCount; ++field)
        if (field_edited(Field(field)))
            return true;
    return false;
}

void KnobForm::mark_edits() {
    // An edited field's caption turns bold, so the operator sees what Apply will change.
    for (size_t field = 0; field < kFieldCount; ++field) {
        QFont font = rows_[field].caption->font();
        font.setBold(field_edited(Field(field)));
        rows_[field].caption->setFont(font);
    }
    if (!filling_)
        emit edited();
}

bool KnobForm::showReason(const QString& reason) {
    for (Row& each : rows_) {
        each.reason->clear();
        each.reason->hide();
    }
    if (reason.isEmpty())
        return true;
    for (const ReasonPrefix& prefix : kReasonPrefixes) {
        if (reason.startsWith(QLatin1String(prefix.prefix))) {
            Row& target = row(prefix.field);
            target.reason->setText(reason);
            target.reason->show();
            return true;
        }
    }
    return false;
}

QString KnobForm::reasonFor(Field field) const {
    return row(field).reason->text();
}

}  // namespace spillway
