#pragma once
// The offset timeline, one row per assigned partition in partition order, refreshed from each
// snapshot: rows change in place while the assignment stays the same (one dataChanged for the
// whole table), and the model resets when it changes (a rebalance). GUI thread.
#include <QAbstractTableModel>
#include <vector>

#include "core/pipeline/metrics.h"

namespace spillway {

class OffsetTimelineModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Partition,
        Timeline,  // the bar, painted by OffsetBarDelegate
        LogStart,
        Committed,
        Durable,
        Pending,
        Consumed,
        HighWatermark,
        Lag,
        Exposure,
        Lost,
        ColumnCount
    };
    // The raw number behind a cell (for sorting, filtering and tests); DisplayRole is formatted.
    static constexpr int ValueRole = Qt::UserRole + 1;

    explicit OffsetTimelineModel(QObject* parent = nullptr);

    void setPartitions(std::vector<PartitionLag> partitions);
    const std::vector<PartitionLag>& partitions() const { return rows_; }
    // The partition behind a row (the delegate paints from it).
    const PartitionLag* partitionAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Every figure of one partition, a line each: the bar's tooltip.
    static QString describe(const PartitionLag& partition);

private:
    std::vector<PartitionLag> rows_;
};

}  // namespace spillway
