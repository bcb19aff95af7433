#pragma once
// The live overview: headline figures as tiles, throughput and queue depth as 5-minute charts.
// It listens to the SnapshotFeed itself; the main window only places it.
#include <QWidget>
#include <memory>

#include "core/metrics.h"

namespace spillway {

class MetricTile;
class SnapshotFeed;
class TimeSeriesChart;

class DashboardPage : public QWidget {
    Q_OBJECT
public:
    explicit DashboardPage(SnapshotFeed* feed, QWidget* parent = nullptr);

    void showSnapshot(const Snapshot& snapshot);

private:
    void update_tiles(const Snapshot& snapshot);
    void update_charts(const Snapshot& snapshot);

    MetricTile* state_;
    MetricTile* events_in_;
    MetricTile* events_out_;
    MetricTile* queue_;
    MetricTile* writers_;
    MetricTile* lag_;
    MetricTile* dead_lettered_;
    MetricTile* duplicates_;
    MetricTile* batch_p99_;
    MetricTile* e2e_p99_;

    TimeSeriesChart* throughput_chart_;
    TimeSeriesChart* queue_chart_;
};

}  // namespace spillway
