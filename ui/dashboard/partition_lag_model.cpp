#include "ui/dashboard/partition_lag_model.h"

#include <algorithm>

#include "ui/widgets/format.h"

namespace spillway {

namespace {

QString offset_text(int64_t offset) {
    return offset < 0 ? QStringLiteral("–") : format_count(offset);
}

}  // namespace

PartitionLagModel::PartitionLagModel(QObject* parent) : QAbstractTableModel(parent) {}

void PartitionLagModel::setPartitions(std::vector<PartitionLag> partitions) {
    std::sort(
        partitions.begin(), partitions.end(),
        [](const PartitionLag& a, const PartitionLag& b) { return a.partition < b.partition; });
    const bool same_rows = partitions.size() == rows_.size() &&
                           std::equal(partitions.begin(), partitions.end(), rows_.begin(),
                                      [](const PartitionLag& a, const PartitionLag& b) {
                                          return a.partition == b.partition;
                                      });
    if (!same_rows) {
        beginResetModel();
        rows_ = std::move(partitions);
        endResetModel();
        return;
    }
    rows_ = std::move(partitions);
    if (!rows_.empty())
        emit dataChanged(index(0, LagMessages), index(int(rows_.size()) - 1, ColumnCount - 1),
                         {Qt::DisplayRole, ValueRole});
}

int PartitionLagModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

int PartitionLagModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PartitionLagModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PartitionLag& row = rows_[size_t(index.row())];
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole)
        return tr("Partition %1: committed offset %2, log end %3, consumer position %4")
            .arg(row.partition)
            .arg(offset_text(row.committed), offset_text(row.end_offset),
                 offset_text(row.consumed_position));
    if (role == ValueRole) {
        switch (Column(index.column())) {
            case Partition:
                return row.partition;
            case LagMessages:
                return qlonglong(row.lag_messages);
            case LagSeconds:
                return row.lag_seconds;
            case Committed:
                return qlonglong(row.committed);
            case LogEnd:
                return qlonglong(row.end_offset);
            case ColumnCount:
                break;
        }
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
        case Partition:
            return row.partition;
        case LagMessages:
            return format_count(row.lag_messages);
        case LagSeconds:
            return format_seconds(row.lag_seconds);
        case Committed:
            return offset_text(row.committed);
        case LogEnd:
            return offset_text(row.end_offset);
        case ColumnCount:
            break;
    }
    return {};
}

QVariant PartitionLagModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        switch (Column(section)) {
            case LagMessages:
                return tr("Messages between the committed offset and the log end");
            case LagSeconds:
                return tr("Age of the oldest event not yet committed");
            case Committed:
                return tr("Next offset to read after a restart");
            case LogEnd:
                return tr("The broker's log-end offset");
            default:
                return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
        case Partition:
            return tr("Partition");
        case LagMessages:
            return tr("Lag");
        case LagSeconds:
            return tr("Oldest");
        case Committed:
            return tr("Committed");
        case LogEnd:
            return tr("Log end");
        case ColumnCount:
            break;
    }
    return {};
}

}  // namespace spillway
