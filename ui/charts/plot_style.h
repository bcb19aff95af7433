#pragma once
// The look every chart of the console shares: axes, ticks, labels and grid in the palette's
// colours (TimeSeriesChart, BarChartCard), the legend in a row above the plot, and the chart
// title's weight.
#include <QPalette>

class QCustomPlot;
class QLabel;

namespace spillway {

void apply_plot_palette(QCustomPlot* plot, const QPalette& palette);
void style_chart_title(QLabel* title, const QPalette& palette);
// Moves the legend into its own row above the plot area, entries side by side from the left.
void place_legend_above(QCustomPlot* plot, int icon_width, int column_spacing);

}  // namespace spillway
