#pragma once
// The look every chart of the console shares: axes, ticks, labels and grid in the palette's
// colours (TimeSeriesChart, BarChartCard), and the chart title's weight.
#include <QPalette>

class QCustomPlot;
class QLabel;

namespace spillway {

void apply_plot_palette(QCustomPlot* plot, const QPalette& palette);
void style_chart_title(QLabel* title, const QPalette& palette);

}  // namespace spillway
