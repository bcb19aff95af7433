#include "ui/charts/plot_style.h"

#include <qcustomplot.h>
#include <QLabel>

#include "ui/widgets/theme.h"

namespace spillway {

void apply_plot_palette(QCustomPlot* plot, const QPalette& current) {
    const QColor axis_color = theme::card_border(current);
    const QColor label_color = theme::muted_text(current);
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis, plot->xAxis2, plot->yAxis2}) {
        axis->setBasePen(QPen(axis_color));
        axis->setTickPen(QPen(axis_color));
        axis->setSubTickPen(QPen(axis_color));
        axis->setTickLabelColor(label_color);
        axis->setLabelColor(label_color);
        axis->grid()->setPen(QPen(theme::grid_line(current), 1, Qt::SolidLine));
    }
    plot->xAxis->grid()->setVisible(false);
    plot->yAxis2->grid()->setVisible(false);
    plot->legend->setTextColor(theme::text(current));
}

void place_legend_above(QCustomPlot* plot, int icon_width, int column_spacing) {
    plot->legend->setVisible(true);
    plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot->legend->setBrush(Qt::NoBrush);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setIconSize(icon_width, 10);
    plot->legend->setColumnSpacing(column_spacing);
    plot->legend->setMargins(QMargins(0, 0, 0, 0));
    plot->plotLayout()->insertRow(0);
    auto* legend_row = new QCPLayoutGrid;
    plot->plotLayout()->addElement(0, 0, legend_row);
    legend_row->setMargins(QMargins(0, 0, 0, 6));
    legend_row->addElement(0, 0, plot->legend);
    // A spacer takes the rest of the row, so the entries do not spread across the chart.
    legend_row->addElement(0, 1, new QCPLayoutElement(plot));
    plot->plotLayout()->setRowStretchFactor(0, 0.001);
    plot->plotLayout()->setRowSpacing(0);
}

void style_chart_title(QLabel* title, const QPalette& current) {
    QFont font = title->font();
    font.setWeight(QFont::DemiBold);
    title->setFont(font);
    QPalette title_palette = title->palette();
    title_palette.setColor(QPalette::WindowText, theme::text(current));
    title->setPalette(title_palette);
}

}  // namespace spillway
