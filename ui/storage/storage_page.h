#pragma once
// Storage and what it costs: bytes per tier now and over time (stacked), now and projected; the
// monthly cost now and in 30/90/365 days beside what it would be without compression, dedup or
// tiering; compression and dedup savings over time; every partition with its tier, rows and size,
// with "Archive now" and "Restore"; the latest moves; and the tiering policy and prices, editable
// while the engine runs. Figures arrive as TierSnapshots polled on a timer from a TierControl
// (whose service does the I/O on its own thread) and the engine's snapshots from the feed.
#include <QWidget>
#include <memory>

#include "core/tiering/cost_inputs.h"
#include "core/tiering/cost_model.h"
#include "core/tiering/tier_snapshot.h"

class QLabel;
class QPushButton;
class QTableView;
class QTimer;

namespace spillway {

class BarChartCard;
class MetricTile;
class SnapshotFeed;
class TierControl;
class TierMoveModel;
class TierPartitionModel;
class TierPolicyForm;
class TimeSeriesChart;
class ToneLabel;

class StoragePage : public QWidget {
    Q_OBJECT
public:
    // control may be null (no tiering job): the page then says how to start one.
    StoragePage(SnapshotFeed* feed, TierControl* control, QWidget* parent = nullptr);

    // Shows one set of figures (the timer calls this with the latest; tests call it directly).
    void showFigures(const TierSnapshot& tiers, const IngestFigures& ingest);
    // Polls the control now instead of waiting for the timer.
    void poll();

    const CostReport& costReport() const { return cost_; }
    TierPartitionModel* partitionModel() const { return partition_model_; }
    TierMoveModel* moveModel() const { return move_model_; }
    TierPolicyForm* policyForm() const { return policy_form_; }

private:
    void build_tiles();
    void build_charts();
    QWidget* build_partition_card();
    QWidget* build_moves_card();
    QWidget* build_policy_card();
    void update_tiles(const TierSnapshot& tiers, const IngestFigures& ingest);
    void update_charts(const TierSnapshot& tiers, const IngestFigures& ingest);
    void update_status(const TierSnapshot& tiers);
    void update_actions();
    void recompute_cost();

    SnapshotFeed* feed_;
    TierControl* control_;
    QTimer* poll_timer_;
    std::shared_ptr<const TierSnapshot> shown_;
    TierSnapshot tiers_;
    IngestFigures ingest_;
    CostReport cost_;

    TierPartitionModel* partition_model_;
    TierMoveModel* move_model_;
    TierPolicyForm* policy_form_ = nullptr;
    QTableView* partition_table_ = nullptr;
    QPushButton* archive_button_ = nullptr;
    QPushButton* restore_button_ = nullptr;
    ToneLabel* status_ = nullptr;

    MetricTile* hot_ = nullptr;
    MetricTile* cold_ = nullptr;
    MetricTile* cost_now_ = nullptr;
    MetricTile* cost_30_ = nullptr;
    MetricTile* compression_ = nullptr;
    MetricTile* dedup_ = nullptr;

    TimeSeriesChart* tier_bytes_chart_ = nullptr;
    TimeSeriesChart* savings_chart_ = nullptr;
    BarChartCard* split_chart_ = nullptr;
    BarChartCard* cost_chart_ = nullptr;
};

}  // namespace spillway
