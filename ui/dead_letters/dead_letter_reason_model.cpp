#include "ui/dead_letters/dead_letter_reason_model.h"

#include <QSet>

#include "ui/widgets/format.h"

namespace spillway {

DeadLetterReasonModel::DeadLetterReasonModel(QObject* parent) : QAbstractTableModel(parent) {}

void DeadLetterReasonModel::setCounts(const std::vector<ReasonCount>& counts) {
    QSet<QString> checked;
    for (const Row& row : rows_)
        if (row.checked)
            checked.insert(row.reason);
    std::vector<Row> rows;
    for (const ReasonCount& count : counts) {
        const QString reason = QString::fromStdString(count.reason);
        rows.push_back({reason, count.count, checked.remove(reason)});
    }
    for (const QString& reason : checked)  // checked but no longer counted
        rows.push_back({reason, 0, true});
    const bool same_reasons =
        rows.size() == rows_.size() &&
        std::equal(rows.begin(), rows.end(), rows_.begin(),
                   [](const Row& a, const Row& b) { return a.reason == b.reason; });
    if (same_reasons) {
        rows_ = std::move(rows);
        if (!rows_.empty())
            emit dataChanged(index(0, 0), index(int(rows_.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
}

std::vector<std::string> DeadLetterReasonModel::checkedReasons() const {
    std::vector<std::string> reasons;
    for (const Row& row : rows_)
        if (row.checked)
            reasons.push_back(row.reason.toStdString());
    return reasons;
}

void DeadLetterReasonModel::setCheckedReasons(const QStringList& reasons) {
    bool changed = false;
    for (Row& row : rows_) {
        const bool checked = reasons.contains(row.reason);
        changed = changed || checked != row.checked;
        row.checked = checked;
    }
    if (!changed)
        return;
    emit dataChanged(index(0, Reason), index(int(rows_.size()) - 1, Reason), {Qt::CheckStateRole});
    emit checkedReasonsChanged();
}

void DeadLetterReasonModel::clearChecks() {
    setCheckedReasons({});
}

int64_t DeadLetterReasonModel::total() const {
    int64_t total = 0;
    for (const Row& row : rows_)
        total += row.count;
    return total;
}

int DeadLetterReasonModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

int DeadLetterReasonModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeadLetterReasonModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = rows_[size_t(index.row())];
    if (index.column() == Reason) {
        if (role == Qt::DisplayRole)
            return row.reason;
        if (role == Qt::CheckStateRole)
            return row.checked ? Qt::Checked : Qt::Unchecked;
        if (role == Qt::ToolTipRole)
            return tr("Show only %1 entries (check several to combine)").arg(row.reason);
    } else if (index.column() == Count) {
        if (role == Qt::DisplayRole)
            return format_count(row.count);
        if (role == Qt::TextAlignmentRole)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

bool DeadLetterReasonModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        index.column() != Reason || role != Qt::CheckStateRole)
        return false;
    Row& row = rows_[size_t(index.row())];
    const bool checked = value.toInt() == Qt::Checked;
    if (row.checked == checked)
        return true;
    row.checked = checked;
    emit dataChanged(index, index, {Qt::CheckStateRole});
    emit checkedReasonsChanged();
    return true;
}

Qt::ItemFlags DeadLetterReasonModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags flags = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == Reason)
        flags |= Qt::ItemIsUserCheckable;
    return flags;
}

QVariant DeadLetterReasonModel::headerData(int section, Qt::Orientation orientation,
                                           int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    return section == Reason ? tr("Reason") : section == Count ? tr("Entries") : QVariant();
}

}  // namespace spillway
