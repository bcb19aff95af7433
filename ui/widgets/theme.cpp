#include "ui/widgets/theme.h"

#include <QToolButton>

namespace spillway::theme {

namespace {

QColor pick(const QPalette& palette, const char* light, const char* dark) {
    return QColor(QString::fromLatin1(is_dark(palette) ? dark : light));
}

}  // namespace

bool is_dark(const QPalette& palette) {
    return palette.color(QPalette::Window).lightnessF() < 0.5;
}

QColor blend(const QColor& from, const QColor& to, double amount) {
    const auto mix = [amount](double a, double b) { return a + (b - a) * amount; };
    QColor result;
    result.setRgbF(float(mix(from.redF(), to.redF())), float(mix(from.greenF(), to.greenF())),
                   float(mix(from.blueF(), to.blueF())), float(mix(from.alphaF(), to.alphaF())));
    return result;
}

QColor page_background(const QPalette& palette) {
    return palette.color(QPalette::Window);
}

QColor card_background(const QPalette& palette) {
    // Dark themes often use a Base darker than Window; a card should sit slightly above the page.
    const QColor window = palette.color(QPalette::Window);
    return is_dark(palette) ? blend(window, palette.color(QPalette::WindowText), 0.05)
                            : palette.color(QPalette::Base);
}

QColor card_border(const QPalette& palette) {
    return blend(palette.color(QPalette::Window), palette.color(QPalette::WindowText), 0.14);
}

QColor text(const QPalette& palette) {
    return palette.color(QPalette::WindowText);
}

QColor muted_text(const QPalette& palette) {
    return blend(card_background(palette), palette.color(QPalette::WindowText), 0.62);
}

QColor grid_line(const QPalette& palette) {
    return blend(card_background(palette), palette.color(QPalette::WindowText), 0.10);
}

QColor tone_color(Tone tone, const QPalette& palette) {
    switch (tone) {
        case Tone::Good:
            return pick(palette, "#15803d", "#4ade80");
        case Tone::Warning:
            return pick(palette, "#b45309", "#fbbf24");
        case Tone::Bad:
            return pick(palette, "#b91c1c", "#f87171");
        case Tone::Neutral:
            break;
    }
    return muted_text(palette);
}

QColor series_in(const QPalette& palette) {
    return pick(palette, "#2563eb", "#60a5fa");
}
QColor series_out(const QPalette& palette) {
    return pick(palette, "#0d9488", "#2dd4bf");
}
QColor series_dead(const QPalette& palette) {
    return pick(palette, "#dc2626", "#f87171");
}
QColor series_queue(const QPalette& palette) {
    return pick(palette, "#7c3aed", "#a78bfa");
}
QColor series_capacity(const QPalette& palette) {
    return muted_text(palette);
}
QColor series_watermark(const QPalette& palette) {
    return pick(palette, "#d97706", "#fbbf24");
}

QColor series_low_watermark(const QPalette& palette) {
    return pick(palette, "#65a30d", "#a3e635");
}
QColor series_p50(const QPalette& palette) {
    return pick(palette, "#0d9488", "#2dd4bf");
}
QColor series_p95(const QPalette& palette) {
    return pick(palette, "#d97706", "#fbbf24");
}
QColor series_p99(const QPalette& palette) {
    return pick(palette, "#dc2626", "#f87171");
}
QColor series_lag(const QPalette& palette) {
    return pick(palette, "#2563eb", "#60a5fa");
}
QColor series_lag_seconds(const QPalette& palette) {
    return pick(palette, "#db2777", "#f472b6");
}
QColor series_bytes(const QPalette& palette) {
    return pick(palette, "#0891b2", "#22d3ee");
}
QColor knob_marker(const QPalette& palette) {
    return pick(palette, "#475569", "#cbd5e1");
}

QString segmented_button_style(const QPalette& palette) {
    const QColor highlight = palette.color(QPalette::Highlight);
    const QColor checked_text = palette.color(QPalette::HighlightedText);
    return QStringLiteral(
               "QToolButton { padding: 3px 10px; border: 1px solid %1; border-radius: 4px;"
               " background: %2; color: %3; }"
               "QToolButton:hover { border-color: %4; }"
               "QToolButton:checked { background: %4; border-color: %4; color: %5; }"
               "QToolButton:disabled { color: %6; background: transparent; }")
        .arg(card_border(palette).name(), card_background(palette).name(), text(palette).name(),
             highlight.name(), checked_text.name(), muted_text(palette).name());
}

QString navigation_style(const QPalette& palette) {
    const QColor highlight = palette.color(QPalette::Highlight);
    const QColor tint = blend(card_background(palette), highlight, is_dark(palette) ? 0.35 : 0.18);
    const QColor hover = blend(card_background(palette), text(palette), 0.06);
    return QStringLiteral(
               "QToolButton { border: none; border-radius: 6px; padding: 6px 10px;"
               " text-align: left; color: %1; }"
               "QToolButton:hover { background: %2; }"
               "QToolButton:checked { background: %3; font-weight: 600; }")
        .arg(text(palette).name(), hover.name(), tint.name());
}

void style_tool_buttons(QWidget* container, const QString& sheet) {
    for (QToolButton* button : container->findChildren<QToolButton*>())
        button->setStyleSheet(sheet);
}

void set_tone(QLabel* label, Tone tone) {
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, tone == Tone::Neutral
                                               ? muted_text(label->palette())
                                               : tone_color(tone, label->palette()));
    label->setPalette(palette);
}

}  // namespace spillway::theme
