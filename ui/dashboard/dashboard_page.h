#pragma once
// The live overview: headline figures as tiles; charts of throughput, consumer lag, queue depth
// (events and bytes) and latencies on one shared time axis with knob-change markers; lag per
// partition as a table. It listens to the SnapshotFeed and the KnobHistoryFeed itself; the main
// window only places it.
#include <QWidget>
#include <memory>

#include "core/pipeline/metrics.h"

namespace spillway {

class ChartTimeline;
class ChartViewBar;
class KnobHistoryFeed;
class MetricTile;
class PartitionLagModel;
class SnapshotFeed;
class TimeSeriesChart;

class DashboardPage : public QWidget {
    Q_OBJECT
public:
    DashboardPage(SnapshotFeed* feed, KnobHistoryFeed* knob_history, QWidget* parent = nullptr);

    void showSnapshot(const Snapshot& snapshot);

    ChartTimeline* timeline() const { return timeline_; }
    PartitionLagModel* partitionLagModel() const { return lag_model_; }

private:
    void build_tiles();
    void build_charts();
    QWidget* build_partition_card();
    void update_tiles(const Snapshot& snapshot);
    void update_charts(const Snapshot& snapshot);
    void add_markers(int first);
    void reset_markers();

    KnobHistoryFeed* knob_history_;
    ChartTimeline* timeline_;
    ChartViewBar* view_bar_;
    PartitionLagModel* lag_model_;

    MetricTile* state_ = nullptr;
    MetricTile* events_in_ = nullptr;
    MetricTile* events_out_ = nullptr;
    MetricTile* queue_ = nullptr;
    MetricTile* writers_ = nullptr;
    MetricTile* lag_ = nullptr;
    MetricTile* dead_lettered_ = nullptr;
    MetricTile* duplicates_ = nullptr;
    MetricTile* batch_p99_ = nullptr;
    MetricTile* e2e_p99_ = nullptr;
    MetricTile* compression_ = nullptr;
    MetricTile* commits_ = nullptr;

    TimeSeriesChart* throughput_chart_ = nullptr;
    TimeSeriesChart* lag_chart_ = nullptr;
    TimeSeriesChart* queue_chart_ = nullptr;
    TimeSeriesChart* queue_bytes_chart_ = nullptr;
    TimeSeriesChart* batch_latency_chart_ = nullptr;
    TimeSeriesChart* e2e_latency_chart_ = nullptr;
};

}  // namespace spillway
