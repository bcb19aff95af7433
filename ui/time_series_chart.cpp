#include "ui/time_series_chart.h"

#include <qcustomplot.h>
#include <QDateTime>
#include <QEvent>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/format.h"
#include "ui/theme.h"

namespace spillway {

namespace {

// Axis labels like "12k" and "1.5M": event counts reach millions and a full number would squeeze
// the plot area.
class CompactNumberTicker : public QCPAxisTicker {
protected:
    QString getTickLabel(double tick, const QLocale&, QChar, int) override {
        return format_compact(tick);
    }
};

// Before the window has filled, the time axis shows at least this much so a fresh chart does not
// stretch its first two samples across the full width.
constexpr double kMinimumSpanSeconds = 60;

}  // namespace

TimeSeriesChart::TimeSeriesChart(const QString& title, const QString& plot_name, QWidget* parent)
    : Card(parent), title_(new QLabel(title, this)), plot_(new QCustomPlot(this)) {
    QFont title_font = title_->font();
    title_font.setWeight(QFont::DemiBold);
    title_->setFont(title_font);

    plot_->setObjectName(plot_name);
    plot_->setMinimumHeight(170);
    // The card paints the rounded background; the plot must not paint a square over it.
    plot_->setBackground(Qt::NoBrush);
    plot_->setAttribute(Qt::WA_OpaquePaintEvent, false);
    plot_->setAntialiasedElements(QCP::aePlottables);

    auto time_ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    time_ticker->setDateTimeFormat(QStringLiteral("HH:mm:ss"));
    time_ticker->setTickCount(6);
    plot_->xAxis->setTicker(time_ticker);
    auto count_ticker = QSharedPointer<CompactNumberTicker>::create();
    count_ticker->setTickCount(4);
    plot_->yAxis->setTicker(count_ticker);
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        axis->setSubTicks(false);
        axis->setTickLength(0, 4);
    }
    plot_->yAxis->grid()->setZeroLinePen(Qt::NoPen);

    // The legend gets its own row above the plot area so it never hides the newest data.
    plot_->legend->setVisible(true);
    plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot_->legend->setBrush(Qt::NoBrush);
    plot_->legend->setBorderPen(Qt::NoPen);
    plot_->legend->setIconSize(18, 10);
    plot_->legend->setColumnSpacing(14);
    plot_->legend->setMargins(QMargins(0, 0, 0, 0));
    plot_->plotLayout()->insertRow(0);
    auto* legend_row = new QCPLayoutGrid;
    plot_->plotLayout()->addElement(0, 0, legend_row);
    legend_row->setMargins(QMargins(0, 0, 0, 6));
    legend_row->addElement(0, 0, plot_->legend);
    // The legend is capped at its natural width (see addSeries) and this spacer takes the rest,
    // so the entries sit together on the left instead of spreading across the chart.
    legend_row->addElement(0, 1, new QCPLayoutElement(plot_));
    plot_->plotLayout()->setRowStretchFactor(0, 0.001);
    plot_->plotLayout()->setRowSpacing(0);
    // Fixed margins except at the bottom: the hidden top and right axes would otherwise reserve
    // space, and a left margin sized for the widest compact label ("888.8k") keeps the time axes
    // of stacked charts aligned, so a dip in one lines up with a spike in the other.
    const QFontMetrics label_metrics(plot_->yAxis->tickLabelFont());
    const int left_margin = label_metrics.horizontalAdvance(QStringLiteral("888.8k")) +
                            plot_->yAxis->tickLabelPadding() + plot_->yAxis->tickLengthOut() + 6;
    plot_->axisRect()->setAutoMargins(QCP::msBottom);
    plot_->axisRect()->setMargins(QMargins(left_margin, 4, 28, 0));

