#include "ui/charts/chart_markers.h"

#include <qcustomplot.h>
#include <array>
#include <cmath>
#include <limits>

namespace spillway {

namespace {

constexpr int kLabelRows = 3;
constexpr int kLabelGap = 6;  // pixels between labels in a row

}  // namespace

ChartMarkers::ChartMarkers(QCustomPlot* plot) : plot_(plot) {}

ChartMarkers::~ChartMarkers() = default;  // the plot owns and deletes the items

void ChartMarkers::add(double key, const QString& label, const QString& detail) {
    Marker marker{key, detail, new QCPItemStraightLine(plot_), new QCPItemText(plot_)};
    marker.line->point1->setCoords(key, 0);
    marker.line->point2->setCoords(key, 1);
    marker.line->setSelectable(false);
    marker.label->setText(label);
    marker.label->setSelectable(false);
    marker.label->setClipToAxisRect(true);
    marker.label->position->setTypeX(QCPItemPosition::ptPlotCoords);
    marker.label->position->setTypeY(QCPItemPosition::ptAbsolute);
    marker.label->setPadding(QMargins(3, 1, 3, 1));
    QFont font = plot_->font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    marker.label->setFont(font);
    style(marker);
    markers_.push_back(marker);
}

void ChartMarkers::clear() {
    for (const Marker& marker : markers_) {
        plot_->removeItem(marker.line);
        plot_->removeItem(marker.label);
    }
    markers_.clear();
}

void ChartMarkers::removeBefore(double key) {
    auto first_kept = markers_.begin();
    while (first_kept != markers_.end() && first_kept->key < key) {
        plot_->removeItem(first_kept->line);
        plot_->removeItem(first_kept->label);
        ++first_kept;
    }
    markers_.erase(markers_.begin(), first_kept);
}

void ChartMarkers::setColors(const QColor& line, const QColor& text, const QColor& background) {
    line_color_ = line;
    text_color_ = text;
    background_ = background;
    for (Marker& marker : markers_)
        style(marker);
}

void ChartMarkers::style(Marker& marker) const {
    marker.line->setPen(QPen(line_color_, 1.2, Qt::DashLine));
    marker.label->setColor(text_color_);
    marker.label->setBrush(background_);
    marker.label->setPen(QPen(line_color_, 0.8));
}

void ChartMarkers::layout() {
    const QRect area = plot_->axisRect()->rect();
    std::array<double, kLabelRows> row_end;
    row_end.fill(-std::numeric_limits<double>::infinity());
    for (Marker& marker : markers_) {
        const double x = plot_->xAxis->coordToPixel(marker.key);
        const QFontMetrics metrics(marker.label->font());
        const double width = metrics.horizontalAdvance(marker.label->text()) + 8;
        const double height = metrics.height() + 4;
        // A label runs to the right of its line unless that would cross the plot's right edge
        // (the change just made, at the live edge): then it sits to the left of the line.
        const bool leftward = x + width > area.right();
        const double from = leftward ? x - width : x;
        int row = -1;
        if (x >= area.left() && x <= area.right() + 1) {
            for (int candidate = 0; candidate < kLabelRows && row < 0; ++candidate)
                if (row_end[size_t(candidate)] + kLabelGap <= from)
                    row = candidate;
        }
        marker.label->setVisible(row >= 0);
        if (row < 0)
            continue;
        row_end[size_t(row)] = from + width;
        marker.label->setPositionAlignment(Qt::AlignTop |
                                           (leftward ? Qt::AlignRight : Qt::AlignLeft));
        marker.label->position->setCoords(marker.key, area.top() + 2 + row * (height + 2));
    }
}

QString ChartMarkers::detailNear(double pixel_x, double tolerance) const {
    QString nearest;
    double best = tolerance;
    for (const Marker& marker : markers_) {
        const double distance = std::abs(plot_->xAxis->coordToPixel(marker.key) - pixel_x);
        if (distance <= best) {
            best = distance;
            nearest = marker.detail;
        }
    }
    return nearest;
}

QStringList ChartMarkers::labels() const {
    QStringList result;
    for (const Marker& marker : markers_)
        result << marker.label->text();
    return result;
}

QList<double> ChartMarkers::keys() const {
    QList<double> result;
    for (const Marker& marker : markers_)
        result << marker.key;
    return result;
}

}  // namespace spillway
