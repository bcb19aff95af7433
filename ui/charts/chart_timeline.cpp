#include "ui/charts/chart_timeline.h"

#include "ui/charts/time_series_chart.h"

namespace spillway {

ChartTimeline::ChartTimeline(QObject* parent) : QObject(parent) {}

void ChartTimeline::addChart(TimeSeriesChart* chart) {
    charts_.push_back(chart);
    chart->setWindowSeconds(window_seconds_);
    chart->setFollowing(mode_ == Mode::Live);
    connect(chart, &TimeSeriesChart::userRangeChanged, this,
            [this, chart](double lower, double upper) { on_user_range(chart, lower, upper); });
}

void ChartTimeline::setWindowSeconds(double seconds) {
    const bool changed = seconds != window_seconds_;
    window_seconds_ = seconds;
    for (TimeSeriesChart* chart : charts_)
        chart->setWindowSeconds(seconds);
    goLive();
    if (changed)
        emit windowChanged(seconds);
}

void ChartTimeline::pause() {
    if (mode_ == Mode::Live)
        set_mode(Mode::Paused);
}

void ChartTimeline::goLive() {
    set_mode(Mode::Live);
}

void ChartTimeline::togglePause() {
    set_mode(mode_ == Mode::Live ? Mode::Paused : Mode::Live);
}

void ChartTimeline::set_mode(Mode mode) {
    if (mode == mode_)
        return;
    mode_ = mode;
    for (TimeSeriesChart* chart : charts_) {
        chart->setFollowing(mode == Mode::Live);
        chart->refresh();
    }
    emit modeChanged(mode);
}

void ChartTimeline::on_user_range(TimeSeriesChart* source, double lower, double upper) {
    set_mode(Mode::Browsing);
    for (TimeSeriesChart* chart : charts_) {
        if (chart != source)
            chart->showTimeRange(lower, upper);
        chart->refresh();
    }
}

void ChartTimeline::refresh() {
    // A frozen view changes only when the user moves it (handled as it happens).
    if (mode_ != Mode::Live)
        return;
    for (TimeSeriesChart* chart : charts_)
        chart->refreshLive();
}

}  // namespace spillway
