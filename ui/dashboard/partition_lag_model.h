#pragma once
// Consumer lag per partition for the dashboard: partition, lag in messages and seconds, the
// committed offset and the log end. The rows are PartitionTableModel's (partition order, in place
// until a rebalance). GUI thread.
#include "ui/models/partition_table_model.h"

namespace spillway {

class PartitionLagModel : public PartitionTableModel {
    Q_OBJECT
public:
    enum Column { Partition, LagMessages, LagSeconds, Committed, LogEnd, ColumnCount };

    explicit PartitionLagModel(QObject* parent = nullptr);
};

}  // namespace spillway
