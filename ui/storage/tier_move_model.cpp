#include "ui/storage/tier_move_model.h"

#include "ui/widgets/format.h"

namespace spillway {

TierMoveModel::TierMoveModel(QObject* parent) : QAbstractTableModel(parent) {}

void TierMoveModel::setMoves(std::vector<TierMove> moves) {
    // A handful of rows that all may change (a move's state): resetting is simplest and cheap.
    beginResetModel();
    rows_ = std::move(moves);
    endResetModel();
}

int TierMoveModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

int TierMoveModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TierMoveModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TierMove& row = rows_[size_t(index.row())];
    if (role == Qt::ToolTipRole)
        return row.error.empty() ? tr("SHA-256 %1").arg(QString::fromStdString(row.sha256))
                                 : QString::fromStdString(row.error);
    if (role == Qt::TextAlignmentRole && (index.column() == Rows || index.column() == Size))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
        case Started:
            // "2026-01-31T12:34:56Z" -> "2026-01-31 12:34:56"
            return QString::fromStdString(row.started_at).replace(u'T', u' ').remove(u'Z');
        case Partition:
            return QString::fromStdString(row.partition);
        case Direction:
            return QStringLiteral("%1 → %2").arg(QString::fromStdString(row.from_tier),
                                                 QString::fromStdString(row.to_tier));
        case State:
            return QString::fromStdString(row.state);
        case Rows:
            return format_count(row.rows);
        case Size:
            return format_bytes(double(row.bytes));
        case ColumnCount:
            break;
    }
    return {};
}

QVariant TierMoveModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
        case Started:
            return tr("Started (UTC)");
        case Partition:
            return tr("Partition");
        case Direction:
            return tr("Move");
        case State:
            return tr("State");
        case Rows:
            return tr("Rows");
        case Size:
            return tr("Archive");
        case ColumnCount:
            break;
    }
    return {};
}

}  // namespace spillway
