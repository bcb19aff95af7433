#include "ui/tuning/knob_history_model.h"

#include <chrono>

#include "ui/widgets/format.h"
#include "ui/tuning/knob_change_text.h"
#include "ui/session/knob_history_feed.h"

namespace spillway {

KnobHistoryModel::KnobHistoryModel(KnobHistoryFeed* feed, QObject* parent)
    : QAbstractTableModel(parent), feed_(feed), rows_(int(feed->changes().size())) {
    connect(feed_, &KnobHistoryFeed::appended, this, &KnobHistoryModel::on_appended);
    connect(feed_, &KnobHistoryFeed::reset, this, [this] {
        beginResetModel();
        rows_ = int(feed_->changes().size());
        endResetModel();
    });
}

void KnobHistoryModel::on_appended(int) {
    // Newest first: new changes go in at the top.
    const int added = int(feed_->changes().size()) - rows_;
    if (added <= 0)
        return;
    beginInsertRows(QModelIndex(), 0, added - 1);
    rows_ += added;
    endInsertRows();
}

int KnobHistoryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : rows_;
}

int KnobHistoryModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant KnobHistoryModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const KnobChange& change = feed_->changes()[size_t(rows_ - 1 - index.row())];
    if (role == Qt::ToolTipRole)
        return tr("Before: %1\nAfter: %2")
            .arg(describe_knobs(change.before), describe_knobs(change.after));
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
        case Time:
            return format_clock(
                std::chrono::duration<double>(change.at.time_since_epoch()).count());
        case Change:
            return describe_knob_change(change.before, change.after);
        case Origin:
            return change.origin.empty() ? tr("unknown") : QString::fromStdString(change.origin);
        case ColumnCount:
            break;
    }
    return {};
}

QVariant KnobHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
        case Time:
            return tr("Time");
        case Change:
            return tr("Change");
        case Origin:
            return tr("Origin");
        case ColumnCount:
            break;
    }
    return {};
}

}  // namespace spillway
