#pragma once
// Colours derived from the current palette, so the console follows the system's light or dark
// theme instead of hard-coding one. Widgets call these when painting or on a PaletteChange.
#include <QColor>
#include <QPalette>
#include <QString>

class QLabel;
class QWidget;

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
// Colours a label's text by tone; Neutral is the muted text colour.
void set_tone(QLabel* label, Tone tone);

// Series colours: distinguishable in both themes and for the common colour-vision deficiencies.
QColor series_in(const QPalette& palette);
QColor series_out(const QPalette& palette);
QColor series_dead(const QPalette& palette);
QColor series_queue(const QPalette& palette);
QColor series_capacity(const QPalette& palette);
QColor series_watermark(const QPalette& palette);
QColor series_low_watermark(const QPalette& palette);
QColor series_p50(const QPalette& palette);
QColor series_p95(const QPalette& palette);
QColor series_p99(const QPalette& palette);
QColor series_lag(const QPalette& palette);
QColor series_lag_seconds(const QPalette& palette);
QColor series_bytes(const QPalette& palette);
// A style sheet for the QToolButtons of a widget: flat bordered buttons, the checked one filled
// with the highlight colour (window selectors, the navigation).
QString segmented_button_style(const QPalette& palette);
// Sets `sheet` on every QToolButton inside `container`.
void style_tool_buttons(QWidget* container, const QString& sheet);
// The navigation column's buttons: text on the panel, the current page on a tinted background.
QString navigation_style(const QPalette& palette);

// Knob-change markers: visible on every series colour without competing with the data.
QColor knob_marker(const QPalette& palette);

}  // namespace spillway::theme
