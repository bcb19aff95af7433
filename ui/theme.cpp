#include "ui/theme.h"

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

}  // namespace spillway::theme
