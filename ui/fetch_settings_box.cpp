#include "ui/fetch_settings_box.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

#include "ui/tone_label.h"

namespace spillway {

namespace {

struct FetchSetting {
    const char* property;
    const char* default_value;
    bool spillway_default;  // the engine's consumer default rather than librdkafka 2.0.2's
    const char* meaning;
};

// The engine does not publish its consumer defaults (core/kafka_source.cpp); these mirror them.
constexpr FetchSetting kFetchSettings[] = {
    {"fetch.min.bytes", "1", false,
     QT_TRANSLATE_NOOP("FetchSettingsBox", "least data a fetch waits for")},
    {"fetch.wait.max.ms", "10", true,
     QT_TRANSLATE_NOOP("FetchSettingsBox", "longest a fetch waits for fetch.min.bytes")},
    {"fetch.max.bytes", "52428800", false,
     QT_TRANSLATE_NOOP("FetchSettingsBox", "most data per fetch response")},
    {"max.partition.fetch.bytes", "1048576", false,
     QT_TRANSLATE_NOOP("FetchSettingsBox", "most data per partition and fetch")},
    {"queued.min.messages", "1000000", true,
     QT_TRANSLATE_NOOP("FetchSettingsBox", "messages prefetched per partition")},
    {"queued.max.messages.kbytes", "65536", true,
     QT_TRANSLATE_NOOP("FetchSettingsBox", "prefetch buffer per partition, KiB")},
};

}  // namespace

FetchSettingsBox::FetchSettingsBox(QWidget* parent) : Card(parent), form_(new QFormLayout) {
    setObjectName(QStringLiteral("card_fetch_settings"));
    auto* title = new QLabel(tr("Kafka fetch settings"), this);
    QFont title_font = title->font();
    title_font.setWeight(QFont::DemiBold);
    title->setFont(title_font);

    auto* explanation = new ToneLabel(
        tr("Read-only while the engine runs. librdkafka 2.0.2 reads these when the consumer is "
           "created and cannot change them on a running consumer; changing them means closing "
           "the consumer and joining the group again (a rebalance), which Spillway does not do "
           "at runtime. They take effect from the engine's start-up options."),
        ToneLabel::Role::Muted, this);
    explanation->setObjectName(QStringLiteral("label_fetch_explanation"));
    explanation->setWordWrap(true);

    form_->setContentsMargins(0, 0, 0, 0);
    form_->setLabelAlignment(Qt::AlignLeft);
    for (const FetchSetting& setting : kFetchSettings) {
        auto* field = new QLineEdit(this);
        field->setEnabled(false);
        field->setToolTip(tr(setting.meaning));
        form_->addRow(QString::fromLatin1(setting.property), field);
        fields_[setting.property] = field;
    }

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    layout->addWidget(title);
    layout->addWidget(explanation);
    layout->addLayout(form_);
    showProperties({});
}

void FetchSettingsBox::showProperties(const std::map<std::string, std::string>& properties) {
    for (const FetchSetting& setting : kFetchSettings) {
        const auto configured = properties.find(setting.property);
        fields_[setting.property]->setText(configured != properties.end()
                                               ? QString::fromStdString(configured->second)
                                               : (setting.spillway_default
                                                      ? tr("%1 (Spillway default)")
                                                      : tr("%1 (librdkafka default)"))
                                                     .arg(QLatin1String(setting.default_value)));
    }
}

}  // namespace spillway
