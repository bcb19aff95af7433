#include "ui/charts/time_series_chart.h"

#include <qcustomplot.h>
#include <QDateTime>
#include <QEvent>
#include <QLabel>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/charts/chart_markers.h"
#include "ui/charts/plot_style.h"
#include "ui/widgets/theme.h"

namespace spillway {

namespace {

// Before the window has filled, the time axis shows at least this much so a fresh chart does not
// stretch its first two samples across the full width.
constexpr double kMinimumSpanSeconds = 60;
// The narrowest span the user can zoom into.
constexpr double kMinimumZoomSeconds = 5;
// The most history kept beyond the widest window (see lead_in).
constexpr double kLeadInMax = TimeSeriesChart::kHistorySeconds * 0.02;
// About one time label per this many pixels: "12:34:56" with room around it.
constexpr int kPixelsPerTimeTick = 70;
// Up to this span the time labels show seconds.
constexpr double kSecondsLabelSpan = 180;

// An idle chart still gets a scale.
double value_floor(ValueFormat format) {
    switch (format) {
        case ValueFormat::Count:
            return 10;
        case ValueFormat::Bytes:
            return 1024 * 1024;
        case ValueFormat::Milliseconds:
            return 10;
        case ValueFormat::Seconds:
            return 1;
        case ValueFormat::Percent:
            return 100;
    }
    return 10;
}

}  // namespace

TimeSeriesChart::TimeSeriesChart(const QString& title, const QString& plot_name, QWidget* parent)
    : Card(parent), title_(new QLabel(title, this)), plot_(new QCustomPlot(this)) {
    plot_->setObjectName(plot_name);
    // Explicit, so the legend's natural width does not become the chart's minimum width: the
    // legend wraps instead (see fit_to_width).
    plot_->setMinimumSize(220, 150);
    // The card paints the rounded background; the plot must not paint a square over it.
    plot_->setBackground(Qt::NoBrush);
    plot_->setAttribute(Qt::WA_OpaquePaintEvent, false);
    plot_->setAntialiasedElements(QCP::aePlottables);
    plot_->setNoAntialiasingOnDrag(true);

    auto time_ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    time_ticker->setDateTimeFormat(QStringLiteral("HH:mm:ss"));
    plot_->xAxis->setTicker(time_ticker);
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis, plot_->yAxis2}) {
        axis->setSubTicks(false);
        axis->setTickLength(0, 4);
    }
    plot_->yAxis->grid()->setZeroLinePen(Qt::NoPen);
    setValueFormat(ValueFormat::Count, Axis::Left);
    setValueFormat(ValueFormat::Count, Axis::Right);

    // Drag and wheel act on time only: values rescale themselves to what is visible.
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->axisRect()->setRangeDrag(Qt::Horizontal);
    plot_->axisRect()->setRangeZoom(Qt::Horizontal);

    // The legend gets its own row above the plot area so it never hides the newest data.
    // (It is capped at its natural width in addSeries, so the entries sit together on the left.)
    place_legend_above(plot_, 18, 14);
    // Items must be hit-testable for legendClick; selecting them stays off (no iSelectLegend).
    plot_->legend->setSelectableParts(QCPLegend::spItems);
    plot_->axisRect()->setAutoMargins(QCP::msBottom);
    update_margins();

    placeholder_ = new QCPItemText(plot_);
    placeholder_->position->setType(QCPItemPosition::ptAxisRectRatio);
    placeholder_->position->setCoords(0.5, 0.5);
    placeholder_->setText(tr("Waiting for data…"));
    placeholder_->setClipToAxisRect(false);
    placeholder_->setSelectable(false);

    markers_ = std::make_unique<ChartMarkers>(plot_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(title_);
    layout->addWidget(plot_, 1);

    connect(plot_->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
            &TimeSeriesChart::on_range_changed);
    connect(plot_, &QCustomPlot::legendClick, this,
            [this](QCPLegend* legend, QCPAbstractLegendItem* item, QMouseEvent*) {
                on_legend_click(legend, item);
            });
    connect(plot_, &QCustomPlot::mouseMove, this, &TimeSeriesChart::on_mouse_move);

    // Until data arrives the axis shows the coming minute rather than the Unix epoch.
    const double now = double(QDateTime::currentSecsSinceEpoch());
    showTimeRange(now, now + kMinimumSpanSeconds);
    plot_->yAxis->setRange(0, 10);
    plot_->yAxis2->setRange(0, 10);
    apply_colors();
}

TimeSeriesChart::~TimeSeriesChart() = default;

void TimeSeriesChart::setValueFormat(ValueFormat format, Axis axis) {
    QCPAxis* value_axis = axis == Axis::Left ? plot_->yAxis : plot_->yAxis2;
    (axis == Axis::Left ? left_format_ : right_format_) = format;
    auto ticker = make_value_ticker(format);
    ticker->setTickCount(4);
    value_axis->setTicker(ticker);
    update_margins();
}

