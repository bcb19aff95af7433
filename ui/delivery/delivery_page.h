#pragma once
// The Delivery page: where every assigned partition's events are, live. One bar per partition
// (committed, durable, pending, not yet read, lost to retention), the figures on hover and in
// columns, sorting and filters, and the totals, exposure first: what a crash right now would read
// again. Fed by the snapshot feed; GUI thread.
#include <QWidget>
#include <memory>

#include "core/pipeline/metrics.h"

class QCheckBox;
class QLabel;
class QSpinBox;
class QTableView;

namespace spillway {

class OffsetTimelineFilter;
class OffsetTimelineModel;
class SnapshotFeed;

class DeliveryPage : public QWidget {
    Q_OBJECT
public:
    explicit DeliveryPage(SnapshotFeed* feed, QWidget* parent = nullptr);

    OffsetTimelineModel* model() const { return model_; }
    OffsetTimelineFilter* filter() const { return filter_; }
    QTableView* table() const { return table_; }
    QString totalsText() const;

private:
    void show_snapshot(const std::shared_ptr<const Snapshot>& snapshot);

    OffsetTimelineModel* model_;
    OffsetTimelineFilter* filter_;
    QTableView* table_;
    QLabel* totals_;
    QSpinBox* minimum_lag_;
    QCheckBox* exposed_only_;
    QCheckBox* lost_only_;
};

}  // namespace spillway
