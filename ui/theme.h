#pragma once
// Colours derived from the current palette, so the console follows the system's light or dark
// theme instead of hard-coding one. Widgets call these when painting or on a PaletteChange.
#include <QColor>
#include <QPalette>

namespace spillway::theme {

bool is_dark(const QPalette& palette);
QColor blend(const QColor& from, const QColor& to, double amount);  // amount 0 -> from, 1 -> to

QColor page_background(const QPalette& palette);
QColor card_background(const QPalette& palette);
QColor card_border(const QPalette& palette);
QColor text(const QPalette& palette);
QColor muted_text(const QPalette& palette);
QColor grid_line(const QPalette& palette);

enum class Tone { Neutral, Good, Warning, Bad };
QColor tone_color(Tone tone, const QPalette& palette);

// Series colours: distinguishable in both themes and for the common colour-vision deficiencies.
QColor series_in(const QPalette& palette);
QColor series_out(const QPalette& palette);
QColor series_dead(const QPalette& palette);
QColor series_queue(const QPalette& palette);
QColor series_capacity(const QPalette& palette);
QColor series_watermark(const QPalette& palette);

}  // namespace spillway::theme
