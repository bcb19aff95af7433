#pragma once
// The consumer's fetch settings, shown read-only with the reason: librdkafka (2.0.2) reads them
// only when the consumer is created, and the engine does not re-create its consumer at runtime.
#include <map>
#include <string>

#include "ui/card.h"

class QFormLayout;
class QLineEdit;

namespace spillway {

class FetchSettingsBox : public Card {
    Q_OBJECT
public:
    explicit FetchSettingsBox(QWidget* parent = nullptr);

    // The properties the consumer was created with; unset ones show librdkafka's default.
    void showProperties(const std::map<std::string, std::string>& properties);

private:
    QFormLayout* form_;
    std::map<std::string, QLineEdit*> fields_;
};

}  // namespace spillway