    placeholder_ = new QCPItemText(plot_);
    placeholder_->position->setType(QCPItemPosition::ptAxisRectRatio);
    placeholder_->position->setCoords(0.5, 0.5);
    placeholder_->setText(tr("Waiting for data…"));
    placeholder_->setClipToAxisRect(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(title_);
    layout->addWidget(plot_, 1);

    // Until data arrives the axis shows the coming minute rather than the Unix epoch.
    const double now = double(QDateTime::currentSecsSinceEpoch());
    plot_->xAxis->setRange(now, now + kMinimumSpanSeconds);
    plot_->yAxis->setRange(0, 10);
    apply_colors();
}

int TimeSeriesChart::addSeries(const QString& name, ColorRole color, SeriesKind kind) {
    QCPGraph* graph = plot_->addGraph();
    graph->setName(name);
    if (kind == SeriesKind::Limit || kind == SeriesKind::DashedLimit)
        graph->setLineStyle(QCPGraph::lsStepLeft);
    series_.push_back({graph, std::move(color), kind});
    plot_->legend->setMaximumSize(plot_->legend->minimumOuterSizeHint());
    apply_colors();
    return int(series_.size()) - 1;
}

QCPGraph* TimeSeriesChart::series(int index) const {
    return index >= 0 && size_t(index) < series_.size() ? series_[size_t(index)].graph : nullptr;
}

bool TimeSeriesChart::append(double seconds, std::initializer_list<double> values) {
    if (seconds <= last_key_ || values.size() != series_.size())
        return false;
    last_key_ = seconds;
    // A little history beyond the window keeps lines running into the left edge instead of
    // starting just inside it.
    const double keep_from = seconds - window_seconds_ - 10;
    auto value = values.begin();
    for (const Series& series : series_) {
        // Appending a newer key is an O(1) push at the end of the sorted container; removeBefore
        // only moves the container's start, so trimming costs nothing per tick either.
        series.graph->addData(seconds, *value++);
        series.graph->data()->removeBefore(keep_from);
    }
    return true;
}

void TimeSeriesChart::refresh() {
    const bool has_data = !series_.empty() && !series_.front().graph->data()->isEmpty();
    placeholder_->setVisible(!has_data);
    if (has_data) {
        const double first = series_.front().graph->data()->constBegin()->key;
        const double lower = std::max(first, last_key_ - window_seconds_);
        const double upper = std::max(last_key_, lower + kMinimumSpanSeconds);
        const QCPRange visible_keys(lower, upper);
        plot_->xAxis->setRange(visible_keys);

        double highest = 0;
        for (const Series& series : series_) {
            bool found = false;
            const QCPRange values = series.graph->getValueRange(found, QCP::sdBoth, visible_keys);
            if (found)
                highest = std::max(highest, values.upper);
        }
        // Headroom above the highest value, and a floor so an idle chart still has a scale.
        plot_->yAxis->setRange(0, std::max(highest * 1.12, 10.0));
    }
    // Recomputes the plot now but leaves the repaint to the event loop, which merges it with any
    // other pending update of this widget.
    plot_->replot(QCustomPlot::rpQueuedRefresh);
}

void TimeSeriesChart::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange)
        apply_colors();
    Card::changeEvent(event);
}

void TimeSeriesChart::apply_colors() {
    const QPalette& current = palette();
    QPalette title_palette = title_->palette();
    title_palette.setColor(QPalette::WindowText, theme::text(current));
    title_->setPalette(title_palette);

    const QColor axis_color = theme::card_border(current);
    const QColor label_color = theme::muted_text(current);
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis, plot_->xAxis2, plot_->yAxis2}) {
        axis->setBasePen(QPen(axis_color));
        axis->setTickPen(QPen(axis_color));
        axis->setSubTickPen(QPen(axis_color));
        axis->setTickLabelColor(label_color);
        axis->setLabelColor(label_color);
        axis->grid()->setPen(QPen(theme::grid_line(current), 1, Qt::SolidLine));
    }
    plot_->xAxis->grid()->setVisible(false);
    plot_->legend->setTextColor(theme::text(current));
    placeholder_->setColor(label_color);

    for (const Series& series : series_) {
        const QColor color = series.color(current);
        QPen pen(color, 1.8);
        switch (series.kind) {
            case SeriesKind::Line:
                break;
            case SeriesKind::Area: {
                QColor fill = color;
                fill.setAlphaF(0.18f);
                series.graph->setBrush(fill);
                break;
            }
            case SeriesKind::Limit:
                pen.setWidthF(1.2);
                break;
            case SeriesKind::DashedLimit:
                pen.setWidthF(1.4);
                pen.setStyle(Qt::DashLine);
                break;
        }
        series.graph->setPen(pen);
    }
    plot_->replot(QCustomPlot::rpQueuedRefresh);
}

}  // namespace spillway
