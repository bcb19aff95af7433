#pragma once
// The consumer's fetch settings as part of the tuning form. librdkafka (2.0.2) reads them only
// when a consumer is created, so applying a change re-creates the consumer (a short rebalance;
// see core/kafka/fetch_settings.h). Each field shows the value in use: the runtime setting, else the
// start-up one, else the default.
#include <map>
#include <string>

#include "ui/widgets/card.h"

class QFormLayout;
class QLineEdit;

namespace spillway {

class ToneLabel;

class FetchSettingsBox : public Card {
    Q_OBJECT
public:
    explicit FetchSettingsBox(QWidget* parent = nullptr);

    // `start_up`: the properties the engine started with; `runtime`: the knobs' fetch settings.
    // The fields show them and nothing counts as edited.
    void load(const std::map<std::string, std::string>& start_up,
              const std::map<std::string, std::string>& runtime);
    // The runtime settings the fields ask for: every field whose value differs from the
    // start-up one (a field set back to it drops out).
    std::map<std::string, std::string> fetch() const;
    bool modified() const { return fetch() != loaded_; }
    // Shows `reason` under the box when it names a fetch setting (returns true); an empty reason
    // clears it.
    bool showReason(const QString& reason);
    QLineEdit* field(const std::string& property) const;

signals:
    void edited();

private:
    QFormLayout* form_;
    ToneLabel* reason_;
    std::map<std::string, QLineEdit*> fields_;
    std::map<std::string, std::string> start_up_;  // the value each property starts with
    std::map<std::string, std::string> loaded_;    // the knobs' fetch settings last loaded
};

}  // namespace spillway
