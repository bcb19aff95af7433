#pragma once
// Keeps the dashboard's charts on one time axis: the window (1 min to 1 h), live or paused, and
// the range the user dragged or zoomed to in any chart, which the others follow. Dragging or
// zooming pauses the live view; goLive() returns to it.
#include <QObject>
#include <vector>

namespace spillway {

class TimeSeriesChart;

class ChartTimeline : public QObject {
    Q_OBJECT
public:
    enum class Mode {
        Live,     // the charts move with the newest sample
        Paused,   // frozen where they were; samples keep arriving
        Browsing  // the user dragged or zoomed
    };
    Q_ENUM(Mode)

    explicit ChartTimeline(QObject* parent = nullptr);

    void addChart(TimeSeriesChart* chart);
    const std::vector<TimeSeriesChart*>& charts() const { return charts_; }

    // Switches every chart to the window and returns to the live view.
    void setWindowSeconds(double seconds);
    double windowSeconds() const { return window_seconds_; }

    Mode mode() const { return mode_; }
    void pause();
    void goLive();
    // Live -> paused; paused or browsing -> live.
    void togglePause();

    // Once per tick, after the charts received their samples.
    void refresh();

signals:
    void modeChanged(spillway::ChartTimeline::Mode mode);
    void windowChanged(double seconds);

private:
    void set_mode(Mode mode);
    void on_user_range(TimeSeriesChart* source, double lower, double upper);

    std::vector<TimeSeriesChart*> charts_;
    double window_seconds_ = 300;
    Mode mode_ = Mode::Live;
};

}  // namespace spillway
