#pragma once
// A label in one of the theme's text colours (muted, good, warning, bad) that follows palette
// changes, so it stays readable when the system switches between light and dark.
#include <QLabel>

#include "ui/widgets/theme.h"

namespace spillway {

class ToneLabel : public QLabel {
    Q_OBJECT
public:
    enum class Role { Text, Muted, Good, Warning, Bad };

    explicit ToneLabel(const QString& text = {}, Role role = Role::Muted,
                       QWidget* parent = nullptr);

    void setRole(Role role);
    void setTone(theme::Tone tone);  // Neutral means muted
    Role role() const { return role_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void apply();

    Role role_;
    bool applying_ = false;
};

}  // namespace spillway
