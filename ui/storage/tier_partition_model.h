#pragma once
// The partitions of the events table with their tier, range, rows and size, oldest first, as the
// latest TierSnapshot lists them. Rows change in place while the list of names stays the same.
// GUI thread.
#include <vector>

#include "core/tiering/tier_snapshot.h"

#include "ui/models/column_table_model.h"

namespace spillway {

class TierPartitionModel : public ColumnTableModel<TierPartition> {
    Q_OBJECT
public:
    enum Column { Name, TierColumn, Day, Rows, Size, ColumnCount };

    explicit TierPartitionModel(QObject* parent = nullptr);

    void setPartitions(std::vector<TierPartition> partitions);
    const std::vector<TierPartition>& partitions() const { return rows(); }
    const TierPartition* partitionAt(int row) const { return rowAt(row); }
};

}  // namespace spillway
