#pragma once
// The offset timeline, one row per assigned partition: where the log starts, what is committed,
// durable, pending, consumed and at the high watermark, and what was lost to retention. The rows
// are PartitionTableModel's (partition order, in place until a rebalance). GUI thread.
#include "ui/models/partition_table_model.h"

namespace spillway {

class OffsetTimelineModel : public PartitionTableModel {
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

    explicit OffsetTimelineModel(QObject* parent = nullptr);

    // Every figure of one partition, a line each: the bar's tooltip.
    static QString describe(const PartitionLag& partition);
};

}  // namespace spillway
