#pragma once
// The partitions of the events table with their tier, range, rows and size, oldest first, as the
// latest TierSnapshot lists them. Rows change in place while the list of names stays the same.
#include <QAbstractTableModel>
#include <vector>

#include "core/tiering/tier_snapshot.h"

namespace spillway {

class TierPartitionModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, TierColumn, Day, Rows, Size, ColumnCount };
    // The raw value behind a cell (for sorting and tests); DisplayRole is formatted.
    static constexpr int ValueRole = Qt::UserRole + 1;

    explicit TierPartitionModel(QObject* parent = nullptr);

    void setPartitions(std::vector<TierPartition> partitions);
    const std::vector<TierPartition>& partitions() const { return rows_; }
    const TierPartition* partitionAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<TierPartition> rows_;
};

}  // namespace spillway
