#include "ui/dead_letters/dead_letter_filter_bar.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace spillway {

namespace {

enum class TimeRange { Any, Last15Minutes, LastHour, LastDay, LastWeek, Between };

WallTime wall_time(const QDateTime& time) {
    return WallTime(std::chrono::milliseconds(time.toMSecsSinceEpoch()));
}

}  // namespace

DeadLetterFilterBar::DeadLetterFilterBar(QWidget* parent)
    : QWidget(parent),
      topic_(new QLineEdit),
      partition_(new QSpinBox),
      status_(new QComboBox),
      time_(new QComboBox),
      from_(new QDateTimeEdit),
      to_(new QDateTimeEdit),
      text_(new QLineEdit) {
    setObjectName(QStringLiteral("dead_letter_filter_bar"));
    build_fields();
    build_layout();
    connect(topic_, &QLineEdit::textChanged, this, &DeadLetterFilterBar::edited);
    connect(text_, &QLineEdit::textChanged, this, &DeadLetterFilterBar::edited);
    connect(partition_, &QSpinBox::valueChanged, this, &DeadLetterFilterBar::edited);
    connect(status_, &QComboBox::currentIndexChanged, this, &DeadLetterFilterBar::changed);
    connect(time_, &QComboBox::currentIndexChanged, this, [this] {
        const bool between = TimeRange(time_->currentData().toInt()) == TimeRange::Between;
        from_->setVisible(between);
        to_->setVisible(between);
        emit changed();
    });
    connect(from_, &QDateTimeEdit::dateTimeChanged, this, &DeadLetterFilterBar::edited);
    connect(to_, &QDateTimeEdit::dateTimeChanged, this, &DeadLetterFilterBar::edited);
}

void DeadLetterFilterBar::build_fields() {
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
}

void DeadLetterFilterBar::build_layout() {
    auto* clear_button = new QPushButton(tr("Clear filters"));
    clear_button->setObjectName(QStringLiteral("button_clear_filters"));
    connect(clear_button, &QPushButton::clicked, this, &DeadLetterFilterBar::clearRequested);

    auto* layout = new QHBoxLayout(this);
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
    layout->addWidget(clear_button);
}

DeadLetterFilter DeadLetterFilterBar::filter() const {
    DeadLetterFilter filter;
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
            filter.from = wall_time(now.addSecs(qint64{-15} * 60));
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

void DeadLetterFilterBar::setText(const QString& text) {
    text_->setText(text);
}

void DeadLetterFilterBar::setTopic(const QString& topic) {
    topic_->setText(topic);
}

void DeadLetterFilterBar::setPartition(std::optional<int> partition) {
    partition_->setValue(partition.value_or(-1));
}

void DeadLetterFilterBar::setStatus(const QString& status) {
    status_->setCurrentIndex(status_->findData(status));
}

void DeadLetterFilterBar::clear() {
    const QSignalBlocker b1(topic_), b2(text_), b3(partition_), b4(status_), b5(time_);
    topic_->clear();
    text_->clear();
    partition_->setValue(-1);
    status_->setCurrentIndex(0);
    time_->setCurrentIndex(0);
    from_->hide();
    to_->hide();
}

void DeadLetterFilterBar::focusText() {
    text_->setFocus();
    text_->selectAll();
}

}  // namespace spillway
