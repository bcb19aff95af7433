#include "ui/tuning/fetch_settings_box.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

#include "core/kafka/fetch_settings.h"
#include "ui/widgets/tone_label.h"

namespace spillway {

FetchSettingsBox::FetchSettingsBox(QWidget* parent)
    : Card(parent),
      form_(new QFormLayout),
      reason_(new ToneLabel(QString(), ToneLabel::Role::Bad, this)) {
    setObjectName(QStringLiteral("card_fetch_settings"));
    auto* title = new QLabel(tr("Kafka fetch settings"), this);
    QFont title_font = title->font();
    title_font.setWeight(QFont::DemiBold);
    title->setFont(title_font);

    auto* explanation = new ToneLabel(
        tr("librdkafka reads these only when a consumer is created, so applying a change "
           "re-creates the consumer: it commits what is stored, leaves the group and joins again "
           "(a rebalance of a few seconds; what was in flight is read again and dropped as "
           "duplicates)."),
        ToneLabel::Role::Muted, this);
    explanation->setObjectName(QStringLiteral("label_fetch_explanation"));
    explanation->setWordWrap(true);
    reason_->setObjectName(QStringLiteral("label_fetch_reason"));
    reason_->setWordWrap(true);
    reason_->hide();

    form_->setContentsMargins(0, 0, 0, 0);
    form_->setLabelAlignment(Qt::AlignLeft);
    for (const FetchSetting& setting : fetch_settings()) {
        auto* field = new QLineEdit(this);
        field->setObjectName(QStringLiteral("field_") + QString::fromLatin1(setting.property));
        field->setToolTip(
            tr("%1 (%2 to %3)").arg(tr(setting.meaning)).arg(setting.min).arg(setting.max));
        field->setAlignment(Qt::AlignRight);
        form_->addRow(QString::fromLatin1(setting.property), field);
        fields_[setting.property] = field;
        connect(field, &QLineEdit::textEdited, this, &FetchSettingsBox::edited);
    }

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    layout->addWidget(title);
    layout->addWidget(explanation);
    layout->addLayout(form_);
    layout->addWidget(reason_);
    load({}, {});
}

void FetchSettingsBox::load(const std::map<std::string, std::string>& start_up,
                            const std::map<std::string, std::string>& runtime) {
    loaded_ = runtime;
    for (const auto& [property, field] : fields_) {
        start_up_[property] = effective_fetch_value(property, start_up);
        const auto set = runtime.find(property);
        field->setText(
            QString::fromStdString(set != runtime.end() ? set->second : start_up_[property]));
    }
    showReason(QString());
}

std::map<std::string, std::string> FetchSettingsBox::fetch() const {
    std::map<std::string, std::string> wanted;
    for (const auto& [property, field] : fields_) {
        const std::string value = field->text().trimmed().toStdString();
        if (value != start_up_.at(property))
            wanted[property] = value;
    }
    return wanted;
}

bool FetchSettingsBox::showReason(const QString& reason) {
    bool names_one = false;
    for (const auto& [property, field] : fields_)
        names_one = names_one || reason.contains(QString::fromStdString(property));
    reason_->setText(names_one ? reason : QString());
    reason_->setVisible(names_one);
    return names_one;
}

QLineEdit* FetchSettingsBox::field(const std::string& property) const {
    const auto it = fields_.find(property);
    return it == fields_.end() ? nullptr : it->second;
}

}  // namespace spillway
