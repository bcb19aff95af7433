#include "ui/charts/bar_chart_card.h"

#include <qcustomplot.h>
#include <QEvent>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>

#include "ui/charts/plot_style.h"
#include "ui/widgets/theme.h"

namespace spillway {

BarChartCard::BarChartCard(const QString& title, const QString& plot_name, QWidget* parent)
    : Card(parent),
      title_(new QLabel(title, this)),
      plot_(new QCustomPlot(this)),
      group_(new QCPBarsGroup(plot_)) {
    plot_->setObjectName(plot_name);
    plot_->setMinimumSize(220, 150);
    plot_->setBackground(Qt::NoBrush);
    plot_->setAttribute(Qt::WA_OpaquePaintEvent, false);
    plot_->setAntialiasedElements(QCP::aePlottables);
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        axis->setSubTicks(false);
        axis->setTickLength(0, 4);
    }
    plot_->xAxis->setTickLength(0, 0);
    plot_->yAxis->grid()->setZeroLinePen(Qt::NoPen);
    group_->setSpacingType(QCPBarsGroup::stAbsolute);
    group_->setSpacing(2);

    place_legend_above(plot_, 14, 12);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(title_);
    layout->addWidget(plot_, 1);
    apply_colors();
}

void BarChartCard::setCategories(const QStringList& categories) {
    categories_ = categories;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int index = 0; index < categories.size(); ++index)
        ticker->addTick(index, categories[index]);
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setRange(-0.6, double(categories.size()) - 0.4);
}

void BarChartCard::setValueTicker(const QSharedPointer<QCPAxisTicker>& ticker) {
    ticker->setTickCount(4);
    plot_->yAxis->setTicker(ticker);
}

int BarChartCard::addSeries(const QString& name, ColorRole color) {
    auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
    bars->setName(name);
    bars->setBarsGroup(group_);
    series_.emplace_back(bars, std::move(color));
    // Bars of one category share 80 % of its width.
    for (auto& [each, role] : series_)
        each->setWidth(0.8 / double(series_.size()));
    apply_colors();
    return int(series_.size()) - 1;
}

QCPBars* BarChartCard::series(int index) const {
    return index >= 0 && size_t(index) < series_.size() ? series_[size_t(index)].first : nullptr;
}

void BarChartCard::setValues(int index, const QVector<double>& values) {
    QCPBars* bars = series(index);
    if (!bars)
        return;
    QVector<double> keys(values.size());
    for (int i = 0; i < keys.size(); ++i)
        keys[i] = i;
    bars->setData(keys, values, true);
}

void BarChartCard::refresh() {
    double highest = 0;
    for (const auto& [bars, role] : series_)
        for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
            highest = std::max(highest, it->value);
    plot_->yAxis->setRange(0, highest > 0 ? highest * 1.12 : 1);
    plot_->replot(QCustomPlot::rpQueuedRefresh);
}

void BarChartCard::changeEvent(QEvent* event) {
    Card::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        apply_colors();
}

void BarChartCard::apply_colors() {
    const QPalette& current = palette();
    style_chart_title(title_, current);
    apply_plot_palette(plot_, current);
    for (const auto& [bars, role] : series_) {
        const QColor color = role(current);
        QColor fill = color;
        fill.setAlphaF(0.75f);
        bars->setPen(QPen(color, 1));
        bars->setBrush(fill);
    }
    plot_->replot(QCustomPlot::rpQueuedRefresh);
}

}  // namespace spillway