void TimeSeriesChart::alignTimeAxes(std::initializer_list<TimeSeriesChart*> charts) {
    int left = 0, right = 0;
    for (const TimeSeriesChart* chart : charts) {
        left = std::max(left, chart->natural_margins().left());
        right = std::max(right, chart->natural_margins().right());
    }
    for (TimeSeriesChart* chart : charts) {
        chart->aligned_left_ = left;
        chart->aligned_right_ = right;
        chart->update_margins();
    }
}

QMargins TimeSeriesChart::natural_margins() const {
    // Room for the widest label the axis's format produces; fixed, so the plot does not jump
    // sideways when the scale changes from "950" to "1.2k".
    const auto widest = [](ValueFormat format) {
        switch (format) {
            case ValueFormat::Count:
                return QStringLiteral("888.8k");
            case ValueFormat::Bytes:
                return QStringLiteral("888.8 MiB");
            case ValueFormat::Milliseconds:
                return QStringLiteral("888.8k ms");
            case ValueFormat::Seconds:
                return QStringLiteral("888.8 s");
            case ValueFormat::Percent:
                return QStringLiteral("888%");
        }
        return QStringLiteral("888.8k");
    };
    const QFontMetrics metrics(plot_->yAxis->tickLabelFont());
    const int padding = plot_->yAxis->tickLabelPadding() + plot_->yAxis->tickLengthOut() + 6;
    const int left = metrics.horizontalAdvance(widest(left_format_)) + padding;
    const int right =
        plot_->yAxis2->visible() ? metrics.horizontalAdvance(widest(right_format_)) + padding : 16;
    return QMargins(left, 4, right, 0);
}

void TimeSeriesChart::update_margins() {
    // Fixed side margins (the hidden top axis would otherwise reserve space).
    const QMargins natural = natural_margins();
    plot_->axisRect()->setMargins(QMargins(std::max(natural.left(), aligned_left_), 4,
                                           std::max(natural.right(), aligned_right_), 0));
}

void TimeSeriesChart::resizeEvent(QResizeEvent* event) {
    Card::resizeEvent(event);
    fit_to_width();
}

