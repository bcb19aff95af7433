#include "ui/dead_letters/dead_letter_reason_model.h"

#include <QSet>

#include "ui/widgets/format.h"

namespace spillway {

DeadLetterReasonModel::DeadLetterReasonModel(QObject* parent)
    : RowTableModel(ColumnCount, parent) {}

void DeadLetterReasonModel::setCounts(const std::vector<ReasonCount>& counts) {
    QSet<QString> checked;
    for (const ReasonRow& row : rows())
        if (row.checked)
            checked.insert(row.reason);
    std::vector<ReasonRow> rows;
    for (const ReasonCount& count : counts) {
        const QString reason = QString::fromStdString(count.reason);
        rows.push_back({reason, count.count, checked.remove(reason)});
    }
    for (const QString& reason : checked)  // checked but no longer counted
        rows.push_back({reason, 0, true});
    refresh_rows(std::move(rows),
                 [](const ReasonRow& a, const ReasonRow& b) { return a.reason == b.reason; }, 0,
                 {});
}

std::vector<std::string> DeadLetterReasonModel::checkedReasons() const {
    std::vector<std::string> reasons;
    for (const ReasonRow& row : rows())
        if (row.checked)
            reasons.push_back(row.reason.toStdString());
    return reasons;
}

void DeadLetterReasonModel::setCheckedReasons(const QStringList& reasons) {
    bool changed = false;
    for (int i = 0; i < rowCount(); ++i) {
        ReasonRow& row = mutable_row(i);
        const bool checked = reasons.contains(row.reason);
        changed = changed || checked != row.checked;
        row.checked = checked;
    }
    if (!changed)
        return;
    emit dataChanged(index(0, Reason), index(rowCount() - 1, Reason), {Qt::CheckStateRole});
    emit checkedReasonsChanged();
}

void DeadLetterReasonModel::clearChecks() {
    setCheckedReasons({});
}

int64_t DeadLetterReasonModel::total() const {
    int64_t total = 0;
    for (const ReasonRow& row : rows())
        total += row.count;
    return total;
}

QVariant DeadLetterReasonModel::cell(const ReasonRow& row, int column_index, int role) const {
    if (column_index == Reason) {
        if (role == Qt::DisplayRole)
            return row.reason;
        if (role == Qt::CheckStateRole)
            return row.checked ? Qt::Checked : Qt::Unchecked;
        if (role == Qt::ToolTipRole)
            return tr("Show only %1 entries (check several to combine)").arg(row.reason);
    } else if (column_index == Count) {
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
    ReasonRow& row = mutable_row(index.row());
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

QVariant DeadLetterReasonModel::header(int section, int role) const {
    if (role != Qt::DisplayRole)
        return {};
    return section == Reason ? tr("Reason") : section == Count ? tr("Entries") : QVariant();
}

}  // namespace spillway
