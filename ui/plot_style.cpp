#include "ui/plot_style.h"

#include <QLabel>
#include <qcustomplot.h>

#include "ui/theme.h"

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

void style_chart_title(QLabel* title, const QPalette& current) {
    QFont font = title->font();
    font.setWeight(QFont::DemiBold);
    title->setFont(font);
    QPalette title_palette = title->palette();
    title_palette.setColor(QPalette::WindowText, theme::text(current));
    title->setPalette(title_palette);
}

}  // namespace spillway
