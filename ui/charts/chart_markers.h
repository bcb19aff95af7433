#pragma once
// Labelled vertical markers on a QCustomPlot (knob changes). Labels are stacked in up to three
// rows so nearby changes do not overprint each other; a label with no room left is hidden, its
// line stays, and hovering the line shows the full description.
#include <QColor>
#include <QList>
#include <QString>
#include <QStringList>
#include <vector>

class QCustomPlot;
class QCPItemStraightLine;
class QCPItemText;

namespace spillway {

class ChartMarkers {
public:
    explicit ChartMarkers(QCustomPlot* plot);
    ~ChartMarkers();
    ChartMarkers(const ChartMarkers&) = delete;
    ChartMarkers& operator=(const ChartMarkers&) = delete;

    // Markers must be added in time order.
    void add(double key, const QString& label, const QString& detail);
    void clear();
    void removeBefore(double key);
    void setColors(const QColor& line, const QColor& text, const QColor& background);
    // Places the labels for the current axis ranges; call before each replot.
    void layout();

    // The description of the marker within `tolerance` pixels of `pixel_x`, if any.
    QString detailNear(double pixel_x, double tolerance) const;
    QStringList labels() const;
    QList<double> keys() const;

private:
    struct Marker {
        double key;
        QString detail;
        QCPItemStraightLine* line;
        QCPItemText* label;
    };
    void style(Marker& marker) const;

    QCustomPlot* plot_;
    std::vector<Marker> markers_;
    QColor line_color_, text_color_, background_;
};

}  // namespace spillway
