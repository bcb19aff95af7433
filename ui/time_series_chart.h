#pragma once
// A live time-series chart in a card: a title, a QCustomPlot with a clock-time x axis, and a few
// series that receive one sample each per tick. History is bounded by a sliding time window, and
// the plot redraws only when refresh() is called, so repaint cost does not depend on event rates.
#include <QString>
#include <functional>
#include <initializer_list>
#include <vector>

#include "ui/card.h"

class QCustomPlot;
class QCPGraph;
class QCPItemText;
class QLabel;

namespace spillway {

class TimeSeriesChart : public Card {
    Q_OBJECT
public:
    enum class SeriesKind {
        Line,        // a rate or level
        Area,        // a level with a translucent fill under it
        Limit,       // a configured limit: thin step line (knobs change in steps)
        DashedLimit  // a threshold derived from a limit
    };
    using ColorRole = std::function<QColor(const QPalette&)>;

    // plot_name becomes the QCustomPlot's objectName, so tests and style sheets can find it.
    TimeSeriesChart(const QString& title, const QString& plot_name, QWidget* parent = nullptr);

    // Returns the series index used by append().
    int addSeries(const QString& name, ColorRole color, SeriesKind kind);

    // One value per series, in addSeries order, at `seconds` since the Unix epoch. Samples that are
    // not newer than the last one are ignored: the data must stay sorted by time.
    bool append(double seconds, std::initializer_list<double> values);

    void setWindowSeconds(double seconds) { window_seconds_ = seconds; }
    double windowSeconds() const { return window_seconds_; }

    // Rescales both axes to the window and queues one redraw.
    void refresh();

    QCustomPlot* plot() const { return plot_; }
    QCPGraph* series(int index) const;

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Series {
        QCPGraph* graph;
        ColorRole color;
        SeriesKind kind;
    };
    void apply_colors();

    QLabel* title_;
    QCustomPlot* plot_;
    QCPItemText* placeholder_;
    std::vector<Series> series_;
    double window_seconds_ = 300;
    double last_key_ = 0;
};

}  // namespace spillway
