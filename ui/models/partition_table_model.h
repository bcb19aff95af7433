#pragma once
// The Kafka partitions of the latest snapshot as table rows, one per assigned partition in
// partition order: the dashboard's lag table and the delivery page's offset timeline both show
// these rows, each with its own columns. Rows change in place while the assignment stays the
// same (one dataChanged for the whole table) and the model resets when it changes (a
// rebalance). GUI thread only.
#include <algorithm>
#include <vector>

#include "core/pipeline/metrics.h"
#include "ui/models/column_table_model.h"

namespace spillway {

class PartitionTableModel : public ColumnTableModel<PartitionLag> {
public:
    using ColumnTableModel::ColumnTableModel;

    void setPartitions(std::vector<PartitionLag> partitions) {
        std::sort(
            partitions.begin(), partitions.end(),
            [](const PartitionLag& a, const PartitionLag& b) { return a.partition < b.partition; });
        refresh_keyed(std::move(partitions), [](const PartitionLag& p) { return p.partition; });
    }
    const std::vector<PartitionLag>& partitions() const { return rows(); }
    // The partition behind a row; null outside the table.
    const PartitionLag* partitionAt(int row) const { return rowAt(row); }
};

}  // namespace spillway
