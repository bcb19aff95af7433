#include "ui/storage/tier_partition_model.h"

#include <algorithm>

#include "ui/widgets/format.h"

namespace spillway {

namespace {

QString day_text(const TierPartition& partition) {
    // "2026-01-31T00:00:00Z" -> "2026-01-31"; the default partition holds whatever falls outside.
    return partition.range_from.empty()
               ? TierPartitionModel::tr("other days")
               : QString::fromStdString(partition.range_from.substr(0, 10));
}

}  // namespace

TierPartitionModel::TierPartitionModel(QObject* parent) : QAbstractTableModel(parent) {}

void TierPartitionModel::setPartitions(std::vector<TierPartition> partitions) {
    const bool same_rows =
        partitions.size() == rows_.size() &&
        std::equal(partitions.begin(), partitions.end(), rows_.begin(),
                   [](const TierPartition& a, const TierPartition& b) { return a.name == b.name; });
    if (!same_rows) {
        beginResetModel();
        rows_ = std::move(partitions);
        endResetModel();
        return;
    }
    rows_ = std::move(partitions);
    if (!rows_.empty())
        emit dataChanged(index(0, 0), index(int(rows_.size()) - 1, ColumnCount - 1),
                         {Qt::DisplayRole, ValueRole});
}

const TierPartition* TierPartitionModel::partitionAt(int row) const {
    return row >= 0 && size_t(row) < rows_.size() ? &rows_[size_t(row)] : nullptr;
}

int TierPartitionModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

int TierPartitionModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TierPartitionModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TierPartition& row = rows_[size_t(index.row())];
    const auto column = Column(index.column());
    if (role == Qt::TextAlignmentRole)
        return column == Rows || column == Size
                   ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        if (row.tier == Tier::Cold)
            return tr("Archived in %1 (took %2 in PostgreSQL)")
                .arg(QString::fromStdString(row.archive_file), format_bytes(double(row.hot_bytes)));
        return row.rows_estimated ? tr("In PostgreSQL; the row count is the planner's estimate")
               : row.range_from.empty()
                   ? tr("In PostgreSQL; events outside the daily partitions (never archived)")
                   : tr("In PostgreSQL");
    }
    if (role == ValueRole) {
        switch (column) {
            case Name:
                return QString::fromStdString(row.name);
            case TierColumn:
                return QString::fromLatin1(tier_name(row.tier));
            case Day:
                return QString::fromStdString(row.range_from);
            case Rows:
                return qlonglong(row.rows);
            case Size:
                return qlonglong(row.bytes);
            case ColumnCount:
                break;
        }
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
        case Name:
            return QString::fromStdString(row.name);
        case TierColumn:
            return row.tier == Tier::Hot ? tr("hot") : tr("cold");
        case Day:
            return day_text(row);
        case Rows:
            return (row.rows_estimated ? QStringLiteral("≈") : QString()) + format_count(row.rows);
        case Size:
            return format_bytes(double(row.bytes));
        case ColumnCount:
            break;
    }
    return {};
}

QVariant TierPartitionModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
        case Name:
            return tr("Partition");
        case TierColumn:
            return tr("Tier");
        case Day:
            return tr("Day (UTC)");
        case Rows:
            return tr("Rows");
        case Size:
            return tr("Size");
        case ColumnCount:
            break;
    }
    return {};
}

}  // namespace spillway