void TimeSeriesChart::fit_to_width() {
    // The legend takes as many columns as fit on one row and wraps the rest.
    QCPLegend* legend = plot_->legend;
    const int available = plot_->width() - 8;
    std::vector<int> widths;
    // A wrapped legend is a grid whose last row may have empty cells.
    for (int index = 0; index < legend->itemCount(); ++index)
        if (QCPAbstractLegendItem* item = legend->item(index))
            widths.push_back(item->minimumOuterSizeHint().width());
    int columns = int(widths.size());
    for (; columns > 1; --columns) {
        std::vector<int> column_widths(size_t(columns), 0);
        for (size_t index = 0; index < widths.size(); ++index)
            column_widths[index % size_t(columns)] =
                std::max(column_widths[index % size_t(columns)], widths[index]);
        int total = legend->columnSpacing() * (columns - 1);
        for (int width : column_widths)
            total += width;
        if (total <= available)
            break;
    }
    if (legend->wrap() != columns) {
        legend->setWrap(columns);
        legend->setFillOrder(QCPLegend::foColumnsFirst, true);
    }
    legend->setMaximumSize(legend->minimumOuterSizeHint());

    update_time_ticks();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TimeSeriesChart::update_time_ticks() {
    // "14:05" is enough for a wide view and leaves room for more labels than "14:05:30".
    auto ticker = plot_->xAxis->ticker().dynamicCast<QCPAxisTickerDateTime>();
    if (!ticker)
        return;
    const bool with_seconds = plot_->xAxis->range().size() <= kSecondsLabelSpan;
    const QString format = with_seconds ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm");
    if (ticker->dateTimeFormat() != format)
        ticker->setDateTimeFormat(format);
    const int plot_width =
        plot_->width() - plot_->axisRect()->margins().left() - plot_->axisRect()->margins().right();
    const int spacing = with_seconds ? kPixelsPerTimeTick + 20 : kPixelsPerTimeTick;
    ticker->setTickCount(std::max(2, plot_width / spacing));
}

int TimeSeriesChart::addSeries(const QString& name, ColorRole color, SeriesKind kind, Axis axis) {
    QCPAxis* value_axis = axis == Axis::Left ? plot_->yAxis : plot_->yAxis2;
    if (axis == Axis::Right) {
        plot_->yAxis2->setVisible(true);
        plot_->yAxis2->grid()->setVisible(false);
        update_margins();
    }
    QCPGraph* graph = plot_->addGraph(plot_->xAxis, value_axis);
    graph->setName(name);
    graph->setSelectable(QCP::stNone);
    if (kind == SeriesKind::Limit || kind == SeriesKind::DashedLimit)
        graph->setLineStyle(QCPGraph::lsStepLeft);
    series_.push_back({graph, std::move(color), kind, SampleHistory(kHistorySeconds + kLeadInMax),
                       M4Reducer(bucket_seconds_)});
    fit_to_width();
    apply_colors();
    return int(series_.size()) - 1;
}

QCPGraph* TimeSeriesChart::series(int index) const {
    return index >= 0 && size_t(index) < series_.size() ? series_[size_t(index)].graph : nullptr;
}

size_t TimeSeriesChart::historySize(int index) const {
    return index >= 0 && size_t(index) < series_.size()
               ? series_[size_t(index)].history.samples().size()
               : 0;
}

double TimeSeriesChart::lead_in() const {
    // A little history beyond the window keeps lines running into the left edge instead of
    // starting just inside it.
    return std::max(10.0, window_seconds_ * 0.02);
}

bool TimeSeriesChart::append(double seconds, std::initializer_list<double> values) {
    if (seconds <= last_key_ || values.size() != series_.size())
        return false;
    last_key_ = seconds;
    // While following, the plot needs only the window; otherwise it keeps the whole history so
    // the user can pan through it.
    const double keep_from =
        following_ ? seconds - window_seconds_ - lead_in() : seconds - kHistorySeconds - lead_in();
    auto value = values.begin();
    for (Series& series : series_) {
        series.history.append(seconds, *value);
        // Appending a newer key is an O(1) push at the end of the sorted container; removeBefore
        // only moves the container's start, so trimming costs nothing per tick either.
        series.reducer.add(*series.graph->data(), seconds, *value++);
        series.graph->data()->removeBefore(keep_from);
    }
    markers_->removeBefore(seconds - kHistorySeconds - kLeadInMax);
    return true;
}

void TimeSeriesChart::rebuild(double from, double bucket_seconds) {
    bucket_seconds_ = bucket_seconds;
    for (Series& series : series_) {
        series.graph->data()->clear();
        series.reducer = M4Reducer(bucket_seconds);
        for (const QCPGraphData& sample : series.history.samples())
            if (sample.key >= from)
                series.reducer.add(*series.graph->data(), sample.key, sample.value);
    }
}

void TimeSeriesChart::rebuild_for_view() {
    if (following_) {
        rebuild(last_key_ - window_seconds_ - lead_in(), window_seconds_ / kBuckets);
        return;
    }
    // Zoomed or panned: a finer reduction for a narrow view, a coarser one for a wide view. Small
    // zoom steps keep the current points.
    const double wanted = plot_->xAxis->range().size() / kBuckets;
    if (wanted < bucket_seconds_ / 2 || wanted > bucket_seconds_ * 2 || bucket_seconds_ == 0)
        rebuild(last_key_ - kHistorySeconds - lead_in(), wanted);
}

void TimeSeriesChart::setWindowSeconds(double seconds) {
    window_seconds_ = seconds;
    if (following_)
        rebuild_for_view();
}

void TimeSeriesChart::setFollowing(bool following) {
    if (following == following_)
        return;
    following_ = following;
    if (following)
        rebuild_for_view();
    else
        // Keep the whole history in the plot from now on, so panning finds data.
        rebuild(last_key_ - kHistorySeconds - lead_in(), bucket_seconds_);
}

void TimeSeriesChart::showTimeRange(double lower, double upper) {
    setting_range_ = true;
    plot_->xAxis->setRange(lower, upper);
    setting_range_ = false;
}

void TimeSeriesChart::on_range_changed(const QCPRange& range) {
    update_time_ticks();
    if (setting_range_)
        return;
    // The user dragged or zoomed. Keep the view within what the history can fill.
    double lower = range.lower, upper = range.upper;
    if (upper - lower > kHistorySeconds) {
        lower = upper - kHistorySeconds;
    } else if (upper - lower < kMinimumZoomSeconds) {
        const double middle = (lower + upper) / 2;
        lower = middle - kMinimumZoomSeconds / 2;
        upper = middle + kMinimumZoomSeconds / 2;
    }
    if (lower != range.lower || upper != range.upper)
        showTimeRange(lower, upper);
    emit userRangeChanged(lower, upper);
}

void TimeSeriesChart::refresh() {
    update_view(true);
}

void TimeSeriesChart::refreshLive() {
    update_view(false);
}

bool TimeSeriesChart::moved_less_than_a_pixel() const {
    const int width = plot_->axisRect()->width();
    const double span = plot_->xAxis->range().size();
    if (width <= 0 || span <= 0 || drawn_key_ <= 0)
        return false;
    return (last_key_ - drawn_key_) * double(width) / span < 1.0;
}

void TimeSeriesChart::redraw() {
    markers_->layout();
    // Recomputes the plot now but leaves the repaint to the event loop, which merges it with any
    // other pending update of this widget.
    plot_->replot(QCustomPlot::rpQueuedRefresh);
    drawn_key_ = last_key_;
    ++redraws_;
}

void TimeSeriesChart::update_view(bool always_redraw) {
    const bool has_data = !series_.empty() && !series_.front().graph->data()->isEmpty();
    placeholder_->setVisible(!has_data);
    if (has_data && following_) {
        const double first = series_.front().graph->data()->constBegin()->key;
        const double lower = std::max(first, last_key_ - window_seconds_);
        const double upper = std::max(last_key_, lower + kMinimumSpanSeconds);
        showTimeRange(lower, upper);
    } else if (has_data) {
        rebuild_for_view();
    }
    rescale_values();
    // Drawing is the expensive part: a chart on a page that is not shown skips it until shown.
    if (!plot_->isVisible()) {
        replot_when_shown_ = true;
        return;
    }
    // The axes above are already where they belong; only the drawing waits.
    if (!always_redraw && following_ && moved_less_than_a_pixel())
        return;
    redraw();
}

void TimeSeriesChart::showEvent(QShowEvent* event) {
    Card::showEvent(event);
    if (replot_when_shown_) {
        replot_when_shown_ = false;
        rescale_values();
        redraw();
    }
}

void TimeSeriesChart::rescale_values() {
    const QCPRange visible_keys = plot_->xAxis->range();
    double highest_left = 0, highest_right = 0;
    for (const Series& series : series_) {
        if (!series.graph->visible())
            continue;
        bool found = false;
        const QCPRange values = series.graph->getValueRange(found, QCP::sdBoth, visible_keys);
        if (!found)
            continue;
        double& highest = series.graph->valueAxis() == plot_->yAxis2 ? highest_right : highest_left;
        highest = std::max(highest, values.upper);
    }
    // Headroom above the highest value (the marker labels sit at the top), and a floor so an idle
    // chart still has a scale.
    plot_->yAxis->setRange(0, std::max(highest_left * 1.15, value_floor(left_format_)));
    plot_->yAxis2->setRange(0, std::max(highest_right * 1.15, value_floor(right_format_)));
}

void TimeSeriesChart::addMarker(double seconds, const QString& label, const QString& detail) {
    markers_->add(seconds, label, detail);
}

void TimeSeriesChart::clearMarkers() {
    markers_->clear();
}

QStringList TimeSeriesChart::markerLabels() const {
    return markers_->labels();
}

QList<double> TimeSeriesChart::markerTimes() const {
    return markers_->keys();
}

void TimeSeriesChart::setSeriesVisible(int index, bool visible) {
    QCPGraph* graph = series(index);
    if (!graph)
        return;
    graph->setVisible(visible);
    apply_colors();
    rescale_values();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

bool TimeSeriesChart::seriesVisible(int index) const {
    QCPGraph* graph = series(index);
    return graph && graph->visible();
}

void TimeSeriesChart::on_legend_click(QCPLegend*, QCPAbstractLegendItem* item) {
    auto* entry = qobject_cast<QCPPlottableLegendItem*>(item);
    if (!entry)
        return;
    for (size_t index = 0; index < series_.size(); ++index)
        if (series_[index].graph == entry->plottable())
            setSeriesVisible(int(index), !series_[index].graph->visible());
}

void TimeSeriesChart::on_mouse_move(QMouseEvent* event) {
    if (event->buttons() != Qt::NoButton)
        return;
    const QPointF position = event->position();
    const QString detail = plot_->axisRect()->rect().contains(position.toPoint())
                               ? markers_->detailNear(position.x(), 4)
                               : QString();
    if (detail.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), detail, plot_);
}

void TimeSeriesChart::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange)
        apply_colors();
    Card::changeEvent(event);
}

void TimeSeriesChart::apply_colors() {
    const QPalette& current = palette();
    style_chart_title(title_, current);
    apply_plot_palette(plot_, current);
    const QColor label_color = theme::muted_text(current);
    placeholder_->setColor(label_color);
    QColor marker_background = theme::card_background(current);
    marker_background.setAlphaF(0.85f);
    markers_->setColors(theme::knob_marker(current), theme::text(current), marker_background);

    for (const Series& series : series_) {
        QColor color = series.color(current);
        if (!series.graph->visible())
            color = theme::blend(theme::card_background(current), color, 0.3);
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
        // A hidden series keeps its legend entry, greyed, so it can be clicked back on.
        if (auto* entry = plot_->legend->itemWithPlottable(series.graph))
            entry->setTextColor(series.graph->visible() ? theme::text(current) : label_color);
    }
    plot_->replot(QCustomPlot::rpQueuedRefresh);
}

}  // namespace spillway
