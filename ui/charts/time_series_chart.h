#pragma once
// A live time-series chart in a card: a title, a QCustomPlot with a clock-time x axis, and a few
// series that receive one sample each per tick. Each series keeps up to an hour of samples; the
// plot holds only what the current view needs, reduced to a bounded number of points (see
// SampleHistory). The plot redraws only when refresh() is called, so repaint cost does not depend
// on event rates. The user can drag and wheel-zoom the time axis and click a legend entry to hide
// or show its series; knob changes appear as labelled vertical markers.
#include <QString>
#include <functional>
#include <initializer_list>
#include <memory>
#include <vector>

#include "ui/widgets/card.h"
#include "ui/charts/sample_history.h"
#include "ui/charts/value_ticker.h"

class QLabel;

namespace spillway {

class ChartMarkers;

class TimeSeriesChart : public Card {
    Q_OBJECT
public:
    enum class SeriesKind {
        Line,        // a rate or level
        Area,        // a level with a translucent fill under it
        Limit,       // a configured limit: thin step line (knobs change in steps)
        DashedLimit  // a threshold derived from a limit
    };
    enum class Axis { Left, Right };
    using ColorRole = std::function<QColor(const QPalette&)>;

    static constexpr double kHistorySeconds = 3600;  // the widest window
    // Points per series for the visible span, at most four per bucket.
    static constexpr int kBuckets = 500;

    // plot_name becomes the QCustomPlot's objectName, so tests and style sheets can find it.
    TimeSeriesChart(const QString& title, const QString& plot_name, QWidget* parent = nullptr);
    ~TimeSeriesChart() override;

    void setValueFormat(ValueFormat format, Axis axis = Axis::Left);
    // Gives the charts the same side margins (the widest any of them needs), so their time axes
    // line up when they are stacked: a dip in one is right above a spike in the other.
    static void alignTimeAxes(std::initializer_list<TimeSeriesChart*> charts);
    // Returns the series index used by append().
    int addSeries(const QString& name, ColorRole color, SeriesKind kind, Axis axis = Axis::Left);

    // One value per series, in addSeries order, at `seconds` since the Unix epoch. Samples that are
    // not newer than the last one are ignored: the data must stay sorted by time.
    bool append(double seconds, std::initializer_list<double> values);

    // The span the live view shows, ending at the newest sample.
    void setWindowSeconds(double seconds);
    double windowSeconds() const { return window_seconds_; }
    // Following: the time axis moves with the newest sample. Not following: it stays put (paused,
    // or where the user dragged or zoomed it) while samples keep arriving.
    void setFollowing(bool following);
    bool following() const { return following_; }
    // Shows a time range without reporting it as a user change (to keep charts in step).
    void showTimeRange(double lower, double upper);

    // Moves the view when following, rescales the value axes to the visible data, lays out the
    // markers and queues one redraw.
    void refresh();
    // The same for the live tick, but the redraw waits until the view has moved by at least one
    // pixel since the last one: at the default 300 s window a chart a few hundred pixels wide
    // moves a fraction of a pixel per 100 ms snapshot, and redrawing six antialiased charts ten
    // times a second was most of the console's cost. A narrow window still redraws every tick.
    void refreshLive();
    // How many times the plot was redrawn (for tests of the above).
    int redrawCount() const { return redraws_; }

    // A vertical line at `seconds` with a short label; `detail` is shown when hovering the line.
    void addMarker(double seconds, const QString& label, const QString& detail);
    void clearMarkers();
    QStringList markerLabels() const;
    QList<double> markerTimes() const;

    void setSeriesVisible(int index, bool visible);
    bool seriesVisible(int index) const;

    QCustomPlot* plot() const { return plot_; }
    QCPGraph* series(int index) const;
    double newestTime() const { return last_key_; }
    // Samples kept for a series (the plot may hold fewer points).
    size_t historySize(int index) const;

signals:
    // The user dragged or zoomed the time axis to `range`.
    void userRangeChanged(double lower, double upper);

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    struct Series {
        QCPGraph* graph;
        ColorRole color;
        SeriesKind kind;
        SampleHistory history;
        M4Reducer reducer;
    };
    void apply_colors();
    void update_margins();
    QMargins natural_margins() const;
    void fit_to_width();
    void update_time_ticks();
    void rebuild(double from, double bucket_seconds);
    void rebuild_for_view();
    void rescale_values();
    void update_view(bool always_redraw);
    bool moved_less_than_a_pixel() const;
    void redraw();
    void on_range_changed(const QCPRange& range);
    void on_legend_click(QCPLegend* legend, QCPAbstractLegendItem* item);
    void on_mouse_move(QMouseEvent* event);
    double lead_in() const;

    QLabel* title_;
    QCustomPlot* plot_;
    QCPItemText* placeholder_;
    std::unique_ptr<ChartMarkers> markers_;
    std::vector<Series> series_;
    ValueFormat left_format_ = ValueFormat::Count;
    ValueFormat right_format_ = ValueFormat::Count;
    double window_seconds_ = 300;
    double last_key_ = 0;
    double bucket_seconds_ = 300.0 / kBuckets;
    bool following_ = true;
    bool setting_range_ = false;
    bool replot_when_shown_ = false;
    double drawn_key_ = 0;  // last_key_ at the last redraw
    int redraws_ = 0;
    int aligned_left_ = 0;   // margins at least this wide (alignTimeAxes)
    int aligned_right_ = 0;  // the range is being set by code, not by the user
};

}  // namespace spillway
