#pragma once
// Consumer lag per partition, one row per partition in partition order, refreshed from each
// snapshot: rows change in place while the assignment stays the same, and the model resets when
// it changes (a rebalance).
#include <QAbstractTableModel>
#include <vector>

#include "core/pipeline/metrics.h"

namespace spillway {

class PartitionLagModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Partition, LagMessages, LagSeconds, Committed, LogEnd, ColumnCount };
    // The raw number behind a cell (for sorting and tests); DisplayRole is formatted.
    static constexpr int ValueRole = Qt::UserRole + 1;

    explicit PartitionLagModel(QObject* parent = nullptr);

    void setPartitions(std::vector<PartitionLag> partitions);
    const std::vector<PartitionLag>& partitions() const { return rows_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<PartitionLag> rows_;
};

}  // namespace spillway
