#include "ui/widgets/tone_label.h"

#include <QApplication>
#include <QEvent>

namespace spillway {

ToneLabel::ToneLabel(const QString& text, Role role, QWidget* parent)
    : QLabel(text, parent), role_(role) {
    apply();
}

void ToneLabel::setRole(Role role) {
    if (role == role_)
        return;
    role_ = role;
    apply();
}

void ToneLabel::setTone(theme::Tone tone) {
    switch (tone) {
        case theme::Tone::Neutral:
            setRole(Role::Muted);
            break;
        case theme::Tone::Good:
            setRole(Role::Good);
            break;
        case theme::Tone::Warning:
            setRole(Role::Warning);
            break;
        case theme::Tone::Bad:
            setRole(Role::Bad);
            break;
    }
}

void ToneLabel::changeEvent(QEvent* event) {
    QLabel::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ParentChange)
        apply();
}

void ToneLabel::apply() {
    if (applying_)
        return;
    applying_ = true;
    // The label's own WindowText is the colour set here; the theme's colours derive from the
    // surroundings' palette, which is the one that changed.
    const QPalette source = parentWidget() ? parentWidget()->palette() : QApplication::palette();
    QColor color;
    switch (role_) {
        case Role::Text:
            color = theme::text(source);
            break;
        case Role::Muted:
            color = theme::muted_text(source);
            break;
        case Role::Good:
            color = theme::tone_color(theme::Tone::Good, source);
            break;
        case Role::Warning:
            color = theme::tone_color(theme::Tone::Warning, source);
            break;
        case Role::Bad:
            color = theme::tone_color(theme::Tone::Bad, source);
            break;
    }
    QPalette colors = palette();
    colors.setColor(QPalette::WindowText, color);
    setPalette(colors);
    applying_ = false;
}

}  // namespace spillway
